"""Local files are not web responses: their own size bound, and big ones read in batches.

A source's ``max_size_mb`` (default 4096) bounds a local file it reads (``max_response_mb``
bounds what comes over the network). A type that can read a local file in batches (``csv``)
has ``open_batches``: the scan then matches, scores and stores each batch before reading the
next, so memory does not grow with the file. Whether the file changed since the last scan is
decided first, from its content hash (the validator a whole read stores too), read in chunks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item, SourceConfig, Validators
from brandwatch_cli.sources import SOURCE_TYPES, source_class
from brandwatch_cli.sources.local import MAX_FILE_BYTES, file_too_big, is_local, local_path
from brandwatch_cli.sources.options import OptionError
from brandwatch_cli.sources.response import Unchanged

if TYPE_CHECKING:  # the network code, imported only by the scans that fetch
    from brandwatch_cli.sources.http import Fetcher

MAX_SIZE_OPTION = "max_size_mb"
#: A local file read in batches from this size on is scored in worker processes.
BIG_FILE_BYTES = 4 * 1024 * 1024
#: Rows read, matched, scored and stored at a time (one transaction each).
BATCH_ROWS = 5_000
_CHUNK = 1 << 20


def file_limit(config: SourceConfig) -> int:
    """The bound, in bytes, of a local file the source reads; OptionError for a bad value."""
    value = config.options.get(MAX_SIZE_OPTION)
    if value is None:
        return MAX_FILE_BYTES
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1 << 20:
        raise OptionError(
            f"'{MAX_SIZE_OPTION}' of source {config.name!r} must be a size in MB from 1 to"
            f" 1048576, not {value!r}",
            MAX_SIZE_OPTION,
        )
    return int(value * 1024 * 1024)


def big_local_file(config: SourceConfig, base_dir: Path) -> bool:
    """Whether the source reads a local file in batches (its type has ``open_batches``) that
    is big enough for worker processes to pay off. Reads nothing but the file's size."""
    if not config.url or not is_local(config.url) or config.type not in SOURCE_TYPES:
        return False
    if not hasattr(source_class(config.type), "open_batches"):
        return False
    try:
        return local_path(config.url, base_dir).stat().st_size >= BIG_FILE_BYTES
    except OSError:
        return False


@dataclass
class FileBatches:
    """A local file's items, a batch at a time. Reading blocks: pull ``batches`` off the
    event loop. ``position`` says how many of the file's ``size`` bytes were read."""

    batches: Iterator[list[Item]]
    size: int
    position: Callable[[], int]


def changed_file(fetcher: Fetcher, url: str) -> Path:
    """The file ``url`` names, if it changed since the last scan: within the source's bound,
    its content hash kept in ``fetcher.learned`` (as a whole read keeps it). ``Unchanged``
    when its content is the one seen last time; SourceError when it cannot be read."""
    path = local_path(url, fetcher.base_dir)
    digest = hashlib.sha256()
    try:
        size = path.stat().st_size
        if size > fetcher.max_file_bytes:
            raise file_too_big(fetcher.max_file_bytes)
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        raise SourceError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise SourceError(f"is a directory, not a file: {path}") from None
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}") from None
    content_hash = digest.hexdigest()
    previous = fetcher.validators.get(url)
    fetcher.learned[url] = Validators(content_hash=content_hash)
    if previous is not None and previous.content_hash == content_hash:
        raise Unchanged
    return path
