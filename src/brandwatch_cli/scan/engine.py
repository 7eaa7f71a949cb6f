"""A scan: fetch every source concurrently, keep what names a keyword, store it once.

Before fetching, entries past their retention are dropped and, when the keywords changed since
the last scan, stored entries and mentions are re-matched (``rematch``).

Each source goes through the same phases (``_Scan.source``), one small method each:

1. decide: skip a source still backing off after failures (``attempt.held_back``);
2. fetch and parse: the source's own business, with its validators and cursors; on big scans
   parsing runs in worker processes (``pool``), which already drop entries naming no keyword;
3. match: which items name which keywords, with their dedupe keys (``candidates``; a feed's
   are built in the same trip as its parsing);
4. dedupe: drop what is stored already; group the rest by story, the earliest published
   copy of each its face (``dedupe.group_stories``);
5. analyze: language, keywords allowed in it, sentiment (the mention's and each keyword's), of
   each face (copies need none);

(a big local file goes through 3-5 and its mentions' storage a batch at a time: ``streamed``)
6. store and record: one transaction holding the mentions, every entry fetched (kept for
   re-matching), the scan-log line and the source's state (validators, cursors, failures,
   next attempt). There the store decides, against what it holds, whether a face is a new
   story, a copy of a stored one, or its earlier face (ties: config order), so the order in
   which sources finish changes nothing.

A source that fails becomes a row in the result, never an aborted scan; what it read before
failing is still stored, and one that keeps failing is skipped until its backoff expires. Work
that crashes off the event loop (a parser's or the analyzer's bug, a worker process that dies)
fails its source only (``FetchContext.run``); a mention whose scoring crashes is stored unscored
and its source reported failed, so one bad text never costs the batch.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

from brandwatch_cli import language
from brandwatch_cli.analysis import analyze_all, rating_scale
from brandwatch_cli.errors import BrandwatchError, ConfigError, SourceError
from brandwatch_cli.models import FAILED, Config, Item, ScanResult, SourceConfig, SourceOutcome
from brandwatch_cli.scan.attempt import (
    Attempt,
    Fetched,
    fetch,
    held_back,
    keywords_hash,
    next_state,
)
from brandwatch_cli.scan.candidates import (
    Candidate,
    Parsed,
    Story,
    new_mentions,
    parse_and_keep,
    prepare,
    unknown,
)
from brandwatch_cli.scan.learning import current_models
from brandwatch_cli.scan.pool import parsing_pool
from brandwatch_cli.scan.rematch import rematch
from brandwatch_cli.scan.rescore import current_version
from brandwatch_cli.scan.streamed import Pending, Progress, read_in_batches
from brandwatch_cli.sources import build_source
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.files import big_local_file, file_limit
from brandwatch_cli.sources.http import Fetcher, HttpClient
from brandwatch_cli.store import (
    MentionStore,
    NewMention,
    SourceMemory,
    SourceState,
)


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


#: Parts a batch of a big local file is scored in, at the same time (see ``pool``).
_BATCH_PARTS = 4


class _Scan:
    """One scan's shared state, and the phases every source goes through."""

    def __init__(
        self,
        config: Config,
        store: MentionStore,
        http: HttpClient,
        scan_id: int,
        now: Callable[[], datetime],
        force: bool,
        executor: Executor | None,
        on_progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.on_progress = on_progress
        self.store = store
        self.http = http
        self.scan_id = scan_id
        self.now = now
        self.force = force
        self.executor = executor
        self.models = current_models(store, config.lexicon)
        self.sentiment_version = current_version(config, self.models)
        self.states = store.source_states()
        self.validators = store.all_validators()
        self.cursors = store.all_cursors()
        self.env = dict(os.environ)
        self.ranks = {s.name: rank for rank, s in enumerate(config.sources)}
        #: Every parsed entry is stored for re-matching, unless retention keeps none.
        self.keep_entries = config.retention.entries_days > 0

    async def source(self, config: SourceConfig) -> SourceOutcome:
        """One source through every phase. Its failure is its outcome's status, not an
        exception; only a bug or a database error propagates."""
        started = time.monotonic()
        state = self.states.get(config.name) or SourceState(config.name, config.type)
        now = self.now()
        skipped = None if self.force else held_back(state, now)
        if skipped is not None:
            self.store.save_batch(self.scan_id, config.name, (), skipped, now)
            return skipped
        attempt = self.begin(config, state, now, started)
        source = build_source(config, self.config.keywords_for(config))
        streamed = await self.in_batches(attempt, source)
        if streamed is not None:
            return streamed
        fetched = await fetch(source, attempt.ctx)
        mentions: list[NewMention] = []
        matched = 0
        if fetched.items:
            try:
                candidates = await self.match(attempt, fetched.items)
                matched = len(candidates)
                stories = self.dedupe(config.name, candidates)
                mentions = await self.analyze(attempt, stories)
            except SourceError as exc:  # work that crashed off the event loop
                fetched = _failed(fetched, str(exc))
            fetched = _unscored(fetched, [m.error for m in mentions if m.error is not None])
        return self.record(attempt, fetched, matched, mentions)

    async def in_batches(self, attempt: Attempt, source: object) -> SourceOutcome | None:
        """A local file the source reads in batches (``streamed``): each batch through
        match, dedupe and analyze, and stored in its own transaction with its entries; then
        the source's line and state. None for a source read whole.

        A batch is stored while the workers analyse the next one (``Pending``): the store's
        work and the analysis share the cores instead of taking turns. The next batch is
        deduplicated before this one is stored only when no key of this one (entry id, page)
        is among its own, so that what the store would answer is the same."""
        name = attempt.config.name
        matched, new = [0], [0]
        errors: list[str] = []
        pending: list[Pending] = []  # at most one: analysed (or being analysed), not stored

        async def flush() -> None:
            if not pending:
                return
            batch = pending.pop()
            mentions = await batch.mentions()
            errors.extend(m.error for m in mentions if m.error is not None)
            new[0] += self.store.save_mentions(
                name,
                mentions,
                self.now(),
                ranks=self.ranks,
                entries=batch.items if self.keep_entries else (),
            )

        async def store_batch(items: Sequence[Item]) -> None:
            candidates = await self.match(attempt, items)
            matched[0] += len(candidates)
            if pending and pending[0].overlaps(candidates):
                await flush()
            stories = self.dedupe(name, candidates)
            # Scored in parts, so that every worker process takes one.
            size = max(1, -(-len(stories) // _BATCH_PARTS))
            parts = [stories[start : start + size] for start in range(0, len(stories), size)]
            batch = Pending(items, candidates, [self.analyze(attempt, part) for part in parts])
            await asyncio.sleep(0)  # the parts reach the workers before the store blocks
            try:
                await flush()
            except BaseException:
                batch.cancel()
                raise
            pending.append(batch)

        fetched = await read_in_batches(source, attempt.ctx, name, store_batch, self.on_progress)
        if fetched is None:
            return None
        try:
            await flush()  # the last batch, or the one read before a failure
        except SourceError as exc:
            fetched = _failed(fetched, str(exc))
        return self.record(attempt, _unscored(fetched, errors), matched[0], [], earlier=new[0])

    def begin(
        self, config: SourceConfig, state: SourceState, now: datetime, started: float
    ) -> Attempt:
        """The source's fetcher and context: its time budget, the validators stored under its
        current keywords, its cursors, and the prefilter its parsers run through (none for a
        source ``about`` a keyword: all its items are mentions). Makes no request."""
        digest = keywords_hash(self.config, config)
        validators = self.validators.get((config.name, digest), {})
        cursors = self.cursors.get(config.name, {})
        fetcher = Fetcher(
            self.http,
            self.config.path.parent,
            config.timeout,
            validators=validators,
            max_file_bytes=file_limit(config),
        )
        keep = partial(parse_and_keep, keywords=self.config.keywords, keep_all=self.keep_entries)
        ctx = FetchContext(
            fetcher,
            now=now,
            cursors=dict(cursors),
            env=self.env,
            executor=self.executor,
            prefilter=None if config.about else keep,
        )
        return Attempt(config, state, now, started, digest, validators, cursors, fetcher, ctx)

    async def match(self, attempt: Attempt, items: Sequence[Item]) -> list[Candidate]:
        """The items naming a keyword, with their dedupe keys; off the event loop, unless the
        parser's prefilter built them already. Does not look at the store."""
        if isinstance(items, Parsed):
            return list(items.candidates)
        about = attempt.config.about
        return await attempt.ctx.run(prepare, items, self.config.keywords, about)

    def dedupe(self, source: str, candidates: list[Candidate]) -> list[Story]:
        """The stories among candidates not stored already; see ``candidates.unknown``."""
        return unknown(self.store, source, candidates)

    async def analyze(self, attempt: Attempt, stories: list[Story]) -> list[NewMention]:
        """Language and sentiment of each story's face, off the event loop; a story none of
        whose keywords allows its face's language is dropped. One whose analysis failed keeps
        no sentiment version, so ``rescore`` scores it again. Stores nothing."""
        faces = [s.face for s in stories]
        analyses = await attempt.ctx.run(
            analyze_all,
            [(c.item, c.matches) for c in faces],
            self.config.keywords,
            self.config.lexicon,
            rating_scale(attempt.config),
            self.config.aspects,
            self.models,
        )
        return new_mentions(stories, analyses, self.sentiment_version)

    def record(
        self,
        attempt: Attempt,
        fetched: Fetched,
        matched: int,
        mentions: list[NewMention],
        earlier: int = 0,
    ) -> SourceOutcome:
        """Store the mentions, the scan-log line and what the source leaves for the next scan,
        in one transaction. A failed attempt keeps no validators or cursors (the next one
        reads everything again), but its mentions are stored. ``earlier``: new mentions
        stored by the source's earlier batches."""
        finished = self.now()
        succeeded = fetched.succeeded
        learned = attempt.fetcher.learned
        cursors = attempt.ctx.cursors
        memory = SourceMemory(
            next_state(attempt, fetched, finished),
            # A warm rescan (everything 304) rewrites only the source's state line.
            validators={u: v for u, v in learned.items() if attempt.validators.get(u) != v}
            if succeeded
            else {},
            keywords_hash=attempt.keywords_hash,
            cursors=cursors if succeeded and cursors != attempt.cursors else None,
        )
        items = fetched.items
        outcome = SourceOutcome(
            attempt.config.name,
            fetched.status,
            entries=getattr(items, "total", len(items)),
            matched=matched,
            error=fetched.error,
            duration_s=time.monotonic() - _first_request(attempt),
            new_mentions=earlier,
        )
        name = attempt.config.name
        entries = items if self.keep_entries else ()
        new = self.store.save_batch(
            self.scan_id,
            name,
            mentions,
            outcome,
            finished,
            memory,
            ranks=self.ranks,
            entries=entries,
        )
        return replace(outcome, new_mentions=new)


def _unscored(fetched: Fetched, errors: Sequence[str]) -> Fetched:
    """``fetched`` as a failure when mentions could not be scored (``errors``: why)."""
    if not errors:
        return fetched
    count = f"{len(errors)} mention{'s' if len(errors) != 1 else ''}"
    return _failed(fetched, f"could not score {count} ({errors[0]})")


def _failed(fetched: Fetched, reason: str) -> Fetched:
    """``fetched`` as a failure for ``reason``; a source failing already keeps its status."""
    if not fetched.succeeded:
        return replace(fetched, error=f"{fetched.error}; {reason}" if fetched.error else reason)
    return replace(fetched, status=FAILED, error=reason)


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
    on_progress: Progress | None = None,
) -> ScanResult:
    """Scan ``sources`` (default: all) into ``store``; see the module docstring.

    ``force`` fetches sources even while they are backing off after failures;
    ``on_progress`` hears of each batch of a local file read in batches.
    """
    selected = tuple(config.sources if sources is None else sources)
    limit = max(1, concurrency or config.concurrency)
    started = now()
    store.drop_entries_before(started - timedelta(days=config.retention.entries_days))
    rematched = rematch(store, config, started)
    scan_id = store.start_scan(started)
    # Requests are limited by the HTTP client (``limit`` at once, ``per_host`` per host); this
    # only bounds how many sources hold their parsed items in memory at the same time.
    slots = asyncio.Semaphore(limit * 4)
    status = "interrupted"
    try:
        async with HttpClient(config.http, concurrency=limit) as http:
            scan = _Scan(config, store, http, scan_id, now, force, executor, on_progress)

            async def run(source_config: SourceConfig) -> SourceOutcome:
                async with slots:
                    outcome = await scan.source(source_config)
                if on_source_done:
                    on_source_done(outcome)
                return outcome

            with store.summary_deferred():  # one refresh of the summary, not one a source
                outcomes = await asyncio.gather(*(run(s) for s in selected))
        result = ScanResult(scan_id, tuple(outcomes), rematched)
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
    on_progress: Progress | None = None,
) -> ScanResult:
    """Synchronous entry point: see ``scan_async``.

    Big scans parse in a pool of worker processes (one per core), so parsing uses every core
    while the event loop keeps downloading; small ones parse in a thread, sparing the start-up.
    """
    selected = tuple(config.sources if sources is None else sources)
    with scan_pool(config, store, selected) as executor:
        return asyncio.run(
            scan_async(
                config,
                store,
                sources=selected,
                concurrency=concurrency,
                force=force,
                on_source_done=on_source_done,
                executor=executor,
                on_progress=on_progress,
            )
        )


@contextmanager
def scan_pool(
    config: Config, store: MentionStore, selected: Sequence[SourceConfig]
) -> Iterator[Executor | None]:
    """The parsing pool a scan of ``selected`` uses (see ``pool``), forked before any event
    loop starts: ``run_scan``'s, and a ``worker``'s for its whole life."""
    big_file = any(big_local_file(s, config.path.parent) for s in selected)
    # A big file's batches are scored in the workers: they all need the model.
    models = language.warm_up if big_file else _models_needed(store, selected)
    with parsing_pool(len(selected), models, big_file=big_file) as executor:
        yield executor


def source_scanner(
    config: Config,
    store: MentionStore,
    http: HttpClient,
    scan_id: int,
    executor: Executor | None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Callable[[SourceConfig], Coroutine[None, None, SourceOutcome]]:
    """One source at a time through the very phases of a scan (``_Scan.source``), logged
    under ``scan_id``: how a ``worker`` fetches the sources it claimed. It reads the sources'
    state, validators and cursors once, now: make a new one for each batch of claims."""
    return _Scan(config, store, http, scan_id, now, False, executor).source


def _models_needed(
    store: MentionStore, sources: Sequence[SourceConfig]
) -> Callable[[], None] | None:
    """What the parsing workers of this scan should inherit loaded: the language model, when
    a source is read for the first time (everything it names is new, so mentions will be
    analysed). A rescan leaves it to the workers that detect a language, if any does."""
    states = store.source_states()
    unread = any(states.get(s.name, SourceState(s.name)).last_success is None for s in sources)
    return language.warm_up if unread else None


def _first_request(attempt: Attempt) -> float:
    """When the source's first request got its turn (``time.monotonic()``): the scan summary's
    time is the source's own work, not the time it queued behind other sources' requests."""
    fetcher = attempt.fetcher
    if fetcher.deadline is None:  # a local file, or nothing requested
        return attempt.started
    return max(attempt.started, fetcher.deadline - fetcher.timeout)
