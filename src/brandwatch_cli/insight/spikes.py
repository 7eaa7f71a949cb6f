"""Spike detection: is a keyword talked about (or complained about) far more than usual, and why?

The rule, per keyword and separately for all mentions and for negative ones: the count in a
window (the last ``window``, e.g. 24 hours) is a spike when all three hold

    count >= min_count
    P(X >= count) < p_value         for X ~ Poisson(mean)
    count > mean + k * max(sd, sqrt(mean))

where mean and sd are those of the baseline's windows. The Poisson tail is the honest test for
small counts: a brand heard once a day is not "spiking" at 5 (P = 0.004), and the normal
approximation behind ``k * sqrt(mean)`` is too lax there (it lets 9 through after a mean of
3: P = 0.004). ``k * sd`` stays for large counts, whose real noise is wider than Poisson's
(weekdays against weekends, news cycles): there the Poisson test alone would call every busy
Monday a spike. ``min_count`` keeps two mentions from being a "spike" after a silent fortnight.

The baseline compares like with like where the history allows: daily windows against the
same weekday of previous weeks, windows of a few hours against the same hours of previous
days (``seasonal``), when at least ``min_history`` such windows lie after monitoring began;
else the ``baseline`` windows just before, as a young database must. Windows from before
monitoring began (the first scan) are not history: with fewer than ``min_history`` there is no
alert.

A spike found is explained (``explain``): the phrases over-represented in its window against
its baseline's (``insight.phrases``, on bounded samples of texts; the keyword's own terms
excluded), its top sources and authors, the sentiment split, the aspects involved and three
representative mentions with links.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo

from brandwatch_cli.insight.phrases import PhraseCounts, characteristic, exclusions
from brandwatch_cli.models import (
    CONSECUTIVE,
    NEGATIVE,
    SAME_HOUR,
    SAME_WEEKDAY,
    VOLUME,
    MentionFilter,
    MentionRow,
    Spike,
    SpikeExplanation,
    SpikeRule,
)
from brandwatch_cli.store import MentionStore, SampledText
from brandwatch_cli.times import CalendarUnit, calendar_start

DAY, WEEK = timedelta(days=1), timedelta(days=7)
#: Texts read from a spike's window, and from its baseline's windows together.
FOCUS_TEXTS, BASELINE_TEXTS = 1000, 2000
#: Fewer negative mentions than this in a negative spike's baseline: it is explained against
#: all the baseline's mentions instead.
MIN_BACKGROUND = 10
#: What an explanation lists.
TOP_TERMS, TOP_NAMES, EXAMPLES = 8, 3, 3
#: A report shows at most this many spikes (the least likely by chance), in time order.
REPORT_SPIKES = 10

# Detection: pure functions ----------------------------------------------------------------


def poisson_tail(count: int, mean: float) -> float:
    """P(X >= count) for X ~ Poisson(mean), summed from the terms nearest ``count`` (no
    underflow for large means, no cancellation for small tails)."""
    if count <= 0:
        return 1.0
    if mean <= 0:
        return 0.0

    def pmf(i: int) -> float:
        return math.exp(-mean + i * math.log(mean) - math.lgamma(i + 1))

    total = 0.0
    if count > mean:  # the upper tail, term by term: each smaller than the last
        i, term = count, pmf(count)
        while term > total * 1e-17 and term > 0:
            total += term
            i += 1
            term *= mean / i
        return min(total, 1.0)
    i, term = count - 1, pmf(count - 1)  # 1 - P(X <= count - 1), downwards from its top
    while i >= 0 and term > total * 1e-17 and term > 0:
        total += term
        term *= i / mean
        i -= 1
    return max(0.0, 1.0 - total)


def poisson_bar(mean: float, level: float) -> int:
    """The smallest count whose Poisson tail P(X >= count) is below ``level``."""
    count = max(1, math.floor(mean) + 1)
    tail = poisson_tail(count, mean)
    while tail >= level:
        tail -= math.exp(-mean + count * math.log(mean) - math.lgamma(count + 1))
        count += 1
    return count


def threshold(history: Sequence[int], k: float) -> tuple[float, float]:
    """(mean, threshold) of a baseline: mean + k * max(sd, sqrt(mean))."""
    mean = sum(history) / len(history)
    sd = math.sqrt(sum((x - mean) ** 2 for x in history) / len(history))
    return mean, mean + k * max(sd, math.sqrt(mean))


def find_spike(
    keyword: str,
    kind: str,
    current: int,
    history: Sequence[int],
    rule: SpikeRule,
    *,
    baseline_kind: str = CONSECUTIVE,
    ended: datetime | None = None,
) -> Spike | None:
    """A Spike if ``current`` stands out from ``history`` under ``rule``, else None. Its
    ``threshold`` is the count it had to exceed: the stricter of the two tests."""
    if len(history) < rule.min_history or current < rule.min_count:
        return None
    mean, limit = threshold(history, rule.k)
    if current <= limit:
        return None
    p_value = poisson_tail(current, mean)
    if p_value >= rule.p_value:
        return None
    bar = max(limit, poisson_bar(mean, rule.p_value) - 1, rule.min_count - 1)
    return Spike(
        keyword,
        kind,
        current,
        mean,
        bar,
        len(history),
        rule.window,
        p_value=p_value,
        baseline_kind=baseline_kind,
        ended=ended,
    )


def find_spikes(
    counts: dict[str, tuple[int, list[int], int, list[int]]],
    rule: SpikeRule,
    *,
    baseline_kind: str = CONSECUTIVE,
    ended: datetime | None = None,
) -> list[Spike]:
    """Spikes for every keyword: ``counts[keyword]`` is (current volume, volume history,
    current negatives, negative history)."""
    spikes = []
    for keyword, (volume, volumes, negative, negatives) in counts.items():
        for kind, current, history in ((VOLUME, volume, volumes), (NEGATIVE, negative, negatives)):
            spike = find_spike(
                keyword, kind, current, history, rule, baseline_kind=baseline_kind, ended=ended
            )
            if spike is not None:
                spikes.append(spike)
    return spikes


def seasonal_stride(window: timedelta) -> tuple[timedelta, str] | None:
    """How far apart like windows are: a week for daily windows (the same weekday), a day
    for windows that divide one (the same hours); None for other lengths."""
    if window == DAY:
        return WEEK, SAME_WEEKDAY
    if window < DAY and (DAY / window).is_integer():
        return DAY, SAME_HOUR
    return None


def stride_of(spike: Spike) -> timedelta:
    """How far apart the windows of a spike's baseline lie."""
    return {SAME_WEEKDAY: WEEK, SAME_HOUR: DAY}.get(spike.baseline_kind, spike.window)


