"""Getting bytes from the web (or a local file), politely and within limits.

Only transport: no parsing, no knowledge of feeds. One ``HttpClient`` is shared by a scan (one
client, a small connection pool per host, a per-host limit); each source gets its own
``Fetcher`` carrying the source's time budget, its conditional-GET validators and what it
learned (new validators, redirects).

Policy, per request: retries with exponential backoff and jitter on timeouts, connection
errors, 5xx and 429 (never on other 4xx); ``Retry-After`` honoured up to a bound; the source's
``timeout`` bounds all its requests and waits together; bodies are capped while streaming.
Every failure becomes a SourceError a person can act on ("HTTP 404 Not Found").
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import json
import math
import random
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from brandwatch_cli.errors import HttpStatusError, RateLimited, SourceError
from brandwatch_cli.models import HttpPolicy, Validators
from brandwatch_cli.sources import redirects
from brandwatch_cli.sources.decoding import BoundedDecoder, TooLarge, codings
from brandwatch_cli.sources.local import MAX_FILE_BYTES, file_too_big, is_local, local_path
from brandwatch_cli.sources.response import Response
from brandwatch_cli.sources.transport import PoolPerOrigin
from brandwatch_cli.text import clean_text

MAX_REDIRECTS = 10
ERROR_BODY_BYTES = 4096
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_PERMANENT_REDIRECTS = frozenset({301, 308})


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def retry_after(
    headers: Mapping[str, str], now: datetime | None = None, *, resets: bool = True
) -> float | None:
    """Seconds the server asks us to wait: ``Retry-After`` (seconds or a date), or with
    ``resets`` (only for a rate-limited answer: services send them on every response) when
    the rate-limit window resets."""
    value = (headers.get("retry-after") or "").strip()
    if value.isdigit():
        return float(value)
    if value:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    for name in ("x-ratelimit-reset", "ratelimit-reset") if resets else ():
        try:
            seconds = float((headers.get(name) or "").strip())  # Reddit's; Bluesky's
        except ValueError:
            continue
        if not math.isfinite(seconds):
            continue
        if seconds > 1e9:  # a Unix time (Bluesky), not a number of seconds (Reddit)
            seconds -= (now or datetime.now(UTC)).timestamp()
        return max(0.0, seconds)
    return None


def _rate_limited(status: int, headers: Mapping[str, str]) -> bool:
    """429, or a 403 that says the rate limit is exhausted (Reddit does this)."""
    remaining = (headers.get("x-ratelimit-remaining") or "").strip()
    return status == 429 or (status == 403 and remaining in ("0", "0.0"))


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class HttpClient:
    """The connection pool and the limits one scan shares across its sources: at most
    ``concurrency`` requests in flight, at most ``policy.per_host`` to any one host."""

    def __init__(self, policy: HttpPolicy, *, concurrency: int = 16) -> None:
        self.policy = policy
        self.client = httpx.AsyncClient(
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            max_redirects=MAX_REDIRECTS,
            # Requests are bounded by the slots below; each host's pool keeps its connections
            # alive between that host's requests.
            transport=PoolPerOrigin(policy.per_host, max_pools=max(16, concurrency * 2)),
            # Redirects are followed one by one in ``Fetcher._once``, each checked first.
            follow_redirects=False,
        )
        self._requests = asyncio.Semaphore(max(1, concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        """Wait for the host's turn, then for a free request slot."""
        host = urlsplit(url).netloc.lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(max(1, self.policy.per_host))
        async with self._hosts[host], self._requests:
            yield

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()


