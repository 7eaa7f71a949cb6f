"""Language and sentiment end to end: scans, `sentiment`, `rescore`, `check`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from helpers import config_file, connect, rss, write_config

KEYWORDS = (
    "  - name: Acme\n"
    "    terms: [Acme]\n"
    "  - name: Lumière\n"
    "    terms: [Café Lumière]\n"
    "    languages: [fr]\n"
)
ITEMS = [
    {
        "title": "Acme est vraiment génial, je recommande",
        "guid": "fr-1",
        "description": "Service client au top, livraison rapide, rien à redire.",
    },
    {
        "title": "Acme is awful",
        "guid": "en-1",
        "description": "Terrible support, broken product and a rude answer.",
    },
    {
        "title": "Acme es un desastre",
        "guid": "es-1",
        "description": "El servicio al cliente de Acme es horrible y muy lento.",
    },
    {
        "title": "Café Lumière opens a new shop in London",
        "guid": "en-2",
        "description": "The French chain is expanding to the United Kingdom this year.",
    },
    {
        "title": "Café Lumière : je n'aime pas du tout la nouvelle carte",
        "guid": "fr-2",
        "description": "Trop cher et pas terrible, je suis déçu.",
    },
]


def rows(db):
    """guid -> (language, label, method)."""
    sql = "SELECT entry_id, language, sentiment_label, sentiment_method FROM mentions"
    with connect(db) as conn:
        return {row[0].rsplit("/", 1)[-1]: row[1:] for row in conn.execute(sql)}


@pytest.fixture
def scanned(cli, feed_server, tmp_path):
    feed_server.serve("/mix.xml", rss(ITEMS))
    config = write_config(tmp_path, [("mix", feed_server.url("/mix.xml"))], keywords=KEYWORDS)
    assert cli("scan", "-c", config).exit_code == 0
    return config, tmp_path / "mentions.db"


def test_each_mention_is_read_in_its_language(scanned):
    _, db = scanned
    found = rows(db)
    assert found["fr-1"] == ("fr", "positive", "fr")
    assert found["en-1"] == ("en", "negative", "vader")
    assert found["fr-2"] == ("fr", "negative", "fr")
    language, label, method = found["es-1"]
    assert (language, label, method) == ("es", "neutral", "none")  # no misleading label


def test_keyword_languages_keep_only_those_languages(scanned):
    _, db = scanned
    with connect(db) as conn:
        lumiere = conn.execute(
            "SELECT m.entry_id FROM mentions m JOIN mention_keywords k ON k.mention_id = m.id"
            " WHERE k.keyword = 'Lumière'"
        ).fetchall()
    assert [entry.rsplit("/", 1)[-1] for (entry,) in lumiere] == [
        "fr-2"
    ]  # the English article about Café Lumière is left out


def test_sentiment_command_formats(cli):
    table = cli("sentiment", "J'adore ce produit", "I hate this product")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "language",
        "sentiment",
        "sentiment_label",
        "text",
        "sentiment_method",
    ]
    assert "fr" in lines[2] and "positive" in lines[2] and lines[2].endswith(" fr")
    assert "en" in lines[3] and "negative" in lines[3] and lines[3].endswith(" vader")

    result = cli("sentiment", "--format", "csv", "Je n'aime pas du tout", "C'est super")
    parsed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["sentiment_label"] for r in parsed] == ["negative", "positive"]
    assert [r["language"] for r in parsed] == ["fr", "fr"]
    assert all(-1 <= float(r["sentiment"]) <= 1 for r in parsed)


def test_sentiment_reads_stdin_in_order(cli, monkeypatch):
    lines = ["Great service, thank you!", "Service client nul, je suis furieux", "", "Acme"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    result = cli("sentiment", "--format", "jsonl")
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["text"] for o in objects] == lines  # one object per input line, in order
    assert objects[0]["sentiment_label"] == "positive"
    assert objects[1]["sentiment_label"] == "negative"
    assert objects[2]["sentiment"] == 0


def test_sentiment_language_can_be_forced(cli):
    english = json.loads(cli("sentiment", "-f", "jsonl", "--language", "en", "super").stdout)
    assert english["language"] == "en"
    spanish = json.loads(cli("sentiment", "-f", "jsonl", "-l", "es", "Me encanta").stdout)
    assert (spanish["sentiment_label"], spanish["sentiment_method"]) == ("neutral", "none")
    bad = cli("sentiment", "--language", "french", "x")
    assert bad.exit_code == 2 and "two-letter" in bad.stderr


def test_lexicon_overrides_change_the_reading(cli, tmp_path):
    config = write_config(tmp_path, [("a", "x.xml")], extra="sentiment:\n  lexicon: {killer: 3.0}")
    config = config.rename(tmp_path / "tuned.yaml")  # not ./brandwatch.yaml: only with -c
    plain = json.loads(cli("sentiment", "-f", "jsonl", "-l", "en", "a killer feature").stdout)
    tuned = json.loads(
        cli("sentiment", "-f", "jsonl", "-l", "en", "-c", config, "a killer feature").stdout
    )
    assert plain["sentiment_label"] == "negative"
    assert tuned["sentiment_label"] == "positive"


def test_sentiment_reads_with_the_lexicons_scan_would_use(cli, tmp_path, monkeypatch):
    write_config(
        tmp_path,
        [("a", "x.xml")],
        keywords="  - name: Acme\n    sentiment:\n      lexicon: {killer: 2.0}\n  - Globex\n",
        extra="sentiment:\n  lexicon: {bombe: 2.5}",
    )
    monkeypatch.chdir(tmp_path)  # ./brandwatch.yaml, as every command finds it

    def label(text: str) -> str:
        return str(json.loads(cli("sentiment", "-f", "jsonl", text).stdout)["sentiment_label"])

    assert label("Le nouveau Globex est une bombe") == "positive"  # the global override
    assert label("Acme is a killer") == "positive"  # the override of the keyword it names
    assert label("Globex is a killer") == "negative"  # Acme's vocabulary is Acme's alone
    # A keyword kept out of a language (languages: [fr]) lends it no vocabulary, as in scan.
    config = tmp_path / "brandwatch.yaml"
    config.write_text(
        config.read_text().replace(
            "lexicon: {killer: 2.0}", "lexicon: {killer: 2.0}\n    languages: [fr]"
        )
    )
    assert label("Acme is a killer") == "negative"
    monkeypatch.chdir(tmp_path.parent)
    assert label("Acme is a killer") == "negative"  # no config anywhere: plain analyzers


def test_sentiment_drops_a_byte_order_mark_from_stdin(cli, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("\ufeffgreat\nbad\n"))
    rows = [json.loads(line) for line in cli("sentiment", "-f", "jsonl").stdout.splitlines()]
    assert [r["text"] for r in rows] == ["great", "bad"]
    assert rows[0]["sentiment_label"] == "positive"


def test_rescore_after_a_lexicon_change_is_resumable(cli, scanned, monkeypatch):
    config, db = scanned
    before = rows(db)
    assert cli("rescore", "-c", config).stdout == ""  # nothing stale: nothing to say on stdout
    assert rows(db) == before
    text = config.read_text().replace(
        "keywords:", "sentiment:\n  lexicon: {awful: 3.5, terrible: 3.5, broken: 3.0}\nkeywords:"
    )
    config.write_text(text)

    from brandwatch_cli.scan import rescore as rescoring

    calls = {"n": 0}
    original = rescoring.MentionStore.save_analyses

    def fail_second_batch(self, version, updates):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return original(self, version, updates)

    monkeypatch.setattr(rescoring.MentionStore, "save_analyses", fail_second_batch)
    stopped = cli("rescore", "-c", config, "--batch", "1")
    assert stopped.exit_code == 130
    with connect(db) as conn:
        versions = [v for (v,) in conn.execute("SELECT DISTINCT sentiment_version FROM mentions")]
    assert len(versions) == 2  # one batch done, the rest still stale
    monkeypatch.setattr(rescoring.MentionStore, "save_analyses", original)
    done = cli("rescore", "-c", config)
    assert done.exit_code == 0
    assert "changed label" in done.stderr
    assert rows(db)["en-1"][1] == "positive"  # the brand's vocabulary now reads positive
    again = cli("rescore", "-c", config)
    assert "Rescored 0 mentions" in again.stderr


def test_check_lists_keywords_and_explains_a_test_text(cli, tmp_path):
    config = write_config(
        tmp_path,
        [("a", "x.xml")],
        keywords=(
            "  - name: Café Lumière\n"
            "    query: '\"Café Lumière\" OR cafelumiere NOT recrutement'\n"
            "  - name: Orange\n"
            "    terms: [Orange]\n"
            "    case_sensitive: true\n"
            "    require_any: [forfait, fibre]\n"
            "    languages: [fr]\n"
        ),
    )
    listing = cli("check", "-c", config)
    assert listing.exit_code == 0
    assert "valid, 2 keywords" in listing.stdout
    assert "but none of recrutement" in listing.stdout
    assert "needs one of: forfait, fibre" in listing.stdout

    tested = cli("check", "-c", config, "--test", "#CafeLumiere recrutement : 3 postes")
    assert "no match Café Lumière" in tested.stdout
    tested = cli("check", "-c", config, "--test", "La fibre Orange est en panne à Lyon")
    assert "MATCH    Orange" in tested.stdout
    english = cli("check", "-c", config, "--test", "The Orange fibre broadband went down")
    assert "language en is not one of fr" in english.stdout


def test_check_reports_a_bad_query_with_its_column(cli, tmp_path):
    config = write_config(tmp_path, [("a", "x.xml")], keywords="  - {name: X, query: 'a OR'}\n")
    result = cli("check", "-c", config)
    assert result.exit_code == 2
    assert "query of keyword 'X', column 3" in result.stderr


def test_multi_word_overrides_apply_in_english_too():
    from brandwatch_cli.sentiment import analyze

    lexicon = (("must have", 3.0), ("killer", 2.0))
    assert analyze("Acme is a must have", "en").label == "neutral"
    assert analyze("Acme is a must have", "en", lexicon).label == "positive"
    assert analyze("Acme is a MUST\n have!", "en", lexicon).label == "positive"  # any spacing
    assert analyze("Acme is not a must have", "en", lexicon).label == "negative"  # negated
    assert analyze("Acme is a killer", "en", lexicon).label == "positive"  # one word as before
    assert analyze("Acme must have failed", "en", (("must have failed", -3.0),)).score < 0
    assert analyze("Acme \\o/ yes", "en", (("\\o/ yes", 3.0),)).label == "positive"  # no escape


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Il servizio è stato pessimo, non tornerò mai più 😡", "negative"),
        ("Servicio al cliente 👎👎", "negative"),
        ("Pedido entregado a tiempo 👍", "positive"),
        ("Bestellung angekommen :)", "positive"),
        ("Das Paket ist angekommen", "neutral"),
    ],
)
def test_other_languages_read_only_their_emoji_and_emoticons(text, label):
    from brandwatch_cli.sentiment import analyze

    for language in ("it", "es", "de"):
        result = analyze(text, language)
        assert result.label == label, (text, language, result)
        assert result.method == ("none" if label == "neutral" else "emoji")


def test_per_keyword_sentiment_is_stored_reported_exported_and_rescored(cli, feed_server, tmp_path):
    item = {"title": "Acme is great, Globex is awful", "guid": "g1", "link": "https://a.example/1"}
    feed_server.serve("/two.xml", rss([item]))
    config = write_config(tmp_path, [("two", feed_server.url("/two.xml"))])
    assert cli("scan", "-c", config).exit_code == 0

    def exported() -> dict[str, float]:
        result = cli("export", "-c", config, "--format", "jsonl")
        return json.loads(result.stdout)["keyword_sentiment"]

    scores = exported()
    assert scores["Acme"] >= 0.05 and scores["Globex"] <= -0.05
    header = cli("export", "-c", config).stdout.splitlines()[0]
    columns = header.split(",")
    assert columns.index("keyword_sentiment") > columns.index("note")  # appended
    report = json.loads(cli("report", "-c", config, "--format", "json").stdout)
    by_name = {k["keyword"]: k for k in report["keywords"]}
    assert [
        by_name[k][label] for k in ("Acme", "Globex") for label in ("positive", "negative")
    ] == [
        1,
        0,
        0,
        1,
    ]
    assert by_name["Acme"]["average"] == scores["Acme"]
    assert [r["id"] for r in report["reply_first"]] == [1]  # negative about Globex
    with connect(tmp_path / "mentions.db") as conn:  # as an older analyzer left it
        conn.execute("UPDATE mentions SET sentiment_version = 'old'")
        conn.execute("UPDATE mention_keywords SET sentiment = 0, sentiment_label = 'neutral'")
    assert exported() == {"Acme": 0, "Globex": 0}
    assert cli("rescore", "-c", config).exit_code == 0
    assert exported() == scores


def test_a_csv_rating_decides_the_label_on_its_scale(cli, tmp_path):
    (tmp_path / "avis.csv").write_text(
        "text,note\nAcme is wonderful and I love it,2\nAcme is awful and I hate it,9\nAcme app,\n",
        encoding="utf-8",
    )
    sources = (
        "  - name: avis\n    type: csv\n    url: avis.csv\n    rating: note\n    rating_scale: 10\n"
    )
    config = write_config(tmp_path, [])
    config.write_text(config.read_text().replace("sources:\n", "sources:\n" + sources))
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stderr
    sql = "SELECT text, sentiment_label, sentiment_method, engagement FROM mentions ORDER BY id"
    with connect(tmp_path / "mentions.db") as conn:
        assert conn.execute(sql).fetchall() == [
            ("Acme is wonderful and I love it", "negative", "vader+rating", '{"rating": 2.0}'),
            ("Acme is awful and I hate it", "positive", "vader+rating", '{"rating": 9.0}'),
            ("Acme app", "neutral", "vader", None),
        ]
    config.write_text(config.read_text().replace("rating_scale: 10", "rating_scale: 1"))
    bad = cli("scan", "-c", config)
    assert bad.exit_code == 2
    assert "option 'rating_scale' must be the best rating, such as 5, 10 or 100" in bad.stderr


def test_check_shows_reply_times_aspects_and_what_each_rule_does(cli, tmp_path):
    extra = (
        'notify:\n  team: "json://127.0.0.1:9/hook"\n'
        "aspects:\n  price: [tarif]\n  parking: [parking, stationnement]\n  app: null\n"
        "rules:\n"
        "  - name: angry influencer\n"
        "    when: {keyword: Acme, label: negative, followers_at_least: 10000}\n"
        "    notify: [team]\n    cooldown: 90s\n    urgent: true\n"
        "  - name: recall\n"
        "    when: {term: [rappel, recall]}\n    tag: recall\n"
        '    quiet_hours: {from: "22:00", to: "07:00", tz: Europe/Paris}\n'
    )
    config = config_file(
        tmp_path, "  - name: a\n    url: x.xml\n", "  - name: Acme\n    reply_within: 4h\n", extra
    )
    shown = cli("check", "-c", config)
    assert shown.exit_code == 0, shown.stderr
    assert "reply within: 4h" in shown.stdout
    (aspects,) = [line for line in shown.stdout.splitlines() if line.startswith("aspects:")]
    assert "parking" in aspects and "price" in aspects and "app" not in aspects.split(", ")
    assert (
        "rule angry influencer\n"
        "  when: keyword Acme, label negative, followers_at_least 10000\n"
        "  does: notify team; cooldown 1m30s; urgent (even in quiet hours)\n"
    ) in shown.stdout
    assert "  when: term rappel or recall\n" in shown.stdout
    assert "does: tag recall; held in quiet hours 22:00-07:00 Europe/Paris" in shown.stdout


def test_rescore_counts_the_labels_about_a_keyword_it_changed(cli, scanned):
    """A rescore that changed only what mentions say about a keyword (the label reports,
    digests and spikes rank by) said "0 changed label": it counted the mention's own label."""
    config, db = scanned
    with connect(db) as conn:
        (own,) = conn.execute("SELECT sentiment_label FROM mentions WHERE id = 1").fetchone()
        flipped = "positive" if own != "positive" else "negative"
        conn.execute(
            "UPDATE mention_keywords SET sentiment_label = ? WHERE mention_id = 1", [flipped]
        )
        conn.execute("UPDATE mentions SET sentiment_version = 'older' WHERE id = 1")
        conn.commit()
    done = cli("rescore", "-c", config)
    assert done.exit_code == 0, done.stderr
    assert "Rescored 1 mention; 1 changed label (1 only about a keyword)" in done.stderr
