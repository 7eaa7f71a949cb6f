"""What a source gets to do its job: its view of the network, its state, and where to parse.

A source fetches through ``ctx.fetcher`` (``http``: transport only) and parses off the event
loop through ``ctx.run`` or ``ctx.parse``, so one source's parsing never stalls the others'
downloads. Whatever that work raises, or a worker process dying under it, is a SourceError:
its source fails, the others go on. This module neither fetches nor matches: what ``parse``
may drop is decided by the scan, which hands in its ``prefilter``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item

if TYPE_CHECKING:  # the source types import this module, and loading a config imports them:
    # asyncio, the process pool's machinery and httpx load only with the scan that uses them.
    from concurrent.futures import Executor

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

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func(*args)`` off the event loop, so parsing never stalls other downloads.

        Any exception it raises arrives as a SourceError (``contained``), and so does a worker
        process that dies: the source fails, reported, and the scan goes on. Once a process
        pool is broken (``ProcessPoolExecutor`` sets its ``_broken`` flag), work runs in a
        thread, so the sources that come later are not failed by a worker that died before.
        """
        if self.executor is not None and getattr(self.executor, "_broken", False):
            self.executor = None  # a worker died earlier in this scan: the rest runs in threads
        import asyncio

        loop = asyncio.get_running_loop()
        if self.executor is None:  # the loop's threads: no worker process to die
            return await loop.run_in_executor(None, contained, func, *args)
        from concurrent.futures.process import BrokenProcessPool

        try:
            return await loop.run_in_executor(self.executor, contained, func, *args)
        except BrokenProcessPool:
            raise SourceError("a worker process died while reading its items") from None

    async def parse(self, func: Callable[..., Sequence[Item]], *args: Any) -> Sequence[Item]:
        """Run a parser off the event loop, like ``run``.

        The result may leave out items that cannot be mentions (no keyword named in title or
        text); its ``total`` attribute then says how many entries the document held. Use it
        for parsers whose items need no further processing by the source.
        """
        if self.prefilter is None:
            return await self.run(func, *args)
        return await self.run(self.prefilter, func, args)


def contained(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)``, any exception but a SourceError raised as one, where ``func`` runs.

    Not only for the message: an exception such as StopIteration cannot be set on the asyncio
    future that awaits the work, and the scan would wait for it forever.
    """
    try:
        return func(*args)
    except SourceError:
        raise
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise SourceError(f"could not read its items ({reason})") from None
