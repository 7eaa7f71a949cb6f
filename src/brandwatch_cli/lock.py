"""One run at a time: an advisory lock file beside the database.

``flock`` locks belong to the process holding them and vanish when it exits, however it exits:
a scan killed with SIGKILL leaves no stale lock behind, only a file whose content (the pid and
start time of its last holder) is overwritten by the next run.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from brandwatch_cli.errors import Busy, StoreError


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
    handle = _open_lock(path)
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


def _open_lock(path: Path) -> TextIO:
    """The lock file, created if needed, never through a symbolic link (a link planted where
    the lock goes would have us overwrite its target); StoreError when it cannot be had."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError(f"refusing the lock file {path}: it is a symbolic link") from None
        reason = (exc.strerror or str(exc)).lower()
        raise StoreError(f"cannot create the lock file {path}: {reason}") from None
    return os.fdopen(fd, "r+", encoding="utf-8")
