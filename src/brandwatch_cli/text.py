"""Turning hostile web text into something safe to store, match and show.

Pure functions only: no I/O, no knowledge of feeds or keywords.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

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
_BLANK_RE = re.compile(f"[\\s{_CONTROLS}]+")
#: Longest text kept from one field: enough for any article, bounded for hostile feeds.
MAX_TEXT_CHARS = 100_000
# Combining marks left behind by NFKD decomposition: the accents we fold away.
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters NFKD does not decompose, typographic punctuation folded to its ASCII twin, and the
# few characters NFKD would wrongly make part of a word.
_FOLD_MAP = {
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
    # Signs glued to a brand name that NFKD would spell as letters ("Acme™" as "acmetm").
    "™": " ",
    "℠": " ",
    # Invisible: where a long word may break (``&shy;``), inside it.
    "\u00ad": "",
}
# Replaced by a search for the few characters concerned: ``str.translate`` looks up every
# character of a non-ASCII text in the table, and folding long texts was the scan's top cost.
_FOLD_RE = re.compile("[" + "".join(_FOLD_MAP) + "]")
_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption"}
    | {"figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"}
    | {"nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}
)
#: Elements whose content is never visible text. Script and style are raw text in HTML: one never
#: closed hides the rest. The others hide only what they enclose: a self-closed ``<iframe/>`` or
#: an ``<object>`` never closed (Blogger feeds) leaves the text after it alone.
_HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg"})
_RAW_TAGS = frozenset({"script", "style"})
_CLOSE_RES = {tag: re.compile(rf"</(?:[^\s<>/:]+:)?{tag}\s*>", re.I) for tag in _HIDDEN_TAGS}
# A tag never holds "<", so no match runs past the next one: each character is looked at a
# bounded number of times whatever the input (``<img alt`` repeated costs what text costs).
# Possessive, so nothing backtracks; a ">" in a quoted attribute value does not end the tag.
# A namespace prefix goes with the name: Atom's XHTML (``<html:p>``) reads as HTML.
_PREFIX = r"(?:[^\s<>/:]+:)?"
_ATTRIBUTES = r"""((?:[^<>"'=]++|=\s*+"[^"<]*+"|=\s*+'[^'<]*+'|[="'])*+)>"""
_COMMENT = r"<!--.*?(?:-->|\Z)"  # never closed, it hides the rest, as in HTML
_MARKUP_RE = re.compile(
    rf"{_COMMENT}|<!\[CDATA\[(.*?)(?:\]\]>|\Z)"
    rf"|<(/?){_PREFIX}([a-zA-Z][^\s<>/:]*){_ATTRIBUTES}|<[!?][^<>]*+>",
    re.S,
)
_HIDDEN_RE = re.compile(
    rf"{_COMMENT}|<{_PREFIX}({'|'.join(sorted(_HIDDEN_TAGS))})(?=[\s/>]){_ATTRIBUTES}",
    re.S | re.I,
)
#: What makes feedparser take text for HTML when a feed does not say (RSS titles): an end tag or
#: an entity. Sloppy feeds put escaped HTML in elements declared plain text; these get it back.
_HTML_HINT_RE = re.compile(r"</\w+>|&#?\w+;")
_ALT_RE = re.compile(r"""[\s"'/]alt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)


def clean_text(value: str | None) -> str:
    """``value`` without control characters, whitespace collapsed to one line, length capped."""
    if not value:
        return ""
    value = _without_escapes(value[: MAX_TEXT_CHARS * 2])
    return _BLANK_RE.sub(" ", value).strip()[:MAX_TEXT_CHARS]


def strip_controls(value: str) -> str:
    """Remove terminal control characters (``ESC[31m``, bidi overrides) but keep the layout."""
    if value.isascii() and value.isprintable():  # most names and notes: nothing to remove
        return value
    return _CONTROL_RE.sub("", _without_escapes(value))


def one_line(value: object) -> str:
    """``value`` as one line of text to show: controls out, line breaks to spaces.

    For output, where stored text is shown as it is (spacing kept, nothing cut); ``clean_text``
    is for input, where what is stored is normalised once.
    """
    return strip_controls(str(value).replace("\n", " ").replace("\r", " "))


#: How much of a text stands for a mention without a title.
HEADLINE_CHARS = 120


def mention_headline(title: object, text: object) -> str:
    """What names a mention in a line: its title, else the start of its text (a toot, a CSV
    row, a review have none), else ``(no title)``; on one line."""
    return one_line(title or str(text or "")[:HEADLINE_CHARS] or "(no title)")


def _without_escapes(value: str) -> str:
    """``value`` without whole escape sequences; most text has none, and costs one scan."""
    return _ESCAPE_RE.sub("", value) if "\x1b" in value else value


def html_to_text(value: str | None) -> str:
    """Visible text of an HTML fragment, entities decoded, on one clean line.

    Scripts, styles and comments are dropped; block elements separate words; an image counts
    by its ``alt`` text.
    """
    if not value:
        return ""
    value = value[: MAX_TEXT_CHARS * 4]
    if "<" in value:
        value = _visible(value)
    if "&" in value:
        value = html.unescape(value)
    return clean_text(value)


def markup_to_text(value: str | None, media_type: str | None) -> str:
    """Text declared as ``media_type`` (``text/html``, ``application/xhtml+xml``, ``text/plain``
    ...) on one clean line: HTML reduced to its visible text, plain text kept as written
    (``History of the <blink> tag``) unless it looks like escaped HTML all the same, as
    publishers often send it."""
    if not value:
        return ""
    if "html" in (media_type or "html") or _HTML_HINT_RE.search(value):
        return html_to_text(value)
    return clean_text(value)


def _visible(value: str) -> str:
    """``value`` without its markup, entities left for the caller to decode."""
    if _HIDDEN_RE.search(value):
        value = _without_hidden(value)
    return _MARKUP_RE.sub(_markup_gap, value)


def _without_hidden(value: str) -> str:
    """``value`` without the content of scripts, styles, iframes and the like."""
    parts: list[str] = []
    unclosed: set[str] = set()  # elements with no end tag after the current position
    pos = 0
    while match := _HIDDEN_RE.search(value, pos):
        parts.append(value[pos : match.start()])
        parts.append(" ")
        pos = match.end()
        tag = (match.group(1) or "").lower()
        if not tag or match.group(2).rstrip().endswith("/") or tag in unclosed:
            continue  # a comment, a self-closed element, or nothing left to hide
        close = _CLOSE_RES[tag].search(value, pos)
        if close is not None:
            pos = close.end()
        elif tag in _RAW_TAGS:
            return "".join(parts)
        else:
            unclosed.add(tag)
    parts.append(value[pos:])
    return "".join(parts)


def _markup_gap(match: re.Match[str]) -> str:
    """What a piece of markup leaves in the text: block elements separate words; inline ones
    (``im<b>pre</b>ssive``) do not; an image counts by its ``alt`` text."""
    tag = match.group(3)
    if tag is None:
        cdata = match.group(1)
        return " " if cdata is None and match.group().startswith("<!--") else (cdata or "")
    tag = tag.lower()
    if tag in _BLOCK_TAGS or tag in _HIDDEN_TAGS:
        return " "
    if tag == "img" and not match.group(2):
        alt = _ALT_RE.search(match.group(4))
        return f" {alt.group(1) or alt.group(2) or alt.group(3) or ''} " if alt else " "
    return ""


def fold(value: str) -> str:
    """Case- and accent-insensitive form used for matching and fingerprints.

    ``Café  LUMIÈRE`` and ``cafe lumiere`` fold to the same string. Whitespace collapses to
    single spaces so phrases match whatever separates their words (``split`` and ``join``: the
    same whitespace as a regex's ``\\s``, without a replacement for every single space).
    """
    if value.isascii():
        return " ".join(value.lower().split())
    value = unicodedata.normalize("NFKD", _fold_letters(value))
    return " ".join(_fold_letters(_COMBINING_RE.sub("", value).casefold()).split())


def fold_keep_case(value: str) -> str:
    """``fold`` without the lower-casing: accents and spacing folded, case kept.

    For case-sensitive keywords; positions line up with ``fold``'s output unless lower-casing
    changed a length (``ß``), which callers must allow for.
    """
    value = unicodedata.normalize("NFKD", _fold_letters(value))
    return " ".join(_fold_letters(_COMBINING_RE.sub("", value)).split())


def _fold_letters(value: str) -> str:
    """``value`` with the letters and punctuation of ``_FOLD_MAP`` replaced."""
    if _FOLD_RE.search(value) is None:
        return value
    return _FOLD_RE.sub(lambda found: _FOLD_MAP[found.group()], value)


def is_word_char(char: str) -> bool:
    """Whether ``char`` continues a word, for whole-word matching.

    Scripts written without spaces (CJK and beyond U+2E80) never glue onto a Latin brand name,
    so ``我喜欢Acme手机`` still mentions Acme.
    """
    return (char.isalnum() or char == "_") and ord(char) < 0x2E80


#: The 184 two-letter language codes of ISO 639-1.
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
    ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
    ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
    ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
    ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
    yo za zh zu
    """.split()  # noqa: SIM905 - a table to read, not a list to scroll
)


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


def counted(count: int, noun: str, adjective: str = "") -> str:
    """``1 keyword``, ``3 sources``, ``1 new mention``: a count with its noun in the right
    number (nouns that take an ``s``)."""
    return f"{count} {adjective + ' ' if adjective else ''}{noun}{'' if count == 1 else 's'}"


def _url_parts(url: str) -> tuple[str, str | None, str, list[str]]:
    """A database URL cut where its secrets sit: what comes before the user part's password,
    that password (None without one), the rest up to the query, and the query's ``&`` pieces.
    Hosts are left as written: libpq's ``host1:port1,host2:port2`` or ``[::1]`` are no
    port numbers to parse."""
    head, _, query = url.partition("?")
    scheme, slashes, rest = head.partition("://")
    userinfo, at, hosts = rest.rpartition("@")  # the last one: a password may hold "/" or "@"
    if "/" in userinfo.partition(":")[0]:  # an "@" in the database name, no user part
        userinfo, at, hosts = "", "", rest
    user, colon, password = userinfo.partition(":")
    before = f"{scheme}{slashes}{user}"
    after = f"{at}{hosts}"
    return before, (password if colon else None), after, query.split("&") if query else []


def _is_password(piece: str) -> bool:
    return unquote(piece.partition("=")[0]).strip().lower() == "password"


def url_password(url: str) -> str | None:
    """The password a ``postgresql://`` URL carries, in its user part (``user:secret@``) or
    as libpq's ``password`` parameter (``?password=secret``); None when it has none."""
    _, password, _, query = _url_parts(url)
    if password is not None:
        return password
    found = [unquote(piece.partition("=")[2]) for piece in query if _is_password(piece)]
    return found[-1] if found else None


def redacted_url(url: str) -> str:
    """A database URL fit to print: without its password, in the user part or the query
    (``postgresql://bob:pw@db/x?password=pw&sslmode=require`` shows as
    ``postgresql://bob@db/x?sslmode=require``); everything else as written."""
    before, _, after, query = _url_parts(url)
    kept = [piece for piece in query if not _is_password(piece)]
    return before + after + ("?" + "&".join(kept) if kept else "")
