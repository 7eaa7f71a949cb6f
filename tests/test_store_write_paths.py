"""The batch writer's shortcuts (issue 12, 20,000 mentions/s): each gives what the slow way
gives. A batch marks its summary quarter hours itself instead of a trigger per keyword row;
domains of plain URLs skip ``urlsplit``; near-duplicate checks skip sets whose sizes rule
them out."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from brandwatch_cli.dedupe import SIMILARITY, similar, similarity
from brandwatch_cli.models import Item, KeywordMatch, MentionFilter, Sentiment, SourceOutcome
from brandwatch_cli.store import MentionStore, NewMention
from brandwatch_cli.store.values import bucket_key, bucket_of, url_domain
from helpers import connect, db_rows

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def mention(n: int, published: datetime, keywords: tuple[str, ...]) -> NewMention:
    item = Item(f"e{n}", None, f"title {n}", f"text number {n}", published_at=published)
    score = Sentiment(0.1, "positive", "vader")
    matches = [KeywordMatch(k, (k,), ("text",)) for k in keywords]
    return NewMention(item, matches, None, None, score, "en", "v1")


def dirty(path) -> set[str]:
    return {row[0] for row in db_rows(path, "SELECT bucket FROM summary_dirty")}


def test_a_batch_marks_the_quarter_hours_the_trigger_would_mark(tmp_path):
    """Spread over ten days (more quarter hours than a write refreshes itself), so the marks
    stay for the test to read; a mention naming no keyword marks nothing."""
    rng = random.Random(3)
    path = tmp_path / "m.db"
    batch = [
        mention(n, NOW - timedelta(minutes=rng.randint(0, 14400)), ("Acme",) if n % 7 else ())
        for n in range(400)
    ]
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        assert store.save_batch(scan, "s", batch, SourceOutcome("s", "ok"), NOW) == 400
    expected = db_rows(
        path,
        f"SELECT DISTINCT {bucket_of('m.mentioned_at')} FROM mentions m"
        " WHERE EXISTS (SELECT 1 FROM mention_keywords k WHERE k.mention_id = m.id)",
    )
    unnamed = db_rows(
        path,
        f"SELECT DISTINCT {bucket_of('m.mentioned_at')} FROM mentions m"
        " WHERE NOT EXISTS (SELECT 1 FROM mention_keywords k WHERE k.mention_id = m.id)",
    )
    assert len(expected) > 200
    assert dirty(path) == {row[0] for row in expected}
    assert set(unnamed) - set(expected), "some quarter hour holds only unnamed mentions"
    assert db_rows(path, "SELECT count(*) FROM fts_deferred") == [(0,)]


def test_other_writers_still_mark_through_the_trigger(tmp_path):
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        unnamed = mention(1, NOW - timedelta(days=3, minutes=20), ())
        store.save_batch(scan, "s", [unnamed], SourceOutcome("s", "ok"), NOW)
    with connect(path) as conn:
        conn.execute("DELETE FROM summary_dirty")
        conn.execute("INSERT INTO mention_keywords (keyword, mention_id) VALUES ('Acme', 1)")
    assert dirty(path) == {"2026-11-20T07:30:00+00:00"}


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-11-23T08:00:00+00:00",
        "2026-11-23T08:14:59+00:00",
        "2026-11-23T08:15:00+00:00",
        "2026-11-23T08:29:30+00:00",
        "2026-11-23T08:30:00+00:00",
        "2026-11-23T08:44:00+00:00",
        "2026-11-23T08:45:00+00:00",
        "2026-11-23T23:59:59+00:00",
        "0999-01-01T00:07:00+00:00",
        "2026-11-23",
        "",
    ],
)
def test_the_python_quarter_hour_is_the_sql_one(stamp):
    query = f"SELECT {bucket_of('s')} FROM (SELECT ? AS s)"
    sql = sqlite3.connect(":memory:").execute(query, [stamp]).fetchone()
    assert bucket_key(stamp) == sql[0]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.Example.COM/a?b#c",
        "http://example.com",
        "http://example.com?q=1",
        "https://site1.example/12?utm_source=x",
        "HTTPS://WWW.EXAMPLE.COM#top",
        "https://user:pw@example.com/x",
        "https://example.com:8443/x",
        "http://[::1]:80/x",
        "http://Ex%41mple.com/",
        "https://exa\tmple.com/x",
        "https://example.com\n/x",
        "https://example.com/a\nb",
        " https://example.com/x",
        "https://bücher.example/x",
        "mailto:someone@example.com",
        "ftp://files.example.org/pub",
        "https:///path-only",
        "https://www./x",
        "1http://example.com/",
        "http:/example.com/",
        "//example.com/x",
        "https://example.com\n",
        "https://a_b.example/~x",
    ],
)
def test_a_plain_urls_domain_is_urlsplits(url):
    host = urlsplit(url).hostname or ""
    assert url_domain(url) == (host.removeprefix("www.") or None)


def test_similar_is_similarity_at_the_threshold():
    rng = random.Random(5)
    for _ in range(3000):
        universe = rng.randint(5, 60)
        a = frozenset(rng.sample(range(universe), rng.randint(0, min(universe, 40))))
        b = frozenset(rng.sample(range(universe), rng.randint(0, min(universe, 40))))
        assert similar(a, b) == (similarity(a, b) >= SIMILARITY), (a, b)
    base = frozenset(range(100))
    assert similar(base, frozenset(range(80)))  # exactly 4/5
    assert not similar(base, frozenset(range(79)))
    assert not similar(base, frozenset())


def test_a_scans_sources_are_refreshed_once_at_its_end(tmp_path):
    """Inside ``summary_deferred`` (a scan) each source's write leaves its marks; the end
    refreshes them all at once (each would have refreshed its own), and the figures
    then agree with the mentions."""
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        with store.summary_deferred():
            for source in range(3):
                batch = [
                    mention(source * 100 + n, NOW - timedelta(minutes=7 * n + 1), ("Acme",))
                    for n in range(100)
                ]
                store.save_batch(scan, f"s{source}", batch, SourceOutcome(f"s{source}", "ok"), NOW)
                assert dirty(path), "left for the end"
        assert not dirty(path)
        week = MentionFilter(since=NOW - timedelta(days=7), until=NOW)
        with store.period_view(week) as fast, store.period_view(week, summary=False) as slow:
            summary, mentions = fast.keyword_stats()["Acme"], slow.keyword_stats()["Acme"]
        assert summary["mentions"] == mentions["mentions"] == 300
        assert summary["positive"] == mentions["positive"] == 300
        assert summary["average"] == pytest.approx(mentions["average"])  # summed in two orders


def test_a_scan_that_fails_midway_leaves_its_marks_to_the_next_reader(tmp_path):
    path = tmp_path / "m.db"
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        batch = [mention(n, NOW - timedelta(minutes=20 * n), ("Acme",)) for n in range(1, 51)]

        def killed() -> None:
            with store.summary_deferred():
                store.save_batch(scan, "s", batch, SourceOutcome("s", "ok"), NOW)
                raise RuntimeError("killed")

        with pytest.raises(RuntimeError):
            killed()
        assert dirty(path)
    with MentionStore.open(path) as store:
        day = MentionFilter(since=NOW - timedelta(days=1), until=NOW)
        with store.period_view(day) as view:
            assert view.keyword_stats()["Acme"]["mentions"] == 50
    assert not dirty(path)
