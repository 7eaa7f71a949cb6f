"""One run at a time on a PostgreSQL database: a session advisory lock, held by a connection
of its own for the run's duration, so that processes on different machines see each other
(a lock file only serialises one machine). PostgreSQL releases it when the holder's
connection ends, however the process ends: a killed scan leaves nothing stale behind.
"""

from __future__ import annotations

import os
import socket
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from brandwatch_cli.errors import Busy
from brandwatch_cli.store.postgres import PgDatabase

#: brandwatch's namespace among advisory locks (the first key of the pair): "bw".
NAMESPACE = 0x6277


def run_key(run: str) -> int:
    """A stable 31-bit key per kind of run (``scan``, ``digest``)."""
    return zlib.crc32(run.encode()) & 0x7FFF_FFFF


@contextmanager
def held(url: str, run: str, what: str, wait: float = 10.0) -> Iterator[None]:
    """Hold the ``run`` lock of the database at ``url`` for the duration, waiting up to
    ``wait`` seconds for another holder (on any machine) to finish; Busy if it does not."""
    me = f"brandwatch {run} (pid {os.getpid()} on {socket.gethostname()})"
    db = PgDatabase(url, application_name=me[:63])
    try:
        deadline = time.monotonic() + wait
        while not db.conn.raw.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, run_key(run)]
        ).fetchone()[0]:
            if time.monotonic() >= deadline:
                raise Busy(
                    f"another {what} is running ({_holder(db, run)}); waited {wait:g}s,"
                    " try again later"
                )
            time.sleep(0.2)
        yield
    finally:
        db.close()  # ending the session releases the lock


def _holder(db: PgDatabase, run: str) -> str:
    """Who holds the lock, as its connection introduced itself."""
    row = db.conn.raw.execute(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s",
        [NAMESPACE, run_key(run)],
    ).fetchone()
    return str(row[0]) if row and row[0] else "another process"
