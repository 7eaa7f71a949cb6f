"""Each keyword row holds its mention's time (``m021_keyword_times``), which themes read
instead of the mention: every way a keyword row is written or a mention's time changes keeps
the two equal, and themes read that way give what reading the mentions gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from brandwatch_cli.insight.report import build_report
from brandwatch_cli.insight.themes import (
    SECTION_BACKGROUND,
    SECTION_SAMPLE,
    SECTION_TOP,
    Selections,
    begin_themes,
    find_themes,
)
from brandwatch_cli.models import (
    Item,
    Keyword,
    KeywordMatch,
    MentionFilter,
    Sentiment,
    SourceOutcome,
)
from brandwatch_cli.store import MentionStore, NewMention
from brandwatch_cli.store.base import iso
from helpers import db_rows, rss, write_config
from test_scan_rematch import ACME_GLOBEX, feed, store_entries  # noqa: F401 (a fixture)
from test_store_stories import NOW, STORY, SUFFIX, T9, T10, new, save


def wrong_times(path) -> list[tuple[object, ...]]:
    """Keyword rows whose time is not their mention's (none when all is right)."""
    return db_rows(
        path,
        "SELECT k.keyword, k.mention_id, k.mentioned_at, m.mentioned_at"
        " FROM mention_keywords k JOIN mentions m ON m.id = k.mention_id"
        " WHERE k.mentioned_at IS NULL OR k.mentioned_at <> m.mentioned_at"
        " OR k.fetched_at IS NULL OR k.fetched_at <> m.fetched_at",
    )


def keyword_rows(path) -> int:
    return int(db_rows(path, "SELECT count(*) FROM mention_keywords")[0][0])


def mention(n: int, hours_ago: float, keywords: tuple[str, ...], text: str) -> NewMention:
    item = Item(f"e{n}", None, f"post {n}", text, published_at=NOW - timedelta(hours=hours_ago))
    label = ("positive", "negative", "neutral")[n % 3]
    return NewMention(
        item,
        [KeywordMatch(k, (k,), ("text",)) for k in keywords],
        None,
        None,
        Sentiment({"positive": 0.5, "negative": -0.5}.get(label, 0.0), label, "vader"),
        "en",
        "v1",
    )


