"""Stored timestamps as people read them, apart from ``wording`` (which reads the report's
types) so that a table of sources needs neither."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from brandwatch_cli.text import one_line
from brandwatch_cli.times import local_text


def stored_when(value: object, tz: tzinfo = UTC) -> str:
    """A stored ISO timestamp (``2026-11-20T12:00:00+00:00``) as ``2026-11-20 12:00`` on
    ``tz``'s clocks; anything unreadable as it is, on one line."""
    if not value:
        return ""
    text = one_line(value)
    try:
        return local_text(datetime.fromisoformat(text), tz)
    except ValueError:
        return text[:16].replace("T", " ")
