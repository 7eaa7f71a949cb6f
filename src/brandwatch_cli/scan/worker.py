"""``brandwatch worker``: fetch the sources that are due, sharing them with other workers.

A source is due when its ``interval:`` (plus a jitter of up to 10%, fixed per source name so
that sources spread out) has passed since its last fetch, and it is not backing off after
failures. Every worker of a database (several on one machine with SQLite, on many with
PostgreSQL) runs rounds: it schedules the configured sources (``schedule_sources``), then
claims due ones ``concurrency`` at a time (half the slots free: claim again) for the length of
a lease, which it renews while it fetches; each claimed source goes through the very phases of
a scan (``engine.source_scanner``), and its lease is released, with its next due time, once
its fetch is stored. A worker that dies stops renewing: its leases lapse and another worker's
next round takes those sources. A round stopped (SIGTERM) abandons its fetches and gives their
leases back at once, still due.

Workers never take the ``scan`` lock file: ``scan`` keeps fetching every selected source, one
scan at a time.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import socket
import time
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import UTC, datetime, timedelta

from brandwatch_cli.models import FAILED, Config, ScanResult, SourceOutcome
from brandwatch_cli.scan.engine import source_scanner
from brandwatch_cli.sources.http import HttpClient
from brandwatch_cli.store import MentionStore

#: How long a claim holds a source unless renewed (every third of it while fetching).
DEFAULT_LEASE_S = 120.0
#: A source's interval is stretched by up to this share, the same for the same name.
JITTER = 0.10
#: A waiting worker looks again at least this often (new due sources, lapsed leases).
MAX_PAUSE_S = 30.0
MIN_PAUSE_S = 0.5


def worker_id() -> str:
    """``host:pid:random``: which process holds a lease, readable in the database."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def every_seconds(name: str, interval: timedelta) -> int:
    """Seconds between fetches of source ``name``: its interval plus a jitter of up to
    ``JITTER`` of it, derived from the name, so that a hundred sources of one interval do not
    all fall due in the same second, and each keeps its own rhythm from run to run."""
    share = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") / 2**32
    return max(1, round(interval.total_seconds() * (1 + JITTER * share)))


class Worker:
    """One worker process's rounds over a database, with one HTTP client for its life."""

    def __init__(
        self,
        config: Config,
        store: MentionStore,
        http: HttpClient,
        executor: Executor | None,
        *,
        name: str,
        lease_s: float = DEFAULT_LEASE_S,
        concurrency: int | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.store = store
        self.http = http
        self.executor = executor
        self.name = name
        self.lease_s = lease_s
        self.limit = max(1, concurrency or config.concurrency)
        self.now = now
        self.sources = {s.name: s for s in config.sources}
        self.every = {s.name: every_seconds(s.name, s.interval) for s in config.sources}
        self.ranks = {s.name: rank for rank, s in enumerate(config.sources)}

    async def run(self, *, once: bool, after_round: Callable[[ScanResult], None]) -> None:
        """Rounds until cancelled (SIGTERM, Ctrl-C), or one round with ``once``;
        ``after_round`` hears of each round that fetched something."""
        while True:
            result = await self.round()
            if result is not None:
                after_round(result)
            if once:
                return
            await asyncio.sleep(self.pause())

    async def round(self) -> ScanResult | None:
        """Fetch what is due now, claiming until nothing due then is left (a lease that
        lapses meanwhile included); None when nothing was.
        Cancelled, it abandons its fetches and releases their leases, still due."""
        store = self.store
        begun = self.now()
        store.schedule_sources(self.every, begun)
        running: dict[asyncio.Task[SourceOutcome], tuple[str, datetime]] = {}
        outcomes: list[SourceOutcome] = []
        scan_id: int | None = None
        status = "interrupted"
        renewed = time.monotonic()
        try:
            while True:
                free = self.limit - len(running)
                if 2 * free >= self.limit:
                    claimed = self.claim(free, begun)
                    if claimed and scan_id is None:
                        scan_id = store.start_scan(self.now())
                    if claimed and scan_id is not None:
                        scanner = source_scanner(
                            self.config, store, self.http, scan_id, self.executor, self.now
                        )
                        started = self.now()
                        for name in claimed:
                            task = asyncio.create_task(scanner(self.sources[name]))
                            running[task] = (name, started)
                if not running:
                    break
                done, _ = await asyncio.wait(
                    running, timeout=self.lease_s / 3, return_when=asyncio.FIRST_COMPLETED
                )
                if time.monotonic() - renewed >= self.lease_s / 3:
                    store.renew(self.name, self.now(), self.lease_s)
                    renewed = time.monotonic()
                for task in done:
                    name, started = running.pop(task)
                    outcomes.append(task.result())  # a bug or a database error propagates
                    next_due = started + timedelta(seconds=self.every[name])
                    store.release(self.name, [name], {name: next_due})
            status = "failed" if any(o.status == FAILED for o in outcomes) else "ok"
        finally:
            await self.abandon(running)
            if scan_id is not None:
                store.finish_scan(scan_id, self.now(), status)
        if scan_id is None:
            return None
        outcomes.sort(key=lambda o: self.ranks.get(o.source, len(self.ranks)))
        return ScanResult(scan_id, tuple(outcomes))

    def claim(self, free: int, begun: datetime) -> list[str]:
        """Up to ``free`` sources of this worker's config that were due when the round
        ``begun`` (one due again since, a short interval, waits for the next round). One
        that only another config knows (being removed, or workers with different configs)
        goes back, due a pause later, so that it does not come back in this round."""
        names = self.store.claim_due(self.name, self.now(), self.lease_s, free, due_by=begun)
        foreign = [name for name in names if name not in self.sources]
        if foreign:
            later = self.now() + timedelta(seconds=MAX_PAUSE_S)
            self.store.release(self.name, foreign, dict.fromkeys(foreign, later))
        return [name for name in names if name in self.sources]

    async def abandon(
        self, running: dict[asyncio.Task[SourceOutcome], tuple[str, datetime]]
    ) -> None:
        """Stop unfinished fetches and give their leases back, still due."""
        if not running:
            return
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        self.store.release(self.name, [name for name, _ in running.values()])

    def pause(self) -> float:
        """Seconds until a source may next be claimed, within [MIN_PAUSE_S, MAX_PAUSE_S]."""
        moment = self.store.next_claimable()
        if moment is None:
            return MAX_PAUSE_S
        wait = (moment - self.now()).total_seconds()
        return min(MAX_PAUSE_S, max(MIN_PAUSE_S, wait))


async def run_worker(
    config: Config,
    store: MentionStore,
    executor: Executor | None,
    *,
    once: bool,
    after_round: Callable[[ScanResult], None],
    lease_s: float = DEFAULT_LEASE_S,
    concurrency: int | None = None,
    name: str | None = None,
) -> None:
    """A worker's life (``Worker.run``) with its HTTP client."""
    limit = max(1, concurrency or config.concurrency)
    async with HttpClient(config.http, concurrency=limit) as http:
        worker = Worker(
            config,
            store,
            http,
            executor,
            name=name or worker_id(),
            lease_s=lease_s,
            concurrency=limit,
        )
        await worker.run(once=once, after_round=after_round)
