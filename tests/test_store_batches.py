"""A source's batch written at once: the same stories, copies and search index as one mention
at a time, and a full-text index that stays in sync."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from brandwatch_cli.dedupe import canonical_url, fingerprint, shingles
from brandwatch_cli.models import Item, KeywordMatch, MentionFilter, Sentiment, SourceOutcome
from brandwatch_cli.store import MentionStore, NewCopy, NewMention
from helpers import connect, db_rows

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
WORDS = [
    "acme",
    "parcel",
    "refund",
    "store",
    "late",
    "broken",
    "helpful",
    "agent",
    "delivery",
    "order",
    "phone",
    "call",
    "week",
    "price",
    "quality",
    "screen",
    "battery",
    "box",
    "cable",
    "manual",
    "invoice",
    "courier",
    "warehouse",
    "monday",
    "friday",
]


def new(entry_id, text, url=None, published=None, keyword="Acme", copies=()):
    item = Item(entry_id, url, f"{keyword} news", text, published_at=published)
    return NewMention(
        item,
        (KeywordMatch(keyword, (keyword,), ("title",)),),
        canonical_url(url),
        fingerprint(item.title, text),
        Sentiment(0.5, "positive", "vader"),
        "en",
        "v1",
        shingles(item.title, text),
        tuple(copies),
        keyword_sentiment={keyword: Sentiment(-0.5, "negative", "vader")},
    )


def save(store, source, mentions):
    scan = store.start_scan(NOW)
    return store.save_batch(scan, source, mentions, SourceOutcome(source, "ok"), NOW)


def long_text(rng, words=60):
    return " ".join(rng.choice(WORDS) + str(rng.randint(0, 9)) for _ in range(words))


@pytest.mark.sqlite_only  # FTS5 and its deferred range
def test_a_batch_is_searchable_and_other_inserts_still_are(tmp_path):
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        assert save(store, "s", [new(f"e{n}", f"the zebra number {n}") for n in range(50)]) == 50
        # A row written by another program (no batch): the trigger indexes it.
        store.db.execute(
            "INSERT INTO mentions (source, entry_id, title, fetched_at, mentioned_at,"
            " sentiment, sentiment_label) VALUES ('x', 'y', 'zebra outside', 'a', 'a', 0,"
            " 'neutral')"
        )
        store.db.conn.commit()
        assert len(list(store.search_hits(MentionFilter(search="zebra")))) == 51
    assert db_rows(path, "SELECT count(*) FROM fts_deferred") == [(0,)]
    with connect(path) as conn:  # deleting keeps the index consistent
        conn.execute("DELETE FROM mentions WHERE entry_id IN ('e1', 'y')")
        found = conn.execute("SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'zebra'")
        assert found.fetchone() == (49,)
        assert conn.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('integrity-check')")


def test_duplicates_inside_one_batch_are_one_story(tmp_path):
    rng = random.Random(1)
    story = long_text(rng)
    with MentionStore.open(tmp_path / "m.db") as store:
        batch = [
            new("a", "short text one", url="https://x.example/1"),
            new("a", "short text one again", url="https://x.example/other"),  # same entry
            new("b", "another one", url="https://x.example/1?utm_source=feed"),  # same page
            new("c", story),
            new("d", story + " Reprinted with permission."),  # near-identical
        ]
        assert save(store, "s", batch) == 2
        copies = store.db.execute("SELECT source, entry_id FROM story_copies").fetchall()
    assert sorted(copies) == [("s", "d")]


def test_a_batch_writes_what_one_mention_at_a_time_writes(tmp_path, backend):
    """Faces, copies, keywords with their own sentiment, the shingle index and the search
    index: the same rows whether a batch of 300 is saved at once or one mention per call."""
    rng = random.Random(7)
    stored_texts = [long_text(rng) for _ in range(40)]
    first = [
        new(f"old{n}", t, published=NOW - timedelta(days=2)) for n, t in enumerate(stored_texts)
    ]
    batch = []
    for n in range(300):
        kind = n % 6
        if kind == 0:  # a later copy of a stored story
            text = stored_texts[n % 40] + " Read more on our site."
        elif kind == 1:  # an earlier copy: becomes the face
            text = stored_texts[(n + 3) % 40] + " First published here."
        else:
            text = long_text(rng, rng.choice((5, 20, 70)))
        copies = ()
        if n % 10 == 3:
            copy = Item(f"copy{n}", f"https://mirror.example/{n}", "Acme news", text)
            copies = (NewCopy(copy, canonical_url(copy.url), fingerprint(copy.title, text)),)
        published = NOW - timedelta(days=3 if kind == 1 else 1, minutes=n)
        url = f"https://site.example/{n}" if n % 2 else None
        batch.append(new(f"e{n}", text, url, published, rng.choice(("Acme", "Globex")), copies))
    tables = {
        "mentions": "SELECT source, entry_id, url, title, text, published_at, sentiment,"
        " domain FROM mentions",
        "story_copies": "SELECT m.entry_id, c.source, c.entry_id, c.url FROM story_copies c"
        " JOIN mentions m ON m.id = c.mention_id",
        "mention_keywords": "SELECT m.entry_id, k.keyword, k.terms, k.sentiment_label"
        " FROM mention_keywords k JOIN mentions m ON m.id = k.mention_id",
        "story_shingles": "SELECT m.entry_id, s.key FROM story_shingles s"
        " JOIN mentions m ON m.id = s.mention_id",
        "search": "SELECT m.entry_id FROM mentions_fts JOIN mentions m ON m.id = mentions_fts.rowid"
        " WHERE mentions_fts MATCH 'news'"
        if backend == "sqlite"
        else "SELECT entry_id FROM mentions WHERE search @@ to_tsquery('simple', 'news')",
    }
    results = []
    for at_once in (True, False):
        path = tmp_path / f"{at_once}.db"
        with MentionStore.open(path) as store:
            save(store, "old", first)
            if at_once:
                new_count = save(store, "s", batch)
            else:
                new_count = sum(save(store, "s", [m]) for m in batch)
        results.append(
            (new_count, {name: sorted(db_rows(path, sql)) for name, sql in tables.items()})
        )
    assert results[0] == results[1]
    new_count, rows = results[0]
    assert 150 < new_count < 300
    assert len(rows["story_copies"]) > 60
