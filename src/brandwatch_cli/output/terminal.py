"""Showing results to people: Rich tables on a terminal, plain text when piped.

The scan summary, sources, mentions and the report. Every string that came from the web goes
through ``safe`` (a Rich ``Text``, never markup, with terminal control characters removed), so
a feed title cannot recolour or rewrite the screen; only http(s) URLs get a terminal hyperlink.

In the report, colour only repeats what the glyphs say: negative volume is the ``▒`` part of a
bar and a sparkline of its own, so NO_COLOR and piped output lose nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, tzinfo

from rich.console import Console, JustifyMethod
from rich.padding import Padding
from rich.style import Style
from rich.text import Text

from brandwatch_cli.insight.report import Counts, KeywordStats, Ranked, Report, TrendPoint
from brandwatch_cli.models import MentionRow, ScanResult
from brandwatch_cli.output import plain as plaintext
from brandwatch_cli.output import themes
from brandwatch_cli.output.aspects import render_aspects
from brandwatch_cli.output.console import STATUS_STYLES, safe
from brandwatch_cli.output.console import console as console  # every command's console
from brandwatch_cli.output.layout import Column, table_width
from brandwatch_cli.output.spikes import render_spikes
from brandwatch_cli.output.tables import (
    Cell,
    cell_width,
    fitted,
    mentions_layout,
    reply_first_layout,
    table,
)
from brandwatch_cli.output.triage import overdue_text, tags_text, triage_text
from brandwatch_cli.output.wording import (
    LABELS,
    QUIET,
    SPARK_CELLS,
    average_change_text,
    bar_cells,
    bucket_unit,
    change_text,
    count_text,
    engagement_text,
    grouped,
    headline,
    mention_title,
    mentions_text,
    peak,
    percent,
    period_text,
    ranked_for_reply,
    sparkline,
    stored_when,
    when,
)
from brandwatch_cli.text import one_line, web_link

SENTIMENT_STYLES = {"positive": "green", "neutral": "yellow", "negative": "red"}
NEGATIVE_STYLE = SENTIMENT_STYLES["negative"]


def _sentiment(value: float | None, label: str | None = None) -> Text:
    if value is None:
        return Text("-")
    label = label or ("positive" if value >= 0.05 else "negative" if value <= -0.05 else "neutral")
    return Text(f"{value:+.2f}", style=SENTIMENT_STYLES.get(label, ""))


#: The scan summary's columns; dropped when short of width: entries, time, matched.
SUMMARY_LAYOUT = (
    Column("source", "name"),
    Column("status"),
    Column("entries", drop=1, right=True),
    Column("matched", drop=3, right=True),
    Column("new", right=True),
    Column("time", drop=2, right=True),
    Column("error", "text", least=12),
)


def scan_summary(result: ScanResult, out: Console) -> None:
    rows: list[list[Cell]] = [
        [
            safe(row[0]),
            Text(row[1], style=STATUS_STYLES.get(row[1], "")),
            *row[2:6],
            safe(row[6]),
        ]
        for row in plaintext.summary_rows(result)
    ]
    fitted("Scan summary", SUMMARY_LAYOUT, rows, out)
    out.print(plaintext.summary_line(result))


def mentions(
    rows: Iterable[MentionRow],
    out: Console,
    tz: tzinfo = UTC,
    overdue: Callable[[MentionRow], bool] | None = None,
) -> int:
    """A table on a terminal, one tab-separated line per mention when piped (times in ISO 8601
    with their offset). Times are on ``tz``'s clocks; ``overdue`` says which to flag. Returns
    the count."""
    count = 0
    late = overdue or (lambda row: False)
    if not out.is_terminal:
        for row in rows:
            fields = (
                row["id"],
                _iso_in(row["published_at"] or row["fetched_at"], tz),
                row["source"],
                row["keywords"],
                f"{row['sentiment']:+.3f}",
                row["sentiment_label"],
                row["title"],
                row["url"] or "",
                row["status"],
                row["assignee"] or "",
                tags_text(row["tags"]),
                "overdue" if late(row) else "",
                *([row["snippet"]] if "snippet" in row else []),
            )
            out.file.write("\t".join(one_line(f) for f in fields) + "\n")
            count += 1
        return count
    table: list[list[Cell]] = []
    for row in rows:
        title = safe(row["title"] or row["text"][:120] or "(no title)")
        if row["url"] and str(row["url"]).startswith(("http://", "https://")):
            title.stylize(Style(link=row["url"]))
        if "snippet" in row:  # a search by relevance: what was found, and around it
            title.append("\n")
            title.append(safe(row["snippet"]).plain, style="dim")
        marks = triage_text(row, late(row))
        if marks:  # under the title: the status column is the first dropped when narrow
            title.append("\n" + safe(marks).plain, style="bold red" if late(row) else "dim")
        table.append(
            [
                str(row["id"]),
                stored_when(row["published_at"] or row["fetched_at"], tz),
                safe(row["source"]),
                safe(row["keywords"]),
                _sentiment(row["sentiment"], row["sentiment_label"]),
                Text(row["status"], style="dim" if row["status"] in ("replied", "ignored") else ""),
                title,
            ]
        )
        count += 1
    if count:
        fitted(None, mentions_layout(out.width), table, out)
    return count


def _iso_in(value: object, tz: tzinfo) -> str:
    """A stored ISO 8601 time as ISO 8601 on ``tz``'s clocks, with its offset."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment.tzinfo else str(value)


