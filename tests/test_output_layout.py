"""Tables at 80 and 40 columns: names whole, titles wide enough, low-value columns dropped
first, sparklines never cut; through the real entry point, on long real-world names."""

from __future__ import annotations

import fcntl
import json
import math
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len

from brandwatch_cli.output.layout import Column, plan
from brandwatch_cli.output.wording import QUIET, SPARKS
from helpers import config_file

BRANDWATCH = shutil.which("brandwatch") or str(Path(sys.executable).parent / "brandwatch")
SOURCES = (
    "netnewswire-daring-fireball",
    "netnewswire-daring-fireball-linked",
    "le-monde-economie-entreprises",
    "hn",
)
KEYWORDS = ("Café Lumière Boulangerie Artisanale", "Globex Corporation International", "Acme")
TITLES = (
    "Café Lumière Boulangerie Artisanale opens a new shop downtown and the queue was terrible",
    "Globex Corporation International announces layoffs while Acme hires engineers",
    "Acme recall: the broken parcel problem again, what went wrong with the delivery partner",
)


@pytest.fixture
def scanned(cli, tmp_path, monkeypatch) -> Path:
    """Four sources with long names, three keywords with long names, 30 days of mentions with
    long titles; scanned (at the piped default width)."""
    now = datetime.now(UTC)
    entries = []
    for s, source in enumerate(SOURCES):
        items = []
        for i in range(9):
            day = now - timedelta(days=(s * 7 + i * 3) % 30, hours=i)
            items.append(
                f"<item><title>{TITLES[(s + i) % 3]} ({i})</title>"
                f"<link>https://{source}.example.com/{i}</link><guid>{source}-{i}</guid>"
                f"<pubDate>{day:%a, %d %b %Y %H:%M:%S +0000}</pubDate></item>"
            )
        feed = tmp_path / f"{source}.xml"
        feed.write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<link>https://{source}.example.com/</link>{''.join(items)}</channel></rss>",
            encoding="utf-8",
        )
        entries.append(f"  - name: {source}\n    url: '{feed}'\n")
    keywords = "".join(f"  - name: {k}\n    terms: ['{k}']\n" for k in KEYWORDS)
    config = config_file(tmp_path, "".join(entries), keywords)
    assert cli("scan", "-c", config).exit_code == 0
    return config


def fits(text: str, width: int) -> None:
    too_long = [line for line in text.splitlines() if cell_len(line) > width]
    assert not too_long, "\n".join(too_long)


def on_one_line(text: str, *names: str) -> None:
    for name in names:
        assert any(name in line for line in text.splitlines()), f"{name!r} cut:\n{text}"


def trend_marks(report: str) -> tuple[int, int, list[int]]:
    """The trend's buckets (from the span in its title), buckets per mark, and the length of
    every sparkline drawn."""
    section = report.split("Trend per ", 1)[1].split("Top sources", 1)[0]
    heading = re.match(r"day, (\S+) → (\S+)\s+\(one\s+mark\s+per\s+(?:(\d+)\s+days|day)", section)
    assert heading, section
    first, last = (datetime.fromisoformat(d) for d in heading.group(1, 2))
    buckets = (last - first).days + 1
    runs = re.findall(f"[{SPARKS}{QUIET}]{{2,}}", section)
    return buckets, int(heading.group(3) or 1), [len(run) for run in runs]


@pytest.mark.parametrize("width", [40, 80, 100, 120, 160])
def test_the_report_fits_with_names_whole_and_every_day_in_the_sparklines(
    cli, scanned, monkeypatch, width
):
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli("report", "-c", scanned, "--since", "30d")
    assert result.exit_code == 0, result.stderr
    fits(result.stdout, width)
    on_one_line(result.stdout, *KEYWORDS, *SOURCES[:-1])
    buckets, per_mark, sparklines = trend_marks(result.stdout)
    assert len(sparklines) == 2 * len(KEYWORDS)  # mentions and negative, per keyword
    assert set(sparklines) == {math.ceil(buckets / per_mark)}  # each day in one mark
    if width in (80, 160):  # room for a mark per day: on lines of their own, or beside
        assert per_mark == 1


