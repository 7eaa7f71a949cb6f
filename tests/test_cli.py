"""End to end through the real entry point: scan, mentions, report, export, errors."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brandwatch_cli import __version__
from helpers import connect, rss, write_config

DATA = Path(__file__).parent / "data"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")

ITEMS = [
    {
        "title": "Acme launches a wonderful new anvil",
        "link": "https://news.example.com/acme-anvil?utm_source=feed&amp;id=4",
        "guid": "n-1",
        "pubDate": "Mon, 16 Nov 2026 09:00:00 +0000",
        "description": "Customers love it. Great quality and a fair price for everyone.",
    },
    {
        "title": "Globex Cinema opens downtown",
        "link": "https://news.example.com/cinema",
        "guid": "n-2",
        "pubDate": "Mon, 16 Nov 2026 10:00:00 +0000",
    },
    {
        "title": "Acme recall: customers furious about burned toasters",
        "link": "https://news.example.com/recall",
        "guid": "n-3",
        "pubDate": "Tue, 17 Nov 2026 10:00:00 +0000",
        "description": "Terrible, dangerous and angry customers everywhere.",
    },
    {
        "title": "Globex Corporation and Acme sign a deal",
        "link": "https://news.example.com/deal",
        "guid": "n-4",
        "pubDate": "Wed, 18 Nov 2026 10:00:00 +0000",
    },
    {"title": "Unrelated weather news", "link": "https://news.example.com/weather", "guid": "n-5"},
]


def db_rows(path: Path, sql: str = "SELECT count(*) FROM mentions") -> list[tuple]:
    with connect(path) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def news(feed_server, tmp_path):
    """A config with one RSS source on the local server; returns (config path, server)."""
    feed_server.serve("/news.xml", rss(ITEMS), headers={"Content-Type": "application/rss+xml"})
    config = write_config(tmp_path, [("news", feed_server.url("/news.xml"))])
    return config, feed_server


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"brandwatch {__version__}"


def test_every_command_has_help_and_is_in_the_readme(cli):
    import typer

    from brandwatch_cli.cli.app import app

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    listing = cli("--help").stdout
    commands = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert {"init", "scan", "sources", "mentions", "report", "export"} <= set(commands)
    for command in commands:
        assert re.search(rf"^  {command} ", listing, re.MULTILINE), command
        help_text = cli(command, "--help")
        assert help_text.exit_code == 0 and len(help_text.stdout) > 100
        assert f"brandwatch {command}" in readme


def test_scan_twice_is_idempotent_and_a_new_item_adds_one(cli, news, tmp_path):
    config, server = news
    first = cli("scan", "-c", config)
    assert first.exit_code == 0, first.stderr
    assert "3 new mentions" in first.stdout
    assert db_rows(tmp_path / "mentions.db") == [(3,)]

    second = cli("scan", "-c", config)
    assert second.exit_code == 0
    assert "0 new mentions" in second.stdout
    assert db_rows(tmp_path / "mentions.db") == [(3,)]

    more = [
        *ITEMS,
        {"title": "Acme opens a store", "link": "https://news.example.com/store", "guid": "n-6"},
    ]
    server.serve("/news.xml", rss(more))
    third = cli("scan", "-c", config)
    assert "1 new mention " in third.stdout
    assert db_rows(tmp_path / "mentions.db") == [(4,)]
    log = db_rows(tmp_path / "mentions.db", "SELECT status, new_mentions FROM scans ORDER BY id")
    assert log == [("ok", 3), ("ok", 0), ("ok", 1)]


def test_exclusions_and_multiple_keywords_are_stored(cli, news, tmp_path):
    config, _ = news
    cli("scan", "-c", config)
    rows = db_rows(
        tmp_path / "mentions.db",
        "SELECT m.title, group_concat(k.keyword, ';') FROM mentions m JOIN mention_keywords k"
        " ON k.mention_id = m.id GROUP BY m.id ORDER BY m.id",
    )
    titles = {title: set(keywords.split(";")) for title, keywords in rows}
    assert "Globex Cinema opens downtown" not in titles
    assert titles["Globex Corporation and Acme sign a deal"] == {"Acme", "Globex"}


def test_export_csv_round_trips(cli, news):
    config, _ = news
    cli("scan", "-c", config)
    result = cli("export", "-c", config, "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == ""
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames[:12] == [
        "id",
        "source",
        "keywords",
        "title",
        "url",
        "author",
        "published_at",
        "fetched_at",
        "language",
        "sentiment",
        "sentiment_label",
        "text",
    ]
    rows = list(reader)
    assert len(rows) == 3
    newest = rows[0]
    assert newest["title"] == "Globex Corporation and Acme sign a deal"
    by_title = {r["title"]: r for r in rows}
    deal = by_title["Globex Corporation and Acme sign a deal"]
    assert deal["keywords"] == "Acme;Globex"
    anvil = by_title["Acme launches a wonderful new anvil"]
    assert (
        anvil["url"] == "https://news.example.com/acme-anvil?utm_source=feed&id=4"
    )  # as published
    assert anvil["sentiment_label"] == "positive" and float(anvil["sentiment"]) > 0.05
    assert (
        by_title["Acme recall: customers furious about burned toasters"]["sentiment_label"]
        == "negative"
    )
    for row in rows:
        assert ISO_UTC.match(row["published_at"]) and ISO_UTC.match(row["fetched_at"])
        assert -1 <= float(row["sentiment"]) <= 1


def test_export_jsonl_has_the_same_fields(cli, news, tmp_path):
    config, _ = news
    cli("scan", "-c", config)
    result = cli("export", "-c", config, "--format", "jsonl", "--keyword", "globex")
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == 1
    (deal,) = objects
    assert list(deal)[:12] == [
        "id",
        "source",
        "keywords",
        "title",
        "url",
        "author",
        "published_at",
        "fetched_at",
        "language",
        "sentiment",
        "sentiment_label",
        "text",
    ]
    assert deal["keywords"] == "Acme;Globex"
    assert isinstance(deal["id"], int) and isinstance(deal["sentiment"], float)
    assert deal["engagement"] == {} and deal["sentiment_method"] == "vader"

    out = tmp_path / "out.jsonl"
    written = cli("export", "-c", config, "-f", "jsonl", "--output", out)
    assert written.stdout == ""
    assert len(out.read_text().splitlines()) == 3
    assert "Wrote 3 mentions" in written.stderr


def test_mentions_filters(cli, news):
    config, _ = news
    cli("scan", "-c", config)
    negative = cli("mentions", "-c", config, "--sentiment", "negative")
    assert negative.exit_code == 0
    lines = negative.stdout.splitlines()
    assert len(lines) == 1 and "Acme recall" in lines[0]
    assert len(cli("mentions", "-c", config, "-k", "Globex").stdout.splitlines()) == 1
    typo = cli("mentions", "-c", config, "--source", "newz")
    assert typo.exit_code == 2 and typo.stdout == ""
    assert "--source 'newz': no such source in the config or database" in typo.stderr
    typo = cli("report", "-c", config, "-k", "Acmee")
    assert typo.exit_code == 2 and "(did you mean 'Acme'?)" in typo.stderr
    assert len(cli("mentions", "-c", config, "--since", "2026-11-17").stdout.splitlines()) == 2
    assert len(cli("mentions", "-c", config, "--until", "2026-11-17").stdout.splitlines()) == 1
    assert len(cli("mentions", "-c", config, "--limit", "2").stdout.splitlines()) == 2
    bad = cli("mentions", "-c", config, "--since", "yesterday-ish")
    assert bad.exit_code == 2 and "--since 'yesterday-ish' is not a time" in bad.stderr


def test_report_shows_keywords_share_days_sources_and_reply_first(cli, news):
    config, _ = news
    cli("scan", "-c", config)
    result = cli("report", "-c", config, "--since", "2026-10-20", "--until", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "3 mentions" in out
    assert re.search(r"Acme\s+3\s+75%", out)  # 3 of 4 keyword mentions
    assert re.search(r"Globex\s+1\s+25%", out)
    assert "Trend per day" in out
    assert re.search(r"Acme\s+\S+\s+\S+\s+3\s+1\s+2026-11-1[678]: 1", out)  # total, negative, peak
    assert "https://news.example.com/recall" in out
    assert "Top sources" in out and "Top domains" in out and "news.example.com" in out
    assert "\x1b" not in out  # piped: no colour codes


@pytest.mark.parametrize(
    ("since", "bucket"), [("48h", "hour"), ("2d", "hour"), ("16d", "hour"), ("17d", "day")]
)
def test_a_relative_period_is_exactly_as_long_as_asked(cli, news, since, bucket):
    """Per hour while that takes at most 400 points: 16 days (384 hours and the current
    second) touch at most 386 hours, 17 days 409."""
    config, _ = news
    cli("scan", "-c", config)
    data = json.loads(cli("report", "-c", config, "--since", since, "-f", "json").stdout)
    assert data["bucket"] == bucket


@pytest.mark.parametrize(
    "period",
    [
        ("--since", "2026-11-20", "--until", "2026-11-18"),
        ("--since", "1d", "--until", "2d"),
        ("--since", "2999-01-01"),  # ends now
    ],
)
def test_a_period_that_ends_before_it_starts_is_a_usage_error(cli, news, period):
    config, _ = news
    cli("scan", "-c", config)
    for command in ("report", "mentions", "export"):
        result = cli(command, "-c", config, *period)
        assert result.exit_code == 2, (command, result)
        assert "nothing can fall in that period" in result.stderr and result.stdout == ""


def test_report_until_alone_covers_the_week_before_it(cli, news):
    config, _ = news
    cli("scan", "-c", config)
    data = json.loads(cli("report", "-c", config, "--until", "2026-11-20", "-f", "json").stdout)
    assert data["period"]["since"].startswith("2026-11-13")
    assert data["period"]["until"].startswith("2026-11-20")


def test_report_draws_the_trend_as_svg_or_png(cli, news, tmp_path):
    from PIL import Image

    config, _ = news
    cli("scan", "-c", config)
    period = ("--since", "2026-10-20", "--until", "2026-11-20")  # per day
    svg, png = tmp_path / "trend.svg", tmp_path / "trend.png"
    assert cli("report", "-c", config, *period, "--chart", svg).exit_code == 0
    assert 'data-keyword="Acme"' in svg.read_text()
    drawn = cli("report", "-c", config, *period, "--chart", png)
    assert drawn.exit_code == 0, drawn.stderr
    assert "3 mentions" in drawn.stdout  # the report itself still prints
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width == 960
        colours = {colour for _, colour in image.convert("RGB").getcolors(1_000_000) or []}
    # Acme's line, in the first palette colour (#0072B2, give or take the smoothing)
    assert any(sum(abs(a - b) for a, b in zip(c, (0, 114, 178), strict=True)) < 30 for c in colours)
    refused = cli("report", "-c", config, "--chart", tmp_path / "trend.pdf")
    assert refused.exit_code == 2
    assert "name a .svg (vector) or .png (image) file" in refused.stderr
    assert not (tmp_path / "trend.pdf").exists()


def test_written_files_get_the_usual_permissions(cli, news, tmp_path):
    config, _ = news
    cli("scan", "-c", config)
    out = tmp_path / "out.csv"
    umask = os.umask(0o022)
    try:
        cli("export", "-c", config, "--output", out)
        assert out.stat().st_mode & 0o777 == 0o644  # readable by the web server or the team
        out.chmod(0o600)
        cli("export", "-c", config, "--output", out)
        assert out.stat().st_mode & 0o777 == 0o600  # a replaced file keeps its mode
    finally:
        os.umask(umask)


def test_partial_failure_exits_1_and_keeps_the_others(cli, feed_server, tmp_path):
    feed_server.serve("/ok.xml", rss(ITEMS))
    feed_server.serve(
        "/page", (DATA / "page.html").read_bytes(), headers={"Content-Type": "text/html"}
    )
    config = write_config(
        tmp_path,
        [
            ("good", feed_server.url("/ok.xml")),
            ("gone", feed_server.url("/missing")),
            ("webpage", feed_server.url("/page")),
        ],
    )
    result = cli("scan", "-c", config)
    assert result.exit_code == 1
    assert db_rows(tmp_path / "mentions.db") == [(3,)]
    assert "error: source 'gone' failed: HTTP 404 Not Found" in result.stderr
    assert (
        "error: source 'webpage' failed: not a feed: the server sent an HTML page" in result.stderr
    )
    assert "HTTP 404" in result.stdout  # the summary names why, too
    assert "Traceback" not in result.stderr


def test_a_stalled_source_cannot_hold_the_scan(cli, feed_server, tmp_path):
    feed_server.serve("/ok.xml", rss(ITEMS))
    feed_server.serve("/stall.xml", rss(ITEMS), delay=60)
    config = write_config(
        tmp_path, [("stalls", feed_server.url("/stall.xml")), ("good", feed_server.url("/ok.xml"))]
    )
    text = config.read_text().replace("timeout: 5", "timeout: 1")
    config.write_text(text)
    started = time.monotonic()
    result = cli("scan", "-c", config)
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert "timed out after 1s" in result.stderr
    assert db_rows(tmp_path / "mentions.db") == [(3,)]


def test_duplicates_across_sources_are_stored_once(cli, feed_server, tmp_path):
    story = {
        "title": "Acme opens its biggest factory in the north of the country",
        "description": "Hundreds of jobs are expected in the region over the next years.",
    }
    feed_server.serve(
        "/a.xml", rss([{**story, "link": "https://a.example.com/story", "guid": "a1"}])
    )
    feed_server.serve(
        "/b.xml",
        rss([{**story, "link": "https://A.example.com:443/story?utm_medium=x#top", "guid": "b1"}]),
    )
    feed_server.serve(
        "/c.xml", rss([{**story, "link": "https://syndicate.example.net/copy", "guid": "c1"}])
    )
    config = write_config(tmp_path, [(n, feed_server.url(f"/{n}.xml")) for n in ("a", "b", "c")])
    result = cli("scan", "-c", config, "--concurrency", "1")
    assert result.exit_code == 0
    assert db_rows(tmp_path / "mentions.db") == [(1,)]


def test_hostile_feed_text_never_reaches_the_terminal_raw(cli, feed_server, tmp_path):
    feed_server.serve("/h.xml", (DATA / "hostile.xml").read_bytes())
    config = write_config(tmp_path, [("hostile", feed_server.url("/h.xml"))])
    scan = cli("scan", "-c", config)
    assert scan.exit_code == 0
    assert "\x1b" not in scan.stdout
    for output in (
        cli("mentions", "-c", config).stdout,
        cli("report", "-c", config, "--since", "3650d").stdout,
    ):
        assert "Acme" in output
        assert "\x1b" not in output and "\u202e" not in output
    assert "[bold]markup[/bold]" in cli("mentions", "-c", config).stdout  # shown, not interpreted


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "config file not found"),
        ("keywords: [Acme\nsources: []\n", "brandwatch.yaml:2: YAML syntax error"),
        (
            "keywords: [Acme]\nsources:\n  - name: a\n    url: x.xml\n    timout: 3\n",
            "brandwatch.yaml:5: unknown key 'timout' in a 'feed' source (did you mean 'timeout'?)",
        ),
        (
            "keyword: [Acme]\nsources:\n  - {name: a, url: x.xml}\n",
            "unknown key 'keyword' in the config (did you mean 'keywords'?)",
        ),
        ("keywords: [Acme]\nsources:\n  - name: a\n", "brandwatch.yaml:3: source 'a' has no 'url'"),
        (
            "keywords: [Acme]\nsources:\n  - {name: a, url: x.xml}\n  - {name: a, url: y.xml}\n",
            "brandwatch.yaml:4: duplicate source name 'a' (first on line 3)",
        ),
        (
            "keywords: [Acme]\nsources:\n  - {name: a, url: 'ftp://x/y'}\n",
            "unsupported scheme 'ftp'",
        ),
        (
            "keywords: [Acme]\nsources:\n  - {name: a, url: x.xml, timeout: -1}\n",
            "'timeout' of source 'a' must be more than 0 and at most",
        ),
        (
            "keywords: []\nsources:\n  - {name: a, url: x.xml}\n",
            "'keywords' must be a non-empty list",
        ),
        (
            "keywords: [Acme]\nsources:\n  - {name: a, url: x.xml, type: rss}\n",
            "unknown source type 'rss'",
        ),
        (
            "keywords: [Acme, acme]\nsources:\n  - {name: a, url: x.xml}\n",
            "duplicate keyword name 'acme'",
        ),
        (
            "keywords: [Acme]\nkeywords: [B]\nsources: []\n",
            "brandwatch.yaml:2: duplicate key 'keywords'",
        ),
        ("- just\n- a list\n", "the config must be a mapping"),
        ("", "the config file is empty"),
    ],
)
@pytest.mark.parametrize("command", ["scan", "report", "export", "mentions"])
def test_config_errors_are_one_line_and_exit_2(cli, tmp_path, content, message, command):
    path = tmp_path / "brandwatch.yaml"
    if content is not None:
        path.write_text(content)
    result = cli(command, "-c", path)
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.sqlite_only  # where the database file goes
def test_config_from_environment_and_default_file(cli, tmp_path, monkeypatch, feed_server):
    feed_server.serve("/n.xml", rss(ITEMS))
    config = write_config(tmp_path, [("n", feed_server.url("/n.xml"))])
    assert cli("scan").exit_code == 0  # ./brandwatch.yaml (tests run in tmp_path)
    other = tmp_path / "elsewhere"
    other.mkdir()
    moved = other / "custom.yaml"
    moved.write_text(config.read_text().replace(str(tmp_path / "mentions.db"), "env.db"))
    monkeypatch.setenv("BRANDWATCH_CONFIG", str(moved))
    assert cli("scan").exit_code == 0
    assert (other / "env.db").exists()  # relative database resolves against the config's folder


def test_db_option_overrides_the_config(cli, news, tmp_path):
    config, _ = news
    assert cli("scan", "-c", config, "--db", tmp_path / "other.db").exit_code == 0
    assert db_rows(tmp_path / "other.db") == [(3,)]
    assert not (tmp_path / "mentions.db").exists()


def test_reading_before_any_scan_is_a_clear_error(cli, news):
    config, _ = news
    result = cli("report", "-c", config)
    assert result.exit_code == 3
    assert "run `brandwatch scan` first" in result.stderr


def test_scan_only_selected_sources(cli, feed_server, tmp_path):
    feed_server.serve("/a.xml", rss(ITEMS))
    config = write_config(
        tmp_path, [("a", feed_server.url("/a.xml")), ("b", feed_server.url("/missing"))]
    )
    assert cli("scan", "-c", config, "--source", "a").exit_code == 0
    unknown = cli("scan", "-c", config, "--source", "zzz")
    assert unknown.exit_code == 2 and "unknown source 'zzz'" in unknown.stderr


def test_init_writes_a_starter_and_never_overwrites(cli, tmp_path):
    first = cli("init")
    assert first.exit_code == 0
    starter = (tmp_path / "brandwatch.yaml").read_text()
    assert "keywords:" in starter and "sources:" in starter and "#" in starter
    (tmp_path / "brandwatch.yaml").write_text("mine")
    second = cli("init")
    assert second.exit_code == 2  # a usage error, like every other
    assert "already exists" in second.stderr
    assert (tmp_path / "brandwatch.yaml").read_text() == "mine"


def test_starter_config_is_valid(cli, tmp_path):
    from brandwatch_cli.config.load import load_config

    cli("init")
    config = load_config(tmp_path / "brandwatch.yaml")
    assert [k.name for k in config.keywords] == ["Acme", "Globex"]


def test_relative_config_and_local_feed_paths(cli, tmp_path):
    feeds = tmp_path / "project" / "feeds"
    feeds.mkdir(parents=True)
    (feeds / "news.xml").write_text(rss(ITEMS))
    (tmp_path / "project" / "watch.yaml").write_text(
        "database: data/m.db\nkeywords: [Acme]\nsources:\n  - {name: local, url: feeds/news.xml}\n"
    )
    result = cli("scan", "-c", "project/watch.yaml")  # relative to the working directory
    assert result.exit_code == 0, result.stderr
    assert db_rows(tmp_path / "project" / "data" / "m.db") == [(3,)]


def test_the_command_line_does_not_load_httpx_own_command_line():
    # httpx's CLI pulls in click's, pygments' and rich's syntax machinery (~50 ms of every
    # fetching command's start-up); the scan's own client must still work.
    script = (
        "import sys, brandwatch_cli.cli.app, brandwatch_cli.scan.engine, httpx;"
        "print(sorted(m for m in ('pygments', 'rich.syntax') if m in sys.modules),"
        " callable(httpx.AsyncClient))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["[]", "True"]


@pytest.mark.parametrize(
    "args",
    [
        ["digest", "--format", "pdf"],
        ["report", "--no-such-option"],
        ["no-such-command"],
        ["mark", "1"],
        ["mark", "abc", "--status", "todo"],
        ["mentions", "--limit", "0"],
        ["scan", "--fail-on", "bogus"],
    ],
)
def test_usage_errors_exit_2_with_the_usage_line(cli, tmp_path, args):
    result = cli(*args, "-c", write_config(tmp_path, [("a", "a.xml")]))
    assert result.exit_code == 2, result
    assert "Error:" in result.stderr and "internal error" not in result.stderr
    assert result.stdout == ""


def test_sources_before_the_first_scan_lists_them_without_creating_a_database(cli, tmp_path):
    config = write_config(tmp_path, [("a", "a.xml"), ("b", "b.xml")])
    result = cli("sources", "-c", config)
    assert result.exit_code == 0, result
    assert re.search(r"\ba\s+feed\s+never scanned", result.stdout)
    assert not (tmp_path / "mentions.db").exists()
