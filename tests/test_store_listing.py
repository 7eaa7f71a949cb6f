"""Listings at scale: which index each filter reads, the order they stream in, and flat memory.

The query plans are SQLite's own (``EXPLAIN QUERY PLAN`` of the statements the store runs, as
traced): with no statistics gathered, SQLite plans the same over ten mentions as over a million.
"""

import itertools
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from brandwatch_cli.models import MentionFilter
from brandwatch_cli.store import MentionStore, queries
from helpers import connect

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def fill(path: Path, count: int) -> None:
    """``count`` mentions of Acme (and a third of Globex too) over ~17 hours from 2026-11-01,
    two statuses, seven sources; written in SQL, as a scan would take far longer."""
    MentionStore.open(path).close()
    with connect(path) as conn:
        conn.execute(
            """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO mentions (id, source, entry_id, url, title, text, fetched_at,
                mentioned_at, sentiment, sentiment_label, status)
            SELECT i, 'source' || (i % 7), 'e' || i, 'https://example.com/' || i,
                'Acme story ' || i, 'Acme text ' || i || ' ' || ?,
                moment, moment, 0.5, 'positive', CASE WHEN i % 10 = 0 THEN 'todo' ELSE 'new' END
            FROM (SELECT i, strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-11-01',
                '+' || (i * 29 % 997) || ' minutes') AS moment FROM n)""",
            [count, "x" * 200],
        )
        conn.execute(
            "INSERT INTO mention_keywords (keyword, mention_id, terms, fields)"
            " SELECT 'Acme', id, '[\"Acme\"]', 'title' FROM mentions"
        )
        conn.execute(
            "INSERT INTO mention_keywords (keyword, mention_id, terms, fields)"
            " SELECT 'Globex', id, '[\"Globex\"]', 'text' FROM mentions WHERE id % 3 = 0"
        )


@pytest.fixture
def store(tmp_path):
    fill(tmp_path / "m.db", 40)
    with MentionStore.open(tmp_path / "m.db") as opened:
        yield opened


