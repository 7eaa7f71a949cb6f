"""Benchmark: pruning a year of mentions, giving the space back, and ``stats``.

Builds a database (through the store's own migrations) of N mentions over 365 days, each
with a 60-word text (so the full-text index has real work), one or two keywords, the dedupe
shingles and signature of a third of them, a story copy for one in ten, a status mark for one
in twenty, and N/2 fetched entries; then times, in this process: pruning the older half
(``store.prune``: batched deletes, every cascade and the FTS trigger), giving the space back
(``reclaim_space``; with ``--legacy`` the database is made as an older brandwatch made it,
without incremental vacuum, so this is the one-time conversion by ``VACUUM``), what a scan's
retention costs when nothing has expired, and ``stats``. The baseline, timed the same way,
is reading every mention row once (``SELECT * FROM mentions``), as in ``report.py``.

    python benchmarks/retention.py [--mentions 1000000] [--legacy]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from array import array
from datetime import UTC, datetime, timedelta
from pathlib import Path

from brandwatch_cli.models import Retention
from brandwatch_cli.store import MentionStore, iso

KEYWORDS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
WORDS = [f"word{n}" for n in range(5000)]
CHILDREN = ("mention_keywords", "story_shingles", "story_signatures", "story_copies")
CHILDREN += ("status_history",)


def populate(store: MentionStore, count: int, rng: random.Random) -> None:
    """Rows inserted directly, 50,000 per transaction (a scan would take too long); the FTS
    index is built once at the end (its insert trigger is restored)."""
    trigger = store.db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'mentions_ai'"
    ).fetchone()[0]
    store.db.execute("DROP TRIGGER mentions_ai")
    for start in range(1, count + 1, 50_000):
        mentions, links, shingles, signatures, copies, marks = [], [], [], [], [], []
        for n in range(start, min(start + 50_000, count + 1)):
            # ids grow with time, as a year of scans stores them (a few hours of jitter)
            age = (count - n) * 365 * 86400 // count + rng.randint(-20_000, 20_000)
            moment = iso(NOW - timedelta(seconds=min(max(age, 0), 365 * 86400)))
            score = rng.uniform(-1, 1)
            label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
            text = " ".join(rng.choices(WORDS, k=60))
            url = f"https://site{n % 300}.example/{n}"
            head = (n, f"source{n % 40}", f"e{n}", url, url, f"fp{n}", f"Title {n} Acme", text)
            mentions.append(
                (*head, f"author{n % 2000}", moment, moment, moment, "en", score, label)
            )
            for keyword in rng.sample(KEYWORDS, rng.choice((1, 1, 1, 2))):
                links.append((keyword, n, score, label))
            if n % 3 == 0:
                keys = [rng.getrandbits(62) for _ in range(60)]
                shingles.extend((key, n) for key in keys[:8])
                signatures.append((n, array("q", sorted(keys)).tobytes()))
            if n % 10 == 0:
                copies.append((n, "copies", f"c{n}", f"https://copy.example/{n}", moment))
            if n % 20 == 0:
                marks.append((n, "replied", moment))
        with store.db.atomic():
            conn = store.db.conn
            conn.executemany(
                "INSERT INTO mentions (id, source, entry_id, url, canonical_url, fingerprint,"
                " title, text, author, published_at, fetched_at, mentioned_at, language,"
                " sentiment, sentiment_label) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                mentions,
            )
            conn.executemany(
                "INSERT INTO mention_keywords (keyword, mention_id, sentiment, sentiment_label)"
                " VALUES (?, ?, ?, ?)",
                links,
            )
            conn.executemany(
                "INSERT OR IGNORE INTO story_shingles (key, mention_id) VALUES (?, ?)", shingles
            )
            conn.executemany(
                "INSERT INTO story_signatures (mention_id, shingles) VALUES (?, ?)", signatures
            )
            conn.executemany(
                "INSERT INTO story_copies (mention_id, source, entry_id, url, fetched_at)"
                " VALUES (?, ?, ?, ?, ?)",
                copies,
            )
            conn.executemany(
                "INSERT INTO status_history (mention_id, status, at) VALUES (?, ?, ?)", marks
            )
            conn.executemany(
                "INSERT INTO entries (source, entry_id, title, text, fetched_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(m[1], m[2], m[6], m[7], m[10]) for m in mentions[::2]],
            )
    with store.db.atomic():
        store.db.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('rebuild')")
        store.db.execute(trigger)
        store.db.execute(
            "INSERT INTO scans (started_at, finished_at, status) VALUES (?, ?, 'ok')",
            [iso(NOW - timedelta(days=365)), iso(NOW - timedelta(days=365))],
        )


def timed(action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--legacy", action="store_true", help="no incremental vacuum yet")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        if args.legacy:  # WAL before any table: auto_vacuum stays off, as before this version
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA journal_mode = WAL")
        with MentionStore.open(path) as store:
            seconds, _ = timed(lambda: populate(store, args.mentions, random.Random(3)))
            print(f"{args.mentions:,} mentions written in {seconds:.1f} s")
            store.reclaim_space(convert=False)
        with MentionStore.open(path) as store:
            baseline, _ = timed(lambda: store.db.conn.execute("SELECT * FROM mentions").fetchall())
            before = store.database_size()[0]
            prune_s, pruned = timed(lambda: store.prune(NOW - timedelta(days=182)))
            reclaim_s, reclaimed = timed(
                lambda: store.reclaim_space(convert=True, compact_index=True)
            )
            idle_s, _ = timed(
                lambda: store.apply_retention(Retention(entries_days=365, mentions_days=182), NOW)
            )
            stats_s, stats = timed(store.database_stats)
            fts = store.db.execute(
                "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'word1'"
            ).fetchone()[0]
            orphans = sum(
                store.db.execute(
                    f"SELECT count(*) FROM {table}"
                    " WHERE mention_id NOT IN (SELECT id FROM mentions)"
                ).fetchone()[0]
                for table in CHILDREN
            )
            direct = store.db.execute(
                "SELECT count(*) FROM mentions WHERE (' ' || text || ' ') LIKE '% word1 %'"
            ).fetchone()[0]
    mb = 1 << 20
    print(f"baseline, reading every mention row once: {baseline:.2f} s")
    rows = [
        (
            f"prune {pruned.mentions:,} mentions and {pruned.entries:,} entries",
            prune_s,
            f"{pruned.mentions / prune_s:,.0f} mentions/s",
        ),
        (
            "compact the FTS index, give the space back"
            + (" (conversion: VACUUM)" if reclaimed.converted else ""),
            reclaim_s,
            f"{before / mb:,.0f} MB -> {reclaimed.after / mb:,.0f} MB",
        ),
        ("a scan's retention, nothing expired", idle_s, ""),
        ("stats (rows and bytes of every table)", stats_s, f"{stats.size / mb:,.0f} MB"),
    ]
    for name, seconds, note in rows:
        print(f"  {name}: {seconds:.2f} s ({seconds / baseline:.2f}x the baseline) {note}")
    print(f"  full-text index still agrees with the table: {fts == direct} ({fts} hits)")
    print(f"  rows left pointing at a deleted mention: {orphans}")


if __name__ == "__main__":
    main()
