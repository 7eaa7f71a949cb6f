"""Alert rules' memory (issue 15): which rule matched which mention, what was sent, what
waits (a cooldown) and what quiet hours held for the digest.

Acting once is a claim written in the database, as spike alerts' are: recording a (rule,
mention) row is what lets a process act on it (a second worker finding the same mention
records nothing and does nothing), and taking a rule's pending rows for a message marks them
``sending`` in the same statement, so two processes never send the same match. A rule's
cooldown is a conditional upsert of when it last notified (``claim_rule_send``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from brandwatch_cli.models import RuleHit
from brandwatch_cli.store.base import StoreBase, iso
from brandwatch_cli.text import HEADLINE_CHARS

#: Rows a process marked ``sending`` and never finished (it died) are taken again after this.
STALE_SENDING = timedelta(minutes=10)
#: States of ``rule_matches`` (see ``store.schema_rules``).
PENDING, SENDING, SENT, HELD, DONE = "pending", "sending", "sent", "held", "done"


class RulesMixin(StoreBase):
    """Rule matches, their notifications and the rules' cooldowns."""

    def record_rule_matches(
        self, found: Sequence[tuple[str, int, str, bool]], now: datetime
    ) -> list[tuple[str, int]]:
        """Record each (rule, mention id, why, notifies) not recorded before; returns the
        ones this call recorded, which are this process's to act on."""
        recorded = []
        with self._writing("record rule matches"):
            for rule, mention_id, why, notifies in found:
                row = self.db.execute(
                    "INSERT INTO rule_matches (rule, mention_id, matched_at, why, state)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (rule, mention_id) DO NOTHING"
                    " RETURNING mention_id",
                    [rule, mention_id, iso(now), why, PENDING if notifies else DONE],
                ).fetchone()
                if row is not None:
                    recorded.append((rule, mention_id))
        return recorded

    def rules_waiting(self, now: datetime) -> list[str]:
        """Rules with matches to notify (pending, or left ``sending`` by a process that died)."""
        sql = (
            "SELECT DISTINCT rule FROM rule_matches WHERE state = ?"
            " OR (state = ? AND sent_at < ?) ORDER BY rule"
        )
        return [row[0] for row in self._rows(sql, [PENDING, SENDING, iso(now - STALE_SENDING)])]

    def hold_rule_matches(self, rule: str) -> int:
        """Quiet hours: the rule's pending matches go to the next digest instead."""
        with self._writing("hold rule matches"):
            cursor = self.db.execute(
                "UPDATE rule_matches SET state = ? WHERE rule = ? AND state = ?",
                [HELD, rule, PENDING],
            )
            return max(int(cursor.rowcount), 0)

    def claim_rule_send(self, rule: str, now: datetime, cooldown: timedelta | None) -> bool:
        """Whether this process may notify for ``rule`` now: it has not notified within
        ``cooldown`` (then now is its last notification, by this one conditional upsert)."""
        with self._writing("claim a rule's notification"):
            row = self.db.execute(
                "INSERT INTO rule_sends (rule, sent_at) VALUES (?, ?)"
                " ON CONFLICT (rule) DO UPDATE SET sent_at = excluded.sent_at"
                " WHERE rule_sends.sent_at <= ? RETURNING rule",
                [rule, iso(now), iso(now - (cooldown or timedelta()))],
            ).fetchone()
        return row is not None

    def take_rule_matches(self, rule: str, now: datetime) -> list[RuleHit]:
        """The rule's matches to notify, marked ``sending`` by this process, oldest first."""
        with self._writing("take rule matches"):
            taken = self.db.execute(
                "UPDATE rule_matches SET state = ?, sent_at = ? WHERE rule = ?"
                " AND (state = ? OR (state = ? AND sent_at < ?)) RETURNING mention_id",
                [SENDING, iso(now), rule, PENDING, SENDING, iso(now - STALE_SENDING)],
            ).fetchall()
        return (
            self._rule_hits(
                "r.rule = ? AND r.state = ? AND r.sent_at = ?", [rule, SENDING, iso(now)]
            )
            if taken
            else []
        )

    def finish_rule_send(self, rule: str, now: datetime, delivered: bool) -> None:
        """After a message: its matches are sent, or (no channel took it) pending again and
        the rule's claim given back, so that the next run tries again at once."""
        with self._writing("record rule notifications"):
            self.db.execute(
                "UPDATE rule_matches SET state = ?, sent_at = ? WHERE rule = ? AND state = ?"
                " AND sent_at = ?",
                [
                    SENT if delivered else PENDING,
                    iso(now) if delivered else None,
                    rule,
                    SENDING,
                    iso(now),
                ],
            )
            if not delivered:
                self.db.execute(
                    "DELETE FROM rule_sends WHERE rule = ? AND sent_at = ?", [rule, iso(now)]
                )

    def held_rule_matches(self, since: datetime, until: datetime) -> list[RuleHit]:
        """Matches quiet hours held, recorded from ``since`` to ``until``: for the digest."""
        return self._rule_hits(
            "r.state = ? AND r.matched_at >= ? AND r.matched_at <= ?",
            [HELD, iso(since), iso(until)],
        )

    def _rule_hits(self, condition: str, params: Sequence[object]) -> list[RuleHit]:
        sql = (
            "SELECT r.rule, r.mention_id, coalesce(nullif(m.title, ''), substr(m.text, 1, ?)),"
            " r.why, r.matched_at FROM rule_matches r"
            f" JOIN mentions m ON m.id = r.mention_id WHERE {condition}"
            " ORDER BY r.matched_at, r.rule, r.mention_id"
        )
        return [RuleHit(*row) for row in self._rows(sql, [HEADLINE_CHARS, *params])]
