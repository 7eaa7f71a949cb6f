"""Reports for documents and scripts: GitHub-flavoured Markdown, and JSON with a stable shape.

Also the plain formatting every report and digest format shares (changes, shares, sparklines,
bars, engagement, Markdown escaping). No Rich and no I/O here: strings in, strings out.

Markdown: web text (titles, names, sources, keywords) is escaped so it cannot open a link,
an emphasis, a tag or a table cell, and lives on one line; only http(s) URLs become links.

JSON (``report_json``), version 1. Keys are only ever added; a changed meaning gets a new
``version``. Everything is plain JSON (``json.dumps`` works as is); strings are as stored.

- ``version`` (int): 1.
- ``period``, ``previous_period`` (object): ``since``, ``until`` (string): ISO 8601 in UTC
  with an explicit offset (``2026-11-20T12:00:00+00:00``); ``since`` is included, ``until``
  is not. The previous period has the same length and ends where ``period`` begins.
- ``bucket`` (string): ``"hour"`` or ``"day"``, the width of one ``trend`` point.
- ``total`` (object): every mention of the period, each counted once.

  - ``mentions``, ``previous_mentions`` (int): in the period, in the previous one.
  - ``change`` (number or null): ``(mentions - previous_mentions) / previous_mentions``
    (0.5 is +50 %); null when the previous period had none.
  - ``positive``, ``neutral``, ``negative`` (int): mentions with that sentiment label.
  - ``shares`` (object): ``positive``, ``neutral``, ``negative`` as fractions of
    ``mentions`` (0 when there are none).
  - ``average``, ``previous_average`` (number or null): mean sentiment, -1..+1, of the
    mentions in a language we score; null when there were none.
  - ``average_change`` (number or null): ``average - previous_average``, a difference in
    points rather than a fraction (averages cross zero); null if either is null.

- ``keywords`` (array, in report order: the selected or configured keywords, then others by
  name): every key of ``total``, plus ``keyword`` (string) and ``share_of_voice`` (number:
  the keyword's fraction of all keyword mentions in the period; a mention naming two
  keywords counts for both).
- ``trend`` (object): keyword -> array of ``{"start": string (ISO 8601 UTC, bucket start),
  "mentions": int, "negative": int}``, one per bucket in time order, quiet buckets as zeros.
- ``sources``, ``domains``, ``authors`` (most mentions first) and ``influencers`` (authors,
  most interactions first): arrays of ``{"name": string, "mentions": int, "interactions":
  number (likes, replies, shares... summed), "followers": number or null (the largest
  seen), "negative": int, "average": number or null}``.
- ``reply_first`` (array): the most negative mentions not yet handled (status ``new`` or
  ``todo``), most negative first. Each has every field of ``brandwatch export --format
  jsonl`` (``id`` int, ``source``, ``title``, ``url``, ``author``, ``published_at`` and
  ``fetched_at`` (ISO 8601 UTC strings or null), ``language``, ``sentiment`` (number),
  ``sentiment_label``, ``text``, ``sentiment_method``, ``status``, ``note``), except that
  ``keywords`` is an array of strings, and ``engagement`` is an object of counter name ->
  number (``{}`` when none), as in the JSONL export.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from brandwatch_cli.insight.report import (
    Counts,
    KeywordStats,
    Period,
    Ranked,
    Report,
    TrendPoint,
    change,
)
from brandwatch_cli.models import MENTION_COLUMNS
from brandwatch_cli.output.plain import clean
from brandwatch_cli.text import web_link

JSON_VERSION = 1
#: Longest sparkline drawn; longer trends are summed into wider cells.
SPARK_CELLS = 48
SPARKS = "▁▂▃▄▅▆▇█"
QUIET = "·"
BAR_CELLS = 20
LABELS = ("positive", "neutral", "negative")
_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>|~"})


# Plain formatting shared by every format ------------------------------------------------


def _utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def when(moment: datetime, bucket: str = "hour") -> str:
    """``2026-11-20 12:00`` in UTC (naive means UTC); just the date for day buckets."""
    return f"{_utc(moment):%Y-%m-%d}" if bucket == "day" else f"{_utc(moment):%Y-%m-%d %H:%M}"


def iso_utc(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="seconds")


def period_text(period: Period) -> str:
    return f"{when(period.since)} → {when(period.until)} UTC"


def stored_when(value: object) -> str:
    """A stored ISO timestamp (``2026-11-20T12:00:00+00:00``) as ``2026-11-20 12:00``."""
    return clean(value)[:16].replace("T", " ") if value else ""


def mentions_text(count: int, adjective: str = "") -> str:
    """``1 mention``, ``3 new mentions``."""
    return f"{count} {adjective + ' ' if adjective else ''}mention{'' if count == 1 else 's'}"


def percent(fraction: float) -> str:
    return f"{fraction:.0%}"


def change_text(now: int, before: int) -> str:
    """``+50%``; ``new`` when the previous period had none; ``-`` when neither had any."""
    relative = change(now, before)
    if relative is None:
        return "new" if now else "-"
    return f"{relative:+.0%}"


def average_text(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}"


def average_change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def average_change_text(now: float | None, before: float | None) -> str:
    difference = average_change(now, before)
    return "-" if difference is None else f"{difference:+.2f}"


def shares_text(counts: Counts) -> str:
    return " · ".join(f"{label} {percent(counts.share(label))}" for label in LABELS)


def headline(now: Counts, before: Counts, adjective: str = "") -> str:
    """``20 mentions (+25% vs 16) · average sentiment +0.12 (+0.05 vs +0.07) · positive 40%
    · neutral 35% · negative 25%``; what is unknown is left out rather than shown as ``-``."""
    volume = mentions_text(now.mentions, adjective)
    if before.mentions:
        volume += f" ({change_text(now.mentions, before.mentions)} vs {before.mentions})"
    else:
        volume += " (none in the previous period)"
    if now.average is None:
        feeling = "no sentiment average"
    elif before.average is None:
        feeling = f"average sentiment {now.average:+.2f}"
    else:
        feeling = (
            f"average sentiment {now.average:+.2f}"
            f" ({now.average - before.average:+.2f} vs {before.average:+.2f})"
        )
    return f"{volume} · {feeling} · {shares_text(now)}"


def count_text(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def engagement(raw: object) -> dict[str, float]:
    """The numeric counters of a stored engagement JSON object; {} for anything else."""
    if not raw:
        return {}
    try:
        values = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    if not isinstance(values, dict):
        return {}
    return {
        str(k): v
        for k, v in values.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    }


def engagement_text(raw: object) -> str:
    """``score 12 · comments 3`` (untrusted names: escape for the output format)."""
    return " · ".join(f"{name} {count_text(value)}" for name, value in engagement(raw).items())


def mention_title(row: dict[str, Any]) -> str:
    """A mention's title, else the start of its text, on one line without control characters."""
    return clean(row.get("title") or str(row.get("text") or "")[:120] or "(no title)")


