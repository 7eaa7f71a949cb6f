"""Fetching over real HTTP from a server on 127.0.0.1 started by a fixture."""

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.fetching import USER_AGENT, Fetcher, local_path, new_client
from brandwatch_cli.sources.feed import parse_feed

DATA = Path(__file__).parent / "data"


def fetch(url, *, timeout=5.0, max_bytes=20 * 1024 * 1024, base_dir=DATA):
    async def go():
        async with new_client() as client:
            return await Fetcher(client, base_dir=base_dir, max_bytes=max_bytes).get(
                url, timeout=timeout
            )

    return asyncio.run(go())


def test_rss_over_http_with_user_agent(feed_server):
    url = feed_server.serve(
        "/rss", (DATA / "rss2.xml").read_bytes(), headers={"Content-Type": "application/rss+xml"}
    )
    response = fetch(url)
    assert len(parse_feed(response.content, response.headers, response.url)) == 3
    assert feed_server.requests[0][1]["user-agent"] == USER_AGENT
    assert "brandwatch-cli/" in USER_AGENT


def test_gzip_body_is_decoded(feed_server):
    url = feed_server.serve("/gz", (DATA / "atom.xml").read_bytes(), gzip=True)
    response = fetch(url)
    assert response.content == (DATA / "atom.xml").read_bytes()
    assert "gzip" in feed_server.requests[0][1]["accept-encoding"]


def test_charset_from_response_header(feed_server):
    url = feed_server.serve(
        "/latin1",
        (DATA / "latin1-header-only.xml").read_bytes(),
        headers={"Content-Type": "text/xml; charset=ISO-8859-1"},
    )
    response = fetch(url)
    (item,) = parse_feed(response.content, response.headers, response.url)
    assert item.title == "Crème brûlée chez Acme"


def test_redirect_is_followed_and_final_url_kept(feed_server):
    feed_server.serve("/new", (DATA / "rss2.xml").read_bytes())
    url = feed_server.serve("/old", status=301, headers={"Location": "/new"})
    response = fetch(url)
    assert response.url.endswith("/new")
    assert [path for path, _ in feed_server.requests] == ["/old", "/new"]


def test_redirect_loop_is_a_source_error(feed_server):
    url = feed_server.serve("/loop", status=302, headers={"Location": "/loop"})
    with pytest.raises(SourceError, match="redirects"):
        fetch(url)


def test_404_is_a_source_error(feed_server):
    with pytest.raises(SourceError, match="HTTP 404"):
        fetch(feed_server.url("/missing"))


def test_429_is_rate_limited_with_retry_after(feed_server):
    url = feed_server.serve("/busy", status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as info:
        fetch(url)
    assert info.value.retry_after == 120


def test_stalled_response_times_out_within_the_source_timeout(feed_server):
    url = feed_server.serve("/stall", (DATA / "rss2.xml").read_bytes(), delay=30)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"timed out after 0\.5s"):
        fetch(url, timeout=0.5)
    assert time.monotonic() - started < 5


def test_connection_refused_is_a_source_error():
    with pytest.raises(SourceError, match="connection failed"):
        fetch("http://127.0.0.1:9/feed")


def test_size_cap_applies_while_streaming(feed_server):
    url = feed_server.serve("/big", b"x" * 200_000)
    with pytest.raises(SourceError, match="larger than"):
        fetch(url, max_bytes=100_000)
    assert len(fetch(url, max_bytes=300_000).content) == 200_000


def test_local_paths_and_file_urls(tmp_path):
    assert fetch("rss2.xml").content == (DATA / "rss2.xml").read_bytes()
    assert fetch((DATA / "atom.xml").as_uri()).content == (DATA / "atom.xml").read_bytes()
    with pytest.raises(SourceError, match="file not found"):
        fetch("nope.xml")
    assert local_path("sub/x.xml", tmp_path) == tmp_path / "sub" / "x.xml"


def test_mock_transport_unit_seam():
    """Unit-level check of error mapping through httpx's MockTransport."""

    def handler(request):
        return httpx.Response(503, request=request)

    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            await Fetcher(client, base_dir=DATA).get("https://feeds.example.com/x", timeout=1)

    with pytest.raises(SourceError, match="HTTP 503"):
        asyncio.run(go())
