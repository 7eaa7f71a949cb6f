"""Reading the times people type: ``30m``, ``24h``, ``7d``, ``2w``, ``3mo``, ``1y``, ``today``,
``yesterday``, ``2026-11``, ``2026-11-01``, ``2026-11-01T08:00``.

``m`` is minutes (as in ``30m``); months are ``mo``, so that ``1m`` keeps meaning one minute.
Months and years count back on the calendar (``1mo`` before 31 March is 28 or 29 February).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

from brandwatch_cli.errors import ConfigError

_RELATIVE_RE = re.compile(r"^\s*(\d+)\s*(mo|m|min|h|d|w|y)\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
FORMS = "30m (minutes), 24h, 7d, 2w, 3mo, 1y, today, yesterday, 2026-11 or 2026-11-01"


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` ``months`` calendar months earlier, the day clamped to the month's length."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        raise OverflowError
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def parse_moment(value: str, now: datetime, option: str = "--since") -> datetime:
    """An aware UTC datetime: ``now`` minus a duration, a named day, a month or an ISO
    date/time (UTC if naive)."""
    match = _RELATIVE_RE.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        try:
            if unit in ("mo", "y"):
                return months_before(now, amount * (12 if unit == "y" else 1))
            return now - timedelta(**{_UNITS[unit]: amount})
        except OverflowError:
            raise ConfigError(f"{option} {value!r} is too far back") from None
    named = value.strip().lower()
    if named in ("today", "yesterday"):
        midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight - timedelta(days=1 if named == "yesterday" else 0)
    month = _MONTH_RE.match(value)
    try:
        if month:
            return datetime(int(month.group(1)), int(month.group(2)), 1, tzinfo=UTC)
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a time: use e.g. {FORMS}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
