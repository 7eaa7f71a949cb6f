"""Reads spread over threads, each on a connection of its own to the same database.

A connection runs one statement at a time, and Python's sqlite3 and psycopg let go of the
GIL while a statement runs: two connections read on two cores. A report uses this for its
themes (one keyword a task), whose full-text counts are most of a month's report, while its
own connection computes the other sections.

The other connections open their own snapshots, after the caller's: what the caller wants
them to see it bounds itself (a report gives them its last mention id, so that a scan
writing meanwhile adds nothing to one section that another lacks).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

if TYPE_CHECKING:  # the pool's modules load with its first task: most reads need none
    from concurrent.futures import Future, ThreadPoolExecutor


class Connected(Protocol):
    """What a reader is: a store (``store.base``) that can open another connection to its
    database, interrupt its statement from another thread, and close."""

    def sibling(self) -> Self: ...

    def interrupt(self) -> None: ...

    def close(self) -> None: ...


S = TypeVar("S", bound=Connected)
R = TypeVar("R")


class Readers(Generic[S]):
    """Up to ``workers`` threads, each reading through its own ``store.sibling()``, opened
    at its first task and closed with the pool. A context manager: leaving it waits for the
    tasks still running (interrupted first when leaving on an error, Ctrl-C included)."""

    def __init__(self, store: S, workers: int) -> None:
        self.store = store
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._opened: list[S] = []
        self._tasks: list[Future[Any]] = []
        self._lock = threading.Lock()

    def __enter__(self) -> Readers[S]:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        try:
            if self._pool is not None:
                if kind is not None:
                    self._stop()
                self._pool.shutdown(wait=True, cancel_futures=True)
        finally:
            for reader in self._opened:
                reader.close()
            self._opened.clear()

    def _stop(self) -> None:
        """Cancel the tasks not started and interrupt those running, until none runs (an
        interrupt between two statements of a task is lost: the next one is interrupted)."""
        from concurrent.futures import wait

        for task in self._tasks:
            task.cancel()
        running = [task for task in self._tasks if not task.done()]
        while running:
            with self._lock:
                for reader in self._opened:
                    reader.interrupt()
            running = list(wait(running, timeout=0.05).not_done)

    def submit(self, task: Callable[[S], R]) -> Future[R]:
        """Run ``task(reader)`` on one of the threads, ``reader`` its own connection."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="brandwatch-reader")
        future = self._pool.submit(self._run, task)
        self._tasks.append(future)
        return future

    def _run(self, task: Callable[[S], R]) -> R:
        reader: S | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = self.store.sibling()
            with self._lock:
                self._opened.append(reader)
            self._local.reader = reader
        return task(reader)
