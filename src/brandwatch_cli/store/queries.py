"""Reading stored mentions: filtered listings (streamed) and the aggregates reports need.

Every value reaches SQLite as a parameter; only fixed fragments are formatted into SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from brandwatch_cli.models import MENTION_COLUMNS
from brandwatch_cli.store.mentions import MentionStore, iso

_SELECT_MENTION = """
    SELECT m.id, m.source,
        (SELECT group_concat(keyword, ';') FROM (
            SELECT keyword FROM mention_keywords WHERE mention_id = m.id ORDER BY keyword
        )) AS keywords,
        m.title, m.url, m.author, m.published_at, m.fetched_at, m.language, m.sentiment,
        m.sentiment_label, m.text, m.sentiment_method, m.engagement, m.status, m.note
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
    statuses: tuple[str, ...] = ()
    #: SQLite FTS5 query over title, text and author.
    search: str | None = None
    #: Bound ``fetched_at`` instead of ``mentioned_at``: what arrived, not what was published.
    by_fetch: bool = False
    #: Only mentions stored after ``after_id`` and up to ``up_to_id`` (ids only grow).
    after_id: int | None = None
    up_to_id: int | None = None

    def where(self) -> tuple[str, list[Any]]:
        """A WHERE clause over ``mentions m`` and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        moment = "m.fetched_at" if self.by_fetch else "m.mentioned_at"
        if self.since is not None:
            clauses.append(f"{moment} >= ?")
            params.append(iso(self.since))
        if self.until is not None:
            clauses.append(f"{moment} < ?")
            params.append(iso(self.until))
        if self.after_id is not None:
            clauses.append("m.id > ?")
            params.append(self.after_id)
        if self.up_to_id is not None:
            clauses.append("m.id <= ?")
            params.append(self.up_to_id)
        if self.statuses:
            clauses.append(f"m.status IN ({_marks(self.statuses)})")
            params.extend(self.statuses)
        if self.search:
            clauses.append("m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)")
            params.append(fts_query(self.search))
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


_FTS_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


def fts_query(text: str) -> str:
    """A user's search as an FTS5 query: plain words are quoted (so ``e-mail`` or ``l'appli``
    search themselves instead of tripping FTS5's syntax), while ``"phrases"``, ``AND``/``OR``/
    ``NOT``, ``prefix*``, parentheses and ``NEAR(a b, 10)`` keep their FTS5 meaning. A comma
    outside NEAR is only punctuation ("colis perdu, remboursement"). An unbalanced quote is
    left for FTS5 to report."""
    if text.count('"') % 2:
        return text
    parts: list[str] = []
    depth = 0  # parentheses open inside the innermost NEAR(, or 0 outside any NEAR
    for piece in _FTS_TOKEN.findall(text):
        if piece == "NEAR(":
            depth = 1
        elif piece == "(" and depth:
            depth += 1
        elif piece == ")" and depth:
            depth -= 1
        if piece == "," and not depth:
            continue
        bare = (
            piece.startswith('"')
            or piece in _FTS_OPERATORS
            or piece in ("NEAR(", "(", ")", ",")
            or (piece.endswith("*") and piece[:-1].isalnum())
            or (piece.isdigit() and parts[-1:] == [","])  # NEAR's distance
        )
        parts.append(piece if bare else f'"{piece}"')
    return " ".join(parts)


#: Phrases, NEAR groups, parentheses, commas, and words (anything else up to those).
_FTS_TOKEN = re.compile(r'"[^"]*"|NEAR\(|[(),]|[^\s"(),]+')


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


def most_negative(
    store: MentionStore, selection: MentionFilter, limit: int = 10
) -> list[dict[str, Any]]:
    """The negative mentions to answer first: most negative, most heard, newest."""
    where, params = selection.where()
    where = f"{where} AND" if where else "WHERE"
    sql = f"""{_SELECT_MENTION} {where} m.sentiment_label = 'negative'
        ORDER BY m.sentiment ASC, m.interactions DESC, m.mentioned_at DESC LIMIT ?"""
    rows = store.rows(sql, [*params, limit])
    return [dict(zip(MENTION_COLUMNS, row, strict=True)) for row in rows]


def most_heard(
    store: MentionStore, selection: MentionFilter, limit: int = 5
) -> list[dict[str, Any]]:
    """The mentions with the most interactions (points, likes, reblogs...), then the newest."""
    where, params = selection.where()
    sql = f"""{_SELECT_MENTION} {where}
        ORDER BY m.interactions DESC, m.mentioned_at DESC LIMIT ?"""
    rows = store.rows(sql, [*params, limit])
    return [dict(zip(MENTION_COLUMNS, row, strict=True)) for row in rows]


def stored_keywords(store: MentionStore) -> list[str]:
    return [row[0] for row in store.rows("SELECT DISTINCT keyword FROM mention_keywords")]


def stored_sources(store: MentionStore) -> list[str]:
    """Sources ever scanned or holding mentions (one renamed in the config still has rows)."""
    sql = "SELECT source FROM source_state UNION SELECT DISTINCT source FROM mentions"
    return [row[0] for row in store.rows(sql)]


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
