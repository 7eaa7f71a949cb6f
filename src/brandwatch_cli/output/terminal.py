"""Showing results to people: Rich tables on a terminal, plain text when piped.

The scan summary, sources, mentions and the report. Every string that came from the web goes
through ``safe`` (a Rich ``Text``, never markup, with terminal control characters removed), so
a feed title cannot recolour or rewrite the screen; only http(s) URLs get a terminal hyperlink.

In the report, colour only repeats what the glyphs say: negative volume is the ``▒`` part of a
bar and a sparkline of its own, so NO_COLOR and piped output lose nothing.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import IO, Any

from rich import box
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from brandwatch_cli.insight.report import Counts, KeywordStats, Ranked, Report, TrendPoint
from brandwatch_cli.models import MentionRow, ScanResult, SourceConfig
from brandwatch_cli.output import plain as plaintext
from brandwatch_cli.output.wording import (
    LABELS,
    QUIET,
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
    sparkline,
    stored_when,
    when,
)
from brandwatch_cli.text import one_line, strip_controls, web_link

SENTIMENT_STYLES = {"positive": "green", "neutral": "yellow", "negative": "red"}
STATUS_STYLES = {
    "ok": "green",
    "unchanged": "green",
    "failed": "bold red",
    "rate limited": "yellow",
    "skipped": "yellow",
}
NEGATIVE_STYLE = SENTIMENT_STYLES["negative"]
PIPED_WIDTH = 160


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """``brandwatch report | head -1``: the reader has what it wanted. Stop writing and
        raise the error as a plain write would, for the command line to end quietly as it
        does for ``export`` (Rich's own choice, exit 1, fails ``set -o pipefail`` scripts)."""
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def console(file: IO[str] | None = None) -> Console:
    """A console for ``file`` (stdout by default): colour only on a terminal, NO_COLOR honoured."""
    file = file or sys.stdout
    terminal = file.isatty()
    return _Console(
        file=file,
        highlight=False,
        soft_wrap=False,
        width=None if terminal else PIPED_WIDTH,
        emoji=False,
    )


def safe(value: Any, style: str = "") -> Text:
    """Untrusted text made harmless for a terminal."""
    return Text(strip_controls("" if value is None else str(value)), style=style)


def _sentiment(value: float | None, label: str | None = None) -> Text:
    if value is None:
        return Text("-")
    label = label or ("positive" if value >= 0.05 else "negative" if value <= -0.05 else "neutral")
    return Text(f"{value:+.2f}", style=SENTIMENT_STYLES.get(label, ""))


def _table(title: str | None = None) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")


def scan_summary(result: ScanResult, out: Console) -> None:
    table = _table("Scan summary")
    for name in plaintext.SUMMARY_COLUMNS:
        table.add_column(
            name, justify="right" if name in ("entries", "matched", "new", "time") else "left"
        )
    for row in plaintext.summary_rows(result):
        table.add_row(
            safe(row[0]),
            Text(row[1], style=STATUS_STYLES.get(row[1], "")),
            *row[2:6],
            safe(row[6]),
        )
    out.print(table)
    out.print(plaintext.summary_line(result))


def sources(
    configured: Sequence[SourceConfig],
    health: Mapping[str, Mapping[str, Any]],
    out: Console,
    tz: tzinfo = UTC,
) -> None:
    """One row per configured source; sources no longer configured but with mentions follow."""
    table = _table("Sources")
    columns = (
        "source",
        "type",
        "status",
        "last attempt",
        "last success",
        "failures",
        "next attempt",
        "etag",
        "mentions",
        "7 days",
        "last error / note",
    )
    for name in columns:
        table.add_column(
            name, justify="right" if name in ("failures", "mentions", "7 days") else "left"
        )
    names = [s.name for s in configured]
    kinds = {s.name: s.type for s in configured}
    names += [n for n in health if n not in kinds]
    for name in names:
        row = health.get(name, {})
        status = row.get("status") or ("not configured" if name not in kinds else "never scanned")
        note = row.get("last_error") or ""
        if row.get("moved_to"):
            note = f"moved permanently to {row['moved_to']}; update the config" + (
                f"; {note}" if note else ""
            )
        table.add_row(
            safe(name),
            kinds.get(name, row.get("type") or ""),
            Text(status, style=STATUS_STYLES.get(status, "")),
            stored_when(row.get("last_attempt"), tz),
            stored_when(row.get("last_success"), tz),
            str(row.get("failures") or 0),
            stored_when(row.get("next_attempt"), tz),
            "yes" if row.get("etag") else "",
            str(row.get("mentions") or 0),
            str(row.get("recent") or 0),
            safe(note),
        )
    out.print(table)


def mentions(rows: Iterable[MentionRow], out: Console, tz: tzinfo = UTC) -> int:
    """A table on a terminal, one tab-separated line per mention when piped (times in ISO 8601
    with their offset). Times are on ``tz``'s clocks. Returns the count."""
    count = 0
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
                *([row["snippet"]] if "snippet" in row else []),
            )
            out.file.write("\t".join(one_line(f) for f in fields) + "\n")
            count += 1
        return count
    table = _table()
    for name in ("id", "date", "source", "keywords", "sentiment", "status", "title"):
        table.add_column(name, overflow="fold" if name == "title" else "ellipsis")
    for row in rows:
        title = safe(row["title"] or row["text"][:120] or "(no title)")
        if row["url"] and str(row["url"]).startswith(("http://", "https://")):
            title.stylize(Style(link=row["url"]))
        if "snippet" in row:  # a search by relevance: what was found, and around it
            title.append("\n")
            title.append(safe(row["snippet"]).plain, style="dim")
        table.add_row(
            str(row["id"]),
            stored_when(row["published_at"] or row["fetched_at"], tz),
            safe(row["source"]),
            safe(row["keywords"]),
            _sentiment(row["sentiment"], row["sentiment_label"]),
            Text(row["status"], style="dim" if row["status"] in ("replied", "ignored") else ""),
            title,
        )
        count += 1
    if count:
        out.print(table)
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
    """Headline, keywords and share of voice, trend, who talks, what to answer first."""
    _headline(report, out)
    _keywords(report, out)
    _trend(report, out)
    _who_talks(report, out)
    _reply_first(report.reply_first, out)


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


