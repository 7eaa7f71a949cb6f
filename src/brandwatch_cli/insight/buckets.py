"""Calendar buckets for a report's trend: which unit fits a period, and where buckets start.

A trend covers its whole period in at most ``MAX_BUCKETS`` points: it uses the smallest of
hour, day, week (ISO: Monday 00:00 to Sunday 24:00), month and year that fits, all in UTC.
Buckets are calendar ones and are named by their calendar start, so the first and the last may
reach outside the period (a period starting on a Wednesday has its first week start on the
Monday before); they then hold only the mentions inside the period. Year buckets exist only
for periods over 400 months (33 years), typed as ``--since 1970-01-01``; they are the last
resort, so a period of more than 400 years has more points.

Pure arithmetic, no clock. The store groups mentions by the same calendar starts in SQL
(``PeriodView.trend``); the tests hold both to the same answer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from brandwatch_cli.models import TrendBucket

#: Points drawn at most (unless the period is longer than 400 years).
MAX_BUCKETS = 400
#: From the finest to the coarsest: the first that fits is used.
UNITS: tuple[TrendBucket, ...] = ("hour", "day", "week", "month", "year")
_STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC, a naive one taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def bucket_start(moment: datetime, unit: TrendBucket) -> datetime:
    """The calendar start, in UTC, of the ``unit`` holding ``moment``."""
    moment = _utc(moment)
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())  # 0001-01-01 is a Monday: never underflows
    if unit == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_start(start: datetime, unit: TrendBucket) -> datetime:
    """The start of the bucket after the one starting at ``start``."""
    if unit in _STEPS:
        return start + _STEPS[unit]
    if unit == "month":
        return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return start.replace(year=start.year + 1)


def _last_moment(since: datetime, until: datetime) -> datetime:
    """The last instant of [since, until): ``until`` itself is not in the period."""
    return max(_utc(since), _utc(until) - timedelta(microseconds=1))


def bucket_count(since: datetime, until: datetime, unit: TrendBucket) -> int:
    """How many ``unit`` buckets the period [since, until) touches, without listing them."""
    first = bucket_start(since, unit)
    last = bucket_start(_last_moment(since, until), unit)
    if unit in _STEPS:
        return (last - first) // _STEPS[unit] + 1
    if unit == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def trend_unit(since: datetime, until: datetime) -> TrendBucket:
    """The finest unit that draws [since, until) in at most ``MAX_BUCKETS`` buckets."""
    return next((u for u in UNITS if bucket_count(since, until, u) <= MAX_BUCKETS), "year")


def bucket_starts(since: datetime, until: datetime, unit: TrendBucket) -> list[datetime]:
    """The calendar starts of every ``unit`` bucket [since, until) touches, in order: the first
    holds ``since``, the last the period's last instant."""
    last = bucket_start(_last_moment(since, until), unit)
    starts = [bucket_start(since, unit)]
    while starts[-1] < last:
        starts.append(next_start(starts[-1], unit))
    return starts
