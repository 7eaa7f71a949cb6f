"""What a report says: a period against the previous one, computed from the store.

Rendering lives in ``output/`` (``terminal`` for people, ``markdown`` and ``json`` for files and
machines, ``chart`` for SVG); this module only computes.
Volumes count every mention; the reply-first list leaves out mentions already replied to or
ignored. Averages leave out languages we do not score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from brandwatch_cli.models import CountsRow, MentionFilter, MentionRow, RankingRow
from brandwatch_cli.store import MentionStore, PeriodView

#: Periods up to this long are drawn per hour, longer ones per day.
HOURLY_UP_TO = timedelta(days=2)
#: Buckets drawn at most (a longer period is drawn as it is, without empty buckets).
MAX_BUCKETS = 400


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime

    @property
    def length(self) -> timedelta:
        return self.until - self.since


@dataclass(frozen=True)
class Counts:
    """Volume and sentiment of a set of mentions."""

    mentions: int
    positive: int
    neutral: int
    negative: int
    average: float | None

    def share(self, label: str) -> float:
        return getattr(self, label) / self.mentions if self.mentions else 0.0


@dataclass(frozen=True)
class KeywordStats:
    """One keyword in the period and in the previous one."""

    keyword: str
    now: Counts
    before: Counts
    share_of_voice: float


@dataclass(frozen=True)
class TrendPoint:
    start: datetime
    mentions: int
    negative: int


@dataclass(frozen=True)
class Ranked:
    """A source, domain or author: how much it said, how warmly, how much it was heard."""

    name: str
    mentions: int
    interactions: float
    followers: float | None
    negative: int
    average: float | None


@dataclass(frozen=True)
class Report:
    period: Period
    previous: Period
    total: Counts
    previous_total: Counts
    keywords: tuple[KeywordStats, ...]
    bucket: str  # "hour" or "day"
    trend: dict[str, tuple[TrendPoint, ...]]  # keyword -> points, in period order
    sources: tuple[Ranked, ...]
    domains: tuple[Ranked, ...]
    authors: tuple[Ranked, ...]  # by mentions
    influencers: tuple[Ranked, ...]  # authors by interactions
    reply_first: tuple[MentionRow, ...]


def change(now: float | None, before: float | None) -> float | None:
    """Relative change (0.5 = +50%); None when there is nothing to compare with."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / abs(before)


def counts_from(row: CountsRow | None) -> Counts:
    """Counts from a row of ``PeriodView.keyword_stats`` or ``totals`` (None: zero)."""
    if row is None:
        return Counts(0, 0, 0, 0, None)
    return Counts(
        int(row["mentions"] or 0),
        int(row["positive"] or 0),
        int(row["neutral"] or 0),
        int(row["negative"] or 0),
        row["average"],
    )


def build_report(
    store: MentionStore,
    selection: MentionFilter,
    *,
    now: datetime,
    configured_keywords: Sequence[str] = (),
    top: int = 10,
) -> Report:
    """Aggregate the mentions ``selection`` covers (``since`` defaults to seven days ago) and
    the same span just before. Share of voice is each keyword's share of all keyword mentions
    in the period (a mention naming two keywords counts for both)."""
    # Times are stored to the second: a period ending "now" ends after the current second.
    until = selection.until or now.replace(microsecond=0) + timedelta(seconds=1)
    period = Period(selection.since or until - timedelta(days=7), until)
    previous = Period(period.since - period.length, period.since)
    current = replace(selection, since=period.since, until=period.until)
    before = replace(selection, since=previous.since, until=previous.until)

    with store.period_view(current) as view, store.period_view(before) as earlier:
        keywords = keyword_table(
            view, earlier, selection.keywords or configured_keywords, include_earlier=True
        )
        bucket, trend = _trend(view, period, [k.keyword for k in keywords])
        handled = replace(current, statuses=("new", "todo"))
        return Report(
            period=period,
            previous=previous,
            total=counts_from(view.totals()),
            previous_total=counts_from(earlier.totals()),
            keywords=keywords,
            bucket=bucket,
            trend=trend,
            sources=_ranked(view.ranking("source", "mentions", top)),
            domains=_ranked(view.ranking("domain", "mentions", top)),
            authors=_ranked(view.ranking("author", "mentions", top)),
            influencers=_ranked(view.ranking("author", "interactions", top)),
            reply_first=tuple(store.most_negative(handled, top)),
        )


def keyword_table(
    view: PeriodView,
    earlier: PeriodView,
    wanted: Sequence[str],
    *,
    include_earlier: bool,
) -> tuple[KeywordStats, ...]:
    """Every wanted keyword (then any other found), now and before, with its share of voice:
    its share of all keyword mentions now (a mention naming two keywords counts for both)."""
    rows_now = view.keyword_stats()
    rows_before = earlier.keyword_stats()
    names = list(wanted)
    found = (*rows_now, *rows_before) if include_earlier else tuple(rows_now)
    names += sorted(n for n in set(found) if n not in names)
    voice = sum(row["mentions"] for row in rows_now.values())
    return tuple(
        KeywordStats(
            name,
            counts_from(rows_now.get(name)),
            counts_from(rows_before.get(name)),
            rows_now[name]["mentions"] / voice if name in rows_now and voice else 0.0,
        )
        for name in names
    )


def _ranked(rows: Sequence[RankingRow]) -> tuple[Ranked, ...]:
    return tuple(
        Ranked(
            str(r["name"]),
            int(r["mentions"]),
            float(r["interactions"] or 0),
            r["followers"],
            int(r["negative"] or 0),
            r["average"],
        )
        for r in rows
    )


def _trend(
    view: PeriodView, period: Period, names: Sequence[str]
) -> tuple[str, dict[str, tuple[TrendPoint, ...]]]:
    """Points per hour for short periods, per UTC day otherwise; quiet buckets are zeros."""
    # A period ending now ends after the current second (see build_report): "--since 48h"
    # is up to a second longer than 48 hours, and still drawn per hour.
    if period.length <= HOURLY_UP_TO + timedelta(seconds=1):
        bucket, step = "hour", timedelta(hours=1)
        start = period.since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    else:
        bucket, step = "day", timedelta(days=1)
        start = period.since.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    count = min(MAX_BUCKETS, math.ceil((period.until - start) / step))
    found: dict[str, dict[int, tuple[int, int]]] = {name: {} for name in names}
    for row in view.trend(start, step):
        if row["keyword"] in found:
            found[row["keyword"]][row["bucket"]] = (row["mentions"], row["negative"] or 0)
    trend = {
        name: tuple(
            TrendPoint(start + step * index, *points.get(index, (0, 0))) for index in range(count)
        )
        for name, points in found.items()
    }
    return bucket, trend
