"""``brandwatch db copy``: every table from one database into another, SQLite to PostgreSQL and
back, with its row counts checked (store/copy.py, cli/database.py).

The databases are real: SQLite files written by real scans of local feed files, and databases
of the session's PostgreSQL server (tests/pg.py).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from brandwatch_cli.store import MentionStore
from helpers import rss, write_config

#: A long text (over 50 words) gives a story its shingle index rows.
LONG = " ".join(
    f"Acme announced its quarterly results in Lyon with record sales number {n}" for n in range(6)
)
ITEMS = [
    {
        "title": "Acme launches a rocket",
        "link": "https://a.example/rocket",
        "guid": "a-1",
        "description": "The Acme rocket flies over the café in Lyon",
        "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT",
    },
    {
        "title": "Globex buys a factory",
        "link": "https://a.example/factory",
        "guid": "a-2",
        "description": "Globex and Acme compete for the same factory",
        "pubDate": "Mon, 02 Nov 2026 11:20:00 GMT",
    },
    {
        "title": "Acme results",
        "link": "https://a.example/results",
        "guid": "a-3",
        "description": LONG,
        "pubDate": "Tue, 03 Nov 2026 09:00:00 GMT",
    },
    {  # the same story at another address: a copy of a-3, not a mention
        "title": "Acme results",
        "link": "https://b.example/syndicated",
        "guid": "a-4",
        "description": LONG,
        "pubDate": "Tue, 03 Nov 2026 12:00:00 GMT",
    },
    {  # names no keyword: an entry kept for re-matching only
        "title": "Weather in Paris",
        "link": "https://a.example/weather",
        "guid": "a-5",
        "description": "Rain all week",
        "pubDate": "Tue, 03 Nov 2026 13:00:00 GMT",
    },
]
OTHER = [
    {
        "title": "Acme opens a store in Montréal",
        "link": "https://c.example/store",
        "guid": "b-2",
        "description": "Queues outside the new Acme store, a zeppelin on the roof",
        "pubDate": "Wed, 04 Nov 2026 08:00:00 GMT",
    },
    {  # the same page as a-1 (same link): already on the target when appended
        "title": "Acme launches a rocket",
        "link": "https://a.example/rocket",
        "guid": "b-1",
        "description": "The Acme rocket flies over the café in Lyon",
        "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT",
    },
]
#: What no copy carries: each engine's bookkeeping and full-text machinery.
ENGINE_TABLES = ("_sqlite_migrations", "brandwatch_migrations", "mentions_fts")
#: Columns of one engine only (PostgreSQL's full-text column, its explicit entries rowid).
ENGINE_COLUMNS = ("search", "rowid")
PERIOD = ("--since", "2026-10-01", "--until", "2026-12-01")


def build(cli: Any, folder: Path, items: list[dict[str, str]], name: str = "news") -> Path:
    """A config whose database a scan, a mark and a digest have written; returns the config."""
    folder.mkdir(parents=True, exist_ok=True)
    feed = folder / f"{name}.xml"
    feed.write_text(rss(items), encoding="utf-8")
    config = write_config(folder, [(name, str(feed))])
    assert cli("scan", "-c", config).exit_code == 0
    assert cli("mark", "-c", config, "1", "--status", "todo", "--note", "call them").exit_code == 0
    assert cli("mark", "-c", config, "1", "--status", "replied").exit_code == 0
    assert cli("digest", "-c", config, "--since", "last").exit_code == 0
    return config


def tables(db: Path | str) -> dict[str, list[str]]:
    """Each table of ``db`` (a file or a URL) and its columns, engine machinery left out."""
    with closing(_connect(db)) as conn:
        if isinstance(db, str):
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = current_schema()"
                )
            ]
        else:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite%'"
                )
            ]
        found = {}
        for name in names:
            if name.startswith(ENGINE_TABLES):
                continue
            cursor = conn.execute(f'SELECT * FROM "{name}" LIMIT 0')
            found[name] = [d[0] for d in cursor.description if d[0] not in ENGINE_COLUMNS]
        return found


def rows(db: Path | str, table: str, columns: list[str]) -> list[str]:
    """The table's rows (those columns), sorted, as text: equal lists mean equal tables."""
    with closing(_connect(db)) as conn:
        listed = ", ".join(f'"{c}"' for c in columns)
        return sorted(repr(tuple(row)) for row in conn.execute(f'SELECT {listed} FROM "{table}"'))


