"""Relevance learning (issue 15, part 3) through the real entry point, on both engines:
``mark --relevant/--irrelevant`` labels; after 20 of each the model scores every mention;
noise leaves ``mentions``, ``export`` and the report's figures (and comes back when labelled
relevant), ``mentions --noise`` lists it; ``review`` lists the least sure first; ``mute``
applies to stored mentions and to a new scan's.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from helpers import rss, write_config

CITIES = ["Paris", "Lyon", "Lille", "Nice", "Brest", "Metz", "Dijon", "Tours", "Caen", "Pau"]
OPERATOR = [
    "Orange fibre down again in {c}",
    "my Orange Livebox is blinking red in {c}",
    "Orange 5G plan price goes up in {c}",
]
FRUIT = [
    "fresh orange juice at the {c} market",
    "orange and lemon cake recipe from {c}",
    "blood orange salad, a {c} classic",
]
SINCE = ("--since", "2026-11-01", "--until", "2026-12-01")


def items(templates: list[str], prefix: str) -> list[dict[str, str]]:
    rows = []
    for i, (template, city) in enumerate((t, c) for t in templates for c in CITIES):
        rows.append(
            {
                "title": template.format(c=city),
                "guid": f"{prefix}{i}",
                "link": f"https://{prefix}.example/{i}",
                "pubDate": f"Tue, {10 + i % 10} Nov 2026 10:00:00 GMT",
            }
        )
    return rows


@pytest.fixture
def scanned(cli, feed_server, tmp_path):
    feed_server.serve("/telco.xml", rss(items(OPERATOR, "t")))
    feed_server.serve("/food.xml", rss(items(FRUIT, "f")))
    config = write_config(
        tmp_path,
        [("telco", feed_server.url("/telco.xml")), ("food", feed_server.url("/food.xml"))],
        keywords="  - Orange\n",
    )
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stderr
    return config


def listed(cli, config, *options) -> dict[str, dict]:
    result = cli("mentions", "-c", config, "--format", "jsonl", "-n", "1000", *options)
    assert result.exit_code == 0, result.stderr
    return {row["title"]: row for row in map(json.loads, result.stdout.splitlines())}


def report_total(cli, config, *options) -> int:
    result = cli("report", "-c", config, *SINCE, "--format", "json", *options)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["total"]["mentions"]


def is_operator(title: str) -> bool:
    return any(word in title for word in ("fibre", "Livebox", "5G"))


def train_model(cli, config) -> dict[str, dict]:
    """20 labels of each kind (every template, in its first cities), the rest (10 of each)
    left to the model."""
    rows = listed(cli, config)
    seen = [
        title for title in rows if any(title.endswith(c) or f" {c} " in title for c in CITIES[:7])
    ]
    operator = sorted(rows[t]["id"] for t in seen if is_operator(t))[:20]
    fruit = sorted(rows[t]["id"] for t in seen if not is_operator(t))[:20]
    assert len(operator) == len(fruit) == 20
    for ids, flag in ((operator, "--relevant"), (fruit, "--irrelevant")):
        result = cli("mark", *map(str, ids), flag, "-c", config)
        assert result.exit_code == 0, result.stderr
    return rows


def test_labels_then_a_model_send_the_fruit_to_the_noise_bucket(cli, scanned):
    everything = listed(cli, scanned)
    assert len(everything) == 60
    assert report_total(cli, scanned) == 60
    before = cli("review", "-c", scanned)
    assert before.exit_code == 0
    assert "20 more irrelevant and 20 more relevant labels needed" in before.stderr
    assert len(before.stdout.splitlines()) == 20
    train_model(cli, scanned)
    kept = listed(cli, scanned)
    noise = listed(cli, scanned, "--noise")
    # every fruit post is noise (20 labelled, 10 scored), every operator post kept
    assert all(is_operator(title) for title in kept) and len(kept) == 30
    assert not any(is_operator(title) for title in noise) and len(noise) == 30
    unlabelled = [row for row in kept.values() if row["relevance"] not in (0.0, 1.0)]
    assert len(unlabelled) == 10 and all(0.5 <= row["relevance"] < 1 for row in unlabelled)
    assert report_total(cli, scanned) == 30
    assert report_total(cli, scanned, "--with-noise") == 60
    assert len(listed(cli, scanned, "--with-noise")) == 60
    # a noise post labelled relevant comes back into the figures
    back = next(row for title, row in noise.items() if "salad" in title)
    assert cli("mark", str(back["id"]), "--relevant", "-c", scanned).exit_code == 0
    assert report_total(cli, scanned) == 31
    assert listed(cli, scanned)[back["title"]]["relevance"] == 1.0
    shown = cli("show", str(back["id"]), "-c", scanned)
    assert "relevance: " in shown.stdout and "labelled relevant" in shown.stdout


def test_review_lists_the_least_sure_first_and_export_has_relevance(cli, scanned):
    train_model(cli, scanned)
    result = cli("review", "-c", scanned, "--format", "json", "-n", "100")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = json.loads(result.stdout)
    assert len(rows) == 20  # the unlabelled ones
    doubts = [abs(row["relevance"] - 0.5) for row in rows]
    assert doubts == sorted(doubts)
    exported = cli("export", "-c", scanned, "--with-noise")
    table = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert list(table[0])[-1] == "relevance" and len(table) == 60
    assert {row["relevance"] for row in table if not is_operator(row["title"])} - {""}
    assert all(float(row["relevance"]) >= 0.5 for row in table if is_operator(row["title"]))


def test_mark_refuses_both_labels_and_records_who_labelled(cli, scanned, monkeypatch):
    both = cli("mark", "1", "--relevant", "--irrelevant", "-c", scanned)
    assert both.exit_code == 2 and "exclude each other" in both.stderr
    monkeypatch.setenv("BRANDWATCH_USER", "alice")
    assert cli("mark", "1", "--irrelevant", "-c", scanned).exit_code == 0
    shown = json.loads(cli("show", "1", "-c", scanned, "--format", "json").stdout)
    history = [(h["what"], h["value"], h["by"]) for h in shown["status_history"]]
    assert history[-1] == ("relevance", "irrelevant", "alice")
    assert shown["mention"]["relevance"] == 0.0


def test_mute_applies_to_stored_mentions_and_to_a_new_scan(cli, scanned, feed_server):
    before = listed(cli, scanned)
    muted = cli("mute", "--phrase", "lemon cake", "-c", scanned)
    assert muted.exit_code == 0, muted.stderr
    assert "it mutes 10 stored mentions" in muted.stderr
    after = listed(cli, scanned)
    assert len(after) == len(before) - 10
    assert not any("lemon cake" in title for title in after)
    assert len(listed(cli, scanned, "--noise")) == 10
    assert cli("mute", "--source", "telco", "-c", scanned).exit_code == 0
    fresh = [
        {"title": "Orange fibre down in Rennes", "guid": "new1", "link": "https://t.example/n1"},
    ]
    feed_server.serve("/telco.xml", rss(items(OPERATOR, "t") + fresh))
    assert cli("scan", "-c", scanned).exit_code == 0
    assert "Orange fibre down in Rennes" in listed(cli, scanned, "--noise")
    listing = cli("mute", "--list", "-c", scanned)
    assert 'phrase="lemon cake"' in listing.stdout and "source=telco" in listing.stdout
    first = listing.stdout.split("\t", 1)[0]
    assert cli("unmute", first, "-c", scanned).exit_code == 0
    assert any("lemon cake" in title for title in listed(cli, scanned))
    assert cli("unmute", "999", "-c", scanned).exit_code == 2
    nothing = cli("mute", "-c", scanned)
    assert nothing.exit_code == 2 and "mute needs --source" in nothing.stderr


def test_rules_read_the_real_relevance_and_never_see_noise(cli, scanned):
    train_model(cli, scanned)
    kept = listed(cli, scanned)
    scored = sorted(row["relevance"] for row in kept.values() if row["relevance"] < 1)
    least = f"{scored[len(scored) // 2]:.6f}"  # half the scored ones, and the labelled ones
    sure = {row["id"] for row in kept.values() if row["relevance"] >= float(least)}
    assert 20 < len(sure) < 30
    rules = (
        f"rules:\n  - name: sure\n    when: {{relevance_at_least: {least}}}\n    tag: sure\n"
        "  - name: any\n    when: {keyword: Orange}\n    tag: any\n"
    )
    scanned.write_text(scanned.read_text() + rules)
    result = cli("rules", "test", "-c", scanned, "-f", "json")
    assert result.exit_code == 0, result.stderr
    fired: dict[str, set[int]] = {"sure": set(), "any": set()}
    for row in json.loads(result.stdout)["fired"]:
        fired[row["rule"]].add(row["id"])
    assert fired == {"sure": sure, "any": {row["id"] for row in kept.values()}}


def test_review_and_mute_refuse_an_unknown_keyword(cli, scanned):
    for command in (("review",), ("mute", "--phrase", "jus")):
        result = cli(*command, "-k", "Oragne", "-c", scanned)
        assert result.exit_code == 2
        assert "'Oragne': no such keyword" in result.stderr and "Orange" in result.stderr
    assert cli("review", "-k", "Orange", "-c", scanned).exit_code == 0


def test_themes_leave_the_noise_bucket_out(cli, scanned):
    def themes() -> list[dict]:
        result = cli("themes", "-c", scanned, *SINCE, "-k", "Orange", "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    before = themes()
    assert before and all(t["share"] == round(t["count"] / 60, 4) for t in before)
    rows = train_model(cli, scanned)
    after = themes()
    fruit = {row["id"] for title, row in rows.items() if not is_operator(title)}
    assert after and all(t["share"] == round(t["count"] / 30, 4) for t in after)
    assert not fruit & {i for t in after for i in t["examples"]}
