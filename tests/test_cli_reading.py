"""Reading what is stored: from --db alone, and an empty report that says why."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers import as_reader, rss, write_config


@pytest.mark.sqlite_only  # database files and their permissions
def test_read_commands_work_from_a_database_copy_without_its_config(cli, tmp_path):
    (tmp_path / "feed.xml").write_text(
        rss([{"title": "Acme news", "link": "https://x.example/1", "description": "Acme rocks"}])
    )
    config = write_config(tmp_path, [("local", str(tmp_path / "feed.xml"))])
    assert cli("scan", "-c", config).exit_code == 0
    elsewhere = tmp_path / "laptop"
    elsewhere.mkdir()
    copy = elsewhere / "copy.db"
    shutil.copy(tmp_path / "mentions.db", copy)
    config.unlink()  # no ./brandwatch.yaml to fall back on either

    listed = cli("mentions", "--db", copy, "-f", "jsonl")
    assert listed.exit_code == 0, listed.stderr
    assert json.loads(listed.stdout.splitlines()[0])["title"] == "Acme news"
    assert cli("export", "--db", copy).stdout.startswith("id,source,keywords")
    assert "Acme news" in cli("search", "--db", copy, "acme").stdout
    report = cli("report", "--db", copy, "--since", "3650d", "-f", "json")
    assert report.exit_code == 0, report.stderr
    assert "Acme" in json.loads(report.stdout)["keywords"][0]["keyword"]
    assert cli("show", "--db", copy, "1").exit_code == 0
    assert cli("mark", "--db", copy, "1", "--status", "todo").exit_code == 0
    typo = cli("mentions", "--db", copy, "-k", "Acm")
    assert typo.exit_code == 2 and "did you mean 'Acme'" in typo.stderr


def test_without_db_a_missing_config_is_still_an_error(cli, tmp_path):
    result = cli("mentions")
    assert result.exit_code == 2 and "brandwatch.yaml" in result.stderr


def test_an_empty_report_says_where_the_stored_mentions_are(cli, tmp_path):
    (tmp_path / "feed.xml").write_text(
        rss(
            [
                {
                    "title": "Acme news",
                    "link": "https://x.example/1",
                    "pubDate": "Mon, 02 Mar 2020 10:00:00 GMT",
                }
            ]
        )
    )
    config = write_config(
        tmp_path, [("local", str(tmp_path / "feed.xml")), ("gone", "http://127.0.0.1:9/x")]
    )
    assert cli("scan", "-c", config).exit_code == 1  # 'gone' failed, 'local' was stored
    report = cli("report", "-c", config, "--since", "7d")
    assert report.exit_code == 0
    assert (
        "note: none of the 1 stored mentions fall in this period (they run from 2020-03-02"
        in report.stderr
    )
    assert "try --since 2020-03-02" in report.stderr
    assert "1 source failed at the last scan (gone)" in report.stderr
    full = cli("report", "-c", config, "--since", "2020-03-01")
    assert "note:" not in full.stderr


@pytest.mark.sqlite_only  # database files and their permissions
def test_read_commands_open_a_database_they_cannot_write_read_only(cli, tmp_path):
    # A cron user owns /srv/brandwatch; analysts read it: reading works, writing says why.
    shared = Path(tempfile.mkdtemp(prefix="bw-readonly-"))
    try:
        (shared / "feed.xml").write_text(
            rss([{"title": "Acme news", "link": "https://x.example/1", "description": "Acme"}])
        )
        config = write_config(shared, [("local", str(shared / "feed.xml"))])
        assert cli("scan", "-c", config).exit_code == 0
        for path in shared.iterdir():
            path.chmod(0o444)
        shared.chmod(0o555)
        reader = as_reader()

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*reader, sys.executable, "-m", "brandwatch_cli", *args, "-c", str(config)],
                capture_output=True,
                text=True,
                cwd=shared,
                env={**os.environ, "HOME": str(shared)},
                timeout=60,
                check=False,
            )

        listed = run("mentions", "-f", "jsonl")
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["title"] == "Acme news"
        report = run("report", "--since", "3650d", "-f", "json")
        assert report.returncode == 0, report.stderr
        assert json.loads(report.stdout)["keywords"][0]["mentions"] == 1
        for args in (("export",), ("search", "acme"), ("sources",), ("show", "1")):
            result = run(*args)
            assert result.returncode == 0, (args, result.stderr)
            assert "Acme news" in result.stdout or args == ("sources",)
        marked = run("mark", "1", "--status", "replied")
        assert marked.returncode == 3
        assert marked.stderr.strip().endswith("read-only for you (permission denied)")
        assert "Traceback" not in marked.stderr
        scanned = run("scan")
        assert scanned.returncode == 3
        assert "permission denied" in scanned.stderr and "Traceback" not in scanned.stderr
        # Nothing changed: the file and its folder are as the owner left them.
        assert sorted(p.name for p in shared.iterdir()) == [
            "brandwatch.yaml",
            "feed.xml",
            "mentions.db",
            "mentions.db.scan.lock",
        ]
    finally:
        shared.chmod(0o755)
        shutil.rmtree(shared)


@pytest.mark.sqlite_only  # database files and their permissions
def test_an_unreadable_database_is_exit_3_both_ways_naming_the_reason(cli, tmp_path):
    reader = as_reader()
    (tmp_path / "feed.xml").write_text(rss([{"title": "Acme news", "link": "https://x/1"}]))
    config = write_config(tmp_path, [("local", str(tmp_path / "feed.xml"))])
    assert cli("scan", "-c", config).exit_code == 0
    database = tmp_path / "mentions.db"
    database.chmod(0o000)
    try:
        for args in (("-c", str(config)), ("--db", str(database))):
            result = subprocess.run(
                [*reader, sys.executable, "-m", "brandwatch_cli", "mentions", *args],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert result.returncode == 3, (args, result.stderr)
            assert "permission denied" in result.stderr and "Traceback" not in result.stderr
    finally:
        database.chmod(0o644)