def count(db: Path | str, table: str) -> int:
    with closing(_connect(db)) as conn:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def _connect(db: Path | str) -> Any:
    if isinstance(db, str):
        import psycopg

        return psycopg.connect(db, autocommit=True)
    return sqlite3.connect(db)


def assert_same_rows(one: Path | str, other: Path | str) -> None:
    mine, theirs = tables(one), tables(other)
    assert set(mine) == set(theirs)
    for table, columns in mine.items():
        assert columns == theirs[table], table
        assert rows(one, table, columns) == rows(other, table, columns), table


def answers(cli: Any, config: Path, db: Path | str) -> list[Any]:
    """What people read: the report, searches, listings, one mention in full, the export. JSON
    is compared parsed: PostgreSQL writes a keyword's 0.0 sentiment as 0 in JSON text."""
    said: list[Any] = []
    for command in (
        ("report", "--format", "json", *PERIOD),
        ("search", "acme", "--format", "jsonl"),
        ("search", "title:rocket OR zeppelin", "--format", "jsonl"),
        ("mentions", "--format", "jsonl"),
        ("mentions", "--status", "replied"),
        ("show", "1", "--format", "json"),
    ):
        result = cli(*command, "-c", config, "--db", db)
        assert result.exit_code == 0, (command, result.stderr)
        if "jsonl" in command:
            said.append([json.loads(line) for line in result.stdout.splitlines()])
        else:
            said.append(json.loads(result.stdout) if "json" in command else result.stdout)
    return said


def copy(cli: Any, source: Path | str, target: Path | str, *options: str) -> Any:
    return cli("db", "copy", "--db", source, "--to", target, *options)


def test_sqlite_to_postgresql_and_back_keeps_every_row_and_every_answer(cli, tmp_path, pg_url):
    config = build(cli, tmp_path / "a", ITEMS)
    original = tmp_path / "a" / "mentions.db"
    assert rows(original, "story_copies", ["url"]) == ["('https://b.example/syndicated',)"]
    assert count(original, "story_shingles") > 0

    there = copy(cli, original, pg_url, "--batch", "2")
    assert there.exit_code == 0, there.stderr
    assert "every table adds up" in there.stdout
    assert "mentions                    3       3  ok" in there.stdout
    back = tmp_path / "laptop" / "back.db"
    again = copy(cli, pg_url, back, "--batch", "3")
    assert again.exit_code == 0, again.stderr

    # every table, the summary recomputed on each side included, row for row
    assert_same_rows(original, back)
    on_postgres = tables(pg_url)
    for table, columns in tables(original).items():
        assert rows(original, table, columns) == rows(pg_url, table, on_postgres[table]), table
    # and what people read of them is the same, searches included (the full-text indexes)
    expected = answers(cli, config, original)
    assert [found["title"] for found in expected[2]] == ["Acme launches a rocket"]
    assert answers(cli, config, pg_url) == expected
    assert answers(cli, config, back) == expected
    exported = [cli("export", "-c", config, "--db", db).stdout for db in (original, back)]
    assert exported[0] == exported[1] and exported[0].count("\n") == 4


