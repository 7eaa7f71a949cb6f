"""Aspects end to end, on both engines: stored at scan, recomputed by ``rescore`` after a
config edit, filtered by ``mentions --aspect``, exported, shown, and reported per keyword."""

from __future__ import annotations

import csv
import io
import json

import pytest

from helpers import db_rows, rss, write_config

ITEMS = [
    {
        "title": "Acme : livraison rapide mais SAV injoignable",
        "guid": "fr-1",
        "description": "Commandé lundi, reçu mardi.",
    },
    {
        "title": "Acme is way too expensive",
        "guid": "en-1",
        "description": "The price went up again and the staff could not explain why.",
    },
    {
        "title": "Acme, un grand merci au livreur",
        "guid": "fr-2",
        "description": "Colis arrivé en avance et en parfait état.",
    },
    {"title": "Acme annonce ses résultats", "guid": "fr-3", "description": "Rien de neuf."},
]


@pytest.fixture
def scanned(cli, feed_server, tmp_path):
    feed_server.serve("/feed.xml", rss(ITEMS))
    config = write_config(tmp_path, [("feed", feed_server.url("/feed.xml"))])
    assert cli("scan", "-c", config).exit_code == 0
    return config, tmp_path / "mentions.db"


def by_guid(db):
    """guid -> {aspect: sentiment} as ``mention_aspects`` holds it."""
    found: dict[str, dict[str, float]] = {}
    for entry, aspect, score in db_rows(
        db,
        "SELECT m.entry_id, a.aspect, a.sentiment FROM mentions m"
        " LEFT JOIN mention_aspects a ON a.mention_id = m.id",
    ):
        own = found.setdefault(entry.rsplit("/", 1)[-1], {})
        if aspect is not None:
            own[aspect] = score
    return found


def test_a_scan_stores_each_mentions_aspects_with_their_polarity(scanned):
    _, db = scanned
    found = by_guid(db)
    assert found["fr-1"]["delivery"] > 0.05 and found["fr-1"]["customer_service"] < -0.05
    assert found["en-1"]["price"] < -0.05
    assert found["fr-2"]["delivery"] > 0.05
    assert found["fr-3"] == {}


def test_export_has_the_aspects_column_as_json(cli, scanned):
    config, _ = scanned
    out = cli("export", "-c", config, "--format", "csv").stdout
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(out))}
    assert next(iter(rows.values())).keys() >= {"aspects"}
    fr1 = json.loads(rows["Acme : livraison rapide mais SAV injoignable"]["aspects"])
    assert list(fr1) == ["customer_service", "delivery"]  # keys sorted
    assert all(round(v, 2) == v for v in fr1.values())  # two decimals
    assert rows["Acme annonce ses résultats"]["aspects"] == "{}"
    lines = cli("export", "-c", config, "--format", "jsonl").stdout.splitlines()
    records = {r["title"]: r for r in map(json.loads, lines)}
    assert records["Acme : livraison rapide mais SAV injoignable"]["aspects"] == fr1  # an object
    assert records["Acme annonce ses résultats"]["aspects"] == {}


def test_mentions_filter_by_aspect(cli, scanned):
    config, _ = scanned
    listed = cli("mentions", "-c", config, "--aspect", "delivery", "--format", "jsonl").stdout
    assert sorted(json.loads(line)["title"] for line in listed.splitlines()) == [
        "Acme : livraison rapide mais SAV injoignable",
        "Acme, un grand merci au livreur",
    ]
    shouted = cli("mentions", "-c", config, "--aspect", "DELIVERY", "--format", "jsonl").stdout
    assert shouted == listed  # any case
    either = cli("mentions", "-c", config, "--aspect", "price", "--aspect", "customer_service")
    assert either.exit_code == 0 and len(either.stdout.splitlines()) == 2
    exported = cli("export", "-c", config, "--aspect", "price", "--format", "jsonl").stdout
    assert [json.loads(line)["title"] for line in exported.splitlines()] == [
        "Acme is way too expensive"
    ]


def test_an_unknown_aspect_is_an_error(cli, scanned):
    config, _ = scanned
    result = cli("mentions", "-c", config, "--aspect", "prix")
    assert result.exit_code == 2
    assert "--aspect 'prix'" in result.stderr and "did you mean 'price'?" in result.stderr


def test_rescore_applies_an_edited_config_to_stored_mentions(cli, scanned):
    config, db = scanned
    assert cli("mark", "-c", config, "1", "--status", "todo").exit_code == 0
    text = config.read_text() + "aspects:\n  staff: null\n  results: [résultats, results]\n"
    config.write_text(text)
    result = cli("rescore", "-c", config)
    assert result.exit_code == 0, result.stderr
    found = by_guid(db)
    assert "staff" not in found["en-1"]
    assert set(found["fr-3"]) == {"results"}
    out = cli("export", "-c", config, "--format", "jsonl").stdout
    records = {r["title"]: r for r in map(json.loads, out.splitlines())}
    assert set(records["Acme annonce ses résultats"]["aspects"]) == {"results"}
    assert db_rows(db, "SELECT status FROM mentions WHERE id = 1") == [("todo",)]
    assert cli("mentions", "-c", config, "--aspect", "results").stdout.count("\n") == 1
    assert cli("rescore", "-c", config).stdout == ""  # nothing stale any more


