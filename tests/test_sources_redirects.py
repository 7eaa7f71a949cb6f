"""Hostile responses at the transport: encodings that explode, redirects that leak or reach in."""

from __future__ import annotations

import asyncio
import gzip
import json
import tracemalloc
import zlib

import httpx
import pytest

from brandwatch_cli.errors import ConfigError, SourceError
from brandwatch_cli.models import HttpPolicy
from brandwatch_cli.sources import redirects
from brandwatch_cli.sources.decoding import BoundedDecoder, TooLarge, codings
from brandwatch_cli.sources.http import Fetcher, HttpClient
from conftest import DATA, Route

FAST = HttpPolicy(backoff=0.01, retries=0)
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def run(coroutine_factory, policy=FAST):
    async def go():
        async with HttpClient(policy) as http:
            return await coroutine_factory(Fetcher(http, DATA, 5.0))

    return asyncio.run(go())


def test_gzip_applied_twice_is_capped_while_it_streams(feed_server):
    bomb = gzip.compress(gzip.compress(b"\0" * 200_000_000))  # 200 MB from ~200 bytes
    assert len(bomb) < 10_000
    url = feed_server.serve("/bomb", bomb, headers={"Content-Encoding": "gzip, gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(SourceError, match="larger than the 1 MB limit"):
            run(lambda f: f.get(url), HttpPolicy(max_bytes=1024 * 1024, retries=0))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024  # never near the 200 MB the bomb unfolds to


def test_two_layers_are_read_and_three_are_refused(feed_server):
    two = feed_server.serve(
        "/two", gzip.compress(gzip.compress(RSS)), headers={"Content-Encoding": "gzip, gzip"}
    )
    assert run(lambda f: f.get(two)).content == RSS
    three = feed_server.serve(
        "/three",
        gzip.compress(gzip.compress(gzip.compress(RSS))),
        headers={"Content-Encoding": "gzip,gzip, gzip"},
    )
    with pytest.raises(SourceError, match="3 content encodings"):
        run(lambda f: f.get(three))


def test_decoder_reads_deflate_with_and_without_its_header_and_gzip_members():
    assert BoundedDecoder(["deflate"], 1000).feed(zlib.compress(b"abc")) == b"abc"
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    body = raw.compress(b"abc") + raw.flush()
    assert BoundedDecoder(["deflate"], 1000).feed(body) == b"abc"
    two_members = gzip.compress(b"ab") + gzip.compress(b"cd")
    decoder = BoundedDecoder(["gzip"], 1000)
    assert decoder.feed(two_members) + decoder.finish() == b"abcd"
    with pytest.raises(TooLarge):
        BoundedDecoder(["gzip"], 10).feed(gzip.compress(b"x" * 11))
    assert codings("gzip, identity,DEFLATE") == ["gzip", "deflate"]
    with pytest.raises(SourceError, match="unsupported content encoding 'br'"):
        BoundedDecoder(["br"], 10)


def test_a_login_body_is_never_sent_to_another_host_on_a_307(feed_server):
    other = feed_server.url("/login").replace("127.0.0.1", "localhost")
    url = feed_server.serve("/session", status=307, headers={"Location": other})
    feed_server.serve("/login", b'{"ok": true}')
    secret = {"identifier": "me", "password": "app-password"}
    with pytest.raises(SourceError, match="carries credentials"):
        run(lambda f: f.request("POST", url, json_body=secret))
    assert feed_server.paths() == ["/session"]  # the login body reached one host only


def test_basic_auth_is_never_sent_to_another_host(feed_server):
    other = feed_server.url("/x").replace("127.0.0.1", "localhost")
    url = feed_server.serve("/a", status=302, headers={"Location": other})
    with pytest.raises(SourceError, match="carries credentials"):
        run(lambda f: f.request("GET", url, auth=("user", "pass")))
    assert feed_server.paths() == ["/a"]


def test_a_bearer_token_is_dropped_on_a_redirect_to_another_host(feed_server):
    other = feed_server.url("/feed").replace("127.0.0.1", "localhost")
    url = feed_server.serve("/api", status=302, headers={"Location": other})
    feed_server.serve("/feed", RSS)
    response = run(lambda f: f.request("GET", url, headers={"Authorization": "Bearer t0k3n"}))
    assert response.content == RSS
    (_, first), (_, second) = feed_server.requests
    assert first["authorization"] == "Bearer t0k3n" and "authorization" not in second


def test_a_same_host_redirect_keeps_the_login_body(feed_server):
    url = feed_server.serve("/old", status=308, headers={"Location": "/new"})
    feed_server.serve("/new", b'{"ok": true}')
    response = run(lambda f: f.request("POST", url, json_body={"a": 1}))
    assert response.json() == {"ok": True}
    assert json.loads(feed_server.requests[1][1]["x-body"]) == {"a": 1}


def test_a_public_host_cannot_redirect_into_the_local_network(feed_server, monkeypatch):
    # The test server is on loopback; pretend 127.0.0.1 is a public host so that its redirect
    # to another loopback name (never a real private address) is judged as from outside.
    target = feed_server.url("/internal").replace("127.0.0.1", "localhost")
    url = feed_server.serve("/public", status=302, headers={"Location": target})
    feed_server.serve("/internal", RSS)

    async def private(host: str) -> bool:
        return host != "127.0.0.1"

    monkeypatch.setattr(redirects, "host_is_private", private)
    with pytest.raises(SourceError, match="private or local address"):
        run(lambda f: f.get(url))
    assert feed_server.paths() == ["/public"]
    allowed = HttpPolicy(backoff=0.01, retries=0, allow_private_redirects=True)
    assert run(lambda f: f.get(url), allowed).content == RSS


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("169.254.169.254", True),
        ("10.1.2.3", True),
        ("192.168.0.1", True),
        ("127.0.0.1", True),
        ("[::1]", True),
        ("fe80::1", True),
        ("localhost", True),
        ("api.localhost", True),
        ("8.8.8.8", False),
        ("example.com", None),
    ],
)
def test_which_hosts_are_private_by_their_name(host, private):
    assert redirects.private_literal(host) is private


