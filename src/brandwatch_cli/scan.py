"""A scan: fetch every source concurrently, keep what names a keyword, store it once.

Per source: fetch + parse (the source) -> match -> dedupe keys -> skip what is stored ->
score -> one transaction. A source that fails becomes a row in the result, never an aborted
scan. CPU-heavy steps run off the event loop so slow parsing never stalls other downloads.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from brandwatch_cli import sentiment
from brandwatch_cli.dedupe import canonical_url, fingerprint
from brandwatch_cli.errors import BrandwatchError, ConfigError, RateLimited, SourceError
from brandwatch_cli.fetching import FetchContext, Fetcher, new_client
from brandwatch_cli.matching import KeywordMatch, Matcher
from brandwatch_cli.models import Config, Item, SourceConfig
from brandwatch_cli.sources import build_source
from brandwatch_cli.store import MentionStore, NewMention, SourceOutcome

DEFAULT_CONCURRENCY = 8
#: Sentiment reads the title and this much of the text: enough to judge, bounded in cost.
SCORED_TEXT_CHARS = 10_000

OK = "ok"
FAILED = "failed"
RATE_LIMITED = "rate limited"


@dataclass(frozen=True)
class ScanResult:
    """What a scan did, source by source, in config order."""

    scan_id: int
    outcomes: tuple[SourceOutcome, ...]

    @property
    def new_mentions(self) -> int:
        return sum(o.new_mentions for o in self.outcomes)

    @property
    def failed(self) -> tuple[SourceOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status != OK)


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


@dataclass(frozen=True)
class Candidate:
    """An item that names a keyword, with the keys that decide whether it is new."""

    item: Item
    matches: tuple[KeywordMatch, ...]
    canonical_url: str | None
    fingerprint: str | None


def prepare(items: Sequence[Item], matcher: Matcher) -> list[Candidate]:
    """The items that name at least one keyword, with their dedupe keys."""
    return [
        Candidate(item, tuple(matches), canonical_url(item.url), fingerprint(item.title, item.text))
        for item in items
        if (matches := matcher.match(item.title, item.text))
    ]


def score_item(item: Item) -> float:
    """Compound sentiment of the title and (the start of) the text, scored once."""
    text = "\n".join(part for part in (item.title, item.text[:SCORED_TEXT_CHARS]) if part)
    return sentiment.score(text)


def _score_all(items: Sequence[Item]) -> list[float]:
    return [score_item(item) for item in items]


async def _scan_one(
    config: SourceConfig,
    config_all: Config,
    ctx: FetchContext,
    matcher: Matcher,
    store: MentionStore,
    scan_id: int,
    now: Callable[[], datetime],
) -> SourceOutcome:
    started = time.monotonic()
    source = build_source(config, config_all.keywords)
    try:
        items = await source.fetch(ctx)
    except RateLimited as exc:
        outcome = SourceOutcome(config.name, RATE_LIMITED, error=str(exc))
    except SourceError as exc:
        outcome = SourceOutcome(config.name, FAILED, error=str(exc))
    else:
        prepared = await ctx.run(prepare, items, matcher)
        known = store.known(
            config.name, [(c.item.entry_id, c.canonical_url, c.fingerprint) for c in prepared]
        )
        fresh = [c for index, c in enumerate(prepared) if index not in known]
        scores = await ctx.run(_score_all, [c.item for c in fresh])
        mentions = [
            NewMention(
                c.item, c.matches, c.canonical_url, c.fingerprint, score, sentiment.label(score)
            )
            for c, score in zip(fresh, scores, strict=True)
        ]
        outcome = SourceOutcome(config.name, OK, entries=len(items), matched=len(prepared))
        outcome = replace(outcome, duration_s=time.monotonic() - started)
        new = store.save_batch(scan_id, config.name, mentions, outcome, now())
        return replace(outcome, new_mentions=new)
    outcome = replace(outcome, duration_s=time.monotonic() - started)
    store.save_batch(scan_id, config.name, (), outcome, now())
    return outcome


async def scan_async(
    config: Config,
    store: MentionStore,
    *,
    sources: Sequence[SourceConfig] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_source_done: Callable[[SourceOutcome], None] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> ScanResult:
    """Scan ``sources`` (default: all) into ``store``; see the module docstring."""
    selected = tuple(config.sources if sources is None else sources)
    matcher = Matcher(config.keywords)
    scan_id = store.start_scan(now())
    limit = asyncio.Semaphore(max(1, concurrency))
    status = "interrupted"
    try:
        async with new_client(max_connections=max(1, concurrency)) as client:
            ctx = FetchContext(Fetcher(client, base_dir=config.path.parent))

            async def run(source_config: SourceConfig) -> SourceOutcome:
                async with limit:
                    outcome = await _scan_one(
                        source_config, config, ctx, matcher, store, scan_id, now
                    )
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
    concurrency: int = DEFAULT_CONCURRENCY,
    on_source_done: Callable[[SourceOutcome], None] | None = None,
) -> ScanResult:
    """Synchronous entry point: see ``scan_async``."""
    return asyncio.run(
        scan_async(
            config, store, sources=sources, concurrency=concurrency, on_source_done=on_source_done
        )
    )
