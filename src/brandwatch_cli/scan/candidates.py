"""The scan's match phase: which items name a keyword, with the keys that dedupe them.

Matching runs twice, on purpose. ``parse_and_keep`` runs where a feed is parsed (a worker
process on big scans) and drops the entries that name no keyword there, so the thousands that
mention nothing never travel back to the scan; ``prepare`` then matches the survivors again,
cheaply, keeping what matched and computing the dedupe keys. Neither looks at the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from brandwatch_cli.dedupe import canonical_url, fingerprint, shingles
from brandwatch_cli.matching.matcher import cached_matcher
from brandwatch_cli.models import Item, Keyword, KeywordMatch


@dataclass(frozen=True)
class Candidate:
    """An item that names a keyword, with the keys that decide whether it is new."""

    item: Item
    matches: tuple[KeywordMatch, ...]
    canonical_url: str | None
    fingerprint: str | None
    shingles: frozenset[int] = frozenset()


class Parsed(list[Item]):
    """Items a parser returned, minus those naming no keyword; ``total`` counts them all."""

    total: int = 0


def parse_and_keep(
    parse: Callable[..., Sequence[Item]], args: tuple[Any, ...], keywords: tuple[Keyword, ...]
) -> Parsed:
    """``parse(*args)``, keeping only items that name a keyword.

    Runs where the parsing runs (a worker process on big scans), so the thousands of entries
    that mention nothing never travel back. The scan matches the survivors again, cheaply.
    """
    items = parse(*args)
    matcher = cached_matcher(keywords)
    kept = Parsed(item for item in items if matcher.match(item.title, item.text))
    kept.total = len(items)
    return kept


def prepare(
    items: Sequence[Item], keywords: tuple[Keyword, ...], about: str | None = None
) -> list[Candidate]:
    """The items that name at least one keyword (or all, for a source ``about`` a keyword)."""
    matcher = cached_matcher(keywords)  # built once per process, not shipped with every batch
    candidates = []
    for item in items:
        matches = matcher.match(item.title, item.text)
        if about and all(m.keyword != about for m in matches):
            matches.append(KeywordMatch(about, (), ()))
        if matches:
            candidates.append(
                Candidate(
                    item,
                    tuple(matches),
                    canonical_url(item.url),
                    fingerprint(item.title, item.text),
                    shingles(item.title, item.text),
                )
            )
    return candidates
