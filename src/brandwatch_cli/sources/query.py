"""Turning a keyword into a remote search query, for the query-based source types.

Remote search engines only narrow what we download: every result still goes through our own
matching, so a loose query costs bandwidth, never precision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from brandwatch_cli.models import Keyword

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
    return or_query(_searchable(keyword.terms), quote_all=quote_all)


def hashtags(keyword: Keyword) -> list[str]:
    """Hashtag forms of a keyword's terms: ``Café Lumière`` -> ``CaféLumière`` (no ``#``)."""
    tags: list[str] = []
    for term in keyword.terms:
        tag = _NON_TAG_RE.sub("", term)
        if tag and tag.casefold() not in (t.casefold() for t in tags):
            tags.append(tag)
    return tags


def _searchable(terms: Iterable[str]) -> list[str]:
    """Terms as a search engine wants them: ``@handle``/``#tag`` forms reduced to the word."""
    seen: list[str] = []
    for term in terms:
        plain = term.strip().lstrip("@#").strip()
        if plain and plain.casefold() not in (s.casefold() for s in seen):
            seen.append(plain)
    return seen


def since_cursor(cursor: str | None, now: datetime, default: timedelta) -> datetime:
    """Where an incremental fetch starts: the stored cursor minus OVERLAP, or ``now - default``."""
    if cursor:
        try:
            return datetime.fromisoformat(cursor) - OVERLAP
        except ValueError:
            pass
    return now - default
