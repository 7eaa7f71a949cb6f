"""The house rules of README's "How it is built", checked on the source itself.

import-linter checks who may import whom (``[tool.importlinter]`` in pyproject.toml); the rules
it cannot express are checked here by reading the code.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "brandwatch_cli"
MAX_LINES = 500
MAX_TOP_LEVEL_MODULES = 16
SQL_WORDS = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE", "PRAGMA ")


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


def part_of(name: str) -> str:
    """The top-level part a module belongs to: ``store`` for ``brandwatch_cli.store.stats``."""
    return name.split(".")[1] if name.count(".") else name


def test_the_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [lint, "--no-cache"], capture_output=True, text=True, cwd=PACKAGE.parents[1], check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


def test_no_module_is_longer_than_a_sitting() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_few_modules_stand_beside_the_packages() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_no_private_name_is_imported_from_another_module() -> None:
    found = []
    for path in modules():
        importer = module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.module is None or node.level:
                continue
            if not node.module.startswith("brandwatch_cli"):
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and node.module != importer:
                    found.append(f"{importer} imports {alias.name} from {node.module}")
    assert not found, "\n".join(found)


def test_only_the_command_line_exits_or_knows_exit_codes() -> None:
    found = []
    for path in modules():
        name = module_name(path)
        if part_of(name) in ("cli", "__main__"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "exit"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            ):
                found.append(f"{name}:{node.lineno} calls sys.exit")
            if isinstance(node, ast.Name | ast.Attribute):
                ident = node.id if isinstance(node, ast.Name) else node.attr
                if ident == "exit_code" or ident.startswith("EXIT_"):
                    found.append(f"{name}:{node.lineno} names {ident}")
    assert not found, "\n".join(found)


def test_sql_lives_only_in_the_store() -> None:
    found = []
    for path in modules():
        name = module_name(path)
        if part_of(name) == "store":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.upper()
                if any(word in text for word in SQL_WORDS) and " FROM " in f" {text} ":
                    found.append(f"{name}:{node.lineno}")
    assert not found, "SQL outside store/: " + ", ".join(found)


def test_tests_are_named_for_the_part_they_test() -> None:
    """``tests/test_store.py``, ``tests/test_sources_reddit.py``: a test file starts with the
    name of the package or top-level module it tests, so its home is obvious."""
    parts = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()
    }
    tests = Path(__file__).parent
    stray = [
        t.name
        for t in tests.glob("test_*.py")
        if t.stem != "test_architecture"
        and not any(
            t.stem == f"test_{part}" or t.stem.startswith(f"test_{part}_") for part in parts
        )
    ]
    assert not stray, stray
