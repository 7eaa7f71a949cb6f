"""--fail-on says why on stderr, even --quiet: cron mails output, not exit codes."""

from __future__ import annotations

from helpers import rss, write_config


def test_a_failed_source_fires_with_one_error_line_in_scan_and_digest(cli, feed_server, tmp_path):
    items = [{"title": f"Acme news {n}", "link": f"https://n.example/{n}"} for n in range(3)]
    feed_server.serve("/f.xml", rss(items))
    config = write_config(
        tmp_path,
        [("news", feed_server.url("/f.xml")), ("gone", feed_server.url("/gone"))],
        keywords="  - Acme\n",
    )
    first = cli("scan", "-c", config, "-q", "--fail-on", "source-errors")
    assert first.exit_code == 5
    assert first.stderr.splitlines() == ["error: source 'gone' failed: HTTP 404 Not Found"]
    digest = cli("digest", "-c", config, "-q", "--since", "24h", "--fail-on", "source-errors")
    assert digest.exit_code == 5
    (line,) = digest.stderr.splitlines()
    assert line.startswith("error: source 'gone' has been failing since ") and "404" in line
    quiet = cli("digest", "-c", config, "-q", "--since", "24h")
    assert quiet.exit_code == 0 and quiet.stderr == ""  # without --fail-on nothing fired


def test_each_spike_kind_fires_only_when_named():
    from datetime import timedelta

    from brandwatch_cli.cli.common import fired
    from brandwatch_cli.cli.options import FailOn
    from brandwatch_cli.models import NEGATIVE, VOLUME, Spike

    volume = Spike("Acme", VOLUME, 16, 0.0, 5.0, 6, timedelta(hours=1))
    negative = Spike("Acme", NEGATIVE, 9, 1.0, 4.0, 6, timedelta(hours=1))
    assert fired([FailOn.spike], [volume, negative], []) == [
        "error: Acme: spike: 16 mentions in the last 1 h, usually 0.0 (threshold 5.0,"
        " 6 windows of history)"
    ]
    assert fired([FailOn.negative_spike], [volume], ["source 'x' failed: HTTP 500"]) == []
    assert fired(None, [volume, negative], ["source 'x' failed"]) == []
    assert fired([FailOn.source_errors], [volume], ["source 'x' failed"]) == [
        "error: source 'x' failed"
    ]


def test_a_quiet_scan_says_once_a_day_that_a_source_has_been_failing(cli, feed_server, tmp_path):
    import sqlite3

    feed_server.serve("/f.xml", rss([{"title": "Acme", "link": "https://n.example/1"}]))
    config = write_config(
        tmp_path,
        [("news", feed_server.url("/f.xml")), ("gone", feed_server.url("/gone"))],
        keywords="  - Acme\n",
    )
    for _ in range(2):
        cli("scan", "-c", config, "-q")
    with sqlite3.connect(tmp_path / "mentions.db") as conn:  # as if that was two days ago
        conn.execute(
            "UPDATE scan_sources SET finished_at = '2026-01-01T00:00:00+00:00'"
            " WHERE source = 'gone'"
        )
    backing_off = cli("scan", "-c", config, "-q")
    assert backing_off.exit_code == 0  # skipped while it backs off: not an error by itself
    (line,) = backing_off.stderr.splitlines()
    assert line.startswith("error: source 'gone' has been failing since 2026-01-01 00:00 UTC:")
    assert "404" in line
    assert cli("scan", "-c", config, "-q").stderr == ""  # said today already
    with sqlite3.connect(tmp_path / "mentions.db") as conn:  # its back-off is over: tried again
        conn.execute("UPDATE source_state SET next_attempt = NULL WHERE source = 'gone'")
    retried = cli("scan", "-c", config)  # by hand, not quiet
    assert "source 'gone'" in retried.stderr and "404" in retried.stderr  # this scan's failure
    assert cli("scan", "-c", config, "-q").stderr == ""  # the retry kept "said today"
