"""Reading what is stored: from --db alone, and an empty report that says why."""

from __future__ import annotations

import json
import shutil

from helpers import rss, write_config


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
