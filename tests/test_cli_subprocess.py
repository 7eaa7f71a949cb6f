"""The installed console script as a user runs it: pipes, terminals, killed runs."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import rss, wait_for, write_config

DATA = Path(__file__).parent / "data"
BRANDWATCH = shutil.which("brandwatch") or str(Path(sys.executable).parent / "brandwatch")


def run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BRANDWATCH, *map(str, args)], capture_output=True, text=True, timeout=60, **kwargs
    )


def items(count: int, prefix: str = "") -> list[dict[str, str]]:
    return [
        {
            "title": f"Acme story {prefix}{i} about many different things number {i}",
            "link": f"https://example.com/{prefix}{i}",
            "guid": f"{prefix}{i}",
        }
        for i in range(count)
    ]


def test_console_script_and_python_m_print_the_version():
    from brandwatch_cli import __version__

    assert run("--version").stdout.strip() == f"brandwatch {__version__}"
    module = subprocess.run(
        [sys.executable, "-m", "brandwatch_cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert module.stdout.strip() == f"brandwatch {__version__}"


def test_the_console_script_lists_every_command_in_order():
    listing = run("--help").stdout
    listed = [line.split()[0] for line in listing.split("Commands:\n", 1)[1].splitlines()]
    assert listed == [
        "init",
        "sources",
        "stats",
        "db",
        "mentions",
        "export",
        "scan",
        "worker",
        "check",
        "sentiment",
        "corrections",
        "rescore",
        "report",
        "digest",
        "themes",
        "rules",
        "mark",
        "review",
        "mute",
        "unmute",
        "search",
        "show",
        "open",
        "rematch",
        "prune",
    ]


def _piped(command: str, reader: str, cwd: Path) -> tuple[list[str], str]:
    """Lines the reader printed, then the brandwatch command's exit status."""
    result = subprocess.run(
        f"'{BRANDWATCH}' {command} 2>err.txt | {reader}; echo ${{PIPESTATUS[0]}}",
        shell=True,
        capture_output=True,
        text=True,
        cwd=cwd,
        executable="/bin/bash",
        timeout=60,
    )
    *lines, status = result.stdout.splitlines()
    return lines, status


@pytest.mark.slow
def test_output_into_a_closed_pipe_is_quiet(feed_server, tmp_path):
    feed_server.serve("/many.xml", rss(items(3000)))
    config = write_config(tmp_path, [("many", feed_server.url("/many.xml"))])
    assert run("scan", "-c", config).returncode == 0
    for fmt, first in (("csv", "id,source,keywords"), ("jsonl", '{"id":')):
        lines, status = _piped(f"export -c '{config}' --format {fmt}", "head -1", tmp_path)
        assert lines[0].startswith(first) and status == "0"
        assert (tmp_path / "err.txt").read_text() == ""
    # A reader that closes the pipe before the first write: Rich tables, JSON, plain text.
    for command in (
        "report --since 3650d",
        "report -f json",
        "sources",
        "check",
        "mentions",
        "scan --force",
    ):
        lines, status = _piped(f"{command} -c '{config}'", "true", tmp_path)
        assert status == "0", command
        assert (tmp_path / "err.txt").read_text() == "", command


@pytest.mark.slow
def test_terminal_output_is_a_table_without_raw_control_characters(feed_server, tmp_path):
    feed_server.serve("/h.xml", (DATA / "hostile.xml").read_bytes())
    config = write_config(tmp_path, [("hostile", feed_server.url("/h.xml"))])
    assert run("scan", "-c", config).returncode == 0
    primary, secondary = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [BRANDWATCH, "mentions", "-c", str(config)], stdout=secondary, stderr=secondary, env=env
    )
    os.close(secondary)
    output = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 10)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=10)
    os.close(primary)
    text = output.decode("utf-8", "replace")
    assert "Acme" in text and "─" in text  # a Rich table
    assert "\x1b[31mRED" not in text and "\x1b[2J" not in text and "\u202e" not in text
    assert "Acme RED" in text and "[31mRED" not in text  # the escape sequence goes whole


def _slow_config(feed_server, tmp_path, sources: int = 12):
    for n in range(sources):
        feed_server.serve(f"/s{n}.xml", rss(items(20, prefix=f"s{n}-")), delay=0.4)
    return write_config(
        tmp_path, [(f"s{n}", feed_server.url(f"/s{n}.xml")) for n in range(sources)]
    )


