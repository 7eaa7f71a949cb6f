"""A new user's audit of issues 11, 14 and 15's contracts (round 15): each test is a defect the
tool had, driven through the real entry point."""

from __future__ import annotations

import pytest

from helpers import rss, write_config
from test_cli_rules import rules_config

ANGRY = {
    "title": "Acme is terrible, the worst",
    "link": "https://n.example/1",
    "description": "I hate Acme",
}
HAPPY = {"title": "Acme is great", "link": "https://n.example/2", "description": "love it"}


@pytest.mark.parametrize("key", ["keyword", "label", "term", "source", "language", "aspect"])
def test_a_rule_condition_given_an_empty_list_is_a_config_error(cli, feed_server, tmp_path, key):
    """Issue 15: "a condition given a list holds for any of its values", so an empty list holds
    for none; it was dropped instead and the rule fired on every new mention."""
    feed_server.serve("/f.xml", rss([ANGRY, HAPPY]))
    rules = f"  - name: a\n    when: {{{key}: []}}\n    notify: [team]\n"
    config = rules_config(tmp_path, feed_server, rules)
    for command in (("check",), ("scan",), ("rules", "test")):
        result = cli(*command, "-c", config)
        assert result.exit_code == 2, (command, result.stdout, result.stderr)
        (line,) = result.stderr.splitlines()
        assert line == f"error: {config}:8: '{key}' of rule 'a' must name at least one value"


@pytest.fixture
def two_sources(cli, feed_server, tmp_path):
    feed_server.serve("/f.xml", rss([ANGRY, HAPPY]))
    feed_server.serve("/g.xml", rss([{"title": "Acme again", "link": "https://other.example/3"}]))
    config = write_config(
        tmp_path, [("news", feed_server.url("/f.xml")), ("blog", feed_server.url("/g.xml"))]
    )
    assert cli("scan", "-c", config).exit_code == 0
    return config


def test_mute_source_names_a_known_source(cli, two_sources):
    """Issue 15, mute --source: a typo muted nothing and said it had muted; listings' --source
    refuses a name neither the config nor the database has (exit 2, the nearest name)."""
    typo = cli("mute", "--source", "newz", "-c", two_sources)
    assert typo.exit_code == 2
    assert typo.stderr == (
        "error: --source 'newz': no such source in the config or database (did you mean 'news'?)\n"
    )
    assert cli("mute", "--list", "-c", two_sources).stdout == ""
    assert cli("mute", "--source", "news", "-c", two_sources).exit_code == 0


def test_mute_says_how_many_stored_mentions_it_mutes(cli, two_sources):
    """Issue 15, mute: "applied to the past too". The count said was every muted mention, so a
    second mute matching nothing said it had muted the first one's."""
    first = cli("mute", "--source", "news", "-c", two_sources)
    assert first.exit_code == 0
    assert first.stderr == (
        "Muted 1: source=news; it mutes 2 stored mentions (see `mentions --noise`)\n"
    )
    again = cli("mute", "--domain", "n.example", "-c", two_sources)
    assert again.stderr == (
        "Muted 2: domain=n.example; it mutes no more stored mentions"
        " (2 are muted in all; see `mentions --noise`)\n"
    )
    third = cli("mute", "--domain", "other.example", "-c", two_sources)
    assert third.stderr == (
        "Muted 3: domain=other.example; it mutes 1 more stored mention"
        " (3 are muted in all; see `mentions --noise`)\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("export", "-o"),
        ("export", "--excel", "--output"),
        ("report", "--output"),
        ("report", "--format", "html", "-o"),
        ("report", "--chart"),
        ("digest", "--output"),
    ],
)
def test_an_output_onto_the_config_in_use_is_refused(cli, two_sources, command):
    """Issue 11: "Refuse to write an output onto the database in use" (`export -o mentions.db`
    is a slip of the fingers). `export -o brandwatch.yaml` replaced the config in use with CSV
    and exited 0; the next scan read a broken config."""
    before = two_sources.read_bytes()
    *args, option = command
    target = two_sources
    if option == "--chart":  # a chart is named .svg or .png: the config through a link so named
        target = two_sources.parent / "trend.svg"
        target.symlink_to(two_sources)
    result = cli(*args, "-c", two_sources, option, target)
    assert result.exit_code == 2, result.stderr
    assert result.stderr == (
        f"error: {target} is the config file in use: not overwriting it with the output\n"
    )
    assert two_sources.read_bytes() == before
    assert cli("check", "-c", two_sources).exit_code == 0


