"""Start-up: which heavy modules each command loads, in a fresh interpreter running the real
entry point (as reader's ``tests/test_lazy_imports.py`` does).

A command pays for what it imports before doing anything: httpx, the analyzers and the process
pool's machinery are for scanning; SQLite for commands that read the database; Rich for the
terminal tables. A module-level import added in the wrong place shows up here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a dozen fresh interpreters, about 1 s each

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: The modules this test watches: each costs start-up time and is needed by some commands only.
LAZY = frozenset(
    {
        "httpx",
        "feedparser",
        "vaderSentiment",
        "apprise",
        "brandwatch_cli.sentiment.french",
        "multiprocessing",
        "asyncio",
        "concurrent.futures",  # thread pools: a scan's, a big report's readers (store.readers)
        "sqlite_utils",
        "yaml",
        "rich",
        "brandwatch_cli.scan",
        "numpy",  # language detection and learned models, for the scans and texts that need them
        "pydantic",  # Typer's adapters, for option values cli/coercion.py reads without them
    }
)

READING = {"yaml", "sqlite_utils"}

#: Runs ``main`` as the console script does and writes the loaded module names to a file.
SCRIPT = textwrap.dedent(
    """
    import atexit, os, sys
    def dump():
        with open(os.environ["MODULES_FILE"], "w") as f:
            f.write("\\n".join(sys.modules))
    atexit.register(dump)
    sys.argv = ["brandwatch", *sys.argv[1:]]
    from brandwatch_cli.cli import main
    main()
    """
)


def loaded(folder: Path, *args: str) -> set[str]:
    """The watched modules that ``brandwatch *args`` loaded, run in ``folder``."""
    out = folder / "modules.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE_")}
    env.update(MODULES_FILE=str(out), NO_COLOR="1")
    env.pop("BRANDWATCH_CONFIG", None)
    process = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 0, process.stderr
    return LAZY & set(out.read_text().split())


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled examples, scanned once: a database for the reading commands."""
    folder = tmp_path_factory.mktemp("lazy") / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.db*"))
    cold = loaded(folder, "scan")
    # A scan of local files still goes through the one HTTP client; new mentions are scored,
    # the French feed's with the French analyzer; four sources parse in a thread, no pool.
    assert cold == {
        *READING,
        "httpx",
        "asyncio",
        "concurrent.futures",
        "vaderSentiment",
        "brandwatch_cli.sentiment.french",
        "brandwatch_cli.scan",
    }
    return folder


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--help",), set()),
        (("--version",), set()),
        (("check",), {"yaml"}),
        (("check", "-c", "brandwatch.yaml"), {"yaml"}),
        (("mentions", "-n", "5", "--status", "new", "-k", "Acme"), {*READING, "rich"}),
        (("mentions",), {*READING, "rich"}),
        (("mentions", "--format", "csv"), READING),
        (("search", "Acme", "--format", "jsonl"), READING),
        (("export",), READING),
        (("report", "--since", "2026-11-01"), {*READING, "rich"}),
        (("sources",), {*READING, "rich"}),
        (("sources", "--format", "json"), READING),
        (("search", "Acme"), {*READING, "rich"}),
        (("digest", "--since", "2026-11-01"), READING),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_a_command_loads_only_what_it_needs(
    scanned: Path, args: tuple[str, ...], expected: set[str]
) -> None:
    assert loaded(scanned, *args) == expected


def test_a_rescan_with_nothing_new_loads_no_analyzer(scanned: Path) -> None:
    assert loaded(scanned, "scan") == {
        *READING,
        "httpx",
        "asyncio",
        "concurrent.futures",
        "brandwatch_cli.scan",
    }


def test_a_big_first_scan_loads_the_language_model_before_its_workers_a_rescan_does_not(
    tmp_path: Path,
) -> None:
    # Eight sources or more parse in worker processes: read for the first time, every entry
    # naming a keyword is new, so the language model is loaded once, before the workers fork
    # (they share it) rather than once in each. A rescan leaves it to the workers, if any.
    from helpers import rss, write_config

    feeds = []
    for n in range(8):
        path = tmp_path / f"feed{n}.xml"
        path.write_text(rss([{"title": f"Acme news {n}", "guid": str(n)}]))
        feeds.append((f"f{n}", str(path)))
    write_config(tmp_path, feeds).rename(tmp_path / "brandwatch.yaml")
    loaded(tmp_path, "scan")
    assert "py3langid" in (tmp_path / "modules.txt").read_text().split()
    loaded(tmp_path, "scan")
    assert "py3langid" not in (tmp_path / "modules.txt").read_text().split()


@pytest.mark.parametrize(
    ("args", "drawn_by"),
    [
        ((), "brandwatch_cli.output.sourcestable"),
        (("-f", "json"), "brandwatch_cli.output.jsontext"),
    ],
)
def test_sources_loads_none_of_the_report(
    scanned: Path, args: tuple[str, ...], drawn_by: str
) -> None:
    # thousands of rows, drawn by modules of their own: not the report's (nor its JSON's)
    loaded(scanned, "sources", *args)
    modules = set((scanned / "modules.txt").read_text().split())
    report = {
        "brandwatch_cli.output.terminal",
        "brandwatch_cli.output.json",
        "brandwatch_cli.output.wording",
        "brandwatch_cli.insight.report",
    }
    assert drawn_by in modules
    assert not report & modules