def test_show_says_a_mentions_aspects(cli, scanned):
    config, db = scanned
    ((mention_id,),) = db_rows(db, "SELECT id FROM mentions WHERE entry_id LIKE '%fr-1'")
    text = cli("show", str(mention_id), "-c", config).stdout
    assert "customer_service -0." in text and "delivery +0." in text
    detail = json.loads(cli("show", str(mention_id), "-c", config, "--format", "json").stdout)
    assert set(detail["mention"]["aspects"]) == {"customer_service", "delivery"}


def test_the_report_says_what_each_keyword_is_praised_and_blamed_for(cli, scanned):
    config, db = scanned
    since = ("--since", "2000-01-01")
    data = json.loads(cli("report", "-c", config, *since, "--format", "json").stdout)
    (acme,) = data["aspects"]
    assert acme["keyword"] == "Acme"
    figures = {f["aspect"]: f for f in acme["aspects"]}
    assert acme["aspects"][0]["aspect"] == "delivery"  # the most talked about first
    delivery = figures["delivery"]
    assert (delivery["mentions"], delivery["positive"], delivery["negative"]) == (2, 2, 0)
    ids = dict(db_rows(db, "SELECT entry_id, id FROM mentions"))
    fr1 = next(i for e, i in ids.items() if e.endswith("fr-1"))
    assert figures["customer_service"]["complaints"] == [fr1]
    assert figures["customer_service"]["praise"] == []
    markdown = cli("report", "-c", config, *since, "--format", "markdown").stdout
    assert "## Aspects" in markdown and "| customer\\_service | 1 | 0 | 1 |" in markdown
    table = cli("report", "-c", config, *since).stdout
    assert "What Acme's mentions say, by aspect" in table and "customer_service" in table


def test_old_and_recent_periods_count_their_own_aspects(scanned):
    """A recent period is read from the aspect rows, an old one from its mentions (whose
    later ones would otherwise all be read): both count what they hold, and only that."""
    from datetime import UTC, datetime, timedelta

    from brandwatch_cli.models import MentionFilter
    from brandwatch_cli.store import MentionStore
    from helpers import connect

    _, db = scanned
    now = datetime.now(UTC)
    old = (now - timedelta(days=400)).isoformat(timespec="seconds")
    with connect(db) as conn:
        conn.execute(
            "UPDATE mentions SET mentioned_at = ?, fetched_at = ?"
            " WHERE entry_id LIKE '%/fr-1' OR entry_id LIKE '%/en-1'",
            [old, old],
        )
        conn.commit()
    recent = MentionFilter(since=now - timedelta(days=30), until=now + timedelta(minutes=1))
    back_then = MentionFilter(since=now - timedelta(days=410), until=now - timedelta(days=390))
    with MentionStore.open(db) as store:
        assert store._recent(recent) and not store._recent(back_then)
        counted = {
            name: {(r["aspect"], r["mentions"], r["positive"], r["negative"]) for r in rows}
            for name, rows in (
                ("recent", store.aspect_counts(recent, ["Acme"])),
                ("back then", store.aspect_counts(back_then, ["Acme"])),
            )
        }
        examples = store.aspect_examples(back_then, ["Acme"])
    assert counted["recent"] == {("delivery", 1, 1, 0)}
    stored = by_guid(db)
    expected = {
        (aspect, 1, int(score >= 0.05), int(score <= -0.05))
        for guid in ("fr-1", "en-1")
        for aspect, score in stored[guid].items()
    }
    assert {"customer_service", "price"} <= {aspect for aspect, *_ in expected}
    assert counted["back then"] == expected
    praised, blamed = examples[("Acme", "customer_service")]
    assert not praised and [m["title"] for m in blamed] == [ITEMS[0]["title"]]


