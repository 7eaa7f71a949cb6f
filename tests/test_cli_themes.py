"""``brandwatch themes`` through the real entry point: formats, -k, periods, empty, errors; and
the themes sections of report and digest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import config_file
from test_insight_themes import planted_corpus

WEEK = ("--since", "2026-11-13T12:00", "--until", "2026-11-20T12:00")
KEYWORDS = "  - name: Acme\n    terms: [Acme, Acme Corp]\n  - Globex\n"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    planted_corpus(tmp_path / "mentions.db")
    return config_file(tmp_path, "  - name: news\n    url: /nowhere.xml\n", KEYWORDS)


def test_json_lists_every_keywords_themes_with_the_documented_keys(cli, config):
    result = cli("themes", "-c", config, *WEEK, "--format", "json")
    assert result.exit_code == 0, result.stderr
    themes = json.loads(result.stdout)
    keys = {"keyword", "phrase", "count", "share", "sentiment", "trend", "previous", "score"}
    assert all(set(theme) == {*keys, "related", "examples"} for theme in themes)
    lost = next(t for t in themes if t["phrase"] == "colis perdu")
    assert (lost["keyword"], lost["count"], lost["trend"], lost["previous"]) == (
        "Acme",
        42,
        "new",
        0,
    )
    assert lost["share"] == 0.25 and lost["sentiment"] == -1.0
    assert len(lost["examples"]) == 2 and all(isinstance(i, int) for i in lost["examples"])
    assert {t["keyword"] for t in themes} == {"Acme", "Globex"}


def test_one_keyword_top_and_the_table(cli, config):
    result = cli("themes", "-c", config, *WEEK, "-k", "acme", "--top", "1")
    assert result.exit_code == 0, result.stderr
    assert "Themes: Acme (168 mentions)" in result.stdout
    assert "colis perdu" in result.stdout and "new" in result.stdout
    assert "Globex" not in result.stdout and "appli plante" not in result.stdout  # --top 1


def test_markdown(cli, config):
    result = cli("themes", "-c", config, *WEEK, "--format", "markdown", "-k", "Acme")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Themes, 2026-11-13 12:00 → 2026-11-20 12:00 UTC")
    assert "## Acme" in result.stdout
    assert "| colis perdu | 42 | 25% | -1.00 | new |" in result.stdout
    assert "[#" in result.stdout  # examples link to their mentions


def test_an_earlier_period_has_other_themes(cli, config):
    earlier = ("--since", "2026-11-06T12:00", "--until", "2026-11-13T12:00")
    result = cli("themes", "-c", config, *earlier, "-k", "Globex", "-f", "json")
    phrases = [t["phrase"] for t in json.loads(result.stdout)]
    assert any("écran cassé" in p for p in phrases)  # last week's, gone since


def test_an_empty_period_says_so_and_exits_0(cli, config):
    result = cli("themes", "-c", config, "--since", "2020-01-01", "--until", "2020-02-01")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "note: Acme: no mentions in 2020-01-01 00:00 → 2020-02-01 00:00 UTC" in result.stderr


def test_an_unknown_keyword_is_one_line_and_exit_2(cli, config):
    result = cli("themes", "-c", config, "-k", "Initech")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --keyword 'Initech': no such keyword")
    assert "Traceback" not in result.stderr


def test_report_and_digest_have_a_themes_section(cli, config):
    report = cli("report", "-c", config, *WEEK, "--format", "json")
    assert report.exit_code == 0, report.stderr
    themes = json.loads(report.stdout)["themes"]
    assert any(t["phrase"] == "colis perdu" and t["count"] == 42 for t in themes)
    markdown = cli("report", "-c", config, *WEEK, "--format", "markdown").stdout
    assert "## Themes" in markdown and "| colis perdu | 42 |" in markdown
    table = cli("report", "-c", config, *WEEK).stdout
    assert "Themes: Acme" in table and "colis perdu" in table
    for fmt in ("text", "markdown", "html"):
        digest = cli("digest", "-c", config, "--since", "30d", "--format", fmt)
        assert digest.exit_code == 0, digest.stderr
        assert "Themes" in digest.stdout


@pytest.mark.parametrize("command", ["report", "themes"])
def test_a_period_from_the_first_years_of_the_calendar_is_read_not_a_crash(cli, config, command):
    """The period before ``--since 0001-01-02`` would start before year 1: it starts there."""
    result = cli(command, "-c", config, "--since", "0001-01-02", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr
    found = json.loads(result.stdout)
    if command == "themes":
        assert any(t["phrase"] == "colis perdu" for t in found)
    else:
        assert sum(k["mentions"] for k in found["keywords"]) > 0
