"""The period summary (store/summary.py) answers exactly what the mentions answer.

Random mentions, then the writes that change figures (re-matching keywords, rescoring,
pruning, marking, mentions entering and leaving the noise bucket); after each, every figure a
report, digest or alert reads is computed both from the summary and from the mentions alone,
and must agree. And no period query reads the whole mentions table.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandwatch_cli.errors import StoreError
from brandwatch_cli.models import MentionFilter
from brandwatch_cli.store import MentionStore, iso

KEYWORDS = ("Acme", "Globex", "Initech")
ASPECTS = ("price", "delivery", "staff")
#: The kinds of write ``change`` makes.
CHANGES = ("rematch", "rename", "rescore", "prune", "move", "mark", "noise", "aspects")
START = datetime(2026, 3, 20, tzinfo=UTC)  # the days around Europe's switch to summer time
SPAN = timedelta(days=14)
ZONES = (UTC, ZoneInfo("Europe/Paris"), ZoneInfo("Asia/Kolkata"), ZoneInfo("America/New_York"))


def moment(rng: random.Random) -> datetime:
    """A random second in the data's span, often on a quarter hour or a midnight."""
    at = START + timedelta(seconds=rng.randrange(int(SPAN.total_seconds())))
    return rng.choice((at, at.replace(minute=at.minute // 15 * 15, second=0), at.replace(hour=0)))


def aspect_score(rng: random.Random) -> float:
    """An aspect's sentiment, often one of a few values (ties), sometimes near the labels'
    thresholds."""
    return rng.choice((-0.9, -0.5, -0.05, 0.0, 0.04, 0.05, 0.5, 0.9, round(rng.uniform(-1, 1), 4)))


def populate(store: MentionStore, rng: random.Random, count: int, first_id: int = 1) -> None:
    mentions, links, aspects = [], [], []
    for n in range(first_id, first_id + count):
        at = iso(moment(rng))
        score = rng.choice((-0.8, -0.3, 0.0, 0.02, 0.4, 0.9, rng.uniform(-1, 1)))
        label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
        method = rng.choice(("vader", "vader", "french", "none"))
        mentions.append(
            (
                n,
                f"source{rng.randrange(4)}",
                f"e{n}",
                at,
                at,
                score,
                label,
                method,
                rng.choice((None, "", "a.example", "b.example")),
                rng.choice((None, "", "ann", "bob", "cy")),
                float(rng.randrange(50)),
                rng.choice((None, 10.0, 2000.0)),
            )
        )
        for keyword in rng.sample(KEYWORDS, rng.choice((0, 1, 1, 2, 3))):
            own = rng.uniform(-1, 1)
            links.append((keyword, n, own, "positive" if own > 0 else "negative"))
        aspects += [
            (n, aspect, aspect_score(rng)) for aspect in rng.sample(ASPECTS, rng.randrange(3))
        ]
    with store.db.atomic():  # not through _writing: the next reader refreshes
        store.db.conn.executemany(
            """INSERT INTO mentions (id, source, entry_id, mentioned_at, fetched_at, sentiment,
            sentiment_label, sentiment_method, domain, author, interactions, followers)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            mentions,
        )
        store.db.conn.executemany(
            "INSERT INTO mention_keywords (keyword, mention_id, sentiment, sentiment_label)"
            " VALUES (?, ?, ?, ?)",
            links,
        )
        store.db.conn.executemany(
            "INSERT INTO mention_aspects (mention_id, aspect, sentiment) VALUES (?, ?, ?)", aspects
        )


def change(store: MentionStore, rng: random.Random, kind: str) -> None:
    """One write of the kind a command does, through a write transaction (which refreshes)."""
    ids = [row[0] for row in store.db.execute("SELECT id FROM mentions")]
    some = rng.sample(ids, min(len(ids), 5))
    with store._writing("test change"):
        run = store.db.conn.executemany
        if kind == "rematch":  # a keyword dropped from some mentions, added to others
            run("DELETE FROM mention_keywords WHERE mention_id = ?", [(i,) for i in some[:2]])
            run(
                "INSERT OR IGNORE INTO mention_keywords (keyword, mention_id) VALUES ('Acme', ?)",
                [(i,) for i in some[2:]],
            )
        elif kind == "rename":
            store.db.execute(
                "UPDATE mention_keywords SET keyword = 'Hooli' WHERE keyword = ? AND NOT EXISTS"
                " (SELECT 1 FROM mention_keywords o WHERE o.keyword = 'Hooli'"
                " AND o.mention_id = mention_keywords.mention_id)",
                [rng.choice(KEYWORDS)],
            )
        elif kind == "rescore":
            run(
                "UPDATE mentions SET sentiment = ?, sentiment_label = 'negative',"
                " sentiment_method = 'vader' WHERE id = ?",
                [(-0.5, i) for i in some],
            )
            run(
                "UPDATE mention_keywords SET sentiment = 0.7, sentiment_label = 'positive'"
                " WHERE mention_id = ?",
                [(i,) for i in some],
            )
        elif kind == "prune":
            store.db.execute("DELETE FROM mentions WHERE mentioned_at < ?", [iso(moment(rng))])
        elif kind == "noise":  # labelled irrelevant, muted or scored low, or back again
            for i in some:
                store.label_relevance(i, rng.choice(("relevant", "irrelevant")))
        elif kind == "aspects":  # what rescore rewrites: some aspects go, others come
            run("DELETE FROM mention_aspects WHERE mention_id = ?", [(i,) for i in some[:3]])
            run(
                "INSERT INTO mention_aspects (mention_id, aspect, sentiment) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                [(i, rng.choice(ASPECTS), aspect_score(rng)) for i in some[1:]],
            )
        elif kind == "move":  # a story's face replaced by an earlier copy
            run(
                "UPDATE mentions SET mentioned_at = ? WHERE id = ?",
                [(iso(moment(rng)), i) for i in some],
            )
    if kind == "mark":
        store.set_status(some, "replied", None, START)


def figures(store: MentionStore, selection: MentionFilter, summary: bool) -> dict[str, object]:
    """Everything a report reads of ``selection``, in a comparable form."""
    with store.period_view(selection, summary=summary) as view:
        assert (view.quarters is not None) == summary or selection.since is None
        result: dict[str, object] = {
            "totals": view.totals(),
            "keywords": view.keyword_stats(),
            "rankings": [
                view.ranking(column, order, 3)
                for column in ("source", "domain", "author")
                for order in ("mentions", "interactions")
            ],
        }
        # several orders from one grouping (a report's authors and influencers) give what
        # each gives alone
        orders = ("interactions", "mentions")
        assert view.rankings("author", orders, 3) == {
            o: view.ranking("author", o, 3) for o in orders
        }
        named = [*KEYWORDS, "Hooli"]
        # the summary's aspects, and the examples read from the scale's ends, against the
        # aspect rows alone (a keyword filter reads them) ranked whole
        if summary:
            counts = store.aspect_counts(selection, named)
            examples = store._walked(selection, counts, 2)
            if store.postgres:  # the same walks, each stopped by its LIMIT in the server
                assert store._walked_in_server(selection, counts, 2) == examples
        else:
            counts = store.aspect_counts(replace(selection, keywords=tuple(named)), named)
            examples = store._ranked(selection, named, 2)
        result["aspects"] = counts
        result["aspect examples"] = examples
        for zone in ZONES:
            for unit in ("hour", "day", "week", "month"):
                rows = view.trend(unit, zone)
                result[f"trend {zone} {unit}"] = sorted(
                    rows, key=lambda r: (r["keyword"] or "", r["start"])
                )
    return result


def rounded(value: object) -> object:
    """Averages are sums over different groupings: equal to the last few bits."""
    return json.loads(json.dumps(value), parse_float=lambda text: round(float(text), 9))


def assert_same(store: MentionStore, rng: random.Random) -> None:
    since = moment(rng)
    until = since + rng.choice((timedelta(minutes=20), timedelta(hours=7), timedelta(days=9)))
    selection = MentionFilter(since=since, until=until)
    assert rounded(figures(store, selection, True)) == rounded(figures(store, selection, False))
    marks = dict.fromkeys(store.db.execute("SELECT bucket FROM summary_dirty"))
    assert not marks, "a reader refreshed what was marked"


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), changes=st.lists(st.sampled_from(CHANGES), max_size=4))
def test_the_summary_agrees_with_the_mentions(tmp_path_factory, seed, changes):
    rng = random.Random(seed)
    with MentionStore.open(tmp_path_factory.mktemp("db") / "m.db") as store:
        populate(store, rng, 300)
        assert_same(store, rng)
        for kind in changes:
            change(store, rng, kind)
            if kind != "prune":  # a few mentions: refreshed before the write committed
                assert not store.db.execute("SELECT 1 FROM summary_dirty").fetchall(), kind
            assert_same(store, rng)
        populate(store, rng, 50, first_id=10_000)  # marked, refreshed by the next reader
        assert_same(store, rng)


def test_spike_windows_agree_with_the_mentions(tmp_path):
    rng = random.Random(7)
    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, rng, 2000)
        for now in (START + SPAN, START + SPAN - timedelta(minutes=15), moment(rng)):
            for window in (timedelta(hours=24), timedelta(hours=5, minutes=7)):
                counts = store.window_counts(KEYWORDS, now, window, 8)
                expected = {k: ([0] * 8, [0] * 8) for k in KEYWORDS}
                rows = store.db.execute(
                    "SELECT k.keyword, m.mentioned_at, k.sentiment_label FROM mentions m"
                    " JOIN mention_keywords k ON k.mention_id = m.id"
                )
                for keyword, at, label in rows:
                    ago = (now - timedelta(seconds=1) - datetime.fromisoformat(at)) // window
                    if now > datetime.fromisoformat(at) and ago < 8:
                        expected[keyword][0][ago] += 1
                        expected[keyword][1][ago] += label == "negative"
                assert counts == expected
                assert sum(counts["Acme"][0]) > 0


def test_like_windows_count_only_their_own_hours(tmp_path):
    """Windows a stride apart (the same hours of each day, the same weekday): each counts what
    falls inside it, nothing between them."""
    rng = random.Random(11)
    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, rng, 2000)
        cases = [(timedelta(hours=3), timedelta(days=1), 10), (timedelta(days=1), SPAN / 2, 2)]
        for now in (START + SPAN, START + SPAN - timedelta(minutes=7), moment(rng)):
            for window, stride, windows in cases:
                counts = store.window_counts(KEYWORDS, now, window, windows, stride)
                expected = {k: ([0] * windows, [0] * windows) for k in KEYWORDS}
                rows = store.db.execute(
                    "SELECT k.keyword, m.mentioned_at, k.sentiment_label FROM mentions m"
                    " JOIN mention_keywords k ON k.mention_id = m.id"
                )
                for keyword, at, label in rows:
                    offset = now - timedelta(seconds=1) - datetime.fromisoformat(at)
                    ago = offset // stride
                    if (
                        now > datetime.fromisoformat(at)
                        and ago < windows
                        and offset % stride < window
                    ):
                        expected[keyword][0][ago] += 1
                        expected[keyword][1][ago] += label == "negative"
                assert counts == expected
                assert sum(counts["Acme"][0]) > 0


def test_a_reader_that_cannot_refresh_reads_the_mentions(tmp_path, monkeypatch):
    rng = random.Random(3)
    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, rng, 200)

        def read_only() -> int:
            raise StoreError("attempt to write a readonly database")

        monkeypatch.setattr(store, "refresh_summary", read_only)
        selection = MentionFilter(since=START, until=START + SPAN)
        with store.period_view(selection) as view:
            assert view.quarters is None  # stale summary: not read
            assert view.totals()["mentions"] > 0
        assert store.db.execute("SELECT count(*) FROM summary_dirty").fetchone()[0] > 0


def test_trend_in_utc_keys_buckets_by_their_utc_start(tmp_path):
    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, random.Random(5), 200)
        selection = MentionFilter(since=START, until=START + SPAN)
        with store.period_view(selection) as view:
            paris = {r["start"] for r in view.trend("day", ZoneInfo("Europe/Paris"))}
            india = {r["start"] for r in view.trend("hour", ZoneInfo("Asia/Kolkata"))}
            utc = {r["start"] for r in view.trend("week")}
    # Paris midnight is 23:00 UTC in winter, 22:00 from the last Sunday of March (the 29th).
    assert "2026-03-27T23:00:00" in paris and "2026-03-30T22:00:00" in paris
    assert {s[11:] for s in paris} == {"23:00:00", "22:00:00"}
    assert {s[14:] for s in india} == {"30:00"}
    assert utc <= {"2026-03-16T00:00:00", "2026-03-23T00:00:00", "2026-03-30T00:00:00"}


#: Plan steps that read every mention: a scan, or a range of ids bounded on one side only.
EVERY_MENTION = r"^SCAN (m|mentions|k|mention_keywords)\b|\((rowid|mention_id)<|AUTOMATIC"


@pytest.mark.parametrize(
    "selection",
    [
        MentionFilter(since=START + timedelta(hours=5, minutes=7), until=START + SPAN),
        MentionFilter(since=START, until=START + SPAN, statuses=("new", "todo")),
        MentionFilter(since=START, until=START + SPAN, keywords=("Acme",)),
        MentionFilter(since=START, until=START + SPAN, sources=("source1",), sentiment="negative"),
        MentionFilter(since=START, by_fetch=True, up_to_id=100),
    ],
    ids=["summary", "status", "keyword", "source", "digest"],
)
@pytest.mark.sqlite_only
def test_no_period_query_reads_every_mention(tmp_path, selection):
    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, random.Random(1), 500)
        queries: list[str] = []
        store.db.conn.set_trace_callback(queries.append)
        with store.period_view(selection) as view:
            (
                view.totals(),
                view.keyword_stats(),
                view.trend("day"),
                view.ranking("author", "mentions", 5),
            )
        store.window_counts(KEYWORDS, START + SPAN, timedelta(days=1), 8)
        store.db.conn.set_trace_callback(None)
        # The rankings' copy of the period's edges is checked as it is made, not read.
        reads = [
            re.sub(r"^CREATE TABLE temp\.\w+ AS ", "", q.lstrip())
            for q in queries
            if "FROM temp.period_" not in q
        ]
        reads = [q for q in reads if q.startswith(("SELECT", "WITH"))]
        assert len(reads) >= 5
        for sql in reads:
            plan = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql)]
            scans = [step for step in plan if re.search(EVERY_MENTION, step)]
            assert not scans, f"{sql}\n{plan}"


@pytest.mark.parametrize("keywords", [(), ("Globex",)])
def test_the_reply_first_list_of_a_long_period_is_the_same_either_way(
    tmp_path, monkeypatch, keywords
):
    from brandwatch_cli.store import queries

    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, random.Random(11), 600)
        selection = MentionFilter(
            since=START + timedelta(days=2), until=START + SPAN, keywords=keywords,
            statuses=("new", "todo"),
        )  # fmt: skip
        store.set_status([1, 2, 3, 4, 5, 6], "replied", None, START)
        sorting = store.most_negative(selection, 12)
        monkeypatch.setattr(queries, "MANY_MENTIONS", 0)
        walking = store.most_negative(selection, 12)
    assert [m["id"] for m in walking] == [m["id"] for m in sorting]
    assert len(sorting) == 12 and not {1, 2, 3, 4, 5, 6} & {m["id"] for m in walking}


@pytest.mark.parametrize("page", [500, 3])  # PostgreSQL's first page, and more rows after it
def test_the_most_heard_of_every_keyword_at_once_are_each_keywords_own(tmp_path, monkeypatch, page):
    from brandwatch_cli.store import queries

    monkeypatch.setattr(queries, "HEARD_PAGE", page)
    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, random.Random(13), 400)
        store.db.execute("UPDATE mentions SET interactions = id % 97")  # few ties
        selection = MentionFilter(since=START, until=START + SPAN, statuses=("new",))
        together = store.most_heard_by_keyword(selection, ["Acme", "Initech"], 5)
        for name in ("Acme", "Initech"):
            alone = store.most_heard(replace(selection, keywords=(name,)), 5)
            assert [m["id"] for m in together[name]] == [m["id"] for m in alone]
            assert len(alone) == 5


@pytest.mark.parametrize(
    "selection",
    [
        MentionFilter(since=START + timedelta(days=3), by_fetch=True, up_to_id=500),
        MentionFilter(after_id=200, up_to_id=450),
        MentionFilter(since=START + timedelta(days=2), until=START + timedelta(days=6, hours=5)),
        MentionFilter(since=START, until=START + SPAN, keywords=("Acme",), statuses=("new",)),
    ],
    ids=["by fetch", "after a mark", "summary and edges", "keyword"],
)
def test_a_view_without_a_copy_reads_the_same_figures(tmp_path, selection):
    rng = random.Random(17)
    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, rng, 600)
        # Fetched in another order than mentioned, as a digest's window is by fetch time.
        store.db.execute("UPDATE mentions SET fetched_at = ? WHERE id % 3 = 0", [iso(START)])

        def read(direct: bool) -> object:
            with store.period_view(selection, direct=direct) as view:
                return view.totals(), view.keyword_stats()

        copied, direct = read(False), read(True)
    assert rounded(direct) == rounded(copied)
    totals, keywords = copied
    assert totals["mentions"] > 20 and keywords  # type: ignore[index]


@pytest.mark.sqlite_only  # SQLite statements traced
def test_a_digest_reads_its_window_from_covering_indexes(tmp_path):
    """m014: the fetch-time index and the keyword rows by mention hold every column a
    digest's figures and lists sort by, so none visits a mention's table row."""
    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, random.Random(5), 300)
        window = MentionFilter(since=START + timedelta(days=2), by_fetch=True, up_to_id=250)
        open_items = replace(window, statuses=("new", "todo"))
        statements: list[str] = []
        store.db.conn.set_trace_callback(statements.append)
        with store.period_view(window, direct=True) as view:
            view.totals(), view.keyword_stats()
        heard = store.most_heard_by_keyword(open_items, KEYWORDS, 5)
        negative = store.most_negative(open_items, 10)
        store.db.conn.set_trace_callback(None)
        assert heard["Acme"] and negative
        reads = [q for q in statements if q.lstrip().startswith("SELECT") and "fetched_at >=" in q]
        assert len(reads) == 4, reads
        for sql in reads:
            plan = [row[3] for row in store.db.conn.execute("EXPLAIN QUERY PLAN " + sql)]
            mention_steps = [step for step in plan if re.match(r"(SEARCH|SCAN) m ", step)]
            keyword_steps = [step for step in plan if re.match(r"(SEARCH|SCAN) [ekn] ", step)]
            assert mention_steps and keyword_steps, plan
            assert all("COVERING INDEX mentions_fetched " in s for s in mention_steps), plan
            assert all("COVERING INDEX mention_keywords_by_mention" in s for s in keyword_steps)


def test_mentions_in_the_noise_bucket_leave_the_summary_and_come_back(tmp_path):
    rng = random.Random(11)
    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, rng, 300)
        selection = MentionFilter(since=START, until=START + SPAN)
        before = figures(store, selection, True)["totals"]["mentions"]
        named = "SELECT DISTINCT mention_id FROM mention_keywords ORDER BY mention_id LIMIT 40"
        noise = [row[0] for row in store.db.execute(named)]
        with store._writing("label"):
            for mention_id in noise:
                store.label_relevance(mention_id, "irrelevant")
        assert figures(store, selection, True)["totals"]["mentions"] == before - 40
        assert rounded(figures(store, selection, True)) == rounded(figures(store, selection, False))
        with_noise = replace(selection, noise="include")
        assert figures(store, with_noise, False)["totals"]["mentions"] == before
        with store._writing("label"):
            for mention_id in noise:
                store.label_relevance(mention_id, "relevant")
        assert figures(store, selection, True)["totals"]["mentions"] == before


@pytest.mark.sqlite_only
def test_refreshing_a_few_quarter_hours_reads_only_their_mentions(tmp_path):
    """A scan's write refreshes the quarter hours it touched: over the time index, never an
    index SQLite builds on the fly over every mention (the noise flag once made it)."""
    with MentionStore.open(tmp_path / "m.db") as store:
        populate(store, random.Random(1), 500)
        with store._writing("refresh"):
            store.refresh_summary()
        populate(store, random.Random(2), 3, first_id=501)
        queries: list[str] = []
        store.db.conn.set_trace_callback(queries.append)
        with store._writing("refresh"):
            assert store.refresh_summary(days=False) > 0
        store.db.conn.set_trace_callback(None)
        (made,) = [q for q in queries if "CREATE TEMP TABLE summary_rows" in q]
        read = re.sub(r"^\s*CREATE TEMP TABLE summary_rows AS ", "", made)
        plan = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + read)]
        assert not [step for step in plan if re.search(EVERY_MENTION, step)], plan
