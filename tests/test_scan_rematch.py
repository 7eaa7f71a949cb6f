"""Re-matching and retention: stored associations follow the keywords; entries fetched up to
``retention.entries_days`` ago are found by a keyword added today; ``prune`` removes what it
says. Real scans of a feed served on 127.0.0.1, real SQLite files, the real CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from brandwatch_cli.models import Item, SourceOutcome
from brandwatch_cli.store import MentionStore
from conftest import Route
from helpers import ACME_GLOBEX, GLOBEX_REVIEW, db_rows, rss, write_config

ITEMS = [
    {"title": "Acme opens a lab", "link": "https://n.example.com/1", "guid": "1"},
    {"title": "Globex buys a boat", "link": "https://n.example.com/2", "guid": "2"},
    {"title": "Acme and Globex merge", "link": "https://n.example.com/3", "guid": "3"},
    {"title": "The Anvil Pro is heavy", "link": "https://n.example.com/4", "guid": "4"},
    {"title": "Weather: rain all week", "link": "https://n.example.com/5", "guid": "5"},
]


def keywords_of(db, title: str) -> list[str]:
    """The keywords stored for the mention titled ``title`` ([] when it has none)."""
    rows = db_rows(
        db,
        "SELECT k.keyword FROM mentions m JOIN mention_keywords k ON k.mention_id = m.id"
        f" WHERE m.title = '{title}' ORDER BY k.keyword",
    )
    return [row[0] for row in rows]


def titles(db) -> set[str]:
    return {row[0] for row in db_rows(db, "SELECT title FROM mentions")}


def store_entries(db, source: str, fetched_at: datetime, *items: Item) -> None:
    """Entries as a scan at ``fetched_at`` stored them (matched or not), through the store."""
    with MentionStore.open(db) as store:
        scan_id = store.start_scan(fetched_at)
        outcome = SourceOutcome(source, "ok", entries=len(items))
        store.save_batch(scan_id, source, (), outcome, fetched_at, entries=items)


@pytest.fixture
def feed(feed_server):
    feed_server.serve("/f.xml", rss(ITEMS))
    return [("f", feed_server.url("/f.xml"))]


def test_every_parsed_entry_is_kept_matched_or_not(cli, feed, tmp_path):
    config = write_config(tmp_path, feed, keywords="  - Acme\n")
    assert cli("scan", "-c", config).exit_code == 0
    db = tmp_path / "mentions.db"
    assert db_rows(db, "SELECT count(*) FROM entries") == [(5,)]
    assert titles(db) == {"Acme opens a lab", "Acme and Globex merge"}


def test_an_unchanged_source_writes_no_entry(cli, feed_server, tmp_path):
    feed_server.serve_sequence(
        "/f.xml", [Route(rss(ITEMS).encode(), headers={"ETag": '"a"'}), Route(status=304)]
    )
    config = write_config(tmp_path, [("f", feed_server.url("/f.xml"))])
    cli("scan", "-c", config)
    db = tmp_path / "mentions.db"
    before = db_rows(db, "SELECT entry_id, fetched_at FROM entries ORDER BY entry_id")
    assert "1 unchanged" in cli("scan", "-c", config).stdout
    assert db_rows(db, "SELECT entry_id, fetched_at FROM entries ORDER BY entry_id") == before


def test_a_keyword_added_finds_entries_fetched_up_to_the_retention_window(cli, feed, tmp_path):
    config = write_config(tmp_path, feed, keywords=ACME_GLOBEX)
    cli("scan", "-c", config)
    db = tmp_path / "mentions.db"
    now = datetime.now(UTC)
    old = Item("old-29", "https://o.example.com/29", "Anvil recall, 29 days ago", "")
    older = Item("old-31", "https://o.example.com/31", "Anvil recall, 31 days ago", "")
    store_entries(db, "f", now - timedelta(days=29), old)
    store_entries(db, "f", now - timedelta(days=31), older)

    config = write_config(tmp_path, feed, keywords=ACME_GLOBEX + "  - Anvil\n")
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stderr
    assert "re-matched: +2 Anvil (2 new mentions)" in result.stdout
    listed = cli("mentions", "-c", config, "-k", "Anvil").stdout
    assert "The Anvil Pro is heavy" in listed
    assert "Anvil recall, 29 days ago" in listed
    assert "31 days ago" not in listed  # past retention: dropped before the re-match
    assert db_rows(db, "SELECT count(*) FROM entries WHERE entry_id = 'old-31'") == [(0,)]
    # The backfilled mention keeps when its entry was fetched, not when it was re-matched.
    (fetched,) = db_rows(db, "SELECT fetched_at FROM mentions WHERE entry_id = 'old-29'")[0]
    assert datetime.fromisoformat(fetched) < now - timedelta(days=28)
    assert "nothing to change" in cli("rematch", "-c", config).stdout


def test_a_removed_keyword_leaves_mentions_and_reports(cli, feed, tmp_path):
    config = write_config(tmp_path, feed, keywords=ACME_GLOBEX)
    cli("scan", "-c", config)
    db = tmp_path / "mentions.db"
    assert keywords_of(db, "Acme and Globex merge") == ["Acme", "Globex"]

    config = write_config(tmp_path, feed, keywords="  - Acme\n")
    result = cli("scan", "-c", config)
    assert "re-matched: \u22122 Globex (1 deleted)" in result.stdout
    assert keywords_of(db, "Acme and Globex merge") == ["Acme"]
    assert "Globex buys a boat" not in titles(db)  # it named only Globex
    report = json.loads(cli("report", "-c", config, "--since", "3650d", "-f", "json").stdout)
    assert [k["keyword"] for k in report["keywords"]] == ["Acme"]
    assert report["total"]["mentions"] == 2
    gone = cli("mentions", "-c", config, "-k", "Globex")
    assert gone.exit_code == 2  # no such keyword in the config or the database any more


def test_an_exclusion_applies_to_the_past_and_triaged_mentions_are_kept(cli, feed, tmp_path):
    config = write_config(tmp_path, feed, keywords=ACME_GLOBEX)
    cli("scan", "-c", config)
    db = tmp_path / "mentions.db"
    (merge_id,) = db_rows(db, "SELECT id FROM mentions WHERE title = 'Acme and Globex merge'")[0]
    assert cli("mark", str(merge_id), "--status", "replied", "-c", config).exit_code == 0

    narrowed = "  - name: Acme\n    terms: [Acme]\n    exclude: [Acme and Globex, Acme opens]\n"
    config = write_config(tmp_path, feed, keywords=narrowed + "  - Globex\n")
    result = cli("scan", "-c", config)
    assert "re-matched: \u22122 Acme (1 deleted)" in result.stdout
    assert "Acme opens a lab" not in titles(db)  # untriaged and now naming nothing: deleted
    assert keywords_of(db, "Acme and Globex merge") == ["Globex"]

    # Narrowed again, the replied mention names nothing, but is kept, out of every figure.
    config = write_config(
        tmp_path,
        feed,
        keywords=narrowed + "  - name: Globex\n    terms: [Globex]\n    exclude: [and Globex]\n",
    )
    result = cli("scan", "-c", config)
    assert "(1 triaged kept without keyword)" in result.stdout
    assert keywords_of(db, "Acme and Globex merge") == []
    kept = cli("mentions", "-c", config, "--status", "replied").stdout
    assert "Acme and Globex merge" in kept
    report = json.loads(cli("report", "-c", config, "--since", "3650d", "-f", "json").stdout)
    assert report["total"]["mentions"] == 1  # "Globex buys a boat" only


def test_rematch_dry_run_changes_nothing_and_prints_the_counts(cli, feed, tmp_path):
    config = write_config(tmp_path, feed, keywords=ACME_GLOBEX)
    cli("scan", "-c", config)
    db = tmp_path / "mentions.db"
    before = db_rows(db, "SELECT mention_id, keyword FROM mention_keywords ORDER BY 1, 2")

    config = write_config(tmp_path, feed, keywords="  - Acme\n  - Anvil\n")
    dry = cli("rematch", "-c", config, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout == "+1 Anvil, \u22122 Globex (1 new mention, 1 deleted)\n"
    assert db_rows(db, "SELECT mention_id, keyword FROM mention_keywords ORDER BY 1, 2") == before
    assert db_rows(db, "SELECT count(*) FROM mentions") == [(3,)]

    done = cli("rematch", "-c", config)
    assert done.stdout == dry.stdout
    assert keywords_of(db, "The Anvil Pro is heavy") == ["Anvil"]
    assert cli("rematch", "-c", config).stdout == "nothing to change\n"


def test_rematch_waits_for_a_running_scan(cli, feed, tmp_path):
    from brandwatch_cli.lock import exclusive, lock_file

    config = write_config(tmp_path, feed)
    cli("scan", "-c", config)
    with exclusive(lock_file(tmp_path / "mentions.db", "scan"), "scan"):
        busy = cli("rematch", "-c", config, "--wait", "0")
    assert busy.exit_code == 4
    assert "another scan or rematch is running" in busy.stderr


def test_prune_removes_what_it_says(cli, feed, tmp_path):
    config = write_config(tmp_path, feed, keywords=ACME_GLOBEX)
    cli("scan", "-c", config)
    db = tmp_path / "mentions.db"
    now = datetime.now(UTC)
    store_entries(db, "f", now - timedelta(days=20), Item("e20", None, "twenty days", ""))
    with MentionStore.open(db) as store, store.db.atomic():
        store.db.execute(
            "UPDATE mentions SET mentioned_at = ? WHERE title != 'Acme opens a lab'",
            [(now - timedelta(days=10)).isoformat(timespec="seconds")],
        )

    dry = cli("prune", "-c", config, "--before", "15d", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout.startswith("Would remove 0 mentions and 1 entry from before ")
    assert db_rows(db, "SELECT count(*) FROM entries") == [(6,)]

    dry_keyword = cli("prune", "-c", config, "--before", "7d", "-k", "globex", "--dry-run")
    assert dry_keyword.stdout.startswith(
        "Would remove 1 mention of Globex (and take Globex off 1 other mention that names"
        " other keywords) from before "
    ), dry_keyword.stdout
    assert keywords_of(db, "Acme and Globex merge") == ["Acme", "Globex"]
    by_keyword = cli("prune", "-c", config, "--before", "7d", "-k", "globex")
    assert by_keyword.stdout.startswith(
        "Removed 1 mention of Globex (and took Globex off 1 other mention that names other"
    )
    assert keywords_of(db, "Acme and Globex merge") == ["Acme"]
    assert db_rows(db, "SELECT count(*) FROM entries") == [(6,)]

    removed = cli("prune", "-c", config, "--before", "7d")
    assert removed.stdout.startswith("Removed 1 mention and 1 entry from before ")
    assert titles(db) == {"Acme opens a lab"}
    assert db_rows(db, "SELECT count(*) FROM entries") == [(5,)]
    tomorrow = (now + timedelta(days=1)).date().isoformat()
    everything = cli("prune", "-c", config, "--before", tomorrow)
    assert everything.stdout.startswith(f"Removed 1 mention and 5 entries from before {tomorrow}")
    assert db_rows(db, "SELECT count(*) FROM entries") == [(0,)]


@pytest.mark.parametrize(
    ("before", "message"),
    [
        ("someday", "--before 'someday' is not a time"),
    ],
)
def test_prune_rejects_a_bad_date_or_keyword(cli, feed, tmp_path, before, message):
    config = write_config(tmp_path, feed)
    cli("scan", "-c", config)
    bad = cli("prune", "-c", config, "--before", before)
    assert bad.exit_code == 2
    assert message in bad.stderr
    unknown = cli("prune", "-c", config, "--before", "7d", "-k", "Initech")
    assert unknown.exit_code == 2
    assert "--keyword 'Initech': no such keyword" in unknown.stderr


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("retention: {entries_day: 30}\n", ":3: unknown key 'entries_day' in 'retention'"),
        ("retention:\n  entries_days: -1\n", ":4: 'entries_days' must be a whole number"),
        ("retention: 30\n", ":3: 'retention' must be a mapping"),
    ],
)
def test_a_bad_retention_block_is_a_config_error(cli, tmp_path, block, message):
    config = write_config(tmp_path, [("f", "feed.xml")], extra=block)
    result = cli("check", "-c", config)
    assert result.exit_code == 2
    assert message in result.stderr


def test_no_retention_keeps_no_entry(cli, feed, tmp_path):
    config = write_config(tmp_path, feed, extra="retention: {entries_days: 0}\n")
    cli("scan", "-c", config)
    assert db_rows(tmp_path / "mentions.db", "SELECT count(*) FROM entries") == [(0,)]
    assert "entries kept for re-matching: none" in cli("sources", "-c", config).stdout


def test_sources_shows_the_entries_kept(cli, feed, tmp_path):
    config = write_config(tmp_path, feed)
    cli("scan", "-c", config)
    shown = cli("sources", "-c", config).stdout
    assert "entries kept for re-matching: 5 (" in shown
    assert "each for 30 days after it was last fetched" in shown


def test_a_database_from_before_keeps_its_associations_until_rematch_all(cli, feed, tmp_path):
    config = write_config(tmp_path, feed, keywords="  - Acme\n  - Globex\n")
    cli("scan", "-c", config)
    db = tmp_path / "mentions.db"
    with MentionStore.open(db) as store, store.db.atomic():
        store.db.execute("DELETE FROM keyword_state")  # as a database from before re-matching
    narrowed = "  - name: Acme\n    terms: [Acme]\n    exclude: [Acme opens]\n"
    config = write_config(tmp_path, feed, keywords=narrowed)
    first = cli("scan", "-c", config)
    assert "re-matched" not in first.stdout  # the stored associations are taken as they are
    assert "Acme opens a lab" in titles(db)
    assert cli("rematch", "-c", config).stdout == "nothing to change\n"
    everything = cli("rematch", "-c", config, "--all")
    assert everything.stdout == "\u22121 Acme, \u22122 Globex (2 deleted)\n"
    assert titles(db) == {"Acme and Globex merge"}


TWO_SIDED = [
    {"title": "Acme is great, Globex is awful", "link": "https://t.example.com/1", "guid": "1"},
    {**GLOBEX_REVIEW, "link": "https://t.example.com/2", "guid": "2"},
]


def scores(cli, config) -> dict[str, tuple[float, dict[str, float]]]:
    """Per title: the exported mention's sentiment and its ``keyword_sentiment``."""
    lines = cli("export", "-c", config, "--format", "jsonl").stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    return {r["title"]: (r["sentiment"], r["keyword_sentiment"]) for r in rows}


