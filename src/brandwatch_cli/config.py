"""Reading and validating the YAML configuration.

Validation is strict and kind: every problem is one ConfigError naming the file, the line and,
for an unknown key, the nearest valid one. Nothing here touches the network or the database.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from brandwatch_cli.errors import ConfigError
from brandwatch_cli.models import Config, Keyword, SourceConfig
from brandwatch_cli.text import fold
from brandwatch_cli.yamlfile import YamlList, YamlMap, load_yaml

CONFIG_ENV = "BRANDWATCH_CONFIG"
DEFAULT_CONFIG = Path("brandwatch.yaml")
DEFAULT_DATABASE = "mentions.db"
DEFAULT_TIMEOUT = 20.0
MAX_TIMEOUT = 3600.0

TOP_KEYS = ("database", "timeout", "keywords", "sources")
KEYWORD_KEYS = ("name", "terms", "exclude")
SOURCE_KEYS = ("name", "type", "url", "timeout")


def resolve_config_path(explicit: Path | None) -> Path:
    """``--config``, else ``$BRANDWATCH_CONFIG``, else ``./brandwatch.yaml``."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get(CONFIG_ENV)
    return Path(from_env) if from_env else DEFAULT_CONFIG


class _Checker:
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

    def timeout(self, value: Any, line: int, what: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(line, f"{what} must be a number of seconds")
        if not 0 < value <= MAX_TIMEOUT:
            raise self.fail(line, f"{what} must be between 0 and {MAX_TIMEOUT:g} seconds")
        return float(value)


def load_config(path: Path) -> Config:
    """Load and validate the config file at ``path``."""
    check = _Checker(path)
    document = load_yaml(path)
    if document is None:
        raise check.fail(0, "the config file is empty (see `brandwatch init`)")
    if not isinstance(document, YamlMap):
        raise check.fail(getattr(document, "line", 1), "the config must be a mapping of keys")
    check.keys(document, TOP_KEYS, "the config")
    lines = document.key_lines

    timeout = DEFAULT_TIMEOUT
    if "timeout" in document:
        timeout = check.timeout(document["timeout"], lines["timeout"], "'timeout'")
    database_value = document.get("database", DEFAULT_DATABASE)
    database = Path(check.string(database_value, lines.get("database", 0), "'database'"))
    database = database.expanduser()
    if not database.is_absolute():
        database = path.absolute().parent / database

    keywords = _keywords(check, document.get("keywords"), lines.get("keywords", document.line))
    sources = _sources(check, document.get("sources"), lines.get("sources", document.line), timeout)
    return Config(path.absolute(), database, timeout, keywords, sources)


def _entries(check: _Checker, value: Any, line: int, what: str) -> list[tuple[Any, int]]:
    if value is None:
        raise check.fail(line, f"'{what}' is missing: list at least one")
    if not isinstance(value, YamlList) or not value:
        raise check.fail(line, f"'{what}' must be a non-empty list")
    return list(zip(value, value.item_lines, strict=True))


def _keywords(check: _Checker, value: Any, line: int) -> tuple[Keyword, ...]:
    keywords: list[Keyword] = []
    seen: dict[str, int] = {}
    for entry, entry_line in _entries(check, value, line, "keywords"):
        if isinstance(entry, str):
            name = check.string(entry, entry_line, "a keyword")
            keyword = Keyword(name, (name,))
        elif isinstance(entry, YamlMap):
            check.keys(entry, KEYWORD_KEYS, "a keyword")
            if "name" not in entry:
                raise check.fail(entry.line, "a keyword needs a 'name'")
            name = check.string(entry["name"], entry.key_lines["name"], "a keyword's 'name'")
            terms: tuple[str, ...] = (name,)
            if "terms" in entry:
                terms = check.strings(
                    entry["terms"], entry.key_lines["terms"], f"'terms' of {name!r}"
                )
                if not terms:
                    raise check.fail(entry.key_lines["terms"], f"'terms' of {name!r} is empty")
            exclude: tuple[str, ...] = ()
            if "exclude" in entry:
                exclude = check.strings(
                    entry["exclude"], entry.key_lines["exclude"], f"'exclude' of {name!r}"
                )
            keyword = Keyword(name, terms, exclude)
        else:
            raise check.fail(entry_line, "a keyword must be a string or a mapping with a 'name'")
        for term in (*keyword.terms, *keyword.exclude):
            if not fold(term):
                raise check.fail(entry_line, f"keyword {keyword.name!r} has an empty term")
        key = keyword.name.casefold()
        if key in seen:
            raise check.fail(
                entry_line, f"duplicate keyword name {keyword.name!r} (first on line {seen[key]})"
            )
        seen[key] = entry_line
        keywords.append(keyword)
    return tuple(keywords)


def _sources(
    check: _Checker, value: Any, line: int, default_timeout: float
) -> tuple[SourceConfig, ...]:
    from brandwatch_cli.sources import (
        SOURCE_TYPES,
    )  # the registry says which options each type takes

    sources: list[SourceConfig] = []
    seen: dict[str, int] = {}
    for entry, entry_line in _entries(check, value, line, "sources"):
        if not isinstance(entry, YamlMap):
            raise check.fail(entry_line, "a source must be a mapping with 'name' and 'url'")
        lines = entry.key_lines
        type_name = entry.get("type", "feed")
        if type_name not in SOURCE_TYPES:
            near = difflib.get_close_matches(str(type_name), list(SOURCE_TYPES), n=1)
            hint = (
                f" (did you mean '{near[0]}'?)" if near else f" (types: {', '.join(SOURCE_TYPES)})"
            )
            raise check.fail(
                lines.get("type", entry.line), f"unknown source type '{type_name}'{hint}"
            )
        source_type = SOURCE_TYPES[type_name]
        options_spec: Mapping[str, Any] = source_type.OPTIONS
        check.keys(entry, (*SOURCE_KEYS, *options_spec), f"a '{type_name}' source")
        if "name" not in entry:
            raise check.fail(entry.line, "a source needs a 'name'")
        name = check.string(entry["name"], lines["name"], "a source's 'name'")
        if name in seen:
            raise check.fail(
                lines["name"], f"duplicate source name {name!r} (first on line {seen[name]})"
            )
        seen[name] = lines["name"]
        url = None
        if "url" in entry:
            url = _url(check, entry["url"], lines["url"], name)
        elif source_type.NEEDS_URL:
            raise check.fail(entry.line, f"source {name!r} has no 'url'")
        timeout = default_timeout
        if "timeout" in entry:
            timeout = check.timeout(
                entry["timeout"], lines["timeout"], f"'timeout' of source {name!r}"
            )
        options: dict[str, Any] = {}
        for key, expected in options_spec.items():
            if key in entry:
                option = entry[key]
                if not isinstance(option, expected) or (
                    isinstance(option, bool) and expected is not bool
                ):
                    kind = getattr(expected, "__name__", "value")
                    raise check.fail(lines[key], f"'{key}' of source {name!r} must be a {kind}")
                options[key] = option
        sources.append(
            SourceConfig(name, type_name, url, timeout, MappingProxyType(options), entry.line)
        )
    return tuple(sources)


def _url(check: _Checker, value: Any, line: int, name: str) -> str:
    url = check.string(value, line, f"'url' of source {name!r}")
    if "://" in url:
        scheme = url.split("://", 1)[0].lower()
        if scheme not in ("http", "https", "file"):
            raise check.fail(
                line,
                f"'url' of source {name!r}: unsupported scheme '{scheme}'"
                " (use http, https, file or a path)",
            )
        if scheme != "file" and not url.split("://", 1)[1].split("/", 1)[0]:
            raise check.fail(line, f"'url' of source {name!r} has no host")
    return url