@pytest.mark.parametrize("extra", [(), ("--status", "todo")])
def test_mark_with_an_empty_note_says_so(cli, two_sources, extra):
    """Issue 15, `mark ID --note TEXT`: an empty --note said "nothing to do: give ... or
    --note" (it was given), and beside another action it was dropped without a word, while an
    empty --tag or --assign is "needs a non-empty value"."""
    result = cli("mark", "1", *extra, "--note", "  ", "-c", two_sources)
    assert result.exit_code == 2
    assert result.stderr == "error: --note needs a non-empty value\n"
    shown = cli("show", "1", "-c", two_sources, "--format", "json")
    assert shown.exit_code == 0 and '"todo"' not in shown.stdout


def test_mark_names_at_most_a_few_missing_ids(cli, two_sources):
    """Bad input is one readable error line: `mark $(seq 1 20000) --status todo` on a small
    database printed every one of the 19,997 missing ids (128 KB on one line)."""
    ids = [str(i) for i in range(1, 2001)]
    result = cli("mark", *ids, "--status", "todo", "-c", two_sources)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no mention with id 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 and 1,987 more;"
        " nothing was marked\n"
    )
    one = cli("mark", "1", "99", "--status", "todo", "-c", two_sources)
    assert one.stderr == "error: no mention with id 99; nothing was marked\n"


def test_the_readme_lists_the_export_columns_export_writes(cli, two_sources):
    """Issue 15 (part 3: "Export gains `relevance`") and the README's "`export` CSV columns,
    in this order": the README's list stopped at `tags`, one column short."""
    import re
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    (listed,) = re.findall(r"^id,source,keywords,[a-z_,]+$", readme, flags=re.MULTILINE)
    exported = cli("export", "-c", two_sources)
    assert exported.exit_code == 0
    assert exported.stdout.splitlines()[0] == listed


@pytest.mark.parametrize(
    ("notify", "line"),
    [
        ('notify:\n  - "json://127.0.0.1:9/ok"\n  - "foo://x"\n', 3),
        ('notify:\n  team: "json://127.0.0.1:9/ok"\n  bad: "foo://x"\n', 3),
        ('notify: ["foo://x"]\n', 1),
    ],
)
def test_check_names_the_line_of_a_notify_url_apprise_cannot_use(cli, tmp_path, notify, line):
    """Issue 11 (`check` validates notify URLs offline) and the README: a wrong config is one
    line naming the file *and line*, exit 2. This one named the file only."""
    config = tmp_path / "brandwatch.yaml"
    config.write_text(notify + "keywords: [Acme]\nsources:\n  - name: n\n    url: feed.xml\n")
    result = cli("check", "-c", config)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {config}:{line}: 'notify': foo://…: not a notification URL apprise can use\n"
    )


@pytest.mark.parametrize(
    "given", ["https://www.N.example/1?x=y", "www.n.example", "N.EXAMPLE.", "n.example/any/path"]
)
def test_mute_domain_takes_a_host_as_a_user_copies_it(cli, two_sources, given):
    """Issue 15, `mute --domain`: the domain is "who published it" (the link's host without
    `www.`, as exported). A URL or a host with `www.` copied from a browser was stored as typed
    and muted nothing."""
    muted = cli("mute", "--domain", given, "-c", two_sources)
    assert muted.exit_code == 0, muted.stderr
    assert muted.stderr.startswith("Muted 1: domain=n.example; it mutes 2 stored mentions")
    assert cli("mute", "--list", "-c", two_sources).stdout.split("\t")[1] == "domain=n.example"


@pytest.mark.parametrize("given", ["https://", "www.", "/path"])
def test_mute_domain_without_a_host_is_a_usage_error(cli, two_sources, given):
    result = cli("mute", "--domain", given, "-c", two_sources)
    assert result.exit_code == 2
    assert result.stderr == f"error: --domain {given!r}: no domain in it (e.g. example.com)\n"