@pytest.mark.parametrize("how", ["rematch", "scan"])
def test_a_keyword_re_matched_onto_a_mention_gets_the_sentiment_a_scan_gives_it(
    cli, feed_server, tmp_path, how
):
    """README, Re-matching: the past is re-matched "with the same matcher, dedupe, language
    and sentiment code a scan uses". A keyword added to stored mentions took the mention's
    whole score instead ("Globex review", which loves Globex and hates Acme: Globex -0.96,
    negative), until someone ran `rescore`; removing a keyword left the mention's own score
    averaged over the gone keyword's passages. Both now read as a fresh scan reads them."""
    fresh, config = globex_then_both(cli, feed_server, tmp_path)
    expected = scores(cli, fresh)
    assert expected["Globex review"][1]["Globex"] > 0.05 > expected["Globex review"][1]["Acme"]

    result = cli(how, "-c", config)
    assert result.exit_code == 0, result.stderr
    assert "+2 Acme" in result.stdout
    assert scores(cli, config) == expected

    feed = [("t", feed_server.url("/t.xml"))]
    globex_only = write_config(fresh.parent, feed, keywords="  - Globex\n")
    assert cli(how, "-c", globex_only).exit_code == 0
    config = write_config(tmp_path, feed, keywords="  - Globex\n")
    assert cli(how, "-c", config).exit_code == 0
    assert scores(cli, config) == scores(cli, globex_only)


