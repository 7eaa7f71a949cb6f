"""Turning hostile web text into something safe to store, match and show.

Pure functions only: no I/O, no knowledge of feeds or keywords.
"""

from __future__ import annotations

import html
import re
import unicodedata

# C0 and C1 control characters (keeping nothing: newlines are folded into spaces anyway),
# DEL, and the bidirectional overrides that can make a terminal line read backwards.
_CONTROLS = "\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
#: A whole terminal escape sequence, so none of it is left as text ("Acme[31m"): CSI (colours,
#: cursor moves), OSC (window titles, links; only when terminated) and the other two-character
#: escapes. Only ESC starts one: a lone C1 byte (0x9b is what "›" of a cp1252 page declared
#: ISO-8859-1 becomes) is removed alone, like any control character, and eats no text.
_ESCAPE = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)"
    r"|\x1b[ -/]*[0-~]"
)
_ESCAPE_RE = re.compile(_ESCAPE)
_CONTROL_RE = re.compile(f"[{_CONTROLS}]")
_SPACE_RE = re.compile(r"\s+")
_BLANK_RE = re.compile(f"[\\s{_CONTROLS}]+")
#: Longest text kept from one field: enough for any article, bounded for hostile feeds.
MAX_TEXT_CHARS = 100_000
# Combining marks left behind by NFKD decomposition: the accents we fold away.
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters NFKD does not decompose, and typographic punctuation folded to its ASCII twin.
_FOLD_TABLE = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
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
_BLOCK_TAGS = (
    "address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header"
    "|hr|li|main|nav|ol|p|pre|section|table|td|th|tr|ul"
)
# Regular expressions, not an HTML parser: feed markup only needs its visible words, and these
# run at C speed on thousands of entries per scan.
_DROP_RE = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|template|noscript|iframe|object|svg)\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.S | re.I,
)
_IMG_ALT_RE = re.compile(r"""<img\b[^>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>""", re.I)
_TAG_RE = re.compile(rf"</?({_BLOCK_TAGS})\b[^>]*>|</?[a-zA-Z][^>]*>|<![^>]*>|<\?[^>]*>", re.I)


def clean_text(value: str | None) -> str:
    """``value`` without control characters, whitespace collapsed to one line, length capped."""
    if not value:
        return ""
    value = _without_escapes(value[: MAX_TEXT_CHARS * 2])
    return _BLANK_RE.sub(" ", value).strip()[:MAX_TEXT_CHARS]


def strip_controls(value: str) -> str:
    """Remove terminal control characters (``ESC[31m``, bidi overrides) but keep the layout."""
    return _CONTROL_RE.sub("", _without_escapes(value))


def one_line(value: object) -> str:
    """``value`` as one line of text to show: controls out, line breaks to spaces.

    For output, where stored text is shown as it is (spacing kept, nothing cut); ``clean_text``
    is for input, where what is stored is normalised once.
    """
    return strip_controls(str(value).replace("\n", " ").replace("\r", " "))


def _without_escapes(value: str) -> str:
    """``value`` without whole escape sequences; most text has none, and costs one scan."""
    return _ESCAPE_RE.sub("", value) if "\x1b" in value else value


def _tag_gap(match: re.Match[str]) -> str:
    """Block elements separate words; inline ones (``im<b>pre</b>ssive``) do not."""
    return " " if match.group(1) else ""


def html_to_text(value: str | None) -> str:
    """Visible text of an HTML fragment, entities decoded, on one clean line.

    Scripts, styles and comments are dropped; block elements separate words; an image counts
    by its ``alt`` text.
    """
    if not value:
        return ""
    value = value[: MAX_TEXT_CHARS * 4]
    if "<" in value:
        value = _DROP_RE.sub(" ", value)
        if "alt" in value:
            value = _IMG_ALT_RE.sub(lambda m: f" {m.group(1) or m.group(2) or ''} ", value)
        value = _TAG_RE.sub(_tag_gap, value)
    if "&" in value:
        value = html.unescape(value)
    return clean_text(value)


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


def fold_keep_case(value: str) -> str:
    """``fold`` without the lower-casing: accents and spacing folded, case kept.

    For case-sensitive keywords; positions line up with ``fold``'s output unless lower-casing
    changed a length (``ß``), which callers must allow for.
    """
    value = unicodedata.normalize("NFKD", value.translate(_FOLD_TABLE))
    value = _COMBINING_RE.sub("", value).translate(_FOLD_TABLE)
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
