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
