"""One story, its copies: the earliest published copy is the face, the others are kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from brandwatch_cli.analysis import analyze_all
from brandwatch_cli.config.load import load_config
from brandwatch_cli.dedupe import fingerprint, shingles
from brandwatch_cli.models import Item, KeywordMatch, MentionFilter, Sentiment, SourceOutcome
from brandwatch_cli.scan.engine import run_scan
from brandwatch_cli.store import MentionStore, NewCopy, NewMention
from helpers import connect, db_rows, rss, search_ids, write_config

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
STORY = (
    "Acme recalled forty thousand RoadRunner drones on Tuesday after owners reported "
    "batteries overheating during long flights in hot weather. The company said a faulty "
    "charging chip supplied by a third party caused the problem, and that owners should stop "
    "using the drones at once and return them to any store for a full refund or a replacement "
    "unit within six weeks."
)
SUFFIX = " This story first appeared on the Example Wire. All rights reserved."
OTHER = (
    "Acme opened a research laboratory in Lyon on Monday, its first outside North America, "
    "with two hundred engineers working on quieter propellers, longer lasting batteries and "
    "software that lets a drone land itself in strong wind. The mayor welcomed the investment "
    "and said the city hopes to attract suppliers to the new technology park by the river."
)


def new(entry_id, url, text, published, label="neutral", keyword="Acme", copies=()):
    item = Item(entry_id, url, "Acme recalls drones", text, published_at=published)
    return NewMention(
        item,
        (KeywordMatch(keyword, (keyword,), ("text",)),),
        url,
        fingerprint(item.title, text),
        Sentiment({"negative": -0.5}.get(label, 0.0), label, "vader"),
        "en",
        "v1",
        shingles(item.title, text),
        tuple(copies),
    )


def save(store, source, mentions, ranks=None):
    scan = store.start_scan(NOW)
    outcome = SourceOutcome(source, "ok")
    return store.save_batch(scan, source, mentions, outcome, NOW, ranks=ranks)


def only_mention(store):
    (row,) = store.iter_mentions(MentionFilter())
    return row


T9 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
T10 = T9 + timedelta(hours=1)


def test_a_later_near_identical_copy_is_recorded_not_counted(tmp_path):
    with MentionStore.open(tmp_path / "m.db") as store:
        assert save(store, "orig", [new("1", "https://orig.example/a", STORY, T9)]) == 1
        mirror = new("2", "https://mirror.example/a", STORY + SUFFIX, T10)
        assert save(store, "mirror", [mirror]) == 0
        row = only_mention(store)
        assert (row["url"], row["copies"], row["outlets"]) == ("https://orig.example/a", 1, 2)
        (copy,) = store.copies_of(row["id"])
        assert (copy.source, copy.url, copy.domain) == (
            "mirror",
            "https://mirror.example/a",
            "mirror.example",
        )
        assert copy.published_at == "2026-11-20T10:00:00+00:00"
        assert store.copies_of(999) == []


def test_an_earlier_copy_found_later_becomes_the_face_and_keeps_the_mention(tmp_path):
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        save(store, "mirror", [new("2", "https://mirror.example/a", STORY + SUFFIX, T10)])
        mention_id = only_mention(store)["id"]
        store.set_status([mention_id], "todo", "call them", NOW)
        earlier = new("1", "https://orig.example/a", STORY, T9, label="negative", keyword="Acme")
        assert save(store, "orig", [earlier]) == 0
        row = only_mention(store)
        assert row["id"] == mention_id
        assert (row["source"], row["url"], row["text"]) == ("orig", "https://orig.example/a", STORY)
        assert (row["status"], row["note"]) == ("todo", "call them")
        assert (row["sentiment_label"], row["published_at"]) == (
            "negative",
            "2026-11-20T09:00:00+00:00",
        )
        assert [(c.source, c.url) for c in store.copies_of(mention_id)] == [
            ("mirror", "https://mirror.example/a")
        ]
        # The former face's keys still lead to the story; its page is known.
        assert store.known("mirror", [("2", None)]) == {0}
        mirror = new("2", "https://mirror.example/a", STORY + SUFFIX, T10)
        assert save(store, "mirror", [mirror]) == 0
        assert len(store.copies_of(mention_id)) == 1
    assert db_rows(path, "SELECT mentioned_at FROM mentions") == [("2026-11-20T09:00:00+00:00",)]
    assert search_ids(path, "weeks") == [mention_id]


def test_equal_dates_go_to_the_source_first_in_the_config(tmp_path):
    ranks = {"b": 0, "a": 1}
    with MentionStore.open(tmp_path / "m.db") as store:
        save(store, "a", [new("1", "https://a.example/x", STORY, T9)], ranks)
        save(store, "b", [new("1", "https://b.example/x", STORY, T9)], ranks)
        assert only_mention(store)["source"] == "b"
        save(store, "c", [new("1", "https://c.example/x", STORY, T9)], ranks)  # not configured
        assert only_mention(store)["source"] == "b"
        assert only_mention(store)["copies"] == 2


def test_an_undated_copy_never_displaces_a_dated_face(tmp_path):
    with MentionStore.open(tmp_path / "m.db") as store:
        save(store, "b", [new("1", "https://b.example/x", STORY, T10)], {"a": 0, "b": 1})
        save(store, "a", [new("1", "https://a.example/x", STORY, None)], {"a": 0, "b": 1})
        assert only_mention(store)["source"] == "b"


def test_a_different_article_is_a_new_story(tmp_path):
    with MentionStore.open(tmp_path / "m.db") as store:
        save(store, "a", [new("1", "https://a.example/x", STORY, T9)])
        assert save(store, "b", [new("1", "https://b.example/y", OTHER, T9)]) == 1
        assert [r["copies"] for r in store.iter_mentions(MentionFilter())] == [0, 0]


def test_batch_copies_follow_their_face_into_a_stored_story(tmp_path):
    with MentionStore.open(tmp_path / "m.db") as store:
        save(store, "a", [new("1", "https://a.example/x", STORY, T9)])
        copies = [
            NewCopy(Item("3", "https://b.example/z", "t", STORY), "https://b.example/z", None),
            NewCopy(Item("4", "https://a.example/x", "t", STORY), "https://a.example/x", None),
        ]
        later = new("2", "https://b.example/y", STORY + SUFFIX, T10, copies=copies)
        assert save(store, "b", [later]) == 0
        row = only_mention(store)
        # The face's own page is not a copy of it.
        assert (row["copies"], row["outlets"]) == (2, 2)


def test_a_copy_is_found_among_many_stories_sharing_a_boilerplate_footer(tmp_path):
    footer = (
        " Subscribe to the Example Daily newsletter for the latest Acme news, reviews and deals"
        " delivered to your inbox every morning, and follow us everywhere."
    )
    with MentionStore.open(tmp_path / "m.db") as store:
        for n in range(40):  # 40 different stories, each ending with the same footer
            text = " ".join(f"w{n}x{i}" for i in range(40)) + footer
            save(store, "a", [new(f"o{n}", f"https://a.example/{n}", text, T9)])
        assert len(list(store.iter_mentions(MentionFilter()))) == 40
        save(store, "a", [new("s", "https://a.example/s", STORY + footer, T9)])
        copy = new("c", "https://b.example/c", STORY + footer + SUFFIX, T10)
        assert save(store, "b", [copy]) == 0
        story = next(r for r in store.iter_mentions(MentionFilter()) if r["url"].endswith("/s"))
        assert story["copies"] == 1


@pytest.mark.sqlite_only  # a database from before PostgreSQL
def test_a_stored_database_is_indexed_for_near_identical_texts(tmp_path):
    from sqlite_utils import Database

    from brandwatch_cli.store.schema import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m007_story_copies")
    old.execute(
        "INSERT INTO mentions (source, entry_id, url, canonical_url, title, text, published_at,"
        " fetched_at, mentioned_at, sentiment, sentiment_label)"
        " VALUES ('a', '1', 'https://a.example/x', 'https://a.example/x', 'Acme recalls drones',"
        " ?, '2026-11-20T09:00:00+00:00', 'x', 'x', 0, 'neutral')",
        [STORY],
    )
    old.conn.commit()
    old.close()
    with MentionStore.open(path) as store:
        assert save(store, "b", [new("1", "https://b.example/y", STORY + SUFFIX, T10)]) == 0
        assert only_mention(store)["copies"] == 1


# Scans: the face does not depend on which source finishes first ----------------------------


def feed(link, text, published):
    return rss(
        [
            {
                "title": "Acme recalls drones",
                "link": link,
                "guid": link,
                "description": text,
                "pubDate": published,
            }
        ]
    )


@pytest.mark.parametrize("slow", ["original", "mirror"])
def test_the_original_is_the_face_whichever_source_finishes_first(feed_server, tmp_path, slow):
    docs = {
        # The config lists the copies first: only the dates can make the original the face.
        "mirror": feed("https://mirror.example/a", STORY + SUFFIX, "Fri, 20 Nov 2026 10:00:00 GMT"),
        "wire": feed("https://wire.example/a", STORY, "Fri, 20 Nov 2026 11:00:00 GMT"),
        "original": feed("https://orig.example/a", STORY, "Fri, 20 Nov 2026 09:00:00 GMT"),
    }
    for name, body in docs.items():
        feed_server.serve(f"/{name}.xml", body, delay=2.0 if name == slow else 0.0)
    sources = [(name, feed_server.url(f"/{name}.xml")) for name in docs]
    config = load_config(write_config(tmp_path, sources))
    # Load the analyzers first, so the fetch delay alone decides which source finishes last.
    analyze_all([(Item("w", None, "Acme", STORY), [])], config.keywords, config.lexicon)
    finished: list[str] = []
    with MentionStore.open(config.database) as store:
        result = run_scan(config, store, on_source_done=lambda o: finished.append(o.source))
        assert finished[-1] == slow
        assert result.new_mentions == 1
        row = only_mention(store)
        assert (row["source"], row["url"]) == ("original", "https://orig.example/a")
        assert (row["copies"], row["outlets"]) == (2, 3)
        assert [c.source for c in store.copies_of(row["id"])] == ["mirror", "wire"]
        again = run_scan(config, store)  # a rescan finds every copy known
        assert again.new_mentions == 0
        assert only_mention(store)["copies"] == 2


def test_copies_in_one_feed_are_one_mention_with_the_earliest_as_face(cli, feed_server, tmp_path):
    items = [
        {
            "title": "Acme recalls drones",
            "link": "https://m.example/1",
            "guid": "1",
            "description": STORY + SUFFIX,
            "pubDate": "Fri, 20 Nov 2026 10:00:00 GMT",
        },
        {
            "title": "Acme recalls drones",
            "link": "https://o.example/1",
            "guid": "2",
            "description": STORY,
            "pubDate": "Fri, 20 Nov 2026 09:00:00 GMT",
        },
        {
            "title": "Acme opens a lab",
            "link": "https://o.example/2",
            "guid": "3",
            "description": OTHER,
            "pubDate": "Fri, 20 Nov 2026 09:00:00 GMT",
        },
    ]
    feed_server.serve("/f.xml", rss(items))
    config = write_config(tmp_path, [("f", feed_server.url("/f.xml"))])
    assert "2 new mentions" in cli("scan", "-c", config).stdout
    export = cli("export", "-c", config, "--format", "jsonl", "--since", "2026-11-01")
    records = sorted(
        (json.loads(line) for line in export.stdout.splitlines()), key=lambda r: r["id"]
    )
    assert [(r["url"], r["copies"], r["outlets"]) for r in records] == [
        ("https://o.example/1", 1, 2),
        ("https://o.example/2", 0, 1),
    ]
    csv_head = cli("export", "-c", config, "--since", "2026-11-01").stdout.splitlines()[0]
    assert ",note,matched_terms,copies,outlets," in csv_head  # appended, in this order
    with connect(tmp_path / "mentions.db") as conn:
        assert conn.execute("SELECT count(*) FROM story_shingles").fetchone()[0] > 0
