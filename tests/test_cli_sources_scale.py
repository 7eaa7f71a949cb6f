"""``sources`` and ``check`` on thousands of sources: every row shown, in time linear in the
number of sources (issue 12: 5,000 sources answered in under a second)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from brandwatch_cli.store import MentionStore
from helpers import config_file

pytestmark = pytest.mark.slow  # a config of 5,000 sources, loaded and shown a few times


def sources_folder(folder: Path, count: int) -> Path:
    """A config of ``count`` feed sources and a database where each was scanned: every 50th
    failing with a long error (a wrapped cell), the others fine with an ETag held."""
    folder.mkdir()
    entries = "".join(
        f"  - {{name: feed{n}, url: 'https://site{n}.example.com/feed.xml'}}\n"
        for n in range(count)
    )
    config = config_file(folder, entries)
    MentionStore.open(folder / "mentions.db").close()  # the schema, by its migrations
    now = datetime.now(UTC).replace(microsecond=0)
    scanned = [(now - timedelta(minutes=n % 30)).isoformat() for n in range(count)]
    states = [
        (
            f"feed{n}",
            "feed",
            scanned[n],
            None if n % 50 == 0 else scanned[n],
            "failed" if n % 50 == 0 else "ok",
            f"HTTP 503 Service Unavailable from https://site{n}.example.com/feed.xml"
            if n % 50 == 0
            else None,
            1 if n % 50 == 0 else 0,
        )
        for n in range(count)
    ]
    with sqlite3.connect(folder / "mentions.db") as db:  # a scan would take minutes
        db.executemany(
            "INSERT INTO source_state (source, type, last_attempt, last_success, status,"
            " last_error, failures) VALUES (?, ?, ?, ?, ?, ?, ?)",
            states,
        )
        db.executemany(
            "INSERT INTO http_cache (source, url, etag, keywords_hash) VALUES (?, ?, ?, '')",
            [
                (f"feed{n}", f"https://site{n}.example.com/feed.xml", f'"e{n}"')
                for n in range(count)
            ],
        )
    return config


def cpu_seconds(cli, *args: str | Path) -> tuple[float, str]:  # type: ignore[no-untyped-def]
    """CPU time of one in-process run (wall time on a shared machine says little), and its
    output."""
    started = time.process_time()
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return time.process_time() - started, result.stdout


def test_sources_and_check_take_time_linear_in_the_sources(cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "160")
    small = sources_folder(tmp_path / "small", 500)
    large = sources_folder(tmp_path / "large", 5000)
    cpu_seconds(cli, "sources", "-c", small)  # imports and caches warm

    sources_small = min(cpu_seconds(cli, "sources", "-c", small)[0] for _ in range(2))
    # best of two on both sides: one run on a busy machine can lose its caches halfway
    sources_large, out = min(cpu_seconds(cli, "sources", "-c", large) for _ in range(2))
    check_large, check_out = cpu_seconds(cli, "check", "-c", large)

    rows = [line.split() for line in out.splitlines() if line.lstrip().startswith("feed")]
    assert [row[0] for row in rows] == [f"feed{n}" for n in range(5000)]
    failed = next(row for row in rows if row[0] == "feed4950")
    assert failed[1:3] == ["feed", "failed"] and "HTTP 503 Service" in " ".join(failed)
    assert next(row for row in rows if row[0] == "feed4951")[1:3] == ["feed", "ok"]
    assert "5000 sources" in check_out
    print(
        f"sources: 500 {sources_small:.2f} s, 5000 {sources_large:.2f} s; check {check_large:.2f} s"
    )
    # Linear: ten times the sources, at most 20 times the time (quadratic would be 100; the
    # small run takes a few hundredths of a second, which a busy machine moves by half).
    assert sources_large < 20 * sources_small, (sources_small, sources_large)
    # Drawing the table costs less than reading the config three times over (Rich laying out
    # each cell took ten times as long as the config).
    assert sources_large < 4 * check_large, (check_large, sources_large)