def _keywords(report: Report, out: Console) -> None:
    table = _table("Keywords and share of voice (bar: █ mentions, ▒ negative)")
    headers = ("keyword", "mentions", "share of voice", "", "change", *LABELS, "average", "Δ")
    for name in headers:
        table.add_column(name, justify="left" if name in ("keyword", "") else "right")
    top = max((k.share_of_voice for k in report.keywords), default=0.0)
    for k in report.keywords:
        table.add_row(*_keyword_row(k, top))
    out.print(table)


def _keyword_row(k: KeywordStats, top: float) -> list[Text | str]:
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


def _trend(report: Report, out: Console) -> None:
    series = list(report.trend.items())
    if not series or not series[0][1]:
        return
    first = series[0][1]
    unit = bucket_unit(report.bucket, grouped(first)[1])
    tz, bucket = report.tz, report.bucket
    span = f"{when(first[0].start, bucket, tz=tz)} → {when(first[-1].start, bucket, tz=tz)}"
    table = _table(f"Trend per {report.bucket}, {span} (one mark per {unit}, {QUIET} none)")
    for name in ("keyword", "mentions", "negative", "total", "neg.", "peak"):
        # A sparkline too wide for the terminal folds onto more lines rather than losing the
        # end of the period.
        table.add_column(
            name,
            justify="right" if name in ("total", "neg.") else "left",
            overflow="fold" if name in ("mentions", "negative") else "ellipsis",
        )
    for name, points in series:
        table.add_row(*_trend_row(name, points, report.bucket, tz))
    out.print(table)


def _trend_row(
    name: str, points: Sequence[TrendPoint], bucket: str, tz: tzinfo
) -> list[Text | str]:
    cells = grouped(points)[0]
    high = max((p.mentions for p in cells), default=0)
    best = peak(points)
    negative = sum(p.negative for p in points)
    return [
        safe(name),
        Text(sparkline([p.mentions for p in cells], high), style="cyan"),
        Text(sparkline([p.negative for p in cells], high), style=NEGATIVE_STYLE),
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


def _ranked(title: str, rows: Sequence[Ranked], people: bool, out: Console) -> None:
    if not rows:
        return
    table = _table(title)
    headers = ["name", "mentions", "negative", "average", "interactions"]
    for name in headers + (["followers"] if people else []):
        table.add_column(name, justify="left" if name == "name" else "right")
    for r in rows:
        table.add_row(
            safe(r.name),
            str(r.mentions),
            Text(str(r.negative), style=NEGATIVE_STYLE if r.negative else ""),
            _sentiment(r.average),
            count_text(r.interactions),
            *([count_text(r.followers)] if people else []),
        )
    out.print(table)


def _reply_first(rows: Sequence[MentionRow], out: Console) -> None:
    if not rows:
        out.print(Text("No negative mentions waiting for a reply.", style="green"))
        return
    table = _table("Reply first: most negative mentions not yet handled")
    for name in ("id", "sentiment", "source", "title", "link", "engagement", "outlets", "status"):
        table.add_column(
            name,
            justify="right" if name in ("id", "sentiment", "outlets") else "left",
            overflow="fold",
        )
    for row in rows:
        title = safe(mention_title(row))
        link = web_link(row.get("url"))
        if link:
            title.stylize(Style(link=link))
        table.add_row(
            safe(row.get("id")),
            _sentiment(row.get("sentiment"), row.get("sentiment_label")),
            safe(row.get("source")),
            title,
            safe(row.get("url")),
            safe(engagement_text(row.get("engagement"))),
            safe(row.get("outlets")),
            safe(row.get("status")),
        )
    out.print(table)
