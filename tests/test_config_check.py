"""brandwatch check: what is valid but will not work as meant is said, before cron finds out."""

from __future__ import annotations

import pytest

from brandwatch_cli.matching.term_warnings import broad_terms
from brandwatch_cli.models import Keyword


def write(tmp_path, keywords, sources="  - {name: a, url: 'http://x.example/f'}\n"):
    path = tmp_path / "c.yaml"
    path.write_text(f"keywords:\n{keywords}sources:\n{sources}")
    return path


def test_terms_that_match_nearly_everything_are_warned_about(cli, tmp_path, monkeypatch):
    config = write(tmp_path, "  - name: Le\n    terms: [le, Le Monde]\n  - X\n  - Acme\n")
    result = cli("check", "-c", config)
    assert result.exit_code == 0
    warnings = result.stderr.splitlines()
    assert "warning: keyword 'Le': 'le' alone will match nearly every text" in warnings[0]
    assert "warning: keyword 'X': 'X' alone" in warnings[1]
    assert len(warnings) == 2  # 'Le Monde' and 'Acme' are fine


def test_broad_terms_follow_what_triggers_a_match():
    assert broad_terms(Keyword("a", ("the",))) == ["the"]
    assert broad_terms(Keyword("q", (), query='"the band" OR Acme')) == []
    assert broad_terms(Keyword("q", (), query="the AND Acme")) == []  # Acme must be there
    assert broad_terms(Keyword("p", (), query="ab*")) == ["ab*"]


def test_a_bluesky_source_without_its_credentials_is_warned_about(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("BRANDWATCH_BLUESKY_HANDLE", raising=False)
    monkeypatch.delenv("BRANDWATCH_BLUESKY_APP_PASSWORD", raising=False)
    config = write(tmp_path, "  - Acme\n", "  - {name: sky, type: bluesky}\n")
    result = cli("check", "-c", config)
    assert result.exit_code == 0
    assert "warning: source 'sky' needs BRANDWATCH_BLUESKY_HANDLE and" in result.stderr
    monkeypatch.setenv("BRANDWATCH_BLUESKY_HANDLE", "me.bsky.social")
    monkeypatch.setenv("BRANDWATCH_BLUESKY_APP_PASSWORD", "xxxx-xxxx")
    assert "warning" not in cli("check", "-c", config).stderr


@pytest.mark.parametrize("code", ["xx", "xq", "zz"])
def test_an_unknown_language_code_is_refused(cli, tmp_path, code):
    config = write(tmp_path, f"  - name: Acme\n    languages: [en, {code}]\n")
    result = cli("check", "-c", config)
    assert result.exit_code == 2
    assert f"{code!r} is not a two-letter ISO 639-1 code" in result.stderr
