"""The google_news source against a local server speaking Google News search RSS."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import USER_AGENT, Keyword, SourceConfig
from brandwatch_cli.sources import build_source
from brandwatch_cli.sources.google_news import edition, split_publisher
from brandwatch_cli.sources.response import Unchanged
from conftest import Route
from helpers import NOW, config_file, db_rows, run_source, scan_ok

DATA = Path(__file__).parent / "data" / "google_news"
PATH = "/rss/search"
ACME = Keyword("Acme", ("Acme", "Acme Corp"))
GLOBEX = Keyword("Globex", ("Globex", "@globex"), ("Globex Cinema",))
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def news(server, keywords=(ACME,), url=None, **options):
    config = SourceConfig("gn", "google_news", url or server.base_url, 5.0, options)
    return build_source(config, list(keywords))


def sent(server):
    """The query parameters of every request, in order (one value per name)."""
    return [{k: v[0] for k, v in parse_qs(urlsplit(p).query).items()} for p in server.paths()]


def test_a_search_page_is_mapped_title_publisher_and_text(feed_server):
    feed_server.serve(PATH, fixture("search_acme.xml"), headers=RSS)
    factory, history, recall, results = run_source(news(feed_server))

    assert (
        factory.entry_id
        == "CBMiVmh0dHBzOi8vd3d3LmRpc3BhdGNoLmNvbS9zdG9yeS9idXNpbmVzcy9hY21lLWFudmlsLWZhY3RvcnnSAQA"
    )
    assert factory.url.startswith("https://news.google.com/rss/articles/CBMiVmh0")
    assert factory.url.endswith("?oc=5")
    assert factory.title == "Acme opens a new anvil factory in Ohio"
    assert factory.author == "The Columbus Dispatch"
    assert factory.text == ""  # the description only repeated headline and publisher
    assert factory.published_at == datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    assert factory.language == "en"  # the channel's en-US
    assert factory.engagement == {}

    # A publisher whose name holds " - ": the description says where the headline ends.
    assert history.title == "Anvils - a history of Acme Corp"
    assert history.author == "ABC News - Australia"
    assert history.text == ""
    # An older cluster: the story, then related stories, which are kept.
    assert recall.title == "Acme recalls toasters after fires"
    assert recall.author == "Reuters"
    assert recall.text == "Regulators question Acme over toaster safety AP News"
    # No publisher suffix and a real summary: both kept as they are.
    assert results.title == "Acme's quarterly results beat estimates"
    assert results.author is None
    assert results.text == "Shares rose 4% after Acme reported higher anvil sales & lower costs."
    assert results.url == "https://www.example.com/markets/acme-results"


def test_the_request_carries_the_or_query_the_window_and_the_edition(feed_server):
    feed_server.serve(PATH, fixture("search_acme.xml"), headers=RSS)
    run_source(news(feed_server, locale="fr-FR", when=7))
    (path, headers) = feed_server.requests[0]
    assert urlsplit(path).path == PATH
    assert sent(feed_server) == [
        {"q": '"Acme" OR "Acme Corp" when:7d', "hl": "fr", "gl": "FR", "ceid": "FR:fr"}
    ]
    assert headers["user-agent"] == USER_AGENT


def test_a_query_keyword_is_searched_by_the_terms_every_match_contains(feed_server):
    jobs = Keyword(
        "Lumière jobs", (), query='("Café Lumière" OR @cafelumiere) NEAR/5 recrut* NOT stage'
    )
    acme = Keyword("AcmeQ", (), query="Acme AND NOT Globex")
    feed_server.serve(PATH, fixture("search_acme.xml"), headers=RSS)
    run_source(news(feed_server, keywords=(jobs, acme)))
    assert [q["q"] for q in sent(feed_server)] == ['"Café Lumière" OR "cafelumiere"', '"Acme"']


def test_defaults_are_the_us_edition_and_no_window(feed_server):
    feed_server.serve(PATH, fixture("search_empty.xml"), headers=RSS)
    run_source(news(feed_server, url=feed_server.base_url + "/"))  # a trailing slash is fine
    assert feed_server.paths()[0].startswith(PATH + "?")
    assert sent(feed_server) == [
        {"q": '"Acme" OR "Acme Corp"', "hl": "en-US", "gl": "US", "ceid": "US:en"}
    ]


@pytest.mark.parametrize(
    ("locale", "params"),
    [
        ("fr-FR", {"hl": "fr", "gl": "FR", "ceid": "FR:fr"}),
        ("en-US", {"hl": "en-US", "gl": "US", "ceid": "US:en"}),
        ("en_gb", {"hl": "en-GB", "gl": "GB", "ceid": "GB:en"}),
        ("de-AT", {"hl": "de", "gl": "AT", "ceid": "AT:de"}),
        ("pt-BR", {"hl": "pt-BR", "gl": "BR", "ceid": "BR:pt"}),
    ],
)
def test_locales_map_to_editions(locale, params):
    assert edition(locale).params == params


@pytest.mark.parametrize("locale", ["fr", "french", "fr-FRA", "", "en-U5"])
def test_an_invalid_locale_fails_at_fetch_time_naming_the_option(feed_server, locale):
    source = news(feed_server, locale=locale)  # building it raises nothing
    with pytest.raises(SourceError, match="option 'locale'"):
        run_source(source)
    assert feed_server.requests == []


@pytest.mark.parametrize(
    ("when", "operator"), [(1, "when:1d"), ("12h", "when:12h"), ("3d", "when:3d")]
)
def test_when_accepts_days_or_hours(feed_server, when, operator):
    feed_server.serve(PATH, fixture("search_empty.xml"), headers=RSS)
    run_source(news(feed_server, when=when))
    assert sent(feed_server)[0]["q"] == f'"Acme" OR "Acme Corp" {operator}'


@pytest.mark.parametrize("when", [0, -3, "7 days", "1w", "0d"])
def test_an_invalid_when_names_the_option(feed_server, when):
    with pytest.raises(SourceError, match="option 'when'"):
        run_source(news(feed_server, when=when))


def test_missing_optional_fields_and_the_locale_language(feed_server):
    feed_server.serve(PATH, fixture("search_fr_minimal.xml"), headers=RSS)
    items = run_source(
        news(feed_server, [Keyword("Café Lumière", ("Café Lumière",))], locale="fr-FR")
    )
    assert len(items) == 2  # the entry with neither title nor text is dropped
    full, bare = items
    assert (full.title, full.author, full.language) == (
        "Café Lumière ouvre à Lyon",
        "Le Progrès",
        "fr",
    )
    assert bare.title == "Café Lumière : la file d'attente ne désemplit pas"
    assert bare.author is None and bare.url is None and bare.published_at is None
    assert bare.language == "fr"  # the channel gives none: the locale's
    assert bare.entry_id.startswith("sha256:")


def test_empty_results_set_no_cursor(feed_server):
    feed_server.serve(PATH, fixture("search_empty.xml"), headers=RSS)
    cursors: dict[str, str] = {}
    assert run_source(news(feed_server), cursors=cursors) == []
    assert cursors == {}


def test_one_request_per_keyword_and_one_item_per_story(feed_server):
    feed_server.serve(PATH, fixture("search_acme.xml"), headers=RSS)  # both keywords find it
    nothing = Keyword("Tags", ("#", "@"))  # nothing searchable: no request
    items = run_source(news(feed_server, [ACME, nothing, GLOBEX]))
    assert [q["q"] for q in sent(feed_server)] == ['"Acme" OR "Acme Corp"', '"Globex"']
    assert len(items) == 4
    assert len({item.entry_id for item in items}) == 4


def test_the_cursor_is_stored_then_bounds_the_next_search(feed_server):
    feed_server.serve(PATH, fixture("search_acme.xml"), headers=RSS)
    cursors: dict[str, str] = {}
    run_source(news(feed_server, when=7), cursors=cursors)
    assert cursors == {"Acme": "2026-11-18T11:00:00+00:00"}  # the newest item
    run_source(news(feed_server, when=7), cursors=cursors)
    # 11:00 minus the hour of overlap is still the 18th; a day earlier covers time zones.
    assert sent(feed_server)[1]["q"] == '"Acme" OR "Acme Corp" after:2026-11-17'


def test_a_cursor_never_moves_backwards_nor_past_now(feed_server):
    feed_server.serve(PATH, fixture("search_acme.xml"), headers=RSS)
    cursors = {"Acme": "2026-11-19T00:00:00+00:00"}
    run_source(news(feed_server), cursors=cursors)
    assert cursors == {"Acme": "2026-11-19T00:00:00+00:00"}
    future = fixture("search_acme.xml").replace(
        b"Wed, 18 Nov 2026 11:00", b"Wed, 18 Nov 2027 11:00"
    )
    feed_server.serve(PATH, future, headers=RSS)
    run_source(news(feed_server), cursors=cursors)
    assert cursors == {"Acme": NOW.isoformat()}


def test_conditional_get_per_keyword_and_unchanged_when_all_are(feed_server):
    feed_server.serve(PATH, fixture("search_acme.xml"), headers={**RSS, "ETag": '"v1"'})
    learned: dict = {}
    run_source(news(feed_server, [ACME, GLOBEX]), learned=learned)
    assert len(learned) == 2  # one validator per request URL

    feed_server.serve_sequence(PATH, [Route(status=304)])
    with pytest.raises(Unchanged):
        run_source(news(feed_server, [ACME, GLOBEX]), validators=learned)
    assert [h.get("if-none-match") for _, h in feed_server.requests[2:]] == ['"v1"', '"v1"']

    feed_server.serve_sequence(
        PATH, [Route(status=304), Route(fixture("search_fr_minimal.xml"), headers=RSS)]
    )
    items = run_source(news(feed_server, [ACME, GLOBEX]), validators=learned)
    assert [item.author for item in items] == ["Le Progrès", None]  # only Globex's new page


def test_429_with_retry_after_is_rate_limited(feed_server):
    feed_server.serve(PATH, status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as caught:
        run_source(news(feed_server))
    assert caught.value.retry_after == 120.0


def test_a_consent_or_captcha_page_is_a_readable_error(feed_server):
    feed_server.serve(PATH, fixture("consent.html"), headers={"Content-Type": "text/html"})
    with pytest.raises(SourceError, match="not a feed: the server sent an HTML page"):
        run_source(news(feed_server))


def test_an_xml_document_that_is_no_feed_is_a_readable_error(feed_server):
    feed_server.serve(PATH, b"<?xml version='1.0'?><error>quota exceeded</error>", headers=RSS)
    with pytest.raises(SourceError, match="not a feed: no RSS, Atom or JSON Feed document"):
        run_source(news(feed_server))


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Acme wins - The Times", "", ("Acme wins", "The Times")),
        ("Acme - a story - Le Monde", "Acme - a story Le Monde", ("Acme - a story", "Le Monde")),
        ("Acme - story - ABC - AU", "Acme - story ABC - AU", ("Acme - story", "ABC - AU")),
        ("Acme - story - ABC - AU", "", ("Acme - story - ABC", "AU")),
        ("No publisher here", "", ("No publisher here", None)),
        ("- Reuters", "", ("- Reuters", None)),
    ],
)
def test_split_publisher(title, text, expected):
    assert split_publisher(title, text) == expected


def test_scan_through_the_cli_stores_mentions_and_searches_incrementally(
    cli, feed_server, tmp_path
):
    feed_server.serve(PATH, fixture("search_acme.xml"), headers=RSS)
    config = config_file(
        tmp_path,
        f"  - {{name: news, type: google_news, url: '{feed_server.base_url}',"
        " locale: en-GB, when: 3}\n",
        keywords="  - name: Acme\n    terms: [Acme, Acme Corp]\n",
    )
    scan_ok(cli, config, 4)
    rows = db_rows(
        tmp_path / "mentions.db",
        "SELECT m.title, m.author, m.language, m.engagement, k.keyword FROM mentions m"
        " JOIN mention_keywords k ON k.mention_id = m.id ORDER BY m.published_at",
    )
    assert rows[0] == (
        "Acme opens a new anvil factory in Ohio",
        "The Columbus Dispatch",
        "en",
        None,
        "Acme",
    )
    assert {row[4] for row in rows} == {"Acme"} and len(rows) == 4
    assert all(row[3] is None for row in rows)  # Google News reports no engagement
    assert sent(feed_server)[0] == {
        "q": '"Acme" OR "Acme Corp" when:3d',
        "hl": "en-GB",
        "gl": "GB",
        "ceid": "GB:en",
    }

    scan_ok(cli, config, 0)
    assert sent(feed_server)[1]["q"].endswith(" after:2026-11-17")  # the stored cursor
