"""What one keyword's mentions in a time window are like: the reads behind a spike's "why".

Each read walks the mentions of the window over the time index (``mentions_mentioned_at``)
and their keyword rows over ``mention_keywords_by_mention``, so its cost follows the window's
mentions, never the table's. Texts come as a bounded sample: every ``step``-th mention by id
(ids follow fetch time, so the sample spreads over the window), at most ``limit`` of them and
their first ``TEXT_CHARS`` characters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from brandwatch_cli.models import MentionRow
from brandwatch_cli.store.base import iso
from brandwatch_cli.store.queries import QueriesMixin

#: The characters of a sampled text read (a long article's opening says what it is about).
TEXT_CHARS = 2000


class SampledText(NamedTuple):
    """One sampled mention: what a spike's explanation reads of it."""

    id: int
    text: str  # title and text, joined
    interactions: float
    has_link: bool
    terms: tuple[str, ...]  # the keyword's terms it matched


def _window(negative: bool) -> str:
    """The window's (mention, keyword row) pairs; ``negative``: negative keyword rows only."""
    return f"""FROM mentions m CROSS JOIN mention_keywords k ON k.mention_id = m.id
        WHERE m.mentioned_at >= ? AND m.mentioned_at < ? AND k.keyword = ?
        {"AND k.sentiment_label = 'negative'" if negative else ""}"""


class WindowsMixin(QueriesMixin):
    """A keyword's mentions within a window: a sample of texts, top sources and authors, the
    sentiment split, and a few whole mentions to show."""

    def window_sample(
        self,
        keyword: str,
        since: datetime,
        until: datetime,
        *,
        negative: bool = False,
        step: int = 1,
        limit: int = 1000,
    ) -> list[SampledText]:
        """Every ``step``-th of the keyword's mentions in [since, until) by id, at most
        ``limit``, newest first."""
        sql = f"""SELECT m.id, coalesce(m.title, '') || ' . ' || substr(coalesce(m.text, ''), 1, ?),
                m.interactions, m.url, k.terms
            {_window(negative)} AND m.id % ? = 0
            ORDER BY m.id DESC LIMIT ?"""
        params: list[Any] = [TEXT_CHARS, iso(since), iso(until), keyword, max(1, step), limit]
        return [
            SampledText(
                row[0],
                row[1],
                float(row[2] or 0),
                str(row[3] or "").startswith(("http://", "https://")),
                tuple(json.loads(row[4] or "[]")),
            )
            for row in self._rows(sql, params)
        ]

    def window_top(
        self,
        keyword: str,
        since: datetime,
        until: datetime,
        column: str,
        *,
        negative: bool = False,
        limit: int = 3,
    ) -> list[tuple[str, int]]:
        """The ``column`` values (source or author) with the most of the keyword's mentions
        in the window, most first."""
        assert column in ("source", "author")
        sql = f"""SELECT m.{column}, count(*) {_window(negative)}
            AND m.{column} IS NOT NULL AND m.{column} != ''
            GROUP BY m.{column} ORDER BY 2 DESC, 1 LIMIT ?"""
        rows = self._rows(sql, [iso(since), iso(until), keyword, limit])
        return [(str(name), int(count)) for name, count in rows]

    def window_split(self, keyword: str, since: datetime, until: datetime) -> dict[str, int]:
        """How many of the keyword's mentions in the window are positive, neutral, negative
        (about the keyword: its own sentiment in each mention)."""
        sql = f"SELECT k.sentiment_label, count(*) {_window(False)} GROUP BY 1"
        rows = self._rows(sql, [iso(since), iso(until), keyword])
        return {str(label): int(count) for label, count in rows}

    def mentions_by_id(self, ids: Sequence[int]) -> list[MentionRow]:
        """The mentions of ``ids`` (a few), in that order."""
        return self._mentions_by_id(ids)
