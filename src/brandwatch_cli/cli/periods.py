"""Reading the times people type: ``30m``, ``24h``, ``7d``, ``2w``, ``3mo``, ``1y``, ``today``,
``yesterday``, ``2026-11``, ``2026-11-01``, ``2026-11-01T08:00``.

``m`` is minutes (as in ``30m``); months are ``mo``, so that ``1m`` keeps meaning one minute.
Months and years count back on the calendar (``1mo`` before 31 March is 28 or 29 February).
Named days, months and dates without an offset are on the calendar of the zone given
(``timezone:``, ``--tz``): ``yesterday`` in Europe/Paris starts at Paris midnight; durations
count back from now whatever the zone.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta, tzinfo

from brandwatch_cli.errors import ConfigError
from brandwatch_cli.times import local_midnight

_RELATIVE_RE = re.compile(r"^\s*(\d+)\s*(mo|m|min|h|d|w|y)\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_DATE_RE = re.compile(r"^\s*\d{4}-?\d{2}-?\d{2}\s*$")
FORMS = "30m (minutes), 24h, 7d, 2w, 3mo, 1y, today, yesterday, 2026-11 or 2026-11-01"


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` ``months`` calendar months earlier, the day clamped to the month's length."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        raise OverflowError
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def parse_moment(value: str, now: datetime, option: str = "--since", tz: tzinfo = UTC) -> datetime:
    """An aware UTC datetime: ``now`` minus a duration, or a named day, a month or an ISO
    date/time on ``tz``'s calendar and clocks (unless it gives its own offset)."""
    try:
        return _moment(value, now, option, tz)
    except OverflowError:
        raise ConfigError(f"{option} {value!r} is too far back") from None


def _moment(value: str, now: datetime, option: str, tz: tzinfo) -> datetime:
    match = _RELATIVE_RE.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        if unit in ("mo", "y"):
            local = now.astimezone(tz)
            return months_before(local, amount * (12 if unit == "y" else 1)).astimezone(UTC)
        return now - timedelta(**{_UNITS[unit]: amount})
    named = value.strip().lower()
    if named in ("today", "yesterday"):
        day = now.astimezone(tz).date() - timedelta(days=1 if named == "yesterday" else 0)
        return local_midnight(day.year, day.month, day.day, tz)
    month = _MONTH_RE.match(value)
    try:
        if month:
            return local_midnight(int(month.group(1)), int(month.group(2)), 1, tz)
        if _DATE_RE.match(value):  # the day's first instant, even where clocks skip midnight
            day = date.fromisoformat(value.strip())
            return local_midnight(day.year, day.month, day.day, tz)
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a time: use e.g. {FORMS}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)