def plans(store, run) -> list[list[str]]:
    """The query plan of every statement ``run()`` makes the store execute."""
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        run()
    finally:
        store.db.conn.set_trace_callback(None)
    return [
        [row[3] for row in store.db.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        for sql in statements
        if sql.lstrip().upper().startswith("SELECT")
    ]


SINCE = datetime(2026, 11, 1, 5, tzinfo=UTC)
#: One value of each filter the listing commands build, combined below with a period.
FILTERS = {
    "keyword": {"keywords": ("Acme",)},
    "keywords": {"keywords": ("Acme", "Globex")},
    "source": {"sources": ("source1",)},
    "sources": {"sources": ("source1", "source2")},
    "status": {"statuses": ("todo",)},
    "statuses": {"statuses": ("new", "todo")},
    "triaged": {"statuses": ("todo", "replied")},
    "sentiment": {"sentiment": "negative"},
    "search": {"search": "story"},
}


def selections():
    for size in (0, 1, 2):
        for names in itertools.combinations(FILTERS, size):
            options = {k: v for name in names for k, v in FILTERS[name].items()}
            yield names, MentionFilter(since=SINCE, until=NOW, **options)


@pytest.mark.sqlite_only  # SQLite query plans or files
@pytest.mark.parametrize("many_hits", [False, True])
def test_no_listing_with_a_period_reads_every_mention(store, monkeypatch, many_hits):
    if many_hits:  # a word in most mentions: walk the period's index, keep the hits
        monkeypatch.setattr(queries, "FEW_HITS", 1)
    for names, selection in selections():
        for limit in (50, None):  # `mentions` and `search` take 50, `export` everything
            for lines in plans(store, lambda s=selection, n=limit: list(store.iter_mentions(s, n))):
                scans = [line for line in lines if line.startswith("SCAN m ")]
                assert not scans, (names, limit, lines)
                sorts_all = any(
                    line in ("USE TEMP B-TREE FOR ORDER BY", "USE TEMP B-TREE FOR GROUP BY")
                    for line in lines
                )
                # Ordered by an index, except a few search hits or triaged statuses, sorted.
                sorted_ok = {"sources", "triaged"} & set(names) or (
                    "search" in names and not many_hits
                )
                assert not sorts_all or sorted_ok, (names, limit, lines)


def test_a_search_lists_the_same_mentions_whichever_way_it_reads_them(store, monkeypatch):
    found = []
    for names, selection in selections():
        if selection.search is None:
            continue
        for limit in (5, None):
            few = [row["id"] for row in store.iter_mentions(selection, limit)]
            monkeypatch.setattr(queries, "FEW_HITS", 1)
            many = [row["id"] for row in store.iter_mentions(selection, limit)]
            monkeypatch.undo()
            assert few == many, (names, limit)
            found.append(len(few))
    assert max(found) > 5 and found.count(5) >= 5  # not a comparison of empty lists


@pytest.mark.sqlite_only  # SQLite query plans or files
def test_a_triaged_status_is_found_without_reading_every_mention(store):
    selection = MentionFilter(statuses=("todo",))
    (lines,) = plans(store, lambda: list(store.iter_mentions(selection, 5)))
    assert any("mentions_status_mentioned" in line for line in lines), lines
    ids = [row["id"] for row in store.iter_mentions(selection)]
    assert ids and all(i % 10 == 0 for i in ids)


def peak_mb(*args: str) -> float:
    """Peak resident memory of ``brandwatch args`` run in a child of a fresh interpreter (so
    no other child of the test process counts), in MB; its output is thrown away."""
    measure = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "assert done.returncode == 0, done\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    brandwatch = str(Path(sys.executable).parent / "brandwatch")
    done = subprocess.run(
        [sys.executable, "-c", measure, brandwatch, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=110,
    )
    return int(done.stdout) / 1024


@pytest.mark.sqlite_only  # SQLite query plans or files
@pytest.mark.slow
def test_export_and_search_memory_stays_flat_whatever_the_selection(tmp_path):
    path = tmp_path / "big.db"
    fill(path, 40_000)
    db = ("--db", str(path))
    small = peak_mb("export", *db, "--limit", "4000")
    large = peak_mb("export", *db)
    assert large - small < 15, (small, large)
    # A word in every mention, more than a search sorts in memory: read in date order.
    small = peak_mb("search", "acme", *db, "-n", "4000", "-f", "jsonl")
    large = peak_mb("search", "acme", *db, "-n", "1000000", "-f", "jsonl")
    assert large - small < 15, (small, large)


@pytest.mark.parametrize(
    ("search", "probed_only"),
    [("story", True), ("7 OR 14 OR 21 OR 28 OR 35 OR 36", False)],
    ids=["in every mention", "in a few"],
)
@pytest.mark.sqlite_only  # SQLite statements traced
def test_a_common_word_is_asked_about_the_newest_mentions_one_by_one(
    store, monkeypatch, search, probed_only
):
    """A word found in more than FEW_HITS mentions, for a few rows: the index is asked about
    the newest mentions in turn; when too few of those are hits, the set of hits answers."""
    selection = MentionFilter(search=search)
    expected = [row["id"] for row in store.iter_mentions(selection, 5)]  # few hits: sorted
    monkeypatch.setattr(queries, "FEW_HITS", 1)
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    found = [row["id"] for row in store.iter_mentions(selection, 5)]
    store.db.conn.set_trace_callback(None)
    assert found == expected and len(found) == 5
    probes = [s for s in statements if "WHERE mentions_fts.rowid = m.id" in s]
    hit_sets = [s for s in statements if "IN (SELECT rowid FROM mentions_fts" in s]
    assert len(probes) == 1
    assert not hit_sets if probed_only else len(hit_sets) == 1


def test_a_listing_row_is_the_row_shown_for_that_mention(store):
    """A listing joins each mention's keyword rows once (grouped) where ``show`` reads them
    with subqueries: the same columns either way, with several keywords, none, and copies."""
    store.db.execute(
        "UPDATE mention_keywords SET sentiment = -0.123456, sentiment_label = 'negative',"
        ' terms = \'["Globex", "globex inc"]\' WHERE mention_id % 4 = 0'
    )
    store.db.execute("DELETE FROM mention_keywords WHERE mention_id IN (5, 6)")
    store.db.conn.executemany(
        "INSERT INTO story_copies (mention_id, source, entry_id, domain, fetched_at)"
        " VALUES (?, ?, ?, ?, '2026-11-02T00:00:00+00:00')",
        [(3, "a", "c1", "x.example"), (3, "b", "c2", "y.example"), (9, "a", "c3", None)],
    )
    listed = list(store.iter_mentions(MentionFilter()))
    assert len(listed) == 40
    for row in listed:
        assert row == store.mention(row["id"]).mention, row["id"]
    by_id = {row["id"]: row for row in listed}
    assert by_id[12]["keywords"] == "Acme;Globex" and "-0.1235" in by_id[12]["keyword_sentiment"]
    assert by_id[5]["keywords"] is None and by_id[5]["matched_terms"] == "{}"
    assert (by_id[3]["copies"], by_id[3]["outlets"]) == (2, 2)  # two other outlets


def test_the_stored_keyword_names_are_each_name_once_in_order(store, tmp_path):
    """Read by one seek per name (every listing checks --keyword against them)."""
    assert store.stored_keywords() == ["Acme", "Globex"]
    with MentionStore.open(tmp_path / "empty.db") as empty:
        assert empty.stored_keywords() == []


def test_sentiment_with_keyword_lists_what_the_report_counts_for_that_keyword(
    cli, feed_server, tmp_path
):
    """A mention's sentiment per keyword is what every per-keyword figure counts (issue 10):
    the report said Globex had one negative mention ("Acme is great, Globex is awful"),
    but `mentions -k Globex --sentiment negative` listed "Globex review" instead, which
    loves Globex and hates Acme (negative overall). With --keyword, --sentiment now means
    the sentiment about those keywords, on every listing."""
    from helpers import ACME_GLOBEX, GLOBEX_REVIEW, scanned_feed

    items = [
        {"title": "Acme is great, Globex is awful", "guid": "1", "link": "https://n.example/1"},
        {**GLOBEX_REVIEW, "guid": "2", "link": "https://n.example/2"},
    ]
    config = scanned_feed(cli, feed_server, tmp_path, items, ACME_GLOBEX)
    for keyword, label, expected in [
        ("Globex", "negative", ["Acme is great, Globex is awful"]),
        ("Globex", "positive", ["Globex review"]),
        ("Acme", "negative", ["Globex review"]),
        ("Acme", "positive", ["Acme is great, Globex is awful"]),
    ]:
        report = cli("report", "-c", config, "-k", keyword, "-f", "json")
        counted = json.loads(report.stdout)["keywords"][0][label]
        for command in ("mentions", "export", "search"):
            words = ("search", "review OR great") if command == "search" else (command,)
            listed = cli(*words, "-c", config, "-k", keyword, "--sentiment", label, "-f", "jsonl")
            titles = [json.loads(line)["title"] for line in listed.stdout.splitlines()]
            assert titles == expected, (command, keyword, label)
        assert counted == len(expected)
