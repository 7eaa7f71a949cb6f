"""Digests for cron: the watermark, formats, notifications, --skip-empty, --fail-on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from helpers import GLOBEX_REVIEW, connect, rss, write_config

FIRST = [
    {"title": "Acme launches a great new phone", "guid": "a1", "link": "https://n.example/a1"},
    {"title": "Acme support is terrible and slow", "guid": "a2", "link": "https://n.example/a2"},
]
SECOND = [*FIRST, {"title": "Acme opens a store", "guid": "a3", "link": "https://n.example/a3"}]


@pytest.fixture
def setup(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(FIRST))
    config = write_config(tmp_path, [("news", feed_server.url("/f.xml"))], keywords="  - Acme\n")
    assert cli("scan", "-c", config).exit_code == 0
    return config, feed_server, tmp_path


def watermarks(db: Path) -> list[tuple]:
    with connect(db) as conn:
        return conn.execute("SELECT mentions, watermark FROM digests ORDER BY id").fetchall()


def test_two_digests_in_a_row_then_a_scan_in_between(cli, setup):
    config, server, tmp_path = setup
    first = cli("digest", "-c", config)
    assert first.exit_code == 0, first.stderr
    assert "Acme launches a great new phone" in first.stdout
    assert "2 new mentions" in first.stdout
    second = cli("digest", "-c", config)
    assert "0 new mentions" in second.stdout
    assert "Acme launches" not in second.stdout  # nothing is sent twice
    server.serve("/f.xml", rss(SECOND))
    assert cli("scan", "-c", config).exit_code == 0
    third = cli("digest", "-c", config)
    assert "1 new mention" in third.stdout
    assert "Acme opens a store" in third.stdout and "Acme launches" not in third.stdout
    assert watermarks(tmp_path / "mentions.db") == [(2, 1), (0, 1), (1, 1)]


def test_a_failed_write_does_not_advance_the_watermark(cli, setup):
    config, _, tmp_path = setup
    failed = cli("digest", "-c", config, "--output", tmp_path / "missing-dir" / "d.txt")
    assert failed.exit_code == 1
    assert "cannot write" in failed.stderr
    assert watermarks(tmp_path / "mentions.db") == []
    retry = cli("digest", "-c", config, "--output", tmp_path / "d.txt")
    assert retry.exit_code == 0
    assert "Acme launches a great new phone" in (tmp_path / "d.txt").read_text()


def test_a_digest_since_a_duration_does_not_move_the_watermark(cli, setup):
    config, _, tmp_path = setup
    peek = cli("digest", "-c", config, "--since", "24h")
    assert "2 new mentions" in peek.stdout
    assert cli("digest", "-c", config).stdout.count("Acme launches") == 1
    assert watermarks(tmp_path / "mentions.db") == [(2, 0), (2, 1)]


def test_skip_empty_prints_nothing(cli, setup):
    config, _, _ = setup
    cli("digest", "-c", config)
    empty = cli("digest", "-c", config, "--skip-empty")
    assert empty.exit_code == 0
    assert empty.stdout == "" and empty.stderr == ""


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_formats_show_the_reply_first_list(cli, setup, fmt):
    config, _, _ = setup
    out = cli("digest", "-c", config, "--format", fmt).stdout
    assert "Acme support is terrible and slow" in out
    assert "https://n.example/a2" in out
    if fmt == "html":
        assert out.lstrip().lower().startswith("<!doctype html")
        assert "<script" not in out.lower()


@pytest.mark.parametrize("quiet", [False, True])
def test_notifications_through_apprise_to_a_local_endpoint(cli, setup, quiet):
    config, server, tmp_path = setup
    server.serve("/hook", b"{}", headers={"Content-Type": "application/json"})
    port = server.base_url.rsplit(":", 1)[1]
    text = config.read_text() + f"notify:\n  - json://127.0.0.1:{port}/hook\n"
    config.write_text(text)
    result = cli("digest", "-c", config, "--notify", "--format", "markdown", *["--quiet"] * quiet)
    assert result.exit_code == 0, result.stderr
    # Quiet (cron), the digest goes only to the channels: cron mails nothing.
    assert ("Acme launches" in result.stdout) is not quiet
    assert result.stderr == ""
    posts = [h for path, h in server.requests if path == "/hook"]
    assert len(posts) == 1
    payload = json.loads(posts[0]["x-body"])
    assert payload["title"] == "brandwatch digest: 2 new mentions"
    assert "Acme support is terrible and slow" in payload["message"]
    assert watermarks(tmp_path / "mentions.db") == [(2, 1)]


def test_a_notification_failure_is_reported_and_keeps_the_digest(cli, setup):
    config, _, tmp_path = setup
    config.write_text(config.read_text() + "notify:\n  - json://127.0.0.1:9/nowhere\n")
    result = cli("digest", "-c", config, "--notify", "--output", tmp_path / "d.txt")
    assert result.exit_code == 6
    assert "notification to json://" in result.stderr and "failed" in result.stderr
    assert "Acme launches" in (tmp_path / "d.txt").read_text()  # the digest is not lost
    assert watermarks(tmp_path / "mentions.db") == [(2, 0)]  # and it will be covered again
    again = cli("digest", "-c", config)
    assert "Acme launches" in again.stdout


def test_notify_without_urls_is_a_config_error(cli, setup):
    config, _, _ = setup
    result = cli("digest", "-c", config, "--notify")
    assert result.exit_code == 2
    assert "'notify:'" in result.stderr


def test_fail_on_source_errors(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(FIRST))
    config = write_config(
        tmp_path,
        [("news", feed_server.url("/f.xml")), ("gone", feed_server.url("/gone"))],
        keywords="  - Acme\n",
    )
    assert cli("scan", "-c", config).exit_code == 1
    assert cli("scan", "-c", config, "--fail-on", "source-errors").exit_code == 5
    result = cli("digest", "-c", config, "--fail-on", "source-errors")
    assert result.exit_code == 5
    assert "gone" in result.stdout and "HTTP 404" in result.stdout
    assert cli("digest", "-c", config, "--fail-on", "spike").exit_code == 0


def _history(db: Path, now: datetime) -> None:
    """Six quiet hours of Acme, then a burst of 20 negative mentions in the last hour."""
    from brandwatch_cli.store import MentionStore, iso

    rows = []
    for hour in range(1, 7):
        rows.append((now - timedelta(hours=hour, minutes=30), "neutral", 0.0))
    rows += [(now - timedelta(minutes=n + 1), "negative", -0.8) for n in range(20)]
    with MentionStore.open(db) as store, store.db.atomic():
        store.db.execute(
            "INSERT INTO scans (started_at, status) VALUES (?, 'ok')",
            [iso(now - timedelta(hours=8))],
        )
        for n, (moment, label, score) in enumerate(rows):
            mention_id = store.db.execute(
                "INSERT INTO mentions (source, entry_id, fetched_at, mentioned_at, sentiment,"
                " sentiment_label) VALUES ('hist', ?, ?, ?, ?, ?) RETURNING id",
                [f"h{n}", iso(moment), iso(moment), score, label],
            ).fetchone()[0]
            store.db.execute(
                "INSERT INTO mention_keywords (keyword, mention_id, sentiment, sentiment_label)"
                " VALUES ('Acme', ?, ?, ?)",
                [mention_id, score, label],
            )


def test_scan_notifies_a_spike_once_and_fails_on_it(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss([]))
    feed_server.serve("/hook", b"{}", headers={"Content-Type": "application/json"})
    port = feed_server.base_url.rsplit(":", 1)[1]
    config = write_config(
        tmp_path,
        [("news", feed_server.url("/f.xml"))],
        keywords="  - Acme\n",
        extra=f"alerts: {{window: 1h, baseline: 6, k: 3, min_count: 5}}\n"
        f"notify: ['json://127.0.0.1:{port}/hook']",
    )
    _history(tmp_path / "mentions.db", datetime.now(UTC))
    first = cli("scan", "-c", config, "--notify", "--fail-on", "negative-spike")
    assert first.exit_code == 5
    posts = [json.loads(h["x-body"]) for path, h in feed_server.requests if path == "/hook"]
    assert len(posts) == 1
    assert "Acme: negative spike: 20 negative mentions" in posts[0]["message"]
    assert "Acme: spike: 20 mentions" in posts[0]["message"]
    again = cli("scan", "-c", config, "--notify")
    assert again.exit_code == 0
    assert len([p for p, _ in feed_server.requests if p == "/hook"]) == 1  # told once per window
    report = cli("digest", "-c", config, "--since", "2h").stdout
    assert "negative spike" in report


def test_an_alert_no_channel_took_is_offered_again_and_one_taken_is_not(tmp_path):
    from brandwatch_cli.insight import alerts
    from brandwatch_cli.models import SpikeRule
    from brandwatch_cli.store import MentionStore

    now = datetime.now(UTC)
    _history(tmp_path / "mentions.db", now)
    rule = SpikeRule(window=timedelta(hours=1), baseline=6)
    offered: list[list[str]] = []

    def channel(took: bool):
        def send(spikes) -> bool:
            offered.append(sorted(s.kind for s in spikes))
            return took

        return send

    with MentionStore.open(tmp_path / "mentions.db") as store:
        spikes = alerts.current_alerts(store, ["Acme"], rule, now)
        for took in (False, True, True):
            alerts.send_once(store, spikes, rule, now, channel(took))
    assert offered == [["negative-spike", "spike"]] * 2  # refused, taken, then nothing new


def test_only_a_digest_that_reached_someone_moves_the_watermark(setup):
    from brandwatch_cli.insight.digest import next_digest, record_digest
    from brandwatch_cli.models import SpikeRule
    from brandwatch_cli.store import MentionStore

    _, _, tmp_path = setup
    now = datetime.now(UTC)
    with MentionStore.open(tmp_path / "mentions.db") as store:

        def digest(since=None):
            return next_digest(store, since, keywords=["Acme"], rule=SpikeRule(), now=now)

        run = digest()
        assert run.since_last and run.digest.total.mentions == 2
        record_digest(store, run, fmt="text", output=None, reached=False)
        assert digest().digest.total.mentions == 2  # covered again
        record_digest(
            store, digest(now - timedelta(hours=1)), fmt="text", output=None, reached=True
        )
        assert digest().digest.total.mentions == 2  # a digest since a time moves nothing
        record_digest(store, digest(), fmt="text", output=None, reached=True)
        assert digest().digest.total.mentions == 0
    assert watermarks(tmp_path / "mentions.db") == [(2, 0), (2, 0), (2, 1)]


def test_skip_empty_skips_a_source_problem_the_last_digest_already_told(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(FIRST))
    config = write_config(
        tmp_path,
        [("news", feed_server.url("/f.xml")), ("gone", feed_server.url("/gone"))],
        keywords="  - Acme\n",
    )
    cli("scan", "-c", config)
    first = cli("digest", "-c", config, "--skip-empty")
    assert "gone" in first.stdout  # new mentions, and a source that started failing
    cli("scan", "-c", config, "--force")  # still failing, nothing new
    second = cli("digest", "-c", config, "--skip-empty")
    assert second.exit_code == 0 and second.stdout == ""
    without = cli("digest", "-c", config, "--since", "24h")
    assert "gone" in without.stdout  # the problem is still reported in a full digest


TWO_SIDED = [{**GLOBEX_REVIEW, "guid": "t1", "link": "https://n.example/t1"}]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_top_new_mentions_per_keyword_show_that_keywords_sentiment(cli, feed_server, tmp_path, fmt):
    """Issue 10: a mention's sentiment per keyword is "used by every per-keyword figure
    (report, share of voice, digest, alerts)". Under each keyword, the digest's top new
    mentions showed the mention's own score: "Globex review" (loves Globex, hates Acme)
    read -0.17 negative under Globex and under Acme alike."""
    feed_server.serve("/t.xml", rss(TWO_SIDED))
    feed = [("news", feed_server.url("/t.xml"))]
    config = write_config(tmp_path, feed, keywords="  - Acme\n  - Globex\n")
    assert cli("scan", "-c", config).exit_code == 0
    row = json.loads(cli("export", "-c", config, "--format", "jsonl").stdout)
    acme, globex = row["keyword_sentiment"]["Acme"], row["keyword_sentiment"]["Globex"]
    assert acme < -0.05 < 0.05 < globex
    body = cli("digest", "-c", config, "--since", "24h", "--format", fmt).stdout
    top = body[body.index("Top new mentions") :]
    after_acme, after_globex = top.split("Globex review")[1:3]
    assert f"{acme:+.2f} negative" in after_acme
    assert f"{globex:+.2f} positive" in after_globex
