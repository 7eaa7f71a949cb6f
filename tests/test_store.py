"""The database: WAL, migrations, unique keys and one transaction per source batch."""

import sqlite3
from datetime import UTC, datetime, timedelta

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
from helpers import connect

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def mention(entry_id, url=None, fingerprint=None, label="neutral"):
    item = Item(entry_id=entry_id, url=url, title=f"Acme {entry_id}", text="text")
    matches = (KeywordMatch("Acme", ("Acme",), ("title",)),)
    return NewMention(item, matches, url, fingerprint, Sentiment(0.0, label, "vader"), "en")


def save(store, mentions, source="s"):
    scan = store.start_scan(NOW)
    return store.save_batch(scan, source, mentions, SourceOutcome(source, "ok"), NOW)


def count(path):
    with connect(path) as conn:
        return conn.execute("SELECT count(*) FROM mentions").fetchone()[0]


@pytest.mark.sqlite_only
def test_wal_mode_and_migrations_applied_once(tmp_path):
    path = tmp_path / "m.db"
    MentionStore.open(path).close()
    MentionStore.open(path).close()
    with connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert names == [
        "m001_mentions",
        "m002_source_state",
        "m003_languages",
        "m004_workflow",
        "m005_keyword_sentiment",
        "m006_entries",
        "m007_story_copies",
        "m008_status_history",
        "m009_failure_reports",
        "m010_period_summary",
        "m011_bulk_writes",
        "m012_listing_indexes",
        "m013_write_indexes",
        "m014_source_leases",
        "m015_fast_digest",
        "m016_aspects",
        "m017_triage",
        "m018_rules",
        "m019_corrections",
        "m020_relevance",
        "m021_keyword_times",
        "m022_aspect_summary",
        "m023_digest_ids",
        "m024_sample_slots",
        "m025_summary_first_ids",
        "m026_rescore_marks",
    ]


@pytest.mark.sqlite_only
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
        assert save(store, [mention("3", None, "f1")]) == 0  # same fingerprint: a copy
        assert save(store, [mention("1")], source="other") == 1  # same id, other source
    with connect(path) as conn, pytest.raises(Exception, match=r"(?i)unique"):
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
        with connect(path) as conn:
            assert conn.execute("SELECT count(*) FROM scan_sources").fetchone()[0] == 0


def test_known_reports_stored_keys(tmp_path):
    with MentionStore.open(tmp_path / "m.db") as store:
        save(store, [mention("1", "https://a.example/x", "f1")])
        save(store, [mention("2", "https://b.example/y", "f1")], source="t")  # a copy
        keys = [
            ("1", None),
            ("9", "https://a.example/x"),
            ("8", None),  # same fingerprint, not the same page: a copy to record
            ("7", None),
            ("6", "https://b.example/y"),  # the copy's page
        ]
        assert store.known("s", keys) == {0, 1, 4}
        assert store.known("other", [("1", None)]) == set()
        assert store.known("t", [("2", None)]) == {0}  # the copy's entry


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "m.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the mention database"):
        MentionStore.open(path)


def test_reading_a_missing_database_says_to_scan_first(tmp_path):
    with pytest.raises(StoreError, match="run `brandwatch scan` first"):
        MentionStore.open(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


@pytest.mark.sqlite_only
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
    with connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT source, count(*) FROM mentions GROUP BY source").fetchall() == [
            ("small", 1)
        ]
        assert conn.execute("SELECT status FROM scans ORDER BY id").fetchall() == [
            ("ok",),
            ("error",),
        ]


def test_mention_rows_have_the_export_columns_in_order(tmp_path):
    assert tuple(k for k in MentionRow.__annotations__ if k != "snippet") == MENTION_COLUMNS
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


@pytest.mark.sqlite_only
def test_a_database_from_a_newer_version_is_refused_and_left_as_it_is(tmp_path):

    from brandwatch_cli import __version__
    from brandwatch_cli.errors import StoreError

    path = tmp_path / "mentions.db"
    MentionStore.open(path).close()
    with connect(path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('brandwatch', 'm999_from_the_future', '2030-01-01')"
        )
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"newer brandwatch") as refused:
        MentionStore.open(path)
    assert "m999_from_the_future" in str(refused.value) and __version__ in str(refused.value)
    assert path.read_bytes() == before


@pytest.mark.sqlite_only
def test_a_writer_waits_for_another_process_that_is_writing(tmp_path):
    """``mark`` during a scan: the mark reads, then writes; it must wait its turn, not fail
    with "database is locked" because the scan committed in between."""
    import threading
    from datetime import UTC, datetime

    path = tmp_path / "mentions.db"
    with MentionStore.open(path) as store:
        store.db.execute(
            "INSERT INTO mentions (source, entry_id, fetched_at, mentioned_at, sentiment,"
            " sentiment_label) VALUES ('s', 'e', '2026-01-01', '2026-01-01', 0, 'neutral')"
        )
        store.db.conn.commit()
        holding, release = threading.Event(), threading.Event()

        def other_writer() -> None:
            conn = sqlite3.connect(path, timeout=30)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE mentions SET note = 'scan' WHERE id = 1")
            holding.set()
            release.wait(5)
            conn.commit()
            conn.close()

        thread = threading.Thread(target=other_writer)
        thread.start()
        assert holding.wait(5)
        threading.Timer(0.5, release.set).start()
        missing = store.set_status([1], "todo", None, datetime.now(UTC))
        thread.join()
        assert missing == []
        assert db_status(path) == [("todo", "scan")]


