"""Team triage (issue 15, part 2): ``mark`` assigns, tags and notes with a history of every
action; listings filter by assignee, tag, status and ``--overdue``; ``reply_within:`` flags
overdue mentions; the digest lists the backlog. Through the real entry point, on both engines.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest

from helpers import connect, rss, write_config

ITEMS = [
    {"title": "Acme support is terrible, still no refund", "guid": "t1", "link": "https://n.ex/1"},
    {"title": "Acme recall: the toaster is dangerous", "guid": "t2", "link": "https://n.ex/2"},
    {"title": "Acme toasters are great, thank you", "guid": "t3", "link": "https://n.ex/3"},
    {"title": "Globex is awful and slow", "guid": "t4", "link": "https://n.ex/4"},
]
KEYWORDS = "  - name: Acme\n    reply_within: 4h\n  - Globex\n"


@pytest.fixture
def scanned(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(ITEMS))
    config = write_config(tmp_path, [("news", feed_server.url("/f.xml"))], keywords=KEYWORDS)
    assert cli("scan", "-c", config).exit_code == 0
    return config


def ids_by_title(cli, config) -> dict[str, int]:
    out = cli("mentions", "-c", config, "--format", "jsonl").stdout
    return {row["title"]: row["id"] for row in map(json.loads, out.splitlines())}


def listed(cli, config, *args) -> list[int]:
    result = cli("mentions", "-c", config, "--format", "jsonl", *args)
    assert result.exit_code == 0, result.stderr
    return sorted(json.loads(line)["id"] for line in result.stdout.splitlines())


def show_json(cli, config, mention_id):
    result = cli("show", str(mention_id), "-c", config, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def backdate(config, ids, fetched_at: str) -> None:
    """As if these mentions had arrived at ``fetched_at`` (ISO 8601 UTC)."""
    with closing(connect(config.parent / "mentions.db")) as conn, conn:
        conn.execute(
            f"UPDATE mentions SET fetched_at = ? WHERE id IN ({', '.join('?' * len(ids))})",
            [fetched_at, *ids],
        )


def test_every_action_of_a_mark_is_one_history_row_by_whom(cli, scanned, monkeypatch):
    ids = ids_by_title(cli, scanned)
    refund, recall = (
        ids["Acme support is terrible, still no refund"],
        ids["Acme recall: the toaster is dangerous"],
    )
    monkeypatch.setenv("BRANDWATCH_USER", "alice")
    marked = cli(
        "mark", refund, recall, "--status", "todo", "--assign", "Bob", "--tag", "Urgent",
        "--tag", "press", "--note", "call them", "-c", scanned,
    )  # fmt: skip
    assert marked.exit_code == 0, marked.stderr
    assert "Marked 2 mentions todo, assigned to Bob, tagged Urgent, tagged press" in marked.stderr
    again = cli("mark", refund, "--unassign", "--untag", "URGENT", "--by", "carol", "-c", scanned)
    assert again.exit_code == 0
    history = show_json(cli, scanned, refund)["status_history"]
    assert [(h["what"], h["value"], h["status"], h["by"], h["note"]) for h in history] == [
        ("status", None, "new", None, None),  # its arrival
        ("status", None, "todo", "alice", None),
        ("assigned", "Bob", "todo", "alice", None),
        ("tagged", "Urgent", "todo", "alice", None),
        ("tagged", "press", "todo", "alice", None),
        ("note", None, "todo", "alice", "call them"),
        ("unassigned", "Bob", "todo", "carol", None),  # --by beats $BRANDWATCH_USER
        ("untagged", "URGENT", "todo", "carol", None),
    ]
    shown = show_json(cli, scanned, recall)
    assert (shown["mention"]["assignee"], shown["mention"]["tags"]) == ("Bob", ["Urgent", "press"])
    assert show_json(cli, scanned, refund)["mention"]["tags"] == ["press"]
    text = cli("show", str(recall), "-c", scanned).stdout
    assert re.search(r"^assignee: +Bob$", text, re.MULTILINE), text
    assert re.search(r"^tags: +Urgent, press$", text, re.MULTILINE)
    rows = text.split("Status history\n==============\n")[1].splitlines()[2:]
    assert [row.split()[3:] for row in rows] == [
        ["new", "arrived"],
        ["todo", "alice"],
        ["assigned", "Bob", "alice"],
        ["tagged", "Urgent", "alice"],
        ["tagged", "press", "alice"],
        ["note", "alice", "call", "them"],
    ]


def test_a_mark_without_action_or_with_an_unknown_id_changes_nothing(cli, scanned):
    ids = ids_by_title(cli, scanned)
    first = ids["Acme recall: the toaster is dangerous"]
    nothing = cli("mark", first, "-c", scanned)
    assert nothing.exit_code == 2 and "Traceback" not in nothing.stderr
    assert nothing.stderr.startswith("Error: nothing to do: give --status, --assign")
    typo = cli(
        "mark", first, "99999", "--assign", "bob", "--tag", "x", "--note", "n", "-c", scanned
    )
    assert typo.exit_code == 2 and "no mention with id 99999; nothing was marked" in typo.stderr
    shown = show_json(cli, scanned, first)
    assert (shown["mention"]["assignee"], shown["mention"]["tags"]) == (None, [])
    assert len(shown["status_history"]) == 1  # the arrival only: no row either
    assert listed(cli, scanned, "--tag", "x") == []
    empty = cli("mark", first, "--tag", "  ", "-c", scanned)
    assert empty.exit_code == 2 and "--tag needs a non-empty value" in empty.stderr
    none = cli("mark", first, "--assign", "None", "-c", scanned)
    assert none.exit_code == 2 and "use --unassign" in none.stderr
    both = cli("mark", first, "--assign", "bob", "--unassign", "-c", scanned)
    assert both.exit_code == 2 and "--assign and --unassign exclude each other" in both.stderr
    undone = cli("mark", first, "--tag", "Presse", "--untag", "presse", "-c", scanned)
    assert undone.exit_code == 2 and "--tag and --untag both name 'presse'" in undone.stderr
    assert len(show_json(cli, scanned, first)["status_history"]) == 1  # neither did anything


def test_listings_filter_by_assignee_tag_and_status(cli, scanned):
    ids = ids_by_title(cli, scanned)
    refund = ids["Acme support is terrible, still no refund"]
    recall = ids["Acme recall: the toaster is dangerous"]
    great = ids["Acme toasters are great, thank you"]
    globex = ids["Globex is awful and slow"]
    cli("mark", refund, recall, "--assign", "Alice", "-c", scanned)
    cli("mark", great, "--assign", "bob", "--tag", "Press Review", "-c", scanned)
    cli("mark", recall, "--tag", "urgent", "--status", "todo", "-c", scanned)
    assert listed(cli, scanned, "--assignee", "alice") == sorted([refund, recall])  # any case
    assert listed(cli, scanned, "--assignee", "none") == [globex]
    assert listed(cli, scanned, "--assignee", "none", "--assignee", "BOB") == sorted(
        [great, globex]
    )
    assert listed(cli, scanned, "--assignee", "nobody-here") == []
    assert listed(cli, scanned, "--tag", "press  review") == [great]  # folded: case, spaces
    assert listed(cli, scanned, "--tag", "URGENT", "--tag", "press review") == sorted(
        [recall, great]
    )
    assert listed(cli, scanned, "--assignee", "alice", "--status", "todo") == [recall]
    assert listed(cli, scanned, "--assignee", "alice", "--status", "new") == [refund]
    exported = cli("export", "-c", scanned, "--tag", "urgent", "-f", "jsonl").stdout
    assert [json.loads(line)["id"] for line in exported.splitlines()] == [recall]
    found = cli("search", "toasters", "-c", scanned, "--assignee", "Bob", "-f", "jsonl").stdout
    assert [json.loads(line)["id"] for line in found.splitlines()] == [great]


def test_export_appends_assignee_and_tags_as_written(cli, scanned):
    ids = ids_by_title(cli, scanned)
    recall = ids["Acme recall: the toaster is dangerous"]
    cli("mark", recall, "--assign", "Zoé", "--tag", "Rappel", "--tag", "presse", "-c", scanned)
    cli("mark", recall, "--tag", "RAPPEL", "-c", scanned)  # has it already: kept as first written
    table = list(csv.reader(io.StringIO(cli("export", "-c", scanned).stdout)))
    assert table[0][22:25] == ["aspects", "assignee", "tags"]
    by_id = {row[0]: row for row in table[1:]}
    assert by_id[str(recall)][23:25] == ["Zoé", '["Rappel", "presse"]']
    others = [row for key, row in by_id.items() if key != str(recall)]
    assert all(row[23:25] == ["", ""] for row in others)
    lines = cli("export", "-c", scanned, "-f", "jsonl").stdout.splitlines()
    records = {r["id"]: r for r in map(json.loads, lines)}
    assert (records[recall]["assignee"], records[recall]["tags"]) == ("Zoé", ["Rappel", "presse"])
    assert records[ids["Globex is awful and slow"]]["tags"] == []


def test_reply_within_flags_overdue_mentions_in_listings_and_show(cli, scanned):
    ids = ids_by_title(cli, scanned)
    refund = ids["Acme support is terrible, still no refund"]
    recall = ids["Acme recall: the toaster is dangerous"]
    great = ids["Acme toasters are great, thank you"]
    globex = ids["Globex is awful and slow"]
    assert listed(cli, scanned, "--overdue") == []  # all fetched just now
    backdate(scanned, [refund, recall, great, globex], "2026-01-01T00:00:00+00:00")
    cli("mark", great, "--status", "replied", "-c", scanned)  # handled: never overdue
    cli("mark", recall, "--status", "todo", "-c", scanned)  # to do is still waiting
    assert listed(cli, scanned, "--overdue") == sorted([refund, recall])  # Globex has no limit
    assert listed(cli, scanned, "--overdue", "--status", "todo") == [recall]
    piped = cli("mentions", "-c", scanned).stdout.splitlines()
    flags = {int(line.split("\t")[0]): line.split("\t")[11] for line in piped}
    assert flags == {refund: "overdue", recall: "overdue", great: "", globex: ""}
    shown = show_json(cli, scanned, refund)
    assert (shown["reply_by"], shown["overdue"]) == ("2026-01-01T04:00:00+00:00", True)
    assert show_json(cli, scanned, globex)["reply_by"] is None
    text = cli("show", str(refund), "-c", scanned, "--tz", "Europe/Paris").stdout
    assert re.search(r"^reply by: +2026-01-01 05:00 CET \(overdue\)$", text, re.MULTILINE), text
    report = json.loads(cli("report", "-c", scanned, "-f", "json", "--since", "3650d").stdout)
    assert report["overdue"] == 2
    flagged = {m["id"]: m["overdue"] for m in report["reply_first"]}
    assert flagged[refund] is True and flagged[globex] is False
    assert "! 2 overdue" in cli("report", "-c", scanned, "--since", "3650d").stdout


def test_a_default_reply_within_applies_to_keywords_without_their_own(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss(ITEMS))
    config = write_config(
        tmp_path,
        [("news", feed_server.url("/f.xml"))],
        keywords=KEYWORDS,
        extra="reply_within: 2d\n",
    )
    assert cli("scan", "-c", config).exit_code == 0
    ids = ids_by_title(cli, config)
    globex, refund = (
        ids["Globex is awful and slow"],
        ids["Acme support is terrible, still no refund"],
    )
    assert show_json(cli, config, globex)["reply_by"] is not None  # the default
    fetched = show_json(cli, config, refund)["mention"]["fetched_at"]
    assert show_json(cli, config, refund)["reply_by"] > fetched  # its own 4h
    assert listed(cli, config, "--overdue") == []


@pytest.mark.parametrize(
    ("value", "message"),
    [("soon", "'reply_within' of 'Acme' must be a duration"), ("0s", "must be from 1s to 30d")],
)
def test_a_wrong_reply_within_is_one_line_and_exit_2(cli, tmp_path, value, message):
    keywords = f"  - name: Acme\n    reply_within: {value}\n"
    config = write_config(tmp_path, [("news", str(tmp_path / "f.xml"))], keywords=keywords)
    result = cli("check", "-c", config)
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and ":5:" in result.stderr


def test_overdue_from_a_database_alone_says_nothing_is_overdue(cli, scanned, monkeypatch):
    elsewhere = scanned.parent / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no brandwatch.yaml here: the database alone
    result = cli("mentions", "--db", scanned.parent / "mentions.db", "--overdue")
    assert result.exit_code == 0
    assert "no keyword has a 'reply_within:'" in result.stderr


def test_the_digest_lists_the_backlog_oldest_first_with_its_age(cli, scanned):
    ids = ids_by_title(cli, scanned)
    refund = ids["Acme support is terrible, still no refund"]
    recall = ids["Acme recall: the toaster is dangerous"]
    globex = ids["Globex is awful and slow"]
    backdate(scanned, [refund], "2026-01-01T00:00:00+00:00")
    backdate(scanned, [recall], "2026-01-03T00:00:00+00:00")
    backdate(scanned, [globex], "2026-01-02T00:00:00+00:00")
    text = cli("digest", "-c", scanned, "--since", "24h").stdout
    backlog = text.split("Backlog (unhandled negative mentions from before, oldest first)")[1]
    backlog = backlog.split("Top new mentions")[0]
    order = [int(n) for n in re.findall(r"^  #(\d+) ", backlog, re.MULTILINE)]
    assert order == [refund, globex, recall]
    assert re.search(r"status new · waiting \d+ days, overdue$", backlog, re.MULTILINE)
    assert "2 overdue" in text.split("Reply first")[1].split("Backlog")[0]
    cli("mark", globex, "--status", "replied", "-c", scanned)
    markdown = cli("digest", "-c", scanned, "--since", "24h", "-f", "markdown").stdout
    section = markdown.split("## Backlog")[1].split("## Top new")[0]
    assert [int(n) for n in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)] == [refund, recall]
    html = cli("digest", "-c", scanned, "--since", "24h", "-f", "html").stdout
    section = html.split("Backlog (unhandled")[1]
    assert section.index("still no refund") < section.index("toaster is dangerous")
    assert "waiting" in section and "Globex is awful" not in section.split("Top new")[0]


def test_the_backlog_is_capped_and_alone_is_no_reason_to_send_a_digest(cli, scanned):
    ids = ids_by_title(cli, scanned)
    negatives = [
        ids["Acme support is terrible, still no refund"],
        ids["Acme recall: the toaster is dangerous"],
        ids["Globex is awful and slow"],
    ]
    backdate(scanned, negatives, "2026-01-01T00:00:00+00:00")
    assert cli("digest", "-c", scanned).exit_code == 0  # the first covers the last 24 h
    # Nothing arrived since, nothing fell overdue since: the backlog alone stays quiet.
    assert cli("digest", "-c", scanned, "--skip-empty").stdout == ""
    from brandwatch_cli.insight import triage

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(triage, "BACKLOG_SHOWN", 2)
        text = cli("digest", "-c", scanned, "--since", "1h").stdout
    assert len(re.findall(r"^  #\d+ ", text.split("Backlog")[1], re.MULTILINE)) == 2
    assert "  and 1 more" in text


@pytest.mark.slow  # waits for a reply_within to run out
def test_a_mention_falling_overdue_makes_the_digest_worth_sending(cli, scanned):
    ids = ids_by_title(cli, scanned)
    great = ids["Acme toasters are great, thank you"]
    assert cli("digest", "-c", scanned).exit_code == 0  # covers everything stored
    assert cli("digest", "-c", scanned, "--skip-empty").stdout == ""
    # Its 4 h to reply run out in 2 s, after the last digest: news for the next one.
    almost = datetime.now(UTC) - timedelta(hours=4) + timedelta(seconds=2)
    backdate(scanned, [great], almost.isoformat(timespec="seconds"))
    time.sleep(3)
    result = cli("digest", "-c", scanned, "--skip-empty")
    assert result.exit_code == 0 and "1 overdue" in result.stdout
    assert cli("digest", "-c", scanned, "--skip-empty").stdout == ""  # told once
