"""Notifications: secrets from the environment, slow channels, clean errors, test messages."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from brandwatch_cli import notify
from helpers import rss, write_config

ITEMS = [{"title": "Acme launches", "link": "https://n.example/a1", "description": "Acme"}]


@pytest.fixture
def setup(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(ITEMS))
    config = write_config(tmp_path, [("news", feed_server.url("/f.xml"))], keywords="  - Acme\n")
    assert cli("scan", "-c", config).exit_code == 0
    port = feed_server.base_url.rsplit(":", 1)[1]
    return config, feed_server, tmp_path, port


def watermarks(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT mentions, watermark FROM digests ORDER BY id").fetchall()


def test_notify_urls_take_secrets_from_the_environment(cli, setup, monkeypatch):
    config, server, _, port = setup
    server.serve("/hook/s3cr3t-token", b"{}")
    config.write_text(
        config.read_text() + f"notify:\n  - json://127.0.0.1:{port}/hook/${{HOOK_TOKEN}}\n"
    )
    missing = cli("digest", "-c", config, "--notify", "-q")
    assert missing.exit_code == 2
    assert "'notify': ${HOOK_TOKEN} is not set in the environment" in missing.stderr
    monkeypatch.setenv("HOOK_TOKEN", "s3cr3t-token")
    sent = cli("digest", "-c", config, "--notify", "-q")
    assert sent.exit_code == 0, sent.stderr
    assert [p for p, _ in server.requests if p.startswith("/hook")] == ["/hook/s3cr3t-token"]


def test_the_database_path_takes_the_environment_too(cli, setup, monkeypatch):
    config, _, tmp_path, _ = setup
    monkeypatch.setenv("BW_DATA", str(tmp_path))
    lines = [line for line in config.read_text().splitlines() if not line.startswith("database:")]
    config.write_text("\n".join(["database: ${BW_DATA}/mentions.db", *lines]) + "\n")
    listed = cli("mentions", "-c", config, "-f", "jsonl")
    assert listed.exit_code == 0, listed.stderr
    assert "Acme launches" in listed.stdout


def test_a_slow_channel_that_answers_is_delivered_once(cli, setup):
    config, server, tmp_path, port = setup
    server.serve("/slow", b"{}", delay=5)  # apprise's own read timeout is 4 s
    config.write_text(config.read_text() + f"notify:\n  - json://127.0.0.1:{port}/slow\n")
    result = cli("digest", "-c", config, "--notify", "-q")
    assert result.exit_code == 0, result.stderr
    assert watermarks(tmp_path / "mentions.db") == [(1, 1)]


def test_a_channel_that_times_out_is_not_sent_the_same_digest_again(cli, setup):
    config, server, tmp_path, port = setup
    server.serve("/stuck", b"{}", delay=3)
    config.write_text(
        config.read_text() + f"notify_timeout: 1\nnotify:\n  - json://127.0.0.1:{port}/stuck\n"
    )
    result = cli("digest", "-c", config, "--notify", "-q")
    assert result.exit_code == 6
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: notification to json://")
    assert "may have been delivered, so it is not sent again" in line
    assert " - WARNING - " not in line  # apprise's own log format stays out
    assert watermarks(tmp_path / "mentions.db") == [(1, 1)]  # the watermark moved
    assert "Acme launches" not in cli("digest", "-c", config).stdout


def test_check_refuses_a_url_apprise_cannot_use_and_sends_a_test_message(cli, setup):
    config, server, _, port = setup
    base = config.read_text()
    config.write_text(base + "notify:\n  - slack://not-a-valid-slack-url\n")
    refused = cli("check", "-c", config)
    assert refused.exit_code == 2
    assert "not a notification URL apprise can use" in refused.stderr
    assert "not-a-valid" not in refused.stderr  # the URL is shown without its secrets
    server.serve("/hook", b"{}")
    config.write_text(base + f"notify:\n  - json://127.0.0.1:{port}/hook\n")
    assert cli("check", "-c", config).exit_code == 0 and server.requests[-1][0] != "/hook"
    tested = cli("check", "-c", config, "--notify")
    assert tested.exit_code == 0, tested.stderr
    payload = json.loads(server.requests[-1][1]["x-body"])
    assert payload["title"] == "brandwatch test message"


def test_secrets_never_reach_an_error_message():
    url = "slack://T1234ABCD/B5678EFGH/abcdefghijklmnopqrstuvwx"
    message = "Failed to send to https://hooks.slack.com/services/T1234ABCD/B5678EFGH/abcdefghijklmnopqrstuvwx"
    cleaned = notify.without_secrets(message, url)
    assert "abcdefghijklmnopqrstuvwx" not in cleaned and "T1234ABCD" not in cleaned
    assert notify.with_timeout("json://h/p", 15) == "json://h/p?cto=15&rto=15"
    assert notify.with_timeout("json://h/p?rto=2", 15) == "json://h/p?rto=2&cto=15"
