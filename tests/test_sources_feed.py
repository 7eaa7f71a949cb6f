"""The feed source's parser, on fixture documents (no network)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from brandwatch_cli.errors import SourceError
from brandwatch_cli.sources.feed import parse_feed

DATA = Path(__file__).parent / "data"
BASE = "https://base.example.com/feed.xml"


def parse(name, headers=None):
    return parse_feed((DATA / name).read_bytes(), headers or {}, BASE)


def test_rss2_entries_fields_and_fallback_ids():
    first, relative, bare = parse("rss2.xml")
    assert first.entry_id == "rss-1"
    assert first.url == "https://news.example.com/acme-factory?utm_source=rss"
    assert first.title == "Acme opens a new factory"
    assert first.text == "Great news for the region & its workers."
    assert first.author == "Dana"
    assert first.published_at == datetime(2026, 11, 16, 9, 15, tzinfo=UTC)
    assert first.language == "en"
    assert relative.url == "https://base.example.com/relative/globex-cinema"
    assert relative.published_at == datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    assert bare.url is None and bare.entry_id.startswith("sha256:")
    assert parse("rss2.xml")[2].entry_id == bare.entry_id  # stable across parses


def test_atom_prefers_full_content_and_published_date():
    first, second = parse("atom.xml")
    assert first.title == "Acme <3 Atom"
    assert first.text == "The full content about Acme, much longer than the summary."
    assert first.published_at == datetime(2026, 11, 19, 5, 40, tzinfo=UTC)
    assert first.language == "fr"
    assert second.text == "Plain text about Globex."


def test_json_feed_1_1():
    items = parse("jsonfeed.json")
    assert [i.entry_id for i in items] == ["1", "2", "https://elsewhere.example.com/3"]
    assert items[0].text == "Acme & friends"
    assert items[0].author == "Item Author"
    assert items[1].url == "https://json.example.net/2"
    assert items[1].author == "Feed Author"
    assert items[1].language == "fr"
    assert items[1].published_at == datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    assert items[2].text == "Only a summary, no id"


def test_json_feed_1_0_author():
    (item,) = parse("jsonfeed10.json")
    assert item.author == "Writer"


def test_json_feed_detected_by_content_type_even_with_leading_whitespace():
    body = b'\n  {"version": "https://jsonfeed.org/version/1.1", "items": []}'
    assert parse_feed(body, {"Content-Type": "application/feed+json"}, BASE) == []


def test_iso_8859_1_declared_in_document():
    (item,) = parse("latin1.xml")
    assert item.title == "Café Lumière à Montréal"
    assert item.text == "Très apprécié, élégant."


def test_iso_8859_1_declared_only_in_http_header():
    (item,) = parse(
        "latin1-header-only.xml", {"Content-Type": "application/rss+xml; charset=ISO-8859-1"}
    )
    assert item.title == "Crème brûlée chez Acme"


def test_html_page_is_not_a_feed():
    with pytest.raises(SourceError, match="HTML page"):
        parse("page.html", {"Content-Type": "text/html"})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"just some text", "not a feed"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
            "invalid JSON Feed at line 1",
        ),
        (b'{"hello": "world"}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": 3}', "'items' is not a list"),
        (b"<rss version='2.0'><channel><title>x</ti", "malformed feed, no entry could be read"),
        (b"<note><to>Ana</to></note>", "no RSS, Atom or JSON Feed"),
    ],
)
def test_broken_documents_raise_a_readable_source_error(body, message):
    with pytest.raises(SourceError, match=message):
        parse_feed(body, {}, BASE)


def test_truncated_feed_yields_the_entries_it_holds():
    (item,) = parse_feed(
        b"<rss version='2.0'><channel><item><title>Acme x</title></item><item><ti", {}, BASE
    )
    assert item.title == "Acme x"


def test_truncated_inside_the_first_entry_is_a_readable_failure():
    with pytest.raises(SourceError, match="malformed feed"):
        parse_feed(b"<rss version='2.0'><channel><title>t</title><item><title>Acme", {}, BASE)


def test_external_entities_are_never_resolved():
    for item in parse("xxe.xml"):
        assert "root:" not in item.title + item.text


def test_entity_expansion_bomb_is_not_expanded():
    items = parse("billion-laughs.xml")
    assert all(len(i.title) < 1000 for i in items)


def test_hostile_text_is_cleaned_and_unsafe_links_dropped():
    (item,) = parse("hostile.xml")
    assert "\x1b" not in item.title and "\u202e" not in item.title
    assert "\x1b" not in item.text and "alert" not in item.text
    assert item.url is None  # a javascript: link is not a link


@pytest.mark.parametrize(
    "body",
    [
        b"<rss version='2.0'><channel><title>t</title><item><title>Acme</title>"
        b"<pubDate>0001-01-01T00:00:00+01:00</pubDate></item></channel></rss>",
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "Acme",'
        b' "date_published": "0001-01-01T00:00:00+01:00"}]}',
    ],
)
def test_a_date_with_no_utc_form_leaves_the_entry_undated(body):
    (item,) = parse_feed(body, {}, BASE)
    assert item.title == "Acme"
    assert item.published_at is None


def test_a_page_that_advertises_its_feed_is_read_through_it(cli, feed_server, tmp_path):
    from helpers import rss as make_rss
    from helpers import write_config as make_config

    page = (
        "<!DOCTYPE html><html><head><title>Blog</title>"
        '<link rel="stylesheet" href="/s.css">'
        '<link rel="alternate" type="application/rss+xml" title="Feed" href="/blog/feed.xml">'
        "</head><body>Acme</body></html>"
    )
    feed_server.serve("/blog/", page, headers={"Content-Type": "text/html; charset=utf-8"})
    feed_server.serve(
        "/blog/feed.xml", make_rss([{"title": "Acme ships", "link": "https://b.example/1"}])
    )
    config = make_config(tmp_path, [("blog", feed_server.url("/blog/"))], keywords="  - Acme\n")
    first = cli("scan", "-c", config)
    assert first.exit_code == 0, first.stderr
    assert "1 new mention" in first.stdout
    sources = cli("sources", "-c", config).stdout
    assert f"moved permanently to {feed_server.url('/blog/feed.xml')}" in sources
    assert cli("scan", "-c", config, "--force").exit_code == 0
    assert feed_server.paths() == ["/blog/", "/blog/feed.xml", "/blog/feed.xml"]


def test_a_page_without_a_feed_link_says_so(cli, feed_server, tmp_path):
    from helpers import write_config as make_config

    feed_server.serve("/p", "<html><body>Acme</body></html>", headers={"Content-Type": "text/html"})
    config = make_config(tmp_path, [("p", feed_server.url("/p"))])
    result = cli("scan", "-c", config)
    assert result.exit_code == 1
    assert "not a feed: the server sent an HTML page that names no feed" in result.stderr
