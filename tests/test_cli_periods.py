"""The times people type for --since and --until."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandwatch_cli.cli.periods import months_before, parse_moment
from brandwatch_cli.errors import ConfigError

NOW = datetime(2026, 3, 31, 15, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1m", NOW - timedelta(minutes=1)),  # m stays minutes
        ("90min", NOW - timedelta(minutes=90)),
        ("24h", NOW - timedelta(hours=24)),
        ("7d", NOW - timedelta(days=7)),
        ("1w", NOW - timedelta(weeks=1)),
        ("1mo", datetime(2026, 2, 28, 15, 45, tzinfo=UTC)),  # clamped to February's end
        ("13MO", datetime(2025, 2, 28, 15, 45, tzinfo=UTC)),
        ("1y", datetime(2025, 3, 31, 15, 45, tzinfo=UTC)),
        ("today", datetime(2026, 3, 31, tzinfo=UTC)),
        (" Yesterday ", datetime(2026, 3, 30, tzinfo=UTC)),
        ("2026-11", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-05", datetime(2026, 11, 5, tzinfo=UTC)),
        ("2026-11-05T08:00+01:00", datetime(2026, 11, 5, 7, tzinfo=UTC)),
    ],
)
def test_every_documented_form_reads_as_a_utc_moment(typed, expected):
    assert parse_moment(typed, NOW) == expected


@pytest.mark.parametrize("typed", ["yesterday-ish", "2026-13", "1q", "", "9999999999y"])
def test_anything_else_is_a_usage_error_that_names_the_forms(typed):
    with pytest.raises(ConfigError, match="--until") as raised:
        parse_moment(typed, NOW, "--until")
    assert "is not a time: use e.g." in str(raised.value) or "too far back" in str(raised.value)


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=0, max_value=600),
)
def test_months_back_land_in_the_right_month_never_later(moment, months):
    earlier = months_before(moment, months)
    assert (moment.year * 12 + moment.month) - (earlier.year * 12 + earlier.month) == months
    assert earlier.day <= moment.day and earlier.time() == moment.time()


def test_help_says_m_is_minutes(cli):
    result = cli("report", "--help")
    assert "30m (m is minutes)" in " ".join(result.stdout.split())
    assert "3mo" in result.stdout and "yesterday" in result.stdout


def test_an_absurd_limit_is_a_usage_error_not_a_crash(cli, tmp_path):
    from helpers import write_config

    config = write_config(tmp_path, [("a", "http://127.0.0.1:9/f")])
    for command in ("mentions", "export", "search"):
        args = [command, "-c", config, "-n", "99999999999999999999"]
        if command == "search":
            args.insert(1, "acme")
        result = cli(*args)
        assert result.exit_code == 2, (command, result.stderr)
        assert "internal error" not in result.stderr


def test_a_control_character_in_a_source_url_is_a_config_error(cli, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text(
        'keywords: [Acme]\nsources:\n  - name: a\n    url: "http://x.example/a\\x01b"\n'
    )
    result = cli("check", "-c", config)
    assert result.exit_code == 2
    assert "c.yaml:4: 'url' of source 'a' contains a control character" in result.stderr


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", datetime(2026, 3, 30, 22, tzinfo=UTC)),  # 00:30 on the 31st in Paris
        ("yesterday", datetime(2026, 3, 29, 22, tzinfo=UTC)),
        ("2026-03-29", datetime(2026, 3, 28, 23, tzinfo=UTC)),  # before the clocks changed
        ("2026-03", datetime(2026, 2, 28, 23, tzinfo=UTC)),
        ("2026-03-29T12:00", datetime(2026, 3, 29, 10, tzinfo=UTC)),  # summer time by noon
        ("2026-03-29T12:00+00:00", datetime(2026, 3, 29, 12, tzinfo=UTC)),  # its own offset
        ("24h", datetime(2026, 3, 29, 22, 30, tzinfo=UTC)),  # durations: from now, any zone
        ("1mo", datetime(2026, 2, 27, 23, 30, tzinfo=UTC)),  # Paris: 28 February, 00:30
    ],
)
def test_named_days_months_and_dates_are_the_zones(typed, expected):
    from zoneinfo import ZoneInfo

    now = datetime(2026, 3, 30, 22, 30, tzinfo=UTC)
    assert parse_moment(typed, now, tz=ZoneInfo("Europe/Paris")) == expected


def test_a_day_whose_midnight_the_clocks_skip_starts_when_they_resume():
    from zoneinfo import ZoneInfo

    santiago = ZoneInfo("America/Santiago")  # 2022-09-11: 00:00 jumped to 01:00 (UTC-3)
    now = datetime(2022, 9, 12, 12, tzinfo=UTC)
    assert parse_moment("2022-09-11", now, tz=santiago) == datetime(2022, 9, 11, 4, tzinfo=UTC)
    with pytest.raises(ConfigError, match="too far back"):  # Tokyo's year 1 starts in year 0
        parse_moment("0001-01-01", now, tz=ZoneInfo("Asia/Tokyo"))
