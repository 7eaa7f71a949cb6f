"""``show`` and ``open``: one mention in full, its status history, its link in a browser; and
the ``matched_terms`` export column. Each test scans real local feeds through the CLI first."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import webbrowser
from contextlib import closing
from pathlib import Path

import pytest

from helpers import config_file, connect, rss

KEYWORDS = "  - Acme\n  - name: Globex\n    terms: [Globex, Globex Corporation]\n"
NEWS = [
    {
        "title": "Acme support is terrible, still no refund",
        "description": "Three weeks waiting. Globex Corporation would have answered by now.",
        "guid": "n1",
        "link": "https://n.example/1",
    },
    {
        "title": "Acme [bold red]deal[/bold red] of the week",
        "description": "A good price on Acme toasters.",
        "guid": "n2",
        "link": "https://n.example/2",
    },
    {"title": "Acme without a link", "description": "Nothing to open.", "guid": "n3"},
]
FRENCH = [
    {
        "title": "Café Acme : très bon accueil à Lyon",
        "description": "Service rapide et souriant.",
        "guid": "f1",
        "link": "https://fr.example/1",
    }
]


@pytest.fixture
def scanned(cli, tmp_path):
    """Two local feeds (one declaring French) and a CSV export with ratings, scanned once."""
    (tmp_path / "news.xml").write_text(rss(NEWS), encoding="utf-8")
    french = rss(FRENCH).replace(
        "<title>Test feed</title>", "<title>FR</title><language>fr</language>"
    )
    (tmp_path / "fr.xml").write_text(french, encoding="utf-8")
    (tmp_path / "feedback.csv").write_text(
        "id,text,rating\nt1,Acme refund came fast: thank you!,5\n", encoding="utf-8"
    )
    sources = (
        f"  - name: news\n    url: {tmp_path / 'news.xml'}\n"
        f"  - name: presse\n    url: {tmp_path / 'fr.xml'}\n"
        f"  - name: feedback\n    type: csv\n    url: {tmp_path / 'feedback.csv'}\n"
        "    rating: rating\n"
    )
    config = config_file(tmp_path, sources, KEYWORDS)
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stderr
    assert "5 new mentions" in result.stdout
    return config


def ids_by_title(cli, config) -> dict[str, int]:
    """Mention ids by title (by text for a CSV row, which has none)."""
    out = cli("export", "-c", config, "-f", "jsonl").stdout
    rows = [json.loads(line) for line in out.splitlines()]
    return {row["title"] or row["text"]: row["id"] for row in rows}


def show_json(cli, config, mention_id):
    result = cli("show", str(mention_id), "-c", config, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_show_json_has_the_keywords_terms_fields_and_the_export_fields(cli, scanned):
    ids = ids_by_title(cli, scanned)
    refund = ids["Acme support is terrible, still no refund"]
    shown = show_json(cli, scanned, refund)
    assert shown["version"] == 1
    exported = [
        json.loads(line) for line in cli("export", "-c", scanned, "-f", "jsonl").stdout.splitlines()
    ]
    as_exported = next(row for row in exported if row["id"] == refund)
    assert shown["mention"] == {**as_exported, "keywords": ["Acme", "Globex"]}
    assert shown["mention"]["text"].startswith("Three weeks waiting.")
    matches = {m["keyword"]: m for m in shown["matches"]}
    assert (matches["Acme"]["terms"], matches["Acme"]["fields"]) == (["Acme"], ["title"])
    assert (matches["Globex"]["terms"], matches["Globex"]["fields"]) == (
        ["Globex", "Globex Corporation"],
        ["text"],
    )
    for match in shown["matches"]:  # each keyword's own sentiment in the mention, said so
        assert match["sentiment_of"] == "keyword"
        assert match["sentiment"] == shown["mention"]["keyword_sentiment"][match["keyword"]]
    assert matches["Acme"]["sentiment_label"] == "negative"  # "Acme support is terrible"
    assert shown["language_source"] == "detected"
    assert shown["copies"] == []
    assert shown["status_history"] == [
        {
            "status": "new",
            "note": None,
            "at": shown["mention"]["fetched_at"],
            "by": None,
            "what": "status",
            "value": None,
        }
    ]
    assert (shown["reply_by"], shown["overdue"]) == (None, False)  # no reply_within


def test_show_says_whether_the_language_was_declared_and_shows_engagement(cli, scanned):
    ids = ids_by_title(cli, scanned)
    french = show_json(cli, scanned, ids["Café Acme : très bon accueil à Lyon"])
    assert (french["mention"]["language"], french["language_source"]) == ("fr", "declared")
    assert french["mention"]["sentiment_method"] == "fr"
    review = ids["Acme refund came fast: thank you!"]
    assert show_json(cli, scanned, review)["mention"]["engagement"] == {"rating": 5}
    text = cli("show", str(review), "-c", scanned).stdout
    assert re.search(r"^engagement: +rating 5$", text, re.MULTILINE), text
    text = cli("show", str(ids["Café Acme : très bon accueil à Lyon"]), "-c", scanned).stdout
    assert re.search(r"^language: +fr \(declared by the source\)$", text, re.MULTILINE)
    assert re.search(r"^read by: +fr \(brandwatch's French analyzer\)$", text, re.MULTILINE)


def test_marks_build_the_status_history_with_who_and_when(cli, scanned, monkeypatch):
    ids = ids_by_title(cli, scanned)
    refund = ids["Acme support is terrible, still no refund"]
    monkeypatch.setenv("BRANDWATCH_USER", "alice")
    assert cli("mark", str(refund), "--status", "todo", "-c", scanned).exit_code == 0
    monkeypatch.setenv("BRANDWATCH_USER", "bob")
    marked = cli("mark", str(refund), "--status", "replied", "--note", "DM sent", "-c", scanned)
    assert marked.exit_code == 0
    typo = cli("mark", str(refund), "99999", "--status", "ignored", "-c", scanned)
    assert typo.exit_code == 2  # all or nothing: no history either
    history = show_json(cli, scanned, refund)["status_history"]
    assert [(h["what"], h["status"], h["by"], h["note"]) for h in history] == [
        ("status", "new", None, None),
        ("status", "todo", "alice", None),
        ("status", "replied", "bob", None),
        ("note", "replied", "bob", "DM sent"),  # each action is a row of its own
    ]
    assert history[0]["at"] <= history[1]["at"] <= history[2]["at"] == history[3]["at"]
    text = cli("show", str(refund), "-c", scanned).stdout
    assert re.search(r"^status: +replied since \S+ \S+ UTC by bob$", text, re.MULTILINE), text
    assert re.search(r"^note: +DM sent$", text, re.MULTILINE)
    rows = text.split("Status history\n==============\n")[1].splitlines()[2:]
    assert [row.split()[3:] for row in rows] == [
        ["new", "arrived"],
        ["todo", "alice"],
        ["replied", "bob"],
        ["note", "bob", "DM", "sent"],
    ]


def test_the_login_name_marks_when_no_user_is_set_and_nobody_when_none_is_known(
    cli, scanned, monkeypatch
):
    import getpass

    ids = ids_by_title(cli, scanned)
    monkeypatch.delenv("BRANDWATCH_USER", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "carol")
    first = ids["Acme without a link"]
    cli("mark", str(first), "--status", "todo", "-c", scanned)

    def no_login() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr(getpass, "getuser", no_login)
    assert cli("mark", str(first), "--status", "ignored", "-c", scanned).exit_code == 0
    history = show_json(cli, scanned, first)["status_history"]
    assert [(h["status"], h["by"]) for h in history] == [
        ("new", None),
        ("todo", "carol"),
        ("ignored", None),
    ]


@pytest.mark.sqlite_only  # database files, or subprocesses on them
def test_marks_made_before_the_history_existed_are_kept_as_its_start(cli, scanned, tmp_path):
    ids = ids_by_title(cli, scanned)
    refund = ids["Acme support is terrible, still no refund"]
    cli("mark", str(refund), "--status", "todo", "--note", "call back", "-c", scanned)
    with closing(connect(tmp_path / "mentions.db")) as conn, conn:
        conn.execute("DROP TABLE status_history")  # as a database of the previous version
        for sql in (  # and so from before team triage too
            "DROP TABLE mention_tags",
            "DROP INDEX mentions_assignee",
            "ALTER TABLE mentions DROP COLUMN assignee",
            "ALTER TABLE mentions DROP COLUMN tags",
        ):
            conn.execute(sql)
        conn.execute(
            "DELETE FROM _sqlite_migrations WHERE name IN ('m008_status_history', 'm017_triage')"
        )
    history = show_json(cli, scanned, refund)["status_history"]
    assert [(h["status"], h["note"], h["by"]) for h in history] == [
        ("new", None, None),
        ("todo", "call back", None),
    ]
    text = cli("show", str(refund), "-c", scanned).stdout
    assert "(unknown)" in text.split("Status history")[1]


def test_show_as_plain_text_has_every_section_and_web_text_verbatim(cli, scanned):
    ids = ids_by_title(cli, scanned)
    refund = ids["Acme support is terrible, still no refund"]
    result = cli("show", str(refund), "-c", scanned)
    assert result.exit_code == 0 and result.stderr == ""
    text = result.stdout
    assert text.startswith(f"#{refund} Acme support is terrible, still no refund\n")
    for heading in ("Keywords", "Text", "Copies", "Status history"):
        assert f"\n{heading}\n{'=' * len(heading)}\n" in text
    keywords = text.split("Keywords\n")[1].split("\n\n")[0]
    # Each keyword's own sentiment: the title's complaint is Acme's, not Globex's.
    assert re.search(r'^Acme +"Acme" +title +-\d\.\d\d negative$', keywords, re.M)
    assert re.search(
        r'^Globex +"Globex", "Globex Corporation" +text +\+0\.00 neutral$', keywords, re.M
    )
    assert "Three weeks waiting. Globex Corporation would have answered by now." in text
    assert re.search(r"^link: +https://n\.example/1$", text, re.MULTILINE)
    assert re.search(r"^status: +new since \S+ \S+ UTC$", text, re.MULTILINE)
    assert "Copies\n======\nnone\n" in text
    markup = cli("show", str(ids["Acme [bold red]deal[/bold red] of the week"]), "-c", scanned)
    assert markup.stdout.startswith(
        f"#{ids['Acme [bold red]deal[/bold red] of the week']} Acme [bold red]deal[/bold red]"
    )


def test_show_on_a_terminal_is_rich_and_keeps_markup_from_the_web_as_text(
    cli, scanned, monkeypatch
):
    ids = ids_by_title(cli, scanned)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # Rich treats stdout as a terminal
    result = cli("show", str(ids["Acme [bold red]deal[/bold red] of the week"]), "-c", scanned)
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" in result.stdout  # styled: the Rich rendering, not the plain one
    visible = re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", result.stdout)
    assert "Acme [bold red]deal[/bold red] of the week" in visible
    assert "Status history" in visible and "======" not in visible
    assert re.search(r"^  \S+ \S+ UTC +new +arrived", visible, re.MULTILINE), visible
    assert ";https://n.example/2\x1b\\" in result.stdout  # the title links to the story


def test_terminal_control_sequences_never_reach_the_screen(cli, scanned, tmp_path, monkeypatch):
    mention_id = ids_by_title(cli, scanned)["Acme support is terrible, still no refund"]
    hostile = "\x1b]0;pwned\x07Acme \x1b[5mblinks\u202e"
    store_values(tmp_path, mention_id, title=hostile, text=hostile, author=hostile)
    plain = cli("show", str(mention_id), "-c", scanned).stdout
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    rich = cli("show", str(mention_id), "-c", scanned).stdout
    for out in (plain, rich):
        assert "pwned" not in out and "\x1b[5m" not in out and "\u202e" not in out
        assert out.count("Acme blinks") == 3  # title, author, text


def store_values(folder: Path, mention_id: int, **values: str) -> None:
    """Give a mention values no source yields today (each keeps http(s) links only and removes
    control characters), as a database written by an older version may hold."""
    with closing(connect(folder / "mentions.db")) as conn, conn:
        for column, value in values.items():
            conn.execute(f"UPDATE mentions SET {column} = ? WHERE id = ?", [value, mention_id])


def test_a_link_that_is_not_http_is_shown_but_never_linked_nor_opened(
    cli, scanned, tmp_path, monkeypatch
):
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    mention_id = ids_by_title(cli, scanned)["Acme [bold red]deal[/bold red] of the week"]
    store_values(tmp_path, mention_id, url="javascript:alert(1)")
    text = cli("show", str(mention_id), "-c", scanned).stdout
    assert re.search(r"^link: +not a web link: javascript:alert\(1\)$", text, re.MULTILINE)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    rich = cli("show", str(mention_id), "-c", scanned).stdout
    assert "javascript:alert(1)" in rich and "\x1b]8;" not in rich
    refused = cli("open", str(mention_id), "-c", scanned)
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"error: cannot open mention {mention_id}:"
        " its link is not an http(s) URL: javascript:alert(1)\n"
    )
    bare = cli("open", str(ids_by_title(cli, scanned)["Acme without a link"]), "-c", scanned)
    assert bare.exit_code == 2 and bare.stderr.endswith(": it has no link\n")
    assert opened == []


def test_an_id_that_names_no_mention_is_a_usage_error(cli, scanned, tmp_path):
    for command in ("show", "open"):
        result = cli(command, "99999", "-c", scanned)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            "error: no mention with id 99999 (ids are listed by `mentions`)"
        ]
    assert cli("show", "abc", "-c", scanned).exit_code == 2
    nowhere = cli("show", "1", "-c", scanned, "--db", tmp_path / "none.db")
    assert nowhere.exit_code == 3 and "no mention database yet" in nowhere.stderr


@pytest.mark.sqlite_only  # database files, or subprocesses on them
def test_show_and_open_read_the_database_given_by_db(cli, scanned, tmp_path, monkeypatch):
    ids = ids_by_title(cli, scanned)
    moved = tmp_path / "elsewhere.db"
    (tmp_path / "mentions.db").rename(moved)
    refund = str(ids["Acme support is terrible, still no refund"])
    assert cli("show", refund, "-c", scanned).exit_code == 3
    assert cli("show", refund, "-c", scanned, "--db", moved).stdout.startswith(f"#{refund} ")
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: False)
    assert cli("open", refund, "-c", scanned, "--db", moved).stdout == "https://n.example/1\n"


def test_open_hands_the_link_to_the_browser(cli, scanned, monkeypatch):
    ids = ids_by_title(cli, scanned)
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    refund = str(ids["Acme support is terrible, still no refund"])
    result = cli("open", refund, "-c", scanned)
    assert (result.exit_code, result.stdout) == (0, "")
    assert opened == ["https://n.example/1"]
    assert result.stderr == "Opened https://n.example/1\n"


@pytest.mark.parametrize("failure", ["refused", "error"])
def test_without_a_browser_open_prints_the_link_and_says_so(cli, scanned, monkeypatch, failure):
    def no_browser(url, *args, **kwargs):
        if failure == "error":
            raise webbrowser.Error("could not locate runnable browser")
        return False

    monkeypatch.setattr(webbrowser, "open", no_browser)
    refund = str(ids_by_title(cli, scanned)["Acme support is terrible, still no refund"])
    result = cli("open", refund, "-c", scanned)
    assert (result.exit_code, result.stdout) == (0, "https://n.example/1\n")
    assert result.stderr.startswith("warning: no web browser could be opened here")


def test_copies_of_the_story_are_shown(cli, scanned, monkeypatch):
    from brandwatch_cli.models import StoryCopy
    from brandwatch_cli.store import MentionStore

    copy = StoryCopy(
        "mirror", "https://mirror.example/a", "mirror.example", "2026-11-20T10:00:00+00:00"
    )
    monkeypatch.setattr(MentionStore, "copies_of", lambda self, mention_id: [copy])
    mention_id = str(ids_by_title(cli, scanned)["Acme support is terrible, still no refund"])
    text = cli("show", mention_id, "-c", scanned).stdout
    copies = text.split("Copies\n======\n")[1].split("\n\n")[0].splitlines()
    assert copies[2].split() == [
        "mirror",
        "mirror.example",
        "2026-11-20",
        "10:00",
        "UTC",
        "https://mirror.example/a",
    ]
    shown = json.loads(cli("show", mention_id, "-c", scanned, "-f", "json").stdout)
    assert shown["copies"] == [
        {
            "source": "mirror",
            "url": "https://mirror.example/a",
            "domain": "mirror.example",
            "published_at": "2026-11-20T10:00:00+00:00",
        }
    ]


def test_export_has_matched_terms_after_note(cli, scanned):
    rows = list(csv.DictReader(io.StringIO(cli("export", "-c", scanned).stdout)))
    header = cli("export", "-c", scanned).stdout.splitlines()[0]
    columns = header.split(",")
    assert columns[columns.index("note") + 1 :].count("matched_terms") == 1  # appended
    refund = next(r for r in rows if r["title"].startswith("Acme support"))
    assert json.loads(refund["matched_terms"]) == {
        "Acme": ["Acme"],
        "Globex": ["Globex", "Globex Corporation"],
    }
    lines = cli("export", "-c", scanned, "-f", "jsonl").stdout.splitlines()
    french = next(json.loads(line) for line in lines if "Lyon" in line)
    assert french["matched_terms"] == {"Acme": ["Acme"]}
    assert list(french).index("matched_terms") > list(french).index("note")


@pytest.mark.sqlite_only  # database files, or subprocesses on them
@pytest.mark.skipif(sys.platform != "linux", reason="webbrowser's choices are the Linux ones")
def test_the_console_script_opens_with_browser_or_prints_the_link(scanned, tmp_path):
    """The real ``webbrowser`` in a real process: ``$BROWSER`` is run with the link; with no
    browser at all (an empty PATH, no display) the link is printed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "opened.txt"
    browser = bin_dir / "fake-browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{record}"\n', encoding="utf-8")
    browser.chmod(0o755)
    script = Path(sys.executable).with_name("brandwatch")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PATH"] = str(bin_dir)
    with closing(connect(tmp_path / "mentions.db")) as conn:
        (mention_id,) = conn.execute(
            "SELECT id FROM mentions WHERE url = 'https://n.example/1'"
        ).fetchone()
    command = [str(script), "open", str(mention_id), "-c", str(scanned)]
    run = subprocess.run(
        command, env={**env, "BROWSER": str(browser)}, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert record.read_text(encoding="utf-8") == "https://n.example/1"
    assert run.stdout == ""
    env.pop("BROWSER", None)
    headless = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert (headless.returncode, headless.stdout) == (0, "https://n.example/1\n")
    assert "no web browser could be opened" in headless.stderr