def corpus() -> list[NewMention]:
    """Two weeks of Acme and Globex mentions, Acme's lost parcels many this week, few before."""
    talk = ("service client injoignable", "great battery life", "rien de neuf", "quel temps")

    def said(n: int) -> str:  # Acme's lost parcels: many this week (n < 240), a few before
        lost = n % 3 != 2 and (n % 2 == 0 if n < 240 else n % 9 == 0)
        return f"{talk[n % 4]}, {talk[n % 3]}" + (", colis perdu encore" if lost else "")

    return [
        mention(
            n, n * 0.7, ("Globex",) if n % 3 == 2 else ("Acme", "Globex")[: 1 + n % 5 // 4], said(n)
        )
        for n in range(480)
    ]


def test_a_batch_and_a_single_write_give_keyword_rows_their_mentions_time(tmp_path):
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        batch = [mention(n, n * 3.5, ("Acme", "Globex")[: 1 + n % 2], "hello") for n in range(40)]
        scan = store.start_scan(NOW)
        assert store.save_batch(scan, "s", batch, SourceOutcome("s", "ok"), NOW) == 40
        with store._writing("one mention"):  # the path re-matching saves through
            assert store.save_mention("t", mention(99, 2, ("Acme",), "single"), iso(NOW), {}) == 1
    assert keyword_rows(path) == 61
    assert wrong_times(path) == []


def test_a_new_face_moves_the_keyword_rows_to_its_time(tmp_path):
    """The story's earlier copy becomes its face: the mention's time moves back an hour, and
    its keyword rows with it."""
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        save(store, "mirror", [new("2", "https://mirror.example/a", STORY + SUFFIX, T10)])
        assert save(store, "orig", [new("1", "https://orig.example/a", STORY, T9)]) == 0
    assert db_rows(path, "SELECT mentioned_at FROM mention_keywords") == [
        ("2026-11-20T09:00:00+00:00",)
    ]
    assert wrong_times(path) == []


def test_any_change_of_a_mentions_times_moves_its_keyword_rows(tmp_path):
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        save(store, "s", [new("1", "https://s.example/a", STORY, T10)])
        with store._writing("test"):
            store.db.execute("UPDATE mentions SET mentioned_at = '2026-01-02T03:04:05+00:00'")
            store.db.execute("UPDATE mentions SET fetched_at = '2026-01-03T00:00:00+00:00'")
    assert db_rows(path, "SELECT mentioned_at, fetched_at FROM mention_keywords") == [
        ("2026-01-02T03:04:05+00:00", "2026-01-03T00:00:00+00:00")
    ]


def test_rematch_adding_and_removing_keywords_keeps_the_times(cli, feed, tmp_path):  # noqa: F811
    config = write_config(tmp_path, feed, keywords=ACME_GLOBEX)
    assert cli("scan", "-c", config).exit_code == 0
    db = tmp_path / "mentions.db"
    old = Item("old-2", "https://o.example.com/2", "Anvil recall, 2 days ago", "")
    store_entries(db, "f", NOW - timedelta(days=2), old)
    added = cli("scan", "-c", write_config(tmp_path, feed, keywords=ACME_GLOBEX + "  - Anvil\n"))
    assert "Anvil" in added.stdout
    anvil = db_rows(db, "SELECT count(*) FROM mention_keywords WHERE keyword = 'Anvil'")
    assert anvil == [(2,)]
    assert wrong_times(db) == []
    assert cli("scan", "-c", write_config(tmp_path, feed, keywords="  - Anvil\n")).exit_code == 0
    assert {row[0] for row in db_rows(db, "SELECT keyword FROM mention_keywords")} == {"Anvil"}
    assert wrong_times(db) == []


def test_prune_and_a_copy_keep_the_times(cli, feed_server, tmp_path):
    feed_server.serve(
        "/f.xml",
        rss(
            [
                {
                    "title": f"Acme news {n}",
                    "link": f"https://n.example.com/{n}",
                    "guid": str(n),
                    "pubDate": f"Mon, {2 + n:02d} Nov 2026 10:00:00 GMT",
                }
                for n in range(6)
            ]
        ),
    )
    config = write_config(tmp_path, [("f", feed_server.url("/f.xml"))])
    assert cli("scan", "-c", config).exit_code == 0
    db = tmp_path / "mentions.db"
    assert cli("prune", "-c", config, "--before", "2026-11-05").exit_code == 0
    assert keyword_rows(db) == 3
    assert wrong_times(db) == []
    twin = tmp_path / "twin.db"
    copied = cli("db", "copy", "-c", config, "--to", str(twin))
    assert copied.exit_code == 0, copied.stderr
    assert keyword_rows(twin) == 3
    assert wrong_times(twin) == []
    assert db_rows(twin, "SELECT mentioned_at FROM mention_keywords ORDER BY 1") == db_rows(
        db, "SELECT mentioned_at FROM mention_keywords ORDER BY 1"
    )


def test_themes_from_the_keyword_rows_are_those_from_the_mentions(tmp_path):
    """A period alone is read from the keyword rows' own times; with a source named (every
    source: the same mentions) each mention is read. Same themes, same exact figures."""
    batch = corpus()
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        assert store.save_batch(scan, "s", batch, SourceOutcome("s", "ok"), NOW) == 480
        week = MentionFilter(since=NOW - timedelta(days=7), until=NOW)
        by_time = find_themes(store, week, now=NOW).themes
        by_mention = find_themes(store, replace(week, sources=("s",)), now=NOW).themes
        # a digest's kind of period: by fetch time, up to a mention id
        fetched = MentionFilter(since=NOW - timedelta(hours=12), by_fetch=True, up_to_id=300)
        by_fetch = find_themes(store, fetched, now=NOW + timedelta(hours=1)).themes
        by_fetch_mention = find_themes(
            store, replace(fetched, sources=("s",)), now=NOW + timedelta(hours=1)
        ).themes
    assert by_time == by_mention
    assert by_fetch == by_fetch_mention
    assert by_fetch["Acme"], "themes found in the fetch window"
    lost = next(theme for theme in by_time["Acme"] if theme.phrase == "colis perdu")
    assert (lost.count, lost.previous) == (79, 27)  # n = 0 is at the end: outside


@pytest.mark.sqlite_only
def test_themes_never_read_every_mention_to_leave_the_noise_out(tmp_path):
    """The noise bucket is read from its own small index, not by scanning every mention (the
    digest's covering index also holds the flag, and SQLite preferred it)."""
    import re

    with MentionStore.open(tmp_path / "m.db") as store:
        scan = store.start_scan(NOW)
        store.save_batch(scan, "s", corpus(), SourceOutcome("s", "ok"), NOW)
        queries: list[str] = []
        store.db.conn.set_trace_callback(queries.append)
        find_themes(store, MentionFilter(since=NOW - timedelta(days=7), until=NOW), now=NOW)
        store.db.conn.set_trace_callback(None)
        reads = [q for q in queries if "noise = 1" in q and q.lstrip().startswith("SELECT")]
        assert reads
        for sql in reads:
            plan = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql)]
            every = [s for s in plan if re.match(r"SCAN (n|m|mentions)\b", s)]
            assert all(s.endswith("INDEX mentions_noise") for s in every), plan  # the bucket


