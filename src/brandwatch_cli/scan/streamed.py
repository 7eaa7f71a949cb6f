"""A big local file through the scan's phases a batch at a time (issue 12: big local files).

A source type that can read a local file in batches (``open_batches``, see ``sources.files``)
is not fetched whole: each batch of rows is matched, deduplicated, scored and stored (one
transaction) before the next is read, so memory stays that of one batch whatever the file's
size, and a scan killed half-way keeps the batches it stored; the rows' keys (the entry ids)
make a rescan skip them. The scan-log line and the source's state come last, as for any
source (``_Scan.record``). What each batch goes through is the engine's; this module only
pulls the batches and turns the reading's end into a ``Fetched``, and holds a batch being
analysed while the one before it is stored (``Pending``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import FAILED, OK, UNCHANGED, Item
from brandwatch_cli.scan.attempt import Fetched
from brandwatch_cli.scan.candidates import Candidate, Parsed
from brandwatch_cli.sources.context import contained
from brandwatch_cli.sources.files import FileBatches
from brandwatch_cli.sources.response import Unchanged
from brandwatch_cli.store import NewMention

#: ``on_progress(source, rows read, bytes read, file size)``, after each batch is stored.
Progress = Callable[[str, int, int, int], None]


async def read_in_batches(
    source: Any,
    ctx: Any,
    name: str,
    store_batch: Callable[[Sequence[Item]], Awaitable[None]],
    on_progress: Progress | None = None,
) -> Fetched | None:
    """Read ``source``'s file in batches, handing each to ``store_batch``; None when the
    source reads no local file that way (fetch it whole). A failure half-way is the source's
    failure; what was stored before it stays."""
    opener: Callable[[Any], Awaitable[FileBatches | None]] | None
    opener = getattr(source, "open_batches", None)
    if opener is None:
        return None
    rows = 0
    try:
        batches = await opener(ctx)
        if batches is None:
            return None
        while (
            batch := await asyncio.to_thread(contained, next, batches.batches, None)
        ) is not None:
            rows += len(batch)
            await store_batch(batch)
            if on_progress is not None:
                on_progress(name, rows, batches.position(), batches.size)
        status, error = OK, None
    except Unchanged:
        return Fetched((), UNCHANGED)
    except SourceError as exc:
        status, error = FAILED, str(exc)
    read = Parsed()
    read.total = rows
    return Fetched(read, status, error)


class Pending:
    """A batch whose analysis runs in the workers (its parts started now, as tasks) while
    the batch before it is stored: what it holds until it is stored in turn."""

    def __init__(
        self,
        items: Sequence[Item],
        candidates: Sequence[Candidate],
        parts: Sequence[Coroutine[Any, Any, list[NewMention]]],
    ) -> None:
        self.items = items
        self.tasks = [asyncio.ensure_future(part) for part in parts]
        self.ids = {c.item.entry_id for c in candidates}
        self.urls = {c.canonical_url for c in candidates} - {None}

    def overlaps(self, candidates: Sequence[Candidate]) -> bool:
        """Whether ``candidates`` share an entry id or a page with this batch's: then they
        are deduplicated only once it is stored (the store's answer may change with it)."""
        return any(c.item.entry_id in self.ids or c.canonical_url in self.urls for c in candidates)

    async def mentions(self) -> list[NewMention]:
        """The batch's analysed mentions, in its order; a part's failure is the batch's."""
        try:
            scored = await asyncio.gather(*self.tasks)
        except BaseException:
            self.cancel()
            raise
        return [mention for part in scored for mention in part]

    def cancel(self) -> None:
        """Stop the parts still running; a part that failed already has its error read (it
        is the batch before's failure that is reported)."""
        for task in self.tasks:
            if task.done() and not task.cancelled():
                task.exception()
            task.cancel()
