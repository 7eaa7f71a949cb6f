"""The ``bluesky`` source against a local server speaking XRPC, fixtures built from the lexicon."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import ENGAGEMENT_KEYS, USER_AGENT, Keyword, SourceConfig
from brandwatch_cli.sources.bluesky import (
    HANDLE_ENV,
    PASSWORD_ENV,
    BlueskySource,
)
from conftest import Route
from helpers import NOW, SHARED, config_file, db_rows, run_source_and_cursors, scan_ok

DATA = Path(__file__).parent / "data" / "bluesky"
LEXICONS = SHARED / "data" / "api" / "bluesky"
SECRET = "abcd-efgh-ijkl-mnop"
ENV = {HANDLE_ENV: "@listener.example.com", PASSWORD_ENV: SECRET}
SESSION = "/xrpc/com.atproto.server.createSession"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
ACME = Keyword("Acme", ("Acme",))
GLOBEX = Keyword("Globex", ("Globex", "#Globex", "Globex Corporation"), ("Globex Cinema",))
JSON = {"Content-Type": "application/json; charset=utf-8"}


def body(name: str) -> bytes:
    return (DATA / name).read_bytes()


def serve_session(server) -> None:
    server.serve(SESSION, body("session.json"), headers=JSON)


def serve_two_pages(server) -> None:
    """Search answers page 1 (with a cursor), then page 2 (without one)."""
    pages = [Route(body(f"search_page{n}.json"), headers=JSON) for n in (1, 2)]
    server.serve_sequence(SEARCH, pages)


def run(server, keywords=(ACME,), *, options=None, cursors=None, env=ENV, url=None):
    """Fetch once; returns (items, cursors after the fetch), leaving ``cursors`` unchanged."""
    url = url if url is not None else server.url("/xrpc")
    source = BlueskySource(SourceConfig("sky", "bluesky", url, 5.0, options or {}), keywords)
    return run_source_and_cursors(source, cursors=dict(cursors or {}), env=env)


def searches(server) -> list[tuple[dict[str, list[str]], dict[str, str]]]:
    """The query parameters and headers of every search request, in order."""
    return [
        (parse_qs(urlsplit(path).query), headers)
        for path, headers in server.requests
        if urlsplit(path).path == SEARCH
    ]


@pytest.mark.parametrize(
    "env",
    [{}, {HANDLE_ENV: "listener.example.com"}, {PASSWORD_ENV: SECRET}, {**ENV, HANDLE_ENV: " "}],
)
def test_missing_credentials_name_both_variables_without_a_request(feed_server, env):
    with pytest.raises(SourceError) as caught:
        run(feed_server, env=env)
    message = str(caught.value)
    assert HANDLE_ENV in message and PASSWORD_ENV in message
    assert "Privacy and security -> App passwords" in message
    assert SECRET not in message
    assert feed_server.requests == []


def test_a_page_of_posts_is_mapped_field_by_field(feed_server):
    serve_session(feed_server)
    serve_two_pages(feed_server)
    items, _ = run(feed_server)
    assert [i.entry_id for i in items] == [
        "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbx2kq5pvc2d",
        "at://did:plc:qy5tx6o4fmrlbt2tvrnd2hkr/app.bsky.feed.post/3lbwzz7a6hs2x",
        "at://did:plc:7ywpibqzmtjwh3qgyjxpevqk/app.bsky.feed.post/3lbvt4dxgmk2p",
    ]
    first = items[0]
    assert first.url == "https://bsky.app/profile/maria.bsky.social/post/3lbx2kq5pvc2d"
    assert first.title == ""
    assert first.text == "Mi nuevo yunque de Acme es fantástico. Lo recomiendo a todos."
    assert first.author == "maria.bsky.social"
    assert first.published_at == datetime(2026, 11, 19, 8, 30, tzinfo=UTC)
    assert first.language == "es"
    assert first.engagement == {"comments": 4, "reblogs": 7, "favourites": 52, "quotes": 2}
    assert set(first.engagement) <= set(ENGAGEMENT_KEYS)
    assert items[1].engagement == {"comments": 0, "reblogs": 1, "favourites": 3, "quotes": 0}
    assert items[2].language is None  # the record has no langs


def test_session_then_search_requests_as_the_lexicon_names_them(feed_server):
    serve_session(feed_server)
    feed_server.serve(SEARCH, body("search_empty.json"), headers=JSON)
    run(feed_server, (ACME,), options={"lang": "en-GB"})

    (session_path, session_headers), *_ = feed_server.requests
    assert session_path == SESSION
    assert json.loads(session_headers["x-body"]) == {
        "identifier": "listener.example.com",  # the leading @ of the handle dropped
        "password": SECRET,
    }
    assert session_headers["content-type"] == "application/json"
    ((params, headers),) = searches(feed_server)
    assert params == {
        "q": ['"Acme"'],
        "limit": ["100"],
        "sort": ["latest"],
        "since": [(NOW - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")],
        "lang": ["en"],
    }
    assert headers["authorization"] == (
        "Bearer eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.test-access-token.signature"
    )
    assert headers["user-agent"] == USER_AGENT


def test_each_term_is_its_own_search_because_bluesky_has_no_or(feed_server):
    serve_session(feed_server)
    feed_server.serve(SEARCH, body("search_empty.json"), headers=JSON)
    run(feed_server, (GLOBEX,))
    # "#Globex" reduces to "Globex", already searched: two searches, one session.
    assert [p["q"] for p, _ in searches(feed_server)] == [['"Globex"'], ['"Globex Corporation"']]
    assert [path for path, _ in feed_server.requests].count(SESSION) == 1


def test_a_bare_host_gets_the_xrpc_path(feed_server):
    serve_session(feed_server)
    feed_server.serve(SEARCH, body("search_empty.json"), headers=JSON)
    assert run(feed_server, url=feed_server.base_url + "/")[0] == []
    assert [urlsplit(p).path for p in feed_server.paths()] == [SESSION, SEARCH]


def test_empty_results_store_no_cursor_and_keep_an_old_one(feed_server):
    serve_session(feed_server)
    feed_server.serve(SEARCH, body("search_empty.json"), headers=JSON)
    assert run(feed_server) == ([], {})
    old = {"Acme": "2026-11-01T00:00:00+00:00"}
    assert run(feed_server, cursors=old) == ([], old)


def test_two_pages_then_stop_when_no_cursor_comes_back(feed_server):
    serve_session(feed_server)
    serve_two_pages(feed_server)
    items, _ = run(feed_server, options={"max_pages": 5})
    assert len(items) == 3
    sent = searches(feed_server)
    assert len(sent) == 2
    assert "cursor" not in sent[0][0]
    assert sent[1][0]["cursor"] == ["2"]
    assert sent[1][0]["q"] == sent[0][0]["q"] and sent[1][0]["since"] == sent[0][0]["since"]


def test_the_page_cap_stops_an_endless_cursor(feed_server):
    serve_session(feed_server)
    feed_server.serve(SEARCH, body("search_page1.json"), headers=JSON)  # always offers a cursor
    items, _ = run(feed_server, options={"max_pages": 2})
    assert len(searches(feed_server)) == 2
    assert len(items) == 2  # the same two posts twice, returned once
    run(feed_server)
    assert len(searches(feed_server)) == 2 + 3  # default cap: 3 pages


def test_cursor_is_the_newest_post_and_bounds_the_next_search(feed_server):
    serve_session(feed_server)
    serve_two_pages(feed_server)
    _, cursors = run(feed_server)
    # Newest sortAt = min(createdAt, indexedAt) of the newest post.
    assert cursors == {"Acme": "2026-11-19T08:30:00+00:00"}

    feed_server.requests.clear()
    feed_server.serve(SEARCH, body("search_empty.json"), headers=JSON)
    _, after = run(feed_server, cursors=cursors)
    ((params, _),) = searches(feed_server)
    assert params["since"] == ["2026-11-19T07:30:00Z"]  # the cursor minus the one-hour overlap
    assert after == cursors


def test_cursor_never_moves_past_now_or_backwards(feed_server):
    serve_session(feed_server)
    future = json.loads(body("search_page2.json"))
    future["posts"][0]["record"]["createdAt"] = "2027-01-01T00:00:00Z"
    future["posts"][0]["indexedAt"] = "2027-01-01T00:00:00Z"
    feed_server.serve(SEARCH, json.dumps(future), headers=JSON)
    assert run(feed_server)[1] == {"Acme": NOW.isoformat()}
    feed_server.serve(SEARCH, body("search_page2.json"), headers=JSON)
    later = {"Acme": "2026-11-19T23:00:00+00:00"}
    assert run(feed_server, cursors=later)[1] == later


def test_a_post_found_for_two_keywords_is_returned_once(feed_server):
    serve_session(feed_server)
    feed_server.serve(SEARCH, body("search_page2.json"), headers=JSON)
    items, cursors = run(feed_server, (ACME, Keyword("Anvils", ("anvils",))))
    assert len(items) == 1
    assert set(cursors) == {"Acme", "Anvils"}


def test_rate_limit_with_retry_after_is_rate_limited(feed_server):
    serve_session(feed_server)
    feed_server.serve(SEARCH, b"", status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as caught:
        run(feed_server)
    assert caught.value.retry_after == 120


def test_malformed_json_is_a_readable_source_error(feed_server):
    serve_session(feed_server)
    feed_server.serve(SEARCH, b'{"posts": [', headers=JSON)
    with pytest.raises(SourceError, match=r"malformed JSON from 127\.0\.0\.1:\d+ \(line 1"):
        run(feed_server)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b'{"cursor": "x"}', "no 'posts' list"),
        (b'{"error": "BadQueryString", "message": "bad \\u001b[31mquery"}', "BadQueryString"),
    ],
)
def test_an_unexpected_answer_is_a_source_error(feed_server, answer, message):
    serve_session(feed_server)
    feed_server.serve(SEARCH, answer, headers=JSON)
    with pytest.raises(SourceError, match=message) as caught:
        run(feed_server)
    assert "\x1b" not in str(caught.value)


def test_posts_missing_optional_fields_do_not_crash(feed_server):
    serve_session(feed_server)
    feed_server.serve(SEARCH, body("search_minimal.json"), headers=JSON)
    items, cursors = run(feed_server)
    by_id = {i.entry_id.rsplit("/", 1)[1]: i for i in items}
    assert set(by_id) == {"3lbyaa2b3c4d5", "3lbyaa2b3c4d8"}  # empty text and no record: dropped
    invalid = by_id["3lbyaa2b3c4d5"]
    assert invalid.url == (
        "https://bsky.app/profile/did:plc:m3tq4rfyzw5jgcydcqiwxzlq/post/3lbyaa2b3c4d5"
    )  # handle.invalid: linked by DID
    assert invalid.author == "did:plc:m3tq4rfyzw5jgcydcqiwxzlq"
    assert invalid.published_at == datetime(2026, 11, 19, 11, 0, tzinfo=UTC)  # from indexedAt
    bare = by_id["3lbyaa2b3c4d8"]
    assert bare.author is None and bare.published_at is None and bare.language is None
    assert (
        bare.url == "https://bsky.app/profile/did:plc:m3tq4rfyzw5jgcydcqiwxzlq/post/3lbyaa2b3c4d8"
    )
    assert bare.engagement == {}  # true, -1 and "7" are not counts
    assert cursors == {"Acme": "2026-11-19T11:06:00+00:00"}


def test_refused_credentials_say_so_without_the_password(feed_server):
    feed_server.serve(SESSION, body("auth_failed.json"), status=401, headers=JSON)
    with pytest.raises(SourceError) as caught:
        run(feed_server)
    message = str(caught.value)
    assert "refused the credentials" in message and "HTTP 401" in message
    assert HANDLE_ENV in message and PASSWORD_ENV in message
    assert SECRET not in message
    assert feed_server.paths() == [SESSION]  # no search without a session


def test_refused_credentials_quote_the_services_message(feed_server):
    feed_server.serve(SESSION, body("auth_failed.json"), status=401, headers=JSON)
    with pytest.raises(SourceError, match="Invalid identifier or password"):
        run(feed_server)


def test_a_session_without_token_is_a_source_error(feed_server):
    feed_server.serve(SESSION, b'{"did": "did:plc:x"}', headers=JSON)
    with pytest.raises(SourceError, match="no 'accessJwt'"):
        run(feed_server)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_pages": 0}, "'max_pages' of source 'sky' must be from 1 to 50, not 0"),
        ({"max_pages": 51}, "'max_pages' of source 'sky' must be from 1 to 50, not 51"),
        ({"lang": "English!"}, "'lang' of"),
    ],
)
def test_bad_options_fail_at_fetch_time_without_a_request(feed_server, options, message):
    with pytest.raises(SourceError, match=message):
        run(feed_server, options=options)
    assert feed_server.requests == []


def test_fixtures_follow_the_lexicon():
    """Every fixture post has the fields the lexicon requires and only ones it defines."""
    if not LEXICONS.is_dir():
        pytest.skip("shared lexicons not available")
    search = json.loads((LEXICONS / "lexicon_app_bsky_feed_searchPosts.json").read_text())["defs"]
    feed = json.loads((LEXICONS / "lexicon_app_bsky_feed_defs.json").read_text())["defs"]
    actor = json.loads((LEXICONS / "lexicon_app_bsky_actor_defs.json").read_text())["defs"]
    post = json.loads((LEXICONS / "lexicon_app_bsky_feed_post.json").read_text())["defs"]
    params = search["main"]["parameters"]["properties"]
    assert {"q", "limit", "sort", "since", "lang", "cursor"} <= set(params)
    assert params["limit"]["maximum"] == 100 and "latest" in params["sort"]["knownValues"]
    output = search["main"]["output"]["schema"]
    view, profile = feed["postView"], actor["profileViewBasic"]
    record = post["main"]["record"]
    for name in ("search_page1.json", "search_page2.json"):
        page = json.loads(body(name))
        assert set(output["required"]) <= set(page) <= set(output["properties"])
        for item in page["posts"]:
            assert set(view["required"]) <= set(item) <= set(view["properties"])
            assert set(profile["required"]) <= set(item["author"]) <= set(profile["properties"])
            fields = set(item["record"]) - {"$type"}
            assert set(record["required"]) <= fields <= set(record["properties"])


def test_scan_through_the_cli_stores_posts_with_engagement(cli, feed_server, tmp_path, monkeypatch):
    monkeypatch.setenv(HANDLE_ENV, "listener.example.com")
    monkeypatch.setenv(PASSWORD_ENV, SECRET)
    serve_session(feed_server)
    serve_two_pages(feed_server)
    config = config_file(
        tmp_path,
        "  - name: sky\n"
        "    type: bluesky\n"
        f"    url: '{feed_server.url('/xrpc')}'\n"
        "    lang: en\n"
        "    max_pages: 2\n",
        extra="timeout: 5\n",
    )
    result = scan_ok(cli, config, 3)
    assert SECRET not in result.stdout + result.stderr
    rows = db_rows(
        tmp_path / "mentions.db",
        "SELECT url, author, language, engagement FROM mentions ORDER BY published_at DESC",
    )
    assert rows[0][:3] == (
        "https://bsky.app/profile/maria.bsky.social/post/3lbx2kq5pvc2d",
        "maria.bsky.social",
        "es",
    )
    assert json.loads(rows[0][3]) == {"comments": 4, "reblogs": 7, "favourites": 52, "quotes": 2}
    assert [json.loads(r[3])["favourites"] for r in rows] == [52, 3, 9]
    assert all(p["lang"] == ["en"] for p, _ in searches(feed_server))
