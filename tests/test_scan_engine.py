"""Scans across runs: conditional GET, backoff, rate limits, redirects, cursors, attribution."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item, Keyword, SourceConfig
from brandwatch_cli.scan.attempt import backoff_until
from brandwatch_cli.sources.context import FetchContext
from conftest import Route
from helpers import connect, rss, write_config

ITEMS = [
    {"title": "Acme opens a lab", "link": "https://n.example.com/1", "guid": "1"},
    {"title": "Globex buys a boat", "link": "https://n.example.com/2", "guid": "2"},
]


def state(db, source):
    with connect(db) as conn:
        cursor = conn.execute("SELECT * FROM source_state WHERE source = ?", [source])
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None


def test_unchanged_feed_is_not_parsed_again(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(ITEMS), headers={"ETag": '"abc"'})
    config = write_config(tmp_path, [("f", feed_server.url("/f.xml"))])
    assert "2 new mentions" in cli("scan", "-c", config).stdout
    feed_server.serve_sequence("/f.xml", [Route(status=304)])
    second = cli("scan", "-c", config)
    assert second.exit_code == 0
    assert "1 unchanged" in second.stdout
    assert feed_server.requests[-1][1]["if-none-match"] == '"abc"'
    assert state(tmp_path / "mentions.db", "f")["status"] == "unchanged"
    listing = cli("sources", "-c", config).stdout
    assert "unchanged" in listing and "yes" in listing  # ETag held


def test_validators_survive_unchanged_rescans_and_follow_a_change(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(ITEMS), headers={"ETag": '"abc"'})
    config = write_config(tmp_path, [("f", feed_server.url("/f.xml"))])
    cli("scan", "-c", config)
    feed_server.serve_sequence("/f.xml", [Route(status=304)])
    for _ in range(2):  # a 304 keeps what the store holds without rewriting it
        assert "1 unchanged" in cli("scan", "-c", config).stdout
        assert feed_server.requests[-1][1]["if-none-match"] == '"abc"'
    more = [*ITEMS, {"title": "Acme hires", "link": "https://n.example.com/3", "guid": "3"}]
    feed_server.serve("/f.xml", rss(more), headers={"ETag": '"def"'})
    assert "1 new mention " in cli("scan", "-c", config).stdout
    feed_server.serve_sequence("/f.xml", [Route(status=304)])
    assert "1 unchanged" in cli("scan", "-c", config).stdout
    assert feed_server.requests[-1][1]["if-none-match"] == '"def"'


def test_identical_body_without_validators_is_unchanged(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(ITEMS))
    config = write_config(tmp_path, [("f", feed_server.url("/f.xml"))])
    cli("scan", "-c", config)
    assert "1 unchanged" in cli("scan", "-c", config).stdout


def test_changed_keywords_invalidate_the_cache(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(ITEMS), headers={"ETag": '"abc"'})
    config = write_config(tmp_path, [("f", feed_server.url("/f.xml"))], keywords="  - Acme\n")
    assert "1 new mention " in cli("scan", "-c", config).stdout
    config = write_config(tmp_path, [("f", feed_server.url("/f.xml"))])  # Globex added
    result = cli("scan", "-c", config)
    # The stored entry becomes a Globex mention before the fetch; the feed is read again all
    # the same (its items are matched against the new keywords).
    assert "re-matched: +1 Globex (1 new mention)" in result.stdout
    assert "if-none-match" not in feed_server.requests[-1][1]


@pytest.mark.parametrize(
    "change",
    [
        "    query: 'Acme OR Globex'\n",
        "    case_sensitive: true\n",
        "    require_any: [recall]\n",
        "    languages: [en]\n",
    ],
)
def test_any_change_to_what_a_keyword_matches_invalidates_the_cache(
    cli, feed_server, tmp_path, change
):
    feed_server.serve("/f.xml", rss(ITEMS), headers={"ETag": '"abc"'})
    source = [("f", feed_server.url("/f.xml"))]
    before = "  - name: Acme\n    terms: [Acme]\n"
    cli("scan", "-c", write_config(tmp_path, source, keywords=before))
    after = "  - name: Acme\n" + (change if "query" in change else "    terms: [Acme]\n" + change)
    cli("scan", "-c", write_config(tmp_path, source, keywords=after))
    assert "if-none-match" not in feed_server.requests[-1][1]


def test_a_failing_source_backs_off_across_runs(cli, feed_server, tmp_path):
    config = write_config(
        tmp_path,
        [("broken", feed_server.url("/broken")), ("ok", feed_server.serve("/ok", rss(ITEMS)))],
    )
    db = tmp_path / "mentions.db"
    first = cli("scan", "-c", config)
    assert first.exit_code == 1
    assert state(db, "broken")["failures"] == 1
    assert state(db, "broken")["next_attempt"] is None  # the next scan tries again
    second = cli("scan", "-c", config)
    assert second.exit_code == 1
    after_two = state(db, "broken")
    assert after_two["failures"] == 2 and after_two["next_attempt"] > after_two["last_attempt"]
    requests_before = feed_server.paths().count("/broken")
    third = cli("scan", "-c", config)
    assert third.exit_code == 0  # nothing failed in this run: the source was skipped
    assert feed_server.paths().count("/broken") == requests_before
    assert "warning: source 'broken' skipped: backing off until" in third.stderr
    assert "HTTP 404" in third.stderr  # the reason is never dropped silently
    listing = cli("sources", "-c", config).stdout
    assert "failed" in listing and "HTTP 404" in listing
    feed_server.serve("/broken", rss(ITEMS))
    forced = cli("scan", "-c", config, "--force")
    assert forced.exit_code == 0
    assert state(db, "broken")["failures"] == 0
    assert state(db, "broken")["next_attempt"] is None


def test_naming_a_source_fetches_it_even_while_backing_off(cli, feed_server, tmp_path):
    config = write_config(tmp_path, [("broken", feed_server.url("/broken"))])
    cli("scan", "-c", config)
    cli("scan", "-c", config)
    assert cli("scan", "-c", config).exit_code == 0  # skipped
    count = feed_server.paths().count("/broken")
    assert cli("scan", "-c", config, "--source", "broken").exit_code == 1
    assert feed_server.paths().count("/broken") == count + 1


def test_rate_limited_is_reported_apart_and_waits(cli, feed_server, tmp_path):
    feed_server.serve("/busy", status=429, headers={"Retry-After": "600"})
    config = write_config(tmp_path, [("busy", feed_server.url("/busy"))])
    result = cli("scan", "-c", config)
    assert result.exit_code == 0
    assert "rate limited" in result.stdout
    assert "warning: source 'busy' rate limited" in result.stderr
    saved = state(tmp_path / "mentions.db", "busy")
    wait = datetime.fromisoformat(saved["next_attempt"]) - datetime.fromisoformat(
        saved["last_attempt"]
    )
    assert timedelta(seconds=590) <= wait <= timedelta(seconds=660)
    assert "skipped" in cli("scan", "-c", config).stdout


def test_permanent_redirect_is_recorded_and_shown(cli, feed_server, tmp_path):
    feed_server.serve("/new.xml", rss(ITEMS))
    old = feed_server.serve("/old.xml", status=301, headers={"Location": "/new.xml"})
    config = write_config(tmp_path, [("moved", old)])
    assert cli("scan", "-c", config).exit_code == 0
    assert state(tmp_path / "mentions.db", "moved")["moved_to"] == feed_server.url("/new.xml")
    listing = cli("sources", "-c", config).stdout
    assert "moved permanently to" in listing


def test_backoff_schedule():
    now = datetime(2026, 11, 23, tzinfo=UTC)
    assert backoff_until(1, now) is None
    assert backoff_until(2, now) == now + timedelta(minutes=15)
    assert backoff_until(4, now) == now + timedelta(hours=1)
    assert backoff_until(30, now) == now + timedelta(days=1)
    assert backoff_until(1, now, wait=120) == now + timedelta(minutes=2)


class CursorSource:
    """A stand-in query source: records what it was given, fails on demand."""

    OPTIONS: ClassVar[dict[str, type]] = {"fail": bool, "partial": bool}
    NEEDS_URL: ClassVar[bool] = False
    seen: ClassVar[list[tuple[tuple[str, ...], dict[str, str]]]] = []

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config
        self.keywords = keywords

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        CursorSource.seen.append((tuple(k.name for k in self.keywords), dict(ctx.cursors)))
        for keyword in self.keywords:
            ctx.cursors[keyword.name] = ctx.now.isoformat()
        if self.config.options.get("fail"):
            raise SourceError("boom")
        if self.config.options.get("partial"):
            first = Item(entry_id="p1", url=None, title="Acme before the failure", text="")
            raise SourceError("failed on the second keyword", partial=[first])
        return [
            Item(
                entry_id="r1",
                url=None,
                title="A review with no brand name",
                text="Love it",
                engagement={"rating": 5, "votes": 2},
            ),
            Item(entry_id="r2", url=None, title="Globex is fine", text=""),
        ]


@pytest.fixture
def cursor_type(monkeypatch):
    from brandwatch_cli import sources

    monkeypatch.setitem(sources.SOURCE_TYPES, "cursor", "test_scan_engine:CursorSource")
    CursorSource.seen.clear()
    return CursorSource


def test_cursors_are_kept_only_when_the_source_succeeds(cli, tmp_path, cursor_type):
    config = tmp_path / "c.yaml"
    body = "keywords: [Acme, Globex]\nsources:\n  - {name: q, type: cursor, keywords: [Acme]%s}\n"
    config.write_text(body % "")
    assert cli("scan", "-c", config).exit_code == 0
    assert cursor_type.seen[0] == (("Acme",), {})
    config.write_text(body % ", fail: true")
    assert cli("scan", "-c", config).exit_code == 1
    first_cursor = cursor_type.seen[1][1]["Acme"]
    assert cli("scan", "-c", config, "--force").exit_code == 1
    assert cursor_type.seen[2][1] == {"Acme": first_cursor}  # the failed run saved nothing


def test_about_attributes_every_item_to_a_keyword(cli, tmp_path, cursor_type):
    config = tmp_path / "c.yaml"
    config.write_text(
        "database: m.db\nkeywords: [Acme, Globex]\n"
        "sources:\n  - {name: reviews, type: cursor, about: Acme}\n"
    )
    assert cli("scan", "-c", config).exit_code == 0
    with connect(tmp_path / "m.db") as conn:
        rows = conn.execute(
            "SELECT m.entry_id, group_concat(k.keyword, ';') FROM mentions m"
            " JOIN mention_keywords k ON k.mention_id = m.id GROUP BY m.id ORDER BY m.entry_id"
        ).fetchall()
    assert [(entry, set(names.split(";"))) for entry, names in rows] == [
        ("r1", {"Acme"}),
        ("r2", {"Acme", "Globex"}),
    ]
    exported = cli("export", "-c", config, "--format", "jsonl", "--keyword", "Acme").stdout
    by_id = {json.loads(line)["title"]: json.loads(line) for line in exported.splitlines()}
    assert by_id["A review with no brand name"]["engagement"] == {"rating": 5, "votes": 2}
    as_csv = cli("export", "-c", config, "--format", "csv").stdout
    assert '"{""rating"": 5, ""votes"": 2}"' in as_csv


def test_about_and_keywords_must_name_configured_keywords(cli, tmp_path, cursor_type):
    config = tmp_path / "c.yaml"
    config.write_text("keywords: [Acme]\nsources:\n  - {name: r, type: cursor, about: Acne}\n")
    result = cli("scan", "-c", config)
    assert result.exit_code == 2
    assert "'Acne' is not one of the configured keywords (did you mean 'Acme'?)" in result.stderr


def test_items_read_before_a_failure_are_kept(cli, tmp_path, cursor_type):
    config = tmp_path / "c.yaml"
    config.write_text(
        "database: m.db\nkeywords: [Acme]\nsources:\n  - {name: q, type: cursor, partial: true}\n"
    )
    result = cli("scan", "-c", config)
    assert result.exit_code == 1
    assert "failed on the second keyword" in result.stderr
    with connect(tmp_path / "m.db") as conn:
        assert conn.execute("SELECT entry_id FROM mentions").fetchall() == [("p1",)]
        assert conn.execute("SELECT count(*) FROM source_cursors").fetchone() == (0,)


# -- a crash in parsing or scoring fails its source, never the scan ------------------------------

BOOM_ITEMS = [
    {"title": "Acme hires", "link": "https://b.example.com/1", "guid": "1"},
    {"title": "Acme boom", "link": "https://b.example.com/2", "guid": "2"},
    {"title": "Acme ships a boat", "link": "https://b.example.com/3", "guid": "3"},
]


def _explode_on_boom(monkeypatch):
    """Scoring a text saying "boom" raises StopIteration, which asyncio cannot put on the
    future a scan awaits: unguarded, the scan would wait forever."""
    from brandwatch_cli import sentiment

    analyze = sentiment.analyze

    def exploding(text, language, lexicon=()):
        if "boom" in text:
            raise StopIteration
        return analyze(text, language, lexicon)

    monkeypatch.setattr(sentiment, "analyze", exploding)
    return analyze


@pytest.mark.timeout(60)
def test_a_mention_whose_scoring_crashes_fails_its_source_not_the_batch(
    cli, feed_server, tmp_path, monkeypatch
):
    analyze = _explode_on_boom(monkeypatch)
    config = write_config(
        tmp_path,
        [
            ("bad", feed_server.serve("/bad.xml", rss(BOOM_ITEMS))),
            ("good", feed_server.serve("/good.xml", rss(ITEMS))),
        ],
    )
    result = cli("scan", "-c", config)
    assert result.exit_code == 1
    assert "error: source 'bad' failed: could not score 1 mention (StopIteration)" in result.stderr
    assert "source 'good'" not in result.stderr
    db = tmp_path / "mentions.db"
    with connect(db) as conn:
        rows = conn.execute(
            "SELECT source, title, sentiment_method, sentiment_version != '' FROM mentions"
            " ORDER BY source, entry_id"
        ).fetchall()
    assert rows == [
        ("bad", "Acme hires", "vader", 1),
        ("bad", "Acme boom", "error", 0),  # kept, neutral, stale: rescore tries it again
        ("bad", "Acme ships a boat", "vader", 1),
        ("good", "Acme opens a lab", "vader", 1),
        ("good", "Globex buys a boat", "vader", 1),
    ]
    assert state(db, "bad")["status"] == "failed"
    from brandwatch_cli import sentiment

    monkeypatch.setattr(sentiment, "analyze", analyze)  # scoring works again
    assert cli("rescore", "-c", config).exit_code == 0
    with connect(db) as conn:
        assert conn.execute(
            "SELECT sentiment_method FROM mentions WHERE title = 'Acme boom'"
        ).fetchone() == ("vader",)


@pytest.mark.timeout(60)
def test_a_parser_that_crashes_fails_its_source_only(cli, feed_server, tmp_path, monkeypatch):
    from brandwatch_cli.sources import feed

    parse = feed.parse_feed

    def exploding(content, headers, url):
        if url.endswith("/bad.xml"):
            raise StopIteration
        return parse(content, headers, url)

    monkeypatch.setattr(feed, "parse_feed", exploding)
    config = write_config(
        tmp_path,
        [
            ("bad", feed_server.serve("/bad.xml", rss(ITEMS))),
            ("good", feed_server.serve("/good.xml", rss(ITEMS))),
        ],
    )
    result = cli("scan", "-c", config)
    assert result.exit_code == 1
    assert "error: source 'bad' failed: could not read its items (StopIteration)" in result.stderr
    assert "Traceback" not in result.stderr
    with connect(tmp_path / "mentions.db") as conn:
        assert conn.execute("SELECT DISTINCT source FROM mentions").fetchall() == [("good",)]


def test_contained_work_raises_source_errors_that_cross_processes():
    import pickle

    from brandwatch_cli.sources.context import contained

    def stop() -> None:
        raise StopIteration

    with pytest.raises(SourceError, match=r"could not read its items \(StopIteration\)") as info:
        contained(stop)
    again = pickle.loads(pickle.dumps(info.value))
    assert isinstance(again, SourceError) and str(again) == str(info.value)

    def refuse() -> None:
        raise SourceError("as is")

    with pytest.raises(SourceError, match=r"^as is$"):
        contained(refuse)


def test_the_summary_time_is_a_sources_own_not_its_wait_in_the_queue(cli, feed_server, tmp_path):
    for n in range(3):
        feed_server.serve(
            f"/q{n}.xml", rss([{"title": "Acme", "link": f"https://q.example/{n}"}]), delay=1
        )
    config = write_config(
        tmp_path,
        [(f"q{n}", feed_server.url(f"/q{n}.xml")) for n in range(3)],
        extra="per_host: 1\n",
    )
    result = cli("scan", "-c", config, "--concurrency", "1")
    assert result.exit_code == 0, result.stderr

    with connect(tmp_path / "mentions.db") as conn:
        times = [t for (t,) in conn.execute("SELECT duration_s FROM scan_sources")]
    # Each answers in ~1 s (the first also loads the analyzers); counted from the start of the
    # scan instead, they took ~1, ~2 and ~3 s.
    assert len(times) == 3 and sorted(times)[1] < 1.7, times


def test_a_feeds_items_are_matched_in_the_same_trip_as_their_parsing(
    cli, feed_server, tmp_path, monkeypatch
):
    # The parser's prefilter builds the candidates where the feed is parsed: the scan never
    # sends a feed's items to be matched again (one trip per document, on big scans one
    # pickling of its items less).
    from brandwatch_cli.scan import engine

    def no_second_trip(*args):
        raise AssertionError("a feed's items were matched twice")

    monkeypatch.setattr(engine, "prepare", no_second_trip)
    config = write_config(tmp_path, [("f", feed_server.serve("/f.xml", rss(ITEMS)))])
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stderr
    assert "2 new mentions" in result.stdout
