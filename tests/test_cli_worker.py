"""``brandwatch worker`` end to end: real processes, a real loopback server, one SQLite file."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import Route
from helpers import config_file, db_rows, rss, wait_for, write_config

BRANDWATCH = [sys.executable, "-m", "brandwatch_cli"]
#: ``python -m brandwatch_cli`` with Ctrl-C's default handler, as a terminal starts it: a shell's
#: background job (a CI run started with ``&``) starts with SIGINT ignored, and so would the
#: worker, which then never hears the test's SIGINT.
WITH_CTRL_C = [
    sys.executable,
    "-c",
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler);"
    " sys.argv[0] = 'brandwatch'; runpy.run_module('brandwatch_cli', run_name='__main__')",
]


def worker(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*WITH_CTRL_C, "worker", "-c", str(config), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=90)
    return process.returncode, out, err


def feed(n: int) -> str:
    """Feed ``n``: two stories of its own, and one it shares with feed ``n + 30`` (on another
    site, published there an hour later), so that dedupe decides across sources."""
    shared = n % 30
    return rss(
        [
            {"title": f"Acme story {n} one", "link": f"https://news{n}.example/1", "guid": "1"},
            {"title": f"Acme tale {n} two", "link": f"https://news{n}.example/2", "guid": "2"},
            {
                "title": f"Acme shared story {shared}",
                "description": f"The same wire story {shared} about Acme, word for word in two"
                " feeds, on two sites: a copy of one story, whose face is its earliest copy.",
                "link": f"https://site{n}.example/shared-{shared}",
                "guid": "s",
                "pubDate": f"Fri, 20 Nov 2026 {10 + n // 30:02d}:00:00 GMT",
            },
        ]
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """The database the workers share: a SQLite file, or a PostgreSQL database (by URL in the
    config, as a team names it)."""
    return str(request.param)


def share(config: Path, engine: str, request: pytest.FixtureRequest) -> Path | str:
    """The config's database, moved to a fresh PostgreSQL database for that engine."""
    file = config.parent / "mentions.db"
    if engine == "sqlite":
        return file
    url = request.getfixturevalue("pg_url")
    config.write_text(config.read_text().replace(f"database: {file}", f"database: '{url}'"))
    return str(url)


def stored(path: Path | str) -> list[tuple[str, ...]]:
    """Every mention (source, entry, URL, title) and every copy of one (source, entry, URL)."""
    mentions = db_rows(path, "SELECT source, entry_id, canonical_url, title FROM mentions")
    copies = db_rows(path, "SELECT source, entry_id, canonical_url, 'copy' FROM story_copies")
    return sorted(mentions + copies)


def mentions(path: Path | str) -> int | None:
    """How many mentions are stored, None before the database has its tables."""
    try:
        return int(db_rows(path)[0][0])
    except Exception:  # sqlite3's or psycopg's "no such table"
        return None


@pytest.mark.slow
def test_three_workers_at_once_fetch_each_feed_once_and_store_what_a_scan_stores(
    feed_server, tmp_path, engine, request
):
    sources = [(f"f{n}", feed_server.serve(f"/f{n}.xml", feed(n), delay=0.3)) for n in range(60)]
    extra = "per_host: 4\n"
    config = write_config(tmp_path, sources, keywords="  - Acme\n", extra=extra)
    database = share(config, engine, request)
    workers = [worker(config, "--once") for _ in range(3)]
    results = [finished(w) for w in workers]
    assert all(result == (0, "", "") for result in results), results
    fetched = Counter(feed_server.paths())
    assert fetched == Counter(f"/f{n}.xml" for n in range(60))  # each once, none forgotten
    mentions = stored(database)
    assert db_rows(database) == [(60 * 2 + 30,)]  # each shared story once...
    assert len(mentions) == 60 * 3  # ...with its copy
    assert len({m[2] for m in mentions}) == len(mentions)
    # The sources were shared: more than one worker logged fetches.
    scans = db_rows(database, "SELECT count(DISTINCT scan_id) FROM scan_sources")[0][0]
    assert scans >= 2
    assert db_rows(database, "SELECT count(*) FROM source_leases WHERE worker IS NULL") == [(60,)]
    # One scan of the same feeds into another database stores the same mentions.
    alone = tmp_path / "alone"
    alone.mkdir()
    scanned = write_config(alone, sources, keywords="  - Acme\n", extra=extra)
    scan = subprocess.run([*BRANDWATCH, "scan", "-c", str(scanned), "-q"], timeout=90)
    assert scan.returncode == 0
    assert stored(alone / "mentions.db") == mentions


def test_a_source_that_is_not_due_is_not_fetched(feed_server, tmp_path):
    often = feed_server.serve("/often.xml", feed(1))
    rarely = feed_server.serve("/rarely.xml", feed(2))
    config = config_file(
        tmp_path,
        f"  - name: often\n    url: '{often}'\n    interval: 1s\n"
        f"  - name: rarely\n    url: '{rarely}'\n",  # the default: 15 minutes
    )
    assert finished(worker(config, "--once")) == (0, "", "")
    assert sorted(feed_server.paths()) == ["/often.xml", "/rarely.xml"]
    time.sleep(1.2)  # 'often' is due again (its jitter is under 0.1 s), 'rarely' is not
    assert finished(worker(config, "--once")) == (0, "", "")
    assert sorted(feed_server.paths()) == ["/often.xml", "/often.xml", "/rarely.xml"]
    assert db_rows(tmp_path / "mentions.db") == [(6,)]


