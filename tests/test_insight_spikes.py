"""Spike detection on constructed series."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandwatch_cli.insight.spikes import (
    find_spike,
    find_spikes,
    poisson_bar,
    poisson_tail,
    seasonal_stride,
    threshold,
)
from brandwatch_cli.models import NEGATIVE, SAME_HOUR, SAME_WEEKDAY, VOLUME, SpikeRule

RULE = SpikeRule(k=3.0, min_count=5, min_history=3)


def spike(current, history, rule=RULE):
    return find_spike("Acme", VOLUME, current, history, rule)


def test_flat_history_is_not_a_spike_for_small_noise():
    history = [10] * 14
    assert spike(12, history) is None
    assert spike(18, history) is None  # within 3 * sqrt(10) of 10
    found = spike(25, history)
    assert found is not None and found.count == 25 and found.mean == 10


def test_rising_trend_raises_the_bar():
    history = list(range(10, 38, 2))  # 10, 12, ... 36: sd ~8
    mean, limit = threshold(history, 3.0)
    assert spike(int(limit), history) is None
    assert spike(int(limit) + 1, history) is not None
    assert mean == pytest.approx(23)


def test_one_off_burst_in_the_history_is_absorbed():
    history = [5] * 13 + [80]  # last fortnight had one viral day
    assert spike(40, history) is None  # not unusual any more: the burst widened the baseline
    assert spike(200, history) is not None


def test_too_few_mentions_is_never_a_spike():
    assert spike(4, [0] * 14) is None  # after a silent fortnight, 4 mentions is not a storm
    assert spike(5, [0] * 14) is not None


def test_not_enough_history_is_never_a_spike():
    assert spike(500, [1, 1]) is None
    assert spike(500, [1, 1, 1]) is not None


def test_volume_and_negative_spikes_are_separate():
    counts = {
        "Acme": (30, [30] * 14, 25, [2] * 14),  # usual volume, unusual anger
        "Globex": (90, [10] * 14, 1, [1] * 14),
        "Initech": (3, [0] * 14, 3, [0] * 14),
    }
    found = {(s.keyword, s.kind) for s in find_spikes(counts, RULE)}
    assert found == {("Acme", NEGATIVE), ("Globex", VOLUME)}


@given(st.lists(st.integers(0, 1000), min_size=3, max_size=30), st.integers(0, 5000))
def test_a_spike_always_exceeds_mean_and_min_count(history, current):
    found = spike(current, history)
    if found is not None:
        assert found.count >= RULE.min_count
        assert found.count > found.threshold >= found.mean


@pytest.mark.parametrize(
    ("window", "said"),
    [
        (timedelta(hours=24), "24 h"),
        (timedelta(hours=1), "1 h"),
        (timedelta(days=7), "7 days"),
        (timedelta(minutes=30), "30 min"),
    ],
)
def test_a_spike_says_how_long_its_window_is(window, said):
    from brandwatch_cli.output.plain import spike_line

    rule = SpikeRule(window=window)
    spike = find_spike("Acme", VOLUME, 40, [5, 6, 4, 5], rule)
    assert spike is not None and spike.window_text == said
    assert f"40 mentions in the last {said}, usually 5.0 (threshold" in spike_line(spike)


@pytest.mark.parametrize(
    ("count", "mean", "tail"),
    [
        (5, 1.0, 0.0036599),  # P(X >= 5) for a brand heard once a day
        (9, 3.0, 0.0038030),
        (25, 10.0, 0.00004694938),
        (0, 4.0, 1.0),
        (1, 0.0, 0.0),
        (3, 5.0, 0.8753480),  # below the mean: 1 - P(X <= 2)
        (1100, 1000.0, 0.0009626304),  # a large mean: no underflow
    ],
)
def test_the_poisson_tail_is_exact(count, mean, tail):
    """Against 1 - sum of the terms below ``count``, in 60-digit decimals."""
    assert poisson_tail(count, mean) == pytest.approx(tail, rel=1e-3, abs=1e-9)


@given(st.floats(0.01, 2000), st.sampled_from([0.01, 0.001, 1e-5]))
def test_the_poisson_bar_is_the_first_count_below_the_level(mean, level):
    bar = poisson_bar(mean, level)
    assert poisson_tail(bar, mean) < level <= poisson_tail(bar - 1, mean)


def test_the_poisson_test_is_stricter_than_k_sqrt_mean_for_small_counts():
    """After a flat 3 a day, 9 passes 3 + 3 * sqrt(3) = 8.2 but is not rare enough for a
    Poisson count (P = 0.004); 11 is (P = 0.0003)."""
    history = [3] * 14
    assert spike(9, history) is None
    found = spike(11, history)
    assert found is not None and found.p_value == pytest.approx(0.000292, rel=0.01)
    assert found.threshold == 10  # the count it had to exceed: 11 is the Poisson bar


def test_the_p_value_level_is_the_rules():
    lax = SpikeRule(k=3.0, min_count=5, min_history=3, p_value=0.01)
    assert spike(9, [3] * 14, lax) is not None
    assert spike(9, [3] * 14) is None


def test_min_count_holds_even_when_the_poisson_test_fires():
    quiet = [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert poisson_tail(4, sum(quiet) / 14) < 0.001
    assert spike(4, quiet) is None  # 4 mentions after a quiet fortnight: below min_count 5
    assert spike(4, quiet, SpikeRule(min_count=3)) is not None


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (timedelta(days=1), (timedelta(days=7), SAME_WEEKDAY)),
        (timedelta(hours=1), (timedelta(days=1), SAME_HOUR)),
        (timedelta(hours=6), (timedelta(days=1), SAME_HOUR)),
        (timedelta(hours=5), None),
        (timedelta(days=7), None),
    ],
)
def test_like_windows_are_the_same_weekday_or_the_same_hours(window, expected):
    assert seasonal_stride(window) == expected


def test_the_threshold_said_is_never_below_what_min_count_asks():
    """From a silent baseline the bar is min_count (at least 5 mentions), not 0.0."""
    spike = find_spike("Acme", NEGATIVE, 18, [0] * 14, SpikeRule(min_count=5))
    assert spike is not None and spike.mean == 0
    assert spike.threshold == 4  # the count it had to exceed
    assert find_spike("Acme", NEGATIVE, 4, [0] * 14, SpikeRule(min_count=5)) is None


@pytest.mark.parametrize("since", ["24h", "48h", "2d"])
def test_a_report_of_up_to_two_days_tests_each_hour_for_spikes(cli, feed_server, tmp_path, since):
    """README: a report lists the spikes of "each hour (a period of up to two days)". A
    period ending now ends after the current second, so `--since 2d` (or 48h) was a hair
    over two days and was tested by whole days: a burst in the last hours, listed by
    `--since 24h`, vanished from the 2-day report."""
    import json
    from datetime import UTC, datetime

    from helpers import connect, rss, write_config

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    stamp = "%a, %d %b %Y %H:%M:%S +0000"
    items = [  # a quiet history: one mention a day at this hour's minute 30, 20 days back
        {
            "title": f"Acme note {d}",
            "guid": f"h{d}",
            "link": f"https://n.example/h{d}",
            "pubDate": (now - timedelta(days=d, minutes=30)).strftime(stamp),
        }
        for d in range(1, 21)
    ]
    items += [  # then 12 in the last whole hour
        {
            "title": f"Acme burst {i}",
            "guid": f"b{i}",
            "link": f"https://n.example/b{i}",
            "pubDate": (now - timedelta(minutes=5 * i + 2)).strftime(stamp),
        }
        for i in range(12)
    ]
    feed_server.serve("/f.xml", rss(items))
    config = write_config(tmp_path, [("news", feed_server.url("/f.xml"))], keywords="  - Acme\n")
    assert cli("scan", "-c", config).exit_code == 0
    with connect(tmp_path / "mentions.db") as conn:  # monitoring began a month ago
        began = (now - timedelta(days=30)).isoformat()
        conn.execute("UPDATE scans SET started_at = ?, finished_at = ?", [began, began])
    report = cli("report", "-c", config, "--since", since, "-f", "json")
    spikes = json.loads(report.stdout)["spikes"]
    assert spikes, report.stdout[:300]
    assert {s["window_hours"] for s in spikes} == {1.0}
    assert any(s["ended"] == now.isoformat() and s["kind"] == "spike" for s in spikes)
