"""Sentiment corrections (issue 15, part 4) through the real entry point, on both engines:
``mark --sentiment`` overrides a label and rescore keeps it; ``corrections import`` reads a
CSV file, or refuses it with one line per bad row; once a language has enough corrections its
learned model scores scans, rescores and ``sentiment -c``.
"""

from __future__ import annotations

import json
from contextlib import closing
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpers import config_file, connect, rss, write_config

ITEMS = [
    {"title": "Acme toasters are great, thank you", "guid": "t1", "link": "https://n.ex/1"},
    {"title": "Acme support is terrible", "guid": "t2", "link": "https://n.ex/2"},
]


@pytest.fixture
def scanned(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(ITEMS))
    config = write_config(tmp_path, [("news", feed_server.url("/f.xml"))])
    assert cli("scan", "-c", config).exit_code == 0
    return config


def mentions(cli, config) -> dict[str, dict]:
    result = cli("mentions", "-c", config, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    return {row["title"]: row for row in map(json.loads, result.stdout.splitlines())}


def keyword_labels(config, mention_id) -> list[tuple[str, float]]:
    with closing(connect(config.parent / "mentions.db")) as conn:
        return [
            (row[0], row[1])
            for row in conn.execute(
                "SELECT sentiment_label, sentiment FROM mention_keywords WHERE mention_id = ?",
                [mention_id],
            )
        ]


def make_stale(config) -> None:
    with closing(connect(config.parent / "mentions.db")) as conn, conn:
        conn.execute("UPDATE mentions SET sentiment_version = ''")


def test_mark_sentiment_overrides_the_label_and_rescore_keeps_it(cli, scanned, monkeypatch):
    great = mentions(cli, scanned)["Acme toasters are great, thank you"]
    assert great["sentiment_label"] == "positive"
    monkeypatch.setenv("BRANDWATCH_USER", "alice")
    marked = cli("mark", great["id"], "--sentiment", "negative", "-c", scanned)
    assert marked.exit_code == 0, marked.stderr
    assert "negative (sentiment)" in marked.stderr
    row = mentions(cli, scanned)["Acme toasters are great, thank you"]
    assert (row["sentiment_label"], row["sentiment"], row["sentiment_method"]) == (
        "negative",
        -0.5,
        "override",
    )
    assert keyword_labels(scanned, great["id"]) == [("negative", -0.5)]
    shown = cli("show", great["id"], "-c", scanned, "--format", "json")
    history = json.loads(shown.stdout)["status_history"]
    assert [(h["what"], h["value"], h["by"]) for h in history][-1] == (
        "sentiment",
        "negative",
        "alice",
    )
    make_stale(scanned)
    rescored = cli("rescore", "-c", scanned)
    assert rescored.exit_code == 0, rescored.stderr
    assert "Rescored 2 mentions" in rescored.stderr
    after = mentions(cli, scanned)
    assert after["Acme toasters are great, thank you"]["sentiment_label"] == "negative"
    assert after["Acme toasters are great, thank you"]["sentiment_method"] == "override"
    assert after["Acme support is terrible"]["sentiment_method"] == "vader"
    assert keyword_labels(scanned, great["id"]) == [("negative", -0.5)]
    # a later mark wins; a label that agrees with the text's sign keeps its score
    assert cli("mark", great["id"], "--sentiment", "positive", "-c", scanned).exit_code == 0
    row = mentions(cli, scanned)["Acme toasters are great, thank you"]
    assert row["sentiment_label"] == "positive"
    make_stale(scanned)
    assert cli("rescore", "-c", scanned).exit_code == 0
    row = mentions(cli, scanned)["Acme toasters are great, thank you"]
    assert (row["sentiment_label"], row["sentiment_method"]) == ("positive", "override")
    assert row["sentiment"] > 0.5  # its own score, which agrees


def test_import_reads_labels_in_every_spelling(cli, scanned, tmp_path):
    csv_file = tmp_path / "coded.csv"
    csv_file.write_bytes(
        "\ufefftext,label,language\n"
        '"Service au top, merci",pos,fr\n'
        "Livraison en retard,-1,\n"
        "The parcel arrived,neutral,en\n"
        "Great value,1,en\n".encode()
    )
    result = cli("corrections", "import", csv_file, "-c", scanned, "--language", "fr")
    assert result.exit_code == 0, result.stderr
    assert "Imported 4 corrections (2 en, 2 fr)" in result.stderr
    stats = cli("corrections", "stats", "-c", scanned)
    assert stats.exit_code == 0, stats.stderr
    lines = {line.split()[0]: line.split() for line in stats.stdout.splitlines()[1:]}
    assert lines["fr"][1:5] == ["1", "0", "1", "2"]  # negative neutral positive total
    assert lines["en"][1:5] == ["0", "1", "1", "2"]
    listed = cli("corrections", "list", "-c", scanned)
    assert "Livraison en retard" in listed.stdout


def test_bad_rows_are_named_and_nothing_is_imported(cli, scanned, tmp_path):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("text,label\nfine text,positive\n,negative\nsome text,great\n")
    result = cli("corrections", "import", csv_file, "-c", scanned)
    assert result.exit_code == 2
    assert f"{csv_file}:3: empty text" in result.stderr
    assert f"{csv_file}:4: label 'great' is not positive" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Imported" not in result.stderr
    skipped = cli("corrections", "import", csv_file, "-c", scanned, "--skip-bad", "-l", "en")
    assert skipped.exit_code == 0, skipped.stderr
    assert "Imported 1 correction (1 en); 2 bad rows skipped" in skipped.stderr
    headless = tmp_path / "headless.csv"
    headless.write_text("fine text,positive\n")
    refused = cli("corrections", "import", headless, "-c", scanned)
    assert refused.exit_code == 2
    assert f"{headless}:1: the header needs columns text and label" in refused.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text,label\ntrès bien,positive\n".encode("latin-1"))
    assert "latin.csv:2: not UTF-8" in cli("corrections", "import", latin, "-c", scanned).stderr


def examples(count: int) -> str:
    """French texts where a word no lexicon knows decides: "zorglub" is bad, "flibble" good."""
    rows = ["text,label,language"]
    for n in range(count):
        rows += [
            f"Le produit {n} est zorglub,negative,fr",
            f"Le produit {n} est flibble,positive,fr",
            f"Le produit {n} est arrivé,neutral,fr",
        ]
    return "\n".join(rows) + "\n"


def scored(cli, config, text) -> dict:
    result = cli("sentiment", text, "-c", config, "-l", "fr", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_language_with_enough_corrections_gets_a_model(cli, scanned, tmp_path):
    few = tmp_path / "few.csv"
    few.write_text(examples(3))  # 9: not enough
    assert cli("corrections", "import", few, "-c", scanned).exit_code == 0
    before = scored(cli, scanned, "Franchement, c'est zorglub")
    assert (before["sentiment_label"], before["sentiment_method"]) == ("neutral", "fr")
    more = tmp_path / "more.csv"
    more.write_text(examples(10))
    assert cli("corrections", "import", more, "-c", scanned).exit_code == 0
    bad = scored(cli, scanned, "Franchement, c'est zorglub")
    good = scored(cli, scanned, "Franchement, c'est flibble")
    assert (bad["sentiment_label"], bad["sentiment_method"]) == ("negative", "fr+learned")
    assert (good["sentiment_label"], good["sentiment_method"]) == ("positive", "fr+learned")
    assert bad["sentiment"] <= -0.05 and good["sentiment"] >= 0.05
    # a scan's start trains and stores it; English mentions keep their labels
    assert cli("scan", "-c", scanned).exit_code == 0
    stats = cli("corrections", "stats", "-c", scanned).stdout
    assert [line.split()[-1] for line in stats.splitlines() if line.startswith("fr")] == ["yes"]
    assert "Rescored 2 mentions; 0 changed label" in cli("rescore", "-c", scanned).stderr
    assert "Rescored 0 mentions" in cli("rescore", "-c", scanned).stderr


def test_english_corrections_change_stored_mentions_at_rescore(cli, scanned, tmp_path, feed_server):
    great = mentions(cli, scanned)["Acme toasters are great, thank you"]
    assert cli("mark", great["id"], "--sentiment", "neutral", "-c", scanned).exit_code == 0
    rows = ["text,label,language"]
    for n in range(15):
        rows += [f"awful toaster number {n},negative,en", f"lovely toaster {n},positive,en"]
    corrections = tmp_path / "en.csv"
    corrections.write_text("\n".join(rows) + "\n")
    assert cli("corrections", "import", corrections, "-c", scanned).exit_code == 0
    rescored = cli("rescore", "-c", scanned)
    assert "Rescored 2 mentions" in rescored.stderr  # the model made every English one stale
    after = mentions(cli, scanned)
    assert after["Acme support is terrible"]["sentiment_method"] == "vader+learned"
    assert after["Acme support is terrible"]["sentiment_label"] == "negative"
    assert after["Acme toasters are great, thank you"]["sentiment_method"] == "override"
    # a scan scores its new mentions with the model too
    later = {"title": "Acme toaster arrived today", "guid": "t3", "link": "https://n.ex/3"}
    feed_server.serve("/f.xml", rss([*ITEMS, later]))
    assert cli("scan", "-c", scanned).exit_code == 0
    assert mentions(cli, scanned)[later["title"]]["sentiment_method"] == "vader+learned"
    assert "Rescored 0 mentions" in cli("rescore", "-c", scanned).stderr


def test_rematch_keeps_an_override(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(ITEMS))
    sources = [("news", feed_server.url("/f.xml"))]
    config = write_config(tmp_path, sources, keywords="  - Acme\n")
    assert cli("scan", "-c", config).exit_code == 0
    great = mentions(cli, config)["Acme toasters are great, thank you"]
    assert cli("mark", great["id"], "--sentiment", "negative", "-c", config).exit_code == 0
    write_config(
        tmp_path, sources, keywords="  - Acme\n  - name: Toasters\n    terms: [toasters]\n"
    )
    rematched = cli("rematch", "-c", config)
    assert rematched.exit_code == 0, rematched.stderr
    assert cli("rescore", "-c", config).exit_code == 0
    assert keyword_labels(config, great["id"]) == [("negative", -0.5), ("negative", -0.5)]
    row = mentions(cli, config)["Acme toasters are great, thank you"]
    assert (row["sentiment_label"], row["sentiment_method"]) == ("negative", "override")


def test_reports_count_an_override(cli, scanned):
    def total():
        result = cli("report", "-c", scanned, "--since", "30d", "--format", "json")
        assert result.exit_code == 0, result.stderr
        figures = json.loads(result.stdout)
        return figures["total"], figures["keywords"][0]

    before, _ = total()
    assert (before["positive"], before["negative"]) == (1, 1)
    great = mentions(cli, scanned)["Acme toasters are great, thank you"]
    assert cli("mark", great["id"], "--sentiment", "negative", "-c", scanned).exit_code == 0
    after, keyword = total()
    assert (after["positive"], after["negative"]) == (0, 2)
    assert after["average"] < 0
    assert (keyword["keyword"], keyword["positive"], keyword["negative"]) == ("Acme", 0, 2)
    assert keyword["average"] < 0


def test_corrections_can_come_before_the_first_scan_and_list_on_local_clocks(cli, tmp_path):
    config = config_file(
        tmp_path, "  - name: a\n    url: /nowhere.xml\n", extra="timezone: Asia/Kolkata\n"
    )
    labelled = tmp_path / "one.csv"
    labelled.write_text("text,label\nvraiment bien,positive\n")
    result = cli("corrections", "import", labelled, "-c", config, "-l", "fr")
    assert result.exit_code == 0, result.stderr
    assert "Imported 1 correction (1 fr)" in result.stderr
    listed = cli("corrections", "list", "-c", config)
    (row,) = listed.stdout.splitlines()[2:]
    at = datetime.strptime(row.split("  ")[1].strip(), "%Y-%m-%d %H:%M")
    now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Kolkata")).replace(tzinfo=None)
    assert abs(now - at) < timedelta(minutes=5)  # India's clock, half an hour off any UTC hour
