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
