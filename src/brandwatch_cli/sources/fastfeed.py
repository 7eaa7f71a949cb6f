"""A fast path for well-formed RSS 2.0, RSS 1.0 and Atom 1.0 documents, via ElementTree.

feedparser is thorough and slow (it spends ~7 ms on a 50-entry feed, mostly in Python SAX
callbacks); most real feeds are well-formed XML that expat's C parser reads in a tenth of a
millisecond. ``parse_fast`` reads those and returns exactly what the feedparser path would
(``tests/test_fastfeed.py`` checks that on every real-world feed in ``../shared``, and
``tests/test_feedparser_documents.py`` on feedparser's own test documents). It returns None
(decline) for anything it does not read exactly as feedparser does, and the caller falls back to
feedparser: a DOCTYPE (entity declarations are feedparser's business), malformed XML, an encoding
the HTTP headers contradict, other feed formats, text elements with child elements (XHTML,
unescaped HTML), Base64 or other non-text content, several authors or alternate links, language
tags inside RSS.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urljoin

from brandwatch_cli.dedupe import content_id
from brandwatch_cli.models import Item
from brandwatch_cli.text import clean_text, language_tag, markup_to_text, web_link
from brandwatch_cli.times import from_struct_time, parse_datetime

ATOM = "{http://www.w3.org/2005/Atom}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS1 = "{http://purl.org/rss/1.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WFW = "{http://wellformedweb.org/CommentAPI/}"
SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
# The entry elements whose meaning here is exactly feedparser's. An entry with anything else
# (media:*, itunes:*, atom:link inside RSS ...) may carry a title, text, author or link that
# feedparser would use: the whole document is then left to feedparser.
_RSS_ITEM_TAGS = frozenset(
    {"title", "link", "guid", "pubDate", "description", "author", "category", "comments"}
    | {"enclosure", "source", f"{DC}creator", f"{DC}date", f"{CONTENT}encoded"}
    | {f"{WFW}commentRss", f"{WFW}comment", f"{SLASH}comments"}
)
MEDIA = "{http://search.yahoo.com/mrss/}"
# Empty media elements (image links) mean nothing to us or to feedparser's text fields.
_EMPTY_OK_TAGS = frozenset({f"{MEDIA}thumbnail", f"{MEDIA}content"})
_RDF_ITEM_TAGS = frozenset(
    {f"{RSS1}title", f"{RSS1}link", f"{RSS1}description", f"{DC}creator", f"{DC}date"}
    | {f"{DC}subject", f"{CONTENT}encoded"}
)
_ATOM_ENTRY_TAGS = frozenset(
    f"{ATOM}{tag}"
    for tag in (
        *("id", "title", "link", "published", "updated", "author", "summary", "content"),
        *("category", "rights", "contributor"),
    )
)
_ATOM_PEOPLE = frozenset({f"{ATOM}author", f"{ATOM}contributor"})
_C1_RE = re.compile(rb"\xc2[\x80-\x9f]|&#(?:1[2-5]\d|x[89][0-9a-fA-F]);")
_DECLARED_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']""")
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
#: Atom text constructs read here; xhtml (markup feedparser re-serialises) and Base64 are not.
_ATOM_TEXT_TYPES = frozenset({"text", "html", "text/plain", "text/html"})
#: What an Atom entry's alternate link may point at for feedparser to take it as the entry's.
_HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml"})


def parse_fast(content: bytes, headers: Mapping[str, str], url: str) -> list[Item] | None:
    """Every entry of a plain RSS/Atom document, or None when feedparser should decide."""
    head = content[:2048]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or not _encoding_agrees(head, headers):
        return None
    if b"xml:base" in content or _C1_RE.search(content):
        return None  # relative links and mis-encoded (cp1252) characters: feedparser repairs
    try:
        root = ET.fromstring(content)  # noqa: S314 - no DOCTYPE, so no entity expansion
        if root.tag != f"{ATOM}feed" and b"xml:lang" in content:
            return None  # feedparser gives RSS content the language of its element
        if root.tag == "rss":
            return _rss(root, headers, url)
        if root.tag == f"{ATOM}feed":
            return _atom(root, headers, url)
        if root.tag == f"{RDF}RDF":
            return _rdf(root, headers, url)
    except (ET.ParseError, ValueError, TypeError, AttributeError):
        return None
    return None


