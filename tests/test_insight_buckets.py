"""Calendar buckets of a trend: the finest unit that fits 400 points, covering the whole period,
and the store's SQL grouping agreeing with the Python arithmetic."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandwatch_cli.insight.buckets import (
    MAX_BUCKETS,
    UNITS,
    bucket_count,
    bucket_start,
    bucket_starts,
    next_start,
    trend_unit,
)
from brandwatch_cli.models import Item, KeywordMatch, MentionFilter, Sentiment, SourceOutcome
from brandwatch_cli.store import MentionStore, NewMention

UNTIL = datetime(2026, 11, 20, 13, 37, 5, tzinfo=UTC)

moments = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9998, 12, 1), timezones=st.just(UTC)
)
lengths = st.one_of(
    st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=3)),
    st.timedeltas(min_value=timedelta(days=3), max_value=timedelta(days=40 * 366)),
    st.timedeltas(min_value=timedelta(days=1), max_value=timedelta(days=500 * 366)),
)


@pytest.mark.parametrize(
    ("length", "unit", "count"),
    [
        (timedelta(days=1), "hour", 25),  # 13:37 to 13:37 touches 25 hours
        (timedelta(hours=399), "hour", 400),
        (timedelta(days=30), "day", 31),
        (timedelta(days=2 * 365), "week", 105),
        (timedelta(days=20 * 365 + 5), "month", 241),
        (timedelta(days=40 * 365), "year", 41),
    ],
)
def test_the_finest_unit_that_fits_400_buckets(length, unit, count):
    since = UNTIL - length
    assert trend_unit(since, UNTIL) == unit
    assert len(bucket_starts(since, UNTIL, unit)) == bucket_count(since, UNTIL, unit) == count


def test_calendar_starts():
    sunday_night = datetime(2026, 11, 22, 23, 59, 59, tzinfo=UTC)
    assert bucket_start(sunday_night, "week") == datetime(2026, 11, 16, tzinfo=UTC)  # Monday
    assert bucket_start(sunday_night, "month") == datetime(2026, 11, 1, tzinfo=UTC)
    assert bucket_start(sunday_night, "year") == datetime(2026, 1, 1, tzinfo=UTC)
    # 2027-01-01 is a Friday: its ISO week starts in December 2026
    assert bucket_start(datetime(2027, 1, 1, 5, tzinfo=UTC), "week") == datetime(
        2026, 12, 28, tzinfo=UTC
    )
    assert next_start(datetime(2026, 12, 1, tzinfo=UTC), "month") == datetime(
        2027, 1, 1, tzinfo=UTC
    )
    # a naive time is UTC, another zone is converted
    paris = datetime.fromisoformat("2026-11-01T00:30:00+01:00")
    assert bucket_start(paris, "month") == datetime(2026, 10, 1, tzinfo=UTC)


@given(moments, st.sampled_from(UNITS))
def test_a_moment_lies_in_its_bucket(moment, unit):
    start = bucket_start(moment, unit)
    assert start <= moment < next_start(start, unit)
    assert bucket_start(start, unit) == start
    if unit in ("week", "month", "year"):
        assert start.time() == datetime.min.time()
    if unit == "week":
        assert start.weekday() == 0


@settings(max_examples=300)
@given(moments, lengths, st.data())
def test_the_buckets_cover_the_whole_period_in_at_most_400(since, length, data):
    until = since + min(length, datetime(9999, 1, 1, tzinfo=UTC) - since)
    unit = trend_unit(since, until)
    starts = bucket_starts(since, until, unit)
    assert len(starts) <= MAX_BUCKETS or unit == "year"
    assert len(starts) == bucket_count(since, until, unit)
    finer = UNITS[: UNITS.index(unit)]
    assert all(bucket_count(since, until, u) > MAX_BUCKETS for u in finer)  # the finest
    assert starts[0] <= since < next_start(starts[0], unit)
    last = until - timedelta(microseconds=1)
    assert starts[-1] <= last < next_start(starts[-1], unit)
    assert all(next_start(a, unit) == b for a, b in itertools.pairwise(starts))
    inside = data.draw(
        st.datetimes(
            min_value=since.replace(tzinfo=None),
            max_value=last.replace(tzinfo=None),
            timezones=st.just(UTC),
        )
    )
    assert bucket_start(inside, unit) in starts


EDGES = [
    datetime(1, 1, 1, tzinfo=UTC),  # a Monday
    datetime(1, 1, 7, 23, 59, 59, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2000, 2, 29, 12, tzinfo=UTC),
    datetime(2020, 12, 31, tzinfo=UTC),  # ISO week 53
    datetime(2021, 1, 3, 23, 59, 59, tzinfo=UTC),  # Sunday of that week
    datetime(2021, 1, 4, tzinfo=UTC),  # Monday after it
    datetime(2026, 11, 22, 23, 59, 59, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
]


def _store_acme(store: MentionStore, times: list[datetime], fetched: datetime) -> int:
    """One neutral mention of Acme published at each of ``times``, stored in one batch;
    how many were stored."""
    scan = store.start_scan(UNTIL)
    mentions = [
        NewMention(
            Item(str(n), None, f"Acme {n}", "text", published_at=moment),
            (KeywordMatch("Acme", ("Acme",), ("title",)),),
            None,
            None,
            Sentiment(0.0, "neutral", "vader"),
            "en",
        )
        for n, moment in enumerate(times)
    ]
    return store.save_batch(scan, "s", mentions, SourceOutcome("s", "ok"), fetched)


def test_the_store_groups_by_the_same_calendar_buckets(tmp_path):
    """Every unit, the SQL bucket of each stored time is the Python one, edges included."""
    rng = random.Random(10)
    span = (datetime(9999, 12, 31, tzinfo=UTC) - EDGES[0]).total_seconds()
    times = EDGES + [EDGES[0] + timedelta(seconds=rng.uniform(0, span)) for _ in range(300)]
    times += [UNTIL - timedelta(seconds=rng.randint(0, 40 * 86400)) for _ in range(300)]
    times = [t.replace(microsecond=0) for t in times]
    with MentionStore.open(tmp_path / "m.db") as store:
        fetched = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
        assert _store_acme(store, times, fetched) == len(times)
        for unit in UNITS:
            with store.period_view(MentionFilter()) as view:
                rows = view.trend(unit)
            expected = Counter(
                bucket_start(t, unit).replace(tzinfo=None).isoformat() for t in times
            )
            for keyword in ("Acme", None):
                got = {r["start"]: r["mentions"] for r in rows if r["keyword"] == keyword}
                assert got == dict(expected), unit


# Time zones: a person's calendar -------------------------------------------------------------

ZONES = [
    ZoneInfo(name)
    for name in (
        "Europe/Paris",  # summer time: a 23-hour and a 25-hour day
        "Asia/Kolkata",  # half-hour offset: hours start at half past in UTC
        "America/New_York",
        "Australia/Lord_Howe",  # clocks move by 30 minutes: a 30-minute and a 90-minute hour
        "America/Santiago",  # clocks skip midnight: some days start at 01:00
        "Pacific/Apia",  # skipped 30 December 2011 altogether
    )
]
zoned_moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=300)
@given(zoned_moments, st.sampled_from(UNITS), st.sampled_from(ZONES))
def test_a_moment_lies_in_its_local_bucket(moment, unit, zone):
    start = bucket_start(moment, unit, zone)
    after = next_start(start, unit, zone)
    assert start <= moment < after
    assert bucket_start(start, unit, zone) == start
    assert bucket_start(after - timedelta(seconds=1), unit, zone) == start
    local = start.astimezone(zone)
    if unit != "hour":  # the first instant of a local date (midnight, unless clocks skip it)
        assert (start - timedelta(microseconds=1)).astimezone(zone).date() < local.date()
    if unit == "day":
        assert local.date() == moment.astimezone(zone).date()
    if unit == "week":
        assert local.weekday() == 0
    if unit in ("month", "year"):
        assert local.day == 1 and (unit == "month" or local.month == 1)


@settings(max_examples=200)
@given(zoned_moments, lengths, st.sampled_from(ZONES))
def test_local_buckets_cover_the_whole_period_in_at_most_400(since, length, zone):
    until = min(since + length, datetime(2100, 1, 1, tzinfo=UTC))
    if until <= since:
        return
    unit = trend_unit(since, until, zone)
    starts = bucket_starts(since, until, unit, zone)
    assert len(starts) == bucket_count(since, until, unit, zone)
    assert len(starts) <= MAX_BUCKETS or unit == "year"
    assert starts[0] <= since < next_start(starts[0], unit, zone)
    assert starts[-1] <= until - timedelta(microseconds=1) < next_start(starts[-1], unit, zone)


@pytest.mark.parametrize(
    ("zone", "day", "hours", "buckets"),
    [
        ("Europe/Paris", datetime(2026, 3, 29), 23, 23),
        ("Europe/Paris", datetime(2026, 10, 25), 25, 25),
        ("Europe/Paris", datetime(2026, 11, 2), 24, 24),
        ("Asia/Kolkata", datetime(2026, 3, 29), 24, 24),
        ("Australia/Lord_Howe", datetime(2026, 4, 5), 24.5, 24),  # 01:00 lasts 90 minutes
        ("Australia/Lord_Howe", datetime(2026, 10, 4), 23.5, 24),  # 02:00 lasts 30 minutes
    ],
)
def test_a_local_day_lasts_what_its_clocks_say(zone, day, hours, buckets):
    tz = ZoneInfo(zone)
    start = bucket_start(day.replace(hour=12, tzinfo=tz), "day", tz)
    assert start == day.replace(tzinfo=tz).astimezone(UTC)
    assert next_start(start, "day", tz) - start == timedelta(hours=hours)
    inside = bucket_starts(start, next_start(start, "day", tz), "hour", tz)
    assert len(inside) == buckets


def test_the_store_groups_by_the_same_local_buckets(tmp_path):
    """In every zone and unit, the store's folded quarter hours give the Python buckets."""
    rng = random.Random(11)
    start = datetime(2011, 1, 1, tzinfo=UTC)
    times = [start + timedelta(seconds=rng.uniform(0, 16 * 365 * 86400)) for _ in range(300)]
    # around the changes of clocks, to the second
    for change in ("2026-03-29T01:00:00", "2026-10-25T01:00:00", "2026-04-04T15:00:00"):
        moment = datetime.fromisoformat(change).replace(tzinfo=UTC)
        times += [moment + timedelta(seconds=s) for s in (-1801, -1, 0, 1, 1799, 1800, 3599)]
    times = [t.replace(microsecond=0) for t in times]
    with MentionStore.open(tmp_path / "m.db") as store:
        _store_acme(store, times, datetime(2099, 1, 1, tzinfo=UTC))
        for zone, unit in itertools.product(ZONES, UNITS):
            with store.period_view(MentionFilter()) as view:
                rows = view.trend(unit, zone)
            expected = Counter(
                bucket_start(t, unit, zone).replace(tzinfo=None).isoformat() for t in times
            )
            for keyword in ("Acme", None):
                got = {r["start"]: r["mentions"] for r in rows if r["keyword"] == keyword}
                assert got == dict(expected), (zone, unit)