@pytest.mark.sqlite_only
def test_an_older_database_gets_its_keyword_rows_times_when_upgraded(tmp_path):
    from sqlite_utils import Database

    from brandwatch_cli.store.schema import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m021_keyword_times")
    old.execute(
        "INSERT INTO mentions (source, entry_id, fetched_at, mentioned_at, sentiment,"
        " sentiment_label) VALUES ('s', '1', '2026-11-02T10:00:00+00:00',"
        " '2026-11-01T09:00:00+00:00', 0, 'neutral')"
    )
    old.execute("INSERT INTO mention_keywords (keyword, mention_id) VALUES ('Acme', 1), ('B', 1)")
    old.conn.commit()
    old.close()
    with MentionStore.open(path):
        pass
    assert db_rows(path, "SELECT keyword, mentioned_at, fetched_at FROM mention_keywords") == [
        ("Acme", "2026-11-01T09:00:00+00:00", "2026-11-02T10:00:00+00:00"),
        ("B", "2026-11-01T09:00:00+00:00", "2026-11-02T10:00:00+00:00"),
    ]


def test_a_reports_themes_use_its_keyword_counts_as_the_keyword_rows_count_them(tmp_path):
    """The report hands its keyword table's counts to the themes section instead of counting
    again: the section is what counting the keyword rows gives."""
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        assert store.save_batch(scan, "s", corpus(), SourceOutcome("s", "ok"), NOW) == 480
        week = MentionFilter(since=NOW - timedelta(days=7), until=NOW)
        report = build_report(store, week, now=NOW)
        scope = Selections(
            week, replace(week, since=week.since - timedelta(days=7), until=week.since)
        )
        counted = begin_themes(
            store,
            scope,
            [Keyword("Acme", ("Acme",)), Keyword("Globex", ("Globex",))],
            everyone=report.total.mentions,
            top=SECTION_TOP,
            sample=SECTION_SAMPLE,
            background=SECTION_BACKGROUND,
        )()
    assert report.themes["Acme"]
    assert report.themes == counted


@pytest.mark.parametrize("sources", [(), ("s",)])
def test_themes_hands_its_counts_of_both_periods_as_the_keyword_rows_count_them(
    tmp_path, monkeypatch, sources
):
    """`themes` counts each keyword's mentions of both periods once (from the summary where it
    answers) and hands them to the keyword's reads, which then do not count their rows again:
    the same themes as counting them, with a source filter too."""
    from brandwatch_cli.insight import themes as themes_module
    from brandwatch_cli.insight.themes import find_themes

    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        assert store.save_batch(scan, "s", corpus(), SourceOutcome("s", "ok"), NOW) == 480
        week = MentionFilter(since=NOW - timedelta(days=7), until=NOW, sources=sources)
        handed = find_themes(store, week, now=NOW)
        begin = themes_module.begin_themes
        monkeypatch.setattr(
            themes_module,
            "begin_themes",
            lambda *args, counts=None, **kwargs: begin(*args, **kwargs),  # counted again
        )
        recounted = find_themes(store, week, now=NOW)
    assert handed.themes["Acme"]
    assert handed == recounted
