"""The ``feed`` source: RSS 0.9x/1.0/2.0, Atom and JSON Feed, over HTTP or from a local file.

``parse_feed`` is a pure function of the bytes and headers, so it can run in a worker process.
It either returns every entry the feed holds or raises SourceError saying why it cannot.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urljoin

from brandwatch_cli.dedupe import content_id
from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item, Keyword, SourceConfig
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.fastfeed import parse_fast
from brandwatch_cli.sources.files import MAX_SIZE_OPTION, file_limit
from brandwatch_cli.sources.jsonfeed import looks_like_json, parse_json_feed
from brandwatch_cli.sources.response import Unchanged
from brandwatch_cli.text import clean_text, language_tag, markup_to_text, web_link
from brandwatch_cli.times import from_struct_time

#: The cursor holding the feed a page advertised (``<link rel="alternate" ...>``).
DISCOVERED = "discovered_feed"
_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
)


def looks_like_html(content: bytes, headers: Mapping[str, str]) -> bool:
    """An HTML page rather than a feed: by its type, or by its first tag."""
    kind = {k.lower(): v for k, v in headers.items()}.get("content-type", "").lower()
    return "html" in kind or _head(content).startswith((b"<!doctype html", b"<html"))


def _head(content: bytes) -> bytes:
    """The start of a document, byte order mark and blanks aside, lower-cased: enough to tell
    an HTML page from a feed."""
    return content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def advertised_feed(page: bytes, base: str) -> str | None:
    """The first feed a page advertises in a ``<link rel="alternate" type="...rss+xml">`` (or
    Atom, JSON Feed), as an absolute http(s) URL; None when it names none."""
    from html.parser import HTMLParser
    from urllib.parse import urljoin

    found: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag != "link" or found:
                return
            values = {k.lower(): (v or "") for k, v in attrs}
            rels = values.get("rel", "").lower().split()
            kind = values.get("type", "").lower().split(";")[0].strip()
            if "alternate" in rels and kind in _FEED_TYPES and values.get("href"):
                found.append(values["href"].strip())

    parser = Links(convert_charrefs=True)
    parser.feed(page[:MAX_PAGE_BYTES].decode("utf-8", "replace"))
    if not found:
        return None
    url = urljoin(base, found[0])
    return url if web_link(url) else None


#: How much of a page is read for its feed links (they are in its <head>).
MAX_PAGE_BYTES = 512 * 1024


class FeedSource:
    """A syndication feed at a URL or a local path."""

    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {MAX_SIZE_OPTION: (int, float)}
    NEEDS_URL: ClassVar[bool] = True

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config

    @staticmethod
    def check_options(config: SourceConfig) -> None:
        """``max_size_mb``, the bound of a local feed file (read whole, unlike a CSV)."""
        file_limit(config)

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        assert self.config.url is not None
        # A page that advertised its feed: read the feed found last time directly.
        url = ctx.cursors.get(DISCOVERED) or self.config.url
        response = await ctx.fetcher.get(url, conditional=True)
        if response.unchanged:
            raise Unchanged
        if url == self.config.url and looks_like_html(response.content, response.headers):
            feed_url = advertised_feed(response.content, response.url)
            if feed_url is None:
                raise SourceError("not a feed: the server sent an HTML page that names no feed")
            response = await ctx.fetcher.get(feed_url, conditional=True)
            # Like a permanent redirect: kept, and `sources` says to put it in the config.
            ctx.cursors[DISCOVERED] = feed_url
            ctx.fetcher.moved[self.config.url] = feed_url
            if response.unchanged:
                raise Unchanged
        return await ctx.parse(parse_feed, response.content, response.headers, response.url)


def parse_feed(content: bytes, headers: Mapping[str, str], url: str) -> list[Item]:
    """All entries of a feed document, whatever its format and encoding."""
    headers = {k.lower(): v for k, v in headers.items()}
    if looks_like_json(content, headers.get("content-type", "")):
        return parse_json_feed(content, url)
    return _parse_xml_feed(content, headers, url)


#: A character reference to half of a UTF-16 pair (``&#xD800;``) names no character: feedparser
#: crashes on it and SQLite refuses it, so it becomes U+FFFD, as an HTML parser reads it.
_SURROGATE_REF_RE = re.compile(
    rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}"
    rb"|0*(?:5529[6-9]|55[3-9]\d\d|56\d{3}|57[0-2]\d\d|573[0-3]\d|5734[0-3]));"
)


def _parse_xml_feed(content: bytes, headers: dict[str, str], url: str) -> list[Item]:
    if not content.strip():
        raise SourceError("empty response: no feed")
    content = _SURROGATE_REF_RE.sub(b"&#xFFFD;", content)
    headers.setdefault("content-location", url)
    fast = parse_fast(content, headers, url)
    if fast is not None:
        return fast
    import feedparser  # imported here: heavy, and only the feed source needs it

    # A BytesIO, never the raw bytes: feedparser treats a str/bytes that looks like a URL or a
    # path as something to open. No HTML sanitising: we reduce HTML to text ourselves.
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers=headers,
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    feed_language = language_tag(parsed.get("feed", {}).get("language")) or language_tag(
        headers.get("content-language")
    )
    entries = (_item_from_entry(entry, url, feed_language) for entry in parsed.get("entries", []))
    items = [item for item in entries if item.title or item.text]  # empty entries name nothing
    if not items:
        _check_is_feed(parsed, content)  # a genuine empty feed, or an error saying why not
    return items


def _check_is_feed(parsed: Any, content: bytes) -> None:
    """Raise SourceError unless an entry-less parse result is a genuine (empty) feed."""
    version = parsed.get("version") or ""
    error = parsed.get("bozo_exception")
    xml_error = ""
    if parsed.get("bozo") and error is not None and "SAX" in type(error).__name__:
        line = getattr(error, "getLineNumber", lambda: None)()
        xml_error = f"{'line ' + str(line) + ': ' if line else ''}{error.getMessage()}"
    if version:
        if xml_error:
            raise SourceError(f"malformed feed, no entry could be read ({xml_error})")
        return
    head = _head(content)
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        raise SourceError("not a feed: the server sent an HTML page")
    if xml_error:
        raise SourceError(f"not a feed: not well-formed XML ({xml_error})")
    raise SourceError("not a feed: no RSS, Atom or JSON Feed document found")


def _item_from_entry(entry: Any, base_url: str, feed_language: str | None) -> Item:
    link = entry.get("link")
    link = web_link(urljoin(base_url, link)) if isinstance(link, str) and link else None
    title = _entry_title(entry)
    text = _entry_text(entry)
    published = _entry_date(entry)
    entry_id = clean_text(entry.get("id")) or link or content_id(title, text, published)
    content = entry.get("content") or []
    language = language_tag(content[0].get("language") if content else None) or feed_language
    return Item(
        entry_id=entry_id,
        url=link,
        title=title,
        text=text,
        author=clean_text(entry.get("author")) or None,
        published_at=published,
        language=language,
    )


def _entry_title(entry: Any) -> str:
    return markup_to_text(entry.get("title"), (entry.get("title_detail") or {}).get("type"))


def _entry_text(entry: Any) -> str:
    """The fullest text the entry carries: its content if any, else its summary."""
    candidates = [(c.get("value") or "", c.get("type")) for c in entry.get("content") or []]
    summary_type = (entry.get("summary_detail") or {}).get("type")
    candidates.append((entry.get("summary") or "", summary_type))
    return markup_to_text(*max(candidates, key=lambda candidate: len(candidate[0])))


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        moment = from_struct_time(dict.get(entry, key))  # dict.get: no deprecated key fallbacks
        if moment is not None:
            return moment
    return None
