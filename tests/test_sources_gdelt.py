"""The gdelt source against a local GDELT DOC 2.0 server: mapping, queries, text errors, spacing."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import USER_AGENT, Keyword, SourceConfig
from brandwatch_cli.sources import build_source
from brandwatch_cli.sources.gdelt import gdelt_query
from conftest import Route
from helpers import (
    config_file,
    db_rows,
    run_source,
    run_source_and_cursors,
    run_sources,
    scan_ok,
)

DATA = Path(__file__).parent / "data" / "gdelt"
PATH = "/api/v2/doc/doc"
ACME = Keyword("Acme", ("Acme",))
GLOBEX = Keyword("Globex", ("Globex", "Globex Corporation", "#Globex"), ("Globex Cinema",))
EMPTY = json.dumps({"articles": []})


def gdelt(server, keywords=(ACME,), **options):
    options.setdefault("min_interval", 0)
    config = SourceConfig("press", "gdelt", server.url(PATH), 5.0, options)
    return build_source(config, list(keywords))


def sent(server):
    return [{k: v[0] for k, v in parse_qs(urlsplit(p).query).items()} for p in server.paths()]


def test_articles_are_mapped(feed_server):
    feed_server.serve(PATH, (DATA / "artlist_acme.json").read_bytes())
    items = run_source(gdelt(feed_server))
    by_title = {item.title: item for item in items}
    assert len(items) == 6  # the title-less article is dropped

    monde = by_title["Acme lance une enclume à réaction : les clients sont ravis"]
    url = "https://www.lemonde.fr/economie/article/2026/11/20/acme-lance-une-enclume-a-reaction_1234.html"
    assert monde.url == monde.entry_id == url
    assert monde.text == ""
    assert monde.author == "lemonde.fr"
    assert monde.published_at == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    assert monde.language == "fr"
    assert monde.engagement == {}

    assert by_title["Acme & Globex Corporation sign a supply deal"].language == "en"
    assert by_title["Acme-Rückruf: Kunden verärgert über Toaster"].language == "de"
    klingon = by_title["Acme Qapla'"]
    assert klingon.language is None and klingon.published_at is None
    unlinked = by_title["Acme sans lien"]
    assert unlinked.url is None and unlinked.entry_id.startswith("sha256:")
    assert unlinked.author is None and unlinked.language == "fr"
    hostile = by_title["Acme hostile link"]
    assert hostile.url is None and hostile.entry_id.startswith("sha256:")


def test_first_request_asks_for_the_last_day(feed_server):
    feed_server.serve(PATH, EMPTY)
    run_source(gdelt(feed_server, keywords=(GLOBEX,)))
    assert [urlsplit(p).path for p in feed_server.paths()] == [PATH]
    assert sent(feed_server) == [
        {
            "query": '(Globex OR "Globex Corporation")',
            "mode": "artlist",
            "format": "json",
            "maxrecords": "250",
            "sort": "datedesc",
            "timespan": "1d",
        }
    ]
    assert feed_server.requests[0][1]["user-agent"] == USER_AGENT


@pytest.mark.parametrize(
    ("terms", "query"),
    [
        (("Acme",), "Acme"),
        (("Café Lumière",), '"Café Lumière"'),
        (("Coca-Cola", "Fanta"), '("Coca-Cola" OR Fanta)'),
        (("@acme", "#Acme", "l'Oréal"), '(acme OR "l\'Oréal")'),
    ],
)
def test_query_syntax(terms, query):
    assert gdelt_query(Keyword("k", terms)) == query


@pytest.mark.parametrize(
    ("options", "suffix"),
    [
        ({"language": "fr"}, " sourcelang:french"),
        ({"language": "French"}, " sourcelang:french"),
        ({"language": "por"}, " sourcelang:por"),
        ({"country": "France"}, " sourcecountry:france"),
        (
            {"language": "en", "country": "United States"},
            " sourcelang:english sourcecountry:unitedstates",
        ),
    ],
)
def test_language_and_country_options_narrow_the_query(feed_server, options, suffix):
    feed_server.serve(PATH, EMPTY)
    run_source(gdelt(feed_server, **options))
    assert sent(feed_server)[0]["query"] == "Acme" + suffix


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"language": "xx"}, "'language' of source 'press': unknown language 'xx'"),
        ({"language": "fr-FR"}, "unknown language 'fr-fr'"),
        ({"country": "U.S."}, "'country' of source 'press' must be a country name or FIPS code"),
        ({"min_interval": -1}, "'min_interval' of source 'press' must be from 0 to 60 seconds"),
        ({"min_interval": 3600}, "'min_interval' of source 'press' must be from 0 to 60"),
    ],
)
def test_bad_options_fail_before_any_request(feed_server, options, message):
    with pytest.raises(SourceError, match=message):
        run_source(gdelt(feed_server, **options))
    assert feed_server.requests == []


def test_empty_results_may_be_an_empty_object(feed_server):
    feed_server.serve(PATH, b"{}", headers={"Content-Type": "application/json"})
    items, cursors = run_source_and_cursors(gdelt(feed_server))
    assert items == [] and cursors == {}


def test_a_refused_query_quotes_gdelt(feed_server):
    feed_server.serve(
        PATH, b"The specified phrase is too short.\n", headers={"Content-Type": "text/html"}
    )
    with pytest.raises(SourceError) as caught:
        run_source(gdelt(feed_server, keywords=(Keyword("HP", ("HP",)),)))
    assert str(caught.value) == "GDELT refused the query 'HP': The specified phrase is too short."
    assert not isinstance(caught.value, RateLimited)


def test_an_empty_body_is_an_error_not_an_empty_result(feed_server):
    feed_server.serve(PATH, b"")
    with pytest.raises(SourceError, match="GDELT refused the query 'Acme': empty response"):
        run_source(gdelt(feed_server))


def test_the_rate_limit_message_is_rate_limited(feed_server):
    feed_server.serve(
        PATH,
        b"Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com"
        b" for larger queries.",
        headers={"Content-Type": "text/html"},
    )
    with pytest.raises(RateLimited, match="rate limited by GDELT: Please limit requests"):
        run_source(gdelt(feed_server))


def test_429_with_retry_after_is_rate_limited(feed_server):
    feed_server.serve(PATH, b"", status=429, headers={"Retry-After": "300"})
    with pytest.raises(RateLimited) as caught:
        run_source(gdelt(feed_server))
    assert caught.value.retry_after == 300


def test_malformed_json_is_a_readable_error(feed_server):
    feed_server.serve(PATH, b'{"articles": [{"url": "https://a.example/1", "title": ')
    with pytest.raises(SourceError, match=r"malformed JSON from 127\.0\.0\.1:\d+ \(line 1"):
        run_source(gdelt(feed_server))


def test_invalid_escapes_in_titles_are_repaired(feed_server):
    feed_server.serve(PATH, (DATA / "artlist_bad_escape.json").read_bytes())
    (item,) = run_source(gdelt(feed_server))
    assert item.title == "L'entreprise Acme rachete Globex \\ C:\\path"
    assert item.language == "fr"


def test_unexpected_shape_is_a_readable_error(feed_server):
    feed_server.serve(PATH, json.dumps({"articles": {"url": "x"}}))
    with pytest.raises(SourceError, match="unexpected response from GDELT: no 'articles' list"):
        run_source(gdelt(feed_server))


def test_missing_optional_fields_never_crash(feed_server):
    articles = [{"title": "Acme"}, {"url": "https://a.example/1", "title": "Acme 2", "seendate": 7}]
    articles += [{"title": ["Acme"]}, "Acme", {"title": "Acme 3", "language": None, "domain": 5}]
    feed_server.serve(PATH, json.dumps({"articles": articles}))
    items, cursors = run_source_and_cursors(gdelt(feed_server))
    assert [item.title for item in items] == ["Acme", "Acme 2", "Acme 3"]
    assert all(i.published_at is None and i.language is None and i.author is None for i in items)
    assert cursors == {}


def test_the_cursor_is_stored_and_bounds_the_next_fetch(feed_server):
    feed_server.serve(PATH, (DATA / "artlist_acme.json").read_bytes())
    _, cursors = run_source_and_cursors(gdelt(feed_server))
    assert cursors == {"Acme": "2026-11-20T08:15:00+00:00"}

    feed_server.serve(PATH, EMPTY)
    _, cursors = run_source_and_cursors(gdelt(feed_server), cursors=cursors)
    second = sent(feed_server)[1]
    assert "timespan" not in second
    assert second["startdatetime"] == "20261120071500"  # the cursor minus the hour of overlap
    assert second["enddatetime"] == "20261120120000"
    assert cursors == {"Acme": "2026-11-20T08:15:00+00:00"}


def test_one_request_per_keyword_spaced_by_min_interval(feed_server):
    feed_server.serve(PATH, (DATA / "artlist_acme.json").read_bytes())
    started = time.monotonic()
    items, cursors = run_source_and_cursors(
        gdelt(feed_server, keywords=(ACME, GLOBEX), min_interval=0.4)
    )
    assert time.monotonic() - started >= 0.4
    assert [q["query"] for q in sent(feed_server)] == ["Acme", '(Globex OR "Globex Corporation")']
    assert len(items) == 6  # the same articles for both keywords: each once
    assert set(cursors) == {"Acme", "Globex"}


def test_spacing_is_shared_by_the_gdelt_sources_of_a_scan(feed_server):
    feed_server.serve(PATH, EMPTY)
    started = time.monotonic()
    run_sources([gdelt(feed_server, min_interval=0.4), gdelt(feed_server, min_interval=0.4)])
    assert time.monotonic() - started >= 0.4
    assert len(feed_server.requests) == 2


def test_pacing_does_not_count_against_the_timeout(feed_server):
    feed_server.serve(PATH, EMPTY)
    started = time.monotonic()
    run_source(gdelt(feed_server, keywords=(ACME, GLOBEX), min_interval=1.5), timeout=1)
    assert time.monotonic() - started >= 1.5  # paced as asked...
    assert len(feed_server.requests) == 2  # ...and not timed out by the pause


def test_scan_through_the_cli_stores_mentions(cli, feed_server, tmp_path):
    feed_server.serve(PATH, (DATA / "artlist_acme.json").read_bytes())
    config = config_file(
        tmp_path,
        "  - name: press\n"
        "    type: gdelt\n"
        f"    url: '{feed_server.url(PATH)}'\n"
        "    language: fr\n"
        "    country: France\n"
        "    min_interval: 0\n",
    )
    scan_ok(cli, config, 6)
    assert sent(feed_server)[0]["query"] == "Acme sourcelang:french sourcecountry:france"
    rows = db_rows(
        tmp_path / "mentions.db",
        "SELECT author, language, published_at, engagement FROM mentions"
        " WHERE url LIKE 'https://www.lemonde.fr/%'",
    )
    assert rows == [("lemonde.fr", "fr", "2026-11-20T08:15:00+00:00", None)]

    scan_ok(cli, config, 0)
    assert sent(feed_server)[-1]["startdatetime"] == "20261120071500"


def test_a_keyword_refused_keeps_what_the_others_found(cli, feed_server, tmp_path):
    feed_server.serve_sequence(
        PATH,
        [
            Route((DATA / "artlist_acme.json").read_bytes()),
            Route(b"The specified phrase is too short.\n", headers={"Content-Type": "text/html"}),
        ],
    )
    config = config_file(
        tmp_path,
        f"  - name: press\n    type: gdelt\n    url: '{feed_server.url(PATH)}'\n"
        "    min_interval: 0\n",
        keywords="  - Acme\n  - HP\n",
    )
    result = cli("scan", "-c", config)
    assert result.exit_code == 1  # the source failed, and says why...
    assert "GDELT refused the query 'HP'" in result.stderr
    assert db_rows(tmp_path / "mentions.db") == [(6,)]  # ...but Acme's articles are stored
