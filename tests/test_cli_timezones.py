"""Time zones end to end: ``timezone:`` and ``--tz`` decide where a person's days start (the
periods typed, the report's trend buckets) and the clocks times are shown on; storage and
exports stay UTC (issue 11, "Time")."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest

from helpers import rss, write_config

PARIS = ZoneInfo("Europe/Paris")
KOLKATA = ZoneInfo("Asia/Kolkata")


def scanned(cli, tmp_path, moments, extra=""):
    """A config (``extra`` top-level lines) whose one local feed has an Acme mention published
    at each of ``moments``, scanned; returns the config's path."""
    items = [
        {
            "title": f"Acme story number {n}",
            "link": f"https://news.example/{n}",
            "description": f"Acme item {n}",
            "pubDate": format_datetime(moment.astimezone(UTC), usegmt=True),
        }
        for n, moment in enumerate(moments)
    ]
    (tmp_path / "feed.xml").write_text(rss(items))
    config = write_config(tmp_path, [("local", str(tmp_path / "feed.xml"))], "  - Acme\n", extra)
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stderr
    assert f"{len(moments)} new mention" in result.stdout
    return config


def report_json(cli, *args):
    result = cli("report", *map(str, args), "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def local(day, hour=0, minute=0, second=0, tz=PARIS):
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)


def test_a_paris_yesterday_is_the_paris_day_and_tz_utc_the_utc_one(cli, tmp_path):
    today = datetime.now(PARIS).date()
    yesterday = today - timedelta(days=1)
    inside = [local(yesterday), local(yesterday, 0, 30), local(yesterday, 12)]
    inside.append(local(yesterday, 23, 59, 59))
    outside = [local(yesterday) - timedelta(seconds=1), local(today)]
    config = scanned(cli, tmp_path, inside + outside, extra="timezone: Europe/Paris\n")

    paris = report_json(cli, "-c", config, "--since", "yesterday", "--until", "today")
    if datetime.now(PARIS).date() != today:  # pragma: no cover - ran across Paris midnight
        pytest.skip("the test ran across midnight in Paris")
    assert paris["timezone"] == "Europe/Paris"
    assert datetime.fromisoformat(paris["period"]["since"]) == local(yesterday)
    assert datetime.fromisoformat(paris["period"]["until"]) == local(today)
    assert paris["total"]["mentions"] == len(inside)  # its first and last second included
    assert sum(p["mentions"] for p in paris["total_trend"]) == len(inside)

    # --tz overrides the config: UTC's yesterday holds other mentions of the same feed
    utc = report_json(cli, "-c", config, "--tz", "UTC", "--since", "yesterday", "--until", "today")
    utc_day = datetime.now(UTC).date() - timedelta(days=1)
    start = datetime(utc_day.year, utc_day.month, utc_day.day, tzinfo=UTC)
    assert utc["timezone"] == "UTC"
    assert datetime.fromisoformat(utc["period"]["since"]) == start
    expected = sum(start <= m < start + timedelta(days=1) for m in inside + outside)
    assert utc["total"]["mentions"] == expected != len(inside)


def test_the_last_sunday_of_march_is_a_23_hour_day_in_paris(cli, tmp_path):
    # one mention per hour, from Friday to Tuesday (UTC hours: a steady clock)
    start = datetime(2026, 3, 27, 0, 30, tzinfo=UTC)
    moments = [start + timedelta(hours=n) for n in range(4 * 24)]
    config = scanned(cli, tmp_path, moments, extra="timezone: Europe/Paris\n")

    day = report_json(cli, "-c", config, "--since", "2026-03-29", "--until", "2026-03-30")
    assert day["period"] == {
        "since": "2026-03-28T23:00:00+00:00",  # midnight, winter time (UTC+1)
        "until": "2026-03-29T22:00:00+00:00",  # midnight, summer time (UTC+2)
    }
    assert day["bucket"] == "hour"
    assert len(day["total_trend"]) == 23 and day["total"]["mentions"] == 23
    assert all(p["mentions"] == 1 for p in day["total_trend"])

    week = report_json(cli, "-c", config, "--since", "2026-03-27", "--until", "2026-03-31")
    assert week["bucket"] == "hour"  # 4 days fit in hours; ask for days with a longer period
    month = report_json(cli, "-c", config, "--since", "2026-03-01", "--until", "2026-04-01")
    assert month["bucket"] == "day"
    points = {p["start"]: p["mentions"] for p in month["total_trend"]}
    assert points["2026-03-27T23:00:00+00:00"] == 24  # Saturday 28th: 24 hours
    assert points["2026-03-28T23:00:00+00:00"] == 23  # Sunday 29th: 23 hours
    assert points["2026-03-29T22:00:00+00:00"] == 24  # Monday 30th starts at 22:00 UTC
    assert sum(points.values()) == month["total"]["mentions"] == len(moments)

    table = cli("report", "-c", config, "--since", "2026-03-29", "--until", "2026-03-30")
    assert "2026-03-29 00:00 → 2026-03-30 00:00 Europe/Paris" in table.stdout
    assert "Trend per hour, 2026-03-29 00:00 → 2026-03-29 23:00" in table.stdout


