"""What to tell a user about a source's health: fix its URL, or remove it.

Pure: reads a source's stored state (``store.source_health``) and the time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from brandwatch_cli.models import SourceHealthRow
from brandwatch_cli.times import parse_iso

#: A source answering 404 or 410 this long is gone, not down for a while.
GONE_AFTER = timedelta(days=7)
#: Without any success on record, this many failures in a row (with the backoff, more than a
#: week of scans) count as gone.
GONE_FAILURES = 8
_GONE_RE = re.compile(r"\bHTTP (404|410)\b")


def advice(row: SourceHealthRow, now: datetime) -> str | None:
    """One sentence a user can act on, or None: a permanent redirect to follow in the config,
    or a source gone (404/410) for a week to remove from it."""
    if row.get("moved_to"):
        return f"moved permanently to {row['moved_to']}: update its url in the config"
    gone = _GONE_RE.search(row.get("last_error") or "")
    if not gone:
        return None
    success = parse_iso(row.get("last_success"))
    if success is not None and now - success < GONE_AFTER:
        return None
    if success is None and (row.get("failures") or 0) < GONE_FAILURES:
        return None
    since = f"since {success:%Y-%m-%d}" if success else "every time it was tried"
    return f"answers HTTP {gone.group(1)} {since}: remove it from the config?"
