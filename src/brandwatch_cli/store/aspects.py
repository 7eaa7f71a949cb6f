"""What mentions say of each aspect, grouped by keyword: the report's aspects section.

Reads ``mention_aspects`` (``store.aspecttables``) joined to the mentions a filter selects and
to their keywords; a mention naming two keywords counts for both, as in share of voice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from brandwatch_cli.models import MentionFilter, MentionRow
from brandwatch_cli.store.filters import marks, where
from brandwatch_cli.store.queries import QueriesMixin

#: ``sentiment.label``'s thresholds: a passage at or above is positive, at or below negative.
POSITIVE, NEGATIVE = 0.05, -0.05


class AspectCountsRow(TypedDict):
    keyword: str
    aspect: str
    mentions: int
    positive: int
    negative: int
    average: float | None


class AspectsMixin(QueriesMixin):
    """Aspects per keyword over a selection of mentions, and whether an aspect is stored."""

    def _aspect_rows(
        self, selection: MentionFilter, keywords: Sequence[str]
    ) -> tuple[str, list[Any]]:
        """The FROM and WHERE of a selection's (keyword, aspect, mention) rows."""
        clause, params = where(selection, postgres=self.postgres)
        named = f"k.keyword IN ({marks(keywords)})"
        clause = f"{clause} AND {named}" if clause else f"WHERE {named}"
        # In this order (CROSS JOIN: SQLite keeps it): the period's mentions by their time
        # index, then their aspects, then their keywords. Started from a keyword, a report read
        # every mention of it ever (1.5 s at 1M, now the period's share).
        sql = f"""FROM mentions m CROSS JOIN mention_aspects a ON a.mention_id = m.id
            CROSS JOIN mention_keywords k ON k.mention_id = m.id {clause}"""
        return sql, [*params, *keywords]

    def aspect_counts(
        self, selection: MentionFilter, keywords: Sequence[str]
    ) -> list[AspectCountsRow]:
        """Per keyword and aspect: mentions, positive and negative ones, average sentiment."""
        if not keywords:
            return []
        rows, params = self._aspect_rows(selection, keywords)
        sql = f"""SELECT k.keyword, a.aspect, count(*) AS mentions,
                sum(a.sentiment >= {POSITIVE}) AS positive,
                sum(a.sentiment <= {NEGATIVE}) AS negative, avg(a.sentiment) AS average
            {rows} GROUP BY k.keyword, a.aspect ORDER BY k.keyword, a.aspect"""
        return [
            AspectCountsRow(
                keyword=keyword,
                aspect=aspect,
                mentions=int(mentions),
                positive=int(positive or 0),
                negative=int(negative or 0),
                average=None if average is None else round(float(average), 4),
            )
            for keyword, aspect, mentions, positive, negative, average in self._rows(sql, params)
        ]

    def aspect_examples(
        self, selection: MentionFilter, keywords: Sequence[str], per_side: int = 2
    ) -> dict[tuple[str, str], tuple[list[MentionRow], list[MentionRow]]]:
        """Per (keyword, aspect): the ``per_side`` mentions that say the best of it (positive
        ones only, best first) and the worst (negative ones, worst first); newest on ties."""
        if not keywords:
            return {}
        rows, params = self._aspect_rows(selection, keywords)
        order = "PARTITION BY k.keyword, a.aspect ORDER BY a.sentiment {}, m.id DESC"
        sql = f"""SELECT keyword, aspect, mention_id, best <= ? AND sentiment >= {POSITIVE}
            FROM (SELECT k.keyword, a.aspect, m.id AS mention_id, a.sentiment,
                row_number() OVER ({order.format("DESC")}) AS best,
                row_number() OVER ({order.format("ASC")}) AS worst {rows}) AS ranked
            WHERE (best <= ? AND sentiment >= {POSITIVE})
                OR (worst <= ? AND sentiment <= {NEGATIVE})
            ORDER BY keyword, aspect, sentiment DESC, mention_id DESC"""
        found = list(self._rows(sql, [per_side, *params, per_side, per_side]))
        by_id = {row["id"]: row for row in self._mentions_by_id([r[2] for r in found])}
        result: dict[tuple[str, str], tuple[list[MentionRow], list[MentionRow]]] = {}
        for keyword, aspect, mention_id, praise in found:
            praised, blamed = result.setdefault((keyword, aspect), ([], []))
            if mention_id in by_id:
                (praised if praise else blamed).append(by_id[mention_id])
        for _, blamed in result.values():
            blamed.reverse()  # worst first
        return result

    def has_aspect(self, name: str) -> bool:
        """Whether any stored mention talks about the aspect ``name``."""
        rows = self._rows("SELECT 1 FROM mention_aspects WHERE aspect = ? LIMIT 1", [name])
        return next(rows, None) is not None
