"""Reading the dates sources give us, as aware UTC datetimes; and the calendar of a time zone.

Pure functions of their input: no clock, no locale. Each returns None for a value it cannot
read (not a string or number, bad text, outside ``datetime``'s range) instead of raising, so an
odd date costs an item its date, never a source its items. A date without a zone is UTC.

It does NOT guess formats: ISO 8601, RFC 822, epoch seconds and feedparser's ``struct_time``
only. Formats of one service (GDELT's ``seendate``, a CSV's ``date_format``) stay with their
source, and use ``as_utc`` for the zone.

Times are stored and compared in UTC; a zone (``zone``) only decides where a person's days,
weeks and months start (``calendar_start``: Europe/Paris has a 23-hour day in March,
Asia/Kolkata's hours start at half past in UTC) and how a time is written for them
(``local_text``).
"""

from __future__ import annotations

import time
import zoneinfo
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal

#: The calendar units a trend counts in (``models.TrendBucket`` names the same).
CalendarUnit = Literal["hour", "day", "week", "month", "year"]


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
    from email.utils import parsedate_to_datetime  # 10 ms at start-up, for RFC 822 dates only

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


# Time zones -----------------------------------------------------------------------------------


def zone(name: str) -> tzinfo:
    """The IANA time zone ``name`` (``Europe/Paris``, ``Asia/Kolkata``); ``UTC`` needs no zone
    database. Raises ValueError with a sentence that says what is wrong."""
    name = name.strip()
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    known = zoneinfo.available_timezones()
    if not known:
        raise ValueError(
            f"unknown time zone {name!r}: no time zone database was found on this system"
            " (install the tzdata package: pip install tzdata)"
        )
    import difflib

    folded = {k.casefold(): k for k in known}
    near = [folded[name.casefold()]] if name.casefold() in folded else []
    near = near or difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean '{near[0]}'?" if near else "use an IANA name such as Europe/Paris"
    raise ValueError(f"unknown time zone {name!r} ({hint})")


def zone_name(tz: tzinfo) -> str:
    """How a zone is named to people: its IANA key (``Europe/Paris``), or ``UTC``."""
    key = getattr(tz, "key", None)
    return key if isinstance(key, str) else "UTC" if tz is UTC else str(tz)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def local_text(moment: datetime, tz: tzinfo = UTC, *, zone_label: bool = False) -> str:
    """``moment`` (naive means UTC) as ``2026-11-20 10:15`` on the wall clocks of ``tz``. The
    zone's abbreviation is added when that wall time happens twice (the hour a summer time
    ends: ``2026-10-25 02:30 CEST``), or always with ``zone_label``."""
    local = _aware(moment).astimezone(tz)
    text = f"{local:%Y-%m-%d %H:%M}"
    twice = local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
    if zone_label or (twice and tz is not UTC):
        text += f" {local.tzname() or zone_name(tz)}"
    return text


def duration_text(length: timedelta) -> str:
    """A duration as a config writes one, exactly: ``90s`` -> ``1m30s``, ``4h``, ``1d12h``."""
    seconds = int(length.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def period_before(since: datetime, until: datetime) -> datetime:
    """The start of the period of the same length just before ``since``..``until``, what
    reports compare with; from the first instant ``datetime`` holds when that reaches back
    past it (``--since 0001-01-02``)."""
    earliest = datetime.min.replace(tzinfo=since.tzinfo or UTC)
    length = until - since
    return earliest if since - earliest <= length else since - length


def local_midnight(year: int, month: int, day: int, tz: tzinfo = UTC) -> datetime:
    """The first instant, in UTC, of a calendar day in ``tz`` (a day whose midnight the clocks
    skip starts when they resume)."""
    return calendar_start(datetime(year, month, day, 12, tzinfo=tz), "day", tz)


def calendar_start(moment: datetime, unit: CalendarUnit, tz: tzinfo = UTC) -> datetime:
    """The first instant, in UTC, of the ``unit`` of ``tz``'s calendar holding ``moment``
    (naive means UTC): its hour, day, ISO week (from Monday), month or year."""
    local = _aware(moment).astimezone(tz)
    if unit == "hour":
        start = local.replace(minute=0, second=0, microsecond=0)  # keeps which of a twice hour
    else:
        start = local.replace(hour=0, minute=0, second=0, microsecond=0, fold=0)
        if unit == "week":
            start -= timedelta(days=start.weekday())  # 0001-01-01 is a Monday: never underflows
        elif unit == "month":
            start = start.replace(day=1)
        elif unit == "year":
            start = start.replace(month=1, day=1)
    # A wall time the clocks skip (fold 0) reads with the offset before the jump: the instant
    # of the jump, where the unit really starts.
    return start.astimezone(UTC)


def next_calendar_start(start: datetime, unit: CalendarUnit, tz: tzinfo = UTC) -> datetime:
    """The first instant, in UTC, of the ``unit`` after the one starting at ``start``."""
    if unit == "hour":
        # An hour ends an hour later in UTC, save where the clocks moved by a fraction of one
        # (Lord Howe's 30 minutes): then the next wall-clock hour decides.
        probe = start + timedelta(hours=1)
        while (following := calendar_start(probe, unit, tz)) <= start:
            probe += timedelta(minutes=15)
        return following
    local = _aware(start).astimezone(tz)
    if unit in ("day", "week"):
        later = local + timedelta(days=1 if unit == "day" else 7)  # wall-clock days
    elif unit == "month":
        later = local.replace(year=local.year + local.month // 12, month=local.month % 12 + 1)
    else:
        later = local.replace(year=local.year + 1)
    return calendar_start(later, unit, tz)
