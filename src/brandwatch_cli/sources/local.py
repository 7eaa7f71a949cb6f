"""Local files as sources (a plain path or a ``file://`` URL): which URLs name one, the file
they name, and their own size bound. No network code, so that loading a config or reading a
CSV never imports httpx."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from brandwatch_cli.errors import SourceError

#: A local file is not a web response: its own bound (``max_size_mb`` of a source), 4 GB unless set.
MAX_FILE_BYTES = 4096 * 1024 * 1024


def is_local(url: str) -> bool:
    """Whether ``url`` names a local file (a ``file://`` URL or a plain path)."""
    return "://" not in url or url.lower().startswith("file://")


def local_path(url: str, base_dir: Path) -> Path:
    """The file a ``file://`` URL or a (possibly relative) path names."""
    if url.lower().startswith("file://"):
        path = Path(unquote(urlsplit(url).path))
    else:
        path = Path(url).expanduser()
    return path if path.is_absolute() else base_dir / path


def file_too_big(max_bytes: int) -> SourceError:
    return SourceError(
        f"file larger than the {max_bytes / (1024 * 1024):g} MB limit (option 'max_size_mb')"
    )
