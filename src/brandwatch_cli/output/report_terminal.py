"""The report on a terminal: Rich tables that still read as plain text on a pipe.

Colour only repeats what the glyphs say: negative volume is the ``▒`` part of a bar and a
sparkline of its own, so NO_COLOR and piped output lose nothing. Web text goes through
``render.safe``; only http(s) URLs get a terminal hyperlink. Builds nothing: the numbers
come from ``report.build_report``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.style import Style
from rich.text import Text

from brandwatch_cli.insight.report import Counts, KeywordStats, Ranked, Report, TrendPoint
from brandwatch_cli.output.terminal import SENTIMENT_STYLES, _sentiment, _table, safe
from brandwatch_cli.output.wording import (
    LABELS,
    QUIET,
    average_change_text,
    bar_cells,
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
    when,
)
from brandwatch_cli.text import web_link

NEGATIVE_STYLE = SENTIMENT_STYLES["negative"]


def render_report(report: Report, out: Console) -> None:
    """Headline, keywords and share of voice, trend, who talks, what to answer first."""
    _headline(report, out)
    _keywords(report, out)
    _trend(report, out)
    _who_talks(report, out)
    _reply_first(report.reply_first, out)


def _headline(report: Report, out: Console) -> None:
    out.print(Text(f"Brand mentions, {period_text(report.period)}", style="bold"))
    out.print(Text(f"Compared with {period_text(report.previous)}", style="dim"))
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
    size = grouped(first)[1]
    unit = f"{size} {report.bucket}s" if size > 1 else report.bucket
    span = f"{when(first[0].start, report.bucket)} → {when(first[-1].start, report.bucket)}"
    table = _table(f"Trend per {report.bucket}, {span} (one mark per {unit}, {QUIET} none)")
    for name in ("keyword", "mentions", "negative", "total", "neg.", "peak"):
        table.add_column(name, justify="right" if name in ("total", "neg.") else "left")
    for name, points in series:
        table.add_row(*_trend_row(name, points, report.bucket))
    out.print(table)


def _trend_row(name: str, points: Sequence[TrendPoint], bucket: str) -> list[Text | str]:
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
        f"{when(best.start, bucket)}: {best.mentions} ({best.negative} negative)" if best else "-",
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


def _reply_first(rows: Sequence[dict[str, Any]], out: Console) -> None:
    if not rows:
        out.print(Text("No negative mentions waiting for a reply.", style="green"))
        return
    table = _table("Reply first: most negative mentions not yet handled")
    for name in ("id", "sentiment", "source", "title", "link", "engagement", "status"):
        table.add_column(
            name,
            justify="right" if name in ("id", "sentiment") else "left",
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
            safe(row.get("status")),
        )
    out.print(table)
