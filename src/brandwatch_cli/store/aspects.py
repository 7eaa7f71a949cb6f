"""What mentions say of each aspect, grouped by keyword: the report's aspects section.

Reads ``mention_aspects`` (``store.aspecttables``) joined to the mentions a filter selects and
to their keywords; a mention naming two keywords counts for both, as in share of voice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypedDict

from brandwatch_cli.models import MentionFilter, MentionRow
from brandwatch_cli.store.base import iso
from brandwatch_cli.store.filters import keyword_row_bounds, marks, on_keyword_rows, where
from brandwatch_cli.store.queries import QueriesMixin
from brandwatch_cli.store.schema_aspect_summary import (
    NEGATIVE,
    POSITIVE,
    aspect_sums,
    with_aspects,
)
from brandwatch_cli.store.stats import StatsMixin

#: An example: keyword, aspect, mention id, sentiment, whether it is praise.
Example = tuple[str, str, int, float, bool]


class AspectCountsRow(TypedDict):
    keyword: str
    aspect: str
    mentions: int
    positive: int
    negative: int
    average: float | None


class AspectsMixin(QueriesMixin, StatsMixin):
    """Aspects per keyword over a selection of mentions, and whether an aspect is stored."""

    def _aspect_rows(
        self, selection: MentionFilter, keywords: Sequence[str]
    ) -> tuple[str, list[Any]]:
        """The FROM and WHERE of a selection's (keyword, aspect, mention) rows.

        A period running to about now (a report's) is read from the aspect rows of the ids it
        can hold (``first_id``), each looked up in its mention: what costs is the period's
        aspects, not its mentions (a period of mentions naming none cost 0.7 s at 1M, each
        mention looked up among the aspects for nothing). Other periods are read in this
        order: their mentions by the time index, then their aspects (started from the aspects,
        an old month would read every later one). Keywords last, either way."""
        clause, params = where(selection, postgres=self.postgres)
        named = f"k.keyword IN ({marks(keywords)})"
        clause = f"{clause} AND {named}" if clause else f"WHERE {named}"
        params += keywords
        if self._recent(selection):
            first = self.first_id([selection])
            if self.postgres and not selection.keywords and on_keyword_rows(selection):
                return _keyword_rows(selection, keywords, first)
            sql = f"""FROM mention_aspects a CROSS JOIN mentions m ON m.id = a.mention_id
                CROSS JOIN mention_keywords k ON k.mention_id = m.id {clause}
                AND a.mention_id >= ?"""
            return sql, [*params, first]
        # CROSS JOIN: SQLite keeps this order
        return f"FROM {with_aspects('mentions m')} {clause}", params

    def _recent(self, selection: MentionFilter) -> bool:
        """Whether what was fetched after ``selection``'s period spans no longer than it: the
        ids from its first on are then mostly its own."""
        if selection.since is None or selection.until is None:
            return True
        newest = next(self._rows("SELECT max(fetched_at) FROM mentions"))[0]
        return newest is None or newest <= iso(
            selection.until + (selection.until - selection.since)
        )

    def aspect_counts(
        self, selection: MentionFilter, keywords: Sequence[str]
    ) -> list[AspectCountsRow]:
        """Per keyword and aspect: mentions, positive and negative ones, average sentiment.
        When the summary can answer for the selection, its whole days and quarter hours come
        from it (``store.schema_aspect_summary``), only the ragged edges from the aspect
        rows."""
        if not keywords:
            return []
        named = f"k.keyword IN ({marks(keywords)})"
        with self.period_view(selection) as view:
            days, quarters, edges = view.summary_parts()
            if days is None and not quarters:
                rows, params = self._aspect_rows(selection, keywords)
                selects = [aspect_sums("''", rows)]
            else:
                selects, params = [], []
                spans = [("summary_aspect_days", "day", days)] if days else []
                spans += [("summary_aspects", "bucket", span) for span in quarters]
                for table, column, span in spans:
                    selects.append(
                        f"""SELECT {column}, keyword, aspect, mentions, positive, negative,
                        sentiment_sum FROM {table} WHERE {column} >= ? AND {column} < ?
                        AND keyword IN ({marks(keywords)})"""
                    )
                    params += [*span, *keywords]
                for clause, values in edges:
                    joined = f"{clause} AND {named}" if clause else f"WHERE {named}"
                    selects.append(aspect_sums("''", f"FROM {with_aspects('mentions m')} {joined}"))
                    params += [*values, *keywords]
            union = " UNION ALL ".join(selects)
            sql = f"""SELECT keyword, aspect, sum(mentions), sum(positive), sum(negative),
                sum(sentiment_sum) FROM ({union}) AS parts
                GROUP BY keyword, aspect ORDER BY keyword, aspect"""
            found = list(self._rows(sql, params))
        return [
            AspectCountsRow(
                keyword=keyword,
                aspect=aspect,
                mentions=int(mentions),
                positive=int(positive or 0),
                negative=int(negative or 0),
                average=_average(total, mentions),
            )
            for keyword, aspect, mentions, positive, negative, total in found
        ]

    def aspect_examples(
        self,
        selection: MentionFilter,
        keywords: Sequence[str],
        per_side: int = 2,
        counts: Sequence[AspectCountsRow] | None = None,
    ) -> dict[tuple[str, str], tuple[list[MentionRow], list[MentionRow]]]:
        """Per (keyword, aspect): the ``per_side`` mentions that say the best of it (positive
        ones only, best first) and the worst (negative ones, worst first); newest on ties.

        With ``counts`` (``aspect_counts`` of the same selection), a period running to about
        now is read from both ends of each aspect's scale (``_walked``) instead of ranking all
        of its rows: a month's section ranked 125,000 rows at 1M mentions for 100 examples.
        On PostgreSQL, whose client receives a query's whole result before its first row (a
        walk read from the client cannot stop early: 3-6 s at 1M), the walks run in the
        server (``_walked_in_server``)."""
        if not keywords:
            return {}
        if counts is None or not self._recent(selection):
            found = self._ranked(selection, keywords, per_side)
        elif not self.postgres:
            found = self._walked(selection, counts, per_side)
        elif _walkable(selection) and self._walk_pays(counts, per_side):
            found = self._walked_in_server(selection, counts, per_side)
        else:
            found = self._ranked(selection, keywords, per_side)
        by_id = {row["id"]: row for row in self._mentions_by_id([r[2] for r in found])}
        result: dict[tuple[str, str], tuple[list[MentionRow], list[MentionRow]]] = {}
        for keyword, aspect, mention_id, _, praise in found:
            praised, blamed = result.setdefault((keyword, aspect), ([], []))
            if mention_id in by_id:
                (praised if praise else blamed).append(by_id[mention_id])
        for _, blamed in result.values():
            blamed.reverse()  # worst first
        return result

    def _ranked(
        self, selection: MentionFilter, keywords: Sequence[str], per_side: int
    ) -> list[Example]:
        """The ``per_side`` best and worst rows of each (keyword, aspect), in the order
        examples are shown, ranked over all of the selection's aspect rows."""
        rows, params = self._aspect_rows(selection, keywords)
        order = "PARTITION BY k.keyword, a.aspect ORDER BY a.sentiment {}, a.mention_id DESC"
        if self.postgres:
            sql, params = _ranked_sides(rows, order), [*params, *params, per_side]
        else:
            sql = f"""SELECT keyword, aspect, mention_id, sentiment,
                    best <= ? AND sentiment >= {POSITIVE}
                FROM (SELECT k.keyword, a.aspect, a.mention_id, a.sentiment,
                    row_number() OVER ({order.format("DESC")}) AS best,
                    row_number() OVER ({order.format("ASC")}) AS worst {rows}) AS ranked
                WHERE (best <= ? AND sentiment >= {POSITIVE})
                    OR (worst <= ? AND sentiment <= {NEGATIVE})
                ORDER BY keyword, aspect, sentiment DESC, mention_id DESC"""
            params = [per_side, *params, per_side, per_side]
        return [
            (keyword, aspect, int(mention_id), float(sentiment), bool(praise))
            for keyword, aspect, mention_id, sentiment, praise in self._rows(sql, params)
        ]

    def _walked(
        self, selection: MentionFilter, counts: Sequence[AspectCountsRow], per_side: int
    ) -> list[Example]:
        """``_ranked``'s rows, read per aspect from the top of its scale down (praise) and from
        the bottom up (complaints) by ``mention_aspects_sentiment``, each row's mention and
        keyword checked against the selection, until every keyword has its examples: as many
        as ``counts`` says the period holds, up to ``per_side``, rows tied with the last one
        read too (ties go to the newest)."""
        clause, params = where(selection, postgres=self.postgres)
        clause = clause.replace("WHERE ", "AND ", 1)
        found: list[Example] = []
        for aspect in sorted({row["aspect"] for row in counts}):
            for praise in (True, False):
                wanted = {
                    row["keyword"]: min(per_side, row["positive" if praise else "negative"])
                    for row in counts
                    if row["aspect"] == aspect
                }
                wanted = {keyword: count for keyword, count in wanted.items() if count > 0}
                if not wanted:
                    continue
                condition = f">= {POSITIVE}" if praise else f"<= {NEGATIVE}"
                sql = f"""SELECT k.keyword, a.mention_id, a.sentiment
                    FROM mention_aspects a INDEXED BY mention_aspects_sentiment
                    CROSS JOIN mentions m ON m.id = a.mention_id
                    CROSS JOIN mention_keywords k ON k.mention_id = m.id
                    WHERE a.aspect = ? AND a.sentiment {condition}
                        AND k.keyword IN ({marks(list(wanted))}) {clause}
                    ORDER BY a.sentiment {"DESC" if praise else "ASC"}"""
                taken = _taken(self._rows(sql, [aspect, *wanted, *params]), wanted)
                for keyword, rows in taken.items():
                    rows.sort(key=lambda r: (-r[1] if praise else r[1], -r[0]))
                    found += [(keyword, aspect, i, score, praise) for i, score in rows[:per_side]]
        found.sort(key=lambda r: (r[0], r[1], -r[3], -r[2]))
        return found

    def _walk_pays(self, counts: Sequence[AspectCountsRow], per_side: int = 2) -> bool:
        """Whether walking each aspect's scale (``_walked_in_server``) should read fewer rows
        than ranking the period's (as many as ``counts`` sums). A walk reads every keyword's
        rows of its aspect and side, of all times, until it finds its ``per_side``: about
        ``per_side`` x (the aspect side's rows) / (the keyword's rows there in the period),
        the aspect side's rows being the period's scaled by the table's size (planner
        statistics) over the period's. A long period (a month of a year) walks a few dozen
        rows per aspect; a day of two months walked 600 each, 4x slower than ranking."""
        ranked = sum(row["mentions"] for row in counts)
        (table,) = next(
            self._rows("SELECT reltuples FROM pg_class WHERE oid = 'mention_aspects'::regclass")
        )
        if not ranked or not table or table <= 0:
            return False
        scale = max(1.0, float(table) / ranked)
        walked = 0.0
        for side in ("positive", "negative"):
            per_aspect: dict[str, int] = {}
            for row in counts:
                per_aspect[row["aspect"]] = per_aspect.get(row["aspect"], 0) + row[side]
            for row in counts:
                if row[side]:
                    wanted = min(per_side, row[side])
                    walked += wanted * per_aspect[row["aspect"]] * scale / row[side]
        return walked < ranked

    def _walked_in_server(
        self, selection: MentionFilter, counts: Sequence[AspectCountsRow], per_side: int
    ) -> list[Example]:
        """``_walked`` on PostgreSQL, for a recent period bounded by times and ids alone: each
        (keyword, aspect, side) is a LATERAL subquery walking ``mention_aspects_sentiment``
        from its end of the scale, each row's keyword row checked for the period (its own
        times, ``m021_keyword_times``), and stopped by its LIMIT in the server: a few dozen
        index entries each, where ranking a month's 125,000 aspect rows took 2.2 s at 1M.
        Ties: the index holds (aspect, sentiment, mention_id), so praise read backwards is
        already newest first on a tie; complaints' ties are sorted within their sentiment
        (an incremental sort). No ``first_id``: the keyword rows' times bound the period, and
        finding it (a walk of the fetch index, 0.1-0.3 s at 1M) cost more than the walks."""
        sides: list[str] = []
        params: list[Any] = []
        for praise in (True, False):
            wanted = [
                (
                    row["keyword"],
                    row["aspect"],
                    min(per_side, row["positive" if praise else "negative"]),
                )
                for row in counts
            ]
            wanted = [pair for pair in wanted if pair[2] > 0]
            if not wanted:
                continue
            rows, rows_params = _keyword_rows(selection, sorted({w[0] for w in wanted}), 0)
            pairs = ", ".join(f"(?, ?, {int(count)})" for _, _, count in wanted)
            condition = f">= {POSITIVE}" if praise else f"<= {NEGATIVE}"
            sides.append(
                f"""SELECT w.keyword, w.aspect, x.mention_id, x.sentiment, {str(praise).upper()}
                FROM (VALUES {pairs}) AS w (keyword, aspect, wanted) CROSS JOIN LATERAL (
                    SELECT a.mention_id, a.sentiment {rows} AND a.aspect = w.aspect
                        AND k.keyword = w.keyword AND a.sentiment {condition}
                    ORDER BY a.sentiment {"DESC" if praise else "ASC"}, a.mention_id DESC
                    LIMIT w.wanted) AS x"""
            )
            params += [value for keyword, aspect, _ in wanted for value in (keyword, aspect)]
            params += rows_params
        if not sides:
            return []
        found = [
            (str(keyword), str(aspect), int(mention_id), float(sentiment), bool(praise))
            for keyword, aspect, mention_id, sentiment, praise in self._rows(
                " UNION ALL ".join(sides), params
            )
        ]
        found.sort(key=lambda r: (r[0], r[1], -r[3], -r[2]))
        return found

    def has_aspect(self, name: str) -> bool:
        """Whether any stored mention talks about the aspect ``name``."""
        rows = self._rows("SELECT 1 FROM mention_aspects WHERE aspect = ? LIMIT 1", [name])
        return next(rows, None) is not None


