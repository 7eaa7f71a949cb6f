"""Turning a keyword into a remote search query, for the query-based source types.

Remote search engines only narrow what we download: every result still goes through our own
matching, so a loose query costs bandwidth, never precision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item, Keyword
from brandwatch_cli.times import parse_iso

#: Query-based sources ask again for this much before their last successful fetch, so an item
#: indexed late by the remote service never falls between two runs. Dedupe absorbs the overlap.
OVERLAP = timedelta(hours=1)

_NON_TAG_RE = re.compile(r"[^\w]+")


def quoted(term: str) -> str:
    """A term as an exact phrase: ``"Globex Corporation"`` (inner quotes dropped)."""
    return '"' + term.replace('"', " ").strip() + '"'


def or_query(terms: Iterable[str], *, quote_all: bool = True) -> str:
    """``"a" OR "b c"``: any of the terms, each as a phrase (single words quoted if asked)."""
    parts = [quoted(t) if quote_all or " " in t.strip() else t.strip() for t in terms]
    return " OR ".join(p for p in parts if p.strip('" '))


def keyword_query(keyword: Keyword, *, quote_all: bool = True) -> str:
    """The search for one keyword: any of its terms (exclusions are applied by our matching)."""
    return or_query(search_terms(keyword), quote_all=quote_all)


def search_terms(keyword: Keyword) -> list[str]:
    """What to ask a remote service for: the keyword's terms; for a ``query``, the terms one of
    which every match contains (its brand side: ``"Café Lumière" OR cafelumiere`` for
    ``("Café Lumière" OR cafelumiere) NEAR/5 recrut*``; never a NOT-ed term). A prefix term is
    asked for as its stem. ``@handle``/``#tag`` forms are reduced to the word."""
    if not keyword.query:
        return searchable_terms(keyword.terms)
    from brandwatch_cli.matching.matcher import keyword_node, trigger_terms

    required = trigger_terms(keyword_node(keyword), whole_words=True)
    return searchable_terms(" ".join(t.words) for t in required)


def hashtags(keyword: Keyword) -> list[str]:
    """Hashtag forms of a keyword's terms: ``Café Lumière`` -> ``CaféLumière`` (no ``#``)."""
    tags: list[str] = []
    for term in search_terms(keyword):
        tag = _NON_TAG_RE.sub("", term)
        if tag and tag.casefold() not in (t.casefold() for t in tags):
            tags.append(tag)
    return tags


def searchable_terms(terms: Iterable[str]) -> list[str]:
    """Terms as a search engine wants them: ``@handle``/``#tag`` forms reduced to the word."""
    seen: list[str] = []
    for term in terms:
        plain = term.strip().lstrip("@#").strip()
        if plain and plain.casefold() not in (s.casefold() for s in seen):
            seen.append(plain)
    return seen


@contextmanager
def keeping(found: Mapping[str, Item]) -> Iterator[None]:
    """Around a source's loop over keywords: when one fails (a refused query, a rate limit, a
    timeout), the items the others already read go with the error (``SourceError.partial``)
    and are stored; only what failed waits for the next scan."""
    try:
        yield
    except SourceError as exc:
        if found and not exc.partial:
            exc.partial = tuple(found.values())
        raise


def cursor_time(cursor: str | None) -> datetime | None:
    """A stored cursor as an aware UTC datetime (a value without an offset is read as UTC)."""
    return parse_iso(cursor)


def since_cursor(cursor: str | None, now: datetime, default: timedelta) -> datetime:
    """Where an incremental fetch starts: the stored cursor minus OVERLAP, or ``now - default``."""
    moment = cursor_time(cursor)
    return moment - OVERLAP if moment is not None else now - default


def advance_cursor(cursors: dict[str, str], key: str, moments: Iterable[datetime | None]) -> None:
    """Move ``cursors[key]`` to the newest of ``moments``: never backwards, never to nothing."""
    newest = max((m for m in moments if m is not None), default=None)
    current = cursor_time(cursors.get(key))
    if newest is not None and (current is None or newest > current):
        cursors[key] = newest.astimezone(UTC).isoformat()