@dataclass
class Fetcher:
    """One source's view of the network: its time budget, validators and what it learned."""

    http: HttpClient
    base_dir: Path
    timeout: float
    validators: Mapping[str, Validators] = field(default_factory=dict)
    learned: dict[str, Validators] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)
    #: Set when the source's first request gets its slot: time queued behind other sources
    #: does not count against its budget.
    deadline: float | None = None
    #: The bound of a local file (``max_size_mb``), not ``max_response_mb``'s.
    max_file_bytes: int = MAX_FILE_BYTES

    def remaining(self) -> float:
        """Seconds left in the source's budget (the clock starts at its first request)."""
        if self.deadline is None:
            self.deadline = time.monotonic() + self.timeout
        return self.deadline - time.monotonic()

    def grant(self, seconds: float) -> None:
        """Add ``seconds`` to the budget: time the source waits by its own rule (a service's
        pacing between requests), like time queued for a slot, is not the network's."""
        self.remaining()
        assert self.deadline is not None
        self.deadline += seconds

    @property
    def max_bytes(self) -> int:
        return self.http.policy.max_bytes

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> Response:
        """GET ``url`` (or read a local file). With ``conditional``, a 304 or a byte-identical
        body comes back as ``unchanged`` and the new validators are kept in ``learned``."""
        if is_local(url):
            response = await asyncio.to_thread(self._read_file, url)
        else:
            full = str(httpx.URL(url, params=params)) if params else url
            sent = dict(headers or {})
            known = self.validators.get(full) if conditional else None
            if known and known.etag:
                sent["If-None-Match"] = known.etag
            if known and known.last_modified:
                sent["If-Modified-Since"] = known.last_modified
            response = await self.request("GET", full, headers=sent)
            url = full
        if not conditional:
            return response
        previous = self.validators.get(url)
        if response.status == 304:
            if previous:
                self.learned[url] = previous
            return Response(response.url, 304, response.headers, b"", unchanged=True)
        digest = content_hash(response.content)
        self.learned[url] = Validators(
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            content_hash=digest,
        )
        if previous and previous.content_hash == digest:
            return Response(response.url, response.status, response.headers, b"", unchanged=True)
        return response

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> Response:
        """One HTTP exchange with retries, within the source's remaining time budget."""
        policy = self.http.policy
        attempt = 0
        while True:
            transient: _Transient | None = None
            async with self.http.slot(url):
                remaining = self.remaining()
                if remaining <= 0:
                    raise SourceError(f"timed out after {self.timeout:g}s")
                try:
                    async with asyncio.timeout(remaining):
                        response = await self._once(
                            method, url, headers, json_body, form, auth, remaining
                        )
                except TimeoutError:
                    raise SourceError(f"timed out after {self.timeout:g}s") from None
                except _Transient as exc:
                    transient = exc
            if transient is not None:  # retried outside the slot: others go meanwhile
                if attempt >= policy.retries:
                    raise SourceError(str(transient)) from None
                await self._pause(attempt, None)
                attempt += 1
                continue
            status = response.status
            if status < 400 or status == 304:
                return response
            limited = _rate_limited(status, response.headers)
            wait = retry_after(response.headers, resets=limited)
            if limited:
                if attempt >= policy.retries or (wait or 0) > policy.max_retry_after:
                    raise RateLimited(f"rate limited (HTTP {status})", retry_after=wait)
            elif status not in _RETRY_STATUSES or attempt >= policy.retries:
                detail = error_detail(response)
                message = f"HTTP {status} {response.reason}".strip()
                raise HttpStatusError(f"{message}: {detail}" if detail else message, status, detail)
            await self._pause(attempt, wait)
            attempt += 1

    async def _pause(self, attempt: int, wait: float | None) -> None:
        """Exponential backoff with jitter, or the server's ``Retry-After``; within budget."""
        policy = self.http.policy
        delay = (
            wait if wait is not None else policy.backoff * (2**attempt) * random.uniform(0.5, 1.5)
        )
        remaining = self.remaining()
        if delay >= remaining:
            raise SourceError(f"timed out after {self.timeout:g}s (while backing off to retry)")
        await asyncio.sleep(delay)

    async def _once(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        json_body: Any,
        form: Mapping[str, str] | None,
        auth: tuple[str, str] | None,
        timeout: float,
    ) -> Response:
        client = self.http.client
        credentials = json_body is not None or form is not None or auth is not None
        try:
            request = client.build_request(
                method,
                url,
                headers=dict(headers or {}),
                json=json_body,
                data=form,
                timeout=timeout,
            )
            permanent = False
            for _ in range(MAX_REDIRECTS + 1):
                response = await client.send(
                    request, auth=auth, stream=True, follow_redirects=False
                )
                try:
                    following = response.next_request if response.has_redirect_location else None
                    if following is None:
                        if permanent:
                            self.moved[url] = str(response.url)
                        return await self._complete(response)
                finally:
                    await response.aclose()
                await self._check_redirect(request.url, following.url, credentials)
                permanent = permanent or response.status_code in _PERMANENT_REDIRECTS
                request = following
            raise httpx.TooManyRedirects("too many redirects", request=request)
        except httpx.TooManyRedirects:
            raise SourceError(f"more than {MAX_REDIRECTS} redirects") from None
        except httpx.TimeoutException:
            raise _Transient(f"timed out after {self.timeout:g}s") from None
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Transient(f"connection failed: {exc or type(exc).__name__}") from None
        except httpx.UnsupportedProtocol as exc:
            raise SourceError(f"unsupported URL: {exc}") from None
        except httpx.DecodingError:
            raise SourceError("response body could not be decoded (bad gzip/deflate?)") from None
        except httpx.HTTPError as exc:
            raise SourceError(f"{type(exc).__name__}: {exc}") from None

    async def _check_redirect(
        self, source: httpx.URL, target: httpx.URL, credentials: bool
    ) -> None:
        """SourceError for a redirect that would leak credentials or reach a private address."""
        allow = self.http.policy.allow_private_redirects
        target_private = not allow and await redirects.host_is_private(target.host)
        source_private = target_private and await redirects.host_is_private(source.host)
        why = redirects.refusal(
            source,
            target,
            credentials=credentials,
            source_private=source_private,
            target_private=target_private,
            allow_private=allow,
        )
        if why:
            raise SourceError(why)

    async def _complete(self, response: httpx.Response) -> Response:
        """The final response of a request, its body read within the cap."""
        if response.status_code >= 400:
            return Response(
                str(response.url),
                response.status_code,
                dict(response.headers),
                await _error_body(response),
                reason=response.reason_phrase or "",
            )
        content = await self._read_capped(response)
        return Response(str(response.url), response.status_code, dict(response.headers), content)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        """The body, decoded layer by layer as it streams: no layer may pass the cap."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _too_big(self.max_bytes)
        decoder = BoundedDecoder(
            codings(response.headers.get("content-encoding", "")), self.max_bytes
        )
        chunks: list[bytes] = []
        size = 0
        try:
            async for raw in _raw_chunks(response):
                size += len(raw)
                if size > self.max_bytes:
                    raise _too_big(self.max_bytes)
                chunks.append(decoder.feed(raw))
            chunks.append(decoder.finish())
        except TooLarge:  # some layer passed the cap; the raw bytes are counted above
            raise _too_big(self.max_bytes) from None
        return b"".join(chunks)

    def _read_file(self, url: str) -> Response:
        path = local_path(url, self.base_dir)
        try:
            with path.open("rb") as handle:
                content = handle.read(self.max_file_bytes + 1)
        except FileNotFoundError:
            raise SourceError(f"file not found: {path}") from None
        except IsADirectoryError:
            raise SourceError(f"is a directory, not a file: {path}") from None
        except OSError as exc:
            raise SourceError(f"cannot read {path}: {exc.strerror}") from None
        if len(content) > self.max_file_bytes:
            raise file_too_big(self.max_file_bytes)
        return Response(url=path.absolute().as_uri(), status=200, headers={}, content=content)


class _Transient(Exception):
    pass


async def _raw_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body as it came off the wire (still encoded); a response built in-process (httpx's
    MockTransport, in unit tests) holds its whole body already."""
    try:
        async for raw in response.aiter_raw():
            yield raw
    except httpx.StreamConsumed:
        yield response.content


