"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/), which feedparser does not read."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin

from brandwatch_cli.dedupe import content_id
from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item
from brandwatch_cli.sources.decoding import load_json
from brandwatch_cli.text import clean_text, html_to_text, language_tag, markup_to_text, web_link
from brandwatch_cli.times import parse_datetime

_VERSION_RE = re.compile(r'"version"\s*:\s*"(https?://jsonfeed\.org/version/[^"]*)"')
_FEED_KEYS_RE = re.compile(r'"(feed_url|home_page_url)"\s*:')
_ITEMS_RE = re.compile(r'"items"\s*:\s*\[')
_LANGUAGE_RE = re.compile(r'"language"\s*:\s*"([^"]*)"')


def looks_like_json(content: bytes, content_type: str) -> bool:
    """JSON by its declared type, or by its first character when the type says nothing useful."""
    if "json" in content_type.lower():
        return True
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


def parse_json_feed(content: bytes, url: str) -> list[Item]:
    """Every item of a JSON Feed; SourceError if the document is not one."""
    try:
        document = load_json(content)
    except UnicodeDecodeError:
        raise SourceError("invalid JSON Feed: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        document = _salvage(content.decode("utf-8", "replace"))
        if document is None:
            raise SourceError(
                f"invalid JSON Feed at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
    if not isinstance(document, dict) or "jsonfeed.org/version/" not in str(
        document.get("version", "")
    ):
        raise SourceError("not a feed: JSON document is not a JSON Feed")
    items = document.get("items")
    if items is None:
        return []
    if not isinstance(items, list):
        raise SourceError("invalid JSON Feed: 'items' is not a list")
    base = _str(document.get("feed_url")) or url
    feed_language = language_tag(document.get("language"))
    feed_author = _author(document)
    parsed = (
        _item(raw, base, feed_language, feed_author) for raw in items if isinstance(raw, dict)
    )
    return [item for item in parsed if item.title or item.text]  # empty items name nothing


def _salvage(text: str) -> dict[str, Any] | None:
    """The complete items of a truncated JSON Feed (a cut download), or None if there are none."""
    version = _VERSION_RE.search(text)
    items_start = _ITEMS_RE.search(text)
    if not items_start or not (version or _FEED_KEYS_RE.search(text, 0, items_start.start())):
        return None
    decoder = json.JSONDecoder(strict=False)
    items: list[Any] = []
    position = items_start.end()
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break
        items.append(item)
    if not items:
        return None
    language = _LANGUAGE_RE.search(text[: items_start.start()])
    return {
        "version": version.group(1) if version else "https://jsonfeed.org/version/1.1",
        "items": items,
        "language": language.group(1) if language else None,
    }


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return clean_text(_str(authors[0].get("name"))) or None
    author = obj.get("author")
    if isinstance(author, dict):
        return clean_text(_str(author.get("name"))) or None
    return None


def _item(raw: dict[str, Any], base: str, language: str | None, author: str | None) -> Item:
    link = _str(raw.get("url")) or _str(raw.get("external_url"))
    link = web_link(urljoin(base, link)) if link else None
    # Plain text by the spec, but publishers escape it as HTML ("AT&amp;T") as in RSS.
    title = markup_to_text(_str(raw.get("title")), "text/plain")
    html = _str(raw.get("content_html"))
    text = (
        html_to_text(html)
        if html
        else clean_text(_str(raw.get("content_text")) or _str(raw.get("summary")))
    )
    # RFC 3339 by the spec; RFC 822 from publishers who reuse their RSS dates.
    published = parse_datetime(raw.get("date_published")) or parse_datetime(
        raw.get("date_modified")
    )
    raw_id = raw.get("id")
    entry_id = (
        clean_text(str(raw_id))
        if isinstance(raw_id, str | int) and str(raw_id).strip()
        else link or content_id(title, text, published)
    )
    return Item(
        entry_id=entry_id,
        url=link,
        title=title,
        text=text,
        author=_author(raw) or author,
        published_at=published,
        language=language_tag(raw.get("language")) or language,
    )
