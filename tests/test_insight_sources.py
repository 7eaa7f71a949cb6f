"""Source advice: a moved feed's full new URL, a gone feed to remove."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from brandwatch_cli.insight.sources import advice
from conftest import Route
from helpers import rss, write_config

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def row(**fields):
    return {"source": "s", "mentions": 0, "recent": 0, **fields}


def test_a_gone_source_is_worth_removing_only_after_a_week():
    gone = "HTTP 410 Gone"
    assert advice(row(last_error=gone, last_success="2026-11-20T00:00:00+00:00"), NOW) == (
        "answers HTTP 410 since 2026-11-20: remove it from the config?"
    )
    assert advice(row(last_error=gone, last_success="2026-12-03T00:00:00+00:00"), NOW) is None
    assert advice(row(last_error="HTTP 404 Not Found", failures=3), NOW) is None
    assert "every time it was tried" in advice(row(last_error="HTTP 404", failures=8), NOW)
    assert advice(row(last_error="HTTP 503 Service Unavailable", failures=50), NOW) is None


def test_a_moved_feed_shows_its_whole_new_url(cli, feed_server, tmp_path, monkeypatch):
    new = "/a/very/long/path/that/would/never/fit/in/a/narrow/column/of/a/table/feed.xml"
    feed_server.serve_sequence("/old.xml", [Route(status=301, headers={"Location": new})])
    feed_server.serve(new, rss([{"title": "Acme", "link": "https://x.example/1"}]))
    config = write_config(tmp_path, [("moved-feed", feed_server.url("/old.xml"))])
    assert cli("scan", "-c", config).exit_code == 0
    monkeypatch.setenv("COLUMNS", "80")
    listing = cli("sources", "-c", config).stdout
    assert f"source 'moved-feed' moved permanently to {feed_server.url(new)}" in listing
    document = json.loads(cli("sources", "-c", config, "--format", "json").stdout)
    (source,) = document["sources"]
    assert source["moved_to"] == feed_server.url(new)
    assert source["url"] == feed_server.url("/old.xml") and source["status"] == "ok"
    assert source["advice"].startswith("moved permanently to ")
    assert set(document["entries"]) == {"count", "bytes", "days"}