def test_the_october_change_repeats_an_hour_and_says_which(cli, tmp_path):
    start = datetime(2026, 10, 24, 22, 15, tzinfo=UTC)  # Sunday 25th, 00:15 in Paris
    moments = [start + timedelta(hours=n) for n in range(25)]
    moments.append(datetime(2026, 10, 25, 1, 20, tzinfo=UTC))  # 02:20 again, in winter time
    config = scanned(cli, tmp_path, moments, extra="timezone: Europe/Paris\n")
    day = report_json(cli, "-c", config, "--since", "2026-10-25", "--until", "2026-10-26")
    assert len(day["total_trend"]) == 25 and day["total"]["mentions"] == 26
    second = {"start": "2026-10-25T01:00:00+00:00", "mentions": 2, "negative": 0}
    assert day["total_trend"][3] == second
    listing = cli("mentions", "-c", config, "-n", "100").stdout
    # piped, mentions are tab-separated lines with ISO times on Paris clocks
    assert "2026-10-25T02:15:00+02:00" in listing and "2026-10-25T02:15:00+01:00" in listing
    text = cli("report", "-c", config, "--since", "2026-10-25", "--until", "2026-10-26").stdout
    assert "2026-10-25 02:00 CET: 2 (0 negative)" in text  # the busiest: the second 2 am


def test_a_half_hour_zone_has_its_hours_start_at_half_past(cli, tmp_path):
    start = datetime(2026, 11, 1, 18, 40, tzinfo=UTC)  # 00:10 on 2 November in Kolkata
    config = scanned(cli, tmp_path, [start + timedelta(hours=n) for n in range(24)])
    day = report_json(cli, "-c", config, "--tz", "Asia/Kolkata", "--since", "2026-11-02",
                      "--until", "2026-11-03")  # fmt: skip
    assert day["period"]["since"] == "2026-11-01T18:30:00+00:00"
    starts = [p["start"] for p in day["total_trend"]]
    assert len(starts) == 24 and all(s.endswith(":30:00+00:00") for s in starts)
    assert [p["mentions"] for p in day["total_trend"]] == [1] * 24


def test_times_shown_to_people_follow_the_zone_exports_stay_utc(cli, tmp_path):
    moment = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
    config = scanned(cli, tmp_path, [moment], extra="timezone: Asia/Kolkata\n")
    assert "2026-11-20T14:45:00+05:30" in cli("mentions", "-c", config).stdout
    shown = cli("show", "-c", config, "1").stdout
    assert "published: 2026-11-20 14:45 IST" in shown
    assert "published: 2026-11-20 09:15 UTC" in cli("show", "-c", config, "1", "--tz", "UTC").stdout
    exported = cli("export", "-c", config, "-f", "jsonl").stdout
    assert json.loads(exported)["published_at"] == "2026-11-20T09:15:00+00:00"
    digest = cli("digest", "-c", config, "--since", "3650d").stdout
    assert "Asia/Kolkata" in digest.splitlines()[0]


def test_a_date_typed_for_export_is_a_local_date(cli, tmp_path):
    moments = [datetime(2026, 11, 19, 23, 30, tzinfo=UTC), datetime(2026, 11, 20, 12, tzinfo=UTC)]
    config = scanned(cli, tmp_path, moments, extra="timezone: Europe/Paris\n")
    rows = cli("export", "-c", config, "-f", "jsonl", "--since", "2026-11-20").stdout.splitlines()
    assert len(rows) == 2  # 23:30 UTC on the 19th is 00:30 on the 20th in Paris
    utc_rows = cli("export", "-c", config, "-f", "jsonl", "--since", "2026-11-20", "--tz", "UTC")
    assert len(utc_rows.stdout.splitlines()) == 1


def test_a_wrong_zone_is_one_line_and_exit_2(cli, tmp_path, monkeypatch):
    source = [("a", "http://127.0.0.1:9/f")]
    config = write_config(tmp_path, source, extra="timezone: Europe/Pari\n")
    for command in ("check", "report", "mentions"):
        result = cli(command, "-c", config)
        assert result.exit_code == 2, (command, result.stderr)
        assert result.stderr.count("\n") == 1
        assert f"{config}:3: 'timezone': unknown time zone 'Europe/Pari'" in result.stderr
        assert "did you mean 'Europe/Paris'?" in result.stderr

    config = write_config(tmp_path, source)
    for command in ("report", "digest", "mentions", "search", "export", "sources", "scan"):
        args = [command, "-c", config, "--tz", "Mars/Olympus"] + (["acme"] * (command == "search"))
        result = cli(*args)
        assert result.exit_code == 2, (command, result.stderr)
        assert result.stderr == (
            "error: --tz: unknown time zone 'Mars/Olympus'"
            " (use an IANA name such as Europe/Paris)\n"
        )
        assert result.stdout == ""
    monkeypatch.setenv("BRANDWATCH_TZ", "Paris")
    result = cli("mentions", "-c", config)
    assert result.exit_code == 2 and "$BRANDWATCH_TZ: unknown time zone 'Paris'" in result.stderr


def test_the_zone_comes_from_tz_then_the_environment_then_the_config(cli, tmp_path, monkeypatch):
    config = scanned(
        cli, tmp_path, [datetime(2026, 11, 20, 9, tzinfo=UTC)], extra="timezone: Europe/Paris\n"
    )
    since = ("--since", "2026-11-20", "--until", "2026-11-21")
    assert report_json(cli, "-c", config, *since)["timezone"] == "Europe/Paris"
    monkeypatch.setenv("BRANDWATCH_TZ", "Asia/Kolkata")
    assert report_json(cli, "-c", config, *since)["timezone"] == "Asia/Kolkata"
    checked = cli("check", "-c", config).stdout
    assert "valid, 1 keyword, 1 source, dates and times in Europe/Paris" in checked
    data = report_json(cli, "-c", config, "--tz", "America/New_York", *since)
    assert data["timezone"] == "America/New_York"
    assert data["period"]["since"] == "2026-11-20T05:00:00+00:00"
