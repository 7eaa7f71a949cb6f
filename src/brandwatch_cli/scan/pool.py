"""The worker processes a big scan parses in.

Parsing a feed is CPU work: in a pool of processes (one per core, at most four) it uses every
core while the event loop keeps downloading. A small scan parses in a thread instead, sparing
the workers' start-up. This module only starts and stops the pool; what runs in it is the
scan's business (``FetchContext.run``).
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

#: Scans of at least this many sources parse in worker processes.
POOL_MIN_SOURCES = 8
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@contextmanager
def parsing_pool(
    sources: int,
    before_fork: Callable[[], None] | None = None,
    *,
    big_file: bool = False,
) -> Iterator[Executor | None]:
    """A process pool for a scan of ``sources`` sources, or None (parse in a thread) when the
    scan is small (and reads no ``big_file``, whose batches are scored in the workers) or the
    machine has one core. The workers are gone when the block exits. ``before_fork`` loads,
    in this process, what every worker would otherwise load on its own (they inherit it,
    sharing its memory)."""
    cores = os.cpu_count() or 1
    if (sources < POOL_MIN_SOURCES and not big_file) or cores < 2:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor  # multiprocessing: big scans only
    from multiprocessing import get_context

    if before_fork is not None:
        before_fork()

    # Fork the workers now, before the event loop starts any thread: forking a process that
    # runs threads can copy a held lock into the child. gc.freeze() keeps the children's
    # garbage collector off the inherited objects, so their pages stay shared.
    gc.freeze()
    pool = ProcessPoolExecutor(
        max_workers=min(cores, 4),
        mp_context=get_context("fork"),
        initializer=_worker_start,
    )
    try:
        pool.submit(int).result()
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_start() -> None:
    """A parsing worker dies with the scan: a killed scan leaves no orphan holding its pipes."""
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the scan's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the watchdog below still applies
        pass
    if os.getppid() != parent:
        os._exit(0)

    def watchdog() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watchdog, daemon=True).start()
