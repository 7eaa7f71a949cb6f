"""The error tree: its public names, and the exit codes its docstring promises."""

from __future__ import annotations

import inspect
import re

from brandwatch_cli import errors
from brandwatch_cli.cli import status_codes

PUBLIC = {
    "BrandwatchError",
    "ConfigError",
    "SourceError",
    "HttpStatusError",
    "RateLimited",
    "StoreError",
    "Interrupted",
    "Busy",
}


def test_the_error_module_exports_exactly_the_tree():
    classes = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, Exception) and not name.startswith("_")
    }
    assert classes == PUBLIC
    assert all(issubclass(getattr(errors, name), errors.BrandwatchError) for name in PUBLIC)


def test_every_exit_code_drawn_in_the_tree_is_the_one_the_command_line_uses():
    drawn = {}
    for line in (errors.__doc__ or "").splitlines():
        found = re.search(r"\b([A-Z]\w+)\s+(?:exit (\d+)|\((\d+)\))", line)
        if found:
            drawn[found.group(1)] = int(found.group(2) or found.group(3))
    assert set(drawn) >= PUBLIC - {"HttpStatusError", "RateLimited"}
    for name, code in drawn.items():
        error = getattr(errors, name)
        instance = error("x", 500) if name == "HttpStatusError" else error("x")
        assert status_codes.for_error(instance) == code, name
