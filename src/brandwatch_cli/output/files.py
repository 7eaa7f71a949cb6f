"""Writing an output file (an export, a digest, a chart) so that nothing is left half-written.

A regular file is written beside itself and renamed into place: a killed run leaves the old
file or the new one, never half of one, and the new one keeps the old one's permissions.
A symbolic link is followed: the file it points to is replaced, the link stays. Anything else
that already exists (``/dev/null``, ``/dev/stdout``, a named pipe, a terminal) is written into
as it is: renaming over it would destroy a device or starve the reader of a pipe. An SQLite
database (or its write-ahead log) is never overwritten: ``export -o mentions.db`` is a slip of
the fingers, not a wish to lose every mention.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from brandwatch_cli.errors import BrandwatchError, ConfigError

Writer = Callable[[IO[Any]], int]

#: The first bytes of an SQLite database file and of its write-ahead log.
_SQLITE_MAGIC = (b"SQLite format 3\0", b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")


def write_output(path: Path, write: Writer, *, binary: bool = False) -> int:
    """Call ``write(handle)`` on a handle to ``path``; its result, as an int, is returned
    (the number of rows written, for the caller's message)."""
    try:
        info: os.stat_result | None = path.stat()
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode) and _is_sqlite(path):
        raise ConfigError(f"{path} is an SQLite database: not overwriting it with the output")
    try:
        if info is not None and not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(21, "Is a directory")
            with _open(path, binary) as handle:
                return int(write(handle))
        # A link is followed even when it points nowhere yet: its target is created.
        target = Path(os.path.realpath(path)) if info is not None or path.is_symlink() else path
        return _replace(target, write, binary, info)
    except OSError as exc:
        raise BrandwatchError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _open(path: Path, binary: bool) -> IO[Any]:
    return open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="")


def _replace(path: Path, write: Writer, binary: bool, info: os.stat_result | None) -> int:
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        handle = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with handle:
            # mkstemp's 0600 would hide an export or a digest from whoever else reads it.
            os.fchmod(handle.fileno(), _mode(info))
            count = int(write(handle))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return count


def _mode(info: os.stat_result | None) -> int:
    """The replaced file's mode, or what a new file gets under the umask."""
    if info is not None:
        return info.st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return False
    return head.startswith(_SQLITE_MAGIC)
