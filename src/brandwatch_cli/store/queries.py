"""Reading stored mentions: filtered listings (streamed), search, and what a reader looks up.

Every value reaches SQLite as a parameter; only fixed fragments are formatted into SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from brandwatch_cli.models import (
    MENTION_COLUMNS,
    KeywordHit,
    MentionDetail,
    MentionFilter,
    MentionRow,
    SourceHealthRow,
    StatusChange,
)
from brandwatch_cli.store.base import iso
from brandwatch_cli.store.filters import PG_QUERY, fts_query, marks, pg_tsquery, where
from brandwatch_cli.store.stories import StoriesMixin

#: PostgreSQL: the keyword rows ``most_heard_by_keyword`` asks for first (see
#: ``_most_heard_rows``).
HEARD_PAGE = 500
_SELECT_MENTION = """
    SELECT m.id, m.source,
        (SELECT group_concat(keyword, ';') FROM (
            SELECT keyword FROM mention_keywords WHERE mention_id = m.id ORDER BY keyword
        )) AS keywords,
        m.title, m.url, m.author, m.published_at, m.fetched_at, m.language, m.sentiment,
        m.sentiment_label, m.text, m.sentiment_method, m.engagement, m.status, m.note,
        (SELECT json_group_object(keyword, json(terms)) FROM (
            SELECT keyword, terms FROM mention_keywords WHERE mention_id = m.id ORDER BY keyword
        )) AS matched_terms,
        (SELECT count(*) FROM story_copies c WHERE c.mention_id = m.id) AS copies,
        CASE WHEN m.domain IS NULL THEN 0 ELSE 1 END
            + (SELECT count(DISTINCT c.domain) FROM story_copies c
            WHERE c.mention_id = m.id AND c.domain IS NOT m.domain) AS outlets,
        (SELECT json_group_object(keyword, round(sentiment, 4)) FROM (
            SELECT keyword, sentiment FROM mention_keywords WHERE mention_id = m.id
            ORDER BY keyword
        )) AS keyword_sentiment,
        m.domain, m.source_language, coalesce(m.aspects, '{}') AS aspects, m.assignee, m.tags,
        m.relevance
    FROM mentions m
"""

#: ``_SELECT_MENTION`` for a listing of many rows (``iter_mention_rows``, then the WHERE
#: clause): each mention's keyword rows are joined once instead of read by three subqueries
#: (a quarter of an export's SQL), grouped in the order the rows come (no sort). A mention's
#: keyword rows come from the (mention_id, keyword, ...) index, in keyword order, as the
#: subqueries sort them; a mention without keywords has the subqueries' NULL and {}.
_LIST_MENTIONS = """
    SELECT m.id, m.source, group_concat(k.keyword, ';') AS keywords,
        m.title, m.url, m.author, m.published_at, m.fetched_at, m.language, m.sentiment,
        m.sentiment_label, m.text, m.sentiment_method, m.engagement, m.status, m.note,
        json_group_object(k.keyword, json(k.terms)) FILTER (WHERE k.keyword IS NOT NULL)
            AS matched_terms,
        (SELECT count(*) FROM story_copies c WHERE c.mention_id = m.id) AS copies,
        CASE WHEN m.domain IS NULL THEN 0 ELSE 1 END
            + (SELECT count(DISTINCT c.domain) FROM story_copies c
            WHERE c.mention_id = m.id AND c.domain IS NOT m.domain) AS outlets,
        json_group_object(k.keyword, round(k.sentiment, 4)) FILTER (WHERE k.keyword IS NOT NULL)
            AS keyword_sentiment,
        m.domain, m.source_language, coalesce(m.aspects, '{}') AS aspects, m.assignee, m.tags,
        m.relevance
    FROM mentions m LEFT JOIN mention_keywords k ON k.mention_id = m.id
