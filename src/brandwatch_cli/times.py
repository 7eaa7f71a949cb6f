"""Reading the dates sources give us, as aware UTC datetimes.

Pure functions of their input: no clock, no locale. Each returns None for a value it cannot
read (not a string or number, bad text, outside ``datetime``'s range) instead of raising, so an
odd date costs an item its date, never a source its items. A date without a zone is UTC.

It does NOT guess formats: ISO 8601, RFC 822, epoch seconds and feedparser's ``struct_time``
only. Formats of one service (GDELT's ``seendate``, a CSV's ``date_format``) stay with their
source, and use ``as_utc`` for the zone.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def as_utc(moment: datetime) -> datetime | None:
    """``moment`` in UTC, a naive one taken as UTC; None when the shift leaves the calendar."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 has no UTC datetime
        return None


def parse_iso(value: object) -> datetime | None:
    """An ISO 8601 date or date-time (``Z`` or an offset, or none), blanks around ignored."""
    if not isinstance(value, str):
        return None
    try:
        return as_utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


def parse_datetime(value: object) -> datetime | None:
    """ISO 8601 when the text starts with a year, else RFC 822 (``Mon, 16 Nov 2026 09:15 GMT``):
    the two formats feeds use."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text[:4].isdigit():
        return parse_iso(text)
    try:
        return as_utc(parsedate_to_datetime(text))
    except (ValueError, TypeError, IndexError):
        return None


def from_timestamp(value: object) -> datetime | None:
    """Unix epoch seconds (an int or a float, never a bool); None for NaN or out of range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def from_struct_time(value: object) -> datetime | None:
    """A UTC ``time.struct_time`` (what feedparser's date handlers return) as a datetime."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None
