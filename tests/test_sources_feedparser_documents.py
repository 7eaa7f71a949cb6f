"""feedparser's own test documents (``../shared/data/feedparser-tests``), read by both our paths.

Two promises, checked on every document:

- the ElementTree fast path reads what the feedparser path reads, or declines;
- our text extraction loses no word of feedparser's text: every word of an entry's title,
  summary and content, markup stripped by a real HTML tokenizer (the stdlib's), is a word of
  what we store. Text a page never shows (scripts, styles, templates, noscript, embedded
  iframes, objects and SVG) counts on neither side.
"""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item
from brandwatch_cli.sources import feed
from brandwatch_cli.sources.fastfeed import parse_fast
from brandwatch_cli.sources.jsonfeed import parse_json_feed
from helpers import SHARED

DOCUMENTS = SHARED / "data" / "feedparser-tests"
URL = "http://127.0.0.1:8097/feed"  # where feedparser's own suite serves them
_HEADER_RE = re.compile(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.MULTILINE)
_WORD_RE = re.compile(r"\w+")

#: Documents whose words we do not all keep, and why. Each is a choice, not a loss.
OUT_OF_SCOPE = {
    "wellformed/sanitize/item_content_encoded_script_nested_cdata.xml": (
        "'<![CDATA[<script>' in HTML is a bogus comment to a browser (and to us): Python 3.11's "
        "html.parser shows it as text"
    ),
}
#: Entries with a summary and a content that say different things: we keep the fuller text
#: only (a summary is most often the start of the content), so only its words must be kept.
FULLEST_TEXT_ONLY = {
    "wellformed/atom10/entry_content_and_summary.xml",
    "wellformed/rss/item_summary_and_description.xml",
    "wellformed/rss/item_description_and_summary.xml",
    "wellformed/lang/entry_content_xml_lang_inherit_3.xml",
    "wellformed/lang/entry_content_xml_lang_inherit_4.xml",
    "wellformed/base/entry_content_xml_base_inherit_3.xml",
    "wellformed/base/entry_content_xml_base_inherit_4.xml",
    "wellformed/sanitize/large_atom_feed_that_needs_css_sanitisation.xml",
}

pytestmark = pytest.mark.skipif(not DOCUMENTS.exists(), reason=f"{DOCUMENTS} is absent")


def _documents(suffix: str) -> list[Path]:
    return sorted(DOCUMENTS.rglob(f"*{suffix}")) if DOCUMENTS.exists() else []


def _name(path: Path) -> str:
    return path.relative_to(DOCUMENTS).as_posix()


def _headers(content: bytes) -> dict[str, str]:
    """The HTTP headers a document's comment asks feedparser's suite to serve it with."""
    found = {k.decode().lower(): v.decode() for k, v in _HEADER_RE.findall(content[:2000])}
    found.setdefault("content-location", URL)
    return found


def _feedparser_path(content: bytes, headers: dict[str, str]) -> list[Item]:
    parse_fast = feed.parse_fast
    feed.parse_fast = lambda *args: None  # type: ignore[assignment]
    try:
        return feed._parse_xml_feed(content, dict(headers), URL)
    finally:
        feed.parse_fast = parse_fast


@pytest.mark.parametrize("path", _documents(".xml"), ids=_name)
def test_the_fast_path_reads_what_feedparser_reads_or_declines(path: Path) -> None:
    content = path.read_bytes()
    headers = _headers(content)
    fast = parse_fast(content, dict(headers), URL)
    if fast is None:
        return
    try:
        careful = _feedparser_path(content, headers)
    except SourceError:
        assert fast == [], "feedparser found no entries where the fast path found some"
        return
    assert len(fast) == len(careful)
    for quick, slow in zip(fast, careful, strict=True):
        # The fast path may read a date feedparser cannot; never the other way round.
        if slow.published_at is None:
            quick = dataclasses.replace(quick, published_at=None)
        assert quick == slow


class _VisibleText(HTMLParser):
    """The words a browser shows, by the stdlib's HTML tokenizer: a reference for ours."""

    HIDDEN = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg"})
    #: Phrasing elements, which join the text on either side (``im<b>pre</b>ssive``); any other
    #: tag, known or not, separates words.
    INLINE = frozenset(
        {"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "blink", "cite", "code", "data"}
        | {"del", "dfn", "em", "font", "i", "ins", "kbd", "label", "mark", "nobr", "q", "s"}
        | {"samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.rpartition(":")[2]
        if tag in self.HIDDEN:
            self.hidden.append(tag)
        self._gap(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._gap(tag.rpartition(":")[2], attrs)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.rpartition(":")[2]
        if tag in self.hidden:
            while self.hidden.pop() != tag:
                pass
        self._gap(tag, [])

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def _gap(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not self.hidden:
            self.parts.append(f" {dict(attrs).get('alt') or ''} ")
        elif tag not in self.INLINE:
            self.parts.append(" ")


def _words(value: str, is_html: bool = True) -> set[str]:
    if is_html:
        parser = _VisibleText()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    return set(_WORD_RE.findall(value))


def _feedparser_words(entry: Any, fullest_only: bool) -> set[str]:
    """The words of an entry's title, summary and content, as feedparser reads them: markup
    is stripped from HTML, and from plain text that feedparser itself would take for HTML."""
    from feedparser.mixin import _FeedParserMixin

    def words(value: str | None, media_type: str | None) -> set[str]:
        value = value or ""
        plain = media_type == "text/plain" and not _FeedParserMixin.looks_like_html(value)
        return _words(value, is_html=not plain)

    result = words(entry.get("title"), (entry.get("title_detail") or {}).get("type"))
    texts = [*entry.get("content", []), entry.get("summary_detail") or {}]
    if fullest_only:
        texts = [max(texts, key=lambda text: len(text.get("value") or ""))]
    for text in texts:
        result |= words(text.get("value"), text.get("type"))
    return result


def _stored_words(item: Item) -> set[str]:
    return set(_WORD_RE.findall(f"{item.title} {item.text}"))


@pytest.mark.parametrize("path", _documents(".xml"), ids=_name)
def test_no_word_of_feedparser_is_lost(path: Path) -> None:
    import feedparser

    if _name(path) in OUT_OF_SCOPE:
        pytest.skip(OUT_OF_SCOPE[_name(path)])
    content = path.read_bytes()
    # As feed.py calls it: our own text extraction, no sanitiser, links as written.
    parsed = feedparser.parse(
        content,
        response_headers=_headers(content),
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    for entry in parsed.entries:
        item = feed._item_from_entry(entry, URL, None)
        lost = _feedparser_words(entry, _name(path) in FULLEST_TEXT_ONLY) - _stored_words(item)
        assert not lost, f"{sorted(lost)} lost from {item}"


@pytest.mark.parametrize("path", _documents(".json"), ids=_name)
def test_no_word_of_a_json_feed_is_lost(path: Path) -> None:
    content = path.read_bytes()
    document = json.loads(content)
    items = parse_json_feed(content, URL)
    assert len(items) == len(document["items"])
    for raw, item in zip(document["items"], items, strict=True):
        words = _words(raw.get("title") or "", is_html=False)
        words |= _words(raw.get("content_html") or "") or _words(raw.get("content_text") or "")
        assert not words - _stored_words(item)
