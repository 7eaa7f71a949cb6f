"""Keys that make one story one row: canonical URLs, content fingerprints, word shingles.

Pure functions. The database enforces uniqueness on what they return; nothing here decides
whether a row is new. Near-identical texts (a syndicated copy with a publisher's suffix or a
trailing sentence) are found through ``prefix_keys``, which an index can store: two texts
whose shingle similarity reaches ``SIMILARITY`` always share one of them (prefix filtering,
exact, unlike MinHash bands), so candidates come from an indexed lookup and ``same_story``
confirms them.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Collection, Sequence
from datetime import datetime
from fractions import Fraction
from urllib.parse import unquote, urlsplit, urlunsplit

from brandwatch_cli.text import fold

#: Query parameters that only say how a reader arrived, never which page they read.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "__hssc",
        "__hstc",
        "__hsfp",
        "hsctatracking",
        "oly_anon_id",
        "oly_enc_id",
        "vero_conv",
        "vero_id",
        "wickedid",
        "rb_clickid",
        "s_cid",
        "ref_src",
        "ref_url",
        "spm",
        "ncid",
        "sr_share",
        "cmpid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ESCAPE_RE = re.compile(r"%[0-9a-fA-F]{2}")
_NON_WORD_RE = re.compile(r"[^\w]+")
#: Fingerprints of shorter contents would merge different posts ("Love it!", "Great news").
MIN_FINGERPRINT_WORDS = 8
#: Shorter texts are never compared for near-identity: too little text to tell copy from echo.
MIN_SIMILAR_WORDS = 50
#: Words per shingle (w-shingling, Broder 1997).
SHINGLE_WORDS = 3
#: Only the start of a long text is shingled: enough to recognise it, and the index stays small.
MAX_SHINGLED_WORDS = 1000
#: Two texts of ``MIN_SIMILAR_WORDS`` or more with this Jaccard similarity of their shingle
#: sets (or more) are one story: a 50-word text plus a 12-word trailing sentence is 0.8.
SIMILARITY = Fraction(4, 5)
_KEY_MASK = (1 << 63) - 1  # keys fit SQLite's signed 64-bit INTEGER
#: ``SIMILARITY`` as plain integers (a ``Fraction``'s attributes cost a call each).
_LOW, _HIGH = SIMILARITY.numerator, SIMILARITY.denominator


def _is_tracking(name: str) -> bool:
    key = unquote(name).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str | None) -> str | None:
    """The form of an http(s) URL that two links to the same page share; None for other URLs.

    Scheme and host are lower-cased, the default port and the fragment dropped, tracking
    parameters removed and the remaining parameters sorted. Parameter values are kept exactly
    as written (no re-encoding), so the result is stable: ``canonical_url`` of its own output
    returns it unchanged.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    path = _ESCAPE_RE.sub(lambda m: m.group(0).upper(), parts.path) or "/"
    pairs = [p for p in parts.query.split("&") if p and not _is_tracking(p.split("=", 1)[0])]
    query = "&".join(sorted(pairs))
    return urlunsplit((scheme, netloc, path, query, ""))


def fingerprint(title: str, text: str) -> str | None:
    """A digest of the normalised title and text, equal for syndicated copies of one story.

    Case, accents, punctuation and whitespace do not count. Contents under
    ``MIN_FINGERPRINT_WORDS`` words get no fingerprint: short posts are too often alike.
    """
    return _fingerprint(_words(title, text))


def _fingerprint(words: list[str]) -> str | None:
    if len(words) < MIN_FINGERPRINT_WORDS:
        return None
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:32]


def _words(title: str, text: str) -> list[str]:
    return _NON_WORD_RE.sub(" ", fold(f"{title} {text}")).split()


def shingles(title: str, text: str) -> frozenset[int]:
    """The hashed ``SHINGLE_WORDS``-word shingles of the normalised title and text (as for
    ``fingerprint``); empty under ``MIN_SIMILAR_WORDS`` words. Hashes are stable across
    processes and runs (crc32, not ``hash``), so they can be stored."""
    return _shingles(_words(title, text))


def story_keys(title: str, text: str) -> tuple[str | None, frozenset[int]]:
    """``fingerprint`` and ``shingles`` of one content, its words normalised once."""
    words = _words(title, text)
    return _fingerprint(words), _shingles(words)


def _shingles(words: list[str]) -> frozenset[int]:
    if len(words) < MIN_SIMILAR_WORDS:
        return frozenset()
    codes = [zlib.crc32(word.encode()) for word in words[:MAX_SHINGLED_WORDS]]
    return frozenset(
        ((a << 32 | b) * 0x9E3779B97F4A7C15 + c) * 0xBF58476D1CE4E5B9 & _KEY_MASK
        for a, b, c in zip(codes, codes[1:], codes[2:], strict=False)
    )


