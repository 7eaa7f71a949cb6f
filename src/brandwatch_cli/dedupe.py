"""Keys that make one story one row: canonical URLs and content fingerprints.

Pure functions. The database enforces uniqueness on what they return; nothing here decides
whether a row is new.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
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
    words = _NON_WORD_RE.sub(" ", fold(f"{title} {text}")).split()
    if len(words) < MIN_FINGERPRINT_WORDS:
        return None
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:32]


def content_id(title: str, text: str, published: datetime | None) -> str:
    """A stable entry id for entries that carry neither an id nor a link."""
    digest = hashlib.sha256(f"{title}\n{text}\n{published}".encode()).hexdigest()[:32]
    return f"sha256:{digest}"


def first_of_each_story(keys: Sequence[tuple[str | None, ...]]) -> list[int]:
    """Indexes of the rows whose keys (entry id, canonical URL, fingerprint: None is no key)
    no earlier row shares, position by position: a feed that repeats one story 400 times has
    it matched once, scored once, stored once."""
    seen: list[set[str]] = [set() for _ in keys[0]] if keys else []
    first = []
    for index, row in enumerate(keys):
        if any(key is not None and key in taken for key, taken in zip(row, seen, strict=True)):
            continue
        first.append(index)
        for key, taken in zip(row, seen, strict=True):
            if key is not None:
                taken.add(key)
    return first
