"""A digest as plain text (cron mail, terminals), Markdown (chat, issues) and HTML (mail).

Same content in each: headline numbers against the previous window, alerts, what to answer
first, the most heard new mentions per keyword, sources in trouble. Web text is made inert for
each format where it is written: control characters stripped everywhere, Markdown
punctuation escaped, HTML escaped with quotes; only http(s) URLs become links. The HTML is
one file for mail clients: table layout, inline styles, no script, no external resource.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from brandwatch_cli.insight.digest import Digest
from brandwatch_cli.models import NEGATIVE, Spike
from brandwatch_cli.output.plain import clean, table
from brandwatch_cli.output.wording import (
    LABELS,
    average_text,
    change_text,
    engagement_text,
    headline,
    md,
    md_link,
    md_mention,
    md_table,
    mention_title,
    percent,
    period_text,
    stored_when,
    when,
)
from brandwatch_cli.text import web_link

PROBLEM_COLUMNS = ("source", "status", "failures", "next attempt", "last error")
KEYWORD_COLUMNS = ("keyword", "new", "change", "share of voice", *LABELS, "average")


def spike_text(spike: Spike) -> str:
    """``negative spike: 14 negative mentions in the last 24 h, usually 2.1 (threshold 8.3,
    14 windows of history)``: the latest window's count against the mean of earlier ones."""
    negative = spike.kind == NEGATIVE
    what, noun = ("negative spike", "negative mentions") if negative else ("spike", "mentions")
    return (
        f"{what}: {spike.count} {noun} in the last {spike.window_text}, usually"
        f" {spike.mean:.1f} (threshold {spike.threshold:.1f}, {spike.history} windows of history)"
    )


def _title(digest: Digest) -> str:
    return f"Brand mentions digest, {period_text(digest.period)}"


def _headline(digest: Digest) -> str:
    return headline(digest.total, digest.previous_total, "new")


def _context(digest: Digest) -> str:
    return (
        f"Mentions fetched in this window, generated {when(digest.generated_at)} UTC;"
        f" compared with {period_text(digest.previous)}."
    )


def _keyword_cells(digest: Digest) -> list[list[str]]:
    """Keyword rows (keyword name unescaped: escape per format)."""
    return [
        [
            k.keyword,
            str(k.now.mentions),
            change_text(k.now.mentions, k.before.mentions),
            percent(k.share_of_voice),
            *(percent(k.now.share(label)) for label in LABELS),
            average_text(k.now.average),
        ]
        for k in digest.keywords
    ]


def _problem_cells(rows: Iterable[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            clean(row.get("source") or ""),
            clean(row.get("status") or ""),
            str(row.get("failures") or 0),
            stored_when(row.get("next_attempt")),
            clean(row.get("last_error") or ""),
        ]
        for row in rows
    ]


def _sentiment(row: dict[str, Any]) -> str:
    label = clean(row.get("sentiment_label") or "")
    return f"{average_text(row.get('sentiment'))} {label}".strip()


def _facts(row: dict[str, Any], sentiment: bool = True) -> str:
    """``-0.85 negative · hackernews · score 12 · status new`` (unescaped)."""
    parts = [_sentiment(row)] if sentiment else []
    parts += [clean(row.get("source") or ""), engagement_text(row.get("engagement"))]
    parts.append(f"status {clean(row.get('status') or '')}")
    return clean(" · ".join(p for p in parts if p))


def _top(digest: Digest) -> list[tuple[str, tuple[dict[str, Any], ...]]]:
    return [(keyword, rows) for keyword, rows in digest.top.items() if rows]


def _link_line(url: object) -> str:
    link = web_link(url)
    if link is not None:
        return link
    return f"not a web link: {clean(url)}" if url else ""


# Plain text -------------------------------------------------------------------------------


def digest_text(digest: Digest) -> str:
    lines = [_title(digest), _context(digest), "", _headline(digest), ""]
    if digest.empty:
        lines += ["Nothing new: no mentions, no alerts, no source problems.", ""]
    lines += _heading("Alerts")
    lines += [f"  ! {clean(s.keyword)}: {spike_text(s)}" for s in digest.alerts] or ["  none"]
    if digest.keywords:
        lines += [
            "",
            *_heading("Keywords"),
            table(KEYWORD_COLUMNS, _keyword_cells(digest), KEYWORD_COLUMNS[1:]),
        ]
    lines += ["", *_heading("Reply first (most negative, not yet handled)")]
    lines += [
        line for row in digest.reply_first for line in _text_mention(row, f"#{row.get('id')}")
    ] or ["  nothing to answer"]
    lines += ["", *_heading("Top new mentions")]
    for keyword, rows in _top(digest):
        lines.append(f"  {clean(keyword)}")
        lines += [line for row in rows for line in _text_mention(row, "-", indent=4)]
    if not _top(digest):
        lines.append("  none")
    if digest.problems:
        lines += [
            "",
            *_heading("Source problems"),
            table(PROBLEM_COLUMNS, _problem_cells(digest.problems), ("failures",)),
        ]
    return "\n".join(lines) + "\n"


def _heading(title: str) -> list[str]:
    return [title, "=" * len(title)]


def _text_mention(row: dict[str, Any], mark: str, indent: int = 2) -> list[str]:
    pad = " " * (indent + len(mark) + 1)
    lines = [f"{' ' * indent}{mark} {mention_title(row)}", f"{pad}{_facts(row)}"]
    link = _link_line(row.get("url"))
    return [*lines, f"{pad}{link}"] if link else lines


# Markdown ---------------------------------------------------------------------------------