def _walkable(selection: MentionFilter) -> bool:
    """Whether ``_walked_in_server`` can read ``selection``: bounded by times and ids alone."""
    return not selection.keywords and on_keyword_rows(selection)


def _keyword_rows(
    selection: MentionFilter, keywords: Sequence[str], first_id: int
) -> tuple[str, list[Any]]:
    """``_aspect_rows`` on PostgreSQL for a recent period bounded by times and ids alone: the
    aspect rows from ``first_id`` on, joined to their keyword rows, whose own times
    (``m021_keyword_times``) bound the period, so no mention row is read (a week's 29,000
    aspect rows each read their mention's row to test its time and noise flag: 200,000
    buffers, where these indexes take 2,000). The noise bucket is read once, as a set."""
    bounds, bound_params = keyword_row_bounds(selection, ids="a.mention_id")
    clauses = [f"k.keyword IN ({marks(keywords)})", "a.mention_id >= ?", "k.mention_id >= ?"]
    clauses.append(bounds)
    params: list[Any] = [*keywords, first_id, first_id, *bound_params]
    if selection.noise != "include":
        side = "NOT IN" if selection.noise == "exclude" else "IN"
        clauses.append(f"a.mention_id {side} (SELECT n.id FROM mentions n WHERE n.noise = 1)")
    rows = f"""FROM mention_aspects a CROSS JOIN mention_keywords k
        ON k.mention_id = a.mention_id WHERE {" AND ".join(clauses)}"""
    return rows, params


