"""Themes: the phrases that characterise a keyword's mentions in a period.

How a theme is found, for keyword K in a period:

1. **Discover** on samples (``store.themes``: at most ``SAMPLE`` of K's mentions in the
   period, ``BACKGROUND_SAMPLE`` of K's in the previous period of the same length and as many
   of the other keywords' mentions in the period, each spread evenly by id). Their phrases
   (``insight.phrases``: 1-3 words, folded, plurals and elisions merged, stop words and K's own
   terms left out) are counted per mention.
2. **Score** each phrase of K's sample found in at least ``MIN_COUNT`` of its mentions with the
   weighted log-odds ratio with an informative prior (Monroe, Colaresi & Quinn 2008, "Fightin'
   Words"), over mentions (``phrases.document_log_odds``: the odds that a mention holds the
   phrase, so that longer texts weigh no more): a z-score against one background made of
   both samples, K's previous period (what is new or growing) and the other keywords now
   (what is K's own). A phrase K always had but others lack still ranks (a lasting
   complaint is a theme: half its background lacks it); a phrase new to K this week ranks
   whoever else says it; one K said as much before and others say as much now does not.
   When one sample is empty (a single keyword, a first week), the other alone is the
   background; with neither, a phrase's score is the square root of its count (phrases of two
   or three words only).
   Phrases scoring under ``MIN_SCORE`` are left out.
3. **Group** the strongest phrases when they co-occur: a phrase at least ``OVERLAP`` of whose
   sampled mentions also hold a stronger leader (the conditional probability of the leader
   given the phrase) joins that leader as ``related`` ("livraison" with "colis perdu",
   "colis" with "colis perdu"); a one-word leader that is only part of a related longer
   phrase found (nearly) as often gives it the lead. Among equals, two words lead.
4. **Count exactly** each leader over the whole selection with the full-text index (its
   spellings, plurals included, ORed): its mentions now and in the previous period, their
   sentiment about K (each keyword's own sentiment in the mention), two example mentions (the
   most heard). ``share`` is that count over all K's mentions in the period.

A theme's trend compares its exact counts now and before (see ``trend``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial
from typing import Any

from brandwatch_cli.insight.phrases import (
    PhraseCounts,
    document_log_odds,
    exclusions,
    phrases,
    word_key,
)
from brandwatch_cli.matching.querylang import parse_query, terms
from brandwatch_cli.models import Keyword, MentionFilter, Theme
from brandwatch_cli.models.findings import FALLING, NEW, RISING, STABLE
from brandwatch_cli.store import KeywordMentions, MentionStore, Readers
from brandwatch_cli.times import period_before

#: Mentions of the keyword in the period read to find candidate phrases.
SAMPLE = 1000
#: Mentions of each background (the keyword before, the other keywords now) read.
BACKGROUND_SAMPLE = 500
#: A phrase must be in this many sampled mentions of the keyword to be a candidate.
MIN_COUNT = 3
#: A phrase joins a stronger one's theme when at least this share of its mentions has it.
OVERLAP = 0.5
#: The least z-score of a theme: weaker phrases are what any talk throws up by chance.
MIN_SCORE = 2.0
#: Among phrases that score the same (they come in the same mentions), which leads: two words
#: ("colis perdu") say most, then three, then one.
_LENGTH_ORDER = {2: 0, 3: 1, 1: 2}
#: A theme's two examples are the most heard of this many sampled mentions holding it.
EXAMPLES_FROM = 500
#: At most this many related phrases are named with a theme.
RELATED = 4
#: How many candidates per theme shown are grouped (the rest are weaker than any shown).
CANDIDATES_PER_THEME = 3
#: Connections besides the caller's that read a themes section's keywords (``store.readers``)
#: when the keywords have at least ``PARALLEL_FROM`` mentions in the period: below that, a
#: thread and a connection cost more than they save.
READERS = 2
PARALLEL_FROM = 10_000
#: Noise allowance of a trend: a count change of at least this many standard deviations
#: (Poisson: sqrt of the two counts summed)...
TREND_Z = 2.0
#: ... and of at least this much (25 %).
TREND_CHANGE = 1.25


@dataclass(frozen=True)
class Selections:
    """What themes compare: the period's mentions and the previous period's (same filters)."""

    current: MentionFilter
    previous: MentionFilter
    #: No mention of either has a smaller id (``MentionStore.first_id``); None: not known yet.
    first_id: int | None = None

    def as_pair(self) -> tuple[MentionFilter, MentionFilter]:
        return self.current, self.previous

    def up_to(self, last_id: int) -> Selections:
        """Both selections without the mentions stored after ``last_id``."""

        def bounded(selection: MentionFilter) -> MentionFilter:
            up_to_id = last_id if selection.up_to_id is None else min(selection.up_to_id, last_id)
            return replace(selection, up_to_id=up_to_id)

        return replace(self, current=bounded(self.current), previous=bounded(self.previous))


def own_terms(keyword: Keyword) -> list[str]:
    """Everything a keyword's matching names: its name, terms, query words and required
    context words. None of them is ever part of a theme."""
    found = [keyword.name, *keyword.terms, *keyword.require_any]
    if keyword.query:
        found += [" ".join(term.words) for term in terms(parse_query(keyword.query))]
    return found


def trend(now: int, before: int) -> str:
    """NEW: absent or nearly before (at most a tenth of now, one mention allowed) and in at
    least ``MIN_COUNT`` mentions now. RISING / FALLING: the count moved by at least
    ``TREND_CHANGE`` times and by ``TREND_Z`` Poisson standard deviations. STABLE otherwise."""
    if now >= MIN_COUNT and before <= max(1, now // 10):
        return NEW
    deviations = (now - before) / math.sqrt(now + before) if now + before else 0.0
    if deviations >= TREND_Z and now >= TREND_CHANGE * before:
        return RISING
    if deviations <= -TREND_Z and now * TREND_CHANGE <= before:
        return FALLING
    return STABLE


def spellings(key: str, surfaces: Iterable[str] = ()) -> list[str]:
    """The ways a phrase key may be written, for the full-text index: each word singular or
    plural (the forms ``word_key`` merges), and the forms seen."""
    forms = []
    for word in key.split():
        plurals = (word + "s", word[:-1] + "ies") if word.endswith("y") else (word + "s",)
        forms.append([word, *(p for p in plurals if word_key(p) == word)])
    found = [" ".join(parts) for parts in itertools.product(*forms)]
    return list(dict.fromkeys([*found, *surfaces]))


def keyword_themes(
    store: MentionStore,
    keyword: Keyword,
    scope: Selections,
    *,
    everyone: int,
    top: int = 10,
    sample: int = SAMPLE,
    background: int = BACKGROUND_SAMPLE,
    sizes: tuple[int, int] | None = None,
) -> tuple[Theme, ...]:
    """The ``top`` themes of ``keyword`` in ``scope``, strongest first. ``everyone``: about
    how many mentions the period holds (it spaces the other keywords' sample); ``sizes``: the
    keyword's mentions in the period and the previous one, when counted already."""
    name = keyword.name
    exclude = exclusions(own_terms(keyword))
    with store.keyword_mentions(name, *scope.as_pair(), scope.first_id, sizes) as mentions:
        now, before = mentions.sizes
        if now == 0 or top <= 0:
            return ()
        focus = PhraseCounts()
        seen: dict[str, list[int]] = {}  # phrase -> the sampled mentions holding it
        sampled, sampled_before = mentions.samples(sample, background if before else 0)
        for mention_id, text in sampled:
            for key in focus.add(text, exclude=exclude):
                seen.setdefault(key, []).append(mention_id)
        backgrounds = []
        if before:
            backgrounds.append(_counted(sampled_before, exclude))
        if everyone > now:
            rows = store.others_sample(
                scope.current,
                name,
                background,
                expected=everyone - now,
                first_id=mentions.first_id or 0,
            )
            backgrounds.append(_counted(rows, exclude))
        scores = _scores(focus, _pooled(backgrounds))
        ranked = sorted(
            ((key, score) for key, score in scores.items() if score >= MIN_SCORE),
            key=lambda item: (-round(item[1], 6), _LENGTH_ORDER[item[0].count(" ") + 1], item[0]),
        )
        groups = _grouped(ranked[: top * CANDIDATES_PER_THEME], seen, focus, top)
        return tuple(
            _theme(store, mentions, group, focus, scores[group[0]], seen[group[0]])
            for group in groups
        )


def _counted(rows: Iterable[tuple[int, str]], exclude: frozenset[str]) -> PhraseCounts:
    """A background's document counts (without the surface forms a focus keeps: half the
    cost)."""
    counted = PhraseCounts()
    for _, text in rows:
        counted.documents += 1
        counted.counts.update(phrases(text, exclude=exclude).keys())
    return counted


def _pooled(samples: Sequence[PhraseCounts]) -> PhraseCounts:
    """The samples as one set of mentions."""
    pooled = PhraseCounts()
    for sample in samples:
        pooled.documents += sample.documents
        pooled.counts.update(sample.counts)
    return pooled


def _scores(focus: PhraseCounts, background: PhraseCounts) -> dict[str, float]:
    """The z-score of each frequent phrase of ``focus`` against ``background``; with no
    background at all, the z-score of its count against none (its square root), phrases of
    two or three words only: with nothing to compare, a lone word is what any talk says
    ("hier", "matin", a signature) as often as a theme."""
    frequent = [key for key, count in focus.counts.items() if count >= MIN_COUNT]
    if not background.documents:
        return {key: math.sqrt(focus.counts[key]) for key in frequent if " " in key}
    return document_log_odds(focus, background, frequent)


def _grouped(
    ranked: Sequence[tuple[str, float]],
    seen: Mapping[str, Sequence[int]],
    focus: PhraseCounts,
    top: int,
) -> list[list[str]]:
    """Phrases in groups of co-occurring ones, strongest first; at most ``top`` groups."""
    groups: list[list[str]] = []
    for key, _ in ranked:
        holders = set(seen.get(key, ()))
        for group in groups:
            if len(holders.intersection(seen.get(group[0], ()))) >= OVERLAP * len(holders):
                group.append(key)
                break
        else:
            if len(groups) < top:
                groups.append([key])
    for group in groups:
        lead = group[0]
        if " " in lead:
            continue
        longer = [
            other
            for other in group[1:]
            if f" {lead} " in f" {other} " and focus.counts[other] >= 0.8 * focus.counts[lead]
        ]
        if longer:  # two words rather than three, the strongest of those
            chosen = min(longer, key=lambda o: (_LENGTH_ORDER[o.count(" ") + 1], group.index(o)))
            group.remove(chosen)
            group.insert(0, chosen)
    return groups


def _related(group: Sequence[str]) -> list[str]:
    """A group's phrases after its lead, without those that are part of another of the group
    ("colis" beside "colis perdu"): they say nothing more."""
    return [
        key
        for key in group[1:]
        if not any(other != key and f" {key} " in f" {other} " for other in group)
    ]


def _theme(
    store: MentionStore,
    mentions: KeywordMentions,
    group: Sequence[str],
    focus: PhraseCounts,
    score: float,
    sampled: Sequence[int],
) -> Theme:
    """The exact figures of a group's lead phrase over the whole selection; its examples are
    the most heard of the sampled mentions that hold it."""
    lead = group[0]
    tally = mentions.tally(spellings(lead, focus.surfaces.get(lead, {})))
    count = tally.mentions
    return Theme(
        phrase=focus.surface(lead),
        count=count,
        share=count / mentions.sizes[0],
        sentiment=(tally.positive - tally.negative) / count if count else None,
        trend=trend(count, tally.previous),
        previous=tally.previous,
        score=round(score, 2),
        examples=tuple(store.most_heard_of(sampled[:EXAMPLES_FROM], 2)),
        related=tuple(focus.surface(key) for key in _related(group))[:RELATED],
    )


@dataclass(frozen=True)
class ThemesFound:
    """What ``brandwatch themes`` shows: each keyword's themes in a period."""

    since: datetime  # the period
    until: datetime
    previous_since: datetime  # the previous period, up to ``since``
    themes: dict[str, tuple[Theme, ...]]  # keyword -> its themes, keywords in order
    mentions: dict[str, int]  # keyword -> its mentions in the period
    tz: tzinfo = UTC


def find_themes(
    store: MentionStore,
    selection: MentionFilter,
    *,
    now: datetime,
    keywords: Sequence[Keyword] = (),
    top: int = 10,
    tz: tzinfo = UTC,
) -> ThemesFound:
    """Themes of each keyword ``selection`` names (else of ``keywords``, else of every stored
    one) in its period (``since`` defaults to seven days before ``until``, itself now), against
    the previous period of the same length, within its sources."""
    until = selection.until or now.replace(microsecond=0) + timedelta(seconds=1)
    since = selection.since or until - timedelta(days=7)
    previous_since = period_before(since, until)
    scope = Selections(
        replace(selection, since=since, until=until, keywords=()),
        replace(selection, since=previous_since, until=since, keywords=()),
    )
    names = list(selection.keywords) or [k.name for k in keywords] or store.stored_keywords()
    # both periods counted from the summary (where it answers): each keyword's reads then
    # need not count its rows again (a month's Acme at 1M: 105 ms on PostgreSQL)
    with (
        store.period_view(scope.current) as view,
        store.period_view(scope.previous) as earlier,
    ):
        counted, counted_before = view.keyword_stats(), earlier.keyword_stats()
        everyone = int(view.totals()["mentions"] or 0)

    def count(rows: Mapping[str, Mapping[str, Any]], name: str) -> int:
        return int(rows[name]["mentions"]) if name in rows else 0

    counts = {n: (count(counted, n), count(counted_before, n)) for n in names}
    mentions = {n: now for n, (now, _) in counts.items()}
    heard = [keyword_named(name, keywords) for name in names if mentions[name]]
    with store.readers(READERS) as readers:
        found = begin_themes(
            store,
            scope,
            heard,
            everyone=everyone,
            top=top,
            counts=counts,
            readers=readers if len(heard) > 1 else None,  # one keyword: nothing beside it
            heard=sum(mentions.values()),
        )()
    found = {name: found.get(name, ()) for name in names}
    return ThemesFound(since, until, previous_since, found, mentions, tz)


def keyword_named(name: str, keywords: Sequence[Keyword]) -> Keyword:
    """The configured keyword of that name, else one whose only term is its name (a keyword
    known only from the database)."""
    return next((k for k in keywords if k.name == name), Keyword(name, (name,)))


def begin_themes(
    store: MentionStore,
    scope: Selections,
    keywords: Sequence[Keyword],
    *,
    everyone: int,
    top: int,
    sample: int = SAMPLE,
    background: int = BACKGROUND_SAMPLE,
    counts: Mapping[str, tuple[int, int]] | None = None,
    readers: Readers[MentionStore] | None = None,
    heard: int = 0,
) -> Callable[[], dict[str, tuple[Theme, ...]]]:
    """``keyword_themes`` of each keyword, begun: the function returned waits for them (in
    ``keywords``' order). ``counts``: their mentions in the period and the previous one, when
    counted already (over the same selections).

    With ``readers``, when the keywords have at least ``PARALLEL_FROM`` mentions in the period
    (``heard``, else summed from ``counts``), each keyword is a task on its threads, the
    biggest first, while the caller goes on with its own connection. Those connections read
    what was stored up to this one's last mention id: what a scan adds meanwhile is left out
    as it is from the caller's snapshot."""
    if keywords and scope.first_id is None:  # the same for every keyword
        scope = replace(scope, first_id=store.keyword_first_id(scope.as_pair()))
    sizes = dict(counts or {})

    def themes_of(reader: MentionStore, keyword: Keyword, within: Selections) -> tuple[Theme, ...]:
        return keyword_themes(
            reader,
            keyword,
            within,
            everyone=everyone,
            top=top,
            sample=sample,
            background=background,
            sizes=sizes.get(keyword.name) if counts is not None else None,
        )

    heard = heard or sum(now for now, _ in sizes.values())
    if readers is None or heard < PARALLEL_FROM:
        found = {keyword.name: themes_of(store, keyword, scope) for keyword in keywords}
        return lambda: found
    within = scope.up_to(store.last_mention_id())
    biggest_first = sorted(keywords, key=lambda k: -sum(sizes.get(k.name, (0, 0))))
    tasks = {
        keyword.name: readers.submit(partial(themes_of, keyword=keyword, within=within))
        for keyword in biggest_first
    }
    return lambda: {keyword.name: tasks[keyword.name].result() for keyword in keywords}


#: The report's and the digest's themes section: fewer themes, found on smaller samples, so
#: that a report of every keyword stays quick.
SECTION_TOP = 5
SECTION_SAMPLE = 200
SECTION_BACKGROUND = 100


def section_themes(
    store: MentionStore,
    scope: Selections,
    counts: Mapping[str, tuple[int, int]],
    *,
    everyone: int,
    keywords: Sequence[Keyword] = (),
    readers: Readers[MentionStore] | None = None,
) -> Callable[[], dict[str, tuple[Theme, ...]]]:
    """The themes section of a report or a digest, begun (see ``begin_themes``): each
    keyword of ``counts`` (its mentions now and before, as the keyword table counted them)
    that has mentions now."""
    scope = Selections(replace(scope.current, keywords=()), replace(scope.previous, keywords=()))
    heard = {name: pair for name, pair in counts.items() if pair[0]}
    if len(heard) == 1 and everyone <= max(now for now, _ in heard.values()):  # one keyword
        with store.period_view(scope.current) as view:
            everyone = int(view.totals()["mentions"] or 0)
    return begin_themes(
        store,
        scope,
        [keyword_named(name, keywords) for name in heard],
        everyone=everyone,
        top=SECTION_TOP,
        sample=SECTION_SAMPLE,
        background=SECTION_BACKGROUND,
        counts=heard,
        readers=readers,
    )
