"""Whole trends: a report of a day, a month, two years or twenty years covers its whole period
in every format, in at most 400 buckets that add up to the totals (issue 10)."""

from __future__ import annotations

import itertools
import json
import math
import random
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from brandwatch_cli.insight.buckets import MAX_BUCKETS, next_start
from brandwatch_cli.models import Item, KeywordMatch, Sentiment, SourceOutcome
from brandwatch_cli.output.wording import when
from brandwatch_cli.store import MentionStore, NewMention
from helpers import config_file

UNTIL = datetime(2026, 11, 20, 13, 37, 0, tzinfo=UTC)  # on no calendar boundary
SVG = "{http://www.w3.org/2000/svg}"
PERIODS = [
    (timedelta(days=1), "hour"),
    (timedelta(days=30), "day"),
    (timedelta(days=2 * 365), "week"),
    (timedelta(days=20 * 365), "month"),
]


def store_mentions(path, since, until, rng):
    """Mentions over [since, until) (the first and the last second included, a third naming
    both keywords, some negative) and a few just outside; returns what the period holds:
    (all, negative, per keyword, negative per keyword)."""
    span = int((until - since).total_seconds())
    inside = [since, until - timedelta(seconds=1)]
    inside += [since + timedelta(seconds=rng.randrange(span)) for _ in range(60)]
    outside = [since - timedelta(seconds=1), until, until + timedelta(days=3)]
    mentions, counts = [], [0, 0, {"Acme": 0, "Globex": 0}, {"Acme": 0, "Globex": 0}]
    for n, moment in enumerate(inside + outside):
        names = [("Acme",), ("Globex",), ("Acme", "Globex")][n % 3]
        label = "negative" if n % 4 == 0 else "positive"
        mentions.append(
            NewMention(
                Item(str(n), None, " ".join(names) + f" {n}", "text", published_at=moment),
                tuple(KeywordMatch(k, (k,), ("title",)) for k in names),
                None,
                None,
                Sentiment(-0.5 if label == "negative" else 0.5, label, "vader"),
                "en",
            )
        )
        if moment in inside:
            counts[0] += 1
            counts[1] += label == "negative"
            for k in names:
                counts[2][k] += 1
                counts[3][k] += label == "negative"
    with MentionStore.open(path) as store:
        fetched = datetime(2099, 1, 1, tzinfo=UTC)
        scan = store.start_scan(fetched)
        assert store.save_batch(scan, "s", mentions, SourceOutcome("s", "ok"), fetched) == len(
            mentions
        )
    return counts


@pytest.fixture(params=PERIODS, ids=[unit for _, unit in PERIODS])
def period(request, tmp_path):
    length, unit = request.param
    since = UNTIL - length
    config = config_file(
        tmp_path, "  - name: s\n    url: feed.xml\n", keywords="  - Acme\n  - Globex\n"
    )
    counts = store_mentions(tmp_path / "mentions.db", since, UNTIL, random.Random(length.days))
    options = ("-c", config, "--since", since.isoformat(), "--until", UNTIL.isoformat())
    return options, since, unit, counts


def test_json_trend_covers_the_period_and_adds_up_to_the_totals(cli, period):
    options, since, unit, (total, negative, per_keyword, negative_per_keyword) = period
    result = cli("report", *options, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["bucket"] == unit
    assert data["total"]["mentions"] == total and data["total"]["negative"] == negative
    last_second = UNTIL - timedelta(seconds=1)
    for series in [data["total_trend"], *data["trend"].values()]:
        starts = [datetime.fromisoformat(p["start"]) for p in series]
        assert 1 < len(starts) <= MAX_BUCKETS
        assert starts[0] <= since < next_start(starts[0], unit)  # the first holds the start
        assert starts[-1] <= last_second < next_start(starts[-1], unit)  # the last, the end
        assert all(next_start(a, unit) == b for a, b in itertools.pairwise(starts))
    assert sum(p["mentions"] for p in data["total_trend"]) == total
    assert sum(p["negative"] for p in data["total_trend"]) == negative
    assert data["total_trend"][0]["mentions"] > 0 and data["total_trend"][-1]["mentions"] > 0
    for k in data["keywords"]:
        points = data["trend"][k["keyword"]]
        assert sum(p["mentions"] for p in points) == k["mentions"] == per_keyword[k["keyword"]]
        assert sum(p["negative"] for p in points) == k["negative"]
        assert k["negative"] == negative_per_keyword[k["keyword"]]


def test_markdown_and_terminal_name_the_bucket_used_and_cover_the_period(cli, period):
    options, _, unit, (_, _, per_keyword, negative_per_keyword) = period
    data = json.loads(cli("report", *options, "-f", "json").stdout)
    buckets = len(data["total_trend"])
    first = when(datetime.fromisoformat(data["total_trend"][0]["start"]), unit)
    last = when(datetime.fromisoformat(data["total_trend"][-1]["start"]), unit)

    markdown = cli("report", *options, "-f", "markdown").stdout
    assert f"## Trend per {unit}\n" in markdown
    size = int(re.search(rf"One mark per (\d+ )?{unit}", markdown).group(1) or 1)
    section = markdown.split("## Trend per")[1].split("## Who talks")[0]
    for name in ("Acme", "Globex"):
        row = next(line for line in section.splitlines() if line.startswith(f"| {name} |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        marks = cells[1].strip("`")
        assert len(marks) == math.ceil(buckets / size)  # every bucket has its mark
        assert cells[3:5] == [str(per_keyword[name]), str(negative_per_keyword[name])]

    table = cli("report", *options).stdout
    assert f"Trend per {unit}, {first} → {last} (one mark per " in table
    for name in ("Acme", "Globex"):
        assert re.search(
            rf"^ *{name} +\S+ +\S+ +{per_keyword[name]} +{negative_per_keyword[name]} ",
            table,
            re.MULTILINE,
        )


def test_the_chart_draws_every_bucket_across_the_whole_axis(cli, period, tmp_path):
    options, _, unit, (_, _, per_keyword, negative_per_keyword) = period
    data = json.loads(cli("report", *options, "-f", "json").stdout)
    chart = tmp_path / "trend.svg"
    assert cli("report", *options, "--chart", chart).exit_code == 0
    root = ET.fromstring(chart.read_text())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[0].startswith(f"Mentions per {unit}, ")
    assert f"mentions per {unit}" in texts
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "keyword":
            continue
        name = group.get("data-keyword")
        line = group.find(f"{SVG}polyline")
        xs = [float(point.split(",")[0]) for point in line.get("points").split()]
        assert len(xs) == len(data["trend"][name])
        assert (xs[0], xs[-1]) == (70.0, 900.0)  # from the left edge to the right one
        assert f"{name}: {per_keyword[name]} ({negative_per_keyword[name]} negative)" in texts
    ticks = [t for t in texts if t and re.fullmatch(r"\d{4}(-\d\d){0,2}( \d\d:\d\d)?", t)]
    assert 2 <= len(ticks) <= 8
    if unit == "month":  # on round calendar steps: 20 years, every fifth January
        assert ticks == ["2010", "2015", "2020", "2025"]
