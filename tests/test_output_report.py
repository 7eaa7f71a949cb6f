"""Report renderers: terminal (Rich), Markdown, JSON and the SVG trend chart, on Report values
built by hand, including mention text written to attack each format."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from brandwatch_cli.insight.report import Counts, KeywordStats, Period, Ranked, Report, TrendPoint
from brandwatch_cli.models import MENTION_COLUMNS
from brandwatch_cli.output import json as report_json_module
from brandwatch_cli.output.chart import nice_top, trend_svg
from brandwatch_cli.output.json import report_json
from brandwatch_cli.output.markdown import report_markdown
from brandwatch_cli.output.terminal import console, render_report
from brandwatch_cli.output.wording import sparkline, when

SINCE = datetime(2026, 11, 13, 12, tzinfo=UTC)
UNTIL = datetime(2026, 11, 20, 12, tzinfo=UTC)
DAY0 = datetime(2026, 11, 13, tzinfo=UTC)
HOSTILE = (
    '<script>alert(1)</script> "><img src=x onerror=alert(1)> \x1b[31mred\x1b[0m'
    " [click](http://evil) | col | *bold* `code` line\nbreak"
)
ACME_VOLUME = (0, 1, 2, 12, 3, 0, 1, 1)
ACME_NEGATIVE = (0, 0, 0, 3, 0, 0, 0, 1)


def mention(mention_id: int, title: str, url: str | None, **fields: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(MENTION_COLUMNS)
    row |= {
        "id": mention_id,
        "source": "hackernews",
        "keywords": "Acme;Globex",
        "title": title,
        "url": url,
        "author": "pat",
        "published_at": "2026-11-16T09:30:00+00:00",
        "fetched_at": "2026-11-16T10:00:00+00:00",
        "language": "en",
        "sentiment": -0.91,
        "sentiment_label": "negative",
        "text": "body",
        "sentiment_method": "vader",
        "engagement": '{"score": 12, "comments": 3}',
        "status": "new",
        "copies": 13,
        "outlets": 14,
    }
    row.update(fields)
    return row


def points(volume: tuple[int, ...], negative: tuple[int, ...]) -> tuple[TrendPoint, ...]:
    return tuple(
        TrendPoint(DAY0 + timedelta(days=i), v, n)
        for i, (v, n) in enumerate(zip(volume, negative, strict=True))
    )


def make_report(**changes: object) -> Report:
    report = Report(
        period=Period(SINCE, UNTIL),
        previous=Period(SINCE - timedelta(days=7), SINCE),
        total=Counts(20, 8, 7, 5, 0.12),
        previous_total=Counts(16, 6, 6, 4, 0.07),
        keywords=(
            KeywordStats("Acme", Counts(15, 5, 6, 4, 0.05), Counts(10, 4, 4, 2, 0.1), 0.75),
            KeywordStats("Globex", Counts(5, 3, 1, 1, 0.3), Counts(0, 0, 0, 0, None), 0.25),
        ),
        bucket="day",
        trend={
            "Acme": points(ACME_VOLUME, ACME_NEGATIVE),
            "Globex": points((0, 0, 5, 0, 0, 0, 0, 0), (0,) * 8),
        },
        sources=(Ranked("hackernews", 9, 120.0, None, 3, -0.2),),
        domains=(Ranked("news.example.com", 4, 0.0, None, 1, 0.1),),
        authors=(Ranked("pat", 3, 40.0, 1500.0, 2, -0.4),),
        influencers=(Ranked("big_voice", 1, 9000.0, 250000.0, 0, 0.6),),
        reply_first=(
            mention(7, "Recall announced", "https://news.example.com/recall?a=1&b=(2)"),
            mention(8, HOSTILE, "javascript:alert(1)", source="evil\x1b[2J", engagement="{oops"),
        ),
    )
    return replace(report, **changes)


def terminal(report: Report, **options: object) -> str:
    buffer = io.StringIO()
    render_report(report, Console(file=buffer, width=160, **options))
    return buffer.getvalue()


def piped(report: Report) -> str:
    buffer = io.StringIO()
    render_report(report, console(buffer))
    return buffer.getvalue()


# Terminal ---------------------------------------------------------------------------------


def test_headline_shows_period_totals_and_changes():
    out = piped(make_report())
    assert "Brand mentions, 2026-11-13 12:00 → 2026-11-20 12:00 UTC" in out
    assert "Compared with 2026-11-06 12:00 → 2026-11-13 12:00 UTC" in out
    assert "20 mentions (+25% vs 16)" in out
    assert "average sentiment +0.12 (+0.05 vs +0.07)" in out
    assert "positive 40% · neutral 35% · negative 25%" in out
    first = piped(make_report(previous_total=Counts(0, 0, 0, 0, None)))
    assert "20 mentions (none in the previous period) · average sentiment +0.12 · pos" in first
    silent = piped(make_report(total=Counts(0, 0, 0, 0, None)))
    assert "0 mentions (-100% vs 16) · no sentiment average · positive 0%" in silent


def test_keywords_table_shows_volume_share_of_voice_bars_and_changes():
    out = piped(make_report())
    # mentions, share of voice, bar (▒ negative part), change, shares, average, its change
    assert re.search(r"Acme\s+15\s+75%\s+▒+█+\s+\+50%\s+33%\s+40%\s+27%\s+\+0\.05\s+-0\.05", out)
    assert re.search(
        r"Globex\s+5\s+25%\s+▒+█+\s+new\s+60%\s+20%\s+20%\s+\+0\.30\s+-\s*$", out, re.M
    )
    acme_bar = re.search(r"Acme.*?(▒+█+)", out)
    globex_bar = re.search(r"Globex.*?(▒+█+)", out)
    assert acme_bar and globex_bar
    assert len(acme_bar.group(1)) == 20 and len(globex_bar.group(1)) == 7  # 25% of 75%'s bar


def test_trend_has_one_line_per_keyword_with_volume_negative_and_peak():
    out = piped(make_report())
    assert "Trend per day, 2026-11-13 → 2026-11-20" in out
    acme = next(
        line for line in out.splitlines() if line.strip().startswith("Acme") and "·" in line
    )
    assert "·▁▂█▂·▁▁" in acme  # mentions per day
    assert "···▂···▁" in acme  # negative mentions, same scale
    assert re.search(r"20\s+4\s+2026-11-16: 12 \(3 negative\)", acme)
    globex = next(
        line for line in out.splitlines() if line.strip().startswith("Globex") and "·" in line
    )
    assert "··█·····" in globex and "········" in globex


def test_no_color_terminal_still_shows_negative_volume(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = terminal(make_report(), force_terminal=True, color_system="truecolor")
    colours = [
        code
        for sgr in re.findall(r"\x1b\[([0-9;]*)m", out)
        for code in sgr.split(";")
        if code and (30 <= int(code) <= 49 or 90 <= int(code) <= 107)
    ]
    assert colours == []  # no colour at all...
    assert "···▂···▁" in out  # ...yet the negative sparkline
    assert re.search(r"Acme.*▒+█+", out)  # and the negative part of the bar


def test_colour_terminal_marks_negatives_red_too(monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    out = terminal(make_report(), force_terminal=True, color_system="standard")
    assert "\x1b[31m···▂···▁" in out


def test_long_trends_are_summed_into_at_most_48_cells():
    days = [TrendPoint(DAY0 + timedelta(days=i), 1, i % 2) for i in range(120)]
    out = piped(make_report(trend={"Acme": tuple(days)}))
    assert "one mark per 3 days" in out
    acme = next(
        line for line in out.splitlines() if line.strip().startswith("Acme") and "█" * 40 in line
    )
    assert "█" * 40 in acme and "█" * 41 not in acme  # 120 days in 40 cells of 3


def test_who_talks_lists_sources_domains_authors_and_influencers():
    out = piped(make_report())
    assert re.search(r"Top sources[\s\S]*?hackernews\s+9\s+3\s+-0\.20\s+120", out)
    assert re.search(r"news\.example\.com\s+4\s+1\s+\+0\.10\s+0\s*$", out, re.M)
    assert re.search(r"Top authors \(by mentions\)[\s\S]*pat\s+3\s+2\s+-0\.40\s+40\s+1,500", out)
    assert re.search(r"Influencers[\s\S]*big_voice\s+1\s+0\s+\+0\.60\s+9,000\s+250,000", out)


def test_reply_first_lists_id_sentiment_source_title_link_engagement_outlets_status():
    out = piped(make_report())
    assert re.search(
        r"7\s+-0\.91\s+hackernews\s+Recall announced\s+https://news\.example\.com/recall\?a=1&b=\(2\)"
        r"\s+score 12 · comments 3\s+14\s+new",
        out,
    )
    assert "No negative mentions" not in out
    empty = piped(make_report(reply_first=()))
    assert "No negative mentions waiting for a reply." in empty


def test_terminal_strips_escapes_and_never_links_javascript():
    out = piped(make_report())
    assert "\x1b" not in out
    assert "red" in out and "[31m" not in out  # the text stays, the escape goes whole
    assert "evil" in out and "[2J" not in out
    linked = terminal(make_report(), force_terminal=True, color_system="standard")
    targets = re.findall(r"\x1b\]8;[^;]*;([^\x1b]*)\x1b", linked)
    assert set(targets) - {""} == {"https://news.example.com/recall?a=1&b=(2)"}
    assert "\x1b[31mred" not in linked


def test_hourly_trend_names_hours():
    hours = tuple(TrendPoint(SINCE + timedelta(hours=i), i % 5, 0) for i in range(25))
    out = piped(make_report(bucket="hour", trend={"Acme": hours}))
    assert "Trend per hour, 2026-11-13 12:00 → 2026-11-14 12:00 (one mark per hour" in out
    assert "2026-11-13 16:00: 4 (0 negative)" in out  # the first of the busiest hours


def test_weekly_trend_names_weeks_by_their_monday_and_titles_the_bucket_used():
    monday = datetime(2024, 11, 18, tzinfo=UTC)
    weeks = tuple(TrendPoint(monday + timedelta(weeks=i), i % 7, 0) for i in range(105))
    report = make_report(bucket="week", trend={"Acme": weeks})
    out = piped(report)
    title = "Trend per week, week of 2024-11-18 → week of 2026-11-16 (one mark per 3 weeks"
    assert title in out
    assert "week of 2024-12-30: 6 (0 negative)" in out
    assert "## Trend per week" in report_markdown(report)
    root = ET.fromstring(trend_svg(report))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Mentions per week, 2026-11-13 12:00 → 2026-11-20 12:00 UTC" in texts
    assert "week, from Monday (UTC)" in texts and "2024-11-18" in texts and "2026-11-16" in texts


def test_buckets_are_named_by_their_calendar_start():
    moment = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
    names = [when(moment, b) for b in ("hour", "day", "week", "month", "year")]
    assert names == ["2026-11-16 09:30", "2026-11-16", "week of 2026-11-16", "2026-11", "2026"]
    assert when(moment, "week", short=True) == "2026-11-16"


def test_an_empty_report_says_so():
    nothing = Counts(0, 0, 0, 0, None)
    empty = make_report(
        total=nothing,
        previous_total=nothing,
        keywords=(),
        trend={},
        sources=(),
        domains=(),
        authors=(),
        influencers=(),
        reply_first=(),
    )
    out = piped(empty)
    assert "0 mentions (none in the previous period) · no sentiment average" in out
    assert "Trend" not in out and "Top sources" not in out
    assert "No negative mentions waiting for a reply." in out
    text = report_markdown(empty)
    assert "No keywords." in text and "No negative mentions waiting for a reply." in text


# Markdown ---------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    """Cells of a GFM table row, split on pipes that are not backslash-escaped."""
    return re.split(r"(?<!\\)\|", line.strip())[1:-1]


def test_markdown_has_every_section():
    text = report_markdown(make_report())
    assert text.startswith("# Brand mentions, 2026-11-13 12:00 → 2026-11-20 12:00 UTC\n")
    assert "**20 mentions (+25% vs 16) · average sentiment +0.12 (+0.05 vs +0.07)" in text
    assert "| Acme | 15 | 75% | `▒▒▒▒▒███████████████` | +50% | 33% | 40% | 27% |" in text
    assert "| Acme | `·▁▂█▂·▁▁` | `···▂···▁` | 20 | 4 | 2026-11-16 (12) |" in text
    assert "### Top domains" in text and "| news.example.com | 4 | 1 | +0.10 | 0 |" in text
    assert "| big\\_voice | 1 | 0 | +0.60 | 9,000 | 250,000 |" in text
    assert (
        "| 7 | -0.91 negative | hackernews |"
        " [Recall announced](https://news.example.com/recall?a=1&b=%282%29)"
        " | score 12 · comments 3 | 14 | new |"
    ) in text


def test_markdown_escapes_web_text_and_links_only_http():
    text = report_markdown(make_report())
    row = next(line for line in text.splitlines() if line.startswith("| 8 |"))
    assert len(_cells(row)) == 7  # `| col |` in the title split no cell
    assert "\\<script\\>alert(1)\\</script\\>" in row and "<script>" not in text
    assert "\\[click\\](http://evil)" in row and "[click](http://evil)" not in text
    assert "\\*bold\\* \\`code\\`" in row
    assert "line break" in row  # the newline did not end the row
    assert "\x1b" not in text and "](javascript" not in text.replace("\\", "")
    assert row.endswith(" (not a web link: javascript:alert(1)) |  | 14 | new |")


def test_markdown_link_targets_cannot_break_out():
    row = mention(9, "t", "https://x.example/a b)|[c](http://evil)<i>")
    text = report_markdown(make_report(reply_first=(row,)))
    line = next(line for line in text.splitlines() if line.startswith("| 9 |"))
    assert len(_cells(line)) == 7
    assert "(https://x.example/a%20b%29%7C[c]%28http://evil%29%3Ci%3E)" in line


# JSON -------------------------------------------------------------------------------------

COUNT_KEYS = {
    "mentions",
    "previous_mentions",
    "change",
    "positive",
    "neutral",
    "negative",
    "shares",
    "average",
    "previous_average",
    "average_change",
}
TOP_KEYS = {
    "version",
    "aspects",
    "period",
    "previous_period",
    "bucket",
    "timezone",
    "total",
    "keywords",
    "trend",
    "total_trend",
    "sources",
    "domains",
    "authors",
    "influencers",
    "reply_first",
    "themes",
    "overdue",
    "spikes",
}
RANKED_KEYS = {"name", "mentions", "interactions", "followers", "negative", "average"}


def test_json_round_trips_with_the_documented_keys():
    data = json.loads(json.dumps(report_json(make_report()), allow_nan=False))
    assert set(data) == TOP_KEYS and data["version"] == 1
    assert data["period"] == {
        "since": "2026-11-13T12:00:00+00:00",
        "until": "2026-11-20T12:00:00+00:00",
    }
    assert data["previous_period"]["since"] == "2026-11-06T12:00:00+00:00"
    assert data["bucket"] == "day"
    assert set(data["total"]) == COUNT_KEYS
    assert data["total"]["change"] == 0.25
    assert data["total"]["shares"] == {"positive": 0.4, "neutral": 0.35, "negative": 0.25}
    assert data["total"]["average_change"] == pytest.approx(0.05)
    assert [k["keyword"] for k in data["keywords"]] == ["Acme", "Globex"]
    assert set(data["keywords"][0]) == COUNT_KEYS | {"keyword", "share_of_voice"}
    globex = data["keywords"][1]
    assert globex["change"] is None and globex["previous_average"] is None
    assert globex["average_change"] is None and globex["share_of_voice"] == 0.25
    assert list(data["trend"]) == ["Acme", "Globex"]
    assert data["trend"]["Acme"][3] == {
        "start": "2026-11-16T00:00:00+00:00",
        "mentions": 12,
        "negative": 3,
    }
    for name in ("sources", "domains", "authors", "influencers"):
        assert all(set(row) == RANKED_KEYS for row in data[name]), name
    assert data["influencers"][0]["followers"] == 250000.0
    first, hostile = data["reply_first"]
    assert set(first) == {*MENTION_COLUMNS, "overdue"}  # overdue: reply_within's verdict
    assert first["overdue"] is False
    assert first["keywords"] == ["Acme", "Globex"]
    assert first["engagement"] == {"score": 12, "comments": 3}
    assert hostile["engagement"] == {}  # unreadable engagement is no engagement
    assert hostile["title"] == HOSTILE  # data stays data; json.dumps escapes it
    assert "\x1b" not in json.dumps(report_json(make_report()))


def test_every_json_key_is_documented():
    doc = report_json_module.__doc__ or ""
    data = report_json(make_report())
    keys = TOP_KEYS | COUNT_KEYS | RANKED_KEYS | {"since", "until", "keyword", "share_of_voice"}
    keys |= set(data["trend"]["Acme"][0]) | set(data["reply_first"][0])
    missing = sorted(key for key in keys if f"``{key}``" not in doc and f'"{key}"' not in doc)
    assert missing == []


def test_json_of_an_empty_report():
    empty = make_report(
        total=Counts(0, 0, 0, 0, None),
        previous_total=Counts(0, 0, 0, 0, None),
        keywords=(),
        trend={},
        reply_first=(),
    )
    data = json.loads(json.dumps(report_json(empty)))
    assert data["total"]["change"] is None and data["total"]["shares"]["negative"] == 0
    assert data["keywords"] == [] and data["trend"] == {} and data["reply_first"] == []


# SVG --------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def test_svg_parses_and_draws_each_keyword_with_negatives_axes_and_legend():
    root = ET.fromstring(trend_svg(make_report()))
    assert root.tag == f"{SVG}svg"
    texts = ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]
    assert "Mentions per day, 2026-11-13 12:00 → 2026-11-20 12:00 UTC" in texts
    assert "mentions per day" in texts and "day (UTC)" in texts  # axis labels
    assert "2026-11-13" in texts and "2026-11-20" in texts
    assert "Acme: 20 (4 negative)" in texts and "Globex: 5 (0 negative)" in texts
    assert "negative mentions" in texts  # legend of the dashed line
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "keyword"]
    assert [g.get("data-keyword") for g in groups] == ["Acme", "Globex"]
    acme_negative = next(g for g in groups[0] if g.get("class") == "negative")
    line = acme_negative.find(f"{SVG}polyline")
    assert line is not None and line.get("stroke-dasharray")
    ys = [float(p.split(",")[1]) for p in (line.get("points") or "").split()]
    assert len(ys) == 8 and min(ys) < max(ys)  # the negative day rises off the baseline


def test_svg_is_self_contained_and_escapes_keyword_names():
    name = '<script>alert(1)</script>"&\x1b[31m'
    report = make_report(trend={name: points(ACME_VOLUME, ACME_NEGATIVE)})
    svg = trend_svg(report)
    root = ET.fromstring(svg)
    for element in root.iter():
        assert not element.tag.endswith(("script", "image", "foreignObject", "style", "a"))
        for attribute, value in element.attrib.items():
            assert not attribute.lower().startswith("on")
            assert "href" not in attribute.lower() and "url(" not in value
    assert "<script" not in svg and "\x1b" not in svg
    texts = ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]
    assert '<script>alert(1)</script>"&: 20 (4 negative)' in texts


def test_svg_without_keywords_or_with_one_bucket_is_still_valid():
    root = ET.fromstring(trend_svg(make_report(trend={})))
    assert "No keywords to chart." in ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]
    one = make_report(bucket="hour", trend={"Acme": (TrendPoint(SINCE, 3, 1),)})
    assert ET.fromstring(trend_svg(one)).find(f".//{SVG}circle") is not None


@pytest.mark.parametrize(
    ("high", "expected"), [(0, (1, 1)), (3, (3, 1)), (12, (15, 5)), (1000, (1000, 200))]
)
def test_axis_top_is_a_round_number(high, expected):
    assert nice_top(high) == expected


def test_sparkline_shows_any_non_zero_value():
    assert sparkline([0, 1, 100], 100) == "·▁█"
    assert sparkline([0, 0], 0) == "··"


def test_reply_first_shows_the_sentiment_that_ranks_each_mention(cli, feed_server, tmp_path):
    """Reply first ranks a mention by how negative it is about one of its keywords (issue
    10), but showed its overall score: under "most negative mentions", "Globex review"
    (loves Globex, hates Acme) came first at -0.14, and a post praising Globex at length
    with one bad word for Acme was listed at +0.2 positive. People's formats now show the
    score that ranks it; JSON keeps the mention's own, with keyword_sentiment beside it."""
    from helpers import ACME_GLOBEX, GLOBEX_REVIEW, scanned_feed

    items = [
        {**GLOBEX_REVIEW, "guid": "1", "link": "https://n.example/1"},
        {"title": "Acme support is terrible", "guid": "2", "link": "https://n.example/2"},
    ]
    config = scanned_feed(cli, feed_server, tmp_path, items, ACME_GLOBEX)
    data = json.loads(cli("report", "-c", config, "-f", "json").stdout)
    first = data["reply_first"][0]
    assert first["title"] == "Globex review"
    own, about = first["sentiment"], first["keyword_sentiment"]["Acme"]
    assert about < -0.5 < own  # ranked by Acme's score, not its own
    shown = f"{about:+.2f}"
    for fmt in ("table", "markdown", "html"):
        out = cli("report", "-c", config, "-f", fmt).stdout
        assert shown in out and f"{own:+.2f}" not in out, fmt
    for fmt in ("text", "markdown", "html"):
        out = cli("digest", "-c", config, "--since", "24h", "-f", fmt).stdout
        reply = out[out.index("Reply first") : out.index("Backlog")]
        assert shown in reply and f"{own:+.2f}" not in reply, fmt
