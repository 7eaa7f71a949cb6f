"""Alert rules through the real entry point: a scan notifies a local apprise ``json://``
endpoint once per (rule, mention), applies the rule's actions, batches repeats in a cooldown,
holds quiet hours' matches for the digest, retries a failed channel; ``rules test``; config
errors."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest

from helpers import connect, db_rows, rss, write_config

ANGRY = {
    "title": "Acme is terrible, the worst",
    "link": "https://n.example/1",
    "description": "I hate Acme, awful recall",
}
HAPPY = {"title": "Acme is great", "link": "https://n.example/2", "description": "love it"}
ANGRIER = {
    "title": "Acme broke again, horrible",
    "link": "https://n.example/3",
    "description": "Acme is a disaster",
}


def rules_config(tmp_path, server, rules: str, extra: str = ""):
    port = server.base_url.rsplit(":", 1)[1]
    notify = f"notify:\n  team: json://127.0.0.1:{port}/hook\n  ops: json://127.0.0.1:{port}/ops\n"
    return write_config(
        tmp_path,
        [("news", server.url("/f.xml"))],
        keywords="  - Acme\n",
        extra=notify + extra + "rules:\n" + rules,
    )


ANGRY_RULE = """  - name: angry
    when: {keyword: Acme, label: negative}
    notify: [team]
    tag: urgent
"""


def sent(server, path: str = "/hook") -> list[dict]:
    return [json.loads(h["x-body"]) for p, h in server.requests if p.startswith(path)]


@pytest.fixture
def hook(feed_server):
    feed_server.serve("/hook", b"{}")
    feed_server.serve("/ops", b"{}")
    return feed_server


def test_a_matching_mention_notifies_once_and_gets_the_rule_s_actions(cli, hook, tmp_path):
    hook.serve("/f.xml", rss([ANGRY, HAPPY]))
    config = rules_config(tmp_path, hook, ANGRY_RULE + "    assign: Alice\n")
    first = cli("scan", "-c", config)
    assert first.exit_code == 0, first.stderr
    (message,) = sent(hook)
    assert message["title"] == "brandwatch rule 'angry': 1 mention"
    assert message["message"].startswith("#1 Acme is terrible, the worst (keyword Acme negative")
    assert sent(hook, "/ops") == []  # only the rule's channels
    shown = json.loads(cli("show", "1", "-c", config, "--format", "json").stdout)
    assert (shown["mention"]["assignee"], shown["mention"]["tags"]) == ("Alice", ["urgent"])
    assert {(h["what"], h["by"]) for h in shown["status_history"]} >= {
        ("tagged", "rule:angry"),
        ("assigned", "rule:angry"),
    }
    hook.serve("/f.xml", rss([ANGRY, HAPPY, {**HAPPY, "link": "https://n.example/4"}]))
    again = cli("scan", "-c", config)
    assert again.exit_code == 0, again.stderr
    assert len(sent(hook)) == 1  # the same mention never notifies twice
    assert db_rows(
        tmp_path / "mentions.db", "SELECT rule, mention_id, state FROM rule_matches"
    ) == [("angry", 1, "sent")]


def test_a_rule_names_a_keyword_in_any_case(cli, hook, tmp_path):
    hook.serve("/f.xml", rss([ANGRY, HAPPY]))
    config = rules_config(tmp_path, hook, ANGRY_RULE.replace("keyword: Acme", "keyword: ACME"))
    assert cli("scan", "-c", config).exit_code == 0
    (message,) = sent(hook)
    assert "(keyword Acme negative" in message["message"]  # named as the config spells it


def test_a_mention_without_a_title_is_named_by_its_text(cli, hook, tmp_path):
    untitled = {k: v for k, v in ANGRY.items() if k != "title"}  # a toot, a CSV row
    hook.serve("/f.xml", rss([untitled]))
    config = rules_config(tmp_path, hook, ANGRY_RULE)
    assert cli("scan", "-c", config).exit_code == 0
    (message,) = sent(hook)
    assert message["message"].startswith("#1 I hate Acme, awful recall (keyword Acme negative")
    replayed = cli("rules", "test", "-c", config, "--format", "json")
    assert json.loads(replayed.stdout)["fired"][0]["title"] == "I hate Acme, awful recall"


def test_a_cooldown_batches_repeats_into_one_message_when_it_ends(cli, hook, tmp_path):
    hook.serve("/f.xml", rss([ANGRY]))
    config = rules_config(tmp_path, hook, ANGRY_RULE + "    cooldown: 1h\n")
    assert cli("scan", "-c", config).exit_code == 0
    other = {"title": "Acme lost my order", "link": "https://n.example/5", "description": "bad"}
    hook.serve("/f.xml", rss([ANGRY, ANGRIER, other]))
    assert cli("scan", "-c", config).exit_code == 0
    assert len(sent(hook)) == 1  # held: the rule notified less than an hour ago
    earlier = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="seconds")
    with closing(connect(tmp_path / "mentions.db")) as conn:
        conn.execute("UPDATE rule_sends SET sent_at = ?", [earlier])
        conn.commit()
    assert cli("scan", "-c", config).exit_code == 0  # nothing new: the held ones go out
    _, batch = sent(hook)
    assert batch["title"] == "brandwatch rule 'angry': 2 mentions"
    assert "#2 Acme broke again" in batch["message"] and "#1 " not in batch["message"]


def test_quiet_hours_hold_a_rule_for_the_digest_unless_urgent(cli, hook, tmp_path):
    hook.serve("/f.xml", rss([ANGRY]))
    now = datetime.now(UTC)
    start, end = (f"{(now + timedelta(hours=h)):%H:%M}" for h in (-1, 2))
    quiet = f'quiet_hours: {{from: "{start}", to: "{end}", tz: UTC}}\n'
    urgent = """  - name: recall
    when: {term: [rappel, recall]}
    notify: [ops]
    urgent: true
