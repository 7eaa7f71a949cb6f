"""Option values read without pydantic (``cli/coercion.py``): the same values as Typer's own
adapters, and Typer's own messages for values they refuse."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import CliResult
from helpers import rss, scan_ok, write_config


def scanned(tmp_path: Path, cli: Callable[..., CliResult]) -> Path:
    feed = tmp_path / "feed.xml"
    feed.write_text(rss([{"title": f"Acme news {n}", "guid": str(n)} for n in range(3)]))
    config = write_config(tmp_path, [("local", str(feed))])
    scan_ok(cli, config, 3)
    return config


def test_plain_values_are_read_as_typer_reads_them(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    config = scanned(tmp_path, cli)
    # a path, an int, an enum in any case Typer accepts, a list of enums, a list of strings
    listed = cli("mentions", "-c", config, "-n", "2", "--format", "jsonl", "--status", "new")
    assert listed.exit_code == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 2
    only = cli("mentions", "--config", config, "-k", "acme", "-k", "Acme", "--format", "jsonl")
    assert only.exit_code == 0, only.stderr
    assert all(json.loads(line)["keywords"] == "Acme" for line in only.stdout.splitlines())
    sources = cli("sources", "-c", str(config), "-f", "json")
    assert sources.exit_code == 0, sources.stderr
    assert [s["name"] for s in json.loads(sources.stdout)["sources"]] == ["local"]


def test_values_the_plain_reading_refuses_get_typers_own_messages(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    config = scanned(tmp_path, cli)
    cases = {
        ("mentions", "-n", "abc"): "Invalid value for '--limit' / '-n': Input should be a valid",
        ("mentions", "-n", "-1"): "Invalid value for '--limit' / '-n'",
        ("sources", "--format", "xml"): "'xml' is not one of 'table', 'json'",
        ("mentions", "--status", "new", "--status", "open"): "'open' is not one of 'new'",
    }
    for args, message in cases.items():
        result = cli(*args, "-c", config)
        assert result.exit_code == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)


def test_a_missing_config_path_is_still_the_configs_own_error(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli("check", "-c", tmp_path / "nope.yaml")
    assert result.exit_code != 0
    assert result.stderr.startswith(f"error: {tmp_path / 'nope.yaml'}: config file not found")
