"""The ElementTree fast path reads exactly what the feedparser path reads, or declines.

Entry ids must match exactly: a feed read by one path today and the other tomorrow must not
produce duplicates.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from brandwatch_cli.errors import SourceError
from brandwatch_cli.sources import feed
from brandwatch_cli.sources.fastfeed import parse_fast
from helpers import SHARED

DATA = Path(__file__).parent / "data"
FEEDS = SHARED / "data" / "feeds"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "feeds"
_HEADER_RE = re.compile(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.MULTILINE)
URL = "https://feeds.example.com/feed"


def _documents() -> list[Path]:
    files = [*DATA.glob("*.xml"), *EXAMPLES.glob("*.xml"), *EXAMPLES.glob("*.rss")]
    files += EXAMPLES.glob("*.atom")
    if FEEDS.exists():
        files += [p for p in FEEDS.rglob("*") if p.suffix in (".xml", ".rss", ".atom", ".rdf")]
    return sorted(files)


def _headers(content: bytes) -> dict[str, str]:
    found = {k.decode().lower(): v.decode() for k, v in _HEADER_RE.findall(content[:2000])}
    found.setdefault("content-location", URL)
    return found


def _slow(content: bytes, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list:
    monkeypatch.setattr(feed, "parse_fast", lambda *args: None)
    return feed.parse_feed(content, headers, URL)


@pytest.mark.parametrize("path", _documents(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fast_path_matches_feedparser_or_declines(path, monkeypatch):
    content = path.read_bytes()
    headers = _headers(content)
    fast = parse_fast(content, headers, URL)
    if fast is None:
        return
    try:
        slow = _slow(content, headers, monkeypatch)
    except SourceError:
        assert fast == [], "feedparser found no entries where the fast path found some"
        return
    assert len(fast) == len(slow)
    for quick, careful in zip(fast, slow, strict=True):
        assert quick.entry_id == careful.entry_id
        assert quick.url == careful.url
        assert quick.title == careful.title
        assert quick.text == careful.text
        assert quick.author == careful.author
        assert quick.language == careful.language
        # The fast path may read a date feedparser cannot; never the other way round.
        if careful.published_at is not None:
            assert quick.published_at == careful.published_at


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2026-11-16T09:15:00.750+01:00", datetime(2026, 11, 16, 8, 15, tzinfo=UTC)),
        ("Mon, 16 Nov 2026 09:15:00 GMT", datetime(2026, 11, 16, 9, 15, tzinfo=UTC)),
        ("0001-01-01T00:00:00+01:00", None),  # no UTC form
    ],
)
def test_dates_are_read_as_feedparser_reads_them(date, expected, monkeypatch):
    content = (
        "<rss version='2.0'><channel><title>t</title><item><title>Acme</title>"
        f"<pubDate>{date}</pubDate></item></channel></rss>"
    ).encode()
    (quick,) = parse_fast(content, {}, URL)
    (careful,) = _slow(content, {}, monkeypatch)
    assert quick.published_at == careful.published_at == expected  # whole seconds, as feedparser


def test_the_fast_path_takes_plain_feeds_and_declines_unusual_ones():
    assert parse_fast((DATA / "rss2.xml").read_bytes(), {}, URL) is not None
    assert parse_fast((DATA / "atom.xml").read_bytes(), {}, URL) is not None
    assert parse_fast((DATA / "xxe.xml").read_bytes(), {}, URL) is None  # a DOCTYPE
    assert parse_fast((DATA / "billion-laughs.xml").read_bytes(), {}, URL) is None
    assert parse_fast(b"<rss><channel><item><title>x</ti", {}, URL) is None  # malformed
    media = b'<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
    media += b"<title>t</title><media:title>other</media:title></item></channel></rss>"
    assert parse_fast(media, {}, URL) is None  # media:title would change the title
    latin1 = (DATA / "latin1-header-only.xml").read_bytes()
    assert parse_fast(latin1, {"content-type": "text/xml; charset=ISO-8859-1"}, URL) is None


def test_the_fast_path_covers_the_benchmark_corpus(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from corpus import generate

    generate(tmp_path, feeds=2, items=20)
    for path in tmp_path.glob("*.xml"):
        assert parse_fast(path.read_bytes(), {}, URL) is not None


_RSS = (
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom"'
    ' xmlns:thr="http://purl.org/syndication/thread/1.0"{extra}><channel><title>t</title>'
    "<item>{item}</item></channel></rss>"
)
_ATOM = (
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0"'
    "{extra}><title>t</title><entry>{item}</entry></feed>"
)
_PODCAST = (
    "<title>Episode 12</title><link>https://pod.example/12</link>"
    "<description>&lt;p&gt;Short &lt;b&gt;notes&lt;/b&gt;&lt;/p&gt;</description>"
    "<itunes:subtitle>A subtitle nobody reads</itunes:subtitle><itunes:duration>01:02:03"
    "</itunes:duration><itunes:image href='https://pod.example/art.jpg'/>"
    "<itunes:explicit>no</itunes:explicit><itunes:keywords>a, b</itunes:keywords>"
)


@pytest.mark.parametrize(
    ("template", "item", "extra"),
    [
        # description then itunes:summary: the summary becomes a content (plain, or HTML)
        (_RSS, _PODCAST + "<itunes:summary>The long notes &amp; more words</itunes:summary>", ""),
        (
            _RSS,
            "<itunes:summary>x &lt;b&gt;y&lt;/b&gt;</itunes:summary><description>d</description>",
            "",
        ),
        (
            _RSS,
            "<description>short</description><content:encoded>&lt;p&gt;much longer&lt;/p&gt;"
            "</content:encoded><itunes:summary>the longest summary of them all</itunes:summary>",
            "",
        ),
        (
            _RSS,
            "<content:encoded>c</content:encoded><description>a longer description</description>",
            "",
        ),
        (_RSS, "<description>one</description><description>a second, longer one</description>", ""),
        # the last author, the last date of each kind
        (_RSS, "<title>a</title><dc:creator>Jo</dc:creator><itunes:author>ATP</itunes:author>", ""),
        (
            _RSS,
            "<title>a</title><itunes:author>ATP</itunes:author><author>jo@x.org (Jo)</author>",
            "",
        ),
        (
            _RSS,
            "<title>a</title><atom:updated>2026-11-02T10:00:00Z</atom:updated>"
            "<dc:date>2026-11-01T10:00:00Z</dc:date>",
            "",
        ),
        (
            _RSS,
            "<title>a</title><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>"
            "<atom:updated>2026-11-03T10:00:00Z</atom:updated>",
            "",
        ),
        (_RSS, "<title></title><title>second</title><title>third</title>", ""),
        # elements that mean nothing to feedparser, with their own elements inside
        (
            _RSS,
            "<title>a</title><thr:total>3</thr:total><media:content url='https://m/x'>"
            "<media:credit>Photo</media:credit></media:content>",
            "",
        ),
        (_RSS, "<title>a</title><post-id xmlns='com-wordpress:feed-additions:1'>12</post-id>", ""),
        (
            _RSS,
            "<title>a</title><s:outline text='x'><s:outline text='y'/></s:outline>",
            ' xmlns:s="http://source.scripting.com/"',
        ),
        # xml:base, where every link and id is absolute
        (
            _RSS,
            "<title>a</title><link>https://x.example/a</link><guid>https://x.example/a</guid>",
            ' xml:base="https://elsewhere.example/"',
        ),
        (
            _ATOM,
            "<title>a</title><id>tag:x.example,2026:1</id><content type='html' "
            "xml:base='https://x.example/post/'>&lt;p&gt;text&lt;/p&gt;</content>"
            "<link rel='alternate' href='https://x.example/post'/>",
            ' xml:base="https://b.example/"',
        ),
        # Atom: no link at all (the id is the link), an empty href (the base), no href
        (_ATOM, "<title>a</title><id>https://x.example/1</id>", ""),
        (_ATOM, "<title>a</title><link href=''/><id>https://x.example/1</id>", ""),
        (_ATOM, "<title>a</title><id>https://x.example/1</id><link rel='alternate'/>", ""),
        (_ATOM, "<title>a</title><thr:total>2</thr:total>", ""),
    ],
)
def test_constructs_read_as_feedparser_reads_them(template, item, extra, monkeypatch):
    content = template.format(item=item, extra=extra).encode()
    fast = parse_fast(content, {"content-location": URL}, URL)
    assert fast is not None, "the fast path should read this document"
    assert fast == _slow(content, {"content-location": URL}, monkeypatch)


@pytest.mark.parametrize(
    ("template", "item", "extra"),
    [
        (_RSS, "<title>a</title><link>/relative</link>", ' xml:base="https://b.example/"'),
        (_ATOM, "<title>a</title><link href=''/>", ' xml:base="https://b.example/"'),
        (_RSS, "<title>a</title><media:title>other</media:title>", ""),
        (
            _RSS,
            "<title>a</title><media:content url='u'><media:title>t</media:title></media:content>",
            "",
        ),
        (_RSS, "<title>a</title><dc:language>fr</dc:language>", ""),
        (_RSS, "<title>a</title><itunes:owner><itunes:name>n</itunes:name></itunes:owner>", ""),
        # a foreign namespace under a prefix feedparser has handlers for
        (
            _RSS,
            "<title>a</title><dc2:title>t</dc2:title>",
            ' xmlns:dc2="http://purl.org/syndication/thread/1.0" xmlns:dc="http://purl.org/syndication/thread/1.0"',
        ),
        (_RSS, "<title>a</title><title xmlns='com-wordpress:feed-additions:1'>t</title>", ""),
        (
            _RSS,
            "<title>a</title><unknown:x xmlns:unknown='https://nobody.example/'>1</unknown:x>",
            "",
        ),
    ],
)
def test_constructs_feedparser_decides(template, item, extra):
    content = template.format(item=item, extra=extra).encode()
    assert parse_fast(content, {"content-location": URL}, URL) is None


def test_the_namespace_tables_agree_with_feedparser():
    import re

    from feedparser.api import StrictFeedParser

    from brandwatch_cli.sources import feednames

    namespaces = {uri.lower(): prefix for uri, prefix in StrictFeedParser.namespaces.items()}
    for uri, prefix in feednames.KNOWN_NAMESPACES.items():
        assert namespaces[uri.lower()] == prefix
    for uri, bare in feednames.FOREIGN_NAMESPACES.items():
        assert uri.lower() not in namespaces, uri
        for name in bare:
            assert not hasattr(StrictFeedParser, f"_start_{name}")
            assert not hasattr(StrictFeedParser, f"_end_{name}")
    handlers = [n for n in dir(StrictFeedParser) if n.startswith(("_start_", "_end_"))]
    prefixes = {m.group(1) for n in handlers if (m := re.match(r"_(?:start|end)_(\w+?)_", n))}
    assert prefixes <= feednames.HANDLED_PREFIXES | {"feed", "content"}
