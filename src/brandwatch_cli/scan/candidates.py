"""The scan's match, dedupe and analyze phases for a batch of items, shared by the scan and
by re-matching stored entries.

Where a feed is parsed (a worker process on big scans), ``parse_and_keep`` matches its entries
there and builds the candidates with their dedupe keys, in the same trip (dropping the entries
that name nothing unless entries are kept for re-matching). Items from other sources go
through ``prepare``, which does the same on the event loop's side. Neither looks at the store;
``unknown`` asks it which candidates are new, and ``new_mentions`` turns analysed candidates
into what the store saves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from brandwatch_cli.analysis import Analysis
from brandwatch_cli.dedupe import canonical_url, face_key, group_stories, story_keys
from brandwatch_cli.matching.matcher import Matcher, cached_matcher
from brandwatch_cli.models import Item, Keyword, KeywordMatch
from brandwatch_cli.store import MentionStore, NewCopy, NewMention, iso


@dataclass(frozen=True)
class Candidate:
    """An item that names a keyword, with the keys that decide whether it is new."""

    item: Item
    matches: tuple[KeywordMatch, ...]
    canonical_url: str | None
    fingerprint: str | None
    shingles: frozenset[int] = frozenset()


class Parsed(list[Item]):
    """Items a parser returned (all of them, or only those naming a keyword); ``total`` counts
    them all, and ``candidates`` holds those naming a keyword as candidates, built where they
    were parsed."""

    total: int = 0
    candidates: tuple[Candidate, ...] = ()


def parse_and_keep(
    parse: Callable[..., Sequence[Item]],
    args: tuple[Any, ...],
    keywords: tuple[Keyword, ...],
    keep_all: bool = False,
) -> Parsed:
    """``parse(*args)``, the items that name a keyword built into candidates and, unless
    ``keep_all`` (the entries are stored for re-matching), the others dropped.

    Runs where the parsing runs (a worker process on big scans), so the thousands of entries
    that mention nothing never travel back when they are not kept, and the named ones come
    back as candidates: one trip to the worker for parse, match and dedupe keys.
    """
    items = parse(*args)
    matcher = cached_matcher(keywords)
    found = [(i, m) for i, item in enumerate(items) if (m := matcher.match(item.title, item.text))]
    kept = Parsed(items if keep_all else [items[i] for i, _ in found])
    kept.total = len(items)
    kept.candidates = tuple(candidate(items[i], matches) for i, matches in found)
    return kept


def item_matches(
    matcher: Matcher, title: str, text: str, about: str | None = None
) -> list[KeywordMatch]:
    """The keywords a title and text name, plus ``about`` (the keyword its source is about)
    when they do not name it."""
    matches = matcher.match(title, text)
    if about and all(m.keyword != about for m in matches):
        matches.append(KeywordMatch(about, (), ()))
    return matches


def prepare(
    items: Sequence[Item], keywords: tuple[Keyword, ...], about: str | None = None
) -> list[Candidate]:
    """The items that name at least one keyword (or all, for a source ``about`` a keyword)."""
    matcher = cached_matcher(keywords)  # built once per process, not shipped with every batch
    candidates = []
    for item in items:
        matches = item_matches(matcher, item.title, item.text, about)
        if matches:
            candidates.append(candidate(item, matches))
    return candidates


def candidate(item: Item, matches: Sequence[KeywordMatch]) -> Candidate:
    """``item``, which names the keywords of ``matches``, with its dedupe keys."""
    key, near = story_keys(item.title, item.text)
    return Candidate(item, tuple(matches), canonical_url(item.url), key, near)


@dataclass(frozen=True)
class Story:
    """One story in a source's batch: its face and its other copies."""

    face: Candidate
    copies: tuple[Candidate, ...]


def unknown(store: MentionStore, source: str, candidates: Sequence[Candidate]) -> list[Story]:
    """The stories among candidates not stored already (this source's entry, or the same page,
    as a mention or a copy): each its earliest published copy (ties: feed order) and the
    others. Whether a story is new is the store's call, when saving."""
    keys = [(c.item.entry_id, c.canonical_url) for c in candidates]
    known = store.known(source, keys)
    fresh = [c for index, c in enumerate(candidates) if index not in known]
    rows = [(c.item.entry_id, c.canonical_url, c.fingerprint, c.shingles) for c in fresh]
    stories = []
    for group in group_stories(rows):
        face = min(group, key=lambda i: face_key(iso(fresh[i].item.published_at), i))
        stories.append(Story(fresh[face], tuple(fresh[i] for i in group if i != face)))
    return stories


def new_mentions(
    stories: Sequence[Story], analyses: Sequence[Analysis | None], version: str
) -> list[NewMention]:
    """What the store saves for analysed stories (their faces, with their copies); a story
    none of whose keywords allows its face's language (no analysis) is dropped. One whose
    analysis failed keeps no sentiment version, so ``rescore`` scores it again."""
    return [
        NewMention(
            s.face.item,
            a.matches,
            s.face.canonical_url,
            s.face.fingerprint,
            a.sentiment,
            a.language,
            "" if a.error else version,
            s.face.shingles,
            tuple(NewCopy(k.item, k.canonical_url, k.fingerprint) for k in s.copies),
            keyword_sentiment=a.keywords,
            error=a.error,
            aspects=a.aspects,
        )
        for s, a in zip(stories, analyses, strict=True)
        if a is not None
    ]