async def _error_body(response: httpx.Response) -> bytes:
    """The first few KB of an error response: enough for the server's own explanation."""
    chunks: list[bytes] = []
    size = 0
    try:
        decoder = BoundedDecoder(
            codings(response.headers.get("content-encoding", "")), ERROR_BODY_BYTES
        )
        async for raw in _raw_chunks(response):
            chunk = decoder.feed(raw)
            chunks.append(chunk)
            size += len(chunk)
            if size >= ERROR_BODY_BYTES:
                break
    except (httpx.HTTPError, SourceError):
        pass
    return b"".join(chunks)[:ERROR_BODY_BYTES]


def error_detail(response: Response) -> str:
    """A server's short explanation of an error: a JSON ``message``/``error`` field or a plain
    text body (not an HTML error page); cleaned and capped, since it is hostile text."""
    body = response.content
    if not body.strip():
        return ""
    kind = response.headers.get("content-type", "").lower()
    text = body.decode("utf-8", "replace")
    if "json" in kind or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            for key in ("message", "error_description", "detail", "error", "title"):
                value = data.get(key)
                if isinstance(value, str) and value.strip():
                    return clean_text(value)[:200]
                if isinstance(value, dict) and isinstance(value.get("message"), str):
                    return clean_text(value["message"])[:200]
        return ""
    if "html" in kind or text.lstrip().startswith("<"):
        return ""  # an error page's markup says nothing the status line does not
    return clean_text(text)[:200]


def _too_big(max_bytes: int) -> SourceError:
    return SourceError(f"response larger than the {max_bytes / (1024 * 1024):g} MB limit")