# The report -------------------------------------------------------------------------------


def render_report(report: Report, out: Console) -> None:
    """Headline, keywords and share of voice, trend, who talks, aspects, themes, what to
    answer first."""
    _headline(report, out)
    _keywords(report, out)
    _trend(report, out)
    render_spikes(report.spikes, out, report.tz)
    _who_talks(report, out)
    render_aspects(report.aspects, out)
    themes.render(report.themes, out, {k.keyword: k.now.mentions for k in report.keywords})
    _reply_first(ranked_for_reply(report.reply_first, [k.keyword for k in report.keywords]), out)
    if report.overdue:  # reply_within: mentions of the period left unanswered too long
        out.print(Text(f"! {overdue_text(report.overdue)}", style="bold red"))


def _headline(report: Report, out: Console) -> None:
    out.print(Text(f"Brand mentions, {period_text(report.period, report.tz)}", style="bold"))
    out.print(Text(f"Compared with {period_text(report.previous, report.tz)}", style="dim"))
    line = Text(headline(report.total, report.previous_total))
    line.stylize("bold", 0, len(mentions_text(report.total.mentions)))
    out.print(line)
    out.print()


def _bar(value: float, maximum: float, negative: float) -> Text:
    bad, good = bar_cells(value, maximum, negative)
    return Text.assemble(("▒" * bad, NEGATIVE_STYLE), ("█" * good, "cyan"))


def _shares(counts: Counts) -> list[Text]:
    return [Text(percent(counts.share(label)), style=SENTIMENT_STYLES[label]) for label in LABELS]


#: The report's keyword table; dropped when short of width, first to last: the bar, neutral,
#: Δ, positive, average, change, share of voice, negative.
KEYWORDS_LAYOUT = (
    Column("keyword", "name"),
    Column("mentions", right=True),
    Column("share of voice", drop=7, right=True),
    Column("", drop=1),
    Column("change", drop=6, right=True),
    Column(LABELS[0], drop=4, right=True),
    Column(LABELS[1], drop=2, right=True),
    Column(LABELS[2], drop=8, right=True),
    Column("average", drop=5, right=True),
    Column("Δ", drop=3, right=True),
)


def _keywords(report: Report, out: Console) -> None:
    top = max((k.share_of_voice for k in report.keywords), default=0.0)

    def title(kept: set[str]) -> str:
        bar = " (bar: █ mentions, ▒ negative)" if "" in kept else ""
        return f"Keywords and share of voice{bar}"

    rows = [_keyword_row(k, top) for k in report.keywords]
    fitted(title, KEYWORDS_LAYOUT, rows, out)


def _keyword_row(k: KeywordStats, top: float) -> list[Cell]:
    return [
        safe(k.keyword),
        str(k.now.mentions),
        percent(k.share_of_voice),
        _bar(k.share_of_voice, top, k.share_of_voice * k.now.share("negative")),
        change_text(k.now.mentions, k.before.mentions),
        *_shares(k.now),
        _sentiment(k.now.average),
        average_change_text(k.now.average, k.before.average),
    ]


#: Fewer marks than this say too little beside the other columns: each keyword's sparklines
#: then get lines of their own, as wide as the terminal.
MIN_SPARK_MARKS = 12
SPARK_LABELS = ("mentions", "negative")