def _encoding_agrees(head: bytes, headers: Mapping[str, str]) -> bool:
    """Whether expat will decode the bytes as the HTTP headers say (else feedparser decides)."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return not _CHARSET_RE.search(headers.get("content-type", ""))
    declared = _DECLARED_RE.match(head)
    charset = _CHARSET_RE.search(headers.get("content-type", ""))
    name = (declared.group(1).decode("ascii") if declared else "utf-8").lower()
    if name not in ("utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"):
        return False
    return charset is None or charset.group(1).lower().replace("_", "-") in (name, "utf-8", "utf8")


def _text(element: ET.Element | None) -> str:
    """An element's text; one holding elements (unescaped HTML, XHTML) is feedparser's to read."""
    if element is None:
        return ""
    if len(element):
        raise ValueError("markup inside a text element")  # feedparser decides
    return element.text or ""


def _date(value: str) -> datetime | None:
    """A date as feedparser reads it: whole seconds (its ``struct_time`` has no fraction)."""
    value = value.strip()
    if not value:
        return None
    moment = parse_datetime(value)
    return moment.replace(microsecond=0) if moment is not None else _feedparser_date(value)


def _feedparser_date(value: str) -> datetime | None:
    """The formats only feedparser's many date handlers know."""
    from feedparser.datetimes import _parse_date

    return from_struct_time(_parse_date(value))


def _item(
    entry_id: str,
    link: str | None,
    title: tuple[str, str],
    texts: list[tuple[str, str]],
    author: str,
    published: datetime | None,
    language: str | None,
) -> Item:
    """The Item of one entry; ``title`` and ``texts`` are (value, media type) pairs."""
    title_text = markup_to_text(*title)
    fullest = max(((v.strip(), t) for v, t in texts), key=lambda vt: len(vt[0]), default=None)
    text = markup_to_text(*fullest) if fullest else ""
    return Item(
        entry_id=clean_text(entry_id) or link or content_id(title_text, text, published),
        url=link,
        title=title_text,
        text=text,
        author=clean_text(author) or None,
        published_at=published,
        language=language,
    )


def _rss(root: ET.Element, headers: Mapping[str, str], url: str) -> list[Item] | None:
    channel = root.find("channel")
    if channel is None:
        return None
    base = headers.get("content-location") or url
    language = language_tag(_text(channel.find("language"))) or language_tag(
        headers.get("content-language")
    )
    items = []
    if root.get(XML_LANG) or channel.get(XML_LANG):
        return None
    language = language or language_tag(_text(channel.find(f"{DC}language")))
    for entry in channel.iter("item"):
        if not _only(entry, _RSS_ITEM_TAGS) or _count(entry, ("author", f"{DC}creator")) > 1:
            return None
        guid = entry.find("guid")
        entry_id = _text(guid).strip()
        link = _text(entry.find("link")).strip()
        permalink = guid is not None and guid.get("isPermaLink", "true").lower() != "false"
        if entry_id and permalink:
            entry_id = urljoin(base, entry_id)
            link = link or entry_id
        title = _text(entry.find("title"))
        texts = [_text(entry.find(f"{CONTENT}encoded")), _text(entry.find("description"))]
        author = (
            _text(entry.find("author"))
            or _text(entry.find(f"{DC}creator"))
            or _text(entry.find(f"{ITUNES}author"))
        )
        published = _first_date(entry, ("pubDate", f"{DC}date"))
        item = _item(
            entry_id,
            _absolute(base, link),
            (title, "text/plain"),  # as feedparser: plain, unless it looks like HTML
            [(text, "text/html") for text in texts],
            author,
            published,
            language,
        )
        if item.title or item.text:
            items.append(item)
    return items


def _rdf(root: ET.Element, headers: Mapping[str, str], url: str) -> list[Item] | None:
    channel = root.find(f"{RSS1}channel")
    if channel is None:
        return None  # RSS 0.90 or something else
    base = headers.get("content-location") or url
    language = language_tag(_text(channel.find(f"{DC}language")))
    items = []
    for entry in root.iter(f"{RSS1}item"):
        if not _only(entry, _RDF_ITEM_TAGS) or _count(entry, (f"{DC}creator",)) > 1:
            return None
        link = _text(entry.find(f"{RSS1}link")).strip()
        entry_id = entry.get(f"{RDF}about") or ""
        title = _text(entry.find(f"{RSS1}title"))
        texts = [_text(entry.find(f"{CONTENT}encoded")), _text(entry.find(f"{RSS1}description"))]
        item = _item(
            entry_id,
            _absolute(base, link),
            (title, "text/plain"),
            [(text, "text/html") for text in texts],
            _text(entry.find(f"{DC}creator")),
            _first_date(entry, (f"{DC}date",)),
            language or language_tag(headers.get("content-language")),
        )
        if item.title or item.text:
            items.append(item)
    return items