def db_status(path):
    from contextlib import closing

    with closing(connect(path)) as conn:
        return conn.execute("SELECT status, note FROM mentions").fetchall()


@pytest.mark.sqlite_only
def test_keywords_of_an_older_database_start_with_their_mentions_sentiment(tmp_path):
    from sqlite_utils import Database

    from brandwatch_cli.store.schema import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m005_keyword_sentiment")
    old.execute(
        "INSERT INTO mentions (source, entry_id, fetched_at, mentioned_at, sentiment,"
        " sentiment_label) VALUES ('s', '1', 'x', 'x', -0.5, 'negative')"
    )
    old.execute("INSERT INTO mention_keywords (keyword, mention_id) VALUES ('Acme', 1), ('B', 1)")
    old.conn.commit()
    old.close()
    with MentionStore.open(path) as store:
        (row,) = store.iter_mentions(MentionFilter())
        assert row["keyword_sentiment"] == '{"Acme":-0.5,"B":-0.5}'
    with connect(path) as conn:
        labels = conn.execute("SELECT DISTINCT sentiment_label FROM mention_keywords").fetchall()
    assert labels == [("negative",)]


def test_per_keyword_figures_read_each_keywords_own_sentiment(tmp_path):
    item = Item("1", "https://a.example/1", "Acme is great, Globex is awful", "")
    matches = (
        KeywordMatch("Acme", ("Acme",), ("title",)),
        KeywordMatch("Globex", ("Globex",), ("title",)),
    )
    own = Sentiment(-0.02, "neutral", "vader")
    per_keyword = {
        "Acme": Sentiment(0.62, "positive", "vader"),
        "Globex": Sentiment(-0.71, "negative", "vader"),
    }
    new = NewMention(item, matches, item.url, "f1", own, "en", "v", keyword_sentiment=per_keyword)
    hour = timedelta(hours=1)
    with MentionStore.open(tmp_path / "m.db") as store:
        save(store, [new])
        (row,) = store.iter_mentions(MentionFilter())
        assert row["keyword_sentiment"] == '{"Acme":0.62,"Globex":-0.71}'
        assert row["sentiment_label"] == "neutral"  # the mention's own
        with store.period_view(MentionFilter()) as view:
            stats = view.keyword_stats()
            trend = {r["keyword"]: r["negative"] for r in view.trend("day")}
        assert (stats["Acme"]["positive"], stats["Acme"]["negative"]) == (1, 0)
        assert (stats["Globex"]["positive"], stats["Globex"]["negative"]) == (0, 1)
        assert stats["Acme"]["average"] == pytest.approx(0.62)
        assert trend == {"Acme": 0, "Globex": 1, None: 0}  # None: all mentions, the mention's
        windows = store.window_counts(["Acme", "Globex"], NOW + hour, hour * 2, 1)
        assert {k: negative for k, (_, negative) in windows.items()} == {"Acme": [0], "Globex": [1]}
        # Reply first: negative about one of its keywords (the selected ones, when given).
        assert [r["id"] for r in store.most_negative(MentionFilter())] == [1]
        assert [r["id"] for r in store.most_negative(MentionFilter(keywords=("Globex",)))] == [1]
        assert store.most_negative(MentionFilter(keywords=("Acme",))) == []


def test_a_folder_given_as_the_database_is_named_as_such(cli, tmp_path):
    result = cli("mentions", "--db", tmp_path)
    assert result.exit_code == 3
    assert result.stderr == f"error: {tmp_path}: is a folder, not a mention database file\n"


@pytest.mark.sqlite_only
@pytest.mark.parametrize("tables", [("mentions", "users"), ("users",)])
@pytest.mark.parametrize("command", [("report",), ("mentions",), ("scan",), ("stats",)])
def test_another_programs_database_is_refused_and_left_byte_for_byte(
    cli, tmp_path, tables, command
):
    """`--db` pointed at another program's SQLite file (a typo, the wrong folder): the scan
    added our 38 tables into one without a `mentions` table, and every command switched
    the file to WAL mode (its header rewritten) before failing on one that had one. It
    is now refused, exit 3, one line, the file untouched."""
    path = tmp_path / "app.db"
    with connect(path) as conn:
        for table in tables:
            conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT)")
            conn.execute(f"INSERT INTO {table} (name) VALUES ('x')")
    before = path.read_bytes()
    config = tmp_path / "brandwatch.yaml"
    config.write_text("keywords: [Acme]\nsources: [{name: f, url: 'feed.xml'}]\n")
    result = cli(*command, "-c", config, "--db", path)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.count("\n") == 1
    assert "not a brandwatch database" in result.stderr
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("app.db-*"))  # no WAL or shared-memory file either
