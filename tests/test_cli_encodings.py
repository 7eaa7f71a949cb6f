"""A terminal that is not UTF-8: text for people degrades, machine formats stay UTF-8."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import rss, write_config

BRANDWATCH = str(Path(sys.executable).parent / "brandwatch")


def run(*args: object, encoding: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "LC_ALL": "C"}
    return subprocess.run(
        [BRANDWATCH, *map(str, args)], capture_output=True, env=env, timeout=60, check=False
    )


@pytest.fixture
def config(tmp_path):
    (tmp_path / "feed.xml").write_text(
        rss(
            [
                {
                    "title": "Café Lumière → ouvre à Lyon 😀",
                    "link": "https://x.example/1",
                    "description": "Café Lumière est génial",
                }
            ]
        ),
        encoding="utf-8",
    )
    path = write_config(
        tmp_path, [("local", str(tmp_path / "feed.xml"))], keywords="  - Café Lumière\n"
    )
    scanned = run("scan", "-c", path, encoding="utf-8")
    assert scanned.returncode == 0, scanned.stderr
    return path


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_every_listing_degrades_instead_of_crashing(config, encoding):
    for args in (
        ["mentions"],
        ["report", "--since", "3650d"],
        ["sources"],
        ["show", "1"],
        ["search", "lumière"],
        ["scan", "--force"],
    ):
        result = run(*args, "-c", config, encoding=encoding)
        assert result.returncode == 0, (args, result.stderr)
        assert b"internal error" not in result.stderr
        result.stdout.decode(encoding)  # what the terminal can show, nothing else


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_machine_formats_on_stdout_are_always_utf8(config, encoding):
    csv_out = run("export", "-c", config, encoding=encoding).stdout.decode("utf-8")
    assert "Café Lumière → ouvre à Lyon 😀" in csv_out
    jsonl = run("mentions", "-c", config, "-f", "jsonl", encoding=encoding).stdout
    assert json.loads(jsonl.decode("utf-8"))["title"].startswith("Café")
    report = run("report", "-c", config, "--since", "3650d", "-f", "json", encoding=encoding)
    assert json.loads(report.stdout.decode("utf-8"))["keywords"][0]["keyword"] == "Café Lumière"


def test_symbols_fall_back_to_ascii_look_alikes(config):
    report = run("report", "-c", config, "--since", "3650d", encoding="ascii").stdout.decode()
    assert " -> " in report and "→" not in report


def test_an_argument_that_is_not_utf8_is_a_usage_error(config):
    result = subprocess.run(
        [BRANDWATCH, "mentions", "-c", str(config), "-k", b"Acm\xff"],
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    assert result.returncode == 2
    assert b"is not valid text (UTF-8)" in result.stderr and b"internal error" not in result.stderr
