"""search: column filters, queries that reduce to nothing, hits streamed."""

from __future__ import annotations

import json

import pytest

from brandwatch_cli.store.filters import fts_query, searchable_words
from helpers import rss, write_config


@pytest.fixture
def config(cli, tmp_path):
    items = [
        {
            "title": "Apple event recap",
            "link": "https://x.example/1",
            "description": "Acme was there",
            "author": "ATP",
        },
        {
            "title": "Acme news",
            "link": "https://x.example/2",
            "description": "An apple a day",
            "author": "Dana",
        },
    ]
    (tmp_path / "feed.xml").write_text(rss(items), encoding="utf-8")
    path = write_config(tmp_path, [("local", str(tmp_path / "feed.xml"))], keywords="  - Acme\n")
    assert cli("scan", "-c", path).exit_code == 0
    return path


def titles(cli, config, query):
    result = cli("search", query, "-c", config, "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    return sorted(json.loads(line)["title"] for line in result.stdout.splitlines())


def test_column_filters_search_one_field(cli, config):
    assert titles(cli, config, "apple") == ["Acme news", "Apple event recap"]
    assert titles(cli, config, "title:apple") == ["Apple event recap"]
    assert titles(cli, config, "text:apple") == ["Acme news"]
    assert titles(cli, config, "author:ATP") == ["Apple event recap"]
    assert titles(cli, config, 'title:"event recap"') == ["Apple event recap"]


def test_a_query_that_reduces_to_one_letter_is_refused_with_a_hint(cli, config):
    result = cli("search", "C++", "-c", config)
    assert result.exit_code == 2
    assert "looks for 'c'" in result.stderr and '"C++ developer"' in result.stderr


def test_query_pieces():
    assert fts_query("title:apple OR author:ATP") == 'title:"apple" OR author:"ATP"'
    assert fts_query('title: "a b" c') == 'title:"a b" "c"'
    assert searchable_words("C++ AND title:x") == ["C", "x"]
    assert searchable_words('"C++ developer"') == ["C", "developer"]
    # The words "title" and "text" are words like others when no colon follows them.
    assert searchable_words("title") == ["title"]
    assert searchable_words('text: "C"') == ["C"]


def test_relevance_puts_the_best_match_first_with_what_was_found(cli, config):
    query = "apple OR recap"  # both words in one mention, one in the other
    piped = cli("search", query, "-c", config, "--sort", "relevance").stdout.splitlines()
    first = piped[0].split("\t")
    assert first[6] == "Apple event recap" and first[-1] == "[Apple] event [recap]"
    assert piped[1].split("\t")[6] == "Acme news"
    newest = cli("search", "apple", "-c", config).stdout.splitlines()
    assert len(newest[0].split("\t")) == len(first) - 1  # no snippet unless ranked
    records = cli("search", "apple", "-c", config, "--sort", "relevance", "-f", "jsonl").stdout
    assert all("snippet" not in json.loads(line) for line in records.splitlines())


@pytest.mark.parametrize(
    ("query", "near"),
    [
        ("NOT acme", 'near "NOT"'),
        ("OR apple", 'near "OR"'),
        ("acme OR", 'near ""'),
        ("acme AND OR apple", 'near "OR"'),
        ("title:apple AND NOT acme", 'near "NOT"'),
        ("(AND acme)", 'near "AND"'),
        ("(acme OR) apple", 'near ")"'),
    ],
)
def test_an_operator_out_of_place_is_refused_the_same_on_both_engines(cli, config, query, near):
    """SQLite's FTS5 refuses these; PostgreSQL used to drop the operator, so that
    ``NOT acme`` listed the very mentions naming Acme."""
    result = cli("search", query, "-c", config)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert f"is not a valid search: syntax error {near}" in result.stderr
    assert result.stdout == ""


def test_operators_in_their_place_mean_the_same_on_both_engines(cli, config):
    assert titles(cli, config, "apple NOT acme") == []
    assert titles(cli, config, "apple NOT recap") == ["Acme news"]
    assert titles(cli, config, "(acme OR apple) NOT dana") == ["Apple event recap"]  # author
    assert titles(cli, config, "recap OR (day AND apple)") == ["Acme news", "Apple event recap"]
