"""Relevance (issue 15): labels set by ``mark --relevant/--irrelevant``, the scores a learned
model gives, explicit mutes, and the "probably noise" bucket they decide (``mentions.noise``).

``noise`` is written here only: a label decides it for its mention (irrelevant: noise,
relevant: never), else a mute (reason ``muted``), else the score against the threshold
(``model``). Scoring walks the mentions by id in batches past a watermark
(``relevance_models`` row ``scored``), so a stopped pass resumes and a scan's new mentions are
the ones past it; a new model, threshold or mute list starts the pass again from the start.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from brandwatch_cli.store.base import StoreBase, iso
from brandwatch_cli.store.filters import marks

#: The relevance a label gives.
LABEL_SCORES = {"relevant": 1.0, "irrelevant": 0.0}
#: ``relevance_models`` rows: the database model's weights (a keyword's: ``model:KEYWORD``),
#: and how far scoring went with what.
MODEL = "model"
SCORED = "scored"
_KEYWORDS = (
    "(SELECT group_concat(keyword, ';') FROM (SELECT keyword FROM mention_keywords k"
    " WHERE k.mention_id = m.id ORDER BY keyword) ks) AS keywords"
)
_READ = f"m.id, m.title, m.text, m.source, m.domain, m.author, {_KEYWORDS}"


class RelevanceMixin(StoreBase):
    """Relevance labels and scores, mutes, and the model's weights."""

    def label_relevance(self, mention_id: int, label: str) -> None:
        """Set ``mention_id``'s label (inside the caller's transaction): its relevance is the
        label's, and it is noise exactly when labelled irrelevant."""
        noise = int(label == "irrelevant")
        self.db.execute(
            "UPDATE mentions SET relevance_label = ?, relevance = ?, noise = ?,"
            " noise_reason = ? WHERE id = ?",
            [label, LABEL_SCORES[label], noise, "label" if noise else None, mention_id],
        )

    def relevance_examples(self) -> list[dict[str, Any]]:
        """Every labelled mention as the model reads it, with its ``label``, by id."""
        return self._dicts(
            f"SELECT {_READ}, m.relevance_label AS label FROM mentions m"
            " WHERE m.relevance_label IS NOT NULL ORDER BY m.id"
        )

    def relevance_label_counts(self) -> dict[str, int]:
        sql = (
            "SELECT relevance_label, count(*) FROM mentions WHERE relevance_label IS NOT NULL"
            " GROUP BY relevance_label"
        )
        return {row[0]: int(row[1]) for row in self._rows(sql)}

    def relevance_state(self) -> dict[str, tuple[str, str, int]]:
        """``model`` and ``scored`` rows: (fingerprint, model JSON, examples or watermark)."""
        sql = "SELECT scope, fingerprint, model, examples FROM relevance_models"
        return {row[0]: (row[1], row[2], int(row[3])) for row in self._rows(sql)}

    def save_relevance_state(
        self, scope: str, fingerprint: str, model: str, examples: int, now: datetime
    ) -> None:
        """Keep the model's weights (``MODEL``) or the scoring watermark (``SCORED``)."""
        with self._writing("save the relevance model"):
            self.db.execute(
                "INSERT INTO relevance_models (scope, fingerprint, model, examples, trained_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET"
                " fingerprint = excluded.fingerprint, model = excluded.model,"
                " examples = excluded.examples, trained_at = excluded.trained_at",
                [scope, fingerprint, model, examples, iso(now)],
            )

    def mentions_to_score(self, after_id: int, limit: int) -> list[dict[str, Any]]:
        """Unlabelled mentions past ``after_id``, by id, as the model reads them."""
        return self._dicts(
            f"SELECT {_READ} FROM mentions m WHERE m.id > ? AND m.relevance_label IS NULL"
            " ORDER BY m.id LIMIT ?",
            [after_id, limit],
        )

    def save_relevance(
        self, scores: Sequence[tuple[int, float | None, str | None]], fingerprint: str, last: int
    ) -> None:
        """``(id, relevance or None, noise reason or None)`` of unlabelled mentions, and the
        watermark past them, in one transaction."""
        with self._writing("save relevance"):
            self.db.conn.executemany(
                "UPDATE mentions SET relevance = ?, noise = ?, noise_reason = ?"
                " WHERE id = ? AND relevance_label IS NULL",
                [(score, int(reason is not None), reason, i) for i, score, reason in scores],
            )
            self.db.execute(
                "UPDATE relevance_models SET fingerprint = ?, examples = ? WHERE scope = ?",
                [fingerprint, last, SCORED],
            )

    def add_mute(self, values: dict[str, str | None], now: datetime, by: str | None) -> int:
        """A new mute (``source``, ``domain``, ``author``, ``phrase``, ``keyword``); its id."""
        columns = ("source", "domain", "author", "phrase", "keyword")
        with self._writing("add a mute"):
            row = self.db.execute(
                f"INSERT INTO mutes ({', '.join(columns)}, at, by) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id",
                [*(values.get(c) for c in columns), iso(now), by],
            ).fetchone()
        return int(row[0])

    def mutes(self) -> list[dict[str, Any]]:
        return self._dicts(
            "SELECT id, source, domain, author, phrase, keyword, at, by FROM mutes ORDER BY id"
        )

    def remove_mute(self, mute_id: int) -> bool:
        with self._writing("remove a mute"):
            cursor = self.db.execute("DELETE FROM mutes WHERE id = ?", [mute_id])
        return bool(cursor.rowcount)

    def review_candidates(self, keyword: str | None, limit: int) -> list[dict[str, Any]]:
        """Unlabelled mentions, those whose relevance is closest to 0.5 first (unscored ones
        last), newest first among equals."""
        params: list[Any] = []
        clause = ""
        if keyword:
            clause = (
                " AND EXISTS (SELECT 1 FROM mention_keywords k WHERE k.mention_id = m.id"
                " AND k.keyword = ?)"
            )
            params.append(keyword)
        return self._dicts(
            f"SELECT m.id, m.mentioned_at, m.source, m.title, m.url, m.relevance, m.noise,"
            f" {_KEYWORDS} FROM mentions m WHERE m.relevance_label IS NULL{clause}"
            " ORDER BY CASE WHEN m.relevance IS NULL THEN 1 ELSE 0 END,"
            " abs(coalesce(m.relevance, 0.5) - 0.5), m.mentioned_at DESC, m.id DESC LIMIT ?",
            [*params, limit],
        )

    def relevance_of(self, ids: Sequence[int]) -> dict[int, tuple[float | None, str | None, int]]:
        """Each mention's relevance, label and noise flag."""
        if not ids:
            return {}
        sql = (
            f"SELECT id, relevance, relevance_label, noise FROM mentions WHERE id IN ({marks(ids)})"
        )
        return {row[0]: (row[1], row[2], int(row[3])) for row in self._rows(sql, list(ids))}

    def clear_relevance(self) -> None:
        """No model and no mute: every unlabelled mention is unscored and not noise, and no
        watermark is kept."""
        with self._writing("save relevance"):
            self.db.execute(
                "UPDATE mentions SET relevance = NULL, noise = 0, noise_reason = NULL"
                " WHERE relevance_label IS NULL AND (relevance IS NOT NULL OR noise = 1)"
            )
            self.db.execute("DELETE FROM relevance_models WHERE scope = ?", [SCORED])

    def noise_counts(self) -> dict[str, int]:
        """Mentions in the noise bucket, per reason (``label``, ``model``, ``muted``)."""
        sql = (
            "SELECT noise_reason, count(*) FROM mentions INDEXED BY mentions_noise"
            " WHERE noise = 1 GROUP BY noise_reason"
        )
        return {row[0] or "": int(row[1]) for row in self._rows(sql)}

    def drop_relevance_models(self, keep: Sequence[str]) -> None:
        """Drop the stored models but those of ``keep`` (their labels no longer suffice)."""
        with self._writing("save the relevance model"):
            self.db.execute(
                f"DELETE FROM relevance_models WHERE scope NOT IN ({marks([SCORED, *keep])})",
                [SCORED, *keep],
            )