def _ranked_sides(rows: str, order: str) -> str:
    """``_ranked``'s query on PostgreSQL: praise and complaints ranked apart, each over its
    own side of the scale (a positive row's place among the positive ones is its place among
    all, best first; likewise the negative ones, worst first), so that each row is sorted
    once, and neutral ones never, instead of every row twice for two rankings. Parameters:
    ``rows``' twice, then how many per side."""
    sides = [
        f"""SELECT k.keyword, a.aspect, a.mention_id, a.sentiment, {praise} AS praise,
            row_number() OVER ({order.format(direction)}) AS place {rows}
            AND a.sentiment {bound}"""
        for praise, direction, bound in (
            ("TRUE", "DESC", f">= {POSITIVE}"),
            ("FALSE", "ASC", f"<= {NEGATIVE}"),
        )
    ]
    return f"""SELECT keyword, aspect, mention_id, sentiment, praise
        FROM ({" UNION ALL ".join(sides)}) AS ranked WHERE place <= ?
        ORDER BY keyword, aspect, sentiment DESC, mention_id DESC"""


def _taken(
    rows: Iterator[tuple[Any, ...]], wanted: dict[str, int]
) -> dict[str, list[tuple[int, float]]]:
    """Per keyword, the rows (mention id, sentiment) read from ``rows`` (in sentiment order)
    until it has ``wanted`` of them and the next one is not tied with its last: then the
    keyword is done, and the read stops when all are."""
    taken: dict[str, list[tuple[int, float]]] = {keyword: [] for keyword in wanted}
    waiting = set(wanted)
    try:
        for keyword, mention_id, sentiment in rows:
            if keyword not in waiting:
                continue
            own = taken[keyword]
            if len(own) >= wanted[keyword] and sentiment != own[-1][1]:
                waiting.discard(keyword)
                if not waiting:
                    break
                continue
            own.append((int(mention_id), float(sentiment)))
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    return taken


def _average(total: float | None, count: int) -> float | None:
    """An average of stored sentiments (four decimals each) to four decimals, the same
    whichever way the sum was added up: summed per bucket or row by row, it differs in the
    last bits, which decided a rounding at ...5 (the sum is rounded first)."""
    if total is None or not count:
        return None
    return round(round(float(total), 6) / int(count), 4)
