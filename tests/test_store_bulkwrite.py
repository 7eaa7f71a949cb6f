"""A big batch writes without the insert triggers whose work it does (store.bulkwrite): the
same rows as with them, and the triggers back, unchanged, for every other writer."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from brandwatch_cli.models import MentionFilter
from brandwatch_cli.store import MentionStore, batches
from helpers import db_rows
from test_store_batches import NOW, long_text, new, save

TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
TABLES = {
    "mentions": "SELECT id, entry_id, fetched_at, mentioned_at FROM mentions",
    "keywords": "SELECT keyword, mention_id, sentiment_label, mentioned_at, fetched_at"
    " FROM mention_keywords",
    "dirty": "SELECT bucket FROM summary_dirty",
    "aspects": "SELECT mention_id, aspect, sentiment FROM mention_aspects",
    "shingles": "SELECT key, mention_id FROM story_shingles",
    "search": "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH 'acme OR globex'",
}


def big_batch(size=1200):
    rng = random.Random(3)
    return [
        replace(
            new(
                f"e{n}",
                long_text(rng, rng.choice((5, 70))) + f" ticket{n}",
                published=NOW - timedelta(minutes=7 * n),
                keyword=rng.choice(("Acme", "Globex")),
            ),
            aspects={"price": -0.5} if n % 3 == 0 else {},
        )
        for n in range(size)
    ]


def test_a_big_batch_writes_what_the_triggers_would_and_keeps_them(tmp_path, monkeypatch):
    mentions = big_batch()
    assert len(mentions) >= batches.BIG_BATCH
    results = []
    for suspended in (True, False):
        monkeypatch.setattr(batches, "BIG_BATCH", 1000 if suspended else 10**9)
        path = tmp_path / f"{suspended}.db"
        with MentionStore.open(path) as store:
            before = store.db.execute(TRIGGERS).fetchall()
            assert save(store, "s", mentions) == len(mentions)
            assert store.db.execute(TRIGGERS).fetchall() == before
        results.append({name: sorted(db_rows(path, sql)) for name, sql in TABLES.items()})
    assert results[0] == results[1]
    assert len(results[0]["search"]) == len(mentions)
    assert all(row[3] and row[4] for row in results[0]["keywords"])
    assert results[0]["dirty"] and len(results[0]["aspects"]) == len(mentions) // 3


def test_after_a_big_batch_other_writers_still_go_through_the_triggers(tmp_path):
    with MentionStore.open(tmp_path / "m.db") as store:
        save(store, "s", big_batch())
        store.db.execute(
            "INSERT INTO mentions (id, source, entry_id, title, fetched_at, mentioned_at,"
            " sentiment, sentiment_label) VALUES (99999, 'x', 'y', 'zebra outside',"
            " '2026-01-01T10:20:00+00:00', '2026-01-01T10:20:00+00:00', 0, 'neutral')"
        )
        store.db.execute("INSERT INTO mention_keywords (keyword, mention_id) VALUES ('Z', 99999)")
        store.db.conn.commit()
        assert len(list(store.search_hits(MentionFilter(search="zebra")))) == 1
        assert store.db.execute(
            "SELECT mentioned_at FROM mention_keywords WHERE mention_id = 99999"
        ).fetchall() == [("2026-01-01T10:20:00+00:00",)]
        assert store.db.execute(
            "SELECT 1 FROM summary_dirty WHERE bucket = '2026-01-01T10:15:00+00:00'"
        ).fetchall()


def test_a_big_batch_that_fails_leaves_the_triggers_and_no_rows(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    with MentionStore.open(tmp_path / "m.db") as store:
        before = store.db.execute(TRIGGERS).fetchall()
        monkeypatch.setattr(MentionStore, "add_many_copies", broken)
        with pytest.raises(RuntimeError):
            save(store, "s", big_batch())
        assert store.db.execute(TRIGGERS).fetchall() == before
        assert store.db.execute("SELECT count(*) FROM mentions").fetchone() == (0,)
