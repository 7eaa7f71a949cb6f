"""A fast path for well-formed RSS 2.0, RSS 1.0 and Atom 1.0 documents, via ElementTree.

feedparser is thorough and slow (it spends ~7 ms on a 50-entry feed, mostly in Python SAX
callbacks); most real feeds are well-formed XML that expat's C parser reads in a tenth of a
millisecond. ``parse_fast`` reads those and returns exactly what the feedparser path would
(``tests/test_fastfeed.py`` checks that on every real-world feed in ``../shared``, and
``tests/test_feedparser_documents.py`` on feedparser's own test documents). It returns None
(decline) for anything it does not read exactly as feedparser does, and the caller falls back to
feedparser: a DOCTYPE (entity declarations are feedparser's business), malformed XML, an encoding
the HTTP headers contradict, other feed formats, text elements with child elements (XHTML,
unescaped HTML), Base64 or other non-text content, several alternate links, language tags inside
RSS, elements feedparser gives a meaning this module does not reproduce.

Elements feedparser reads into none of the fields we keep (podcast durations, comment counts,
a publisher's own ids) are skipped: ``feednames.Document.harmless`` says which. ``xml:base``
only changes what feedparser reads of links and ids that are relative: a document carrying it
is read here when every entry's are absolute.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import urljoin

from brandwatch_cli.dedupe import content_id
from brandwatch_cli.models import Item
from brandwatch_cli.sources.feednames import DC, DCTERMS, ITUNES, Document
from brandwatch_cli.text import clean_text, language_tag, markup_to_text, web_link
from brandwatch_cli.times import from_struct_time, parse_datetime

ATOM = "{http://www.w3.org/2005/Atom}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS1 = "{http://purl.org/rss/1.0/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WFW = "{http://wellformedweb.org/CommentAPI/}"
SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
# The entry elements whose meaning here is exactly feedparser's. An entry with anything else
# (media:*, itunes:*, atom:link inside RSS ...) may carry a title, text, author or link that
# feedparser would use: the whole document is then left to feedparser.
_RSS_ITEM_TAGS = frozenset(
    {"title", "link", "guid", "pubDate", "description", "author", "category", "comments"}
    | {"enclosure", "source", f"{DC}creator", f"{DC}date", f"{CONTENT}encoded"}
    | {f"{WFW}commentRss", f"{WFW}comment", f"{SLASH}comments", f"{ITUNES}author"}
    | {f"{ITUNES}summary", f"{ATOM}updated"}
)
#: What feedparser makes of an RSS item's elements that we read: its author (the last one
#: wins), its summary or content (see ``_rss_texts``), its dates (the last of each wins).
_RSS_AUTHORS = frozenset({"author", f"{DC}creator", f"{ITUNES}author"})
_RSS_TITLES = frozenset({"title"})
_RSS_PUBLISHED = frozenset({"pubDate"})
_RSS_UPDATED = frozenset({f"{DC}date", f"{ATOM}updated"})
_RDF_TITLES = frozenset({f"{RSS1}title", f"{DC}title"})
_RDF_AUTHORS = frozenset({f"{DC}creator"})
_RDF_PUBLISHED = frozenset({f"{DCTERMS}issued"})
_RDF_UPDATED = frozenset({f"{DC}date"})
_RDF_ITEM_TAGS = frozenset(
    {f"{RSS1}title", f"{RSS1}link", f"{RSS1}description", f"{DC}creator", f"{DC}date"}
    | {f"{DC}subject", f"{CONTENT}encoded", f"{DC}title", f"{DCTERMS}issued"}
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
    if _C1_RE.search(content):
        return None  # mis-encoded (cp1252) characters: feedparser repairs them
    try:
        root = ET.fromstring(content)  # noqa: S314 - no DOCTYPE, so no entity expansion
        if root.tag != f"{ATOM}feed" and b"xml:lang" in content:
            return None  # feedparser gives RSS content the language of its element
        document = Document(content)
        if root.tag == "rss":
            return _rss(root, headers, url, document)
        if root.tag == f"{ATOM}feed":
            return _atom(root, headers, url, document)
        if root.tag == f"{RDF}RDF":
            return _rdf(root, headers, url, document)
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
    texts: Sequence[tuple[str, str | None]],
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


def _rss(
    root: ET.Element, headers: Mapping[str, str], url: str, document: Document
) -> list[Item] | None:
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
        if not _only(entry, _RSS_ITEM_TAGS, document):
            return None
        guid = entry.find("guid")
        entry_id = _text(guid).strip()
        link = document.link(_text(entry.find("link")).strip())
        permalink = guid is not None and guid.get("isPermaLink", "true").lower() != "false"
        if entry_id and permalink:
            entry_id = urljoin(base, document.link(entry_id))
            link = link or entry_id
        item = _item(
            entry_id,
            _absolute(base, link),
            (_first_title(entry, _RSS_TITLES), "text/plain"),  # as feedparser: plain, or HTML
            _rss_texts(entry, "description"),
            _last_text(entry, _RSS_AUTHORS),
            _last_date(entry, _RSS_PUBLISHED) or _last_date(entry, _RSS_UPDATED),
            language,
        )
        if item.title or item.text:
            items.append(item)
    return items


def _rss_texts(entry: ET.Element, description: str) -> list[tuple[str, str | None]]:
    """The entry's contents, then its summary, as feedparser builds them, in document order:
    ``description`` (HTML) or ``itunes:summary`` (plain) is the summary, or a content (plain)
    when a summary came first and no content; ``content:encoded`` is a content (HTML), and
    the summary too when there is none yet (of no declared type)."""
    contents: list[tuple[str, str | None]] = []
    summary: tuple[str, str | None] | None = None
    has_content = False
    for child in entry:
        if child.tag == f"{CONTENT}encoded":
            value = _text(child)
            contents.append((value, "text/html"))
            has_content = True
            summary = summary or (value, None)
        elif child.tag in (description, f"{ITUNES}summary"):
            value = _text(child)
            if summary is not None and not has_content:
                contents.append((value, "text/plain"))
                has_content = True
            else:
                summary = (value, "text/html" if child.tag == description else "text/plain")
    return [*contents, summary or ("", None)]


def _rdf(
    root: ET.Element, headers: Mapping[str, str], url: str, document: Document
) -> list[Item] | None:
    channel = root.find(f"{RSS1}channel")
    if channel is None:
        return None  # RSS 0.90 or something else
    base = headers.get("content-location") or url
    language = language_tag(_text(channel.find(f"{DC}language")))
    items = []
    for entry in root.iter(f"{RSS1}item"):
        if not _only(entry, _RDF_ITEM_TAGS, document):
            return None
        item = _item(
            entry.get(f"{RDF}about") or "",  # feedparser takes it as it is
            _absolute(base, document.link(_text(entry.find(f"{RSS1}link")).strip())),
            (_first_title(entry, _RDF_TITLES), "text/plain"),
            _rss_texts(entry, f"{RSS1}description"),
            _last_text(entry, _RDF_AUTHORS),
            _last_date(entry, _RDF_PUBLISHED) or _last_date(entry, _RDF_UPDATED),
            language or language_tag(headers.get("content-language")),
        )
        if item.title or item.text:
            items.append(item)
    return items


def _atom(
    root: ET.Element, headers: Mapping[str, str], url: str, document: Document
) -> list[Item] | None:
    base = headers.get("content-location") or url
    feed_language = language_tag(root.get(XML_LANG)) or language_tag(
        headers.get("content-language")
    )
    items = []
    for entry in root.iter(f"{ATOM}entry"):
        if (
            not _only(entry, _ATOM_ENTRY_TAGS, document, _ATOM_PEOPLE)
            or _count(entry, (f"{ATOM}author",)) > 1
        ):
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
        atom_id = document.link(_text(entry.find(f"{ATOM}id")).strip())
        entry_id = urljoin(base, atom_id) if atom_id else ""
        item = _item(
            entry_id,
            _absolute(base, _atom_link(entry, entry_id, base, document)),
            _atom_text(entry.find(f"{ATOM}title")),
            texts,
            author,
            published,
            language_tag(content_language) or feed_language,  # feedparser: the content's
        )
        if item.title or item.text:
            items.append(item)
    return items


def _atom_link(entry: ET.Element, entry_id: str, base: str, document: Document) -> str:
    """The entry's link as feedparser reads it: its one alternate HTML link resolved (an empty
    ``href`` is the base itself, a missing one no link), or its id when it has no link at all.
    ValueError when feedparser decides (several alternates: it takes the last; one to a PDF:
    none; only other relations)."""
    links = entry.findall(f"{ATOM}link")
    if not links:
        return entry_id
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    if len(alternates) != 1 or alternates[0].get("type", "").lower() not in _HTML_TYPES:
        raise ValueError("links feedparser chooses among")
    href = alternates[0].get("href")
    if href == "" and document.rebased:
        raise ValueError("a link to xml:base itself")
    return base if href == "" else document.link(href or "")


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
    entry: ET.Element,
    allowed: frozenset[str],
    document: Document,
    parents: frozenset[str] = frozenset(),
) -> bool:
    """Whether every child of ``entry`` is an element read here or one feedparser reads into
    nothing we keep, and holds no element unless it is one of ``parents`` (an Atom person):
    text with markup inside is feedparser's to read."""
    return all(
        ((child.tag in allowed) and (len(child) == 0 or child.tag in parents))
        or document.harmless(child)
        for child in entry
    )


def _count(entry: ET.Element, tags: tuple[str, ...]) -> int:
    return sum(len(entry.findall(tag)) for tag in tags)


def _first_title(entry: ET.Element, tags: frozenset[str]) -> str:
    """The first non-empty title among ``tags``: feedparser keeps it, and ignores later ones
    (an empty one it replaces)."""
    return next((_text(c) for c in entry if c.tag in tags and _text(c).strip()), "")


def _last_text(entry: ET.Element, tags: frozenset[str]) -> str:
    """The text of the last child of ``entry`` among ``tags``: feedparser keeps the last."""
    found = [child for child in entry if child.tag in tags]
    return _text(found[-1]) if found else ""


def _last_date(entry: ET.Element, tags: frozenset[str]) -> datetime | None:
    """The date of the last child among ``tags``, None if it has none that reads: feedparser
    keeps the last one's reading (``published`` or ``updated``), even a failed one."""
    value = _last_text(entry, tags)
    return _date(value) if value else None


def _first_date(entry: ET.Element, tags: tuple[str, ...]) -> datetime | None:
    for tag in tags:
        value = _text(entry.find(tag))
        if value:
            moment = _date(value)
            if moment is not None:
                return moment
    return None
