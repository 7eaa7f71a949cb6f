"""Reading the times people type: ``24h``, ``7d``, ``2w``, ``2026-11-01``, ``2026-11-01T08:00``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from brandwatch_cli.errors import ConfigError

_RELATIVE_RE = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_moment(value: str, now: datetime, option: str = "--since") -> datetime:
    """An aware UTC datetime: ``now`` minus a duration, or an ISO date/time (UTC if naive)."""
    match = _RELATIVE_RE.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        try:
            return now - timedelta(**{_UNITS[unit]: amount})
        except OverflowError:
            raise ConfigError(f"{option} {value!r} is too far back") from None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(
            f"{option} {value!r} is not a time: use e.g. 24h, 7d, 2w or 2026-11-01"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