"""
    config = rules_config(tmp_path, hook, ANGRY_RULE + urgent, extra=quiet)
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stderr
    assert sent(hook) == []  # held
    assert len(sent(hook, "/ops")) == 1  # urgent: sent anyway
    digest = cli("digest", "-c", config, "--since", "1h")
    assert digest.exit_code == 0, digest.stderr
    assert "Held by quiet hours" in digest.stdout, digest.stdout
    section = digest.stdout.split("Held by quiet hours", 1)[1]
    assert "#1 Acme is terrible, the worst" in section and "rule angry" in section
    assert "rule recall" not in section
    markdown = cli("digest", "-c", config, "--since", "1h", "--format", "markdown").stdout
    assert "## Held by quiet hours" in markdown
    html = cli("digest", "-c", config, "--since", "1h", "--format", "html").stdout
    assert ">Held by quiet hours</h2>" in html and "#1 Acme is terrible, the worst" in html
    assert cli("scan", "-c", config).exit_code == 0
    assert sent(hook) == []  # held for the digest, never sent afterwards


def test_a_failed_channel_exits_6_and_is_retried_next_time(cli, hook, tmp_path):
    hook.serve("/f.xml", rss([ANGRY]))
    hook.serve("/hook", b"no", status=500)
    config = rules_config(tmp_path, hook, ANGRY_RULE + "    cooldown: 1h\n")
    failed = cli("scan", "-c", config)
    assert failed.exit_code == 6
    assert "error: notification to json://" in failed.stderr
    hook.serve("/hook", b"{}")
    retried = cli("scan", "-c", config)
    assert retried.exit_code == 0, retried.stderr
    bodies = sent(hook)
    assert len(bodies) == 2 and "#1 Acme is terrible" in bodies[-1]["message"]
    assert cli("scan", "-c", config).exit_code == 0
    assert len(sent(hook)) == 2


def test_the_worker_runs_the_rules_too(cli, hook, tmp_path):
    hook.serve("/f.xml", rss([ANGRY]))
    config = rules_config(tmp_path, hook, ANGRY_RULE)
    result = cli("worker", "-c", config, "--once")
    assert result.exit_code == 0, result.stderr
    assert len(sent(hook)) == 1


def test_rules_test_replays_stored_mentions_and_sends_nothing(cli, hook, tmp_path):
    hook.serve("/f.xml", rss([ANGRY, HAPPY]))
    plain = write_config(tmp_path, [("news", hook.url("/f.xml"))], keywords="  - Acme\n")
    assert cli("scan", "-c", plain).exit_code == 0  # stored before the rules existed
    recall = "  - name: recall\n    when: {term: recall}\n    status: todo\n"
    config = rules_config(tmp_path, hook, ANGRY_RULE + recall)
    table = cli("rules", "test", "-c", config)
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["rule", "id", "title", "why"]
    assert [line.split()[:2] for line in lines[2:]] == [["angry", "1"], ["recall", "1"]]
    assert "2 matches; nothing was sent" in table.stderr
    only = json.loads(cli("rules", "test", "-c", config, "--rule", "recall", "-f", "json").stdout)
    assert only == {
        "version": 1,
        "fired": [
            {"rule": "recall", "id": 1, "title": ANGRY["title"], "why": "term 'recall'"},
        ],
    }
    assert sent(hook) == [] and db_rows(
        tmp_path / "mentions.db", "SELECT count(*) FROM rule_matches"
    ) == [(0,)]
    shown = json.loads(cli("show", "1", "-c", config, "-f", "json").stdout)
    assert shown["mention"]["status"] == "new"
    unknown = cli("rules", "test", "-c", config, "--rule", "nope")
    assert unknown.exit_code == 2
    assert "--rule: no rule named 'nope' (angry, recall)" in unknown.stderr


def test_a_plain_list_of_urls_keeps_working_for_digests(cli, hook, tmp_path):
    hook.serve("/f.xml", rss([ANGRY]))
    port = hook.base_url.rsplit(":", 1)[1]
    config = write_config(
        tmp_path,
        [("news", hook.url("/f.xml"))],
        keywords="  - Acme\n",
        extra=f"notify:\n  - json://127.0.0.1:{port}/hook\n",
    )
    assert cli("scan", "-c", config).exit_code == 0
    assert cli("digest", "-c", config, "--notify", "-q").exit_code == 0
    assert len(sent(hook)) == 1


@pytest.mark.parametrize(
    ("rules", "extra", "message"),
    [
        (
            "  - name: a\n    when: {label: negative}\n    notify: [nobody]\n",
            "",
            ":9: rule 'a': no notify channel named 'nobody' (team, ops)",
        ),
        (
            "  - name: a\n    when: {labels: negative}\n    status: todo\n",
            "",
            ":8: unknown key 'labels' in 'when' of rule 'a' (did you mean 'label'?)",
        ),
        (
            "  - name: a\n    when: {label: angry}\n    status: todo\n",
            "",
            ":8: 'label' of rule 'a' must be one of positive, neutral, negative",
        ),
        (
            "  - name: a\n    when: {label: negative}\n    notify: [team]\n    cooldown: soon\n",
            "",
            ":10: 'cooldown' of rule 'a' must be a duration such as 90s, 15m or 1h",
        ),
        (
            "  - name: a\n    when: {label: negative}\n    notify: [team]\n",
            "quiet_hours: {from: '22:00', to: '07:00', tz: Mars/Olympus}\n",
            ":6: 'quiet_hours' 'tz': unknown time zone 'Mars/Olympus'",
        ),
        (
            "  - name: a\n    when: {keyword: Initech}\n    notify: [team]\n",
            "",
            ":8: 'keyword' of rule 'a': no keyword named 'Initech'",
        ),
        (
            "  - name: a\n    when: {aspect: delivry}\n    status: todo\n",
            "",
            ":8: 'aspect' of rule 'a': no aspect named 'delivry' (did you mean 'delivery'?)",
        ),
        (
            "  - name: a\n    when: {language: french}\n    status: todo\n",
            "",
            ":8: 'language' of rule 'a': 'french' is not a two-letter ISO 639-1 code",
        ),
        (
            "  - name: a\n    when: {source_type: appstore}\n    status: todo\n",
            "",
            ":8: 'source_type' of rule 'a': no source type 'appstore' (feed, ",
        ),
        (
            "  - name: a\n    when: {label: negative}\n",
            "",
            ":7: rule 'a' does nothing: give 'notify', 'status', 'tag' or 'assign'",
        ),
    ],
)
def test_config_mistakes_are_one_line_with_file_and_line(
    cli, hook, tmp_path, rules, extra, message
):
    hook.serve("/f.xml", rss([ANGRY]))
    config = rules_config(tmp_path, hook, rules, extra=extra)
    result = cli("scan", "-c", config)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {config}") and message in line, line


def test_a_big_scan_s_mentions_are_matched_batch_by_batch(cli, hook, tmp_path, monkeypatch):
    from brandwatch_cli.insight import rule_runs

    monkeypatch.setattr(rule_runs, "BATCH", 1)
    hook.serve("/f.xml", rss([ANGRY, HAPPY, ANGRIER]))
    config = rules_config(tmp_path, hook, ANGRY_RULE)
    assert cli("scan", "-c", config).exit_code == 0
    (message,) = sent(hook)  # every batch's matches, in one message
    assert message["title"] == "brandwatch rule 'angry': 2 mentions"


def test_digests_go_to_every_named_channel(cli, hook, tmp_path):
    hook.serve("/f.xml", rss([HAPPY]))
    config = rules_config(tmp_path, hook, ANGRY_RULE)
    assert cli("scan", "-c", config).exit_code == 0
    assert sent(hook) == []  # no rule matched
    assert cli("digest", "-c", config, "--notify", "-q").exit_code == 0
    assert len(sent(hook)) == 1 and len(sent(hook, "/ops")) == 1