def similarity(a: frozenset[int], b: frozenset[int]) -> Fraction:
    """Jaccard similarity of two shingle sets, exactly (0 when either is empty)."""
    if not a or not b:
        return Fraction(0)
    common = len(a & b)
    return Fraction(common, len(a) + len(b) - common)


def similar(a: frozenset[int], b: frozenset[int]) -> bool:
    """``similarity(a, b) >= SIMILARITY``, in integers, and without intersecting sets whose
    sizes alone rule it out (a Jaccard similarity is at most the smaller size over the larger):
    the batch writer compares many."""
    size_a, size_b = len(a), len(b)
    if not size_a or not size_b or not similar_sizes(size_a, size_b):
        return False
    common = len(a & b)
    return common * _HIGH >= _LOW * (size_a + size_b - common)


def similar_sizes(size_a: int, size_b: int) -> bool:
    """Whether sets of these sizes may be ``similar``: a Jaccard similarity is at most the
    smaller size over the larger (a caller holding stored sets checks this before reading one)."""
    return min(size_a, size_b) * _HIGH >= _LOW * max(size_a, size_b)


def same_story(
    a_fingerprint: str | None,
    a_shingles: frozenset[int],
    b_fingerprint: str | None,
    b_shingles: frozenset[int],
) -> bool:
    """Whether two contents are one story: the same fingerprint, or near-identical long texts."""
    if a_fingerprint is not None and a_fingerprint == b_fingerprint:
        return True
    return similar(a_shingles, b_shingles)


def prefix_keys(keys: Collection[int]) -> tuple[int, ...]:
    """The smallest shingles of a set, as many as any set ``SIMILARITY``-similar to it must
    share one of: ``n - ceil(SIMILARITY * n) + 1`` of its ``n`` (a fifth, plus one).

    Jaccard(A, B) >= t means |A & B| >= o with o >= ceil(t |A|) and o >= ceil(t |B|); two
    sets sharing o elements share one among the first ``|A| - o + 1`` of A and the first
    ``|B| - o + 1`` of B in any common order (Chaudhuri et al. 2006, prefix filtering).
    """
    return tuple(sorted(keys)[: prefix_size(len(keys))])


def prefix_size(size: int) -> int:
    """How many of a set of ``size`` shingles ``prefix_keys`` keeps: a caller holding them
    sorted already takes that many from the front without sorting again."""
    return size - -(-_LOW * size // _HIGH) + 1 if size else 0  # ceil, in integers


def face_key(published: str | None, rank: int) -> tuple[bool, str, int]:
    """Sort key of a story's copies: the earliest published (an ISO 8601 UTC string as stored)
    comes first, undated copies last; ``rank`` breaks ties (the source's place in the config,
    or the entry's in its feed)."""
    return (published is None, published or "", rank)


def content_id(title: str, text: str, published: datetime | None) -> str:
    """A stable entry id for entries that carry neither an id nor a link."""
    digest = hashlib.sha256(f"{title}\n{text}\n{published}".encode()).hexdigest()[:32]
    return f"sha256:{digest}"


def group_stories(
    rows: Sequence[tuple[str, str | None, str | None, frozenset[int]]],
) -> list[list[int]]:
    """Indexes of rows (entry id, canonical URL, fingerprint, shingles), grouped by story.

    A row repeating the entry id or the canonical URL of an earlier row is the same page and
    is left out (a feed that repeats one story 400 times has it matched and stored once). Rows
    sharing a fingerprint, or near-identical (``same_story``), are one story, and so,
    transitively, are the stories they link: no two rows of different groups are the same
    story. Groups and their rows keep the order of the rows; which copy is the face is for the
    caller (it knows the dates).
    """
    seen_ids: set[str] = set()
    seen_urls: set[str] = set()
    by_print: dict[str, int] = {}  # fingerprint -> first row holding it
    by_prefix: dict[int, list[int]] = {}  # prefix key -> rows holding it
    parent: dict[int, int] = {}

    def root(row: int) -> int:
        while parent[row] != row:
            parent[row] = parent[parent[row]]
            row = parent[row]
        return row

    for index, (entry_id, url, print_, keys) in enumerate(rows):
        if entry_id in seen_ids or (url is not None and url in seen_urls):
            continue
        seen_ids.add(entry_id)
        if url is not None:
            seen_urls.add(url)
        parent[index] = index
        links = {by_print[print_]} if print_ is not None and print_ in by_print else set()
        prefix = prefix_keys(keys)
        near = {row for key in prefix for row in by_prefix.get(key, ())}
        links |= {row for row in near if similar(keys, rows[row][3])}
        for row in links:
            parent[root(row)] = root(index)
        if print_ is not None:
            by_print.setdefault(print_, index)
        for key in prefix:
            by_prefix.setdefault(key, []).append(index)
    groups: dict[int, list[int]] = {}
    for index in parent:  # in row order, so each group starts with its first row
        groups.setdefault(root(index), []).append(index)
    return list(groups.values())
