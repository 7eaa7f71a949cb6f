"""The scan's one httpx client routes each origin to a connection pool of its own.

httpcore's pool checks every connection it holds on every request and every response close
(expiry, socket readability). One pool shared by a scan of dozens of hosts spends more CPU on
those checks than on the requests: a warm rescan where every feed answers 304 is mostly pool
bookkeeping. A small pool per origin keeps each check to the host's own few connections.
Pools of the origins used longest ago are closed once there are more than ``max_pools`` idle
ones, so open sockets stay bounded on a scan of hundreds of hosts.

The TLS context (loading the CA bundle costs a few milliseconds) is built once, and only when
an ``https`` origin is first used: a scan of plain-HTTP or local sources never pays for it.
"""

from __future__ import annotations

import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

import httpx

Origin = tuple[bytes, bytes, int | None]


class PoolPerOrigin(httpx.AsyncBaseTransport):
    """An httpx transport that keeps one small connection pool per (scheme, host, port)."""

    def __init__(self, per_origin: int, max_pools: int = 64) -> None:
        self._limits = httpx.Limits(
            max_connections=max(1, per_origin) * 2, max_keepalive_connections=max(1, per_origin)
        )
        self._max_pools = max(1, max_pools)
        self._pools: OrderedDict[Origin, httpx.AsyncHTTPTransport] = OrderedDict()
        self._open: dict[Origin, int] = {}  # responses not yet closed, per origin
        self._tls: ssl.SSLContext | None = None

    def ssl_context(self, scheme: bytes) -> ssl.SSLContext:
        """The TLS context a new pool for ``scheme`` gets: one verifying context shared by
        every ``https`` origin, built on first use; a bare one, loading no CA, otherwise."""
        if scheme != b"https":
            # Never used for plain HTTP; no CA loaded, so it could not verify anything anyway.
            return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self._tls is None:
            self._tls = httpx.create_ssl_context(verify=True, trust_env=True)
        return self._tls

    async def _pool(self, origin: Origin) -> httpx.AsyncHTTPTransport:
        pool = self._pools.get(origin)
        if pool is not None:
            self._pools.move_to_end(origin)
            return pool
        pool = httpx.AsyncHTTPTransport(verify=self.ssl_context(origin[0]), limits=self._limits)
        self._pools[origin] = pool
        await self._close_idle_beyond_limit()
        return pool

    async def _close_idle_beyond_limit(self) -> None:
        excess = len(self._pools) - self._max_pools
        for origin in [o for o in self._pools if not self._open.get(o)][: max(0, excess)]:
            await self._pools.pop(origin).aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin: Origin = (url.raw_scheme, url.raw_host, url.port)
        self._open[origin] = self._open.get(origin, 0) + 1  # in use: never evicted from now
        try:
            pool = await self._pool(origin)
            response = await pool.handle_async_request(request)
        except BaseException:
            self._release(origin)
            raise
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        response.stream = _Released(stream, lambda: self._release(origin))
        return response

    def _release(self, origin: Origin) -> None:
        left = self._open.get(origin, 0) - 1
        if left > 0:
            self._open[origin] = left
        else:
            self._open.pop(origin, None)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()


class _Released(httpx.AsyncByteStream):
    """A response body that tells its pool's owner when it is closed (the pool is in use
    until then, so it must not be evicted)."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            release, self._release = self._release, None
            if release is not None:  # once, however often the body is closed
                release()
