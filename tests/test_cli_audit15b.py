"""A new user's audit (round 15, second part): each test is a defect the tool had, driven
through the real entry point."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ACME_BOTH_WAYS, rss, scanned_feed, write_config

ITEMS = ACME_BOTH_WAYS


@pytest.fixture
def scanned(cli, feed_server, tmp_path):
    return scanned_feed(cli, feed_server, tmp_path, ITEMS)


def _catches_sigterm(pid: int) -> bool:
    """Whether process ``pid`` has a SIGTERM handler of its own (Linux: ``SigCgt``)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():  # not Linux: give it time
        time.sleep(3)
        return True
    for line in status.read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signal.SIGTERM - 1) & 1)
    return False


def _stored(db: Path) -> tuple[int, int, int]:
    """What the three commands write: replied mentions, corrections, mutes."""
    with sqlite3.connect(db) as conn:
        replied = conn.execute("SELECT count(*) FROM mentions WHERE status = 'replied'")
        corrections = conn.execute("SELECT count(*) FROM sentiment_corrections")
        mutes = conn.execute("SELECT count(*) FROM mutes")
        return (replied.fetchone()[0], corrections.fetchone()[0], mutes.fetchone()[0])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "said"),
    [
        (("mark", "1", "--status", "replied"), "mark interrupted; nothing was marked"),
        (("corrections", "import"), "import interrupted; nothing was imported"),
        (("mute", "--domain", "x.example"), "mute interrupted; nothing was muted"),
        # any other command: SIGTERM is Ctrl-C from the entry point on, one line
        (("unmute", "1"), "interrupted"),
    ],
)
def test_sigterm_stops_a_writing_command_with_exit_130_and_nothing_written(
    scanned, tmp_path, command, said
):
    """README, exit codes: 130 is "interrupted (Ctrl-C or SIGTERM)". These commands died of
    the signal (143); now SIGTERM stops them as Ctrl-C does, their transaction undone."""
    if command[0] == "corrections":
        labelled = tmp_path / "labels.csv"
        labelled.write_text("text,label,language\nAcme is great,positive,en\n")
        command = (*command, str(labelled))
    db = tmp_path / "mentions.db"
    before = _stored(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer: the command waits for its turn
    try:
        run = subprocess.Popen(
            [sys.executable, "-m", "brandwatch_cli", *command, "-c", str(scanned)],
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not _catches_sigterm(run.pid) and run.poll() is None:
            assert time.monotonic() < deadline, "the command never caught SIGTERM"
            time.sleep(0.05)
        time.sleep(0.5)  # on its way to the database
        run.send_signal(signal.SIGTERM)
        time.sleep(0.3)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 130, stderr
    assert stderr == f"error: {said}\n"
    assert _stored(db) == before


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("report", "-o", ""), "--output"),
        (("export", "--output="), "--output"),
        (("mentions", "-c", ""), "--config"),
        (("report", "--db", ""), "--db"),
        (("db", "copy", "--to", ""), "--to"),
        (("corrections", "import", ""), "FILE"),
    ],
)
def test_an_empty_file_name_is_a_usage_error_naming_the_option(cli, scanned, args, option):
    """An empty path was read as the current folder ("error: .: cannot write (Is a
    directory)", exit 1): now one line naming the option, exit 2, whatever the command."""
    given = ("-c", scanned) if "-c" not in args else ()
    result = cli(*args, *given)
    assert result.exit_code == 2, result.stderr
    assert result.stderr == f"error: {option}: an empty file name\n"
    assert result.stdout == ""


def test_corrections_import_counts_a_short_row_in_the_right_number(cli, scanned, tmp_path):
    """A row of one field said "1 columns": now "1 column" (and "3 columns")."""
    labelled = tmp_path / "labels.csv"
    labelled.write_text("text,label\nAcme is great\nfine,positive,en\n")
    result = cli("corrections", "import", labelled, "-c", scanned)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        f"{labelled}:2: 1 column, the header has 2",
        f"{labelled}:3: 3 columns, the header has 2",
    ]


def test_review_of_an_empty_database_says_there_is_nothing_to_review(cli, tmp_path):
    """README, review: before a model it lists "the newest unlabelled mentions"; with none
    stored it announced them anyway ("...; the newest unlabelled mentions follow") and listed
    nothing. Exit 0, as `mentions` when none match."""
    config = write_config(tmp_path, [("news", "http://127.0.0.1:9/f.xml")])
    labelled = tmp_path / "labels.csv"
    labelled.write_text("text,label\nAcme is great,positive\n")
    assert cli("corrections", "import", labelled, "-c", config).exit_code == 0  # creates the db
    for fmt, out in (("table", ""), ("json", "[]\n")):
        result = cli("review", "-c", config, "-f", fmt)
        assert result.exit_code == 0
        assert result.stdout == out
        assert result.stderr == (
            "no relevance model yet: 20 more irrelevant and 20 more relevant labels needed"
            " (mark ID --relevant / --irrelevant); no unlabelled mention to review\n"
        )


def test_review_with_everything_labelled_says_so(cli, feed_server, tmp_path):
    """A model, and nothing unlabelled left: the table said nothing at all."""
    items = [
        {
            "title": f"Acme {'phone review' if n < 20 else 'fruit salad recipe'} {n}",
            "link": f"https://n.example/{n}",
        }
        for n in range(40)
    ]
    feed_server.serve("/f.xml", rss(items))
    config = write_config(tmp_path, [("news", feed_server.url("/f.xml"))], keywords="  - Acme\n")
    assert cli("scan", "-c", config).exit_code == 0
    ids = [str(n) for n in range(1, 41)]
    assert cli("mark", *ids[:20], "--relevant", "-c", config).exit_code == 0
    assert cli("mark", *ids[20:], "--irrelevant", "-c", config).exit_code == 0
    result = cli("review", "-c", config)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "No mentions to review.\n"
    as_json = cli("review", "-c", config, "-f", "json")
    assert (as_json.stdout, as_json.stderr) == ("[]\n", "")


def test_a_csv_rating_outside_its_scale_is_not_stored_as_a_rating(cli, tmp_path):
    """README, Ratings: a csv rating is on 0..rating_scale; -3 or 99 on a 1-5 scale decided
    no label but was kept as the `rating` engagement, so `rating_at_most: 2` matched -3."""
    (tmp_path / "avis.csv").write_text(
        "text,rating\nAcme was slow,-3\nAcme was fine,99\nAcme was bad,2\nAcme was ok,7\n"
    )
    config = tmp_path / "brandwatch.yaml"
    config.write_text(
        f"database: {tmp_path / 'mentions.db'}\nkeywords:\n  - Acme\nsources:\n"
        "  - name: shop\n    type: csv\n    url: avis.csv\n"
        "  - name: survey\n    type: csv\n    url: avis.csv\n    rating_scale: 10\n"
    )
    assert cli("scan", "-c", config).exit_code == 0
    from helpers import db_rows

    rows = db_rows(
        tmp_path / "mentions.db", "SELECT source, text, engagement FROM mentions ORDER BY id"
    )
    kept = {(source, text): engagement for source, text, engagement in rows}
    assert kept[("shop", "Acme was slow")] in ("{}", None, "")
    assert kept[("shop", "Acme was fine")] in ("{}", None, "")
    assert kept[("shop", "Acme was ok")] in ("{}", None, "")
    assert kept[("shop", "Acme was bad")] == '{"rating": 2.0}'
    assert kept[("survey", "Acme was ok")] == '{"rating": 7.0}'  # on 0..10
