"""The per-origin connection pools behind the scan's one client, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import httpx
import pytest

from brandwatch_cli.models import HttpPolicy
from brandwatch_cli.sources.http import Fetcher, HttpClient
from brandwatch_cli.sources.transport import PoolPerOrigin

DATA = Path(__file__).parent / "data"


def _other_origin(url: str) -> str:
    """The same server reached under another origin (another host name)."""
    return url.replace("127.0.0.1", "localhost")


def test_a_host_reuses_its_connection_across_sources(feed_server):
    for n in range(5):
        feed_server.serve(f"/feed{n}", b"<rss/>")

    async def go():
        async with HttpClient(HttpPolicy(per_host=2), concurrency=16) as http:
            for n in range(5):  # one after the other, as sources of one host often are
                await Fetcher(http, DATA, 10).get(feed_server.url(f"/feed{n}"))

    asyncio.run(go())
    assert len(feed_server.requests) == 5
    assert len(feed_server.connections) == 1


def test_one_pool_per_origin_and_plain_http_never_loads_certificates(feed_server):
    url = feed_server.serve("/feed", b"<rss/>")

    async def go():
        transport = PoolPerOrigin(per_origin=2)
        async with httpx.AsyncClient(transport=transport) as client:
            for target in (url, url, _other_origin(url)):
                assert (await client.get(target)).content == b"<rss/>"
            return transport

    transport = asyncio.run(go())
    assert len(transport._pools) == 0  # closed with the client
    assert transport._tls is None
    assert transport._open == {}
    assert len(feed_server.connections) == 2  # one per origin, each reused


def test_idle_pools_beyond_the_limit_close_but_one_in_use_stays(feed_server):
    url = feed_server.serve("/feed", b"x" * 100_000)

    async def go():
        transport = PoolPerOrigin(per_origin=1, max_pools=1)
        async with httpx.AsyncClient(transport=transport) as client:
            async with client.stream("GET", url) as streaming:  # origin A, body not read yet
                other = await client.get(_other_origin(url))  # origin B: A is busy, kept
                assert other.status_code == 200 and len(transport._pools) == 2
                body = await streaming.aread()
            assert len(body) == 100_000
            with pytest.raises(httpx.ConnectError):
                await client.get("http://127.0.0.1:9/")  # origin C: A and B idle, closed
            assert list(transport._pools) == [(b"http", b"127.0.0.1", 9)]
            assert transport._open == {}

    asyncio.run(go())


def test_a_failed_connection_releases_its_origin():
    async def go():
        transport = PoolPerOrigin(per_origin=2)
        async with httpx.AsyncClient(transport=transport) as client:
            with pytest.raises(httpx.ConnectError):
                await client.get("http://127.0.0.1:9/")  # discard port: refused
            return transport._open

    assert asyncio.run(go()) == {}


def test_https_origins_share_one_verifying_context():
    transport = PoolPerOrigin(per_origin=2)
    context = transport.ssl_context(b"https")
    assert context is transport.ssl_context(b"https")
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0
    plain = transport.ssl_context(b"http")
    assert plain is not context and plain.cert_store_stats()["x509_ca"] == 0
