"""Fetching over real HTTP from a server on 127.0.0.1 started by a fixture."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import USER_AGENT, HttpPolicy, Validators
from brandwatch_cli.sources.feed import parse_feed
from brandwatch_cli.sources.http import Fetcher, HttpClient, retry_after
from brandwatch_cli.sources.local import local_path
from conftest import Route

DATA = Path(__file__).parent / "data"
FAST = HttpPolicy(backoff=0.01)


def fetch(url, *, timeout=5.0, policy=FAST, conditional=False, validators=None, fetchers=None):
    async def go():
        async with HttpClient(policy) as http:
            fetcher = Fetcher(http, DATA, timeout, validators=validators or {})
            if fetchers is not None:
                fetchers.append(fetcher)
            return await fetcher.get(url, conditional=conditional)

    return asyncio.run(go())


def test_rss_over_http_with_user_agent(feed_server):
    url = feed_server.serve(
        "/rss", (DATA / "rss2.xml").read_bytes(), headers={"Content-Type": "application/rss+xml"}
    )
    response = fetch(url)
    assert len(parse_feed(response.content, response.headers, response.url)) == 3
    assert feed_server.requests[0][1]["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("brandwatch-cli/")


def test_user_agent_is_configurable(feed_server):
    url = feed_server.serve("/ua", b"ok")
    fetch(url, policy=HttpPolicy(user_agent="acme-listening/2.0 (ops@acme.example)"))
    assert feed_server.requests[0][1]["user-agent"] == "acme-listening/2.0 (ops@acme.example)"


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


def test_redirect_is_followed_and_only_permanent_ones_recorded(feed_server):
    feed_server.serve("/new", (DATA / "rss2.xml").read_bytes())
    moved = feed_server.serve("/old", status=301, headers={"Location": "/new"})
    temporary = feed_server.serve("/tmp", status=302, headers={"Location": "/new"})
    fetchers: list[Fetcher] = []
    response = fetch(moved, fetchers=fetchers)
    assert response.url.endswith("/new")
    assert fetchers[0].moved == {moved: feed_server.url("/new")}
    fetch(temporary, fetchers=fetchers)
    assert fetchers[1].moved == {}


def test_redirect_loop_is_a_source_error(feed_server):
    url = feed_server.serve("/loop", status=302, headers={"Location": "/loop"})
    with pytest.raises(SourceError, match="redirects"):
        fetch(url)


def test_404_is_a_source_error_and_never_retried(feed_server):
    with pytest.raises(SourceError, match="HTTP 404 Not Found"):
        fetch(feed_server.url("/missing"))
    assert len(feed_server.requests) == 1


def test_5xx_is_retried_with_backoff_then_succeeds(feed_server):
    url = feed_server.serve_sequence(
        "/flaky", [Route(status=503), Route(status=502), Route(b"finally")]
    )
    assert fetch(url).content == b"finally"
    assert feed_server.paths() == ["/flaky"] * 3


def test_5xx_gives_up_after_the_configured_retries(feed_server):
    url = feed_server.serve("/down", status=500)
    with pytest.raises(SourceError, match="HTTP 500"):
        fetch(url, policy=HttpPolicy(backoff=0.01, retries=1))
    assert len(feed_server.requests) == 2


def test_429_short_retry_after_is_honoured(feed_server):
    url = feed_server.serve_sequence(
        "/busy", [Route(status=429, headers={"Retry-After": "1"}), Route(b"ok")]
    )
    started = time.monotonic()
    assert fetch(url).content == b"ok"
    assert time.monotonic() - started >= 0.9


def test_429_long_retry_after_is_rate_limited_at_once(feed_server):
    url = feed_server.serve("/busy", status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as info:
        fetch(url)
    assert info.value.retry_after == 120
    assert len(feed_server.requests) == 1


def test_403_with_exhausted_rate_limit_headers_is_rate_limited(feed_server):
    url = feed_server.serve(
        "/reddit", status=403, headers={"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "300"}
    )
    with pytest.raises(RateLimited) as info:
        fetch(url)
    assert info.value.retry_after == 300


def test_plain_403_is_a_failure(feed_server):
    with pytest.raises(SourceError, match="HTTP 403") as info:
        fetch(feed_server.serve("/forbidden", status=403))
    assert not isinstance(info.value, RateLimited)


def test_retry_after_as_a_date():
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, 8, 0, 0, tzinfo=UTC)
    assert retry_after({"retry-after": "Mon, 23 Nov 2026 08:01:00 GMT"}, now) == 60
    assert retry_after({}, now) is None


def test_reset_headers_as_seconds_or_as_a_unix_time():
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert retry_after({"x-ratelimit-reset": "42"}, now) == 42  # Reddit: seconds left
    assert retry_after({"ratelimit-reset": str(int(now.timestamp()) + 300)}, now) == 300  # Bluesky
    assert retry_after({"ratelimit-reset": "soon"}, now) is None
    assert retry_after({"ratelimit-reset": "inf"}, now) is None
    assert retry_after({"x-ratelimit-reset": "nan", "ratelimit-reset": "30"}, now) == 30
    assert retry_after({"ratelimit-reset": "30"}, now, resets=False) is None  # not a 429


def test_a_503_is_retried_soon_whatever_the_rate_limit_window_says(feed_server):
    # Bluesky sends RateLimit-Reset on every answer: only a 429 should wait for it.
    reset = str(int(time.time()) + 240)
    url = feed_server.serve_sequence(
        "/flaky",
        [Route(status=503, headers={"ratelimit-reset": reset}), Route(b"ok")],
    )
    started = time.monotonic()
    assert fetch(url, timeout=5).content == b"ok"
    assert time.monotonic() - started < 4


def test_stalled_response_times_out_within_the_source_budget(feed_server):
    url = feed_server.serve("/stall", (DATA / "rss2.xml").read_bytes(), delay=30)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"timed out after 0\.5s"):
        fetch(url, timeout=0.5)
    assert time.monotonic() - started < 3


def test_connection_refused_is_retried_then_a_source_error():
    with pytest.raises(SourceError, match="connection failed"):
        fetch("http://127.0.0.1:9/feed")


def test_size_cap_applies_while_streaming(feed_server):
    url = feed_server.serve("/big", b"x" * 200_000)
    with pytest.raises(SourceError, match="larger than"):
        fetch(url, policy=HttpPolicy(max_bytes=100_000))
    assert len(fetch(url, policy=HttpPolicy(max_bytes=300_000)).content) == 200_000


def test_size_cap_without_content_length(feed_server):
    url = feed_server.serve("/gzbomb", b"a" * 5_000_000, gzip=True)  # 5 MB from a few KB
    with pytest.raises(SourceError, match="larger than the 1 MB limit"):
        fetch(url, policy=HttpPolicy(max_bytes=1024 * 1024))


def test_conditional_get_sends_validators_and_304_is_unchanged(feed_server):
    url = feed_server.serve_sequence(
        "/cond",
        [
            Route(b"<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Mon, 16 Nov 2026"}),
            Route(status=304),
        ],
    )
    fetchers: list[Fetcher] = []
    first = fetch(url, conditional=True, fetchers=fetchers)
    assert not first.unchanged
    learned = fetchers[0].learned[url]
    assert learned.etag == '"v1"' and learned.last_modified == "Mon, 16 Nov 2026"
    second = fetch(url, conditional=True, validators={url: learned}, fetchers=fetchers)
    assert second.unchanged and second.status == 304
    sent = feed_server.requests[1][1]
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 16 Nov 2026"
    assert fetchers[1].learned[url] == learned


def test_identical_body_is_unchanged_even_without_conditional_support(feed_server):
    url = feed_server.serve("/same", b"<rss>same</rss>")
    fetchers: list[Fetcher] = []
    fetch(url, conditional=True, fetchers=fetchers)
    again = fetch(url, conditional=True, validators=dict(fetchers[0].learned))
    assert again.unchanged
    feed_server.serve("/same", b"<rss>changed</rss>")
    assert not fetch(url, conditional=True, validators=dict(fetchers[0].learned)).unchanged


def test_per_host_limit(feed_server):
    for n in range(6):
        feed_server.serve(f"/slow{n}", b"ok", delay=0.3)

    async def go():
        async with HttpClient(HttpPolicy(per_host=2), concurrency=16) as http:
            fetchers = [Fetcher(http, DATA, 10) for _ in range(6)]
            await asyncio.gather(
                *(f.get(feed_server.url(f"/slow{n}")) for n, f in enumerate(fetchers))
            )

    asyncio.run(go())
    assert feed_server.in_flight[1] == 2


def test_local_paths_and_file_urls(tmp_path):
    assert fetch("rss2.xml").content == (DATA / "rss2.xml").read_bytes()
    assert fetch((DATA / "atom.xml").as_uri()).content == (DATA / "atom.xml").read_bytes()
    with pytest.raises(SourceError, match="file not found"):
        fetch("nope.xml")
    assert local_path("sub/x.xml", tmp_path) == tmp_path / "sub" / "x.xml"


def test_local_file_unchanged_by_content_hash():
    fetchers: list[Fetcher] = []
    fetch("rss2.xml", conditional=True, fetchers=fetchers)
    known = dict(fetchers[0].learned)
    assert list(known) == ["rss2.xml"]
    assert fetch("rss2.xml", conditional=True, validators=known).unchanged
    assert not fetch("atom.xml", conditional=True, validators=known).unchanged
    assert isinstance(known["rss2.xml"], Validators)


def test_mock_transport_unit_seam():
    """Unit-level check of JSON error reporting through httpx's MockTransport."""

    def handler(request):
        return httpx.Response(200, content=b'{"broken": ', request=request)

    async def go():
        async with HttpClient(FAST) as http:
            http.client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
            response = await Fetcher(http, DATA, 1).get("https://api.example.com/x")
            return response.json()

    with pytest.raises(SourceError, match=r"malformed JSON from api\.example\.com \(line 1"):
        asyncio.run(go())
