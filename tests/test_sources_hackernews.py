"""The hackernews source against a local HN Search (Algolia) server: mapping, queries, paging."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import USER_AGENT, Keyword, SourceConfig
from brandwatch_cli.sources import build_source
from brandwatch_cli.sources.hackernews import item_from_hit
from conftest import Route
from helpers import NOW, SHARED, config_file, db_rows, run_source, run_source_and_cursors, scan_ok

DATA = Path(__file__).parent / "data" / "hackernews"
RECORDED = SHARED / "data" / "api" / "hn_algolia"
PATH = "/api/v1/search_by_date"
ACME = Keyword("Acme", ("Acme",))
GLOBEX = Keyword("Globex", ("Globex", "Globex Corporation", "@globex"), ("Globex Cinema",))


def hn(server, keywords=(ACME,), **options):
    config = SourceConfig("hn", "hackernews", server.url("/api/v1"), 5.0, options)
    return build_source(config, list(keywords))


def sent(server):
    """The query parameters of every request, in order (one value per name)."""
    return [{k: v[0] for k, v in parse_qs(urlsplit(p).query).items()} for p in server.paths()]


def page(first_id, count, newest):
    """A page of ``count`` comments, one second apart, newest first."""
    hits = [
        {
            "objectID": str(first_id + n),
            "comment_text": f"Acme comment {first_id + n}",
            "story_title": "Acme thread",
            "author": "someone",
            "created_at_i": newest - n,
            "_tags": ["comment"],
        }
        for n in range(count)
    ]
    return json.dumps({"hits": hits, "hitsPerPage": 100})


def test_a_page_of_stories_and_comments_is_mapped(feed_server):
    feed_server.serve(PATH, (DATA / "search_acme.json").read_bytes())
    items = run_source(hn(feed_server))
    by_id = {item.entry_id: item for item in items}
    assert set(by_id) == {"46011201", "46011299", "46008000"}  # the empty comment is dropped

    story = by_id["46011201"]
    assert story.url == "https://news.ycombinator.com/item?id=46011201"  # not the article URL
    assert story.title == "Acme launches a rocket-powered anvil"
    assert story.text == ""
    assert story.author == "roadrunner"
    assert story.published_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert story.engagement == {"points": 120.0, "comments": 45.0}
    assert story.language is None

    comment = by_id["46011299"]
    assert comment.url == "https://news.ycombinator.com/item?id=46011299"
    assert comment.title == "Acme launches a rocket-powered anvil"  # its story's title
    assert comment.text == (
        "I've used Acme anvils for years. They're great & cheap, but the recall page is terrible."
    )
    assert comment.engagement == {}  # HN gives comments neither points nor a count

    ask = by_id["46008000"]
    assert ask.text == "We depend on it & the docs vanished. Any migration advice?"
    assert ask.engagement == {"points": 7.0, "comments": 3.0}


def test_the_request_is_one_quoted_phrase_per_term_with_a_lower_bound(feed_server):
    feed_server.serve(PATH, json.dumps({"hits": []}))
    items, cursors = run_source_and_cursors(hn(feed_server, keywords=(GLOBEX,)))
    assert items == [] and cursors == {}
    assert [urlsplit(p).path for p in feed_server.paths()] == [PATH, PATH]
    lower = int((NOW - timedelta(days=1)).timestamp())
    # No OR in Algolia: one request per term; "@globex" reduces to a term already asked for.
    assert sent(feed_server) == [
        {
            "query": '"Globex"',
            "tags": "(story,comment)",
            "numericFilters": f"created_at_i>{lower}",
            "hitsPerPage": "100",
        },
        {
            "query": '"Globex Corporation"',
            "tags": "(story,comment)",
            "numericFilters": f"created_at_i>{lower}",
            "hitsPerPage": "100",
        },
    ]
    assert all(headers["user-agent"] == USER_AGENT for _, headers in feed_server.requests)


def test_tags_option_is_sent(feed_server):
    feed_server.serve(PATH, json.dumps({"hits": []}))
    run_source(hn(feed_server, tags=("show_hn", "ask_hn")))
    assert sent(feed_server)[0]["tags"] == "(show_hn,ask_hn)"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tags": ("story", "comment)")}, "'tags' of source 'hn'"),
        ({"tags": ()}, "'tags' of source 'hn'"),
        ({"max_pages": 0}, "'max_pages' of source 'hn' must be at least 1, not 0"),
    ],
)
def test_bad_options_fail_before_any_request(feed_server, options, message):
    with pytest.raises(SourceError, match=message):
        run_source(hn(feed_server, **options))
    assert feed_server.requests == []


def test_empty_results(feed_server):
    feed_server.serve(PATH, json.dumps({"hits": [], "nbHits": 0, "page": 0, "nbPages": 0}))
    items, cursors = run_source_and_cursors(hn(feed_server))
    assert items == [] and cursors == {}
    assert len(feed_server.requests) == 1


def test_pages_by_time_until_a_short_page(feed_server):
    newest = int(NOW.timestamp()) - 60
    feed_server.serve_sequence(
        PATH,
        [Route(page(1000, 100, newest).encode()), Route(page(1099, 41, newest - 99).encode())],
    )
    items, cursors = run_source_and_cursors(hn(feed_server))
    assert len(items) == 140  # the second page repeats the boundary second's hit: kept once
    queries = sent(feed_server)
    assert len(queries) == 2
    lower = int((NOW - timedelta(days=1)).timestamp())
    assert queries[0]["numericFilters"] == f"created_at_i>{lower}"
    assert queries[1]["numericFilters"] == f"created_at_i>{lower},created_at_i<={newest - 99}"
    assert cursors == {"Acme": datetime.fromtimestamp(newest, UTC).isoformat()}


def test_the_page_cap_stops_paging(feed_server):
    newest = int(NOW.timestamp()) - 60
    feed_server.serve_sequence(
        PATH, [Route(page(1000 + 100 * n, 100, newest - 100 * n).encode()) for n in range(5)]
    )
    items = run_source(hn(feed_server, max_pages=3))
    assert len(feed_server.requests) == 3
    assert len(items) == 300


def test_a_page_with_nothing_new_stops_paging(feed_server):
    newest = int(NOW.timestamp()) - 60
    feed_server.serve(PATH, page(1000, 100, newest))  # the same full page, again and again
    items = run_source(hn(feed_server))
    assert len(feed_server.requests) == 2
    assert len(items) == 100


def test_rate_limit_is_reported(feed_server):
    feed_server.serve(PATH, b"", status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as caught:
        run_source(hn(feed_server))
    assert caught.value.retry_after == 120


def test_malformed_json_is_a_readable_error(feed_server):
    feed_server.serve(PATH, b'{"hits": [{"objectID": "1",')
    with pytest.raises(SourceError, match=r"malformed JSON from 127\.0\.0\.1:\d+ \(line 1"):
        run_source(hn(feed_server))


@pytest.mark.parametrize("body", ['{"message": "invalid"}', "[]", '{"hits": {}}'])
def test_unexpected_shape_is_a_readable_error(feed_server, body):
    feed_server.serve(PATH, body)
    with pytest.raises(SourceError, match="unexpected response from HN Search: no 'hits' list"):
        run_source(hn(feed_server))


def test_missing_optional_fields_never_crash(feed_server):
    feed_server.serve(PATH, (DATA / "sparse.json").read_bytes())
    items, cursors = run_source_and_cursors(
        hn(feed_server, keywords=(Keyword("Globex", ("Globex",)),))
    )
    by_id = {item.entry_id: item for item in items}
    assert set(by_id) == {"46020001", "46020002", "46020003"}  # no id, or a hostile one: dropped
    assert by_id["46020001"].published_at is None and by_id["46020001"].author is None
    assert by_id["46020002"].engagement == {}  # "12" and true are not numbers
    assert by_id["46020002"].published_at == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    assert by_id["46020003"].title == "Globex hiring" and by_id["46020003"].author is None
    assert by_id["46020003"].url == "https://news.ycombinator.com/item?id=46020003"
    assert cursors == {"Globex": "2026-11-21T08:00:00+00:00"}


def test_the_cursor_is_stored_and_bounds_the_next_fetch(feed_server):
    feed_server.serve(PATH, (DATA / "search_acme.json").read_bytes())
    _, cursors = run_source_and_cursors(hn(feed_server))
    assert cursors == {"Acme": "2026-11-20T10:00:00+00:00"}

    feed_server.serve(PATH, json.dumps({"hits": []}))
    _, cursors = run_source_and_cursors(hn(feed_server), cursors=cursors)
    newest_minus_overlap = int(datetime(2026, 11, 20, 9, 0, tzinfo=UTC).timestamp())
    assert sent(feed_server)[1]["numericFilters"] == f"created_at_i>{newest_minus_overlap}"
    assert cursors == {"Acme": "2026-11-20T10:00:00+00:00"}  # nothing newer: kept, never reset


def test_a_keyword_seen_in_several_terms_yields_each_item_once(feed_server):
    feed_server.serve(PATH, (DATA / "search_acme.json").read_bytes())
    items = run_source(hn(feed_server, keywords=(ACME, Keyword("Anvil", ("anvil", "anvils")))))
    assert len(feed_server.requests) == 3
    assert sorted(item.entry_id for item in items) == ["46008000", "46011201", "46011299"]


def test_the_config_loader_checks_the_options(cli, tmp_path):
    config = tmp_path / "brandwatch.yaml"
    config.write_text(
        "keywords: [Acme]\nsources:\n  - name: hn\n    type: hackernews\n    max_pages: lots\n",
        encoding="utf-8",
    )
    result = cli("scan", "-c", config)
    assert result.exit_code == 2
    assert "'max_pages' of source 'hn' must be a whole number" in result.stderr


def _shared_replies():
    if not RECORDED.is_dir():
        pytest.skip("shared recorded HN Algolia responses are absent")
    replies = [json.loads(path.read_text()) for path in sorted(RECORDED.glob("search_by_date_*"))]
    bundle = RECORDED / "node-hacker-news-api_fixtures_all26.json"
    if bundle.exists():
        replies += [entry["reply"] for entry in json.loads(bundle.read_text())]
    return [reply for reply in replies if isinstance(reply, dict) and "hits" in reply]


def test_recorded_real_responses_map_without_loss():
    replies = _shared_replies()
    hits = [hit for reply in replies for hit in reply["hits"]]
    assert len(hits) > 20
    for hit in hits:
        item = item_from_hit(hit)
        assert item is not None, hit["objectID"]
        assert item.url == f"https://news.ycombinator.com/item?id={hit['objectID']}"
        assert item.published_at == datetime.fromtimestamp(hit["created_at_i"], UTC)
        assert item.author == hit["author"]
        assert "&#x27;" not in item.text and "<p>" not in item.text


def test_recorded_comment_over_http(feed_server):
    recorded = RECORDED / "search_by_date__hitsPerPage_1_tags_comment_query_apple.json"
    if not recorded.exists():
        pytest.skip("shared recorded HN Algolia responses are absent")
    feed_server.serve(PATH, recorded.read_bytes())
    (item,), cursors = run_source_and_cursors(
        hn(feed_server, keywords=(Keyword("Apple", ("apple",)),))
    )
    assert item.entry_id == "7919418"
    assert item.title == "Starbucks admits it's not contributing to scholarship fund"
    assert item.text.startswith("Yeah the article seems stupid, while technically they aren't")
    assert item.author == "fleitz"
    assert item.published_at == datetime(2014, 6, 20, 3, 32, 34, tzinfo=UTC)
    assert item.engagement == {"points": 1.0}  # 2014 comments still carried points
    assert cursors == {"Apple": "2014-06-20T03:32:34+00:00"}


def test_scan_through_the_cli_stores_mentions_with_engagement(cli, feed_server, tmp_path):
    feed_server.serve(PATH, (DATA / "search_acme.json").read_bytes())
    config = config_file(
        tmp_path,
        "  - name: hn\n"
        "    type: hackernews\n"
        f"    url: '{feed_server.url('/api/v1')}'\n"
        "    tags: [story, comment]\n"
        "    max_pages: 2\n",
    )
    scan_ok(cli, config, 3)
    rows = db_rows(
        tmp_path / "mentions.db", "SELECT entry_id, url, engagement FROM mentions ORDER BY entry_id"
    )
    assert rows == [
        (
            "46008000",
            "https://news.ycombinator.com/item?id=46008000",
            '{"points": 7, "comments": 3}',
        ),
        (
            "46011201",
            "https://news.ycombinator.com/item?id=46011201",
            '{"points": 120, "comments": 45}',
        ),
        ("46011299", "https://news.ycombinator.com/item?id=46011299", None),
    ]

    scan_ok(cli, config, 0)
    bound = int(datetime(2026, 11, 20, 9, 0, tzinfo=UTC).timestamp())
    assert sent(feed_server)[-1]["numericFilters"] == f"created_at_i>{bound}"  # the stored cursor
