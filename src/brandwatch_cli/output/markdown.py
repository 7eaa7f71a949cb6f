"""Reports and digests as GitHub-flavoured Markdown, for documents, chats and issues.

Web text (titles, names, sources, keywords) is escaped so it cannot open a link, an emphasis,
a tag or a table cell, and lives on one line; only http(s) URLs become links.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING

from brandwatch_cli.insight.report import KeywordStats, Ranked, Report, TrendPoint
from brandwatch_cli.models import MentionRow, Theme
from brandwatch_cli.output import themes, triage
from brandwatch_cli.output.aspects import aspects_markdown
from brandwatch_cli.output.markup import md, md_link, md_table
from brandwatch_cli.output.rules import held_markdown
from brandwatch_cli.output.spikes import spike_markdown
from brandwatch_cli.output.triage import overdue_text
from brandwatch_cli.output.wording import (
    KEYWORD_COLUMNS,
    LABELS,
    PROBLEM_COLUMNS,
    average_change_text,
    average_text,
    bar,
    bucket_unit,
    change_text,
    count_text,
    digest_context,
    digest_headline,
    digest_title,
    engagement_text,
    grouped,
    headline,
    keyword_cells,
    mention_facts,
    mention_title,
    peak,
    percent,
    period_text,
    problem_cells,
    ranked_for_reply,
    sparkline,
    top_mentions,
    when,
)

if TYPE_CHECKING:
    from brandwatch_cli.insight.digest import Digest

# Reports ----------------------------------------------------------------------------------


MENTION_HEADERS = ["id", "sentiment", "source", "title", "engagement", "outlets", "status"]


def md_mention(row: MentionRow) -> list[str]:
    """Cells of a reply-first row (``MENTION_HEADERS``): id, sentiment, source, linked title,
    engagement, outlets (domains that carried the story), status."""
    return [
        md(row.get("id")),
        f"{average_text(row.get('sentiment'))} {md(row.get('sentiment_label') or '')}".strip(),
        md(row.get("source")),
        md_link(mention_title(row), row.get("url")),
        md(engagement_text(row.get("engagement"))),
        md(row.get("outlets")),
        md(row.get("status")),
    ]


def _md_ranked(title: str, rows: Sequence[Ranked], people: bool) -> list[str]:
    if not rows:
        return []
    headers = ["name", "mentions", "negative", "average", "interactions"]
    headers += ["followers"] if people else []
    body = [
        [md(r.name), str(r.mentions), str(r.negative), average_text(r.average)]
        + [count_text(r.interactions)]
        + ([count_text(r.followers)] if people else [])
        for r in rows
    ]
    return [f"### {title}", "", md_table(headers, body, right=1), ""]


def report_markdown(report: Report) -> str:
    """The report as a GitHub-flavoured Markdown document."""
    lines = [
        f"# Brand mentions, {period_text(report.period, report.tz)}",
        "",
        f"Compared with {period_text(report.previous, report.tz)}.",
        "",
        f"**{headline(report.total, report.previous_total)}**",
        "",
        "## Keywords and share of voice",
        "",
        "`█` mentions, `▒` negative.",
        "",
    ]
    top = max((k.share_of_voice for k in report.keywords), default=0.0)
    lines += [
        md_table(
            ["keyword", "mentions", "share of voice", "", "change", *LABELS, "average", "Δ"],
            (_md_keyword(k, top) for k in report.keywords),
            right=1,
        ),
        "",
        f"## Trend per {report.bucket}",
        "",
    ]
    rows = [
        _md_trend(name, points, report.bucket, report.tz) for name, points in report.trend.items()
    ]
    if rows:
        unit = bucket_unit(report.bucket, grouped(next(iter(report.trend.values())))[1])
        headers = ["keyword", "mentions", "negative", "total", "negative total", "peak"]
        lines += [f"One mark per {unit}; `·` is none.", "", md_table(headers, rows), ""]
    else:
        lines += ["No keywords.", ""]
    lines += ["## Spikes", ""]
    lines += [line for s in report.spikes for line in spike_markdown(s, report.tz)] or ["None."]
    lines += ["", "## Who talks", ""]
    lines += _md_ranked("Top sources", report.sources, False)
    lines += _md_ranked("Top domains", report.domains, False)
    lines += _md_ranked("Top authors (by mentions)", report.authors, True)
    lines += _md_ranked("Influencers (authors by interactions)", report.influencers, True)
    lines += aspects_markdown(report.aspects)
    lines += ["## Themes", "", *(themes_lines(report.themes) or [themes.NO_THEMES, ""])]
    lines += ["## Reply first", ""]
    lines += [f"**{md(t)}**\n" for t in [overdue_text(report.overdue)] if t]
    if report.reply_first:
        headers = MENTION_HEADERS
        ranked = ranked_for_reply(report.reply_first, [k.keyword for k in report.keywords])
        lines.append(md_table(headers, (md_mention(row) for row in ranked)))
    else:
        lines.append("No negative mentions waiting for a reply.")
    return "\n".join(lines) + "\n"


def themes_lines(found: Mapping[str, Sequence[Theme]], level: int = 3) -> list[str]:
    """A table of themes per keyword (``output.themes``), under a heading of ``level``; the
    examples link to their mentions."""
    lines: list[str] = []
    for keyword, rows in found.items():
        cells = [
            [md(cell) for cell in themes.theme_cells(theme)[:-1]]
            + [" ".join(md_link(f"#{row['id']}", row.get("url")) for row in theme.examples)]
            for theme in rows
        ]
        if cells:
            lines += [f"{'#' * level} {md(keyword)}", "", md_table(themes.HEADERS, cells, 1), ""]
    return lines


def _md_trend(name: str, points: Sequence[TrendPoint], bucket: str, tz: tzinfo) -> list[str]:
    cells = grouped(points)[0]
    high = max((p.mentions for p in cells), default=0)
    best = peak(points)
    return [
        md(name),
        f"`{sparkline([p.mentions for p in cells], high)}`",
        f"`{sparkline([p.negative for p in cells], high)}`",
        str(sum(p.mentions for p in points)),
        str(sum(p.negative for p in points)),
        f"{when(best.start, bucket, tz=tz)} ({best.mentions})" if best else "-",
    ]


def _md_keyword(k: KeywordStats, top: float) -> list[str]:
    negative = k.share_of_voice * k.now.share("negative")
    return [
        md(k.keyword),
        str(k.now.mentions),
        percent(k.share_of_voice),
        f"`{bar(k.share_of_voice, top, negative)}`" if k.share_of_voice else "",
        change_text(k.now.mentions, k.before.mentions),
        *(percent(k.now.share(label)) for label in LABELS),
        average_text(k.now.average),
        average_change_text(k.now.average, k.before.average),
    ]


# Digests ----------------------------------------------------------------------------------


def digest_markdown(digest: Digest) -> str:
    lines = [
        f"# {digest_title(digest)}",
        "",
        digest_context(digest),
        "",
        f"**{digest_headline(digest)}**",
        "",
    ]
    if digest.empty:
        lines += ["Nothing new: no mentions, no alerts, no source problems.", ""]
    lines += ["## Alerts", ""]
    lines += [line for s in digest.alerts for line in spike_markdown(s, digest.tz)] or ["None."]
    if digest.keywords:
        cells = [[md(c) for c in row] for row in keyword_cells(digest)]
        lines += ["", "## Keywords", "", md_table(KEYWORD_COLUMNS, cells, right=1)]
    lines += ["", "## Reply first", ""]
    lines += [f"**{md(t)}**\n" for t in [triage.overdue_text(digest.backlog.overdue)] if t]
    if digest.reply_first:
        headers = MENTION_HEADERS
        ranked = ranked_for_reply(digest.reply_first)
        lines.append(md_table(headers, (md_mention(row) for row in ranked)))
    else:
        lines.append("Nothing to answer.")
    lines += ["", f"## {triage.BACKLOG_TITLE}", ""]
    entries = [[*md_mention(row), md(age)] for row, age in triage.backlog_entries(digest)]
    lines.append(md_table([*MENTION_HEADERS, "waiting"], entries) if entries else "None.")
    lines += [f"\n{md(t)}" for t in [triage.backlog_more(digest)] if t]
    lines += held_markdown(digest.held, digest.tz)
    lines += ["", "## Top new mentions"]
    for keyword, rows in top_mentions(digest):
        lines += ["", f"### {md(keyword)}", ""]
        lines += [
            f"- {md_link(mention_title(row), row.get('url'))} · {md(mention_facts(row))}"
            for row in rows
        ]
    if not top_mentions(digest):
        lines += ["", "None."]
    if any(digest.themes.values()):
        lines += ["", "## Themes", "", *themes_lines(digest.themes)]
    if digest.problems:
        cells = [[md(c) for c in row] for row in problem_cells(digest.problems, digest.tz)]
        lines += ["", "## Source problems", "", md_table(PROBLEM_COLUMNS, cells)]
    return "\n".join(lines) + "\n"
