"""Calendar buckets for a report's trend: which unit fits a period, and where buckets start.

A trend covers its whole period in at most ``MAX_BUCKETS`` points: it uses the smallest of
hour, day, week (ISO: Monday 00:00 to Sunday 24:00), month and year that fits, on the calendar
of the report's time zone (UTC unless ``timezone:`` or ``--tz`` says otherwise): a Paris day
starts at Paris midnight and the last Sunday of March lasts 23 hours; an Asia/Kolkata hour
starts at half past in UTC. Buckets are named by their first instant, in UTC, so the first and
the last may reach outside the period (a period starting on a Wednesday has its first week
start on the Monday before); they then hold only the mentions inside the period. Year buckets
exist only for periods over 400 months (33 years), typed as ``--since 1970-01-01``; they are
the last resort, so a period of more than 400 years has more points.

Pure arithmetic, no clock (``times.calendar_start`` holds the calendar). The store groups
mentions by the same starts (``PeriodView.trend``); the tests hold both to the same answer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from brandwatch_cli.models import TrendBucket
from brandwatch_cli.times import calendar_start, next_calendar_start

#: Points drawn at most (unless the period is longer than 400 years).
MAX_BUCKETS = 400
#: From the finest to the coarsest: the first that fits is used.
UNITS: tuple[TrendBucket, ...] = ("hour", "day", "week", "month", "year")


def bucket_start(moment: datetime, unit: TrendBucket, tz: tzinfo = UTC) -> datetime:
    """The first instant, in UTC, of the ``unit`` of ``tz``'s calendar holding ``moment``."""
    return calendar_start(moment, unit, tz)


def next_start(start: datetime, unit: TrendBucket, tz: tzinfo = UTC) -> datetime:
    """The start of the bucket after the one starting at ``start``."""
    return next_calendar_start(start, unit, tz)


def _last_moment(since: datetime, until: datetime) -> datetime:
    """The last instant of [since, until): ``until`` itself is not in the period."""
    since, until = (m.replace(tzinfo=UTC) if m.tzinfo is None else m for m in (since, until))
    return max(since, until - timedelta(microseconds=1))


def _rough_count(first: datetime, last: datetime, unit: TrendBucket, tz: tzinfo) -> int:
    """How many buckets from ``first`` to ``last`` (both starts), by the clock: exact but where
    the clocks moved by a fraction of an hour or a whole day was skipped (a handful of
    buckets in a century)."""
    if unit == "hour":
        return (last - first) // timedelta(hours=1) + 1
    a, b = first.astimezone(tz), last.astimezone(tz)
    if unit in ("day", "week"):
        return (b.date() - a.date()).days // (1 if unit == "day" else 7) + 1
    if unit == "month":
        return (b.year - a.year) * 12 + b.month - a.month + 1
    return b.year - a.year + 1


def bucket_count(since: datetime, until: datetime, unit: TrendBucket, tz: tzinfo = UTC) -> int:
    """How many ``unit`` buckets the period [since, until) touches; exact whenever it is near
    ``MAX_BUCKETS`` or below, without listing the buckets of a long period."""
    first = bucket_start(since, unit, tz)
    last = bucket_start(_last_moment(since, until), unit, tz)
    rough = _rough_count(first, last, unit, tz)
    if tz is UTC or unit in ("month", "year") or rough > 2 * MAX_BUCKETS:
        return rough
    return len(bucket_starts(since, until, unit, tz))


def trend_unit(since: datetime, until: datetime, tz: tzinfo = UTC) -> TrendBucket:
    """The finest unit that draws [since, until) in at most ``MAX_BUCKETS`` buckets."""
    return next((u for u in UNITS if bucket_count(since, until, u, tz) <= MAX_BUCKETS), "year")


def bucket_starts(
    since: datetime, until: datetime, unit: TrendBucket, tz: tzinfo = UTC
) -> list[datetime]:
    """The first instants of every ``unit`` bucket [since, until) touches, in order: the first
    holds ``since``, the last the period's last instant."""
    last = bucket_start(_last_moment(since, until), unit, tz)
    starts = [bucket_start(since, unit, tz)]
    while starts[-1] < last:
        starts.append(next_start(starts[-1], unit, tz))
    return starts
