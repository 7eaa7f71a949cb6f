"""Team triage (issue 15): who answers a mention, its tags, every action in its history, and
the reads that follow from them (assignees, the backlog of unhandled negative mentions).

A ``mark`` is all or nothing: every action on every mention and its history rows are one
transaction, and an id that names no mention changes nothing. Tags are kept as written in
``mentions.tags`` (what people read) and folded in ``mention_tags`` (what filters match).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from brandwatch_cli.models import MentionFilter, MentionRow, TriageActions
from brandwatch_cli.store.base import iso
from brandwatch_cli.store.corrections import CorrectionsMixin
from brandwatch_cli.store.filters import UNHANDLED, marks, tag_key, where
from brandwatch_cli.store.queries import QueriesMixin
from brandwatch_cli.store.relevance import RelevanceMixin


class TriageMixin(CorrectionsMixin, RelevanceMixin, QueriesMixin):
    """Assignments, tags, sentiment overrides and the history of every action; the backlog."""

    def triage(
        self, ids: Sequence[int], actions: TriageActions, now: datetime, by: str | None = None
    ) -> list[int]:
        """Apply ``actions`` to every mention of ``ids``, or to none: returns the ids that do
        not exist (then nothing is changed). Each action is one history row (status, assigned,
        unassigned, untagged, tagged, sentiment, relevance, note: in that order), ``by`` whom,
        in the same transaction; a row's ``status`` is the mention's status after it."""
        wanted = list(dict.fromkeys(ids))
        at = iso(now)
        with self._writing("mark mentions"):
            known = {
                row[0]: row[1:]
                for row in self.db.execute(
                    "SELECT id, status, status_at, assignee, tags FROM mentions"
                    f" WHERE id IN ({marks(wanted)})",
                    wanted,
                )
            }
            missing = [mention_id for mention_id in wanted if mention_id not in known]
            if missing:
                return missing
            history: list[tuple[Any, ...]] = []
            for mention_id in wanted:
                status, status_at, assignee, stored_tags = known[mention_id]
                done: list[tuple[str, str | None, str | None]] = []  # what, value, note
                if actions.status:
                    status, status_at = actions.status, at
                    done.append(("status", None, None))
                if actions.unassign and assignee is not None:
                    done.append(("unassigned", assignee, None))
                    assignee = None
                if actions.assign:
                    done.append(("assigned", actions.assign, None))
                    assignee = actions.assign
                tags = self._retag(mention_id, stored_tags, actions, done)
                if actions.sentiment:
                    self.override_sentiment(mention_id, actions.sentiment, at, by)
                    done.append(("sentiment", actions.sentiment, None))
                if actions.relevance:
                    self.label_relevance(mention_id, actions.relevance)
                    done.append(("relevance", actions.relevance, None))
                if actions.note:
                    done.append(("note", None, actions.note))
                self.db.execute(
                    "UPDATE mentions SET status = ?, status_at = ?, note = coalesce(?, note),"
                    " assignee = ?, tags = ? WHERE id = ?",
                    [
                        status,
                        status_at,
                        actions.note,
                        assignee,
                        json.dumps(tags, ensure_ascii=False) if tags else None,
                        mention_id,
                    ],
                )
                history += [(mention_id, status, *action, at, by) for action in done]
            self.db.conn.executemany(
                "INSERT INTO status_history (mention_id, status, what, value, note, at, by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                history,
            )
        return []

    def _retag(
        self,
        mention_id: int,
        stored: str | None,
        actions: TriageActions,
        done: list[tuple[str, str | None, str | None]],
    ) -> list[str]:
        """The mention's tags after ``untags`` then ``tags``, as written; ``mention_tags``
        follows and ``done`` gains what changed (a tag it has already, in any case, keeps its
        first spelling and adds nothing; removing one it lacks neither)."""
        tags: list[str] = json.loads(stored) if stored else []
        for tag in actions.untags:
            key = tag_key(tag)
            kept = [t for t in tags if tag_key(t) != key]
            if len(kept) < len(tags):
                done.append(("untagged", tag, None))
                tags = kept
                self.db.execute(
                    "DELETE FROM mention_tags WHERE tag = ? AND mention_id = ?", [key, mention_id]
                )
        for tag in actions.tags:
            key = tag_key(tag)
            if all(tag_key(t) != key for t in tags):
                done.append(("tagged", tag, None))
                tags.append(tag)
                self.db.execute(
                    "INSERT INTO mention_tags (tag, mention_id) VALUES (?, ?)", [key, mention_id]
                )
        return tags

    def assignees(self) -> list[str]:
        """Everyone a mention is assigned to now, as written."""
        sql = "SELECT DISTINCT assignee FROM mentions WHERE assignee IS NOT NULL"
        return sorted(row[0] for row in self._rows(sql))

    def count_mentions(self, selection: MentionFilter, cap: int) -> int:
        """How many mentions ``selection`` holds, counting no further than ``cap``."""
        clause, params = where(selection, postgres=self.postgres)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM mentions m {clause} LIMIT ?) AS counted"
        return int(next(self._rows(sql, [*params, cap]))[0])

    def backlog(self, before: datetime, limit: int, cap: int) -> tuple[list[MentionRow], int]:
        """Unhandled (new, todo) mentions negative about one of their keywords, fetched
        before ``before``: the oldest ``limit`` of them, and how many there are (up to
        ``cap``)."""
        # ``+m.status``: walk the fetch-time index from the oldest, never every unhandled
        # mention sorted (nearly all of a database nobody triages: 1.5 s at 1M, now 1 ms)
        body = f"""FROM mentions m WHERE +m.status IN ({marks(UNHANDLED)}) AND m.fetched_at < ?
            AND EXISTS (SELECT 1 FROM mention_keywords n WHERE n.mention_id = m.id
                AND n.sentiment_label = 'negative')"""
        params = [*UNHANDLED, iso(before)]
        ids = [
            row[0]
            for row in self._rows(
                f"SELECT m.id {body} ORDER BY m.fetched_at, m.id LIMIT ?", [*params, limit]
            )
        ]
        sql = f"SELECT count(*) FROM (SELECT 1 {body} LIMIT ?) AS counted"
        total = int(next(self._rows(sql, [*params, cap]))[0])
        return self._mentions_by_id(ids), total