def _done_sources(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM scan_sources").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_scan_leaves_a_consistent_database(feed_server, tmp_path, sig):
    config = _slow_config(feed_server, tmp_path)
    db = tmp_path / "mentions.db"
    process = subprocess.Popen(
        [BRANDWATCH, "scan", "-c", str(config), "--concurrency", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert wait_for(lambda: _done_sources(db) >= 2, timeout=30)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=30)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        per_source = dict(conn.execute("SELECT source, count(*) FROM mentions GROUP BY source"))
        done = {row[0] for row in conn.execute("SELECT source FROM scan_sources")}
        status = conn.execute("SELECT status FROM scans").fetchone()[0]
    assert 2 <= len(done) < 12
    assert set(per_source) == done  # whole sources only
    assert all(count == 20 for count in per_source.values())
    if sig == signal.SIGTERM:
        assert process.returncode == 130
        assert "interrupted" in stderr and "Traceback" not in stderr
        assert status == "interrupted"
    else:
        assert status == "running"  # killed outright: the log shows a scan that never finished
    again = run("scan", "-c", config, "--concurrency", "12")
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 12 * 20
    time.sleep(0)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_stdout_is_one_line_and_the_digest_comes_again(feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(items(5)))
    config = write_config(tmp_path, [("f", feed_server.url("/f.xml"))])
    assert run("scan", "-c", config).returncode == 0
    for command in (["digest"], ["export"], ["report", "--since", "3650d"], ["scan", "--force"]):
        with open("/dev/full", "wb") as full:
            result = subprocess.run(
                [BRANDWATCH, *command, "-c", str(config)],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=60,
            )
        assert result.returncode == 1, command
        assert result.stderr == "error: cannot write the output: No space left on device\n"
    assert "Acme story" in run("digest", "-c", config).stdout  # the failed one moved nothing


#: Loaded by the scan's interpreter (PYTHONPATH): plants a scoring bug raising StopIteration on
#: texts saying "boom" and, in a worker process, a parser that dies on the feed "/die.xml".
PLANTED = """
import os

from brandwatch_cli import sentiment
from brandwatch_cli.sources import feed

_parent = os.getpid()
_analyze, _parse = sentiment.analyze, feed.parse_feed


def analyze(text, language, lexicon=()):
    if "boom" in text:
        raise StopIteration
    return _analyze(text, language, lexicon)


def parse_feed(content, headers, url):
    if url.endswith("/die.xml") and os.getpid() != _parent:
        os._exit(1)
    return _parse(content, headers, url)


sentiment.analyze, feed.parse_feed = analyze, parse_feed
"""


@pytest.mark.slow
@pytest.mark.parametrize("sources", [1, 9])  # a thread; the worker processes of big scans
def test_a_scoring_crash_never_hangs_a_real_scan(feed_server, tmp_path, sources):
    (tmp_path / "planted").mkdir()
    (tmp_path / "planted" / "sitecustomize.py").write_text(PLANTED)
    boom = [*items(3, "b"), {"title": "Acme boom 👏", "link": "https://x.example/b", "guid": "b"}]
    feed_server.serve("/boom.xml", rss(boom))
    names = [("boom", feed_server.url("/boom.xml"))]
    for n in range(1, sources):
        names.append((f"s{n}", feed_server.serve(f"/s{n}.xml", rss(items(5, f"s{n}-")))))
    config = write_config(tmp_path, names)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "planted")}
    result = run("scan", "-c", config, env=env)  # a hang fails on run's 60 s timeout
    assert result.returncode == 1
    assert "error: source 'boom' failed: could not score 1 mention (StopIteration)" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert result.stderr.count("failed") == 1  # the other sources are unharmed
    with sqlite3.connect(tmp_path / "mentions.db") as conn:
        stored = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    assert stored == 4 + 5 * (sources - 1)  # the whole batch, the unscored mention too


@pytest.mark.slow
def test_a_worker_that_dies_fails_its_source_and_the_scan_goes_on(feed_server, tmp_path):
    (tmp_path / "planted").mkdir()
    (tmp_path / "planted" / "sitecustomize.py").write_text(PLANTED)
    names = [("die", feed_server.serve("/die.xml", rss(items(3, "d"))))]
    for n in range(1, 9):
        names.append((f"s{n}", feed_server.serve(f"/s{n}.xml", rss(items(5, f"s{n}-")), delay=1)))
    config = write_config(tmp_path, names)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "planted")}
    result = run("scan", "-c", config, "--concurrency", "2", env=env)
    assert result.returncode == 1
    assert "error: source 'die' failed: a worker process died while reading its items" in (
        result.stderr
    )
    with sqlite3.connect(tmp_path / "mentions.db") as conn:
        sources = {s for (s,) in conn.execute("SELECT DISTINCT source FROM mentions")}
    assert len(sources) >= 6  # those read after the death parse in threads
