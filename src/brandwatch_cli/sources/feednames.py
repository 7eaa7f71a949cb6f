"""What feedparser calls the elements of a feed entry, and which of them it reads into nothing
we keep, so that the fast path (``fastfeed``) can skip them and still read what feedparser reads.

feedparser names an element ``prefix_name``: the prefix it gives a namespace it knows
(``KNOWN_NAMESPACES``), whatever the document calls it, else the document's own prefix; and it
calls ``_start_prefix_name`` when it has such a handler. Podcast durations, image credits,
comment counts and a blog's post ids land in keys we never read; a title, text, author, date or
language does not (``MEANINGFUL``). ``tests/test_sources_fastfeed.py`` checks these tables
against feedparser's own. This module reads no feed itself and never imports feedparser.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from urllib.parse import urlparse, urlunparse, uses_netloc, uses_relative

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
MEDIA = "{http://search.yahoo.com/mrss/}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
#: Namespaces feedparser knows, under the prefix it gives them whatever the document says;
#: elements of other namespaces get the document's own prefix.
KNOWN_NAMESPACES = {
    ITUNES[1:-1]: "itunes",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    MEDIA[1:-1]: "media",
    "http://search.yahoo.com/mrss": "media",
    DC[1:-1]: "dc",
    DCTERMS[1:-1]: "dcterms",
}
#: The elements of those namespaces that feedparser reads into a field we keep (a title,
#: text, author, date, language) or that may hold one (an owner's name), apart from those an
#: entry's reader handles itself. The others (durations, image links, credits, keywords,
#: identifiers, rights) go where we never look.
MEANINGFUL = frozenset(
    {"itunes_name", "itunes_email", "itunes_owner", "itunes_author", "itunes_summary"}
    | {"feedburner_browserfriendly", "media_title", "media_description"}
    | {"dc_title", "dc_description", "dc_language", "dc_date", "dc_creator", "dc_author"}
    | {"dc_contributor", "dcterms_created", "dcterms_issued", "dcterms_modified"}
)
#: Namespaces feedparser does not know, whose elements mean nothing to it: comment counts, a
#: blog's post ids, a source's Markdown, video ids, shop data. It names them with the
#: document's prefix, or with their bare name where the namespace is the default: only those
#: listed here are then known to have no handler.
FOREIGN_NAMESPACES: Mapping[str, frozenset[str]] = {
    "http://purl.org/syndication/thread/1.0": frozenset(),
    "com-wordpress:feed-additions:1": frozenset({"post-id"}),
    "http://source.scripting.com/": frozenset(),
    "https://source.scripting.com/": frozenset(),
    "http://www.youtube.com/xml/schemas/2015": frozenset(),
    "http://jadedpixel.com/-/spec/shopify": frozenset(),
    "http://purl.org/rss/1.0/modules/prism/": frozenset(),
    "http://purl.oclc.org/net/rss_2.0/enc#": frozenset(),
    "http://www.rssboard.org/media-rss": frozenset(),
}
#: The prefixes feedparser has handlers for (``_start_media_title``...), and the keys of an
#: entry we read that an unknown element's ``prefix_name`` could overwrite.
HANDLED_PREFIXES = frozenset(
    {"cc", "content", "creativeCommons", "creativecommons", "dc", "dcterms", "feedburner"}
    | {"georss", "gml", "itunes", "media", "psc", "xhtml", "atom", "rdf", "xml", "xlink"}
)
ENTRY_KEYS = frozenset(
    {"title_detail", "summary_detail", "published_parsed", "updated_parsed", "created_parsed"}
)
_TAG_RE = re.compile(r"\{([^}]*)\}(.*)")


class Document:
    """What the fast path needs to know of a whole document beyond its elements: whether it
    sets ``xml:base`` anywhere, and the prefixes it gives foreign namespaces."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        #: feedparser resolves links and ids against the nearest ``xml:base``: only links and
        #: ids that need no base are then read the same here (``base_free``).
        self.rebased = b"xml:base" in content
        self._verdicts: dict[str, bool] = {}

    def harmless(self, element: ET.Element) -> bool:
        """Whether feedparser reads ``element`` and everything inside it into none of the
        entry's fields we keep: by the names feedparser gives them, ``prefix_name``."""
        verdict = self._verdicts.get(element.tag)
        if verdict is None:
            verdict = self._verdicts[element.tag] = self._judge(element.tag)
        return verdict and all(self.harmless(child) for child in element)

    def _judge(self, tag: str) -> bool:
        match = _TAG_RE.fullmatch(tag)
        if match is None:
            return False  # RSS's own elements: only those read here
        uri, local = match.groups()
        known = KNOWN_NAMESPACES.get(uri)
        if known is not None:
            return f"{known}_{local.lower()}" not in MEANINGFUL
        bare = FOREIGN_NAMESPACES.get(uri)
        if bare is None:
            return False  # known to feedparser (dc, media...) or not known to be harmless
        declared = re.findall(
            rb"""xmlns(?::([^\s=]+))?\s*=\s*["']""" + re.escape(uri.encode()) + rb"""["']""",
            self.content,
        )
        prefixes = {prefix.decode() for prefix in declared}
        return bool(prefixes) and all(_unread(prefix, local, bare) for prefix in prefixes)

    def link(self, value: str) -> str:
        """A link or id as read, unless ``xml:base`` could change what feedparser makes of it
        (ValueError: feedparser decides)."""
        if self.rebased and not base_free(value):
            raise ValueError("a link relative to xml:base")
        return value


def _unread(prefix: str, local: str, bare: frozenset[str]) -> bool:
    """Whether feedparser reads nothing we keep from an element of a namespace it does not
    know, named ``local`` under ``prefix`` in the document: it takes the prefix's handlers."""
    name = f"{prefix}_{local.lower()}"
    if not prefix:
        return local in bare
    if prefix in KNOWN_NAMESPACES.values():
        return name not in MEANINGFUL
    return prefix not in HANDLED_PREFIXES and name not in ENTRY_KEYS


def base_free(uri: str) -> bool:
    """Whether ``urljoin(base, uri)`` is the same whatever the base: empty, or absolute and
    already in the form urljoin gives it, or of a scheme that is never relative (``tag:``)."""
    if not uri:
        return True
    parts = urlparse(uri)
    if not parts.scheme:
        return False
    if parts.scheme not in uses_relative:
        return True
    return parts.scheme in uses_netloc and bool(parts.netloc) and urlunparse(parts) == uri