def sparkline(values: Sequence[int], top: int) -> str:
    """One glyph per value, scaled to ``top``; any non-zero value shows, zero is ``·``."""
    if top <= 0:
        return QUIET * len(values)
    cells = []
    for value in values:
        level = math.ceil(len(SPARKS) * value / top) - 1 if value > 0 else -1
        cells.append(QUIET if level < 0 else SPARKS[min(level, len(SPARKS) - 1)])
    return "".join(cells)


def grouped(points: Sequence[TrendPoint], cells: int = SPARK_CELLS) -> tuple[list[TrendPoint], int]:
    """Points summed in runs so at most ``cells`` remain, and the run length."""
    size = max(1, math.ceil(len(points) / cells))
    runs = [points[i : i + size] for i in range(0, len(points), size)]
    return [
        TrendPoint(run[0].start, sum(p.mentions for p in run), sum(p.negative for p in run))
        for run in runs
    ], size


def peak(points: Iterable[TrendPoint]) -> TrendPoint | None:
    """The busiest bucket (the first of equals); None when all are quiet."""
    best = max(points, key=lambda p: p.mentions, default=None)
    return best if best is not None and best.mentions else None


def bar_cells(value: float, maximum: float, negative: float = 0.0) -> tuple[int, int]:
    """(negative cells, other cells) of a bar of ``BAR_CELLS`` at ``maximum``; a non-zero
    value or negative part is never drawn as nothing."""
    if maximum <= 0 or value <= 0:
        return 0, 0
    cells = max(1, round(BAR_CELLS * value / maximum))
    bad = min(cells, max(1, round(BAR_CELLS * negative / maximum))) if negative > 0 else 0
    return bad, cells - bad


def bar(value: float, maximum: float, negative: float = 0.0) -> str:
    bad, good = bar_cells(value, maximum, negative)
    return "▒" * bad + "█" * good


# Markdown ---------------------------------------------------------------------------------


def md(value: object) -> str:
    """Web text as inert Markdown on one line: no link, emphasis, tag, code or cell break."""
    return clean("" if value is None else value).translate(_MARKDOWN_SPECIAL)


def md_link(text: str, url: object) -> str:
    """``[text](url)`` for an http(s) URL; any other URL is escaped text after ``text``."""
    link = web_link(url)
    if link is None:
        return md(text) + (f" (not a web link: {md(url)})" if url else "")
    return f"[{md(text)}]({quote(link, safe=':/?#[]@!$&*+,;=%~-._')})"


