"""Sentiment corrections (issue 15): a mention's label set by hand (``mark --sentiment``),
labelled texts imported from elsewhere, and the per-language models learned from them.

An override is the mention's latest ``mark`` correction. It replaces the label of the mention
and of each of its keywords; a score whose sign disagrees becomes the label's own (+0.5, 0 or
-0.5, as a rating's does), so that averages and counts tell the same story. ``rescore`` and a
re-match keep it (``sentiment_overrides``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from brandwatch_cli.store.base import StoreBase, iso
from brandwatch_cli.store.filters import marks

#: The method of a mention whose label someone set.
OVERRIDE = "override"
#: A score whose sign disagrees with the label set becomes this.
LABEL_SCORES = {"positive": 0.5, "neutral": 0.0, "negative": -0.5}
_SCORE = "CASE WHEN sentiment_label = ? THEN sentiment ELSE ? END"


class CorrectionsMixin(StoreBase):
    """Corrections, overrides and the learned models' weights."""

    def override_sentiment(
        self, mention_id: int, label: str, at: str | None, by: str | None
    ) -> None:
        """Set ``mention_id``'s label (inside the caller's transaction) and keep its text as
        a training example."""
        self.db.execute(
            f"UPDATE mentions SET sentiment = {_SCORE}, sentiment_label = ?,"
            " sentiment_method = ? WHERE id = ?",
            [label, LABEL_SCORES[label], label, OVERRIDE, mention_id],
        )
        self.db.execute(
            f"UPDATE mention_keywords SET sentiment = {_SCORE}, sentiment_label = ?"
            " WHERE mention_id = ?",
            [label, LABEL_SCORES[label], label, mention_id],
        )
        self.db.execute(
            "INSERT INTO sentiment_corrections (text, label, language, source, mention_id, at,"
            " by) SELECT CASE WHEN title = '' THEN text WHEN text = '' THEN title"
            " ELSE title || '\n' || text END, ?, language, 'mark', id, ?, ? FROM mentions"
            " WHERE id = ?",
            [label, at, by, mention_id],
        )

    def sentiment_overrides(self, ids: Sequence[int]) -> dict[int, str]:
        """The label someone set on each of ``ids`` that has one."""
        if not ids:
            return {}
        sql = (
            "SELECT mention_id, label FROM sentiment_corrections"
            f" WHERE mention_id IN ({marks(ids)}) ORDER BY id"
        )
        return {row[0]: row[1] for row in self._rows(sql, list(ids))}

    def add_corrections(
        self, rows: Sequence[tuple[str, str, str | None]], now: datetime, by: str | None
    ) -> None:
        """Imported ``(text, label, language)`` examples, in one transaction."""
        with self._writing("import corrections"):
            self.db.conn.executemany(
                "INSERT INTO sentiment_corrections (text, label, language, source, at, by)"
                " VALUES (?, ?, ?, 'import', ?, ?)",
                [(text, label, language, iso(now), by) for text, label, language in rows],
            )

    def training_examples(self) -> list[tuple[str, str, str | None]]:
        """Every ``(text, label, language)`` to learn from, oldest first: imported ones, and
        of a mention's marks only its latest."""
        sql = """SELECT text, label, language FROM sentiment_corrections c
            WHERE c.mention_id IS NULL OR c.id = (SELECT max(d.id) FROM sentiment_corrections d
                WHERE d.mention_id = c.mention_id)
            ORDER BY c.id"""
        return [(row[0], row[1], row[2]) for row in self._rows(sql)]

    def correction_counts(self) -> list[tuple[str | None, str, str, int]]:
        """``(language, source, label, count)`` of every correction kept."""
        sql = """SELECT language, source, label, count(*) FROM sentiment_corrections
            GROUP BY language, source, label ORDER BY language, source, label"""
        return [(row[0], row[1], row[2], int(row[3])) for row in self._rows(sql)]

    def recent_corrections(self, limit: int) -> list[dict[str, object]]:
        """The latest ``limit`` corrections, newest first."""
        return self._dicts(
            "SELECT id, at, source, language, label, mention_id, by, text"
            " FROM sentiment_corrections ORDER BY id DESC LIMIT ?",
            [limit],
        )

    def stored_models(self) -> dict[str, tuple[str, str]]:
        """Per language, its learned model's fingerprint and weights (JSON)."""
        sql = "SELECT language, fingerprint, model FROM sentiment_models"
        return {row[0]: (row[1], row[2]) for row in self._rows(sql)}

    def save_models(
        self, models: Sequence[tuple[str, str, str, int]], keep: Sequence[str], now: datetime
    ) -> None:
        """Store ``(language, fingerprint, weights, examples)`` models; those of languages
        not in ``keep`` are dropped (their corrections no longer suffice)."""
        with self._writing("save sentiment models"):
            if keep:
                self.db.execute(
                    f"DELETE FROM sentiment_models WHERE language NOT IN ({marks(keep)})",
                    list(keep),
                )
            else:
                self.db.execute("DELETE FROM sentiment_models")
            self.db.conn.executemany(
                "INSERT INTO sentiment_models (language, fingerprint, model, examples,"
                " trained_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (language) DO UPDATE SET"
                " fingerprint = excluded.fingerprint, model = excluded.model,"
                " examples = excluded.examples, trained_at = excluded.trained_at",
                [(*model, iso(now)) for model in models],
            )
