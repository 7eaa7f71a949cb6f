"""A scan: fetch every source concurrently, keep what names a keyword, store it once.

Per source: fetch + parse (the source) -> match -> dedupe keys -> skip what is stored ->
score -> one transaction holding the mentions, the scan-log line and the source's state
(validators, cursors, failures). A source that fails becomes a row in the result, never an
aborted scan; one that keeps failing is skipped until its backoff expires.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from multiprocessing import get_context

from brandwatch_cli import sentiment
from brandwatch_cli.analysis import analyze_all
from brandwatch_cli.dedupe import first_of_each_story
from brandwatch_cli.errors import BrandwatchError, ConfigError, RateLimited, SourceError
from brandwatch_cli.models import (
    FAILED,
    OK,
    RATE_LIMITED,
    SKIPPED,
    UNCHANGED,
    Config,
    Item,
    ScanResult,
    SourceConfig,
    SourceOutcome,
)
from brandwatch_cli.scan.candidates import parse_and_keep, prepare
from brandwatch_cli.sources import build_source
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.http import Fetcher, HttpClient, Unchanged
from brandwatch_cli.store import MentionStore, NewMention, SourceMemory, SourceState, iso

#: Scans of at least this many sources parse in worker processes.
POOL_MIN_SOURCES = 8
PR_SET_PDEATHSIG = 1  # linux/prctl.h
#: A failing source is retried at the next scan, then after 15 min, 30 min, 1 h ... at most 1 day.
BACKOFF_START = timedelta(minutes=15)
BACKOFF_MAX = timedelta(days=1)
RATE_LIMIT_PAUSE = timedelta(minutes=15)


def select_sources(config: Config, names: Sequence[str]) -> tuple[SourceConfig, ...]:
    """The configured sources named in ``names`` (all when empty); ConfigError on unknown ones."""
    if not names:
        return config.sources
    known = {s.name: s for s in config.sources}
    missing = [n for n in names if n not in known]
    if missing:
        raise ConfigError(
            f"unknown source {', '.join(repr(n) for n in missing)} (configured: {', '.join(known)})"
        )
    return tuple(s for s in config.sources if s.name in set(names))


def backoff_until(failures: int, now: datetime, wait: float | None = None) -> datetime | None:
    """When a source that failed ``failures`` times in a row may be tried again.

    The first failure is retried at the next scan; then 15 min, 30 min, 1 h... up to a day.
    A rate-limited source waits what the service asked (or 15 min).
    """
    if wait is not None:
        return now + timedelta(seconds=min(wait, BACKOFF_MAX.total_seconds()))
    if failures <= 1:
        return None
    delay: timedelta = min(BACKOFF_START * 2 ** (failures - 2), BACKOFF_MAX)
    return now + delay


def keywords_hash(config: Config, source: SourceConfig) -> str:
    """Changes whenever what the source's items are matched against changes: then the
    validators go and the next fetch reads everything again (a 304 would hide items that
    match only now)."""
    data: list[object] = [
        [k.name, k.terms, k.exclude, k.query, k.case_sensitive, k.require_any, k.languages]
        for k in config.keywords
    ]
    data.append([list(source.keywords), source.about, sorted(dict(source.options).items())])
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()[:16]


class _Scan:
    """One scan's shared state: what every source task needs."""

    def __init__(
        self,
        config: Config,
        store: MentionStore,
        http: HttpClient,
        scan_id: int,
        now: Callable[[], datetime],
        force: bool,
        executor: Executor | None,
    ) -> None:
        self.config = config
        self.store = store
        self.http = http
        self.scan_id = scan_id
        self.now = now
        self.force = force
        self.executor = executor
        lexicons = [config.lexicon, *(k.lexicon for k in config.keywords)]
        self.sentiment_version = sentiment.version(lexicons)
        self.states = store.source_states()
        self.validators = store.all_validators()
        self.cursors = store.all_cursors()
        self.env = dict(os.environ)

    async def source(self, config: SourceConfig) -> SourceOutcome:
        started = time.monotonic()
        state = self.states.get(config.name) or SourceState(config.name, config.type)
        now = self.now()
        if not self.force and state.next_attempt and state.next_attempt > (iso(now) or ""):
            reason = state.last_error or "failing"
            outcome = SourceOutcome(
                config.name,
                SKIPPED,
                error=f"backing off until {state.next_attempt} after {state.failures}"
                f" failure{'s' if state.failures != 1 else ''} ({reason})",
                held_by=state.status,
            )
            self.store.save_batch(self.scan_id, config.name, (), outcome, now)
            return outcome
        digest = keywords_hash(self.config, config)
        validators = self.validators.get((config.name, digest), {})
        cursors = self.cursors.get(config.name, {})
        fetcher = Fetcher(self.http, self.config.path.parent, config.timeout, validators=validators)
        keep = partial(parse_and_keep, keywords=self.config.keywords)
        ctx = FetchContext(
            fetcher,
            now=now,
            cursors=dict(cursors),
            env=self.env,
            executor=self.executor,
            prefilter=None
            if config.about
            else partial(parse_and_keep, keywords=self.config.keywords),
        )
        source = build_source(config, self.config.keywords_for(config))
        wait: float | None = None
        items: Sequence[Item] = ()
        try:
            items = await source.fetch(ctx)
            status, error = OK, None
        except Unchanged:
            status, error = UNCHANGED, None
        except RateLimited as exc:
            status, error, wait = RATE_LIMITED, str(exc), exc.retry_after
            items = exc.partial  # what was read before the failure is kept
        except SourceError as exc:
            status, error = FAILED, str(exc)
            items = exc.partial
        mentions: list[NewMention] = []
        matched = 0
        if items:
            prepared = await ctx.run(prepare, items, self.config.keywords, config.about)
            matched = len(prepared)
            keys = [(c.item.entry_id, c.canonical_url, c.fingerprint) for c in prepared]
            known = self.store.known(config.name, keys)
            fresh = [
                prepared[index]
                for index in first_of_each_story(keys)
                if index not in known  # stored by an earlier scan or another source
            ]
            analyses = await ctx.run(
                analyze_all,
                [(c.item, c.matches) for c in fresh],
                self.config.keywords,
                self.config.lexicon,
            )
            mentions = [
                NewMention(
                    c.item,
                    a.matches,
                    c.canonical_url,
                    c.fingerprint,
                    a.sentiment,
                    a.language,
                    self.sentiment_version,
                )
                for c, a in zip(fresh, analyses, strict=True)
                if a is not None  # no keyword holds in this language
            ]
        finished = self.now()
        succeeded = status in (OK, UNCHANGED)
        failures = 0 if succeeded else state.failures + 1
        if status == RATE_LIMITED and wait is None:
            wait = RATE_LIMIT_PAUSE.total_seconds()
        next_attempt = None if succeeded else backoff_until(failures, finished, wait)
        memory = SourceMemory(
            SourceState(
                config.name,
                config.type,
                last_attempt=iso(now),
                last_success=iso(finished) if succeeded else state.last_success,
                status=status,
                last_error=error,
                failures=failures,
                next_attempt=iso(next_attempt),
                moved_to=fetcher.moved.get(config.url or "") if succeeded else state.moved_to,
            ),
            # A warm rescan (everything 304) rewrites only the source's state line.
            validators={u: v for u, v in fetcher.learned.items() if validators.get(u) != v}
            if succeeded
            else {},
            keywords_hash=digest,
            cursors=ctx.cursors if succeeded and ctx.cursors != cursors else None,
        )
        outcome = SourceOutcome(
            config.name,
            status,
            entries=getattr(items, "total", len(items)),
            matched=matched,
            error=error,
            duration_s=time.monotonic() - started,
        )
        new = self.store.save_batch(self.scan_id, config.name, mentions, outcome, finished, memory)
        return replace(outcome, new_mentions=new)


