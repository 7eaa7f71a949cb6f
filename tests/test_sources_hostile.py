"""Feeds built to break the parser: each one is that source's failure or is read, never a crash."""

from __future__ import annotations

import pytest

from brandwatch_cli.errors import SourceError
from brandwatch_cli.sources.decoding import load_json
from brandwatch_cli.sources.feed import parse_feed
from helpers import rss, write_config

URL = "https://example.com/feed"


@pytest.mark.parametrize("reference", ["&#xD800;", "&#xdfff;", "&#55296;", "&#57343;", "&#x0DC00;"])
def test_a_reference_to_half_a_utf16_pair_reads_as_a_replacement_character(reference):
    body = rss([{"title": f"Acme {reference} news", "link": "https://x.example/1"}])
    (item,) = parse_feed(body.encode(), {}, URL)
    assert item.title == "Acme \ufffd news"


def test_neighbouring_character_references_are_untouched():
    body = rss([{"title": "Acme &#55295; &#57344; &#x1F600;", "link": "https://x.example/1"}])
    (item,) = parse_feed(body.encode(), {}, URL)
    assert item.title == "Acme \ud7ff \ue000 😀"


def test_lone_surrogates_in_json_are_replaced_and_pairs_kept():
    data = b'{"a": "x\\ud800y", "\\udc00k": ["\\ud83d\\ude00", {"b": "\\uDBFF"}]}'
    assert load_json(data) == {"a": "x\ufffdy", "\ufffdk": ["😀", {"b": "\ufffd"}]}
    assert load_json(b'{"a": "plain"}') == {"a": "plain"}


def test_json_nested_beyond_reading_is_a_source_error():
    with pytest.raises(SourceError, match="nested too deeply"):
        load_json(b'{"items":' + b"[" * 100_000 + b"]" * 100_000 + b"}")


def test_hostile_feeds_are_their_own_sources_failures_and_the_others_are_stored(cli, tmp_path):
    good = tmp_path / "good.xml"
    good.write_text(rss([{"title": "Acme is fine", "link": "https://x.example/ok"}]))
    surrogate = tmp_path / "surrogate.json"
    surrogate.write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "title": "j", "items": [{"id": "1",'
        ' "title": "Acme \\ud800 launch", "url": "https://x.example/j"}]}'
    )
    deep = tmp_path / "deep.json"
    deep.write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "items":'
        + "[" * 100_000
        + "]" * 100_000
        + "}"
    )
    config = write_config(
        tmp_path, [("good", str(good)), ("surrogate", str(surrogate)), ("deep", str(deep))]
    )
    result = cli("scan", "-c", config)
    assert result.exit_code == 1, result.stdout + result.stderr  # one failed, the others stored
    assert "internal error" not in result.stderr
    assert "deep" in result.stdout + result.stderr
    titles = cli("mentions", "-c", config, "-f", "jsonl").stdout
    assert "Acme is fine" in titles and "Acme \ufffd launch" in titles
