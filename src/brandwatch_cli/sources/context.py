"""What a source gets to do its job: its view of the network, its state, and where to parse.

A source fetches through ``ctx.fetcher`` (``http``: transport only) and parses off the event
loop through ``ctx.run`` or ``ctx.parse``, so one source's parsing never stalls the others'
downloads. This module neither fetches nor matches: what ``parse`` may drop is decided by the
scan, which hands in its ``prefilter``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from brandwatch_cli.models import Item
from brandwatch_cli.sources.http import Fetcher

T = TypeVar("T")

#: ``prefilter(parse, args)``: ``parse(*args)``, minus the items that cannot be mentions; the
#: result's ``total`` attribute says how many the document held. Runs where the parser runs
#: (a worker process on big scans), so it must pickle: a module-level function or a partial.
Prefilter = Callable[[Callable[..., Sequence[Item]], tuple[Any, ...]], Sequence[Item]]


@dataclass
class FetchContext:
    """What a source gets to do its job.

    ``cursors`` holds the source's incremental state (e.g. the newest timestamp seen per
    keyword); a source reads and updates it, and the scan stores it only if the source succeeds.
    """

    fetcher: Fetcher
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    cursors: dict[str, str] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    executor: Executor | None = None
    #: When set, ``parse`` runs its parser through it, where it parses.
    prefilter: Prefilter | None = None

    def run(self, func: Callable[..., T], *args: Any) -> Awaitable[T]:
        """Run ``func(*args)`` off the event loop, so parsing never stalls other downloads."""
        return asyncio.get_running_loop().run_in_executor(self.executor, func, *args)

    async def parse(self, func: Callable[..., Sequence[Item]], *args: Any) -> Sequence[Item]:
        """Run a parser off the event loop, like ``run``.

        The result may leave out items that cannot be mentions (no keyword named in title or
        text); its ``total`` attribute then says how many entries the document held. Use it
        for parsers whose items need no further processing by the source.
        """
        if self.prefilter is None:
            return await self.run(func, *args)
        return await self.run(self.prefilter, func, args)
