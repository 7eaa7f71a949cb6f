"""One run at a time: an advisory lock file beside the database.

``flock`` locks belong to the process holding them and vanish when it exits, however it exits:
a scan killed with SIGKILL leaves no stale lock behind, only a file whose content (the pid and
start time of its last holder) is overwritten by the next run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from brandwatch_cli.errors import Busy


def lock_file(db_path: Path, run: str) -> Path:
    """The lock file of one kind of run (``scan``, ``digest``) on the database at ``db_path``:
    ``mentions.db.scan.lock`` beside ``mentions.db``. Runs that must not overlap share a kind
    (a rescore takes the scan's)."""
    return db_path.with_name(f"{db_path.name}.{run}.lock")


@contextmanager
def exclusive(path: Path, what: str, wait: float = 10.0) -> Iterator[None]:
    """Hold ``path`` (e.g. ``mentions.db.scan.lock``) for the duration, waiting up to ``wait``
    seconds for another holder to finish; Busy if it does not."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock, runs are not serialised
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise Busy(
                        f"another {what} is running ({holder}); waited {wait:g}s, try again later"
                    ) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock
