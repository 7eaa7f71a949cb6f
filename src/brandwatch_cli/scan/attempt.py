"""One source's attempt in a scan: whether to make it, what it starts from, how it ends.

Policy only: these functions read no database and make no request (the engine does both).

- decide: a source that keeps failing is skipped until its backoff expires (``held_back``);
- start: validators of conditional GETs hold only while what the source's items are matched
  against stays the same (``keywords_hash``);
- fetch: the source's expected failures become a status, and what it read before failing is
  kept (``fetch``); anything else is a bug and propagates;
- record: failures counted, the next attempt scheduled (``next_state``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import (
    FAILED,
    OK,
    RATE_LIMITED,
    SKIPPED,
    UNCHANGED,
    Config,
    Item,
    SourceConfig,
    SourceOutcome,
    Validators,
)
from brandwatch_cli.sources import Source
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.http import Fetcher
from brandwatch_cli.sources.response import Unchanged
from brandwatch_cli.store import SourceState, iso

#: A failing source is retried at the next scan, then after 15 min, 30 min, 1 h ... at most 1 day.
BACKOFF_START = timedelta(minutes=15)
BACKOFF_MAX = timedelta(days=1)
RATE_LIMIT_PAUSE = timedelta(minutes=15)


@dataclass(frozen=True)
class Attempt:
    """A source being tried: where it starts from, and the tools it fetches with."""

    config: SourceConfig
    #: As the previous scans left it.
    state: SourceState
    started_at: datetime
    #: ``time.monotonic()`` at the start, for the duration in the scan log.
    started: float
    keywords_hash: str
    #: The conditional-GET validators and the cursors the attempt starts from.
    validators: Mapping[str, Validators]
    cursors: Mapping[str, str]
    fetcher: Fetcher
    ctx: FetchContext


@dataclass(frozen=True)
class Fetched:
    """How a source's fetch ended: its items (what it read before failing, on failure), a
    status, the error message and how long the service asked us to wait."""

    items: Sequence[Item]
    status: str
    error: str | None = None
    retry_after: float | None = None

    @property
    def succeeded(self) -> bool:
        return self.status in (OK, UNCHANGED)


def held_back(state: SourceState, now: datetime) -> SourceOutcome | None:
    """The ``skipped`` line of a source still backing off at ``now``; None if it may go."""
    if not (state.next_attempt and state.next_attempt > (iso(now) or "")):
        return None
    reason = state.last_error or "failing"
    return SourceOutcome(
        state.source,
        SKIPPED,
        error=f"backing off until {state.next_attempt} after {state.failures}"
        f" failure{'s' if state.failures != 1 else ''} ({reason})",
        held_by=state.status,
    )


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


async def fetch(source: Source, ctx: FetchContext) -> Fetched:
    """Run the source (it fetches and parses); a SourceError or ``Unchanged`` is a status."""
    try:
        return Fetched(await source.fetch(ctx), OK)
    except Unchanged:
        return Fetched((), UNCHANGED)
    except RateLimited as exc:
        return Fetched(exc.partial, RATE_LIMITED, str(exc), exc.retry_after)
    except SourceError as exc:
        return Fetched(exc.partial, FAILED, str(exc))


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


def next_state(attempt: Attempt, fetched: Fetched, finished: datetime) -> SourceState:
    """What the database remembers of the source after this attempt: a success resets the
    failures (and keeps where the source moved to), a failure schedules the next try."""
    state, config = attempt.state, attempt.config
    succeeded = fetched.succeeded
    failures = 0 if succeeded else state.failures + 1
    wait = fetched.retry_after
    if fetched.status == RATE_LIMITED and wait is None:
        wait = RATE_LIMIT_PAUSE.total_seconds()
    next_attempt = None if succeeded else backoff_until(failures, finished, wait)
    return SourceState(
        config.name,
        config.type,
        last_attempt=iso(attempt.started_at),
        last_success=iso(finished) if succeeded else state.last_success,
        status=fetched.status,
        last_error=fetched.error,
        failures=failures,
        next_attempt=iso(next_attempt),
        moved_to=attempt.fetcher.moved.get(config.url or "") if succeeded else state.moved_to,
    )
