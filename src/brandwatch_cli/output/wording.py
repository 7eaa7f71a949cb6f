"""The words of reports, digests and alerts, the same in every medium: plain strings, not yet
escaped (each medium escapes its own: ``terminal``, ``plain``, ``markdown``, ``html``, ``chart``).

Numbers, times, shares and changes; sparklines and bars; a mention's title and facts; the
parts of a digest; the one sentence that tells a spike. No I/O and no Rich here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from brandwatch_cli.insight.report import Counts, Period, TrendPoint, change
from brandwatch_cli.insight.triage import keyword_scores, scored_as
from brandwatch_cli.models import (
    NEGATIVE,
    SAME_HOUR,
    SAME_WEEKDAY,
    MentionRow,
    SourceProblemRow,
    Spike,
)
from brandwatch_cli.output.stamps import stored_when as stored_when  # where tables find it
from brandwatch_cli.sentiment import label as sentiment_label
from brandwatch_cli.text import counted, mention_headline, one_line, web_link
from brandwatch_cli.times import local_text, zone_name

if TYPE_CHECKING:
    from brandwatch_cli.insight.digest import Digest

#: Longest sparkline drawn; longer trends are summed into wider cells.
SPARK_CELLS = 48
SPARKS = "▁▂▃▄▅▆▇█"
QUIET = "·"
BAR_CELLS = 20
LABELS = ("positive", "neutral", "negative")
PROBLEM_COLUMNS = ("source", "status", "failures", "next attempt", "last error")
KEYWORD_COLUMNS = ("keyword", "new", "change", "share of voice", *LABELS, "average")


# Numbers and times ------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


#: How a trend bucket is named, by its start on the report's clocks; a week by its Monday.
_BUCKET_NAMES = {
    "hour": "{:%Y-%m-%d %H:%M}",
    "day": "{:%Y-%m-%d}",
    "week": "week of {:%Y-%m-%d}",
    "month": "{:%Y-%m}",
    "year": "{:%Y}",
}


def when(moment: datetime, bucket: str = "hour", *, short: bool = False, tz: tzinfo = UTC) -> str:
    """``moment`` (naive means UTC) on ``tz``'s clocks, named as a ``bucket`` (see
    ``_BUCKET_NAMES``): ``2026-11-20 12:00``, ``2026-11-20``, ``week of 2026-11-16``,
    ``2026-11``, ``2026``; ``short`` leaves out the words (``2026-11-16``), for axis labels.
    An hour the clocks show twice (when summer time ends) carries its abbreviation."""
    if bucket == "hour" and not short:
        return local_text(moment, tz)
    text = _BUCKET_NAMES[bucket].format(_utc(moment).astimezone(tz))
    return text.removeprefix("week of ") if short else text


def bucket_unit(bucket: str, size: int = 1) -> str:
    """``hour``, ``4 hours``: what one sparkline mark stands for."""
    return f"{size} {bucket}s" if size > 1 else bucket


def iso_utc(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="seconds")


def period_text(period: Period, tz: tzinfo = UTC) -> str:
    """``2026-11-02 00:00 → 2026-11-09 00:00 Europe/Paris``: the ends on ``tz``'s clocks."""
    return f"{when(period.since, tz=tz)} → {when(period.until, tz=tz)} {zone_name(tz)}"


def mentions_text(count: int, adjective: str = "") -> str:
    """``1 mention``, ``3 new mentions``."""
    return counted(count, "mention", adjective)


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


def matched_terms(raw: object) -> dict[str, list[str]]:
    """A stored ``matched_terms`` JSON object as keyword -> terms; {} for anything else."""
    try:
        values = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    if not isinstance(values, dict):
        return {}
    return {str(k): [str(t) for t in v] for k, v in values.items() if isinstance(v, list)}


def engagement_text(raw: object) -> str:
    """``score 12 · comments 3`` (untrusted names: escape for the output format)."""
    return " · ".join(f"{name} {count_text(value)}" for name, value in engagement(raw).items())