def _atom(root: ET.Element, headers: Mapping[str, str], url: str) -> list[Item] | None:
    base = headers.get("content-location") or url
    feed_language = language_tag(root.get(XML_LANG)) or language_tag(
        headers.get("content-language")
    )
    items = []
    for entry in root.iter(f"{ATOM}entry"):
        if (
            not _only(entry, _ATOM_ENTRY_TAGS, _ATOM_PEOPLE)
            or _count(entry, (f"{ATOM}author",)) > 1
        ):
            return None
        link = _atom_link(entry)
        if link is None:
            return None
        texts = []
        content_language = None
        for tag in (f"{ATOM}content", f"{ATOM}summary"):
            element = entry.find(tag)
            if element is not None:
                texts.append(_atom_text(element))
                if tag == f"{ATOM}content":
                    content_language = element.get(XML_LANG) or entry.get(XML_LANG)
        author = _atom_author(entry.find(f"{ATOM}author"))
        published = _first_date(entry, (f"{ATOM}published", f"{ATOM}updated"))
        atom_id = _text(entry.find(f"{ATOM}id")).strip()
        item = _item(
            urljoin(base, atom_id) if atom_id else "",
            _absolute(base, link),
            _atom_text(entry.find(f"{ATOM}title")),
            texts,
            author,
            published,
            language_tag(content_language) or feed_language,  # feedparser: the content's
        )
        if item.title or item.text:
            items.append(item)
    return items


def _atom_link(entry: ET.Element) -> str | None:
    """The entry's one alternate HTML link, "" if it has no link; None if feedparser decides
    (several alternates: it takes the last; one to a PDF: none; only other relations)."""
    links = entry.findall(f"{ATOM}link")
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    if not links:
        return ""
    if len(alternates) != 1 or alternates[0].get("type", "").lower() not in _HTML_TYPES:
        return None
    return alternates[0].get("href", "")


def _atom_text(element: ET.Element | None) -> tuple[str, str]:
    """An Atom text construct as (value, media type); ValueError for one feedparser must read
    (XHTML, Base64, a ``src`` or an Atom 0.3 ``mode``)."""
    if element is None:
        return "", "text/plain"
    kind = element.get("type", "text").lower()
    if (
        kind not in _ATOM_TEXT_TYPES
        or len(element)
        or "src" in element.attrib
        or "mode" in element.attrib
    ):
        raise ValueError("a text construct feedparser decodes")
    return element.text or "", "text/html" if "html" in kind else "text/plain"


def _atom_author(author: ET.Element | None) -> str:
    if author is None:
        return ""
    name = _text(author.find(f"{ATOM}name")).strip()
    email = _text(author.find(f"{ATOM}email")).strip()
    if name and email:
        return f"{name} ({email})"
    return name or email


def _absolute(base: str, link: str) -> str | None:
    if not link:
        return None
    return web_link(link if link.startswith(("http://", "https://")) else urljoin(base, link))


def _only(
    entry: ET.Element, allowed: frozenset[str], parents: frozenset[str] = frozenset()
) -> bool:
    """Whether every child of ``entry`` is an element read here, and holds no element unless it
    is one of ``parents`` (an Atom person): text with markup inside is feedparser's to read."""
    return all(
        (child.tag in allowed or child.tag in _EMPTY_OK_TAGS)
        and (len(child) == 0 or child.tag in parents)
        for child in entry
    )


def _count(entry: ET.Element, tags: tuple[str, ...]) -> int:
    return sum(len(entry.findall(tag)) for tag in tags)


def _first_date(entry: ET.Element, tags: tuple[str, ...]) -> datetime | None:
    for tag in tags:
        value = _text(entry.find(tag))
        if value:
            moment = _date(value)
            if moment is not None:
                return moment
    return None