def test_the_aspect_summary_agrees_with_the_aspect_rows_after_every_change(scanned):
    """Whole quarter hours from ``summary_aspects``, edges from the rows: the same figures as
    the rows alone (a keyword filter reads them), before and after a mention moves in time
    and an aspect row goes (as ``rescore`` rewrites them)."""
    from datetime import UTC, datetime, timedelta

    from brandwatch_cli.models import MentionFilter
    from brandwatch_cli.store import MentionStore
    from helpers import connect

    _, db = scanned
    now = datetime.now(UTC)
    keywords = ["Acme", "Globex"]
    plain = MentionFilter(since=now - timedelta(days=2, minutes=7), until=now + timedelta(hours=1))
    rows_only = MentionFilter(since=plain.since, until=plain.until, keywords=tuple(keywords))

    def both() -> tuple[list, list]:
        with MentionStore.open(db) as store:
            return store.aspect_counts(plain, keywords), store.aspect_counts(rows_only, keywords)

    summarised, counted = both()
    assert summarised == counted and {r["aspect"] for r in counted} >= {"delivery", "price"}
    assert db_rows(db, "SELECT count(*) FROM summary_aspects")[0][0] > 0
    delivery = next(r for r in counted if r["aspect"] == "delivery")
    with connect(db) as conn:
        conn.execute(
            "UPDATE mentions SET mentioned_at = ? WHERE entry_id LIKE '%/en-1'",
            [(now - timedelta(days=5)).isoformat(timespec="seconds")],
        )
        conn.execute(
            "DELETE FROM mention_aspects WHERE aspect = 'delivery' AND mention_id ="
            " (SELECT id FROM mentions WHERE entry_id LIKE '%/fr-2')"
        )
        conn.commit()
    summarised, counted = both()
    assert summarised == counted
    assert "price" not in {r["aspect"] for r in counted}
    assert next(r for r in counted if r["aspect"] == "delivery")["mentions"] == (
        delivery["mentions"] - 1
    )


def test_a_recent_periods_examples_are_its_own_best_and_worst(tmp_path):
    """The examples ranked over a recent period's aspect rows (on PostgreSQL from the keyword
    rows' own times, no mention row read): only mentions of the period, outside the noise
    bucket, naming the keyword; best first and worst first, ties to the newest, two a side
    (three mentions tie at 0.9 and at -0.9: the two newest are taken)."""
    from datetime import UTC, datetime, timedelta

    from brandwatch_cli.models import MentionFilter
    from brandwatch_cli.store import MentionStore, iso

    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    since = now - timedelta(days=7)
    scores = [0.9, 0.9, 0.5, 0.04, 0.0, -0.05, -0.5, -0.9, -0.9, 0.99, -0.7, 0.95, -0.95, 0.9, -0.9]
    mentions, links, aspects = [], [], []
    for n, score in enumerate(scores, start=1):
        at = now - timedelta(hours=n)
        if n == 10:  # published before the period, fetched within it: an id of the period's
            mentions.append((n, f"e{n}", iso(since - timedelta(days=1)), iso(at), 0))
        else:
            mentions.append((n, f"e{n}", iso(at), iso(at), int(n in (12, 13))))  # 12, 13: noise
        links += [("Acme", n)] + ([("Globex", n)] if n % 2 else [])
        aspects += [(n, "price", score), (n, "delivery", -score)]
    with MentionStore.open(tmp_path / "m.db") as store:
        with store.db.atomic():
            store.db.conn.executemany(
                "INSERT INTO mentions (id, source, entry_id, mentioned_at, fetched_at,"
                " sentiment, sentiment_label, noise) VALUES (?, 's', ?, ?, ?, 0, 'neutral', ?)",
                mentions,
            )
            store.db.conn.executemany(
                "INSERT INTO mention_keywords (keyword, mention_id) VALUES (?, ?)", links
            )
            store.db.conn.executemany(
                "INSERT INTO mention_aspects (mention_id, aspect, sentiment) VALUES (?, ?, ?)",
                aspects,
            )
        selection = MentionFilter(since=since, until=now)
        assert store._recent(selection)
        found = store._ranked(selection, ["Acme", "Globex"], 2)
        # walked from each end of the scale (on PostgreSQL in the server, each walk stopped by
        # its LIMIT), as far as the period's counts say: the same rows, in the same order
        counts = store.aspect_counts(selection, ["Acme", "Globex"])
        walk = store._walked_in_server if store.postgres else store._walked
        assert walk(selection, counts, 2) == found
    kept = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 14, 15]  # 10: before the period; 12, 13: noise
    expected = []
    for keyword in ("Acme", "Globex"):
        named = [n for n in kept if keyword == "Acme" or n % 2]
        for aspect, sign in (("delivery", -1), ("price", 1)):
            score = {n: sign * scores[n - 1] for n in named}
            best = sorted((n for n in named if score[n] >= 0.05), key=lambda n: (-score[n], -n))
            worst = sorted((n for n in named if score[n] <= -0.05), key=lambda n: (score[n], -n))
            rows = [(keyword, aspect, n, score[n], True) for n in best[:2]]
            rows += [(keyword, aspect, n, score[n], False) for n in worst[:2]]
            expected += sorted(rows, key=lambda r: (-r[3], -r[2]))
    assert [(k, a, n, round(s, 4), p) for k, a, n, s, p in found] == expected