def test_a_copy_within_one_engine_is_whole_and_searchable(cli, tmp_path, pg_server, pg_url):
    config = build(cli, tmp_path / "a", ITEMS)
    original = tmp_path / "a" / "mentions.db"
    twin = tmp_path / "twin.db"
    assert copy(cli, original, twin, "--batch", "1").exit_code == 0
    assert_same_rows(original, twin)
    assert copy(cli, original, pg_url).exit_code == 0
    second = pg_server.database()
    try:
        result = copy(cli, pg_url, second, "--batch", "2")
        assert result.exit_code == 0, result.stderr
        assert_same_rows(pg_url, second)
        expected = answers(cli, config, original)
        assert answers(cli, config, twin) == expected
        assert answers(cli, config, second) == expected
    finally:
        pg_server.drop(second)


def test_a_target_holding_data_is_refused_without_append(cli, tmp_path, pg_server, pg_url):
    build(cli, tmp_path / "a", ITEMS)
    original = tmp_path / "a" / "mentions.db"
    secret = pg_url.replace("postgres@", "postgres:s3cret-pw@")  # the server trusts anyone
    first = copy(cli, original, secret)
    assert first.exit_code == 0, first.stderr
    second = copy(cli, original, secret)
    assert second.exit_code == 3
    assert second.stderr.count("\n") == 1
    assert "already holds data (mentions: 3, scans: 1, entries: 5)" in second.stderr
    assert "--append" in second.stderr
    for said in (first, second):
        assert "s3cret-pw" not in said.stdout + said.stderr
    assert count(pg_url, "mentions") == 3

    itself = copy(cli, original, tmp_path / "a" / ".." / "a" / "mentions.db")
    assert itself.exit_code == 2 and "the database being copied" in itself.stderr
    missing = copy(cli, tmp_path / "nothing.db", tmp_path / "out.db")
    assert missing.exit_code == 3 and "no mention database yet" in missing.stderr


def test_a_database_is_never_copied_into_itself_however_it_is_named(cli, tmp_path, pg_url):
    """Another spelling of the same database (a password, a parameter, localhost for
    127.0.0.1, a link to the file) is still the database being copied: with --append it would
    add its own scans and digests to itself again."""
    build(cli, tmp_path / "a", ITEMS)
    original = tmp_path / "a" / "mentions.db"
    assert copy(cli, original, pg_url).exit_code == 0
    before = {table: count(pg_url, table) for table in ("scans", "digests", "scan_sources")}
    for other in (
        pg_url.replace("postgres@", "postgres:s3cret-pw@"),
        f"{pg_url}?application_name=again",
        pg_url.replace("127.0.0.1", "localhost"),
    ):
        result = copy(cli, pg_url, other, "--append")
        assert result.exit_code == 2, (other, result.stdout, result.stderr)
        assert "the database being copied" in result.stderr
        assert "s3cret-pw" not in result.stdout + result.stderr
    assert {table: count(pg_url, table) for table in before} == before
    link = tmp_path / "link.db"
    link.symlink_to(original)
    hard = tmp_path / "hard.db"
    hard.hardlink_to(original)
    scans = count(original, "scans")
    for other in (link, hard):
        result = copy(cli, original, other, "--append")
        assert result.exit_code == 2, (other, result.stdout, result.stderr)
    assert count(original, "scans") == scans


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_append_adds_with_new_ids_and_skips_what_the_target_has(cli, tmp_path, pg_url, engine):
    first = build(cli, tmp_path / "a", ITEMS)
    second = build(cli, tmp_path / "b", OTHER, name="wire")
    target: Path | str = pg_url if engine == "postgresql" else tmp_path / "team.db"
    assert copy(cli, tmp_path / "a" / "mentions.db", target).exit_code == 0
    watermark = rows(target, "digests", ["id", "watermark", "last_id"])

    added = copy(cli, tmp_path / "b" / "mentions.db", target, "--append", "--batch", "1")
    assert added.exit_code == 0, added.stderr
    # b-1 is a-1's page (same link): skipped, with its keyword rows and status history
    assert "mentions                    2       3       1        1       4  ok" in added.stdout
    assert "skipped 4 the target already had" in added.stdout  # + its keyword, 2 keyword_state
    assert "mention_keywords            2       4       1        1       5  ok" in added.stdout
    listed = {
        json.loads(line)["title"]: json.loads(line)
        for line in cli("mentions", "-c", first, "--db", target, "-f", "jsonl").stdout.splitlines()
    }
    assert len(listed) == 4
    store = listed["Acme opens a store in Montréal"]
    assert store["id"] == 4  # after the target's 3: nothing was overwritten
    assert listed["Acme launches a rocket"]["source"] == "news"  # the target's own, kept
    shown = json.loads(cli("show", "4", "-c", first, "--db", target, "-f", "json").stdout)
    history = [(h["what"], h["status"]) for h in shown["status_history"]]
    assert history == [
        ("status", "new"),
        ("status", "todo"),
        ("note", "todo"),
        ("status", "replied"),
    ]
    assert shown["mention"]["note"] == "call them"
    found = cli("search", "zeppelin", "-c", first, "--db", target, "-f", "jsonl")
    assert [json.loads(line)["id"] for line in found.stdout.splitlines()] == [4]
    # the target's watermark is its own: the copied digest is logged (its last mention, 2,
    # moved with the ids to 5) but is no watermark
    digests = rows(target, "digests", ["id", "watermark", "last_id"])
    assert digests == sorted([*watermark, "(2, 0, 5)"])
    # the report counts the appended mention (the summary was recomputed)
    report = json.loads(cli("report", "-c", first, "--db", target, "-f", "json", *PERIOD).stdout)
    assert {k["keyword"]: k["mentions"] for k in report["keywords"]}["Acme"] == 4
    # ids go on after the copied ones (PostgreSQL's sequences were moved past them)
    (tmp_path / "a" / "news.xml").write_text(
        rss([{"title": "Acme again", "link": "https://a.example/again", "guid": "a-9"}])
    )
    assert cli("scan", "-c", first, "--db", target).exit_code == 0
    assert cli("show", "5", "-c", first, "--db", target).exit_code == 0
    assert rows(target, "scans", ["id"]) == ["(1,)", "(2,)", "(3,)"]
    assert second.exists()


