"""The report as one HTML page (output/report_html.py) and its SVG charts (output/svg.py): on
Report values built by hand with text written to attack the page, then opened in a real
headless Chromium (phone width) that may reach nothing but a local server counting requests,
and made by the CLI from the bundled sample feeds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from brandwatch_cli.insight.report import Counts, KeywordStats, Period, Ranked, Report, TrendPoint
from brandwatch_cli.models import (
    MENTION_COLUMNS,
    NEGATIVE,
    AspectFigure,
    Spike,
    SpikeExplanation,
    Theme,
)
from brandwatch_cli.output.report_html import HEADINGS, POLICY, report_html
from brandwatch_cli.output.svg import Line, share_chart, split_bar, trend_chart

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SINCE = datetime(2026, 11, 13, tzinfo=UTC)
UNTIL = datetime(2026, 11, 20, tzinfo=UTC)
HOSTILE = (
    '<script>alert(1)</script> "><img src=x onerror=alert(1)> \x1b[31mred\x1b[0m\x07'
    " <link rel=stylesheet href=https://evil.example/x.css> line\nbreak"
)
#: A URL that is a web link but tries to leave its attribute.
QUOTED_URL = "https://news.example.com/a?q=\"><script>alert(1)</script>&x='1'"


def mention(mention_id: int, title: str, url: str | None, **fields: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(MENTION_COLUMNS)
    row |= {
        "id": mention_id,
        "source": "hackernews",
        "keywords": "Acme",
        "title": title,
        "url": url,
        "author": "pat",
        "published_at": "2026-11-16T09:30:00+00:00",
        "fetched_at": "2026-11-16T10:00:00+00:00",
        "sentiment": -0.91,
        "sentiment_label": "negative",
        "text": "body",
        "engagement": '{"score": 12}',
        "status": "new",
        "outlets": 3,
    }
    return row | fields


def points(volume: tuple[int, ...], negative: tuple[int, ...]) -> tuple[TrendPoint, ...]:
    return tuple(
        TrendPoint(SINCE + timedelta(days=i), v, n)
        for i, (v, n) in enumerate(zip(volume, negative, strict=True))
    )


RECALL = mention(7, "Recall announced", "https://news.example.com/recall?a=1&b=2")
EVIL = mention(8, HOSTILE, "javascript:alert(1)", source="evil\x1b[2J<b>", author='"><i>x')
QUOTED = mention(9, "Quoted link", QUOTED_URL)


def make_report(**changes: object) -> Report:
    report = Report(
        period=Period(SINCE, UNTIL),
        previous=Period(SINCE - timedelta(days=7), SINCE),
        total=Counts(20, 8, 7, 5, 0.12),
        previous_total=Counts(16, 6, 6, 4, 0.07),
        keywords=(
            KeywordStats("Acme", Counts(15, 5, 6, 4, 0.05), Counts(10, 4, 4, 2, 0.1), 0.75),
            KeywordStats(HOSTILE, Counts(5, 3, 1, 1, 0.3), Counts(0, 0, 0, 0, None), 0.25),
        ),
        bucket="day",
        trend={
            "Acme": points((0, 1, 2, 12, 3, 0, 1), (0, 0, 0, 3, 0, 0, 1)),
            HOSTILE: points((0, 0, 5, 0, 0, 0, 0), (0,) * 7),
        },
        total_trend=points((0, 1, 7, 12, 3, 0, 1), (0, 0, 0, 3, 0, 0, 1)),
        sources=(Ranked("hackernews", 9, 120.0, None, 3, -0.2),),
        domains=(Ranked("news.example.com", 4, 0.0, None, 1, 0.1),),
        authors=(Ranked('pat "the critic"', 3, 40.0, 1500.0, 2, -0.4),),
        influencers=(Ranked("big_voice", 1, 9000.0, 250000.0, 0, 0.6),),
        reply_first=(RECALL, EVIL, QUOTED),
        themes={
            "Acme": (
                Theme("colis perdu", 6, 0.4, -0.5, "new", 0, 4.2, (RECALL, EVIL), ("livraison",)),
                Theme(HOSTILE, 3, 0.2, 0.3, "rising", 1, 2.1, (QUOTED,)),
            ),
            HOSTILE: (),
        },
        aspects={
            "Acme": (
                AspectFigure("delivery", 7, 2, 5, -0.3, (RECALL,), (EVIL, QUOTED)),
                AspectFigure(HOSTILE, 3, 3, 0, 0.5, (QUOTED,), ()),
            )
        },
        spikes=(
            Spike(
                "Acme",
                NEGATIVE,
                14,
                2.1,
                8.3,
                14,
                explanation=SpikeExplanation(
                    terms=(("rappel produit", 5.2), (HOSTILE, 3.1)),
                    sources=(("hackernews", 9), ("evil\x1b[2J", 2)),
                    authors=(("pat", 3),),
                    positive=1,
                    neutral=3,
                    negative=10,
                    aspects=(("delivery", 6, -0.52),),
                    examples=(RECALL, EVIL, QUOTED),
                ),
            ),
            Spike("Acme", "spike", 30, 10.0, 20.0, 14),
        ),
    )
    return replace(report, **changes)


class Page(HTMLParser):
    """Every start tag with its attributes, the headings' text and all visible text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: dict[str, list[str]] = {"h1": [], "h2": [], "h3": []}
        self.text: list[str] = []
        self._in: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.headings:
            self._in.append(tag)
            self.headings[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in:
            self.headings[self._in[-1]][-1] += data

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


# The page -----------------------------------------------------------------------------------


def test_every_section_is_on_the_page_in_order():
    page = Page(report_html(make_report()))
    assert page.headings["h1"] == ["Brand mentions, 2026-11-13 00:00 → 2026-11-20 00:00 UTC"]
    assert [h.split(" per ")[0] for h in page.headings["h2"]] == list(HEADINGS)
    assert "Trend per day" in page.headings["h2"]
    text = " ".join(page.text)
    assert "Compared with 2026-11-06 00:00 → 2026-11-13 00:00 UTC." in text
    assert "20 mentions (+25% vs 16)" in text
    # who talks, as the terminal report has it
    for title in ("Top sources", "Top domains", "Top authors (by mentions)", "Influencers"):
        assert any(h.startswith(title) for h in page.headings["h3"]), title
    # one trend chart for all mentions and one per keyword; the share of voice; split bars
    svgs = page.all("svg")
    assert sum("trend" in (s.get("class") or "") for s in svgs) == 3
    assert sum("share" in (s.get("class") or "") for s in svgs) == 1
    # the total, each keyword, each aspect, the spike
    assert sum(s.get("class") == "split" for s in svgs) == 1 + 2 + 2 + 1


def test_themes_aspects_and_spikes_show_what_their_shapes_hold():
    html = report_html(make_report())
    text = " ".join(Page(html).text)
    # themes: phrase, grouped phrases, count, share, net sentiment, trend, example links
    assert "colis perdu" in text and "with livraison" in text
    assert "new (0 before)" in text and "rising (1 before)" in text and "40%" in text
    assert '<span class="negative">-0.50</span>' in html
    # a keyword whose themes are empty says so
    assert "No theme stands out." in text
    # aspects: counts, praise and complaints with their examples
    assert "What they praise" in text and "What they complain about" in text
    assert re.search(r"<td>delivery</td><td class=\"num\">7</td><td class=\"num\">2</td>", html)
    # spikes: the sentence, the terms, sources, authors, split, aspects, examples
    assert "negative spike: 14 negative mentions" in text
    assert "rappel produit (z 5.2)" in text and "hackernews (9)" in text and "pat (3)" in text
    assert "positive 1 · neutral 3 · negative 10" in text and "delivery: 6, average -0.52" in text
    assert text.count("Recall announced") >= 3  # spike example, theme example, reply first
    assert "Not explained" in text  # the second spike has no explanation


def test_empty_sections_each_say_so_in_one_line():
    empty = make_report(
        total=Counts(0, 0, 0, 0, None),
        keywords=(),
        trend={},
        total_trend=(),
        sources=(),
        domains=(),
        authors=(),
        influencers=(),
        reply_first=(),
        themes={},
        aspects={},
        spikes=(),
    )
    page = Page(report_html(empty))
    assert [h.split(" per ")[0] for h in page.headings["h2"]] == list(HEADINGS)
    text = " ".join(page.text)
    for line in (
        "No keywords.",
        "No mentions to chart in this period.",
        "No spike in this period.",
        "No theme stands out in this period.",
        "No aspect was talked about.",
        "None in this period.",
        "No negative mentions waiting for a reply.",
    ):
        assert line in text
    assert not page.all("table")


def test_web_text_is_escaped_everywhere_and_only_http_links_are_links():
    html = report_html(make_report())
    page = Page(html)
    assert "<script" not in html and "<img" not in html and "<link" not in html
    assert "<b>HTTP" not in html and "<i>x" not in html
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", html)  # control characters stripped
    tags = {name for name, _ in page.tags}
    assert tags <= {
        *("html", "head", "meta", "title", "style", "body", "main", "header", "footer"),
        *("section", "h1", "h2", "h3", "h4", "p", "div", "span", "b", "br", "a", "ul", "li"),
        *("table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "dl", "dt"),
        *("dd", "svg", "title", "line", "polyline", "circle", "rect", "text"),
    }, tags
    assert not [a for _, attrs in page.tags for a in attrs if a.startswith("on")]
    links = page.all("a")
    hrefs = [a["href"] for a in links]
    assert all(h and h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert all(a["rel"] == "noopener noreferrer" for a in links)
    # the quoted URL stays inside its attribute, whole
    assert QUOTED_URL in hrefs
    # a javascript: URL is shown as text, never linked
    assert "not a web link: javascript:alert(1)" in " ".join(page.text)
    # hostile names read as text, escaped in element text and in attribute values alike
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x" in html
    assert "by &quot;&gt;&lt;i&gt;x" in html and "evil&lt;b&gt;" in html


def test_the_page_is_self_contained_phone_ready_and_printable():
    html = report_html(make_report())
    page = Page(html)
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    metas = page.all("meta")
    assert {"http-equiv": "Content-Security-Policy", "content": POLICY} in metas
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in metas
    lowered = html.lower()
    for request in ("<script", "<link", "<iframe", "<object", "<embed", "@import", "url("):
        assert request not in lowered, request
    assert not re.search(r"src\s*=\s*[\"']?\s*(https?:|//)", lowered) and "xmlns" not in lowered
    assert not [attrs for _, attrs in page.tags if "src" in attrs or "srcset" in attrs]
    # the only URLs in attributes are the links' targets
    for name, attrs in page.tags:
        for attr, value in attrs.items():
            if value and re.search(r"(?i)https?:|//", value):
                assert (name, attr) == ("a", "href"), (name, attr, value)
    style = html[html.index("<style>") : html.index("</style>")]
    assert ".scroll{overflow-x:auto" in style and "@media print" in style
    assert not re.search(r"(?<![-\w])width:\s*\d+px", style)  # fluid: no fixed widths
    # every table scrolls sideways on its own rather than widening the page
    assert html.count("<table>") == html.count('<div class="scroll"><table>') > 5


# The charts -----------------------------------------------------------------------------------


def test_trend_chart_draws_lines_axes_ticks_and_a_legend():
    svg = trend_chart(
        [Line("Acme: mentions", (0, 4, 12, 3)), Line("negative", (0, 1, 3, 0), dashed=True)],
        [(i, f"2026-11-{13 + i}") for i in range(4)],
        title="Acme <per day>",
        x_label="day (UTC)",
        y_label="mentions per day",
    )
    root = ET.fromstring(svg)
    ns = ""
    lines = root.findall(f"{ns}polyline")
    assert len(lines) == 2 and "stroke-dasharray" in lines[1].attrib
    assert "stroke-dasharray" not in lines[0].attrib
    texts = [t.text for t in root.iter("text")]
    assert {"0", "5", "10", "15"} <= set(texts)  # round y ticks up to 15
    assert "day (UTC)" in texts and "mentions per day" in texts
    assert "Acme: mentions" in texts and "negative" in texts
    assert "2026-11-13" in texts and "2026-11-16" in texts  # first and last bucket dated
    assert root.find("title").text == "Acme <per day>"  # type: ignore[union-attr]
    assert "viewBox" in root.attrib and "width" not in root.attrib  # scales with the page
    # the highest value touches the top of the axis, zero the bottom
    ys = [float(p.split(",")[1]) for p in lines[0].attrib["points"].split()]
    assert max(ys) - min(ys) == pytest.approx((230 - 50 - 34) * 12 / 15, abs=0.2)


def test_trend_chart_dates_only_the_ticks_that_fit_and_draws_a_single_bucket():
    labels = [(i, f"2026-11-{i + 1:02d} 09:00") for i in range(30)]
    root = ET.fromstring(
        trend_chart([Line("x", tuple(range(30)))], labels, title="t", x_label="x", y_label="y")
    )
    dated = [t.text for t in root.iter("text") if t.text and t.text.startswith("2026")]
    assert 2 <= len(dated) <= 4 and dated[0] == labels[0][1] and dated[-1] == labels[-1][1]
    one = ET.fromstring(
        trend_chart([Line("x", (3,))], [(0, "2026")], title="t", x_label="x", y_label="y")
    )
    assert len(one.findall("circle")) == 1
    none = trend_chart([], [], title="t", x_label="x", y_label="y")
    assert "No data." in none and ET.fromstring(none) is not None


def test_split_bar_splits_in_proportion_and_shows_none_as_grey():
    root = ET.fromstring(split_bar(1, 1, 2, label='Acme "x"'))
    widths = {r.attrib["class"]: float(r.attrib["width"]) for r in root.iter("rect")}
    assert widths == {"positive": 30.0, "neutral": 30.0, "negative": 60.0}
    assert root.find("title").text == 'Acme "x": positive 1 · neutral 1 · negative 2'  # type: ignore[union-attr]
    empty = ET.fromstring(split_bar(0, 0, 0))
    assert [r.attrib.get("class") for r in empty.iter("rect")] == [None]


def test_share_chart_bars_follow_the_shares_and_mark_the_negative_part():
    root = ET.fromstring(share_chart([("Acme", 0.6, 0.3), ("Globex", 0.3, 0.0)], title="SoV"))
    rects = list(root.iter("rect"))
    bars = [float(r.attrib["width"]) for r in rects if "class" not in r.attrib]
    assert bars[0] == pytest.approx(2 * bars[1])
    negative = [float(r.attrib["width"]) for r in rects if r.attrib.get("class") == "negative"]
    assert negative == [pytest.approx(bars[0] / 2)]
    assert [t.text for t in root.iter("text")] == ["Acme", "60%", "Globex", "30%"]
    long = ET.fromstring(share_chart([("x" * 200, 1.0, 0.0)], title="t"))
    assert max(len(t.text or "") for t in long.iter("text")) < 60


# In a real browser -----------------------------------------------------------------------------


def chromium() -> str:
    """The system's Chromium; its absence skips, except in CI where the browser test must
    run (.ci/run installs it)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    reason = "Chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the browser test must run in CI: {reason}")
    pytest.skip(reason)


def browse(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium on ``page`` (a file:// URL) that can resolve no host but 127.0.0.1."""
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",  # as root, Chromium needs it
        "--disable-gpu",
        "--hide-scrollbars",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_chromium_renders_every_section_and_chart_and_fetches_nothing(tmp_path, feed_server):
    # Web text that would fetch from the local server if it ever became markup.
    bait = (
        f'<img src="{feed_server.url("/pixel.png")}"><link rel=stylesheet'
        f' href="{feed_server.url("/x.css")}"><style>@import url({feed_server.url("/i.css")})'
    )
    report = make_report(
        reply_first=(RECALL, EVIL, mention(10, bait, feed_server.url("/clicked-only"))),
        domains=(Ranked(bait, 1, 0.0, None, 0, None),),
    )
    page = tmp_path / "report.html"
    page.write_text(report_html(report), encoding="utf-8")
    # The harness sees a request when a page makes one.
    control = tmp_path / "control.html"
    control.write_text(f'<!DOCTYPE html><img src="{feed_server.url("/control.png")}">')
    browse(control, tmp_path / "profile", "--dump-dom")
    assert [path for path, _ in feed_server.requests] == ["/control.png"]

    dom = browse(page, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = Page(dom.stdout)
    assert [h.split(" per ")[0] for h in rendered.headings["h2"]] == list(HEADINGS)
    assert rendered.headings["h1"][0].startswith("Brand mentions, 2026-11-13")
    classes = [s.get("class") or "" for s in rendered.all("svg")]
    assert sum("trend" in c for c in classes) == 3 and sum("share" in c for c in classes) == 1
    assert len(rendered.all("polyline")) == 6  # mentions and negative, in each trend chart
    assert not rendered.all("script") and not rendered.all("img")

    shot = tmp_path / "phone.png"
    result = browse(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=390,3000")
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    assert shot.stat().st_size > 30_000
    with Image.open(shot) as image:
        assert image.size == (390, 3000)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 200  # text, charts and bars, not a blank page
    # nothing was fetched: only the control's request reached the server
    assert [path for path, _ in feed_server.requests] == ["/control.png"]


# From the command line ---------------------------------------------------------------------------


@pytest.fixture
def sample(tmp_path: Path, cli) -> Path:
    """The quick start's bundled sample feeds, scanned: its config file."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.db*"))
    config = folder / "brandwatch.yaml"
    result = cli("scan", "-c", config)
    assert result.exit_code == 0 and "15 new mentions" in result.stdout, result.stderr
    return config


def test_report_writes_the_html_page_to_a_file(cli, sample, tmp_path):
    out = tmp_path / "report.html"
    period = ("--since", "2026-11-01", "--until", "2026-12-01")
    result = cli("report", "-c", sample, *period, "--format", "html", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"Wrote the report (15 mentions) to {out}" in result.stderr
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    assert page.headings["h1"] == ["Brand mentions, 2026-11-01 00:00 → 2026-12-01 00:00 UTC"]
    assert [h.split(" per ")[0] for h in page.headings["h2"]] == list(HEADINGS)
    assert {"Acme", "Globex", "Café Lumière"} <= {t.strip() for t in page.text} | {
        c.split(":")[0] for c in page.text
    }
    assert "15 mentions (none in the previous period)" in html
    assert "<script" not in html and POLICY in html
    # without -o the page goes to stdout
    printed = cli("report", "-c", sample, *period, "-f", "html")
    assert printed.exit_code == 0 and printed.stdout == html


def test_every_report_format_can_be_written_with_output(cli, sample, tmp_path):
    period = ("--since", "2026-11-01", "--until", "2026-12-01")
    for fmt, start in (("json", "{"), ("markdown", "# Brand mentions"), ("table", "Brand")):
        out = tmp_path / f"report.{fmt}"
        result = cli("report", "-c", sample, *period, "-f", fmt, "--output", out)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == ""
        assert out.read_text(encoding="utf-8").startswith(start)
        assert (
            out.read_text(encoding="utf-8")
            == cli("report", "-c", sample, *period, "-f", fmt).stdout
        )
    refused = cli("report", "-c", sample, "-f", "html", "-o", sample.parent / "sample.db")
    assert refused.exit_code == 2 and "is an SQLite database" in refused.stderr