def _trend(report: Report, out: Console) -> None:
    """Never cuts a sparkline: beside the keyword (the peak goes first) while at least
    ``MIN_SPARK_MARKS`` fit, else on lines of their own; either way the buckets are summed
    into as many marks as fit, every bucket in one, and the title says how many a mark is."""
    series = list(report.trend.items())
    if not series or not series[0][1]:
        return
    first = series[0][1]
    full = min(len(first), SPARK_CELLS)
    tz, bucket = report.tz, report.bucket
    rows = [_trend_row(name, points, bucket, tz) for name, points in series]
    fixed = [
        max(len("keyword"), _widest(rows, 0)),
        max(len("total"), _widest(rows, 1)),
        max(len("neg."), _widest(rows, 2)),
    ]
    peak_width = max(len("peak"), _widest(rows, 3))
    marks = 0
    for others in ([*fixed, peak_width], fixed):
        room = out.width - table_width([*others, 0, 0])
        marks = min(full, room // 2)
        if marks == full or (others is fixed and marks >= min(full, MIN_SPARK_MARKS)):
            break
    stacked = marks < min(full, MIN_SPARK_MARKS)
    if stacked:
        marks = max(1, min(full, out.width - 2 - len("negative ")))
    cells, size = grouped(first, marks)
    unit = bucket_unit(report.bucket, size)
    span = f"{when(first[0].start, bucket, tz=tz)} → {when(first[-1].start, bucket, tz=tz)}"
    title = f"Trend per {report.bucket}, {span} (one mark per {unit}, {QUIET} none)"
    sparks = [_sparks(points, marks) for _, points in series]
    if stacked:
        out.print(Text(title, style="bold"))
        for row, (mentions, negative) in zip(rows, sparks, strict=True):
            out.print(row[0].copy() if isinstance(row[0], Text) else row[0], overflow="fold")
            facts = Text.assemble("total ", row[1], " · neg. ", row[2], " · peak ", row[3])
            out.print(Padding(facts, (0, 0, 0, 2)), overflow="fold")
            out.print(Padding(Text.assemble("mentions ", mentions), (0, 0, 0, 2)))
            out.print(Padding(Text.assemble("negative ", negative), (0, 0, 0, 2)))
        out.print()
        return
    drawn = table(title)
    widths = [*fixed[:1], max(len(cells), 8), max(len(cells), 8), *fixed[1:]]
    headers = ["keyword", *SPARK_LABELS, "total", "neg."]
    if marks == full and table_width([*widths, peak_width]) <= out.width:
        widths.append(peak_width)
        headers.append("peak")
    for name, width in zip(headers, widths, strict=True):
        justify: JustifyMethod = "right" if name in ("total", "neg.") else "left"
        drawn.add_column(name, justify=justify, width=width, overflow="fold")
    for row, (mentions, negative) in zip(rows, sparks, strict=True):
        drawn.add_row(row[0], mentions, negative, *row[1 : len(headers) - 2])
    out.print(drawn)


def _widest(rows: Sequence[Sequence[Cell]], index: int) -> int:
    return max(cell_width(row[index]) for row in rows)


def _sparks(points: Sequence[TrendPoint], marks: int) -> tuple[Text, Text]:
    """A keyword's two sparklines, mentions and negative ones, each bucket in one mark."""
    cells = grouped(points, marks)[0]
    high = max((p.mentions for p in cells), default=0)
    return (
        Text(sparkline([p.mentions for p in cells], high), style="cyan"),
        Text(sparkline([p.negative for p in cells], high), style=NEGATIVE_STYLE),
    )


def _trend_row(name: str, points: Sequence[TrendPoint], bucket: str, tz: tzinfo) -> list[Cell]:
    """Keyword, total, negative total and peak (the sparklines are drawn at the width left)."""
    best = peak(points)
    negative = sum(p.negative for p in points)
    return [
        safe(name),
        str(sum(p.mentions for p in points)),
        Text(str(negative), style=NEGATIVE_STYLE if negative else ""),
        f"{when(best.start, bucket, tz=tz)}: {best.mentions} ({best.negative} negative)"
        if best
        else "-",
    ]


def _who_talks(report: Report, out: Console) -> None:
    _ranked("Top sources", report.sources, False, out)
    _ranked("Top domains", report.domains, False, out)
    _ranked("Top authors (by mentions)", report.authors, True, out)
    _ranked("Influencers (authors by interactions)", report.influencers, True, out)


#: Who talks; dropped when short of width, first to last: followers, interactions, average,
#: negative.
RANKED_LAYOUT = (
    Column("name", "name"),
    Column("mentions", right=True),
    Column("negative", drop=4, right=True),
    Column("average", drop=3, right=True),
    Column("interactions", drop=2, right=True),
    Column("followers", drop=1, right=True),
)


def _ranked(title: str, rows: Sequence[Ranked], people: bool, out: Console) -> None:
    if not rows:
        return
    table: list[list[Cell]] = [
        [
            safe(r.name),
            str(r.mentions),
            Text(str(r.negative), style=NEGATIVE_STYLE if r.negative else ""),
            _sentiment(r.average),
            count_text(r.interactions),
            *([count_text(r.followers)] if people else []),
        ]
        for r in rows
    ]
    fitted(title, RANKED_LAYOUT[: 6 if people else 5], table, out)


def _reply_first(rows: Sequence[MentionRow], out: Console) -> None:
    if not rows:
        out.print(Text("No negative mentions waiting for a reply.", style="green"))
        return
    table: list[list[Cell]] = []
    for row in rows:
        title = safe(mention_title(row))
        link = web_link(row.get("url"))
        if link:
            title.stylize(Style(link=link))
        table.append(
            [
                safe(row.get("id")),
                _sentiment(row.get("sentiment"), row.get("sentiment_label")),
                safe(row.get("source")),
                title,
                safe(row.get("url")),
                safe(engagement_text(row.get("engagement"))),
                safe(row.get("outlets")),
                safe(row.get("status")),
            ]
        )
    title_text = "Reply first: most negative mentions not yet handled"
    fitted(title_text, reply_first_layout(out.width), table, out)
