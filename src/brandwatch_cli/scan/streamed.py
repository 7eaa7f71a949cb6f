"""A big local file through the scan's phases a batch at a time (issue 12: big local files).

A source type that can read a local file in batches (``open_batches``, see ``sources.files``)
is not fetched whole: each batch of rows is matched, deduplicated, scored and stored (one
transaction) before the next is read, so memory stays that of one batch whatever the file's
size, and a scan killed half-way keeps the batches it stored; the rows' keys (the entry ids)
make a rescan skip them. The scan-log line and the source's state come last, as for any
source (``_Scan.record``). What each batch goes through is the engine's; this module only
pulls the batches and turns the reading's end into a ``Fetched``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import FAILED, OK, UNCHANGED, Item
from brandwatch_cli.scan.attempt import Fetched
from brandwatch_cli.scan.candidates import Parsed
from brandwatch_cli.sources.context import contained
from brandwatch_cli.sources.files import FileBatches
from brandwatch_cli.sources.response import Unchanged

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
