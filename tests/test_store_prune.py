"""Pruning a large share of the mentions: one transaction that rebuilds the full-text index
from what is left, against batches that delete entry by entry. Both leave the same database
(no orphan, the index agreeing with the table, the FTS trigger in place), and a prune killed
with SIGKILL, in either way, leaves a consistent one that a second prune finishes. Real SQLite
files; the kills are real ``kill -9`` of a child process, at a chosen statement."""

from __future__ import annotations

import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from brandwatch_cli.store import MentionStore
from helpers import connect

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
CHILDREN = (
    "mention_keywords",
    "story_copies",
    "story_shingles",
    "story_signatures",
    "status_history",
)
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf")


def build(path: Path, count: int) -> None:
    """``count`` mentions, one a day going back from NOW (id 1 the oldest), each with a
    keyword and, for some, every other kind of row that hangs on a mention."""
    MentionStore.open(path).close()  # the real schema, through the migrations
    rows, links, shingles, signatures, copies, marks = [], [], [], [], [], []
    for n in range(1, count + 1):
        moment = (NOW - timedelta(days=count - n)).isoformat(timespec="seconds")
        text = f"{WORDS[n % 7]} {WORDS[n % 5]} story{n} common"
        rows.append((n, f"e{n}", f"Acme {n}", text, f"author{n % 3}", moment, moment))
        links.append(("Acme", n))
        if n % 2:
            links.append(("Globex", n))
        if n % 3 == 0:
            shingles += [(n * 10 + k, n) for k in range(4)]
            signatures.append((n, b"\x00" * 16))
        if n % 4 == 0:
            copies.append((n, "copies", f"c{n}", moment))
        if n % 5 == 0:
            marks.append((n, "replied", moment))
    with closing(connect(path)) as conn, conn:
        conn.executemany(
            "INSERT INTO mentions (id, source, entry_id, title, text, author, fetched_at,"
            " mentioned_at, sentiment, sentiment_label)"
            " VALUES (?, 's', ?, ?, ?, ?, ?, ?, 0, 'neutral')",
            rows,
        )
        conn.executemany("INSERT INTO mention_keywords (keyword, mention_id) VALUES (?, ?)", links)
        conn.executemany("INSERT INTO story_shingles (key, mention_id) VALUES (?, ?)", shingles)
        conn.executemany(
            "INSERT INTO story_signatures (mention_id, shingles) VALUES (?, ?)", signatures
        )
        conn.executemany(
            "INSERT INTO story_copies (mention_id, source, entry_id, fetched_at)"
            " VALUES (?, ?, ?, ?)",
            copies,
        )
        conn.executemany(
            "INSERT INTO status_history (mention_id, status, at) VALUES (?, ?, ?)", marks
        )


def state(path: Path) -> dict[str, object]:
    """Everything that must agree after a prune, finished or killed."""
    with closing(connect(path)) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        # raises when the index disagrees with the table (rank 1: checked against it)
        conn.execute("INSERT INTO mentions_fts (mentions_fts, rank) VALUES ('integrity-check', 1)")
        ids = [row[0] for row in conn.execute("SELECT id FROM mentions ORDER BY id")]
        hits = {
            word: conn.execute(
                "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH ?", [word]
            ).fetchone()[0]
            for word in (*WORDS, "common")
        }
        direct = {
            word: conn.execute(
                "SELECT count(*) FROM mentions WHERE (' ' || text || ' ') LIKE ?", [f"% {word} %"]
            ).fetchone()[0]
            for word in (*WORDS, "common")
        }
        return {
            "ids": ids,
            "fts_matches_table": hits == direct,
            "fts_rows": conn.execute("SELECT count(*) FROM mentions_fts_docsize").fetchone()[0],
            "orphans": {
                table: conn.execute(
                    f"SELECT count(*) FROM {table}"
                    " WHERE mention_id NOT IN (SELECT id FROM mentions)"
                ).fetchone()[0]
                for table in CHILDREN
            },
            "foreign_key_check": conn.execute("PRAGMA foreign_key_check").fetchall(),
            "fts_trigger": conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'mentions_ad'"
            ).fetchone()[0],
        }


def consistent(path: Path, ids: list[int]) -> None:
    got = state(path)
    assert got["ids"] == ids
    assert got["fts_matches_table"]
    assert got["fts_rows"] == len(ids)
    assert got["orphans"] == dict.fromkeys(CHILDREN, 0)
    assert got["foreign_key_check"] == []
    assert got["fts_trigger"] == 1


@pytest.mark.parametrize(
    ("days", "rebuilt"),
    [(150, True), (40, False)],  # 150 of 200 mentions go (75%), then 40 (20%)
)
@pytest.mark.sqlite_only
def test_a_large_share_rebuilds_the_index_a_small_one_deletes_in_batches(
    tmp_path, monkeypatch, days, rebuilt
):
    monkeypatch.setattr("brandwatch_cli.store.retention.BATCH", 7)
    path = tmp_path / "m.db"
    build(path, 200)
    statements: list[str] = []
    with MentionStore.open(path) as store:
        store.db.conn.set_trace_callback(statements.append)
        pruned = store.prune(NOW - timedelta(days=200 - days - 1))
        store.db.conn.set_trace_callback(None)
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.db.execute("PRAGMA cache_size").fetchone()[0] == -2000
        # the trigger is back: a later delete still removes the full-text entry
        with store.db.atomic():
            store.db.execute("DELETE FROM mention_keywords WHERE mention_id = 200")
            store.db.execute("DELETE FROM mentions WHERE id = 200")
    assert pruned.mentions == days
    assert any("'rebuild'" in sql for sql in statements) == rebuilt
    batches = sum(sql.startswith("INSERT INTO temp.pruned_ids") for sql in statements)
    assert batches == (1 if rebuilt else days // 7 + 1)
    # each in its own transaction, and one for the entries
    assert sum(sql == "COMMIT" for sql in statements) == batches + 1
    consistent(path, list(range(days + 1, 200)))


KILLER = """
import os, signal, sys
from datetime import datetime
from pathlib import Path
import brandwatch_cli.store.retention as retention
from brandwatch_cli.store import MentionStore

retention.BATCH = 10
path, before, moment = Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2]), sys.argv[3]
seen = {"batches": 0}

def trace(sql):
    if sql.startswith("INSERT INTO temp.pruned_ids"):
        seen["batches"] += 1
        if moment == "third batch" and seen["batches"] == 3:
            os.kill(os.getpid(), signal.SIGKILL)
    # deleted and re-indexed, not yet committed
    if moment == "rebuilt" and sql.startswith("CREATE TRIGGER"):
        os.kill(os.getpid(), signal.SIGKILL)

with MentionStore.open(path) as store:
    store.db.conn.set_trace_callback(trace)
    store.prune(before)
"""


@pytest.mark.sqlite_only  # SQLite statements traced to kill it mid-way
@pytest.mark.parametrize(
    ("days", "moment", "left"),
    [
        (150, "rebuilt", 0),  # killed before the one transaction's end: nothing changed
        (60, "third batch", 20),  # 30%: batches of 10; two were committed
    ],
)
def test_a_prune_killed_with_sigkill_leaves_a_consistent_database(tmp_path, days, moment, left):
    path = tmp_path / "m.db"
    build(path, 200)
    before = NOW - timedelta(days=200 - days - 1)
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(path), before.isoformat(), moment],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr
    consistent(path, list(range(left + 1, 201)))
    with MentionStore.open(path) as store:  # a second prune finishes the job
        assert store.prune(before).mentions == days - left
    consistent(path, list(range(days + 1, 201)))
