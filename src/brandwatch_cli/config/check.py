"""Checking YAML values one by one, each failure a ConfigError naming the file and the line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from brandwatch_cli.config.yamlfile import YamlList, YamlMap
from brandwatch_cli.errors import ConfigError

MAX_TIMEOUT = 3600.0
#: ``interval:`` bounds: a second (tests, a local file) to a month.
MIN_INTERVAL = timedelta(seconds=1)
MAX_INTERVAL = timedelta(days=30)
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class Checker:
    """Raises ConfigError with the file and line prefixed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int, message: str) -> ConfigError:
        return ConfigError(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")

    def keys(self, mapping: YamlMap, allowed: Iterable[str], where: str) -> None:
        allowed = list(allowed)
        for key in mapping:
            if key not in allowed:
                near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = (
                    f" (did you mean '{near[0]}'?)" if near else f" (valid: {', '.join(allowed)})"
                )
                raise self.fail(
                    mapping.key_lines.get(key, mapping.line),
                    f"unknown key '{key}' in {where}{hint}",
                )

    def string(self, value: Any, line: int, what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(line, f"{what} must be a non-empty string")
        return value.strip()

    def strings(self, value: Any, line: int, what: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(line, f"{what} must be a list of strings")
        lines = getattr(value, "item_lines", [line] * len(value))
        return tuple(
            self.string(v, ln, f"each of {what}") for v, ln in zip(value, lines, strict=True)
        )

    def integer(self, value: Any, line: int, what: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(line, f"{what} must be a whole number from {low} to {high}")
        return value

    def number(self, value: Any, line: int, what: str, low: float, high: float) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise self.fail(line, f"{what} must be a number from {low:g} to {high:g}")
        return float(value)

    def timeout(self, value: Any, line: int, what: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(line, f"{what} must be a number of seconds")
        if not 0 < value <= MAX_TIMEOUT:
            raise self.fail(line, f"{what} must be more than 0 and at most {MAX_TIMEOUT:g} seconds")
        return float(value)

    def interval(self, value: Any, line: int, what: str) -> timedelta:
        """``90s``, ``15m``, ``1h``, ``1d`` (or a number of seconds): how often to fetch."""
        if isinstance(value, bool):
            match = None
        elif isinstance(value, int | float):
            match = _DURATION_RE.fullmatch(f"{value}s")
        else:
            match = _DURATION_RE.fullmatch(str(value).strip().lower())
        if match is None:
            raise self.fail(
                line,
                f"{what} must be a duration such as 90s, 15m or 1h, not"
                f" {'empty' if value is None else repr(value)}",
            )
        seconds = float(match[1]) * _UNIT_SECONDS[match[2]]
        if not MIN_INTERVAL.total_seconds() <= seconds <= MAX_INTERVAL.total_seconds():
            raise self.fail(line, f"{what} must be from 1s to 30d, not {value!r}")
        return timedelta(seconds=seconds)

    def entries(self, value: Any, line: int, what: str) -> list[tuple[Any, int]]:
        """The items of a required, non-empty list, each with its line."""
        if value is None:
            raise self.fail(line, f"'{what}' is missing: list at least one")
        if not isinstance(value, YamlList) or not value:
            raise self.fail(line, f"'{what}' must be a non-empty list")
        return list(zip(value, value.item_lines, strict=True))
