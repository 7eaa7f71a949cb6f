"""The date readers every source shares: what they read, and that nothing odd makes them raise."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandwatch_cli.times import (
    as_utc,
    from_struct_time,
    from_timestamp,
    parse_datetime,
    parse_iso,
)

PARIS_WINTER = timezone(timedelta(hours=1))
#: Aware datetimes whose UTC form exists (year 1 at +01:00 has none), offsets to the minute.
AWARE = st.datetimes(
    min_value=datetime(2, 1, 1),
    max_value=datetime(9998, 12, 31),
    timezones=st.builds(
        timezone,
        st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda minutes: timedelta(minutes=minutes)),
    ),
)
NOT_TEXT = [None, 5, 1.5, b"2026-11-20", ["2026-11-20"], datetime(2026, 11, 20, tzinfo=UTC)]


@given(AWARE)
def test_aware_datetimes_round_trip_through_isoformat_as_utc(moment):
    for parse in (parse_iso, parse_datetime):
        parsed = parse(moment.isoformat())
        assert parsed == moment
        assert parsed is not None and parsed.tzinfo is UTC


@given(st.datetimes(min_value=datetime(1000, 1, 1)))
def test_naive_values_are_utc(moment):
    assert parse_iso(moment.isoformat()) == moment.replace(tzinfo=UTC)
    assert as_utc(moment) == moment.replace(tzinfo=UTC)


@given(st.text())
def test_any_text_is_a_utc_datetime_or_none_never_an_error(text):
    for parse in (parse_iso, parse_datetime):
        parsed = parse(text)
        assert parsed is None or parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T10:00:00Z", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        (" 2026-11-20T11:00:00+01:00\n", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        ("2026-11-20T10:00:00.250000", datetime(2026, 11, 20, 10, 0, 0, 250000, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
    ],
)
def test_iso_8601(value, expected):
    assert parse_iso(value) == expected
    assert parse_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 16 Nov 2026 09:15:00 GMT", datetime(2026, 11, 16, 9, 15, tzinfo=UTC)),
        ("Mon, 16 Nov 2026 10:15:00 +0100", datetime(2026, 11, 16, 9, 15, tzinfo=UTC)),
        ("16 Nov 2026 09:15 -0000", datetime(2026, 11, 16, 9, 15, tzinfo=UTC)),  # zone unknown
    ],
)
def test_rfc_822_is_read_by_parse_datetime_only(value, expected):
    assert parse_datetime(value) == expected
    assert parse_iso(value) is None


@pytest.mark.parametrize(
    "value",
    [
        *NOT_TEXT,
        "",
        "   ",
        "yesterday",
        "2026-13-01",
        "2026-11-20T10:00:00 GMT",
        "Mon, 31 Feb 2026 09:15:00 GMT",
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "9999-12-31T23:00:00-05:00",  # after year 9999 in UTC
    ],
)
def test_unreadable_values_are_none(value):
    assert parse_iso(value) is None
    assert parse_datetime(value) is None


def test_as_utc_converts_aware_and_refuses_what_leaves_the_calendar():
    assert as_utc(datetime(2026, 11, 20, 11, tzinfo=PARIS_WINTER)) == datetime(
        2026, 11, 20, 10, tzinfo=UTC
    )
    assert as_utc(datetime(1, 1, 1, tzinfo=PARIS_WINTER)) is None


@given(st.integers(-(10**10), 10**10))
def test_epoch_seconds_round_trip(seconds):
    moment = from_timestamp(seconds)
    assert moment is not None and moment.tzinfo is UTC
    assert moment.timestamp() == seconds


def test_epoch_seconds():
    assert from_timestamp(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert from_timestamp(1_700_000_000.5) == datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", [True, False, "1700000000", None, math.nan, math.inf, -math.inf, 10**20, -(10**20)]
)
def test_bad_or_huge_epoch_values_are_none(value):
    assert from_timestamp(value) is None


def test_struct_time():
    assert from_struct_time(time.gmtime(0)) == datetime(1970, 1, 1, tzinfo=UTC)
    assert from_struct_time(time.struct_time((2026, 2, 31, 0, 0, 0, 0, 1, 0))) is None
    assert from_struct_time((2026, 11, 20, 0, 0, 0, 0, 1, 0)) is None  # a tuple is not one
    assert from_struct_time(None) is None


# Time zones -----------------------------------------------------------------------------------


def test_a_zone_is_an_iana_name_and_utc_needs_no_database():
    from zoneinfo import ZoneInfo

    from brandwatch_cli.times import zone, zone_name

    assert zone("UTC") is UTC and zone(" utc ") is UTC
    assert zone(" Europe/Paris ") == ZoneInfo("Europe/Paris")
    assert zone_name(zone("Asia/Kolkata")) == "Asia/Kolkata" and zone_name(UTC) == "UTC"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("Europe/Pari", "did you mean 'Europe/Paris'?"),
        ("europe/paris", "did you mean 'Europe/Paris'?"),  # names are case-sensitive files
        ("Mars/Olympus", "use an IANA name such as Europe/Paris"),
        ("/etc/passwd", "use an IANA name"),  # never a path
        ("../../etc/passwd", "use an IANA name"),
    ],
)
def test_a_wrong_zone_name_says_what_to_write(name, says):
    from brandwatch_cli.times import zone

    with pytest.raises(ValueError, match="unknown time zone") as raised:
        zone(name)
    assert says in str(raised.value)


def test_a_missing_zone_database_says_to_install_tzdata(monkeypatch):
    import zoneinfo

    from brandwatch_cli import times

    def missing(key):
        raise zoneinfo.ZoneInfoNotFoundError(key)

    monkeypatch.setattr(times.zoneinfo, "ZoneInfo", missing)
    monkeypatch.setattr(times.zoneinfo, "available_timezones", set)
    with pytest.raises(ValueError, match="pip install tzdata"):
        times.zone("Europe/Paris")
    assert times.zone("UTC") is UTC


def test_a_local_time_names_its_zone_only_when_the_clock_shows_it_twice():
    from zoneinfo import ZoneInfo

    from brandwatch_cli.times import local_text

    paris = ZoneInfo("Europe/Paris")
    assert local_text(datetime(2026, 11, 20, 9, 15, tzinfo=UTC), paris) == "2026-11-20 10:15"
    assert local_text(datetime(2026, 10, 25, 0, 30), paris) == "2026-10-25 02:30 CEST"  # naive: UTC
    assert local_text(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), paris) == "2026-10-25 02:30 CET"
    assert local_text(datetime(2026, 10, 25, 2, 30, tzinfo=UTC), paris) == "2026-10-25 03:30"
    moment = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
    assert local_text(moment, zone_label=True) == "2026-11-20 09:15 UTC"
    assert local_text(moment, ZoneInfo("Asia/Kolkata"), zone_label=True) == "2026-11-20 14:45 IST"


def test_the_period_before_stops_at_the_first_instant_a_datetime_holds():
    from brandwatch_cli.times import period_before

    since, until = datetime(2026, 11, 8, tzinfo=UTC), datetime(2026, 11, 15, tzinfo=UTC)
    assert period_before(since, until) == datetime(2026, 11, 1, tzinfo=UTC)
    early = datetime(1, 1, 2, tzinfo=UTC)
    assert period_before(early, until) == datetime.min.replace(tzinfo=UTC)