async def scan_async(
    config: Config,
    store: MentionStore,
    *,
    sources: Sequence[SourceConfig] | None = None,
    concurrency: int | None = None,
    force: bool = False,
    on_source_done: Callable[[SourceOutcome], None] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    executor: Executor | None = None,
) -> ScanResult:
    """Scan ``sources`` (default: all) into ``store``; see the module docstring.

    ``force`` fetches sources even while they are backing off after failures.
    """
    selected = tuple(config.sources if sources is None else sources)
    limit = max(1, concurrency or config.concurrency)
    scan_id = store.start_scan(now())
    # Requests are limited by the HTTP client (``limit`` at once, ``per_host`` per host); this
    # only bounds how many sources hold their parsed items in memory at the same time.
    slots = asyncio.Semaphore(limit * 4)
    status = "interrupted"
    try:
        async with HttpClient(config.http, concurrency=limit) as http:
            scan = _Scan(config, store, http, scan_id, now, force, executor)

            async def run(source_config: SourceConfig) -> SourceOutcome:
                async with slots:
                    outcome = await scan.source(source_config)
                if on_source_done:
                    on_source_done(outcome)
                return outcome

            outcomes = await asyncio.gather(*(run(s) for s in selected))
        result = ScanResult(scan_id, tuple(outcomes))
        status = "failed" if result.failed else "ok"
        return result
    except BrandwatchError:
        status = "error"
        raise
    finally:
        try:
            store.finish_scan(scan_id, now(), status)
        except BrandwatchError:
            if status in ("ok", "failed"):
                raise


def run_scan(
    config: Config,
    store: MentionStore,
    *,
    sources: Sequence[SourceConfig] | None = None,
    concurrency: int | None = None,
    force: bool = False,
    on_source_done: Callable[[SourceOutcome], None] | None = None,
) -> ScanResult:
    """Synchronous entry point: see ``scan_async``.

    Big scans parse in a pool of worker processes (one per core), so parsing uses every core
    while the event loop keeps downloading; small ones parse in a thread, sparing the start-up.
    """
    selected = tuple(config.sources if sources is None else sources)
    with _parsing_pool(len(selected)) as executor:
        return asyncio.run(
            scan_async(
                config,
                store,
                sources=selected,
                concurrency=concurrency,
                force=force,
                on_source_done=on_source_done,
                executor=executor,
            )
        )


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


@contextmanager
def _parsing_pool(sources: int) -> Iterator[Executor | None]:
    cores = os.cpu_count() or 1
    if sources < POOL_MIN_SOURCES or cores < 2:
        yield None
        return
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
