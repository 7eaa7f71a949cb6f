"""The reply-first workflow: status marks, the digest log and its watermark, alerts sent.

What people did with mentions and what was already told to them, so that nothing is said twice
and nothing is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from brandwatch_cli.models import Spike
from brandwatch_cli.store.base import StoreBase, iso


class WorkflowMixin(StoreBase):
    """Status marks, digests and alerts: the store's memory of what people were told."""

    def set_status(
        self,
        ids: Sequence[int],
        status: str,
        note: str | None,
        now: datetime,
        by: str | None = None,
    ) -> list[int]:
        """Mark all the mentions, or none: returns the ids that do not exist, and when there is
        one, nothing is changed (a typo in a list of ids must not leave it half applied). Each
        mark is added to the mention's status history, ``by`` whom, in the same transaction."""
        wanted = list(dict.fromkeys(ids))
        with self._writing("mark mentions"):
            known = {
                row[0]
                for row in self.db.execute(
                    f"SELECT id FROM mentions WHERE id IN ({', '.join('?' * len(wanted))})",
                    wanted,
                )
            }
            missing = [mention_id for mention_id in wanted if mention_id not in known]
            if not missing:
                self.db.conn.executemany(
                    "UPDATE mentions SET status = ?, status_at = ?,"
                    " note = coalesce(?, note) WHERE id = ?",
                    [(status, iso(now), note, mention_id) for mention_id in wanted],
                )
                self.db.conn.executemany(
                    "INSERT INTO status_history (mention_id, status, note, at, by)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [(mention_id, status, note, iso(now), by) for mention_id in wanted],
                )
        return missing

    # -- digests -------------------------------------------------------------------------------

    def watermark(self) -> tuple[int, str] | None:
        """Where the last successful ``digest --since last`` stopped: the last mention id it
        covered (ids only grow, so "after it" is exact whatever the clocks say) and when."""
        rows = self._rows(
            "SELECT last_id, created_at FROM digests WHERE watermark = 1 ORDER BY id DESC LIMIT 1"
        )
        row = next(rows, None)
        return (int(row[0]), str(row[1])) if row else None

    def record_digest(
        self,
        *,
        created: datetime,
        since: datetime,
        until: datetime,
        fmt: str,
        output: str | None,
        mentions: int,
        watermark: bool,
        last_id: int,
    ) -> None:
        """Log a digest that was written; a ``--since last`` one moves the watermark."""
        with self._writing("record the digest"):
            self.db.execute(
                "INSERT INTO digests (created_at, since, until, format, output, mentions,"
                " watermark, last_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    iso(created),
                    iso(since),
                    iso(until),
                    fmt,
                    output,
                    mentions,
                    int(watermark),
                    last_id,
                ],
            )

    # -- alerts --------------------------------------------------------------------------------

    def claim_alerts(
        self, spikes: Sequence[Spike], now: datetime, window: timedelta
    ) -> list[Spike]:
        """The spikes this process may send: those not sent within the last ``window``, each
        taken by one conditional upsert, so that when several workers find the same spike
        only the one whose upsert wrote sends it."""
        claimed = []
        with self._writing("claim alerts"):
            for spike in spikes:
                row = self.db.execute(
                    "INSERT INTO alert_claims (keyword, kind, sent_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (keyword, kind) DO UPDATE SET sent_at = excluded.sent_at"
                    " WHERE alert_claims.sent_at <= ? RETURNING keyword",
                    [spike.keyword, spike.kind, iso(now), iso(now - window)],
                ).fetchone()
                if row is not None:
                    claimed.append(spike)
        return claimed

    def unclaim_alerts(self, spikes: Sequence[Spike], now: datetime) -> None:
        """Give back claims whose notification reached no one: the next run tries again."""
        with self._writing("record alerts"):
            self.db.conn.executemany(
                "DELETE FROM alert_claims WHERE keyword = ? AND kind = ? AND sent_at = ?",
                [(s.keyword, s.kind, iso(now)) for s in spikes],
            )

    def record_sent(self, spikes: Sequence[Spike], now: datetime) -> None:
        """Remember spikes whose notification went out."""
        with self._writing("record alerts"):
            self.db.conn.executemany(
                "INSERT INTO alerts_sent (keyword, kind, sent_at, count) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                [(s.keyword, s.kind, iso(now), s.count) for s in spikes],
            )
