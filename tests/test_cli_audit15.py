"""A new user's audit of issues 11, 14 and 15's contracts (round 15): each test is a defect the
tool had, driven through the real entry point."""

from __future__ import annotations

import pytest

from helpers import rss, write_config

ANGRY = {
    "title": "Acme is terrible, the worst",
    "link": "https://n.example/1",
    "description": "I hate Acme",
}
HAPPY = {"title": "Acme is great", "link": "https://n.example/2", "description": "love it"}


def rules_config(tmp_path, server, rules: str, extra: str = ""):
    port = server.base_url.rsplit(":", 1)[1]
    notify = f"notify:\n  team: json://127.0.0.1:{port}/hook\n"
    return write_config(
        tmp_path,
        [("news", server.url("/f.xml"))],
        keywords="  - Acme\n",
        extra=notify + extra + "rules:\n" + rules,
    )


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
        assert line == f"error: {config}:7: '{key}' of rule 'a' must name at least one value"
