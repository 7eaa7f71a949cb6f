"""A big local CSV file through the real `brandwatch scan`: its own size bound, read and
stored in batches, what a failure half-way leaves, and rescans that double nothing."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brandwatch_cli.config.load import load_config
from brandwatch_cli.scan.engine import run_scan
from brandwatch_cli.sources.files import BATCH_ROWS
from brandwatch_cli.store import MentionStore
from helpers import config_file, db_rows

HEADER = "ticket;date;note;commentaire\r\n"


def comment_rows(count: int, start: int = 0) -> str:
    """Call-centre comments, French and English, every one naming Acme and unique; ticket
    7 has a second comment at the end (a repeated id)."""
    lines = []
    for n in range(start, start + count):
        text = (
            f"Conseiller Acme très aimable, dossier {n} réglé en dix minutes"
            if n % 2
            else f"Still no Acme router after {n} days, terrible service"
        )
        lines.append(f"T{n};{1 + n % 28:02d}/11/2026 10:00;{1 + n % 5};{text}\r\n")
    return "".join(lines)


def csv_config(folder: Path, extra: str = "", top: str = "") -> Path:
    return config_file(
        folder,
        "  - name: appels\n    type: csv\n    url: appels.csv\n    text: commentaire\n"
        "    id: ticket\n    date: date\n    rating: note\n" + extra,
        extra=top,
    )


def write_csv(folder: Path, body: str) -> Path:
    path = folder / "appels.csv"
    path.write_bytes((HEADER + body).encode("cp1252"))
    return path


def test_a_local_file_over_the_response_limit_is_read_in_batches(cli, tmp_path):
    rows = 2 * BATCH_ROWS + 1_500
    body = comment_rows(rows) + "T7;30/11/2026 18:00;1;Acme ticket 7 rouvert, toujours rien\r\n"
    size = write_csv(tmp_path, body).stat().st_size
    assert size > 512 * 1024  # more than max_response_mb below: not a web response
    config = csv_config(tmp_path, top="max_response_mb: 0.5")
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stderr
    assert f"{rows + 1} new mentions" in result.stdout
    database = tmp_path / "mentions.db"
    assert db_rows(database, "SELECT entries, matched, new_mentions FROM scan_sources") == [
        (rows + 1, rows + 1, rows + 1)
    ]
    (reopened,) = db_rows(database, "SELECT entry_id, text FROM mentions WHERE entry_id = 'T7#2'")
    assert reopened[1].startswith("Acme ticket 7 rouvert")  # cp1252 read as cp1252
    (row,) = db_rows(database, "SELECT language, engagement FROM mentions WHERE entry_id = 'T1'")
    assert row[0] == "fr" and json.loads(row[1]) == {"rating": 2.0}
    assert "unchanged" in cli("scan", "-c", config).stdout  # same bytes: not read again


def test_a_file_over_its_own_bound_is_refused_in_one_line(cli, tmp_path):
    write_csv(tmp_path, comment_rows(20_000))
    result = cli("scan", "-c", csv_config(tmp_path, "    max_size_mb: 0.5\n"))
    assert "file larger than the 0.5 MB limit (option 'max_size_mb')" in result.stdout
    assert "Traceback" not in result.stderr
    assert db_rows(tmp_path / "mentions.db") == [(0,)]


def test_a_bad_bound_is_a_config_error(cli, tmp_path):
    write_csv(tmp_path, comment_rows(3))
    result = cli("check", "-c", csv_config(tmp_path, "    max_size_mb: 0\n"))
    assert result.exit_code == 2
    assert "'max_size_mb' of source 'appels' must be a size in MB" in result.stderr


def test_what_was_stored_before_a_failure_stays_and_a_rescan_doubles_nothing(cli, tmp_path):
    rows = BATCH_ROWS + 2_000
    good = comment_rows(rows)
    lines = good.splitlines(keepends=True)
    overlong = f'T9999;01/11/2026 10:00;1;"Acme {"x" * 140_000}"\r\n'  # over csv's field limit
    broken = "".join(lines[: BATCH_ROWS + 500]) + overlong + "".join(lines[BATCH_ROWS + 500 :])
    write_csv(tmp_path, broken)
    config = csv_config(tmp_path)
    failed = cli("scan", "-c", config)
    assert "malformed CSV at line" in failed.stdout + failed.stderr
    database = tmp_path / "mentions.db"
    assert db_rows(database) == [(BATCH_ROWS,)]  # the first batch was committed
    write_csv(tmp_path, good)
    again = cli("scan", "-c", config)
    assert again.exit_code == 0, again.stderr
    assert f"{rows - BATCH_ROWS} new mentions" in again.stdout
    assert db_rows(database, "SELECT count(*), count(DISTINCT entry_id) FROM mentions") == [
        (rows, rows)
    ]
    assert db_rows(database, "SELECT count(*) FROM story_copies") == [(0,)]


def test_a_page_in_two_batches_is_stored_once(cli, tmp_path):
    """The next batch is analysed while one is stored: a row of it naming the page a row of
    the batch before names is still that page, stored once and not as a copy."""
    rows = BATCH_ROWS + 1_000
    lines = comment_rows(rows).splitlines()
    links = [f"https://acme.example/tickets/{n}" for n in range(rows)]
    links[BATCH_ROWS] = links[BATCH_ROWS - 1]  # the second batch's first row: the same page
    body = "".join(f"{line};{link}\r\n" for line, link in zip(lines, links, strict=True))
    path = tmp_path / "appels.csv"
    path.write_bytes(("ticket;date;note;commentaire;lien\r\n" + body).encode("cp1252"))
    result = cli("scan", "-c", csv_config(tmp_path, "    link: lien\n"))
    assert result.exit_code == 0, result.stderr
    database = tmp_path / "mentions.db"
    assert db_rows(database) == [(rows - 1,)]
    assert db_rows(database, f"SELECT count(*) FROM mentions WHERE entry_id = 'T{BATCH_ROWS}'") == [
        (0,)
    ]
    assert db_rows(database, "SELECT count(*) FROM story_copies") == [(0,)]


def test_progress_is_told_after_each_batch(tmp_path):
    size = write_csv(tmp_path, comment_rows(2 * BATCH_ROWS + 10)).stat().st_size
    config = load_config(csv_config(tmp_path))
    heard: list[tuple[str, int, int, int]] = []
    with MentionStore.open(config.database) as store:
        run_scan(config, store, on_progress=lambda *args: heard.append(args))
    assert [(name, rows) for name, rows, _, _ in heard] == [
        ("appels", BATCH_ROWS),
        ("appels", 2 * BATCH_ROWS),
        ("appels", 2 * BATCH_ROWS + 10),
    ]
    assert heard[-1][2:] == (size, size)
    assert 0 < heard[0][2] < heard[1][2] <= size


@pytest.mark.slow
@pytest.mark.timeout(900)  # two scans of 20,000 rows, scored: minutes on a loaded machine
def test_a_killed_scan_of_a_big_file_keeps_its_batches_and_a_rescan_completes_it(tmp_path):
    rows = 4 * BATCH_ROWS
    write_csv(tmp_path, comment_rows(rows))
    config = csv_config(tmp_path)
    database = tmp_path / "mentions.db"
    brandwatch = Path(sys.executable).parent / "brandwatch"
    process = subprocess.Popen([brandwatch, "scan", "-c", config, "--quiet"])
    deadline = time.monotonic() + 300
    stored = 0
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            stored = db_rows(database, "SELECT count(*) FROM mentions")[0][0]
        except sqlite3.OperationalError:  # not created, or not migrated yet
            continue
        if stored >= BATCH_ROWS:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = db_rows(database)[0][0]
    assert kept % BATCH_ROWS == 0 and 0 < kept < rows  # whole batches only
    done = subprocess.run([brandwatch, "scan", "-c", config, "--quiet"], timeout=600)
    assert done.returncode == 0
    assert db_rows(database, "SELECT count(*), count(DISTINCT entry_id) FROM mentions") == [
        (rows, rows)
    ]