def globex_then_both(cli, feed_server, tmp_path):  # type: ignore[no-untyped-def]
    """TWO_SIDED scanned with both keywords from the start (``fresh``), and scanned with
    Globex alone under a config (``config``) that now names Acme too: (fresh, config)."""
    feed_server.serve("/t.xml", rss(TWO_SIDED))
    feed = [("t", feed_server.url("/t.xml"))]
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    fresh = write_config(fresh_dir, feed, keywords=ACME_GLOBEX)
    assert cli("scan", "-c", fresh).exit_code == 0
    config = write_config(tmp_path, feed, keywords="  - Globex\n")
    assert cli("scan", "-c", config).exit_code == 0
    return fresh, write_config(tmp_path, feed, keywords=ACME_GLOBEX)


def stopped_while_scoring(cli, monkeypatch, command, config):  # type: ignore[no-untyped-def]
    """``command`` run on ``config``, stopped (Ctrl-C) when it saves its new scores."""

    def stopped(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(MentionStore, "save_analyses", stopped)
        return cli(command, "-c", config)


def test_a_rematch_stopped_while_scoring_says_what_was_saved_and_rescore_finishes(
    cli, feed_server, tmp_path, monkeypatch
):
    """Re-matching is saved before the mentions it changed are scored again: Ctrl-C in the
    scoring exits 130 saying so (not "nothing was changed"), and `rescore` finishes."""
    fresh, config = globex_then_both(cli, feed_server, tmp_path)
    result = stopped_while_scoring(cli, monkeypatch, "rematch", config)
    assert result.exit_code == 130
    assert result.stderr.count("\n") == 1, result.stderr
    assert "the re-match is saved (+2 Acme)" in result.stderr
    assert "brandwatch rescore" in result.stderr
    assert "nothing to change" in cli("rematch", "-c", config).stdout
    assert cli("rescore", "-c", config).exit_code == 0
    assert scores(cli, config) == scores(cli, fresh)


@pytest.mark.parametrize("stopped_in", ["scan", "rematch"])
@pytest.mark.parametrize("then", ["scan", "rematch"])
def test_mentions_left_unscored_by_a_stopped_re_match_are_scored_by_the_next_run(
    cli, feed_server, tmp_path, monkeypatch, stopped_in, then
):
    """A scan (or rematch) stopped while scoring the mentions it had just re-matched left
    them with their old scores: the next scan or rematch found no keyword changed and did
    not look at them, so reports showed stale sentiment until someone thought of `rescore`.
    They are marked in the re-match's own transaction, and the next run finishes them."""
    fresh, config = globex_then_both(cli, feed_server, tmp_path)
    assert stopped_while_scoring(cli, monkeypatch, stopped_in, config).exit_code == 130
    assert scores(cli, config) != scores(cli, fresh)
    assert cli(then, "-c", config).exit_code == 0
    assert scores(cli, config) == scores(cli, fresh)
