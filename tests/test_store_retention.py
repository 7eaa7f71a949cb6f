"""Retention: ``prune`` and the config's ``retention:`` delete a mention with everything that
hangs on it, a scan applies the policy at its end, the file shrinks (new databases at once,
older ones after their one conversion), and ``stats`` reports sizes without writing. Real
scans of feeds served on 127.0.0.1, real SQLite files, the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import closing
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from helpers import as_reader, connect, db_rows, rss, write_config

NOW = datetime.now(UTC)
STORY = " ".join(f"word{n}" for n in range(80))  # long enough for near-duplicate shingles
CHILDREN = (
    "mention_keywords",
    "story_copies",
    "story_shingles",
    "story_signatures",
    "status_history",
)


def item(n: int, days_ago: float, text: str = "", link: str = "") -> dict[str, str]:
    return {
        "title": f"Acme story {n}",
        "link": link or f"https://n.example.com/{n}",
        "guid": f"g{n}",
        "description": text or f"Acme does thing {n}",
        "pubDate": format_datetime(NOW - timedelta(days=days_ago)),
    }


def rows(db, table: str) -> int:
    return int(db_rows(db, f"SELECT count(*) FROM {table}")[0][0])


def fill(db, count: int, days_ago: float) -> None:
    """``count`` mentions of 400 words published ``days_ago``, written straight to the file
    (the FTS trigger and keyword rows as a scan leaves them)."""
    moment = (NOW - timedelta(days=days_ago)).isoformat(timespec="seconds")
    text = " ".join(f"w{n % 997}x{n}" for n in range(400))
    with closing(connect(db)) as conn, conn:
        start = conn.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0] + 1
        ids = range(start, start + count)
        conn.executemany(
            "INSERT INTO mentions (id, source, entry_id, title, text, fetched_at, mentioned_at,"
            " sentiment, sentiment_label) VALUES (?, 's', ?, 'Acme', ?, ?, ?, 0, 'neutral')",
            [(i, f"x{i}", text, moment, moment) for i in ids],
        )
        conn.executemany(
            "INSERT INTO mention_keywords (keyword, mention_id) VALUES ('Acme', ?)",
            [(i,) for i in ids],
        )


def disk_size(db) -> int:
    return sum(os.path.getsize(f"{db}{s}") for s in ("", "-wal") if os.path.exists(f"{db}{s}"))


def test_prune_deletes_a_mention_with_its_copies_shingles_keywords_history_and_index(
    backend, cli, feed_server, tmp_path
):
    old = [item(1, 40, STORY), item(2, 40)]
    copy = [item(9, 39, STORY, link="https://other.example.org/copy")]
    config = write_config(
        tmp_path,
        [
            ("a", feed_server.serve("/a.xml", rss([*old, item(3, 1)]))),
            ("b", feed_server.serve("/b.xml", rss(copy))),
        ],
    )
    assert cli("scan", "-c", config).exit_code == 0
    db = tmp_path / "mentions.db"
    first = db_rows(db, "SELECT id FROM mentions WHERE title = 'Acme story 1'")[0][0]
    assert cli("mark", "-c", config, str(first), "--status", "replied").exit_code == 0
    assert all(rows(db, table) for table in CHILDREN)  # every kind of dependent row exists

    pruned = cli("prune", "-c", config, "--before", "30d")
    assert pruned.exit_code == 0, pruned.stderr
    assert pruned.stdout.startswith("Removed 2 mentions and 0 entries from before ")
    assert [r[0] for r in db_rows(db, "SELECT title FROM mentions")] == ["Acme story 3"]
    left = {t: rows(db, t) for t in CHILDREN}
    assert left == {t: (1 if t == "mention_keywords" else 0) for t in CHILDREN}
    if backend == "sqlite":  # PostgreSQL enforces its foreign keys at every statement
        assert db_rows(db, "PRAGMA foreign_key_check") == []
    assert cli("search", "-c", config, "thing").stdout.count("Acme story") == 1
    assert cli("search", "-c", config, "word7").stdout == ""
    if backend == "sqlite":  # PostgreSQL's index is a column of the mention itself
        assert rows(db, "mentions_fts_docsize") == 1


def test_a_scan_applies_retention_at_its_end(cli, feed_server, tmp_path):
    url = feed_server.serve("/f.xml", rss([item(1, 50), item(2, 2)]))
    extra = "retention:\n  mentions_days: 30\n  scan_logs_days: 7\n"
    config = write_config(tmp_path, [("f", url)], extra=extra)
    db = tmp_path / "mentions.db"
    first = cli("scan", "-c", config)
    assert first.exit_code == 0, first.stderr
    # the old item was stored, then removed at the end of the same scan
    assert "retention: removed 1 mention\n" in first.stdout
    assert [r[0] for r in db_rows(db, "SELECT title FROM mentions")] == ["Acme story 2"]
    with closing(connect(db)) as conn, conn:
        for days, name in ((100, "old"), (50, "old"), (3, "recent")):
            started = (NOW - timedelta(days=days)).isoformat(timespec="seconds")
            scan = conn.execute(
                "INSERT INTO scans (started_at, status) VALUES (?, ?) RETURNING id", [started, name]
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO scan_sources (scan_id, source, status, finished_at)"
                " VALUES (?, 'f', 'ok', ?)",
                [scan, started],
            )
        conn.execute("UPDATE scans SET started_at = '2000-01-01T00:00:00+00:00' WHERE id = 1")
    second = cli("scan", "-c", config)
    # the two old scans and their source lines go; the first scan (alerts date their history
    # from it), however old, and the recent one stay
    assert "retention: removed 4 scan-log rows\n" in second.stdout
    statuses = [r[0] for r in db_rows(db, "SELECT status FROM scans ORDER BY id")]
    assert statuses == ["ok", "recent", "ok"]
    assert db_rows(db, "SELECT min(started_at) FROM scans") == [("2000-01-01T00:00:00+00:00",)]
    quiet = cli("scan", "-c", config)
    assert "retention" not in quiet.stdout  # nothing expired: nothing said


def test_prune_without_before_applies_the_config_and_dry_run_changes_nothing(
    cli, feed_server, tmp_path
):
    url = feed_server.serve("/f.xml", rss([item(1, 2)]))
    config = write_config(tmp_path, [("f", url)])
    assert cli("scan", "-c", config).exit_code == 0
    db = tmp_path / "mentions.db"
    fill(db, 3, 400)
    kept = cli("prune", "-c", config)
    assert kept.exit_code == 0, kept.stderr
    assert "; mentions are kept (no retention: mentions_days)" in kept.stdout
    assert rows(db, "mentions") == 4

    config = write_config(tmp_path, [("f", url)], extra="retention: {mentions_days: 365}\n")
    asked = datetime.now(UTC)
    dry = cli("prune", "-c", config, "--dry-run")
    # the day of the command's own "now" (a run across midnight UTC: either day)
    cutoffs = {f"{moment - timedelta(days=365):%Y-%m-%d}" for moment in (asked, datetime.now(UTC))}
    assert any(
        dry.stdout.startswith(
            f"Would remove 3 mentions (published before {cutoff}, mentions_days: 365), 0 entries"
        )
        for cutoff in cutoffs
    ), dry.stdout
    assert "Database" not in dry.stdout
    assert rows(db, "mentions") == 4
    done = cli("prune", "-c", config)
    assert done.stdout.startswith("Removed 3 mentions (published before ")
    assert rows(db, "mentions") == 1
    assert rows(db, "mention_keywords") == 1

    by_keyword = cli("prune", "-c", config, "-k", "Acme")
    assert by_keyword.exit_code == 2
    assert "--keyword needs --before" in by_keyword.stderr


@pytest.mark.sqlite_only  # SQLite files, pages and vacuum
def test_a_new_database_gives_pruned_space_back_to_the_disk(cli, feed_server, tmp_path):
    url = feed_server.serve("/f.xml", rss([item(1, 2)]))
    config = write_config(tmp_path, [("f", url)])
    assert cli("scan", "-c", config).exit_code == 0
    db = tmp_path / "mentions.db"
    assert db_rows(db, "PRAGMA auto_vacuum") == [(2,)]  # incremental from its creation
    fill(db, 1500, 100)
    before = disk_size(db)
    pruned = cli("prune", "-c", config, "--before", "30d")
    assert pruned.stdout.startswith("Removed 1,500 mentions")
    after = disk_size(db)
    assert after < before / 5, (before, after)
    assert "Database: " in pruned.stdout and "converted" not in pruned.stdout


@pytest.mark.sqlite_only  # SQLite files, pages and vacuum
def test_an_older_database_is_converted_once_at_its_first_prune(cli, feed_server, tmp_path):
    db = tmp_path / "mentions.db"
    with closing(connect(db)) as conn:  # as brandwatch made it before: WAL first
        conn.execute("PRAGMA journal_mode = WAL")
    url = feed_server.serve("/f.xml", rss([item(1, 2)]))
    config = write_config(tmp_path, [("f", url)], extra="retention: {mentions_days: 30}\n")
    assert cli("scan", "-c", config).exit_code == 0
    assert db_rows(db, "PRAGMA auto_vacuum") == [(0,)]
    fill(db, 1500, 100)
    before = disk_size(db)
    scanned = cli("scan", "-c", config)  # retention deletes; a scan never runs a full VACUUM
    assert "retention: removed 1,500 mentions" in scanned.stdout
    assert db_rows(db, "PRAGMA auto_vacuum") == [(0,)]
    assert "none yet" in cli("stats", "-c", config).stdout

    first = cli("prune", "-c", config)
    assert "Database converted to incremental vacuum" in first.stdout
    assert db_rows(db, "PRAGMA auto_vacuum") == [(2,)]
    assert disk_size(db) < before / 5, (before, disk_size(db))
    again = cli("prune", "-c", config)
    assert "converted" not in again.stdout


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("retention:\n  mentions_days: -5\n", ":4: 'mentions_days' must be a whole number"),
        ("retention:\n  mentions_days: a year\n", ":4: 'mentions_days' must be a whole number"),
        ("retention:\n  scan_logs_days: 2\n", ":4: 'scan_logs_days' must be a whole number"),
        ("retention:\n  scan_logs_days: 9.5\n", ":4: 'scan_logs_days' must be a whole number"),
        ("retention: {mention_days: 9}\n", ":3: unknown key 'mention_days' in 'retention'"),
    ],
)
def test_a_bad_retention_setting_is_one_line_with_its_place(cli, tmp_path, block, message):
    config = write_config(tmp_path, [("f", "feed.xml")], extra=block)
    for command in (("check",), ("scan",), ("prune",)):
        result = cli(*command, "-c", config)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_mentions_days_null_keeps_mentions(cli, feed_server, tmp_path):
    url = feed_server.serve("/f.xml", rss([item(1, 900)]))
    config = write_config(tmp_path, [("f", url)], extra="retention:\n  mentions_days:\n")
    assert cli("scan", "-c", config).exit_code == 0
    assert rows(tmp_path / "mentions.db", "mentions") == 1


@pytest.mark.sqlite_only  # SQLite files, pages and vacuum
def test_stats_reads_rows_and_sizes_from_the_database_alone(cli, feed_server, tmp_path):
    url = feed_server.serve("/f.xml", rss([item(1, 2), item(2, 3), item(3, 4)]))
    config = write_config(tmp_path, [("f", url)])
    assert cli("scan", "-c", config).exit_code == 0
    db = tmp_path / "mentions.db"
    config.unlink()  # --db alone: a copy of a team's database

    shown = cli("stats", "--db", db, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    facts = json.loads(shown.stdout)
    tables = {t["name"]: t for t in facts["tables"]}
    assert tables["mentions"]["rows"] == 3 == facts["mentions"]
    assert tables["entries"]["rows"] == rows(db, "entries")
    assert tables["mentions_fts"]["rows"] == 3  # the FTS index, its shadow tables inside it
    assert "mentions_fts_data" not in tables
    assert facts["bytes"] == os.path.getsize(db) == facts["file_bytes"]
    assert facts["bytes_per_mention"] == facts["bytes"] // 3
    assert facts["auto_vacuum"] == "incremental"
    assert sum(t["bytes"] for t in tables.values()) + facts["free_bytes"] <= facts["bytes"]
    assert tables["mentions"]["bytes"] > 0

    table = cli("stats", "--db", db)
    assert table.exit_code == 0
    assert f"mentions  3 ({facts['bytes'] // 3:,} bytes per mention)" in table.stdout

    missing = cli("stats", "--db", tmp_path / "none.db")
    assert missing.exit_code == 3
    assert "no mention database yet" in missing.stderr


@pytest.mark.sqlite_only  # SQLite files, pages and vacuum
def test_stats_reads_a_database_it_cannot_write_and_prune_says_why_it_cannot(
    cli, feed_server, tmp_path
):
    url = feed_server.serve("/f.xml", rss([item(1, 2), item(2, 400)]))
    config = write_config(tmp_path, [("f", url)])
    assert cli("scan", "-c", config).exit_code == 0
    shared = Path(tempfile.mkdtemp(prefix="bw-stats-"))
    try:
        shutil.copy(tmp_path / "mentions.db", shared / "mentions.db")
        (shared / "mentions.db").chmod(0o444)
        shared.chmod(0o555)

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*as_reader(), sys.executable, "-m", "brandwatch_cli", *args],
                capture_output=True,
                text=True,
                cwd=shared,
                env={**os.environ, "HOME": str(shared)},
                timeout=60,
                check=False,
            )

        shown = run("stats", "--db", str(shared / "mentions.db"), "--format", "json")
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["mentions"] == 2
        pruned = run("prune", "--db", str(shared / "mentions.db"), "--before", "30d")
        assert pruned.returncode == 3
        assert "permission denied" in pruned.stderr and "Traceback" not in pruned.stderr
        assert sorted(p.name for p in shared.iterdir()) == ["mentions.db"]
    finally:
        shared.chmod(0o755)
        shutil.rmtree(shared)


def test_sources_shows_the_database_size(cli, feed_server, tmp_path):
    url = feed_server.serve("/f.xml", rss([item(1, 2), item(2, 2)]))
    config = write_config(tmp_path, [("f", url)])
    assert cli("scan", "-c", config).exit_code == 0
    table = cli("sources", "-c", config).stdout
    assert ", 2 mentions, " in table and "bytes per mention (details: brandwatch stats)" in table
    database = json.loads(cli("sources", "-c", config, "--format", "json").stdout)["database"]
    assert database["mentions"] == 2
    assert database["bytes_per_mention"] == database["bytes"] // 2 > 0