def known_windows(start: datetime | None, end: datetime, stride: timedelta) -> int:
    """How many windows ending at ``end - i * stride`` end after ``start`` (monitoring's):
    the current one (i = 0) included, and the one monitoring began in (its first scan finds
    what was published before it); unknown start: every one."""
    if start is None:
        return 1_000_000
    return max(0, int((end - start) / stride)) + 1


# Detection: over the store -----------------------------------------------------------------


def current_spikes(
    store: MentionStore, keywords: Sequence[str], rule: SpikeRule, now: datetime
) -> list[Spike]:
    """Keywords whose latest window (ending ``now``) stands out from their own history, each
    explained."""
    start = store.monitoring_start()
    seasonal = seasonal_stride(rule.window) if rule.seasonal else None
    stride, kind = seasonal or (rule.window, CONSECUTIVE)
    # Like windows need a known history: without a scan log, the oldest mention dates it.
    since = start or _oldest(store)
    usable = min(rule.baseline + 1, known_windows(since, now, stride))
    if seasonal is None or usable - 1 < rule.min_history:
        stride, kind = rule.window, CONSECUTIVE
        usable = min(rule.baseline + 1, known_windows(start, now, stride))
    counts = store.window_counts(keywords, now, rule.window, rule.baseline + 1, stride)
    series = {
        name: (volume[0], volume[1:usable], negative[0], negative[1:usable])
        for name, (volume, negative) in counts.items()
    }
    found = find_spikes(series, rule, baseline_kind=kind)
    return [replace(s, explanation=explain(store, s, now)) for s in found]


def period_spikes(
    store: MentionStore,
    since: datetime,
    until: datetime,
    keywords: Sequence[str],
    rule: SpikeRule,
    tz: tzinfo = UTC,
) -> tuple[Spike, ...]:
    """The spikes within a report's period: each of its hours (a period of up to two days),
    days (up to 92) or weeks, counted back from the last start of one in ``tz`` (whole
    windows only), tested against its own baseline as an alert of that window would be.
    At most ``REPORT_SPIKES`` (the least likely by chance), explained, in time order."""
    # A period ending now ends after the current second (``report``): ``--since 2d`` is
    # two days and a fraction of a second, and still counted by the hour.
    length = until - since - timedelta(seconds=1)
    window = timedelta(hours=1) if length <= 2 * DAY else DAY if length <= 92 * DAY else WEEK
    unit: CalendarUnit = "hour" if window < DAY else "day" if window == DAY else "week"
    end = calendar_start(until, unit, tz)
    start = store.monitoring_start() or _oldest(store)
    if start is not None and since < start - window:
        since = start - window  # a window over before anything was heard holds no spike
    tested = int((end - since) / window)
    if tested < 1 or not keywords:
        return ()
    rule = replace(rule, window=window)
    seasonal = seasonal_stride(window) if rule.seasonal else None
    steps = round(seasonal[0] / window) if seasonal else 1
    windows = tested + steps * rule.baseline
    counts = store.window_counts(keywords, end, window, windows)
    found: list[Spike] = []
    for i in range(tested):
        ended = end - window * i
        known = known_windows(start, ended, window)  # consecutive windows from i
        like = [i + steps * j for j in range(1, rule.baseline + 1) if steps * j < known]
        kind = seasonal[1] if seasonal and len(like) >= rule.min_history else CONSECUTIVE
        if kind == CONSECUTIVE:
            like = [i + j for j in range(1, rule.baseline + 1) if j < known]
        series = {
            name: (volume[i], [volume[j] for j in like], negative[i], [negative[j] for j in like])
            for name, (volume, negative) in counts.items()
        }
        found += find_spikes(series, rule, baseline_kind=kind, ended=ended)
    chosen = sorted(found, key=lambda s: (s.p_value or 0.0, -s.count))[:REPORT_SPIKES]
    chosen.sort(key=lambda s: (s.ended or end, s.keyword, s.kind))
    return tuple(replace(s, explanation=explain(store, s, s.ended or end)) for s in chosen)


