"""A spike and why it happened, in every format: plain text (digest, cron mail), a short
notification, Rich (the terminal report), Markdown, HTML (the digest's mail) and JSON.

Every format says the same things (``why_lines``): the phrases over-represented in the spike's
window, its top sources and authors, the sentiment split, the aspects involved, and three
example mentions with their links. Web text is escaped for each medium here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING, Any

from brandwatch_cli.models import MentionRow, Spike, SpikeExplanation
from brandwatch_cli.output.markup import h, link, md, md_link
from brandwatch_cli.output.wording import average_text, iso_utc, mention_title, spike_text
from brandwatch_cli.text import one_line, web_link

if TYPE_CHECKING:
    from rich.console import Console

#: How the digest's mail draws a link (as ``html.LINK``).
LINK = "color:#0b5cad;text-decoration:underline"
#: The terms a notification names.
NOTIFY_TERMS = 3


def _names(pairs: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{one_line(name)} ({count})" for name, count in pairs)


def split_text(why: SpikeExplanation) -> str:
    """``3 positive, 5 neutral, 32 negative``."""
    return f"{why.positive} positive, {why.neutral} neutral, {why.negative} negative"


def why_lines(spike: Spike) -> list[str]:
    """What explains the spike, one plain line per kind of fact (none without explanation)."""
    why = spike.explanation
    if why is None:
        return []
    terms = ", ".join(f"“{one_line(term)}”" for term, _ in why.terms)
    lines = [f"why: {terms}" if terms else "why: no phrase stands out from the usual"]
    if why.sources:
        lines.append(f"sources: {_names(why.sources)}")
    if why.authors:
        lines.append(f"authors: {_names(why.authors)}")
    lines.append(f"sentiment: {split_text(why)}")
    if why.aspects:
        lines.append(
            "aspects: "
            + ", ".join(
                f"{one_line(name)} ({count}, {average_text(average)})"
                for name, count, average in why.aspects
            )
        )
    return lines


def _examples(spike: Spike) -> tuple[MentionRow, ...]:
    return spike.explanation.examples if spike.explanation else ()


def _link(row: MentionRow) -> str:
    return web_link(row.get("url")) or ""


# Plain text and notifications ------------------------------------------------------------


def spike_plain(
    spike: Spike, prefix: str = "", indent: str = "    ", tz: tzinfo = UTC
) -> list[str]:
    """The spike's line after ``prefix``, then why and its examples after ``indent``: the
    digest's text and cron mail."""
    lines = [f"{prefix}{one_line(spike.keyword)}: {spike_text(spike, tz)}"]
    lines += [f"{indent}{line}" for line in why_lines(spike)]
    for row in _examples(spike):
        link = _link(row)
        lines.append(f"{indent}- {one_line(mention_title(row))}" + (f"  {link}" if link else ""))
    return lines


def spike_notice(spike: Spike) -> str:
    """A notification's line: the spike, its top terms, the split, one link."""
    text = f"{one_line(spike.keyword)}: {spike_text(spike)}"
    why = spike.explanation
    if why is None:
        return text
    terms = ", ".join(one_line(term) for term, _ in why.terms[:NOTIFY_TERMS])
    parts = [f"why: {terms}"] if terms else []
    parts.append(split_text(why))
    link = next((_link(row) for row in why.examples if _link(row)), "")
    if link:
        parts.append(link)
    return f"{text} — {'; '.join(parts)}"


# Markdown and HTML -------------------------------------------------------------------------


def spike_markdown(spike: Spike, tz: tzinfo = UTC) -> list[str]:
    """A list item: the keyword in bold, the spike, then why and examples as sub-items."""
    lines = [f"- **{md(spike.keyword)}**: {md(spike_text(spike, tz))}"]
    lines += [f"  - {md(line)}" for line in why_lines(spike)]
    lines += [f"  - {md_link(mention_title(row), row.get('url'))}" for row in _examples(spike)]
    return lines


def spike_html(spike: Spike, tz: tzinfo = UTC) -> str:
    """An ``<li>`` for the digest's mail: inline styles, every piece of web text escaped
    (``markup``), only http(s) links clickable."""
    grey = '<br><span style="color:#52606d">{}</span>'
    parts = [
        f'<li style="margin:0 0 8px"><b>{h(spike.keyword)}</b>:'
        f' <span style="color:#b42318">{h(spike_text(spike, tz))}</span>'
    ]
    parts += [grey.format(h(line)) for line in why_lines(spike)]
    parts += [f"<br>• {link(mention_title(row), row.get('url'), LINK)}" for row in _examples(spike)]
    return "".join(parts) + "</li>"


# The terminal and JSON -----------------------------------------------------------------------


def render_spikes(spikes: Sequence[Spike], out: Console, tz: tzinfo = UTC) -> None:
    """The report's spikes section on a terminal (Rich): each spike, why, linked examples."""
    from rich.style import Style
    from rich.text import Text

    out.print(Text("Spikes in the period", style="bold"))
    if not spikes:
        out.print(Text("None: no hour or day stood out from its usual.", style="green"))
    for spike in spikes:
        line = Text("! ", style="bold red")
        line.append(one_line(spike.keyword), style="bold")
        line.append(f": {spike_text(spike, tz)}")
        out.print(line)
        for why in why_lines(spike):
            out.print(Text(f"    {why}", style="dim"))
        for row in _examples(spike):
            title = Text(f"    - {one_line(mention_title(row))}")
            link = _link(row)
            if link and out.is_terminal:
                title.stylize(Style(link=link), 6)
            elif link:  # a file or a pipe keeps no hyperlink: the address itself
                title.append(f"  {link}")
            out.print(title, soft_wrap=bool(link))  # an address is never cut
    out.print()


def spike_json(spike: Spike) -> dict[str, Any]:
    """A spike for machines: the test's figures, and why (example mentions by id)."""
    why = spike.explanation
    return {
        "keyword": spike.keyword,
        "kind": spike.kind,
        "count": spike.count,
        "mean": spike.mean,
        "threshold": spike.threshold,
        "p_value": spike.p_value,
        "baseline": spike.baseline_kind,
        "history": spike.history,
        "window_hours": spike.window.total_seconds() / 3600,
        "ended": iso_utc(spike.ended) if spike.ended else None,
        "explanation": None
        if why is None
        else {
            "terms": [{"phrase": term, "score": score} for term, score in why.terms],
            "sources": [{"name": n, "mentions": c} for n, c in why.sources],
            "authors": [{"name": n, "mentions": c} for n, c in why.authors],
            "sentiment": {
                "positive": why.positive,
                "neutral": why.neutral,
                "negative": why.negative,
            },
            "aspects": [{"aspect": a, "mentions": c, "average": avg} for a, c, avg in why.aspects],
            "examples": [row.get("id") for row in why.examples],
        },
    }
