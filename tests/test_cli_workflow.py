"""The reply-first workflow, full-text search, one scan at a time, quiet cron runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import rss, scanned_feed, wait_for, write_config

ITEMS = [
    {
        "title": "Acme support is terrible, still no refund",
        "guid": "w1",
        "link": "https://n.example/1",
    },
    {"title": "Acme recall: the toaster is dangerous", "guid": "w2", "link": "https://n.example/2"},
    {"title": "Café Acme : très bon accueil à Lyon", "guid": "w3", "link": "https://n.example/3"},
]


@pytest.fixture
def scanned(cli, feed_server, tmp_path):
    return scanned_feed(cli, feed_server, tmp_path, ITEMS)


def listing(cli, config, *args):
    out = cli("mentions", "-c", config, "--format", "jsonl", *args).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_new_mentions_start_new_and_can_be_marked(cli, scanned):
    rows = listing(cli, scanned)
    assert {r["status"] for r in rows} == {"new"}
    by_title = {r["title"]: r["id"] for r in rows}
    refund = by_title["Acme support is terrible, still no refund"]
    result = cli(
        "mark",
        str(refund),
        "--status",
        "replied",
        "--note",
        "DM sent, refund issued",
        "-c",
        scanned,
    )
    assert result.exit_code == 0 and "Marked 1 mention replied" in result.stderr
    replied = listing(cli, scanned, "--status", "replied")
    assert [(r["id"], r["note"]) for r in replied] == [(refund, "DM sent, refund issued")]
    exported = cli("export", "-c", scanned, "--status", "replied", "-f", "jsonl").stdout
    assert [json.loads(line)["id"] for line in exported.splitlines()] == [refund]
    assert len(listing(cli, scanned, "--status", "new")) == 2
    others = [r["id"] for r in rows if r["id"] != refund]
    typo = cli("mark", str(others[0]), "99999", "--status", "todo", "-c", scanned)
    assert typo.exit_code == 2 and "no mention with id 99999; nothing was marked" in typo.stderr
    assert listing(cli, scanned, "--status", "todo") == []  # all or nothing
    twice = cli("mark", str(others[0]), str(others[0]), "--status", "todo", "-c", scanned)
    assert "Marked 1 mention todo" in twice.stderr


def test_handled_mentions_leave_the_reply_first_lists(cli, scanned):
    rows = listing(cli, scanned)
    negative = [r for r in rows if r["sentiment_label"] == "negative"]
    assert negative
    report = json.loads(cli("report", "-c", scanned, "--format", "json", "--since", "3650d").stdout)
    assert {m["id"] for m in report["reply_first"]} == {r["id"] for r in negative}
    cli("mark", *[str(r["id"]) for r in negative], "--status", "ignored", "-c", scanned)
    report = json.loads(cli("report", "-c", scanned, "--format", "json", "--since", "3650d").stdout)
    assert report["reply_first"] == []
    assert report["total"]["mentions"] == 3  # volumes still count every mention
    digest = cli("digest", "-c", scanned, "--since", "24h").stdout
    assert "terrible" not in digest.split("Top new mentions")[0].lower().split("reply first")[-1]


def test_full_text_search_is_accent_and_case_insensitive(cli, scanned):
    found = cli("search", "cafe LYON", "-c", scanned, "--format", "jsonl").stdout
    titles = [json.loads(line)["title"] for line in found.splitlines()]
    assert titles == ["Café Acme : très bon accueil à Lyon"]
    phrase = cli("search", '"no refund"', "-c", scanned, "--format", "csv").stdout
    assert phrase.splitlines()[0].startswith("id,source,keywords")
    assert len(phrase.splitlines()) == 2

    def titles_of(query: str) -> list[str]:
        found = cli("search", query, "-c", scanned, "--format", "jsonl")
        assert found.exit_code == 0, (query, found.stderr)
        return [json.loads(line)["title"] for line in found.stdout.splitlines()]

    assert titles_of("NEAR(acme refund, 5)") == ["Acme support is terrible, still no refund"]
    assert titles_of("NEAR(acme refund, 2)") == []  # five words apart
    assert titles_of("support, refund") == ["Acme support is terrible, still no refund"]
    assert titles_of('"acme recall" toaster-dangerous') == []  # a phrase and a hyphenated word
    assert titles_of('"acme recall" dangerous') == ["Acme recall: the toaster is dangerous"]
    assert cli("search", "nothing-like-this", "-c", scanned).stderr.startswith("No mentions")
    bad = cli("search", '"unbalanced', "-c", scanned)
    assert bad.exit_code == 2 and "search" in bad.stderr and "Traceback" not in bad.stderr


def test_quiet_scan_prints_only_errors(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(ITEMS))
    config = write_config(
        tmp_path,
        [("news", feed_server.url("/f.xml")), ("gone", feed_server.url("/gone"))],
        keywords="  - Acme\n",
    )
    result = cli("scan", "-c", config, "--quiet")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "error: source 'gone' failed: HTTP 404 Not Found"


@pytest.mark.slow
def test_rescore_waits_for_a_scan_as_long_as_told_and_stops_cleanly_on_sigterm(
    feed_server, tmp_path
):
    from brandwatch_cli.lock import exclusive

    feed_server.serve("/a.xml", rss(ITEMS))
    config = write_config(tmp_path, [("a", feed_server.url("/a.xml"))], keywords="  - Acme\n")
    brandwatch = [sys.executable, "-m", "brandwatch_cli"]
    assert subprocess.run([*brandwatch, "scan", "-c", str(config), "-q"]).returncode == 0
    with exclusive(tmp_path / "mentions.db.scan.lock", "scan"):  # a scan is running
        started = time.monotonic()
        gave_up = subprocess.run(
            [*brandwatch, "rescore", "-c", str(config), "--wait", "0.5"],
            capture_output=True,
            text=True,
        )
        assert gave_up.returncode == 4 and "another scan or rescore is running" in gave_up.stderr
        assert time.monotonic() - started < 10
        waiting = subprocess.Popen(
            [*brandwatch, "rescore", "-c", str(config), "--wait", "60"],
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_until_it_holds_open(waiting.pid, tmp_path / "mentions.db.scan.lock")
        waiting.send_signal(signal.SIGTERM)
        _, stderr = waiting.communicate(timeout=30)
    assert waiting.returncode == 130
    assert stderr.strip() == (
        "error: rescore interrupted; the batches done are kept, run it again to finish"
    )


def _wait_until_it_holds_open(pid: int, path: Path) -> None:
    """Until process ``pid`` has ``path`` open (it waits for the lock, its SIGTERM handler
    installed before): a fixed sleep races a loaded machine."""
    fds = Path(f"/proc/{pid}/fd")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not fds.exists():  # not Linux: give it time
            time.sleep(2)
            return
        try:
            if any(os.readlink(fd) == str(path) for fd in fds.iterdir()):
                time.sleep(0.2)  # past open(), inside the wait loop
                return
        except OSError:  # an fd closed while listing
            pass
        time.sleep(0.05)
    raise AssertionError(f"process {pid} never opened {path}")


@pytest.mark.slow
def test_a_second_scan_waits_then_gives_up_with_exit_4(feed_server, tmp_path):
    for n in range(3):
        feed_server.serve(f"/s{n}.xml", rss(ITEMS), delay=2)
    config = write_config(
        tmp_path,
        [(f"s{n}", feed_server.url(f"/s{n}.xml")) for n in range(3)],
        keywords="  - Acme\n",
    )
    brandwatch = [sys.executable, "-m", "brandwatch_cli"]
    first = subprocess.Popen([*brandwatch, "scan", "-c", str(config), "--concurrency", "1"])
    lock = tmp_path / "mentions.db.scan.lock"
    assert wait_for(lambda: lock.exists() and "pid" in lock.read_text(), timeout=20)
    started = time.monotonic()
    second = subprocess.run(
        [*brandwatch, "scan", "-c", str(config), "--wait", "1"], capture_output=True, text=True
    )
    assert second.returncode == 4
    assert f"another scan is running (pid {first.pid}" in second.stderr
    assert time.monotonic() - started < 15
    first.kill()  # killed: its lock dies with it
    first.wait()
    third = subprocess.run(
        [*brandwatch, "scan", "-c", str(config), "--wait", "1"], capture_output=True, text=True
    )
    assert third.returncode == 0, third.stderr


def test_fail_on_source_errors_still_fires_while_a_broken_source_backs_off(
    cli, feed_server, tmp_path
):
    feed_server.serve("/f.xml", rss(ITEMS))
    config = write_config(
        tmp_path,
        [("news", feed_server.url("/f.xml")), ("gone", feed_server.url("/gone"))],
        keywords="  - Acme\n",
    )
    for _ in range(2):  # the first failure is retried at the next scan, then it backs off
        assert cli("scan", "-c", config, "-q", "--fail-on", "source-errors").exit_code == 5
    # The next hourly run skips 'gone' (backing off): cron must still hear about it...
    again = cli("scan", "-c", config, "-q", "--fail-on", "source-errors")
    assert again.exit_code == 5
    (line,) = again.stderr.splitlines()  # cron mails output, not exit codes: one line says why
    assert line.startswith("error: source 'gone' backing off until ")
    assert line.endswith("after 2 failures (HTTP 404 Not Found)")
    # ...while a plain scan treats a source backing off as a warning, as documented.
    assert cli("scan", "-c", config, "-q").exit_code == 0


def test_fail_on_source_errors_ignores_a_source_waiting_out_a_rate_limit(
    cli, feed_server, tmp_path
):
    feed_server.serve("/f.xml", rss(ITEMS))
    feed_server.serve("/busy", status=429, headers={"Retry-After": "600"})
    config = write_config(
        tmp_path,
        [("news", feed_server.url("/f.xml")), ("busy", feed_server.url("/busy"))],
        keywords="  - Acme\n",
    )
    first = cli("scan", "-c", config, "--fail-on", "source-errors")
    assert first.exit_code == 0 and "rate limited" in first.stdout
    second = cli("scan", "-c", config, "--fail-on", "source-errors")
    assert "skipped" in second.stdout  # waiting out the 10 minutes it was asked to
    assert second.exit_code == 0, second.stderr
