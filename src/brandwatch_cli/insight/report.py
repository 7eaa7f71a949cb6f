"""What a report says: a period against the previous one, computed from the store.

Rendering lives in ``output/`` (``terminal`` for people, ``markdown`` and ``json`` for files and
machines, ``chart`` for SVG); this module only computes.
Volumes count every mention; the reply-first list leaves out mentions already replied to or
ignored. Averages leave out languages we do not score.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo

from brandwatch_cli.insight.aspects import aspect_figures
from brandwatch_cli.insight.buckets import bucket_starts, trend_unit
from brandwatch_cli.insight.spikes import period_spikes
from brandwatch_cli.insight.themes import READERS, Selections, section_themes
from brandwatch_cli.models import (
    AspectFigure,
    CountsRow,
    Keyword,
    MentionFilter,
    MentionRow,
    RankingRow,
    Spike,
    SpikeRule,
    Theme,
    TrendBucket,
)
from brandwatch_cli.store import MentionStore, PeriodView, Readers
from brandwatch_cli.times import period_before

#: The spike rule of a config without ``alerts:``.
DEFAULT_RULE = SpikeRule()


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
    """One calendar bucket (``insight.buckets``): its start, which may precede the period's."""

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
    bucket: TrendBucket  # the finest calendar unit that draws the period in <= 400 points
    trend: dict[str, tuple[TrendPoint, ...]]  # keyword -> points, in period order
    sources: tuple[Ranked, ...]
    domains: tuple[Ranked, ...]
    authors: tuple[Ranked, ...]  # by mentions
    influencers: tuple[Ranked, ...]  # authors by interactions
    reply_first: tuple[MentionRow, ...]
    #: All mentions per bucket, each once: the trend of ``total``, on the same buckets.
    total_trend: tuple[TrendPoint, ...] = ()
    #: Whose calendar the buckets follow and whose clocks the times are shown on.
    tz: tzinfo = UTC
    #: keyword -> the phrases that characterise its mentions in the period, strongest first.
    themes: dict[str, tuple[Theme, ...]] = field(default_factory=dict)
    #: keyword -> what its mentions praise and complain about, per aspect.
    aspects: dict[str, tuple[AspectFigure, ...]] = field(default_factory=dict)
    #: The spikes within the period, each with its explanation.
    spikes: tuple[Spike, ...] = ()
    #: Mentions of the period overdue (``reply_within:``), and those among ``reply_first``.
    overdue: int = 0
    overdue_ids: frozenset[int] = frozenset()


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
    tz: tzinfo = UTC,
    keyword_terms: Sequence[Keyword] = (),
    spike_rule: SpikeRule = DEFAULT_RULE,
) -> Report:
    """Aggregate the mentions ``selection`` covers (``since`` defaults to seven days ago) and
    the same span just before. Share of voice is each keyword's share of all keyword mentions
    in the period (a mention naming two keywords counts for both). The trend's buckets are
    ``tz``'s calendar days, weeks, months. ``keyword_terms``: the configured keywords, whose
    own words are never one of their themes."""

    # Times are stored to the second: a period ending "now" ends after the current second.
    until = selection.until or now.replace(microsecond=0) + timedelta(seconds=1)
    period = Period(selection.since or until - timedelta(days=7), until)
    previous = Period(period_before(period.since, period.until), period.since)
    current = replace(selection, since=period.since, until=period.until)
    before = replace(selection, since=previous.since, until=previous.until)

    with (
        store.period_view(current) as view,
        store.period_view(before) as earlier,
        store.readers(READERS) as readers,
    ):
        keywords = keyword_table(
            view, earlier, selection.keywords or configured_keywords, include_earlier=True
        )
        total = counts_from(view.totals())
        # begun first: on other connections when big, while this one computes the rest
        themes = themes_section(store, current, before, keywords, total, keyword_terms, readers)
        bucket, trend, total_trend = _trend(view, period, [k.keyword for k in keywords], tz)
        handled = replace(current, statuses=("new", "todo"))
        authors = view.rankings("author", ("mentions", "interactions"), top)
        return Report(
            period=period,
            previous=previous,
            total=total,
            previous_total=counts_from(earlier.totals()),
            keywords=keywords,
            bucket=bucket,
            trend=trend,
            sources=_ranked(view.ranking("source", "mentions", top)),
            domains=_ranked(view.ranking("domain", "mentions", top)),
            authors=_ranked(authors["mentions"]),
            influencers=_ranked(authors["interactions"]),
            reply_first=tuple(store.most_negative(handled, top)),
            total_trend=total_trend,
            tz=tz,
            aspects=aspect_figures(store, current, [k.keyword for k in keywords]),
            spikes=period_spikes(
                store, period.since, period.until, [k.keyword for k in keywords], spike_rule, tz
            ),
            themes=themes(),  # waited for last: every other section is computed meanwhile
        )


def themes_section(
    store: MentionStore,
    current: MentionFilter,
    before: MentionFilter,
    keywords: Sequence[KeywordStats],
    total: Counts,
    terms: Sequence[Keyword],
    readers: Readers[MentionStore] | None = None,
) -> Callable[[], dict[str, tuple[Theme, ...]]]:
    """The themes section of a report or a digest, begun (the function returned waits for
    it), for the keywords its keyword table counted in ``current`` (and ``before``), out of
    ``total`` mentions; see ``insight.themes.begin_themes`` for ``readers``."""
    counts = {k.keyword: (k.now.mentions, k.before.mentions) for k in keywords}
    return section_themes(
        store,
        Selections(current, before),
        counts,
        everyone=total.mentions,
        keywords=terms,
        readers=readers,
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
    view: PeriodView, period: Period, names: Sequence[str], tz: tzinfo
) -> tuple[TrendBucket, dict[str, tuple[TrendPoint, ...]], tuple[TrendPoint, ...]]:
    """Points per calendar bucket over the whole period, per keyword and for all mentions;
    quiet buckets are zeros. Every mention of the period falls in one of the buckets, so each
    series sums to its count in the keyword table or the headline."""
    bucket = trend_unit(period.since, period.until, tz)
    starts = bucket_starts(period.since, period.until, bucket, tz)
    keys = [start.replace(tzinfo=None).isoformat(timespec="seconds") for start in starts]
    found: dict[str, dict[str, tuple[int, int]]] = {name: {} for name in names}
    everything: dict[str, tuple[int, int]] = {}
    for row in view.trend(bucket, tz):
        points = everything if row["keyword"] is None else found.get(row["keyword"])
        if points is not None:
            points[row["start"]] = (row["mentions"], row["negative"] or 0)
    unplaced = set(everything).difference(keys)
    assert not unplaced, f"mentions outside the period's buckets: {sorted(unplaced)}"

    def series(points: dict[str, tuple[int, int]]) -> tuple[TrendPoint, ...]:
        return tuple(
            TrendPoint(start, *points.get(key, (0, 0)))
            for start, key in zip(starts, keys, strict=True)
        )

    return bucket, {name: series(points) for name, points in found.items()}, series(everything)
