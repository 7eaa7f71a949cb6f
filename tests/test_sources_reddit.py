"""The ``reddit`` source against a real HTTP server on 127.0.0.1 serving Reddit-shaped listings."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import USER_AGENT, Keyword, SourceConfig
from brandwatch_cli.sources import source_class
from brandwatch_cli.sources.reddit import RedditSource
from conftest import Route
from helpers import SHARED, config_file, db_rows, run_source, run_source_and_cursors, scan_ok

DATA = Path(__file__).parent / "data" / "reddit"
RECORDED = SHARED / "data" / "api" / "reddit"
ACME = Keyword("Acme", ("Acme",))
GLOBEX = Keyword("Globex", ("Globex", "Globex Corporation"), exclude=("Globex Cinema",))


def body(name: str) -> bytes:
    return (DATA / name).read_bytes()


def source(server, keywords=(ACME,), **options) -> RedditSource:
    config = SourceConfig("reddit", "reddit", server.base_url, 5.0, options)
    return RedditSource(config, keywords)


def sent(server, index=0):
    """(path, query parameters, headers) of one recorded request."""
    target, headers = server.requests[index]
    parts = urlsplit(target)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, headers


def test_registered_under_its_type_name():
    assert source_class("reddit") is RedditSource
    assert RedditSource.NEEDS_URL is False


def test_search_page_maps_every_field_and_follows_after(feed_server):
    feed_server.serve_sequence(
        "/search.json", [Route(body("search_page1.json")), Route(body("search_page2.json"))]
    )
    items, cursors = run_source_and_cursors(source(feed_server))
    assert [i.entry_id for i in items] == ["t3_acme01", "t3_acme02", "t3_acme03"]
    first, link_post, older = items
    assert (
        first.url
        == "https://www.reddit.com/r/anvils/comments/acme01/acme_anvils_toasters_worth_it/"
    )
    assert first.title == "Acme anvils & toasters: worth it?"
    assert first.text == "I bought an **Acme** anvil <3 and it's great. Would buy again & again."
    assert first.author == "wile_e"
    assert first.published_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert first.language is None
    assert first.engagement == {"score": 42.0, "comments": 7.0}
    assert link_post.author is None  # "[deleted]"
    assert link_post.text == "" and link_post.title == "Globex Corporation buys Acme's rival"
    assert older.engagement == {"score": -4.0, "comments": 12.0}
    # the removed post with no title is dropped; the newest timestamp becomes the cursor
    assert cursors == {"Acme": "2026-11-20T10:00:00+00:00"}

    assert len(feed_server.requests) == 2
    path, params, headers = sent(feed_server, 0)
    assert path == "/search.json"
    assert params == {"q": '"Acme"', "sort": "new", "limit": "100", "type": "link"}
    assert headers["user-agent"] == USER_AGENT
    assert "authorization" not in headers
    assert sent(feed_server, 1)[1]["after"] == "t3_acme02"


def test_one_or_query_per_keyword(feed_server):
    feed_server.serve("/search.json", body("empty.json"))
    items, cursors = run_source_and_cursors(source(feed_server, keywords=(ACME, GLOBEX)))
    assert items == [] and cursors == {}
    queries = [sent(feed_server, i)[1]["q"] for i in range(len(feed_server.requests))]
    assert queries == ['"Acme"', '"Globex" OR "Globex Corporation"']


def test_subreddit_search_is_restricted_to_it(feed_server):
    feed_server.serve("/r/france+paris/search.json", body("search_page2.json"))
    items = run_source(source(feed_server, subreddit="r/france+paris"))
    assert [i.entry_id for i in items] == ["t3_acme03"]
    path, params, _ = sent(feed_server)
    assert path == "/r/france+paris/search.json"
    assert params["restrict_sr"] == "1" and params["sort"] == "new" and params["q"] == '"Acme"'


def test_mode_new_and_comments_read_each_listing_once(feed_server):
    feed_server.serve("/r/anvils/new.json", body("new.json"))
    feed_server.serve("/r/anvils/comments.json", body("comments.json"))
    src = source(
        feed_server, keywords=(ACME, GLOBEX), subreddit="anvils", mode="new", comments=True
    )
    items, cursors = run_source_and_cursors(src)
    assert [p.split("?")[0] for p in feed_server.paths()] == [
        "/r/anvils/new.json",
        "/r/anvils/comments.json",
    ]
    assert sent(feed_server, 0)[1] == {"limit": "100"}
    by_id = {i.entry_id: i for i in items}
    # new02 (Nov 10) is older than the 7-day first window: dropped, and paging stops there
    assert list(by_id) == ["t3_new01", "t1_c01", "t1_c02"]
    comment = by_id["t1_c01"]
    assert comment.title == "New anvil day"
    assert comment.text == "Mine is an Acme too > everything else."
    assert comment.url == "https://www.reddit.com/r/anvils/comments/new01/new_anvil_day/c01/"
    assert comment.engagement == {"score": 9.0}
    assert by_id["t1_c02"].url == "https://www.reddit.com/r/anvils/comments/new01/_/c02/"
    assert cursors == {
        "/r/anvils/new": "2026-11-20T11:30:00+00:00",
        "/r/anvils/comments": "2026-11-20T10:00:00+00:00",
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "new"}, "'mode: new' needs a 'subreddit'"),
        ({"comments": True}, "'comments: true' needs a 'subreddit'"),
        ({"subreddit": "x", "mode": "hot"}, "'mode' must be 'search' or 'new'"),
        ({"subreddit": "../etc"}, "option 'subreddit'"),
        ({"max_pages": 0}, "'max_pages' of source 'reddit' must be at least 1, not 0"),
    ],
)
def test_option_problems_are_source_errors_before_any_request(feed_server, options, message):
    with pytest.raises(SourceError, match=message):
        run_source(source(feed_server, **options))
    assert feed_server.requests == []


def test_page_cap(feed_server):
    feed_server.serve("/search.json", body("search_page1.json"))  # always says there is more
    run_source(source(feed_server, max_pages=2))
    assert len(feed_server.requests) == 2


def test_cursor_is_stored_and_bounds_the_next_fetch(feed_server):
    feed_server.serve("/search.json", body("search_page1.json"))
    cursors: dict[str, str] = {}
    first = run_source(source(feed_server), cursors=cursors)
    assert len(first) == 2 and len(feed_server.requests) == 3  # page cap 3, all within 7 days
    assert cursors == {"Acme": "2026-11-20T10:00:00+00:00"}
    feed_server.requests.clear()
    # lower bound = cursor - 1 h overlap = 09:00: acme02 (Nov 19) is older, so no second page
    second = run_source(source(feed_server), cursors=cursors)
    assert [i.entry_id for i in second] == ["t3_acme01"]
    assert len(feed_server.requests) == 1
    assert cursors == {"Acme": "2026-11-20T10:00:00+00:00"}


def test_exhausted_rate_limit_stops_paging_and_later_listings(feed_server):
    feed_server.serve(
        "/search.json", body("search_page1.json"), headers={"X-Ratelimit-Remaining": "0.0"}
    )
    items, cursors = run_source_and_cursors(source(feed_server, keywords=(ACME, GLOBEX)))
    assert len(feed_server.requests) == 1
    assert [i.entry_id for i in items] == ["t3_acme01", "t3_acme02"]
    assert list(cursors) == ["Acme"]  # Globex was not read: its cursor stays unset


def test_429_with_retry_after_is_rate_limited(feed_server):
    feed_server.serve("/search.json", status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as caught:
        run_source(source(feed_server))
    assert caught.value.retry_after == 120


def test_malformed_json_is_a_readable_source_error(feed_server):
    feed_server.serve("/search.json", b'{"kind": "Listing", "data": {')
    with pytest.raises(SourceError, match=r"malformed JSON from 127\.0\.0\.1"):
        run_source(source(feed_server))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"message": "Forbidden", "error": 403}, "Reddit answered with an error: Forbidden"),
        ([{"kind": "Listing"}], "not a Listing"),
        ({"kind": "Listing", "data": {"children": {}}}, "a Listing without children"),
    ],
)
def test_unexpected_answers_are_source_errors(feed_server, answer, message):
    feed_server.serve("/search.json", json.dumps(answer))
    with pytest.raises(SourceError, match=message):
        run_source(source(feed_server))


def test_missing_optional_fields_do_not_crash(feed_server):
    feed_server.serve("/search.json", body("minimal.json"))
    items, cursors = run_source_and_cursors(source(feed_server))
    by_id = {i.entry_id: i for i in items}
    assert list(by_id) == ["t3_min01", "t3_min02", "t1_min03"]
    assert by_id["t3_min01"].url is None and by_id["t3_min01"].published_at is None
    assert by_id["t3_min02"].engagement == {} and by_id["t3_min02"].title == ""
    assert by_id["t1_min03"].url is None and by_id["t1_min03"].text == "Acme comment"
    assert cursors == {}  # no date seen: nothing to remember


def test_oauth_token_then_bearer_calls(feed_server):
    feed_server.serve("/api/v1/access_token", body("token.json"))
    feed_server.serve("/oauth/search", body("search_page2.json"))
    env = {"BRANDWATCH_REDDIT_CLIENT_ID": "app-id", "BRANDWATCH_REDDIT_CLIENT_SECRET": "s3cret"}
    items = run_source(source(feed_server, oauth_url=feed_server.url("/oauth/")), env=env)
    assert [i.entry_id for i in items] == ["t3_acme03"]
    token_path, _, token_headers = sent(feed_server, 0)
    assert token_path == "/api/v1/access_token"
    basic = base64.b64encode(b"app-id:s3cret").decode()
    assert token_headers["authorization"] == f"Basic {basic}"
    assert token_headers["x-body"] == "grant_type=client_credentials"
    assert token_headers["user-agent"] == USER_AGENT
    path, params, headers = sent(feed_server, 1)
    assert path == "/oauth/search"  # the OAuth API takes the paths without .json
    assert params["q"] == '"Acme"'
    assert headers["authorization"] == "bearer tok-123"
    assert headers["user-agent"] == USER_AGENT


@pytest.mark.parametrize(
    "present", ["BRANDWATCH_REDDIT_CLIENT_ID", "BRANDWATCH_REDDIT_CLIENT_SECRET"]
)
def test_one_credential_alone_names_both_variables(feed_server, present):
    with pytest.raises(SourceError) as caught:
        run_source(source(feed_server), env={present: "x"})
    assert "BRANDWATCH_REDDIT_CLIENT_ID" in str(caught.value)
    assert "BRANDWATCH_REDDIT_CLIENT_SECRET" in str(caught.value)
    assert feed_server.requests == []


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(status=401), r"access token request failed \(HTTP 401 Unauthorized\)"),
        (Route(b'{"error": "invalid_grant"}'), r"no access token \(invalid_grant\)"),
    ],
)
def test_refused_token_says_which_variables_to_check(feed_server, route, message):
    feed_server.routes["/api/v1/access_token"] = route
    env = {"BRANDWATCH_REDDIT_CLIENT_ID": "a", "BRANDWATCH_REDDIT_CLIENT_SECRET": "b"}
    with pytest.raises(SourceError, match=message) as caught:
        run_source(source(feed_server), env=env)
    assert "BRANDWATCH_REDDIT_CLIENT_SECRET" in str(caught.value)
    assert len(feed_server.requests) == 1


def shared(name: str) -> bytes:
    path = RECORDED / name
    if not path.is_file():
        pytest.skip(f"shared recording {name} not available")
    return path.read_bytes()


def test_recorded_new_listing_pages_with_after(feed_server):
    page1 = shared("praw_r_all_new_stream_1.json")
    page2 = shared("praw_r_all_new_stream_2.json")
    feed_server.serve_sequence("/r/all/new.json", [Route(page1), Route(page2), Route(page2)])
    recorded = [c["data"] for c in json.loads(page1)["data"]["children"]]
    recorded += [c["data"] for c in json.loads(page2)["data"]["children"]]
    items, cursors = run_source_and_cursors(
        source(feed_server, subreddit="all", mode="new"), now=datetime(2016, 12, 22, 3, tzinfo=UTC)
    )
    assert len(feed_server.requests) == 2  # page 2 has no "after"
    assert sent(feed_server, 1)[1]["after"] == json.loads(page1)["data"]["after"]
    assert len(items) == len({d["name"] for d in recorded}) == 104
    for item in items:
        assert item.url and item.url.startswith("https://www.reddit.com/r/")
        assert item.title and item.published_at and "score" in item.engagement
    newest = max(d["created_utc"] for d in recorded)
    assert cursors["/r/all/new"] == datetime.fromtimestamp(newest, UTC).isoformat()


def test_recorded_comments_without_permalinks_get_one(feed_server):
    feed_server.serve("/r/all/comments.json", shared("praw_r_all_comments_stream_1.json"))
    src = source(feed_server, subreddit="all", mode="new", comments=True)
    feed_server.serve("/r/all/new.json", shared("praw_r_all_comments_stream_2.json"))  # empty
    items = run_source(src, now=datetime(2016, 12, 22, 3, tzinfo=UTC))
    assert len(items) == 100
    for item in items:
        assert item.entry_id.startswith("t1_") and item.text and item.title
        assert item.url and item.url.startswith("https://www.reddit.com/r/")
        assert f"/_/{item.entry_id[3:]}/" in item.url


def test_recorded_search_and_user_results(feed_server):
    feed_server.serve("/r/all/search.json", shared("praw_search_r_all_q_praw_oauth_search_1.json"))
    src = source(feed_server, subreddit="all")
    recent = run_source(src, now=datetime(2016, 7, 12, tzinfo=UTC))
    assert recent == []  # every result is older than the first 7-day window
    everything = run_source(src, cursors={"Acme": "2000-01-01T00:00:00+00:00"})
    assert len(everything) == 6
    assert all("praw" in (i.title + i.text).lower() for i in everything)
    assert all(i.engagement.keys() == {"score", "comments"} for i in everything)
    feed_server.serve("/r/all/search.json", shared("praw_users_search_q_praw_1.json"))
    assert run_source(src, cursors={"Acme": "2000-01-01T00:00:00+00:00"}) == []  # t2: accounts


def test_end_to_end_scan_stores_mentions_with_engagement(cli, feed_server, tmp_path):
    listing = json.loads(body("search_page1.json"))
    for offset, child in enumerate(listing["data"]["children"]):
        child["data"]["created_utc"] = time.time() - 3600 * (offset + 1)
    listing["data"]["after"] = None
    feed_server.serve("/search.json", json.dumps(listing))
    config = config_file(
        tmp_path,
        f"  - name: reddit\n    type: reddit\n    url: '{feed_server.base_url}'\n"
        "    max_pages: 2\n",
        keywords="  - Acme\n  - name: Globex\n    terms: [Globex, Globex Corporation]\n",
    )
    scan_ok(cli, config, 2)
    db = tmp_path / "mentions.db"
    rows = db_rows(db, "SELECT entry_id, url, engagement FROM mentions ORDER BY entry_id")
    cursors = db_rows(db, "SELECT key FROM source_cursors ORDER BY key")
    assert [(r[0], json.loads(r[2])) for r in rows] == [
        ("t3_acme01", {"score": 42, "comments": 7}),
        ("t3_acme02", {"score": 3, "comments": 0}),
    ]
    assert rows[0][1].startswith("https://www.reddit.com/r/anvils/comments/acme01/")
    assert cursors == [("Acme",), ("Globex",)]
    queries = sorted(parse_qs(urlsplit(p).query)["q"][0] for p in feed_server.paths())
    assert queries == ['"Acme"', '"Globex" OR "Globex Corporation"']


def test_a_bad_mode_stops_the_scan_before_any_request_and_a_fix_is_read_at_once(
    cli, feed_server, tmp_path
):
    """A wrong option is the config's fault, not the source's: no failure is recorded, so the
    source does not back off and the scan after the fix reads it without --force."""
    feed_server.serve("/search.json", body("search_page1.json"))
    entry = f"  - name: reddit\n    type: reddit\n    url: '{feed_server.base_url}'\n"
    config = config_file(tmp_path, entry + "    mode: bogus\n")
    bad = cli("scan", "-c", config)
    assert bad.exit_code == 2
    assert bad.stderr == (
        f"error: {config}:9: source 'reddit': option 'mode' must be 'search' or 'new',"
        " not 'bogus'\n"
    )
    assert feed_server.requests == []
    assert not (tmp_path / "mentions.db").exists()
    config = config_file(tmp_path, entry + "    mode: search\n")
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stderr
    assert "backing off" not in result.stderr
    assert feed_server.paths()