def mention_title(row: MentionRow) -> str:
    """A mention's title, else the start of its text, on one line without control characters."""
    return mention_headline(row.get("title"), row.get("text"))


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


# Digests ----------------------------------------------------------------------------------


def digest_title(digest: Digest) -> str:
    return f"Brand mentions digest, {period_text(digest.period, digest.tz)}"


def digest_headline(digest: Digest) -> str:
    return headline(digest.total, digest.previous_total, "new")


def digest_context(digest: Digest) -> str:
    return (
        f"Mentions fetched in this window, generated"
        f" {local_text(digest.generated_at, digest.tz, zone_label=True)};"
        f" compared with {period_text(digest.previous, digest.tz)}."
    )


def keyword_cells(digest: Digest) -> list[list[str]]:
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


def problem_cells(rows: Iterable[SourceProblemRow], tz: tzinfo = UTC) -> list[list[str]]:
    return [
        [
            one_line(row.get("source") or ""),
            one_line(row.get("status") or ""),
            str(row.get("failures") or 0),
            stored_when(row.get("next_attempt"), tz),
            one_line(row.get("last_error") or ""),
        ]
        for row in rows
    ]


def ranked_for_reply(rows: Iterable[MentionRow], keywords: Sequence[str] = ()) -> list[MentionRow]:
    """Reply-first rows as people read them: each with the sentiment that ranks it, the most
    negative it is about one of its keywords (of ``keywords``, when given), so that a list
    headed "most negative" reads in order; a row without per-keyword scores as it is.
    ``--format json`` keeps each mention's own (its ``keyword_sentiment`` beside it)."""
    shown = []
    for row in rows:
        about = [v for k, v in keyword_scores(row).items() if not keywords or k in keywords]
        worst = min(about, default=None)
        if worst is not None and sentiment_label(worst) == "negative":
            row = scored_as(row, worst)
        shown.append(row)
    return shown


def mention_sentiment(row: MentionRow) -> str:
    label = one_line(row.get("sentiment_label") or "")
    return f"{average_text(row.get('sentiment'))} {label}".strip()


def mention_facts(row: MentionRow, sentiment: bool = True) -> str:
    """``-0.85 negative · hackernews · score 12 · status new`` (unescaped)."""
    parts = [mention_sentiment(row)] if sentiment else []
    parts += [one_line(row.get("source") or ""), engagement_text(row.get("engagement"))]
    parts.append(f"status {one_line(row.get('status') or '')}")
    return one_line(" · ".join(p for p in parts if p))


def top_mentions(digest: Digest) -> list[tuple[str, tuple[MentionRow, ...]]]:
    return [(keyword, rows) for keyword, rows in digest.top.items() if rows]


def link_line(url: object) -> str:
    link = web_link(url)
    if link is not None:
        return link
    return f"not a web link: {one_line(url)}" if url else ""


# Alerts -----------------------------------------------------------------------------------


def spike_text(spike: Spike, tz: tzinfo = UTC) -> str:
    """``negative spike: 14 negative mentions in the last 24 h, usually 2.1 (threshold 8.3,
    14 windows of history)``: the window's count against the mean of its baseline's (a
    report's past window: ``on 2026-11-03``, on ``tz``'s calendar)."""
    negative = spike.kind == NEGATIVE
    what, noun = ("negative spike", "negative mentions") if negative else ("spike", "mentions")
    if spike.ended is None:
        window = f"in the last {spike.window_text}"
    elif spike.window == timedelta(days=1):
        window = f"on {when(spike.ended - spike.window, 'day', tz=tz)}"
    else:
        window = f"in the {spike.window_text} from {when(spike.ended - spike.window, tz=tz)}"
    history = {
        SAME_WEEKDAY: f"the same weekday of {spike.history} previous weeks",
        SAME_HOUR: f"the same hours of {spike.history} previous days",
    }.get(spike.baseline_kind, f"{spike.history} windows of history")
    return (
        f"{what}: {spike.count} {noun} {window}, usually"
        f" {spike.mean:.1f} (threshold {spike.threshold:.1f}, {history})"
    )