def digest_markdown(digest: Digest) -> str:
    lines = [f"# {_title(digest)}", "", _context(digest), "", f"**{_headline(digest)}**", ""]
    if digest.empty:
        lines += ["Nothing new: no mentions, no alerts, no source problems.", ""]
    lines += ["## Alerts", ""]
    lines += [f"- **{md(s.keyword)}**: {spike_text(s)}" for s in digest.alerts] or ["None."]
    if digest.keywords:
        cells = [[md(c) for c in row] for row in _keyword_cells(digest)]
        lines += ["", "## Keywords", "", md_table(KEYWORD_COLUMNS, cells, right=1)]
    lines += ["", "## Reply first", ""]
    if digest.reply_first:
        headers = ["id", "sentiment", "source", "title", "engagement", "status"]
        lines.append(md_table(headers, (md_mention(row) for row in digest.reply_first)))
    else:
        lines.append("Nothing to answer.")
    lines += ["", "## Top new mentions"]
    for keyword, rows in _top(digest):
        lines += ["", f"### {md(keyword)}", ""]
        lines += [
            f"- {md_link(mention_title(row), row.get('url'))} · {md(_facts(row))}" for row in rows
        ]
    if not _top(digest):
        lines += ["", "None."]
    if digest.problems:
        cells = [[md(c) for c in row] for row in _problem_cells(digest.problems)]
        lines += ["", "## Source problems", "", md_table(PROBLEM_COLUMNS, cells)]
    return "\n".join(lines) + "\n"


# HTML -------------------------------------------------------------------------------------

FONT = "font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.45;color:#1f2933"
CELL = "padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top"
HEAD = f"{CELL};background:#f5f7fa;font-weight:bold"
H2 = "margin:20px 0 8px;font-size:17px;color:#102a43"
SENTIMENT_COLOURS = {"positive": "#1b7f3b", "neutral": "#7a5b00", "negative": "#b42318"}


def _h(value: object) -> str:
    """Untrusted text as HTML text or attribute value: controls stripped, all escaped."""
    return escape(clean("" if value is None else value), quote=True)


def _a(text: str, url: object) -> str:
    """A link for an http(s) URL; any other URL is only text."""
    link = web_link(url)
    if link is None:
        return _h(text)
    return f'<a href="{_h(link)}" style="color:#0b5cad;text-decoration:underline">{_h(text)}</a>'


def _html_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Cells are HTML already escaped by the caller."""
    head = "".join(f'<th style="{HEAD}">{_h(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="{CELL}">{c}</td>' for c in row) + "</tr>" for row in rows
    )
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"'
        f' style="border-collapse:collapse;width:100%;{FONT}"><tr>{head}</tr>{body}</table>'
    )


def _html_mention(row: dict[str, Any]) -> str:
    colour = SENTIMENT_COLOURS.get(str(row.get("sentiment_label")), "#1f2933")
    url = row.get("url")
    other = f'<br><span style="color:#52606d">{_h(_link_line(url))}</span>'
    return (
        f'<div style="margin:0 0 10px">{_a(mention_title(row), url)}<br>'
        f'<span style="color:{colour};font-weight:bold">{_h(_sentiment(row))}</span>'
        f' <span style="color:#52606d">{_h(_facts(row, sentiment=False))}</span>'
        + (other if url and not web_link(url) else "")
        + "</div>"
    )


def digest_html(digest: Digest) -> str:
    """One self-contained HTML document that reads well in a mail client."""
    parts = [
        f'<p style="margin:0 0 4px;color:#52606d">{_h(_context(digest))}</p>',
        f'<p style="margin:8px 0;font-size:16px;font-weight:bold">{_h(_headline(digest))}</p>',
    ]
    if digest.empty:
        parts.append("<p>Nothing new: no mentions, no alerts, no source problems.</p>")
    parts.append(f'<h2 style="{H2}">Alerts</h2>')
    alerts = [
        f'<li style="margin:0 0 4px"><b>{_h(s.keyword)}</b>:'
        f' <span style="color:#b42318">{_h(spike_text(s))}</span></li>'
        for s in digest.alerts
    ]
    parts.append(
        f'<ul style="margin:0;padding-left:20px">{"".join(alerts)}</ul>'
        if alerts
        else "<p>None.</p>"
    )
    if digest.keywords:
        cells = [[_h(c) for c in row] for row in _keyword_cells(digest)]
        parts += [f'<h2 style="{H2}">Keywords</h2>', _html_table(KEYWORD_COLUMNS, cells)]
    parts.append(f'<h2 style="{H2}">Reply first</h2>')
    parts += [_html_mention(row) for row in digest.reply_first] or ["<p>Nothing to answer.</p>"]
    parts.append(f'<h2 style="{H2}">Top new mentions</h2>')
    for keyword, rows in _top(digest):
        parts.append(f'<h3 style="margin:12px 0 6px;font-size:15px">{_h(keyword)}</h3>')
        parts += [_html_mention(row) for row in rows]
    if not _top(digest):
        parts.append("<p>None.</p>")
    if digest.problems:
        cells = [[_h(c) for c in row] for row in _problem_cells(digest.problems)]
        parts += [f'<h2 style="{H2}">Source problems</h2>', _html_table(PROBLEM_COLUMNS, cells)]
    title = _h(_title(digest))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>\n"
        '<body style="margin:0;padding:0;background:#eef2f6">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"'
        ' style="background:#eef2f6"><tr><td align="center" style="padding:16px 8px">'
        '<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0"'
        f' style="width:100%;max-width:640px;background:#ffffff;{FONT}">'
        f'<tr><td style="padding:20px 24px">'
        f'<h1 style="margin:0 0 8px;font-size:20px;color:#102a43">{title}</h1>\n'
        + "\n".join(parts)
        + "\n</td></tr></table></td></tr></table></body></html>\n"
    )