def _oldest(store: MentionStore) -> datetime | None:
    oldest = store.stored_span()[1]
    return datetime.fromisoformat(oldest) if oldest else None


# Why: what the spike's window has that its baseline lacks ----------------------------------


def explain(store: MentionStore, spike: Spike, end: datetime) -> SpikeExplanation:
    """Why ``spike`` (whose window ends at ``end``) happened. A negative spike is explained
    by the negative mentions against the baseline's negative ones."""
    negative = spike.kind == NEGATIVE
    since = end - spike.window
    step = math.ceil(spike.count / FOCUS_TEXTS)
    focus_texts = store.window_sample(
        spike.keyword, since, end, negative=negative, step=step, limit=FOCUS_TEXTS
    )
    background_texts = _baseline_texts(store, spike, end, negative=negative)
    if negative and len(background_texts) < MIN_BACKGROUND:
        # no negative mentions to speak of usually: what the negative ones say that the
        # usual mentions do not (how many there are is not known: the first ones of each)
        background_texts = _baseline_texts(store, spike, end, negative=False, mean=0.0)
    exclude = exclusions([spike.keyword, *{term for text in focus_texts for term in text.terms}])
    focus, found = PhraseCounts(), {}
    for text in focus_texts:
        found[text.id] = set(focus.add(text.text, exclude=exclude))
    background = PhraseCounts()
    for text in background_texts:
        background.add(text.text, exclude=exclude)
    least = 3 if focus.documents >= 15 else 2
    ranked = characteristic(focus, background, min_count=least, top=TOP_TERMS)
    split = store.window_split(spike.keyword, since, end)
    return SpikeExplanation(
        terms=tuple((focus.surface(key), round(score, 2)) for key, score in ranked),
        sources=tuple(store.window_top(spike.keyword, since, end, "source", negative=negative)),
        authors=tuple(store.window_top(spike.keyword, since, end, "author", negative=negative)),
        positive=split.get("positive", 0),
        neutral=split.get("neutral", 0),
        negative=split.get("negative", 0),
        aspects=spike_aspects(store, spike, end),
        examples=_examples(store, focus_texts, found, [key for key, _ in ranked]),
    )


def _baseline_texts(
    store: MentionStore,
    spike: Spike,
    end: datetime,
    *,
    negative: bool,
    mean: float | None = None,
) -> list[SampledText]:
    """A sample of the spike's baseline windows (their negative mentions, or all of them),
    ``BASELINE_TEXTS`` at most, spread within each window by the mentions it usually holds
    (``mean``, the spike's own by default)."""
    stride = stride_of(spike)
    per_window = max(1, BASELINE_TEXTS // max(1, spike.history))
    usual = spike.mean if mean is None else mean
    step = max(1, math.ceil(usual / per_window))
    return [
        text
        for i in range(1, spike.history + 1)
        for text in store.window_sample(
            spike.keyword,
            end - stride * i - spike.window,
            end - stride * i,
            negative=negative,
            step=step,
            limit=per_window,
        )
    ]


def spike_aspects(
    store: MentionStore, spike: Spike, end: datetime
) -> tuple[tuple[str, int, float | None], ...]:
    """The aspects the spike's mentions talk about (``mention_aspects``): (aspect, mentions,
    average sentiment of what they say of it), most talked about first; for a negative
    spike, of its mentions negative about its keyword (issue 10: about the brand, not the
    article), as the spike counts them."""
    selection = MentionFilter(since=end - spike.window, until=end)
    if spike.kind == NEGATIVE:  # with keywords, a filter's sentiment is the one about them
        selection = replace(selection, sentiment="negative", keywords=(spike.keyword,))
    rows = store.aspect_counts(selection, [spike.keyword])
    rows.sort(key=lambda row: (-row["mentions"], row["aspect"]))
    return tuple((row["aspect"], row["mentions"], row["average"]) for row in rows[:TOP_NAMES])


def _examples(
    store: MentionStore,
    texts: Sequence[SampledText],
    found: dict[int, set[str]],
    terms: Sequence[str],
) -> tuple[MentionRow, ...]:
    """Three mentions that show the spike: those containing its top term (then the next
    terms), with a link first, the most heard first; then the most heard of the rest."""

    def rank(text: SampledText) -> tuple[int, int, float, int]:
        hit = next((i for i, term in enumerate(terms) if term in found[text.id]), len(terms))
        return (hit, not text.has_link, -text.interactions, -text.id)

    chosen = [text.id for text in sorted(texts, key=rank)[:EXAMPLES]]
    return tuple(store.mentions_by_id(chosen))
