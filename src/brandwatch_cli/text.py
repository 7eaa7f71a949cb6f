"""Turning hostile web text into something safe to store, match and show.

Pure functions only: no I/O, no knowledge of feeds or keywords.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

# C0 and C1 control characters (keeping nothing: newlines are folded into spaces anyway),
# DEL, and the bidirectional overrides that can make a terminal line read backwards.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACE_RE = re.compile(r"\s+")
#: Longest text kept from one field: enough for any article, bounded for hostile feeds.
MAX_TEXT_CHARS = 100_000
# Combining marks left behind by NFKD decomposition: the accents we fold away.
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters NFKD does not decompose, and typographic punctuation folded to its ASCII twin.
_FOLD_TABLE = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "‐": "-",
        "‑": "-",
        "–": "-",
        "—": "-",
    }
)
_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption"}
    | {"figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"}
    | {"nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}
)
_SKIP_TAGS = frozenset(("script", "style", "template", "noscript", "iframe", "object"))


def clean_text(value: str | None) -> str:
    """``value`` without control characters, whitespace collapsed to one line, length capped."""
    if not value:
        return ""
    value = value[: MAX_TEXT_CHARS * 2]
    return _SPACE_RE.sub(" ", _CONTROL_RE.sub(" ", value)).strip()[:MAX_TEXT_CHARS]


def strip_controls(value: str) -> str:
    """Remove terminal control characters (``ESC[31m``, bidi overrides) but keep the layout."""
    return _CONTROL_RE.sub("", value)


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment; scripts and styles are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """Visible text of an HTML fragment, entities decoded, on one clean line."""
    if not value:
        return ""
    value = value[: MAX_TEXT_CHARS * 4]
    if "<" not in value:
        return clean_text(html.unescape(value) if "&" in value else value)
    parser = _TextExtractor()
    try:
        parser.feed(value)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - HTMLParser is very lenient
        return clean_text(html.unescape(re.sub(r"<[^>]*>", " ", value)))
    return clean_text("".join(parser.parts))


def fold(value: str) -> str:
    """Case- and accent-insensitive form used for matching and fingerprints.

    ``Café  LUMIÈRE`` and ``cafe lumiere`` fold to the same string. Whitespace collapses to
    single spaces so phrases match whatever separates their words.
    """
    if value.isascii():
        return _SPACE_RE.sub(" ", value.lower()).strip()
    value = unicodedata.normalize("NFKD", value.translate(_FOLD_TABLE))
    value = _COMBINING_RE.sub("", value).casefold().translate(_FOLD_TABLE)
    return _SPACE_RE.sub(" ", value).strip()


def is_word_char(char: str) -> bool:
    """Whether ``char`` continues a word, for whole-word matching.

    Scripts written without spaces (CJK and beyond U+2E80) never glue onto a Latin brand name,
    so ``我喜欢Acme手机`` still mentions Acme.
    """
    return (char.isalnum() or char == "_") and ord(char) < 0x2E80


def language_tag(tag: object) -> str | None:
    """ISO 639 primary subtag of a language tag (``en-US`` -> ``en``), if it looks like one."""
    if not isinstance(tag, str):
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    if 2 <= len(primary) <= 3 and primary.isalpha() and primary.isascii():
        return primary
    return None


def web_link(url: object) -> str | None:
    """``url`` if it is an absolute http(s) link; None for ``javascript:``, ``data:`` etc."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if _CONTROL_RE.search(url) or not url.lower().startswith(("http://", "https://")):
        return None
    return url
