"""Every real-world feed in ../shared/data/feeds goes through the feed source without crashing.

Each file either yields its entries (at least every non-empty entry feedparser finds) or is
reported as a failed source with a readable reason. Skipped when ../shared is absent.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from brandwatch_cli.errors import SourceError
from brandwatch_cli.sources.feed import parse_feed
from helpers import SHARED

FEEDS = SHARED / "data" / "feeds"
MANIFEST = FEEDS / "MANIFEST.csv"
_HEADER_RE = re.compile(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.MULTILINE)

if MANIFEST.exists():
    with MANIFEST.open(encoding="utf-8") as handle:
        ROWS = list(csv.DictReader(handle))
else:  # pragma: no cover - depends on the checkout
    ROWS = []

pytestmark = pytest.mark.skipif(not ROWS, reason="../shared/data/feeds is absent")


def _headers(content: bytes) -> dict[str, str]:
    """HTTP headers that feedparser's own test cases declare in their header comment."""
    return {name.decode(): value.decode() for name, value in _HEADER_RE.findall(content[:2000])}


def _empty_entries(content: bytes) -> int:
    import feedparser

    parsed = feedparser.parse(content, sanitize_html=False)
    return sum(
        1 for e in parsed.entries if not (e.get("title") or e.get("summary") or e.get("content"))
    )


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_feed_yields_entries_or_a_readable_failure(row):
    content = (FEEDS / row["file"]).read_bytes()
    try:
        items = parse_feed(content, _headers(content), f"https://feeds.example.com/{row['file']}")
    except SourceError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 300
        assert "Traceback" not in message
        # A failure must not hide entries feedparser could read from an XML feed.
        if not row["file"].endswith(".json") and row["fp_entries"]:
            assert int(row["fp_entries"]) - _empty_entries(content) <= 0, message
        return
    expected = int(row["fp_entries"] or 0)
    if not row["file"].endswith(".json"):
        assert len(items) >= expected - _empty_entries(content)
    for item in items:
        assert item.entry_id
        assert item.title or item.text
        assert not any(ch in item.title + item.text for ch in "\x00\x1b\x07")


def test_json_feeds_in_the_corpus_are_read_by_our_parser():
    json_rows = [
        r for r in ROWS if r["file"].endswith(".json") and "jsonfeed.org" in r["fp_version"]
    ]
    assert json_rows, "the corpus should hold JSON Feeds"
    for row in json_rows:
        content = (FEEDS / row["file"]).read_bytes()
        document = json.loads(content)
        expected = sum(
            1
            for item in document.get("items", [])
            if any(
                str(item.get(k) or "").strip()
                for k in ("title", "content_html", "content_text", "summary")
            )
        )
        assert len(parse_feed(content, {}, "https://feeds.example.com/")) == expected, row["file"]


def test_truncated_json_feed_keeps_its_complete_items():
    content = (FEEDS / "netnewswire" / "allthis-partial.json").read_bytes()
    items = parse_feed(content, {}, "https://feeds.example.com/")
    assert [i.title for i in items][:1] == ["Last thoughts on modifier keys"]