def md_table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: int = 0) -> str:
    """A GFM table of already-escaped cells; columns from index ``right`` on align right."""
    align = ["---" if i < right or not right else "--:" for i in range(len(headers))]
    lines = [headers, align, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def md_mention(row: dict[str, Any]) -> list[str]:
    """Cells of a reply-first row: id, sentiment, source, linked title, engagement, status."""
    return [
        md(row.get("id")),
        f"{average_text(row.get('sentiment'))} {md(row.get('sentiment_label') or '')}".strip(),
        md(row.get("source")),
        md_link(mention_title(row), row.get("url")),
        md(engagement_text(row.get("engagement"))),
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
        f"# Brand mentions, {period_text(report.period)}",
        "",
        f"Compared with {period_text(report.previous)}.",
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
    rows = [_md_trend(name, points, report.bucket) for name, points in report.trend.items()]
    if rows:
        size = grouped(next(iter(report.trend.values())))[1]
        unit = f"{size} {report.bucket}s" if size > 1 else report.bucket
        headers = ["keyword", "mentions", "negative", "total", "negative total", "peak"]
        lines += [f"One mark per {unit}; `·` is none.", "", md_table(headers, rows), ""]
    else:
        lines += ["No keywords.", ""]
    lines += ["## Who talks", ""]
    lines += _md_ranked("Top sources", report.sources, False)
    lines += _md_ranked("Top domains", report.domains, False)
    lines += _md_ranked("Top authors (by mentions)", report.authors, True)
    lines += _md_ranked("Influencers (authors by interactions)", report.influencers, True)
    lines += ["## Reply first", ""]
    if report.reply_first:
        headers = ["id", "sentiment", "source", "title", "engagement", "status"]
        lines.append(md_table(headers, (md_mention(row) for row in report.reply_first)))
    else:
        lines.append("No negative mentions waiting for a reply.")
    return "\n".join(lines) + "\n"


def _md_trend(name: str, points: Sequence[TrendPoint], bucket: str) -> list[str]:
    cells = grouped(points)[0]
    high = max((p.mentions for p in cells), default=0)
    best = peak(points)
    return [
        md(name),
        f"`{sparkline([p.mentions for p in cells], high)}`",
        f"`{sparkline([p.negative for p in cells], high)}`",
        str(sum(p.mentions for p in points)),
        str(sum(p.negative for p in points)),
        f"{when(best.start, bucket)} ({best.mentions})" if best else "-",
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


# JSON -------------------------------------------------------------------------------------


def _number(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


def _counts(now: Counts, before: Counts) -> dict[str, Any]:
    return {
        "mentions": now.mentions,
        "previous_mentions": before.mentions,
        "change": change(now.mentions, before.mentions),
        "positive": now.positive,
        "neutral": now.neutral,
        "negative": now.negative,
        "shares": {label: now.share(label) for label in LABELS},
        "average": _number(now.average),
        "previous_average": _number(before.average),
        "average_change": _number(average_change(now.average, before.average)),
    }


def _ranked(rows: Sequence[Ranked]) -> list[dict[str, Any]]:
    return [
        {
            "name": r.name,
            "mentions": r.mentions,
            "interactions": _number(r.interactions) or 0,
            "followers": _number(r.followers),
            "negative": r.negative,
            "average": _number(r.average),
        }
        for r in rows
    ]


def mention_json(row: dict[str, Any]) -> dict[str, Any]:
    """A mention row as in the JSONL export, ``keywords`` split into a list."""
    record = {column: row.get(column) for column in MENTION_COLUMNS}
    record["keywords"] = [k for k in str(row.get("keywords") or "").split(";") if k]
    record["engagement"] = engagement(row.get("engagement"))
    return record


def report_json(report: Report) -> dict[str, Any]:
    """The report as the JSON structure described in this module's docstring."""
    return {
        "version": JSON_VERSION,
        "period": {"since": iso_utc(report.period.since), "until": iso_utc(report.period.until)},
        "previous_period": {
            "since": iso_utc(report.previous.since),
            "until": iso_utc(report.previous.until),
        },
        "bucket": report.bucket,
        "total": _counts(report.total, report.previous_total),
        "keywords": [
            {"keyword": k.keyword, **_counts(k.now, k.before), "share_of_voice": k.share_of_voice}
            for k in report.keywords
        ],
        "trend": {
            name: [
                {"start": iso_utc(p.start), "mentions": p.mentions, "negative": p.negative}
                for p in points
            ]
            for name, points in report.trend.items()
        },
        "sources": _ranked(report.sources),
        "domains": _ranked(report.domains),
        "authors": _ranked(report.authors),
        "influencers": _ranked(report.influencers),
        "reply_first": [mention_json(row) for row in report.reply_first],
    }
