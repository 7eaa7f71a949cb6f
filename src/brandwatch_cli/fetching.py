"""Getting bytes from a URL or a local file, within limits.

Only transport: no parsing, no knowledge of feeds. Every failure becomes a SourceError whose
message a person can act on ("HTTP 404 Not Found", "timed out after 5s").
"""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import httpx

from brandwatch_cli import __version__
from brandwatch_cli.errors import RateLimited, SourceError

T = TypeVar("T")

USER_AGENT = f"brandwatch-cli/{__version__} (+https://pypi.org/project/brandwatch-cli/)"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class Response:
    """A complete, successful response body and the headers that describe it."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes


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


def _too_big(max_bytes: int) -> SourceError:
    return SourceError(f"response larger than the {max_bytes // (1024 * 1024) or 1} MB limit")


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Fetcher:
    """Reads URLs with one shared async HTTP client, and local files, with a size cap."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_dir: Path,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.client = client
        self.base_dir = base_dir
        self.max_bytes = max_bytes

    async def get(
        self, url: str, *, timeout: float, headers: Mapping[str, str] | None = None
    ) -> Response:
        """Fetch ``url`` whole; the ``timeout`` bounds the entire exchange, not each read."""
        if is_local(url):
            return await asyncio.to_thread(self._read_file, url)
        try:
            async with asyncio.timeout(timeout):
                return await self._get_http(url, timeout, headers or {})
        except TimeoutError:
            raise SourceError(f"timed out after {timeout:g}s") from None

    def _read_file(self, url: str) -> Response:
        path = local_path(url, self.base_dir)
        try:
            with path.open("rb") as handle:
                content = handle.read(self.max_bytes + 1)
        except FileNotFoundError:
            raise SourceError(f"file not found: {path}") from None
        except IsADirectoryError:
            raise SourceError(f"is a directory, not a feed file: {path}") from None
        except OSError as exc:
            raise SourceError(f"cannot read {path}: {exc.strerror}") from None
        if len(content) > self.max_bytes:
            raise _too_big(self.max_bytes)
        return Response(url=path.absolute().as_uri(), status=200, headers={}, content=content)

    async def _get_http(self, url: str, timeout: float, headers: Mapping[str, str]) -> Response:
        try:
            async with self.client.stream(
                "GET", url, headers=dict(headers), timeout=timeout, follow_redirects=True
            ) as response:
                if response.status_code == 429:
                    raise RateLimited(
                        "rate limited (HTTP 429)", retry_after=_retry_after(response.headers)
                    )
                if response.status_code >= 400:
                    reason = response.reason_phrase or ""
                    raise SourceError(f"HTTP {response.status_code} {reason}".strip())
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise _too_big(self.max_bytes)
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise _too_big(self.max_bytes)
                    chunks.append(chunk)
                return Response(
                    url=str(response.url),
                    status=response.status_code,
                    headers=dict(response.headers),
                    content=b"".join(chunks),
                )
        except httpx.TooManyRedirects:
            raise SourceError(f"more than {MAX_REDIRECTS} redirects") from None
        except httpx.TimeoutException:
            raise SourceError(f"timed out after {timeout:g}s") from None
        except httpx.ConnectError as exc:
            raise SourceError(f"connection failed: {exc or type(exc).__name__}") from None
        except httpx.UnsupportedProtocol as exc:
            raise SourceError(f"unsupported URL: {exc}") from None
        except httpx.DecodingError:
            raise SourceError("response body could not be decoded (bad gzip/deflate?)") from None
        except httpx.HTTPError as exc:
            raise SourceError(f"{type(exc).__name__}: {exc}") from None


def new_client(user_agent: str = USER_AGENT, *, max_connections: int = 16) -> httpx.AsyncClient:
    """The one HTTP client a scan shares: connection reuse, redirects capped."""
    return httpx.AsyncClient(
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        max_redirects=MAX_REDIRECTS,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=16),
        follow_redirects=True,
    )


@dataclass
class FetchContext:
    """What a source gets to do its job: the fetcher, and a pool for CPU-heavy parsing."""

    fetcher: Fetcher
    executor: Executor | None = None

    def run(self, func: Callable[..., T], *args: Any) -> Awaitable[T]:
        """Run ``func(*args)`` off the event loop, so parsing never stalls other downloads."""
        return asyncio.get_running_loop().run_in_executor(self.executor, func, *args)
