"""The database: WAL, migrations, unique keys and one transaction per source batch."""

import sqlite3
from datetime import UTC, datetime

import pytest

from brandwatch_cli.errors import StoreError
from brandwatch_cli.models import (
    MENTION_COLUMNS,
    Item,
    KeywordMatch,
    MentionFilter,
    MentionRow,
    Sentiment,
    SourceOutcome,
)
from brandwatch_cli.store import MentionStore, NewMention

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def mention(entry_id, url=None, fingerprint=None, label="neutral"):
    item = Item(entry_id=entry_id, url=url, title=f"Acme {entry_id}", text="text")
    matches = (KeywordMatch("Acme", ("Acme",), ("title",)),)
    return NewMention(item, matches, url, fingerprint, Sentiment(0.0, label, "vader"), "en")


def save(store, mentions, source="s"):
    scan = store.start_scan(NOW)
    return store.save_batch(scan, source, mentions, SourceOutcome(source, "ok"), NOW)


def count(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM mentions").fetchone()[0]


def test_wal_mode_and_migrations_applied_once(tmp_path):
    path = tmp_path / "m.db"
    MentionStore.open(path).close()
    MentionStore.open(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert names == [
        "m001_mentions",
        "m002_source_state",
        "m003_languages",
        "m004_workflow",
        "m006_entries",
    ]


def test_an_older_database_is_migrated_and_keeps_its_mentions(tmp_path):
    from sqlite_utils import Database

    from brandwatch_cli.store.schema import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m002_source_state")
    old.execute(
        "INSERT INTO mentions (source, entry_id, fetched_at, mentioned_at, sentiment,"
        " sentiment_label) VALUES ('s', '1', 'x', 'x', 0.5, 'positive')"
    )
    old.conn.commit()
    old.close()
    with MentionStore.open(path) as store:
        assert [(r["id"], r["engagement"]) for r in store.iter_mentions(MentionFilter())] == [
            (1, None)
        ]
        assert store.source_states() == {}


def test_unique_keys_are_enforced_by_the_database(tmp_path):
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        assert save(store, [mention("1", "https://a.example/x", "f1")]) == 1
        assert save(store, [mention("1")]) == 0  # same source and entry id
        assert save(store, [mention("2", "https://a.example/x")]) == 0  # same canonical URL
        assert save(store, [mention("3", None, "f1")]) == 0  # same fingerprint
        assert save(store, [mention("1")], source="other") == 1  # same id, other source
    with sqlite3.connect(path) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO mentions (source, entry_id, fetched_at, mentioned_at, sentiment,"
            " sentiment_label) VALUES ('s', '1', 'x', 'x', 0, 'neutral')"
        )


def test_a_failing_batch_is_rolled_back_whole(tmp_path):
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        with pytest.raises(StoreError, match="cannot save mentions from 's'"):
            save(store, [mention("1"), mention("2", label="not-a-label")])
        assert count(path) == 0
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT count(*) FROM scan_sources").fetchone()[0] == 0


def test_known_reports_stored_keys(tmp_path):
    with MentionStore.open(tmp_path / "m.db") as store:
        save(store, [mention("1", "https://a.example/x", "f1")])
        keys = [
            ("1", None, None),
            ("9", "https://a.example/x", None),
            ("8", None, "f1"),
            ("7", None, None),
        ]
        assert store.known("s", keys) == {0, 1, 2}
        assert store.known("other", [("1", None, None)]) == set()


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "m.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the mention database"):
        MentionStore.open(path)


def test_reading_a_missing_database_says_to_scan_first(tmp_path):
    with pytest.raises(StoreError, match="run `brandwatch scan` first"):
        MentionStore.open(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def test_a_full_disk_is_a_store_error_and_keeps_the_database_intact(tmp_path, feed_server):
    from brandwatch_cli.config.load import load_config
    from brandwatch_cli.scan.engine import run_scan
    from helpers import rss, write_config

    feed_server.serve("/small.xml", rss([{"title": "Acme small", "guid": "x1"}]))
    big = [{"title": f"Acme item {i} " + "padding " * 200, "guid": f"b{i}"} for i in range(300)]
    feed_server.serve("/big.xml", rss(big))
    config = load_config(write_config(tmp_path, [("small", feed_server.url("/small.xml"))]))
    path = tmp_path / "mentions.db"
    with MentionStore.open(path) as store:
        run_scan(config, store)
    config = load_config(write_config(tmp_path, [("big", feed_server.url("/big.xml"))]))
    with MentionStore.open(path) as store:
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 20}")  # the disk fills up
        with pytest.raises(StoreError, match="database or disk is full"):
            run_scan(config, store)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT source, count(*) FROM mentions GROUP BY source").fetchall() == [
            ("small", 1)
        ]
        assert conn.execute("SELECT status FROM scans ORDER BY id").fetchall() == [
            ("ok",),
            ("error",),
        ]


def test_mention_rows_have_the_export_columns_in_order(tmp_path):
    assert tuple(MentionRow.__annotations__) == MENTION_COLUMNS
    with MentionStore.open(tmp_path / "m.db") as store:
        save(store, [mention("1", "https://a.example/x")])
        (row,) = store.iter_mentions(MentionFilter())
    assert tuple(row) == MENTION_COLUMNS
    assert (row["id"], row["keywords"], row["url"], row["status"]) == (
        1,
        "Acme",
        "https://a.example/x",
        "new",
    )
