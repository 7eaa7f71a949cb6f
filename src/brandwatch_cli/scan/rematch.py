"""Re-matching: stored associations follow the keywords as they are now.

The store remembers a hash of each keyword's matching definition (``definitions``). When the
config differs (a keyword added, removed, or its terms, query, ``exclude``, case, context
words or languages edited), ``rematch`` runs the real matcher again:

- over every stored mention: associations of changed keywords are added, rewritten or
  dropped, a removed keyword's associations all go;
- over the entries fetched within ``retention.entries_days``: those a changed keyword names
  that are not mentions yet become mentions, deduped, analysed and saved by the scan's own
  code (``candidates``, ``analysis``, the store's insert).

A stored mention whose keywords changed is then scored again as a scan scores it (``rescore``
of those mentions only): each keyword's sentiment is what the text says of it, and the
mention's own the average over its keywords' passages, never a copy of the old score.

A mention left with no keyword is deleted, unless someone triaged it (its status is not
``new``): that one is kept, outside every keyword's figures. Everything is applied in one
transaction, with the new definitions and a mark on each mention to score again; a dry run
rolls it back and only counts. The scores follow in ``rescore``'s own transactions: a run
stopped between the two leaves those mentions marked, and the next scan, rematch or
``rescore`` scores them (``finish_scoring``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from brandwatch_cli.analysis import analyze_all, kept_matches, rating_scale
from brandwatch_cli.matching.matcher import Matcher, cached_matcher
from brandwatch_cli.models import Config, Keyword, KeywordChanges, KeywordMatch
from brandwatch_cli.scan.candidates import item_matches, new_mentions, prepare, unknown
from brandwatch_cli.scan.relevance import restart_relevance
from brandwatch_cli.scan.rescore import current_version, rescore
from brandwatch_cli.store import MentionStore, NewMention, RematchPlan, StoredEntry

#: Mentions or entries read at a time.
BATCH = 2000


def definition(keyword: Keyword) -> str:
    """A hash of what decides whether a text names ``keyword`` (not its lexicon: that only
    changes scores, which ``rescore`` handles)."""
    data = [
        keyword.name,
        keyword.terms,
        keyword.query,
        keyword.exclude,
        keyword.case_sensitive,
        keyword.require_any,
        keyword.languages,
    ]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]


def rematch(
    store: MentionStore,
    config: Config,
    now: datetime,
    *,
    dry_run: bool = False,
    everything: bool = False,
    score: bool = True,
) -> KeywordChanges:
    """Bring stored mentions in line with the configured keywords; see the module docstring.
    The stored mentions whose keywords changed (``rescore`` of the result) are then scored
    again, unless ``score`` is False (the caller does it, to say where a stop came).

    Nothing to do (one small query) when no keyword changed since the last time. The first
    time (a new database, or one from before re-matching) the stored associations are taken
    as they are and only the definitions are recorded. ``everything`` re-matches every
    keyword, changed or not, and drops stored keywords no longer configured.
    """
    current = {k.name: definition(k) for k in config.keywords}
    stored = store.keyword_definitions()
    if everything:
        changed = set(current)
        removed = set(store.stored_keywords()) - set(current)
    elif stored is None:
        return store.apply_rematch(RematchPlan(current), now, commit=not dry_run)
    else:
        changed = {name for name, value in current.items() if stored.get(name) != value}
        removed = set(stored) - set(current)
    if not changed and not removed:
        if score and not dry_run:
            finish_scoring(store, config)  # what a run stopped while scoring left
        return KeywordChanges()
    keywords = tuple(k for k in config.keywords if k.name in changed)
    matcher = cached_matcher(keywords) if keywords else None
    plan, touched = _associations(store, config, matcher, changed, removed)
    created: list[tuple[str, NewMention]] = []
    days = config.retention.entries_days
    if matcher is not None and days > 0:
        created = _backfill(store, config, matcher, changed, now - timedelta(days=days))
    plan = replace(
        plan, definitions=current, new_mentions=created, removed_keywords=sorted(removed)
    )
    changes = replace(store.apply_rematch(plan, now, commit=not dry_run), rescore=tuple(touched))
    if changes and not dry_run:
        if score:  # what a mention says of each keyword follows its keywords, as in a scan
            finish_scoring(store, config)
        # a mention's relevance is read with its keywords' models: score them all again
        restart_relevance(store, now)
    return changes


def finish_scoring(store: MentionStore, config: Config) -> int:
    """Score again the mentions re-matching changed (marked in its transaction): this run's,
    and those a run stopped while scoring left; how many there were."""
    waiting = store.awaiting_rescore()
    if waiting:
        rescore(store, config, only=waiting)
    return len(waiting)


def _associations(
    store: MentionStore,
    config: Config,
    matcher: Matcher | None,
    changed: set[str],
    removed: set[str],
) -> tuple[RematchPlan, list[int]]:
    """Associations of the changed keywords to add, rewrite or drop on stored mentions, and
    the ids of the mentions whose keywords change (those of a ``removed`` keyword too)."""
    by_name = {k.name: k for k in config.keywords}
    about = _about(config, changed)
    add: list[tuple[int, KeywordMatch]] = []
    rewrite: list[tuple[int, KeywordMatch]] = []
    drop: list[tuple[int, str]] = []
    touched: list[int] = []
    after = 0
    while mentions := store.stored_mentions(after, BATCH):
        after = mentions[-1].id
        for mention in mentions:
            before = len(add) + len(rewrite) + len(drop)
            found: dict[str, KeywordMatch] = {}
            if matcher is not None:
                matches = item_matches(
                    matcher, mention.title, mention.text, about.get(mention.source)
                )
                found = {m.keyword: m for m in kept_matches(matches, by_name, mention.language)}
            for name in mention.keywords:
                if name in changed and name not in found:
                    drop.append((mention.id, name))
            for name, match in found.items():
                old = mention.keywords.get(name)
                if old is None:
                    add.append((mention.id, match))
                elif old != match:
                    rewrite.append((mention.id, match))
            if len(add) + len(rewrite) + len(drop) > before or removed & mention.keywords.keys():
                touched.append(mention.id)
    return RematchPlan({}, add=add, rewrite=rewrite, drop=drop), touched


def _backfill(
    store: MentionStore, config: Config, matcher: Matcher, changed: set[str], since: datetime
) -> list[tuple[str, NewMention]]:
    """New mentions from stored entries fetched since ``since`` that a changed keyword names:
    matched against every keyword, deduped and analysed as a scan would."""
    about = _about(config, changed)
    named: dict[str, list[StoredEntry]] = {}
    after = 0
    while rows := store.stored_entries(since, after, BATCH):
        after = rows[-1][0]
        for _, entry in rows:
            item = entry.item
            if item_matches(matcher, item.title, item.text, about.get(entry.source)):
                named.setdefault(entry.source, []).append(entry)
    version = current_version(config)
    created: list[tuple[str, NewMention]] = []
    sources = {s.name: s for s in config.sources}
    for source, entries in named.items():
        source_about = sources[source].about if source in sources else None
        candidates = [
            c
            for c in prepare([e.item for e in entries], config.keywords, source_about)
            if any(m.keyword in changed for m in c.matches)
        ]
        fresh = unknown(store, source, candidates)
        analyses = analyze_all(
            [(s.face.item, s.face.matches) for s in fresh],
            config.keywords,
            config.lexicon,
            rating_scale(sources.get(source)),
            config.aspects,
        )
        fetched = {e.item.entry_id: e.fetched_at for e in entries}
        created.extend(
            (source, replace(m, fetched_at=fetched[m.item.entry_id]))
            for m in new_mentions(fresh, analyses, version)
        )
    return created


def _about(config: Config, changed: Iterable[str]) -> dict[str, str]:
    """Per source, the changed keyword it is ``about`` (every item of it is that keyword's)."""
    names = set(changed)
    return {s.name: s.about for s in config.sources if s.about and s.about in names}
