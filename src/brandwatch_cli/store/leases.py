"""Shared scanning: which sources are due, and which ``brandwatch worker`` holds each one.

One row per configured source in ``source_leases``: when it is next due (``due_at``, its last
fetch plus its interval), and, while a worker fetches it, that worker's id and when its lease
expires. A claim is one short write transaction that selects due sources whose lease is free
(absent or expired) and takes them with a conditional UPDATE; on PostgreSQL the select is the
one place that becomes ``FOR UPDATE SKIP LOCKED``. A worker killed mid-fetch stops renewing
its leases, so they expire and the next round of any worker takes those sources again.

Times are stored as the store's ISO 8601 text (``iso``), compared as text: portable SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from brandwatch_cli.store.base import StoreBase, iso

#: Due sources whose lease is free, and that are not backing off after failures, oldest due
#: first. The one statement that differs on PostgreSQL: ``FOR UPDATE OF l SKIP LOCKED``.
_DUE = """
    SELECT l.source FROM source_leases l LEFT JOIN source_state s ON s.source = l.source
    WHERE l.due_at <= ? AND (l.expires_at IS NULL OR l.expires_at <= ?)
        AND (s.next_attempt IS NULL OR s.next_attempt <= ?)
    ORDER BY l.due_at, l.source LIMIT ?"""


class LeasesMixin(StoreBase):
    """Due sources, claimed and released by workers."""

    def schedule_sources(self, every: Mapping[str, int], now: datetime) -> None:
        """Keep one row per configured source (``every``: name -> seconds between fetches):
        new sources are due at once (or an interval after a ``scan`` fetched them), a fetch
        by ``scan`` moves a source's due time forward, a changed interval reschedules it;
        rows of sources no longer configured go once nobody holds them. Due times only move
        forward otherwise, so a worker reading before another one's release cannot undo it."""
        with self._writing("schedule sources"):
            last = dict(self.db.execute("SELECT source, last_attempt FROM source_state").fetchall())
            rows = {
                row[0]: (row[1], row[2])
                for row in self.db.execute("SELECT source, due_at, every_s FROM source_leases")
            }
            changes = []
            for name, seconds in every.items():
                attempted = last.get(name)
                due = (
                    iso(datetime.fromisoformat(attempted) + timedelta(seconds=seconds))
                    if attempted
                    else iso(now)
                )
                known = rows.get(name)
                if known is None or known[1] != seconds or (due or "") > known[0]:
                    changes.append((name, due, seconds))
            self.db.conn.executemany(
                "INSERT INTO source_leases (source, due_at, every_s) VALUES (?, ?, ?)"
                " ON CONFLICT (source) DO UPDATE SET due_at = excluded.due_at,"
                " every_s = excluded.every_s WHERE excluded.every_s <> source_leases.every_s"
                " OR excluded.due_at > source_leases.due_at",
                changes,
            )
            gone = [(name, iso(now)) for name in rows if name not in every]
            self.db.conn.executemany(
                "DELETE FROM source_leases WHERE source = ?"
                " AND (expires_at IS NULL OR expires_at <= ?)",
                gone,
            )

    def claim_due(
        self,
        worker: str,
        now: datetime,
        lease_seconds: float,
        limit: int,
        due_by: datetime | None = None,
    ) -> list[str]:
        """Take up to ``limit`` sources due by ``due_by`` (default ``now``) for ``worker``
        until ``now + lease_seconds``: the names it now holds. The UPDATE takes only leases
        still free, so two workers never hold the same source, whatever the select saw."""
        at = iso(now)
        until = iso(now + timedelta(seconds=lease_seconds))
        with self._writing("claim due sources"):
            due = iso(due_by or now)
            due_now = _DUE + (" FOR UPDATE OF l SKIP LOCKED" if self.postgres else "")
            names = [row[0] for row in self.db.execute(due_now, [due, at, at, limit])]
            if not names:
                return []
            marks = ", ".join("?" * len(names))
            taken = self.db.execute(
                "UPDATE source_leases SET worker = ?, claimed_at = ?, expires_at = ?"
                f" WHERE source IN ({marks}) AND (expires_at IS NULL OR expires_at <= ?)"
                " RETURNING source",
                [worker, at, until, *names, at],
            ).fetchall()
        held = {row[0] for row in taken}
        return [name for name in names if name in held]

    def renew(self, worker: str, now: datetime, lease_seconds: float) -> None:
        """Extend every lease ``worker`` holds, while it is still fetching (a long file)."""
        with self._writing("renew leases"):
            self.db.execute(
                "UPDATE source_leases SET expires_at = ? WHERE worker = ?",
                [iso(now + timedelta(seconds=lease_seconds)), worker],
            )

    def release(
        self, worker: str, names: Sequence[str], due: Mapping[str, datetime] | None = None
    ) -> None:
        """Give back ``worker``'s leases on ``names``; a source in ``due`` was fetched and is
        next due then, one not in it (abandoned) stays due for the next worker."""
        due = due or {}
        with self._writing("release sources"):
            self.db.conn.executemany(
                "UPDATE source_leases SET worker = NULL, claimed_at = NULL, expires_at = NULL,"
                " due_at = coalesce(?, due_at) WHERE source = ? AND worker = ?",
                [(iso(due.get(name)), name, worker) for name in names],
            )

    def next_claimable(self) -> datetime | None:
        """The earliest moment a source could be claimed: due, not backing off, its lease
        free. None when no source is scheduled."""
        rows = self._rows(
            "SELECT l.due_at, l.expires_at, s.next_attempt FROM source_leases l"
            " LEFT JOIN source_state s ON s.source = l.source"
        )
        moments = [max(value for value in row if value is not None) for row in rows]
        return datetime.fromisoformat(min(moments)) if moments else None

    def leases(self) -> list[tuple[str, str | None, str | None]]:
        """(source, worker, lease expiry) of every scheduled source, by name."""
        return [
            (row[0], row[1], row[2])
            for row in self._rows(
                "SELECT source, worker, expires_at FROM source_leases ORDER BY source"
            )
        ]
