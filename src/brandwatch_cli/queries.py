"""Reading stored mentions: filtered listings (streamed) and the aggregates reports need.

Every value reaches SQLite as a parameter; only fixed fragments are formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from brandwatch_cli.store import MentionStore, iso

#: Columns of ``mentions`` / ``export``, in order. Scripts rely on this order: append only.
MENTION_COLUMNS = (
    "id",
    "source",
    "keywords",
    "title",
    "url",
    "author",
    "published_at",
    "fetched_at",
    "language",
    "sentiment",
    "sentiment_label",
    "text",
    "sentiment_method",
    "engagement",
)

_SELECT_MENTION = """
    SELECT m.id, m.source,
        (SELECT group_concat(keyword, ';') FROM (
            SELECT keyword FROM mention_keywords WHERE mention_id = m.id ORDER BY keyword
        )) AS keywords,
        m.title, m.url, m.author, m.published_at, m.fetched_at, m.language, m.sentiment,
        m.sentiment_label, m.text, m.sentiment_method, m.engagement
    FROM mentions m
"""


@dataclass(frozen=True)
class MentionFilter:
    """Which mentions a listing, export or report covers. Empty tuples mean "all"."""

    since: datetime | None = None
    until: datetime | None = None
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    sentiment: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """A WHERE clause over ``mentions m`` and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.since is not None:
            clauses.append("m.mentioned_at >= ?")
            params.append(iso(self.since))
        if self.until is not None:
            clauses.append("m.mentioned_at < ?")
            params.append(iso(self.until))
        if self.sources:
            clauses.append(f"m.source IN ({_marks(self.sources)})")
            params.extend(self.sources)
        if self.sentiment:
            clauses.append("m.sentiment_label = ?")
            params.append(self.sentiment)
        if self.keywords:
            clauses.append(
                "EXISTS (SELECT 1 FROM mention_keywords f WHERE f.mention_id = m.id"
                f" AND f.keyword IN ({_marks(self.keywords)}))"
            )
            params.extend(self.keywords)
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def iter_mentions(
    store: MentionStore, selection: MentionFilter, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """Matching mentions, newest first, one dict per row, streamed from the database."""
    where, params = selection.where()
    sql = f"{_SELECT_MENTION} {where} ORDER BY m.mentioned_at DESC, m.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    for row in store.rows(sql, params):
        yield dict(zip(MENTION_COLUMNS, row, strict=True))


def count_mentions(store: MentionStore, selection: MentionFilter) -> int:
    where, params = selection.where()
    return int(next(store.rows(f"SELECT count(*) FROM mentions m {where}", params))[0])


def keyword_stats(store: MentionStore, selection: MentionFilter) -> list[dict[str, Any]]:
    """Per keyword: mentions, positive/neutral/negative counts and average sentiment."""
    where, params = selection.where()
    keyword_clause = ""
    if selection.keywords:
        keyword_clause = (
            " AND " if where else "WHERE "
        ) + f"k.keyword IN ({_marks(selection.keywords)})"
        params.extend(selection.keywords)
    sql = f"""
        SELECT k.keyword, count(*) AS mentions,
            sum(m.sentiment_label = 'positive') AS positive,
            sum(m.sentiment_label = 'neutral') AS neutral,
            sum(m.sentiment_label = 'negative') AS negative,
            avg(m.sentiment) AS average
        FROM mention_keywords k JOIN mentions m ON m.id = k.mention_id
        {where}{keyword_clause}
        GROUP BY k.keyword ORDER BY mentions DESC, k.keyword
    """
    return store.dicts(sql, params)


def daily_counts(store: MentionStore, selection: MentionFilter) -> list[dict[str, Any]]:
    """Mentions per UTC day, with how many were negative."""
    where, params = selection.where()
    sql = f"""
        SELECT substr(m.mentioned_at, 1, 10) AS day, count(*) AS mentions,
            sum(m.sentiment_label = 'negative') AS negative
        FROM mentions m {where} GROUP BY day ORDER BY day
    """
    return store.dicts(sql, params)


def top_sources(
    store: MentionStore, selection: MentionFilter, limit: int = 10
) -> list[dict[str, Any]]:
    where, params = selection.where()
    sql = f"""
        SELECT m.source, count(*) AS mentions, avg(m.sentiment) AS average,
            sum(m.sentiment_label = 'negative') AS negative
        FROM mentions m {where} GROUP BY m.source ORDER BY mentions DESC, m.source LIMIT ?
    """
    return store.dicts(sql, [*params, limit])


def most_negative(
    store: MentionStore, selection: MentionFilter, limit: int = 10
) -> list[dict[str, Any]]:
    """The negative mentions to answer first: most negative, then newest."""
    where, params = selection.where()
    where = f"{where} AND" if where else "WHERE"
    sql = f"""{_SELECT_MENTION} {where} m.sentiment_label = 'negative'
        ORDER BY m.sentiment ASC, m.mentioned_at DESC LIMIT ?"""
    rows = store.rows(sql, [*params, limit])
    return [dict(zip(MENTION_COLUMNS, row, strict=True)) for row in rows]


def stored_keywords(store: MentionStore) -> list[str]:
    return [row[0] for row in store.rows("SELECT DISTINCT keyword FROM mention_keywords")]


def source_health(store: MentionStore, since: datetime) -> dict[str, dict[str, Any]]:
    """Per source name: its stored state, mentions stored, mentions since ``since``, ETag held."""
    rows = store.dicts(
        """
        SELECT s.source, s.type, s.last_attempt, s.last_success, s.status, s.last_error,
            s.failures, s.next_attempt, s.moved_to,
            EXISTS (SELECT 1 FROM http_cache h WHERE h.source = s.source AND h.etag IS NOT NULL)
                AS etag,
            (SELECT count(*) FROM mentions m WHERE m.source = s.source) AS mentions,
            (SELECT count(*) FROM mentions m WHERE m.source = s.source AND m.mentioned_at >= ?)
                AS recent
        FROM source_state s
        """,
        [iso(since)],
    )
    health = {row["source"]: row for row in rows}
    for row in store.dicts(
        "SELECT source, count(*) AS mentions, sum(mentioned_at >= ?) AS recent"
        " FROM mentions GROUP BY source",
        [iso(since)],
    ):
        health.setdefault(row["source"], {"source": row["source"], **row})
    return health