def test_a_table_a_later_migration_adds_is_copied_too(cli, tmp_path, pg_url):
    build(cli, tmp_path / "a", ITEMS)
    original = tmp_path / "a" / "mentions.db"
    with closing(sqlite3.connect(original)) as conn, conn:
        conn.execute("CREATE TABLE future_things (source TEXT PRIMARY KEY, worker TEXT)")
        conn.execute("INSERT INTO future_things VALUES ('news', 'w1'), ('wire', NULL)")
    with closing(_connect(pg_url)) as conn:
        conn.execute("CREATE TABLE future_things (source TEXT PRIMARY KEY, worker TEXT)")
    result = copy(cli, original, pg_url)
    assert result.exit_code == 0, result.stderr
    assert "future_things               2       2  ok" in result.stdout
    assert rows(pg_url, "future_things", ["source", "worker"]) == [
        "('news', 'w1')",
        "('wire', None)",
    ]


def test_counts_that_do_not_add_up_are_an_error(cli, tmp_path):
    build(cli, tmp_path / "a", ITEMS)
    target = tmp_path / "team.db"
    assert cli("stats", "--db", tmp_path / "a" / "mentions.db").exit_code == 0
    MentionStore.open(target).close()  # a migrated, empty target
    with closing(sqlite3.connect(target)) as conn, conn:  # something eats what arrives
        conn.execute(
            "CREATE TRIGGER eat AFTER INSERT ON keyword_state"
            " BEGIN DELETE FROM keyword_state WHERE keyword = new.keyword; END"
        )
    result = copy(cli, tmp_path / "a" / "mentions.db", target, "--quiet")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "row counts do not match the source's for keyword_state" in result.stderr
    loud = copy(cli, tmp_path / "a" / "mentions.db", target, "--append")
    assert loud.exit_code == 3
    assert "keyword_state               2       0       2        0       0  MISMATCH" in loud.stdout