def test_the_report_drops_the_low_value_columns_first(cli, scanned, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("report", "-c", scanned, "--since", "30d").stdout
    keywords = out.split("Keywords and share of voice", 1)[1].split("Trend per", 1)[0]
    assert "negative" in keywords and "mentions" in keywords  # kept
    assert "neutral" not in keywords and "▒" not in keywords and "Δ" not in keywords  # dropped
    monkeypatch.setenv("COLUMNS", "160")
    wide = cli("report", "-c", scanned, "--since", "30d").stdout
    assert "neutral" in wide and "Δ" in wide and "peak" in wide


@pytest.mark.parametrize("width", [40, 80])
def test_sources_keep_whole_names_and_the_status(cli, scanned, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli("sources", "-c", scanned)
    assert result.exit_code == 0, result.stderr
    fits(result.stdout, width)
    on_one_line(result.stdout, *SOURCES)
    assert result.stdout.count("ok") >= len(SOURCES)


def terminal(width: int, *args: str | Path) -> str:
    """The console script's stdout on a pseudo-terminal ``width`` columns wide (no COLUMNS),
    colour and links removed."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    process = subprocess.Popen(
        [BRANDWATCH, *map(str, args)], stdout=secondary, stderr=subprocess.DEVNULL, env=env
    )
    os.close(secondary)
    output = b""
    while select.select([primary], [], [], 30)[0]:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=30)
    os.close(primary)
    text = output.decode("utf-8").replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", text)


@pytest.mark.parametrize("width", [40, 80])
def test_the_scan_summary_on_a_terminal_keeps_source_names_whole(scanned, width):
    out = terminal(width, "scan", "-c", scanned, "--force")
    fits(out, width)
    on_one_line(out, *SOURCES)
    assert "unchanged" in out


@pytest.mark.parametrize(("width", "title"), [(80, 26), (40, 20), (120, 30)])
def test_mentions_on_a_terminal_give_the_title_the_width(scanned, width, title):
    out = terminal(width, "mentions", "-c", scanned, "-n", "5")
    fits(out, width)
    starts = [t[:title] for t in TITLES]
    assert any(start in out for start in starts), out  # at least `title` characters per line
    if width == 80:
        assert "sentiment" in out and "status" not in out  # status goes first
    if width == 120:
        on_one_line(out, *SOURCES[:2])


def test_search_on_a_terminal_fits_with_its_snippet(scanned):
    out = terminal(80, "search", "recall", "-c", scanned, "--sort", "relevance", "-n", "3")
    fits(out, 80)
    assert "Acme recall: the broken parcel" in out


# The plan alone ---------------------------------------------------------------------------

COLUMNS = (
    Column("name", "name"),
    Column("a", drop=2),
    Column("b", drop=1),
    Column("empty", drop=3),
    Column("title", "text", least=10),
)


def test_columns_go_empty_first_then_by_rank_and_names_stay_whole():
    rows = [[20, 5, 5, 0, 40]]
    assert plan(COLUMNS, rows, 200).kept == (0, 1, 2, 3, 4)
    assert plan(COLUMNS, rows, 60).kept == (0, 1, 2, 4)  # the empty column first
    assert plan(COLUMNS, rows, 50).kept == (0, 1, 4)  # then b (rank 1)
    narrow = plan(COLUMNS, rows, 40)
    assert narrow.kept == (0, 4) and narrow.widths == (20, 13)  # the title gets what is left


def test_nothing_fits_side_by_side_then_one_block_per_row():
    chosen = plan(COLUMNS, [[30, 5, 5, 1, 40]], 40)
    assert chosen.stacked
    assert [COLUMNS[i].header for i in chosen.kept] == ["name", "a", "b", "empty", "title"]


@pytest.mark.parametrize("width", [40, 80])
def test_the_text_digest_on_a_terminal_is_wrapped_to_it(cli, scanned, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli("digest", "-c", scanned, "--since", "30d")
    assert result.exit_code == 0, result.stderr
    fits(result.stdout, width)
    on_one_line(result.stdout, *KEYWORDS)
    assert "#" in result.stdout and "status new" in result.stdout


def test_the_digest_for_mail_and_files_never_breaks_a_line(cli, scanned):
    out = cli("digest", "-c", scanned, "--since", "30d").stdout  # piped, no COLUMNS
    assert any(len(line) > 80 for line in out.splitlines())  # a whole title line
    assert "neutral" in out and "average" in out  # every keyword column


@pytest.mark.parametrize("width", [40, 80])
def test_show_on_a_terminal_keeps_keyword_names_whole(cli, scanned, width):
    listed = cli("mentions", "-c", scanned, "-k", KEYWORDS[0], "-n", "1", "--format", "jsonl")
    mention_id = json.loads(listed.stdout)["id"]
    out = terminal(width, "show", mention_id, "-c", scanned)
    fits(out, width)
    on_one_line(out.split("Keywords", 1)[1].split("Text", 1)[0], KEYWORDS[0])
