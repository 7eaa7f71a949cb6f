"""config/aspects.py: the ``aspects:`` mapping over the built-in aspects, and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandwatch_cli.config.load import load_config
from brandwatch_cli.errors import ConfigError
from brandwatch_cli.matching.aspects import DEFAULT_TERMS

HEAD = "keywords: [Acme]\nsources:\n  - {name: a, url: x.xml}\n"


def load(tmp_path: Path, aspects: str):
    path = tmp_path / "brandwatch.yaml"
    path.write_text(HEAD + aspects, encoding="utf-8")
    return {a.name: a for a in load_config(path).aspects}


def test_without_aspects_the_built_in_ones_apply(tmp_path):
    assert list(load(tmp_path, "")) == list(DEFAULT_TERMS)


def test_extend_add_replace_and_turn_off(tmp_path):
    aspects = load(
        tmp_path,
        """aspects:
  delivery: [point relais, "click and collect"]
  battery: [batterie, autonomie, battery]
  price: {terms: [tarif, abonnement], replace: true}
  staff: null
  support_fr: {query: 'support NEAR/3 technique'}
""",
    )
    assert "staff" not in aspects
    delivery = aspects["delivery"]
    assert delivery.terms[: len(DEFAULT_TERMS["delivery"])] == DEFAULT_TERMS["delivery"]
    assert delivery.terms[-1] == "click and collect"
    assert aspects["price"].terms == ("tarif", "abonnement")
    assert aspects["price"].lexicon  # replacing the words keeps what they mean for a price
    assert aspects["battery"].terms == ("batterie", "autonomie", "battery")
    assert aspects["support_fr"].query == "support NEAR/3 technique"
    assert list(aspects)[-2:] == ["battery", "support_fr"]  # new ones after the built-in


@pytest.mark.parametrize(
    ("aspects", "line", "message"),
    [
        (
            "aspects:\n  price: {terms: [x], replce: true}\n",
            5,
            "unknown key 'replce' in aspect 'price' (did you mean 'replace'?)",
        ),
        ("aspects:\n  battery:\n    - batterie\n    - ''\n", 7, "must be a non-empty string"),
        ("aspects:\n  battery: ['  *']\n", 5, "aspect 'battery' has an empty term"),
        (
            "aspects:\n  battery: {query: 'batterie AND (x'}\n",
            5,
            "query of aspect 'battery', column 14: this ( is never closed",
        ),
        ("aspects:\n  battery: null\n", 5, "aspect 'battery' is not built in, nothing to turn off"),
        ("aspects:\n  battery: []\n", 5, "aspect 'battery' lists no term"),
        ("aspects:\n  'bat tery': [x]\n", 5, "aspect name 'bat tery': use letters"),
        ("aspects:\n  price: {replace: true}\n", 5, "aspect 'price' needs 'terms' or a 'query'"),
        ("aspects: [price]\n", 4, "'aspects' must map aspect names to lists of terms"),
        ("aspects:\n  battery: ['say \"hi\"']\n", 5, "cannot contain a double quote"),
    ],
)
def test_errors_name_the_file_and_line(tmp_path, aspects, line, message):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, aspects)
    assert str(caught.value).startswith(f"{tmp_path / 'brandwatch.yaml'}:{line}: ")
    assert message in str(caught.value)


def test_a_config_error_exits_2_on_one_line(cli, tmp_path):
    path = tmp_path / "brandwatch.yaml"
    path.write_text(HEAD + "aspects:\n  price: {terms: [x], replce: true}\n", encoding="utf-8")
    result = cli("check", "-c", path)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "replce" in result.stderr