@pytest.mark.slow
def test_a_killed_workers_source_is_fetched_by_the_next_round_once_its_lease_lapses(
    feed_server, tmp_path, engine, request
):
    feed_server.serve("/quick.xml", feed(1))
    # The first answer hangs: the killed worker holds the source's lease while it waits.
    slow = feed_server.serve_sequence(
        "/slow.xml", [Route(feed(2).encode(), delay=60), Route(feed(2).encode())]
    )
    config = write_config(
        tmp_path, [("quick", feed_server.url("/quick.xml")), ("slow", slow)], keywords="  - Acme\n"
    )
    config.write_text(config.read_text().replace("timeout: 5", "timeout: 120"))
    database = share(config, engine, request)
    # An 8 s lease, renewed every third of it: at least 5 s of it are left when killed.
    doomed = worker(config, "--once", "--lease", "8")
    released = "SELECT count(*) FROM source_leases WHERE worker IS NULL"
    assert wait_for(
        lambda: (
            "/slow.xml" in feed_server.paths()
            and mentions(database) == 3
            and db_rows(database, released) == [(1,)]
        ),  # the quick one stored, then given back
        30,
    )
    doomed.send_signal(signal.SIGKILL)  # holding the slow source
    killed = time.monotonic()
    doomed.communicate(timeout=30)  # reaped, its pipes closed
    # While the lease holds, the next round leaves the source alone (the quick one is not due).
    assert finished(worker(config, "--once")) == (0, "", "")
    assert time.monotonic() - killed < 5, "too slow a machine for this test's lease"
    assert feed_server.paths().count("/slow.xml") == 1
    time.sleep(max(0.0, killed + 9 - time.monotonic()))
    assert finished(worker(config, "--once")) == (0, "", "")
    assert Counter(feed_server.paths()) == {"/quick.xml": 1, "/slow.xml": 2}
    assert db_rows(database) == [(6,)]
    assert db_rows(database, released) == [(2,)]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_worker_exits_0_and_leaves_its_sources_due(feed_server, tmp_path, sig):
    feed_server.serve("/quick.xml", feed(1))
    slow = feed_server.serve_sequence(
        "/slow.xml", [Route(feed(2).encode(), delay=60), Route(feed(2).encode())]
    )
    config = write_config(
        tmp_path, [("quick", feed_server.url("/quick.xml")), ("slow", slow)], keywords="  - Acme\n"
    )
    config.write_text(config.read_text().replace("timeout: 5", "timeout: 120"))
    running = worker(config)  # runs until stopped
    database = tmp_path / "mentions.db"
    assert wait_for(lambda: "/slow.xml" in feed_server.paths() and mentions(database) == 3, 30)
    started = time.monotonic()
    running.send_signal(sig)
    assert finished(running) == (0, "", "")
    assert time.monotonic() - started < 10  # it did not wait for the hanging answer
    assert db_rows(database, "SELECT source, worker FROM source_leases ORDER BY source") == [
        ("quick", None),
        ("slow", None),
    ]
    # Released still due: the next worker fetches it at once, without waiting for a lease.
    assert finished(worker(config, "--once")) == (0, "", "")
    assert Counter(feed_server.paths()) == {"/quick.xml": 1, "/slow.xml": 2}
    assert db_rows(database) == [(6,)]


def test_a_failing_source_is_one_line_on_stderr_and_once_exits_1(cli, feed_server, tmp_path):
    feed_server.serve("/ok.xml", feed(1))
    config = write_config(
        tmp_path,
        [("ok", feed_server.url("/ok.xml")), ("gone", feed_server.url("/gone"))],
        keywords="  - Acme\n",
    )
    result = cli("worker", "-c", config, "--once")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "error: source 'gone' failed: HTTP 404 Not Found\n"
    # Nothing was due since: a quiet success.
    again = cli("worker", "-c", config, "--once")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("15 minutes", "'interval' of source 'a' must be a duration such as 90s, 15m or 1h, not"),
        ("0s", "'interval' of source 'a' must be from 1s to 30d, not '0s'"),
        ("45d", "'interval' of source 'a' must be from 1s to 30d, not '45d'"),
        ("true", "'interval' of source 'a' must be a duration such as 90s, 15m or 1h, not True"),
    ],
)
def test_a_bad_interval_is_one_line_with_its_place_and_exit_2(cli, tmp_path, value, message):
    config = config_file(tmp_path, f"  - name: a\n    url: feed.xml\n    interval: {value}\n")
    for command in ("worker", "check"):
        result = cli(command, "-c", config)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: {config}:8: {message}"), result.stderr
        assert "Traceback" not in result.stderr


def test_intervals_read_as_durations_with_a_top_level_default(tmp_path):
    from datetime import timedelta

    from brandwatch_cli.config.load import load_config

    config = config_file(
        tmp_path,
        "  - name: a\n    url: a.xml\n    interval: 90s\n"
        "  - name: b\n    url: b.xml\n    interval: 1.5h\n"
        "  - name: c\n    url: c.xml\n",
        extra="interval: 5m\n",
    )
    intervals = [s.interval for s in load_config(config).sources]
    assert intervals == [timedelta(seconds=90), timedelta(minutes=90), timedelta(minutes=5)]
    plain = config_file(tmp_path, "  - name: a\n    url: a.xml\n")
    assert load_config(plain).sources[0].interval == timedelta(minutes=15)