"""

#: Up to this many full-text hits, a search starts from them and sorts them; beyond, it walks
#: the newest-first index and keeps the rows among the hits (benchmarks/listing.py measures both).
FEW_HITS = 20_000
#: A search of a word found in more than FEW_HITS mentions, for at most this many rows, first
#: asks the index about the newest mentions one by one (``_probed_hits``).
PROBED_LIMIT = 100
#: Above this many mentions in its period, ``most_negative`` walks the negative keyword rows.
MANY_MENTIONS = 20_000


def _mention(row: tuple[Any, ...]) -> MentionRow:
    return cast(MentionRow, dict(zip(MENTION_COLUMNS, row, strict=True)))


class QueriesMixin(StoriesMixin):
    """Mentions as people list, search and answer them; the names and sources stored."""

    def iter_mentions(
        self, selection: MentionFilter, limit: int | None = None
    ) -> Iterator[MentionRow]:
        """Matching mentions, newest first, one dict per row, streamed from the database.

        Rows come in the order of an index (no sort of the whole selection), except for a
        search finding fewer than ``FEW_HITS`` mentions: those few are looked up and sorted."""
        for row in self.iter_mention_rows(selection, limit):
            yield _mention(row)

    def iter_mention_rows(
        self, selection: MentionFilter, limit: int | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """``iter_mentions`` as tuples in MENTION_COLUMNS order: what an export writes."""
        few = not selection.search or self.search_hit_count(selection.search) < FEW_HITS
        if not few and limit is not None and limit <= PROBED_LIMIT:
            ids = self._probed_hits(selection, limit)
            if ids is not None:
                return iter(self._mention_rows_by_id(ids))
        clause, params = where(selection, search_first=few, postgres=self.postgres)
        if self.postgres:  # its aggregates keep no row order: the subqueries sort instead
            sql = f"{_SELECT_MENTION} {clause} ORDER BY m.mentioned_at DESC, m.id DESC"
        else:
            sql = f"""{_LIST_MENTIONS} {clause} GROUP BY m.mentioned_at, m.id
                ORDER BY m.mentioned_at DESC, m.id DESC"""
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._streamed(sql, params)

    def _probed_hits(self, selection: MentionFilter, limit: int) -> list[int] | None:
        """The ids of the first ``limit`` hits of a search of a common word, newest first,
        found by asking the full-text index about each of the selection's newest mentions in
        turn (``limit * 2 + 20`` at most); None when too few of those were hits: the word is
        not that common, and the set of its hits is the cheaper way."""
        assert selection.search
        clause, params = where(replace(selection, search=None), postgres=self.postgres)
        walk = limit * 2 + 20
        if self.postgres:  # the hit is a column of the mention there
            hit, query = f"m.search @@ {PG_QUERY}", pg_tsquery(selection.search)
        else:
            hit = """EXISTS (SELECT 1 FROM mentions_fts
                WHERE mentions_fts.rowid = m.id AND mentions_fts MATCH ?)"""
            query = fts_query(selection.search)
        sql = f"""SELECT m.id, {hit}
            FROM mentions m {clause} ORDER BY m.mentioned_at DESC, m.id DESC LIMIT ?"""
        walked = list(self._rows(sql, [query, *params, walk]))
        hits = [mention_id for mention_id, hit in walked if hit]
        if len(hits) >= limit or len(walked) < walk:  # enough, or every candidate asked
            return hits[:limit]
        return None

    def search_hit_count(self, search: str, cap: int = FEW_HITS) -> int:
        """How many mentions ``search`` finds, counted up to ``cap`` only (cheap: the index's
        first ``cap`` hits)."""
        if self.postgres:
            hits = f"SELECT 1 FROM mentions WHERE search @@ {PG_QUERY} LIMIT ?"
            query = pg_tsquery(search)
        else:
            hits = "SELECT 1 FROM mentions_fts WHERE mentions_fts MATCH ? LIMIT ?"
            query = fts_query(search)
        sql = f"SELECT count(*) FROM ({hits}) AS hits"
        return int(next(self._rows(sql, [query, cap]))[0])

    def search_hits(
        self, selection: MentionFilter, limit: int | None = None
    ) -> Iterator[MentionRow]:
        """The mentions ``selection.search`` finds, best match first (FTS5's bm25, then the
        newest), each with a ``snippet`` of its text around the words found ("[word]").
        Streamed from the database."""
        assert selection.search, "a search to rank by"
        clause, params = where(selection, postgres=self.postgres)
        if self.postgres:
            sql, params = _pg_search(clause, params, selection.search)
        else:
            sql, params = _fts_search(clause, params, selection.search)
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        for row in self._streamed(sql, params):
            mention = _mention(row[:-1])
            mention["snippet"] = row[-1]
            yield mention

    def most_negative(self, selection: MentionFilter, limit: int = 10) -> list[MentionRow]:
        """The mentions to answer first: negative about one of their keywords (one of the
        selected ones, if any), most negative about it first, then most heard, newest."""
        clause, params = where(selection, postgres=self.postgres)
        clause = f"{clause} AND" if clause else "WHERE"
        keywords = ""
        if selection.keywords:
            keywords = f" AND n.keyword IN ({marks(selection.keywords)})"
        if self._mentions_in(selection) > MANY_MENTIONS:
            return self._most_negative_overall(selection, limit)
        worst = f"""(SELECT min(n.sentiment) FROM mention_keywords n WHERE n.mention_id = m.id
            AND n.sentiment_label = 'negative'{keywords})"""
        # The order from indexes alone (sort keys only), then the few rows shown: a sort of
        # whole rows would build every candidate's columns first.
        sql = f"""SELECT m.id FROM mentions m {clause} {worst} IS NOT NULL
            ORDER BY {worst} ASC, m.interactions DESC, m.mentioned_at DESC LIMIT ?"""
        extra = list(selection.keywords)
        values = [*params, *extra, *extra, limit]
        if self.postgres:
            sql, values = _worst_once(clause, worst, params, extra, limit)
        return self._mentions_by_id([row[0] for row in self._rows(sql, values)])

    def _mentions_by_id(self, ids: Sequence[int]) -> list[MentionRow]:
        """The mentions of ``ids`` (a few), in that order."""
        return [_mention(row) for row in self._mention_rows_by_id(ids)]

    def _mention_rows_by_id(self, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """``_mentions_by_id`` as tuples in MENTION_COLUMNS order."""
        if not ids:
            return []
        rows = self._rows(f"{_SELECT_MENTION} WHERE m.id IN ({marks(ids)})", list(ids))
        found = {row[0]: row for row in rows}
        return [found[mention_id] for mention_id in ids if mention_id in found]

    def _most_negative_overall(self, selection: MentionFilter, limit: int) -> list[MentionRow]:
        """``most_negative`` for a period of many mentions: the negative keyword rows, most
        negative first (``mention_keywords_negative``), until ``limit`` mentions of the
        selection are found. A mention's first row is its most negative."""
        clause, params = where(selection, postgres=self.postgres)
        clause = f"{clause} AND" if clause else "WHERE"
        keywords = ""
        if selection.keywords:
            keywords = f" AND n.keyword IN ({marks(selection.keywords)})"
        select = _SELECT_MENTION.replace(
            "    FROM mentions m\n",
            " FROM mention_keywords n INDEXED BY mention_keywords_negative"
            " CROSS JOIN mentions m ON m.id = n.mention_id\n",
        )
        sql = f"""{select} {clause} n.sentiment_label = 'negative'{keywords}
            ORDER BY n.sentiment ASC, m.interactions DESC, m.mentioned_at DESC"""
        params = [*params, *selection.keywords]
        if self.postgres:
            return self._most_negative_pages(sql, params, limit)
        found: dict[int, MentionRow] = {}
        for row in self._rows(sql, params):
            found.setdefault(row[0], _mention(row))
            if len(found) == limit:
                break
        return list(found.values())

    def _most_negative_pages(self, sql: str, params: list[Any], limit: int) -> list[MentionRow]:
        """PostgreSQL's ``_most_negative_overall``: psycopg receives a whole result before its
        first row, so stopping early saves nothing; a LIMIT does (the index walked most
        negative first, each row's keywords and copies computed for the rows returned only).
        A mention has one row per negative keyword: pages grow until ``limit`` are found."""
        rows = limit
        while True:
            found: dict[int, MentionRow] = {}
            got = 0
            for row in self._rows(f"{sql} LIMIT ?", [*params, rows]):
                got += 1
                found.setdefault(row[0], _mention(row))
                if len(found) == limit:
                    return list(found.values())
            if got < rows:
                return list(found.values())
            rows *= 4

    def _mentions_in(self, selection: MentionFilter) -> int:
        """How many mentions the selection's period holds (up to MANY_MENTIONS + 1), from the
        time index alone: what tells a short period (sort its mentions) from a long one."""
        if selection.by_fetch or selection.since is None:
            return 0
        clause, params = where(
            MentionFilter(since=selection.since, until=selection.until), postgres=self.postgres
        )
        # PostgreSQL's planner otherwise walks ``mentions_fetched`` (it holds both columns) from
        # its first entry, guessing the period's mentions spread over it: they are its last
        # (a month at 1M: 157 ms, against 69 ms in time order)
        order = " ORDER BY m.mentioned_at" if self.postgres else ""
        sql = f"SELECT count(*) FROM (SELECT 1 FROM mentions m {clause}{order} LIMIT ?)"
        return int(next(self._rows(sql, [*params, MANY_MENTIONS + 1]))[0])

    def most_heard(self, selection: MentionFilter, limit: int = 5) -> list[MentionRow]:
        """The mentions with the most interactions (points, likes, reblogs...), then the newest."""
        clause, params = where(selection, postgres=self.postgres)
        sql = f"""{_SELECT_MENTION} {clause}
            ORDER BY m.interactions DESC, m.mentioned_at DESC LIMIT ?"""
        return [_mention(row) for row in self._rows(sql, [*params, limit])]

    def most_heard_by_keyword(
        self, selection: MentionFilter, keywords: Sequence[str], limit: int = 5
    ) -> dict[str, list[MentionRow]]:
        """``most_heard`` of each keyword (the selection narrowed to it) in one read of the
        selection, instead of one per keyword: a digest asks it for every keyword.

        The selection's keyword rows come most heard first (sort keys only) and are taken
        until every keyword has ``limit``: usually within the first few dozen."""
        clause, params = where(replace(selection, keywords=()), postgres=self.postgres)
        clause = f"{clause} AND" if clause else "WHERE"
        # "+": one read of each mention's keyword rows, not one probe per wanted keyword.
        sql = f"""SELECT k.keyword, m.id
            FROM mentions m CROSS JOIN mention_keywords k ON k.mention_id = m.id
            {clause} +k.keyword IN ({marks(keywords)})
            ORDER BY m.interactions DESC, m.mentioned_at DESC, m.id DESC"""
        chosen: dict[str, list[int]] = {name: [] for name in keywords}
        wanting = {name for name in keywords if limit > 0}
        for name, mention_id in self._most_heard_rows(sql, [*params, *keywords]):
            if name in wanting:
                chosen[name].append(mention_id)
                if len(chosen[name]) == limit:
                    wanting.discard(name)
                    if not wanting:
                        break
        rows = self._mentions_by_id(sorted({i for ids in chosen.values() for i in ids}))
        by_id = {row["id"]: row for row in rows}
        return {name: [by_id[i] for i in ids if i in by_id] for name, ids in chosen.items()}

    def _most_heard_rows(self, sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
        """``most_heard_by_keyword``'s rows, most heard first. PostgreSQL sends a whole result
        before its first row (a day's 20,000 keyword rows, sorted, for the first few dozen):
        it is asked for the first ``HEARD_PAGE`` rows, and for all only when they fall short."""
        if not self.postgres:
            yield from self._rows(sql, params)
            return
        page = list(self._rows(f"{sql} LIMIT ?", [*params, HEARD_PAGE]))
        yield from page
        if len(page) == HEARD_PAGE:  # rows of equal keys may come in another order: skipped
            seen = set(page)
            yield from (row for row in self._rows(sql, params) if row not in seen)

    def stored_span(self) -> tuple[int, str | None, str | None]:
        """How many mentions are stored, and when the oldest and newest were mentioned (ISO
        8601 UTC): what an empty report can point to."""
        row = next(
            self._rows("SELECT count(*), min(mentioned_at), max(mentioned_at) FROM mentions")
        )
        return int(row[0]), row[1], row[2]

    def mention(self, mention_id: int) -> MentionDetail | None:
        """Everything stored about one mention (``show``); None when no mention has that id."""
        row = next(self._rows(f"{_SELECT_MENTION} WHERE m.id = ?", [mention_id]), None)
        if row is None:
            return None
        declared = self._rows("SELECT source_language FROM mentions WHERE id = ?", [mention_id])
        return MentionDetail(
            mention=_mention(row),
            keywords=tuple(self.keyword_hits(mention_id)),
            copies=tuple(self.copies_of(mention_id)),
            history=tuple(self.status_history(mention_id)),
            source_language=next(declared)[0],
        )

    def keyword_hits(self, mention_id: int) -> list[KeywordHit]:
        """A mention's keywords by name: terms matched, where, and the keyword's own sentiment
        when this database keeps one per keyword (a ``sentiment`` column, and its label)."""
        columns = self._columns("mention_keywords")
        scored = [c if c in columns else "NULL" for c in ("sentiment", "sentiment_label")]
        rows = self._rows(
            f"SELECT keyword, terms, fields, {', '.join(scored)} FROM mention_keywords"
            " WHERE mention_id = ? ORDER BY keyword",
            [mention_id],
        )
        return [
            KeywordHit(
                keyword=keyword,
                terms=tuple(json.loads(terms or "[]")),
                fields=tuple(f for f in (fields or "").split(",") if f),
                sentiment=sentiment,
                sentiment_label=label,
            )
            for keyword, terms, fields, sentiment, label in rows
        ]

    def status_history(self, mention_id: int) -> list[StatusChange]:
        """Every action of every ``mark`` of a mention, oldest first (the history starts at the
        first mark)."""
        rows = self._rows(
            "SELECT status, note, at, by, what, value FROM status_history WHERE mention_id = ?"
            " ORDER BY id",
            [mention_id],
        )
        return [StatusChange(*row) for row in rows]

    def stored_keywords(self) -> list[str]:
        """Every keyword name stored, in order: one seek of the (keyword, mention_id) key per
        name, not a read of every keyword row (``DISTINCT`` read all of them: a tenth of a
        10-day export at a million mentions, as every listing checks ``--keyword``)."""
        sql = """WITH RECURSIVE names(name) AS (
                SELECT min(keyword) FROM mention_keywords
                UNION ALL
                SELECT (SELECT min(keyword) FROM mention_keywords WHERE keyword > names.name)
                FROM names WHERE names.name IS NOT NULL)
            SELECT name FROM names WHERE name IS NOT NULL"""
        return [row[0] for row in self._rows(sql)]

    def stored_sources(self) -> list[str]:
        """Sources ever scanned or holding mentions (one renamed in the config still has rows)."""
        sql = "SELECT source FROM source_state UNION SELECT DISTINCT source FROM mentions"
        return [row[0] for row in self._rows(sql)]

    def source_health(self, since: datetime) -> dict[str, SourceHealthRow]:
        """Per source name: its stored state, mentions stored, mentions since ``since``, ETag
        held. Three reads joined here (one per table, mentions counted in one pass): per-source
        subqueries cost more than reading every state at 5,000 sources."""
        counts = {
            source: (mentions, recent)
            for source, mentions, recent in self._rows(
                "SELECT source, count(*), sum(mentioned_at >= ?) FROM mentions GROUP BY source",
                [iso(since)],
            )
        }
        etags = {
            source
            for (source,) in self._rows("SELECT source FROM http_cache WHERE etag IS NOT NULL")
        }
        health: dict[str, SourceHealthRow] = {}
        for row in self._dicts(
            "SELECT source, type, last_attempt, last_success, status, last_error, failures,"
            " next_attempt, moved_to FROM source_state"
        ):
            source = row["source"]
            row["etag"] = int(source in etags)
            row["mentions"], row["recent"] = counts.get(source, (0, 0))
            health[source] = cast(SourceHealthRow, row)
        for source, (mentions, recent) in counts.items():
            if source not in health:
                health[source] = {"source": source, "mentions": mentions, "recent": recent}
        return health


def _fts_search(clause: str, params: list[Any], search: str) -> tuple[str, list[Any]]:
    """SQLite: FTS5's hits, ranked by bm25, with FTS5's snippet."""
    select = _SELECT_MENTION.replace(
        "    FROM mentions m\n",
        "    , snippet(mentions_fts, -1, '[', ']', '…', 16)"
        " FROM mentions m JOIN mentions_fts ON mentions_fts.rowid = m.id\n",
    )
    match = "mentions_fts MATCH ?"
    clause = f"{clause} AND {match}" if clause else f"WHERE {match}"
    sql = f"{select} {clause} ORDER BY bm25(mentions_fts), m.mentioned_at DESC, m.id DESC"
    return sql, [*params, fts_query(search)]


def _pg_search(clause: str, params: list[Any], search: str) -> tuple[str, list[Any]]:
    """PostgreSQL: the ``search`` column's hits (``clause`` holds the match), ranked by
    ``ts_rank_cd``, with ``ts_headline``'s snippet of the title where it matches (as FTS5's
    snippet picks the best column), else of the text."""
    select = _SELECT_MENTION.replace(
        "    FROM mentions m\n",
        "    , ts_headline('simple', CASE WHEN m.text = '' OR setweight(to_tsvector('simple',"
        f" bw_fold(m.title)), 'A') @@ {PG_QUERY} THEN m.title ELSE m.text END, {PG_QUERY},"
        " 'StartSel=[, StopSel=], MaxWords=16, MinWords=6, FragmentDelimiter=…')"
        " FROM mentions m\n",
    )
    rank = f"ts_rank_cd(m.search, {PG_QUERY}) DESC"
    sql = f"{select} {clause} ORDER BY {rank}, m.mentioned_at DESC, m.id DESC"
    query = pg_tsquery(search)
    return sql, [query, query, *params, query]


def _worst_once(
    clause: str, worst: str, params: list[Any], extra: list[Any], limit: int
) -> tuple[str, list[Any]]:
    """``most_negative``'s read for PostgreSQL, which would run the ``worst`` subquery twice
    a row (the filter, then the sort key: 0.47 s for a day's 16,700 mentions at a million);
    ``OFFSET 0`` keeps the inner query whole, so each row's is computed once."""
    inner = clause.removesuffix(" AND") if clause != "WHERE" else ""
    sql = f"""SELECT w.id FROM (SELECT m.id, {worst} AS worst, m.interactions, m.mentioned_at
            FROM mentions m {inner} OFFSET 0) w WHERE w.worst IS NOT NULL
        ORDER BY w.worst ASC, w.interactions DESC, w.mentioned_at DESC LIMIT ?"""
    return sql, [*extra, *params, limit]
