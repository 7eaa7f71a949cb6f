"""Values the store derives from what it stores, shared by the migrations (which backfill them)
and the writers (which fill them): a link's domain, engagement figures, shingle blobs, the
summary's quarter-hour bucket. Pure functions; frozen once a migration uses them."""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Mapping, Sequence
from struct import pack
from urllib.parse import urlsplit

INTERACTIONS = ("points", "score", "comments", "favourites", "reblogs", "quotes", "votes")


def shingle_blob(keys: frozenset[int]) -> bytes:
    """A face's shingle set as stored (signed 64-bit integers), compared without re-reading
    its text."""
    return sorted_blob(sorted(keys))


def sorted_blob(keys: Sequence[int]) -> bytes:
    """``shingle_blob`` of keys already sorted: the same bytes, packed at once."""
    return pack(f"{len(keys)}q", *keys)


def blob_shingles(blob: bytes) -> frozenset[int]:
    return frozenset(array("q", blob))


def bucket_of(column: str) -> str:
    """SQL for the UTC quarter hour holding the timestamp ``column``, as ``iso`` writes it
    (``2026-11-23T08:15:00+00:00``): every zone's hours and days start on one (Asia/Kolkata).
    Frozen: m010's triggers and the summary's refresh must agree."""
    minute = f"substr({column}, 15, 2)"
    return (
        f"substr({column}, 1, 14) || CASE WHEN {minute} < '15' THEN '00'"
        f" WHEN {minute} < '30' THEN '15' WHEN {minute} < '45' THEN '30' ELSE '45' END"
        " || ':00+00:00'"
    )


def bucket_key(stamp: str) -> str:
    """``bucket_of`` in Python, for a batch that marks its quarter hours itself: the same
    string comparisons on the same characters, so the two always agree."""
    minute = stamp[14:16]
    quarter = "00" if minute < "15" else "15" if minute < "30" else "30" if minute < "45" else "45"
    return f"{stamp[:14]}{quarter}:00+00:00"


#: A URL whose host ``urlsplit`` would return as it stands, lower-cased: a plain ASCII scheme
#: and host (no user, port, brackets, percent sign or whitespace), then the path or the end.
_PLAIN_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9._~!$&'()*+,;=-]*)(?:[/?#]|\Z)")


def url_domain(url: str | None) -> str | None:
    """The host of a mention's link, without ``www.``: who published it. A plain URL skips
    ``urlsplit`` (a batch writes thousands), with the same result."""
    if not url:
        return None
    plain = _PLAIN_HOST.match(url)
    if plain is not None and not _SPLIT_REMOVES.intersection(url):
        host = plain.group(1).lower()
    else:
        host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


#: Characters ``urlsplit`` removes wherever they are.
_SPLIT_REMOVES = frozenset("\t\r\n")


def engagement_numbers(engagement: str | None) -> tuple[float, float | None]:
    """(interactions, followers) from a stored engagement JSON object."""
    if not engagement:
        return 0.0, None
    try:
        values = json.loads(engagement)
    except ValueError:
        return 0.0, None
    if not isinstance(values, dict):
        return 0.0, None
    return engagement_figures(values)


def engagement_figures(values: Mapping[str, object]) -> tuple[float, float | None]:
    """(interactions, followers) from engagement numbers by name (non-numbers ignored)."""
    numbers = {k: v for k, v in values.items() if isinstance(v, int | float)}
    followers = numbers.get("followers")
    return float(sum(numbers.get(k, 0) for k in INTERACTIONS)), followers
