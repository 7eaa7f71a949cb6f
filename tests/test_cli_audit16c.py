"""A new user's audit (round 16, part c: issue 4, matching and bilingual sentiment, and the
leftovers of the rounds before): each test is a defect the tool had, driven through the real
entry point."""

from __future__ import annotations

import json

import pytest

from helpers import ACME_BOTH_WAYS, scanned_feed

ITEMS = ACME_BOTH_WAYS


@pytest.fixture
def scanned(cli, feed_server, tmp_path):
    return scanned_feed(cli, feed_server, tmp_path, ITEMS)


def test_a_note_keeps_no_control_character_in_listings_and_exports(cli, scanned):
    """Notes are text from users, as hostile as text from the web: `mark --note` kept
    ``ESC[31m`` and BEL as typed, and CSV/JSONL exports and listings then wrote them raw."""
    marked = cli("mark", "1", "--note", "a\x1b[31mb\x07 c\u202ed\nnext", "-c", scanned)
    assert marked.exit_code == 0, marked.stderr
    outputs = [
        cli("mentions", "-c", scanned, "--format", "jsonl").stdout,
        cli("mentions", "-c", scanned, "--format", "csv").stdout,
        cli("export", "-c", scanned, "-f", "jsonl").stdout,
        cli("export", "-c", scanned, "-f", "csv").stdout,
        cli("show", "1", "-c", scanned, "--format", "json").stdout,
    ]
    for out in outputs:
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, out
    notes = [json.loads(line)["note"] for line in outputs[0].splitlines()]
    assert "ab c d next" in notes  # as a title: controls between words are a space


def test_a_brand_written_with_a_trademark_sign_or_a_soft_hyphen_is_a_mention(
    cli, feed_server, tmp_path
):
    """README, How matching works: whole words, case and accents folded. Folding turned ``™``
    into the letters ``TM`` ("Acme™" read as the word "acmetm"), so a press release's
    "Acme™ launches" was no mention of Acme; and a soft hyphen (``&shy;``, invisible, that
    news sites put in long words) split the name in two."""
    items = [
        {"title": "Acme™ launches a toaster", "link": "https://n.example/1"},
        {"title": "New from ACME℠ today", "link": "https://n.example/2"},
        {"title": "The Ac&amp;shy;me toaster is here", "link": "https://n.example/3"},
        {"title": "Acmetm is another brand", "link": "https://n.example/4"},
    ]
    config = scanned_feed(cli, feed_server, tmp_path, items)
    rows = cli("mentions", "-c", config, "--format", "jsonl").stdout.splitlines()
    found = sorted(json.loads(line)["url"] for line in rows)
    assert found == [f"https://n.example/{n}" for n in (1, 2, 3)]
    checked = cli("check", "-c", config, "--test", "Acme™ launches a toaster")
    assert "MATCH    Acme" in checked.stdout, checked.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Globex-Cinema opens downtown", "no match Globex"),  # the exclusion holds
        ("Le Café-Lumière ouvre à Lyon", "MATCH    Café Lumière"),
        ("Saint-Gobain recrute", "MATCH    Saint Gobain"),
        ("saint-gobain recrute", "no match Saint Gobain"),  # a cased phrase keeps its case
        ("#SaintGobain recrute", "MATCH    Saint Gobain"),  # its hashtag need not
    ],
)
def test_a_phrase_written_with_a_hyphen_is_the_phrase(cli, tmp_path, text, expected):
    """A multi-word term or exclusion is a phrase "whatever the whitespace between its
    words"; written with a hyphen instead (``Globex-Cinema``, ``Saint-Gobain``, as French
    names often are) it was not found: the keyword matched ``Globex`` alone, so the exclusion
    let the cinema in, and ``Café Lumière`` missed ``Café-Lumière``."""
    config = tmp_path / "brandwatch.yaml"
    config.write_text(
        f"database: {tmp_path / 'm.db'}\n"
        "keywords:\n"
        "  - name: Globex\n    terms: [Globex]\n    exclude: [Globex Cinema]\n"
        "  - Café Lumière\n"
        "  - name: Saint Gobain\n    terms: [Saint Gobain]\n    case_sensitive: true\n"
        "sources:\n  - name: f\n    url: https://n.example/f.xml\n",
        encoding="utf-8",
    )
    result = cli("check", "-c", config, "--test", text)
    assert result.exit_code == 0, result.stderr
    assert expected in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("entry", "warned"),
    [
        ("terms: [recrut*]", "'recrut*' is looked for as written"),
        ("terms: ['\"Initech\"']", "'\"Initech\"' is looked for as written"),
        ("terms: [Globex, Initech]\n    exclude: [globex]", "'Globex' is excluded as a whole"),
    ],
)
def test_check_warns_of_a_term_that_cannot_match_as_meant(cli, tmp_path, entry, warned):
    """`terms` are plain words and phrases: a ``*`` or quotes in one are characters to find
    (only `query` and `require_any` read ``recrut*`` as a prefix), and a term also listed in
    `exclude` never counts. `check` said the config was valid and that the keyword matches
    ``recrut*``, and the keyword then never matched "recrutement"."""
    config = tmp_path / "brandwatch.yaml"
    config.write_text(
        f"database: {tmp_path / 'm.db'}\n"
        f"keywords:\n  - name: K\n    {entry}\n"
        "sources:\n  - name: f\n    url: https://n.example/f.xml\n",
        encoding="utf-8",
    )
    result = cli("check", "-c", config)
    assert result.exit_code == 0, result.stderr
    assert f"warning: keyword 'K': {warned}" in result.stderr, result.stderr