def test_refusal_rules():
    public, inside = httpx.URL("https://news.example/"), httpx.URL("http://169.254.169.254/")
    loopback, same = httpx.URL("http://127.0.0.1/"), httpx.URL("https://news.example/other")

    def why(source, target, *, credentials=False, source_private=False, allow=False):
        return redirects.refusal(
            source,
            target,
            credentials=credentials,
            source_private=source_private,
            target_private=redirects.private_literal(target.host) is True,
            allow_private=allow,
        )

    assert why(public, inside)
    assert why(public, inside, allow=True) is None
    assert why(loopback, inside, source_private=True) is None
    assert why(public, same, credentials=True) is None
    assert why(public, httpx.URL("http://news.example/"), credentials=True)  # scheme differs


def test_a_redirect_chain_still_records_a_permanent_move(feed_server):
    feed_server.serve_sequence("/a", [Route(status=301, headers={"Location": "/b"})])
    feed_server.serve("/b", status=302, headers={"Location": "/c"})
    feed_server.serve("/c", RSS)
    url = feed_server.url("/a")

    async def get(fetcher):
        await fetcher.get(url)
        return fetcher.moved

    assert run(get) == {url: feed_server.url("/c")}


def test_allow_private_redirects_is_a_checked_config_switch(tmp_path):
    from brandwatch_cli.config import load

    path = tmp_path / "c.yaml"
    body = "keywords: [Acme]\nsources:\n  - {name: a, url: 'http://x.example/f'}\n"
    path.write_text(body + "allow_private_redirects: true\n")
    assert load.load_config(path).http.allow_private_redirects is True
    path.write_text(body)
    assert load.load_config(path).http.allow_private_redirects is False
    path.write_text(body + "allow_private_redirects: sometimes\n")
    with pytest.raises(ConfigError, match=r"c\.yaml:4: 'allow_private_redirects' must be true"):
        load.load_config(path)
