"""The ``app_store`` source against a local server serving Apple's customer-reviews JSON feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import ENGAGEMENT_KEYS, USER_AGENT, SourceConfig
from brandwatch_cli.sources.app_store import AppStoreSource
from brandwatch_cli.sources.response import Unchanged
from conftest import Route
from helpers import NOW, config_file, db_rows, run_source_and_cursors, scan_ok

DATA = Path(__file__).parent / "data" / "app_store"
APP = "123456789"
JSON = {"Content-Type": "application/json; charset=utf-8"}
KEY = f"us/{APP}"


def page_path(page: int, country: str = "us", app: str = APP) -> str:
    return f"/{country}/rss/customerreviews/page={page}/id={app}/sortby=mostrecent/json"


def body(name: str) -> bytes:
    return (DATA / name).read_bytes()


def serve_page(server, page: int, name: str, **options) -> None:
    options.setdefault("headers", JSON)
    server.serve(page_path(page), body(name), **options)


def run(server, *, options=None, cursors=None, validators=None, learned=None):
    """Fetch once; returns (items, cursors after the fetch), leaving ``cursors`` unchanged."""
    options = {"app_id": int(APP)} if options is None else options
    source = AppStoreSource(SourceConfig("ios", "app_store", server.base_url, 5.0, options), ())
    return run_source_and_cursors(
        source, cursors=dict(cursors or {}), validators=validators, learned=learned
    )


def test_a_page_of_reviews_is_mapped_field_by_field(feed_server):
    serve_page(feed_server, 1, "page1.json")
    serve_page(feed_server, 2, "page2.json")
    items, _ = run(feed_server)
    # The app's own metadata entry (no im:rating) is skipped.
    assert [i.entry_id for i in items] == [
        "11893456120",
        "11893001877",
        "11891230456",
        "11880000001",
        "11870000002",
    ]
    first = items[0]
    assert first.url is None  # every entry links to the same app page
    assert first.title == "Sturdy & heavy"
    assert first.text == "Dropped it from a cliff, still works. Shipping took ages though."
    assert first.author == "roadrunner_hater"
    assert first.published_at == datetime(2026, 11, 19, 18, 42, 44, tzinfo=UTC)  # -07:00 to UTC
    assert first.language is None
    assert first.engagement == {"rating": 4, "votes": 5}
    assert items[1].engagement == {"rating": 1, "votes": 2}
    assert all(set(i.engagement) <= set(ENGAGEMENT_KEYS) for i in items)


def test_the_request_names_country_page_and_app(feed_server):
    feed_server.serve(page_path(1, "gb"), body("single.json"), headers=JSON)
    items, _ = run(feed_server, options={"app_id": f" {APP} ", "country": "GB"})
    assert [i.entry_id for i in items] == ["11899999999"]  # a single review, not in a list
    ((path, headers),) = feed_server.requests
    assert path == page_path(1, "gb")
    assert headers["user-agent"] == USER_AGENT


def test_an_empty_page_yields_nothing_and_stores_no_cursor(feed_server):
    serve_page(feed_server, 1, "empty.json")
    assert run(feed_server, options={"app_id": APP, "max_pages": 10}) == ([], {})
    assert feed_server.paths() == [page_path(1)]


def test_paging_stops_at_an_empty_page(feed_server):
    no_last = json.loads(body("page2.json"))
    empty = json.loads(body("empty.json"))
    del no_last["feed"]["link"], empty["feed"]["link"]  # only the empty page ends the paging
    serve_page(feed_server, 1, "page1.json")
    feed_server.serve(page_path(2), json.dumps(no_last), headers=JSON)
    feed_server.serve(page_path(3), json.dumps(empty), headers=JSON)
    items, _ = run(feed_server, options={"app_id": APP, "max_pages": 10})
    assert len(items) == 5
    assert feed_server.paths() == [page_path(1), page_path(2), page_path(3)]


def test_paging_stops_at_the_last_page_the_feed_names(feed_server):
    serve_page(feed_server, 1, "page1.json")  # rel="last" is page 2
    serve_page(feed_server, 2, "page2.json")
    run(feed_server, options={"app_id": APP, "max_pages": 10})
    assert feed_server.paths() == [page_path(1), page_path(2)]


def test_the_page_cap_bounds_the_requests(feed_server):
    serve_page(feed_server, 1, "page1.json")
    serve_page(feed_server, 2, "page2.json")
    items, _ = run(feed_server, options={"app_id": APP, "max_pages": 1})
    assert len(items) == 3
    assert feed_server.paths() == [page_path(1)]


def test_cursor_is_the_newest_review_and_stops_the_next_paging(feed_server):
    serve_page(feed_server, 1, "page1.json")
    serve_page(feed_server, 2, "page2.json")
    _, cursors = run(feed_server)
    assert cursors == {KEY: "2026-11-19T18:42:44+00:00"}

    feed_server.requests.clear()
    items, after = run(feed_server, cursors=cursors)
    # Page 1 already reaches reviews older than the cursor (minus the overlap): no page 2.
    assert feed_server.paths() == [page_path(1)]
    assert len(items) == 3
    assert after == cursors


def test_an_old_cursor_lets_paging_go_on(feed_server):
    serve_page(feed_server, 1, "page1.json")
    serve_page(feed_server, 2, "page2.json")
    _, cursors = run(feed_server, cursors={KEY: "2026-11-01T00:00:00+00:00"})
    assert feed_server.paths() == [page_path(1), page_path(2)]
    assert cursors == {KEY: "2026-11-19T18:42:44+00:00"}


def test_a_review_dated_in_the_future_does_not_push_the_cursor_past_now(feed_server):
    skewed = json.loads(body("single.json"))
    skewed["feed"]["entry"]["updated"]["label"] = "2027-01-01T00:00:00-07:00"
    feed_server.serve(page_path(1), json.dumps(skewed), headers=JSON)
    assert run(feed_server)[1] == {KEY: NOW.isoformat()}


def test_an_unchanged_first_page_is_unchanged(feed_server):
    serve_page(feed_server, 1, "page1.json", headers={**JSON, "ETag": '"v1"'})
    serve_page(feed_server, 2, "page2.json")
    learned: dict = {}
    run(feed_server, learned=learned)
    assert list(learned) == [feed_server.url(page_path(1))]
    feed_server.requests.clear()
    serve_page(feed_server, 1, "page1.json", status=304)
    with pytest.raises(Unchanged):
        run(feed_server, validators=learned)
    ((path, headers),) = feed_server.requests
    assert path == page_path(1) and headers["if-none-match"] == '"v1"'


def test_rate_limit_with_retry_after_is_rate_limited(feed_server):
    feed_server.serve(page_path(1), b"", status=429, headers={"Retry-After": "300"})
    with pytest.raises(RateLimited) as caught:
        run(feed_server)
    assert caught.value.retry_after == 300


def test_malformed_json_is_a_readable_source_error(feed_server):
    feed_server.serve(page_path(1), b'{"feed": {"entry": [', headers=JSON)
    with pytest.raises(SourceError, match=r"malformed JSON from 127\.0\.0\.1:\d+ \(line 1"):
        run(feed_server)


@pytest.mark.parametrize("answer", [b"[]", b'{"feed": []}', b'{"results": {}}'])
def test_a_document_without_a_feed_is_a_source_error(feed_server, answer):
    feed_server.serve(page_path(1), answer, headers=JSON)
    with pytest.raises(SourceError, match="no 'feed' object"):
        run(feed_server)


def test_reviews_missing_optional_fields_do_not_crash(feed_server):
    serve_page(feed_server, 1, "minimal.json")
    serve_page(feed_server, 2, "empty.json")
    items, cursors = run(feed_server)
    by_title = {i.title: i for i in items}
    assert len(items) == 3  # the review with neither title nor body is dropped
    html = next(i for i in items if i.entry_id == "900000001")
    assert html.text == "Crashes on launch & loses data"  # HTML content reduced to text
    assert html.title == "" and html.author is None and html.published_at is None
    assert html.engagement == {"rating": 2}
    odd = by_title["No body, odd rating"]
    assert odd.engagement == {} and odd.published_at is None and odd.author is None
    no_id = by_title["No id at all"]
    assert no_id.entry_id.startswith("sha256:")
    assert no_id.text == "Two versions, text first"
    assert cursors == {KEY: "2026-11-19T10:00:00+00:00"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "needs 'app_id'"),
        ({"app_id": "id123456789"}, "'app_id' of source 'ios' must be the app's numeric"),
        ({"app_id": "١٢٣"}, "'app_id' of source 'ios'"),  # Arabic-Indic digits are not an id
        ({"app_id": APP, "country": "usa"}, "'country' of source 'ios'"),
        (
            {"app_id": APP, "max_pages": 11},
            r"'max_pages' of source 'ios' must be from 1 to 10, not 11 \(Apple serves",
        ),
        (
            {"app_id": APP, "max_pages": 0},
            "'max_pages' of source 'ios' must be from 1 to 10, not 0",
        ),
    ],
)
def test_bad_options_fail_at_fetch_time_without_a_request(feed_server, options, message):
    with pytest.raises(SourceError, match=message):
        run(feed_server, options=options)
    assert feed_server.requests == []


def test_server_errors_are_retried_then_reported(feed_server):
    feed_server.serve_sequence(
        page_path(1), [Route(status=503), Route(body("single.json"), headers=JSON)]
    )
    items, _ = run(feed_server, options={"app_id": APP, "max_pages": 1})
    assert len(items) == 1 and len(feed_server.requests) == 2
    feed_server.serve(page_path(1), status=404)
    with pytest.raises(SourceError, match="HTTP 404"):
        run(feed_server)


def test_scan_through_the_cli_attributes_reviews_to_the_about_keyword(cli, feed_server, tmp_path):
    serve_page(feed_server, 1, "page1.json")
    serve_page(feed_server, 2, "page2.json")
    config = config_file(
        tmp_path,
        "  - name: acme-ios\n"
        "    type: app_store\n"
        f"    url: '{feed_server.base_url}'\n"
        f"    app_id: {APP}\n"
        "    country: us\n"
        "    about: Acme\n",
        keywords="  - Acme\n  - Globex\n",
        extra="timeout: 5\n",
    )
    scan_ok(cli, config, 5)
    rows = db_rows(
        tmp_path / "mentions.db",
        "SELECT m.entry_id, m.engagement, m.sentiment_label, group_concat(k.keyword)"
        " FROM mentions m JOIN mention_keywords k ON k.mention_id = m.id"
        " GROUP BY m.id ORDER BY m.published_at DESC",
    )
    assert [r[0] for r in rows] == [
        "11893456120",
        "11893001877",
        "11891230456",
        "11880000001",
        "11870000002",
    ]
    assert {r[3] for r in rows} == {"Acme"}  # none names the brand; all are about it
    assert json.loads(rows[0][1]) == {"rating": 4, "votes": 5}
    assert [json.loads(r[1])["rating"] for r in rows] == [4, 1, 5, 3, 2]
    assert rows[1][2] == "negative"

    scan_ok(cli, config, 0)
