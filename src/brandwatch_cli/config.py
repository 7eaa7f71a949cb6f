"""Reading and validating the YAML configuration.

Validation is strict and kind: every problem is one ConfigError naming the file, the line and,
for an unknown key, the nearest valid one. Nothing here touches the network or the database.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from brandwatch_cli.errors import ConfigError
from brandwatch_cli.models import Config, HttpPolicy, Keyword, SourceConfig
from brandwatch_cli.text import fold
from brandwatch_cli.yamlfile import YamlList, YamlMap, load_yaml

CONFIG_ENV = "BRANDWATCH_CONFIG"
DEFAULT_CONFIG = Path("brandwatch.yaml")
DEFAULT_DATABASE = "mentions.db"
DEFAULT_TIMEOUT = 20.0
MAX_TIMEOUT = 3600.0

TOP_KEYS = (
    "database",
    "timeout",
    "keywords",
    "sources",
    "user_agent",
    "max_response_mb",
    "concurrency",
    "per_host",
    "retries",
)
KEYWORD_KEYS = ("name", "terms", "exclude")
SOURCE_KEYS = ("name", "type", "url", "timeout", "keywords", "about")


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

    def integer(self, value: Any, line: int, what: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(line, f"{what} must be a whole number from {low} to {high}")
        return value

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
    sources = _sources(
        check, document.get("sources"), lines.get("sources", document.line), timeout, keywords
    )
    return Config(
        path.absolute(),
        database,
        timeout,
        keywords,
        sources,
        http=_http_policy(check, document),
        concurrency=check.integer(
            document.get("concurrency", 16), lines.get("concurrency", 0), "'concurrency'", 1, 256
        ),
    )


def _http_policy(check: _Checker, document: YamlMap) -> HttpPolicy:
    lines = document.key_lines
    policy = HttpPolicy()
    if "user_agent" in document:
        agent = check.string(document["user_agent"], lines["user_agent"], "'user_agent'")
        policy = replace(policy, user_agent=agent)
    if "max_response_mb" in document:
        value = document["max_response_mb"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1024:
            raise check.fail(lines["max_response_mb"], "'max_response_mb' must be from 0 to 1024")
        policy = replace(policy, max_bytes=int(value * 1024 * 1024))
    if "per_host" in document:
        per_host = check.integer(document["per_host"], lines["per_host"], "'per_host'", 1, 64)
        policy = replace(policy, per_host=per_host)
    if "retries" in document:
        retries = check.integer(document["retries"], lines["retries"], "'retries'", 0, 10)
        policy = replace(policy, retries=retries)
    return policy


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
    check: _Checker,
    value: Any,
    line: int,
    default_timeout: float,
    keywords: tuple[Keyword, ...],
) -> tuple[SourceConfig, ...]:
    from brandwatch_cli.sources import SOURCE_TYPES, source_class

    keyword_names = [k.name for k in keywords]
    sources: list[SourceConfig] = []
    seen: dict[str, int] = {}
    for entry, entry_line in _entries(check, value, line, "sources"):
        if not isinstance(entry, YamlMap):
            raise check.fail(entry_line, "a source must be a mapping with 'name' and 'url'")
        lines = entry.key_lines
        type_name = entry.get("type", "feed")
        if type_name not in SOURCE_TYPES:
            near = difflib.get_close_matches(str(type_name), list(SOURCE_TYPES), n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"types: {', '.join(SOURCE_TYPES)}"
            where = lines.get("type", entry.line)
            raise check.fail(where, f"unknown source type '{type_name}' ({hint})")
        source_type = source_class(type_name)
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
        chosen: tuple[str, ...] = ()
        if "keywords" in entry:
            chosen = check.strings(entry["keywords"], lines["keywords"], f"'keywords' of {name!r}")
            for keyword in chosen:
                _known_keyword(check, keyword, keyword_names, lines["keywords"])
        about = None
        if "about" in entry:
            about = check.string(entry["about"], lines["about"], f"'about' of {name!r}")
            _known_keyword(check, about, keyword_names, lines["about"])
        options = _options(check, entry, options_spec, name)
        sources.append(
            SourceConfig(
                name,
                type_name,
                url,
                timeout,
                MappingProxyType(options),
                entry.line,
                keywords=chosen,
                about=about,
            )
        )
    return tuple(sources)


def _known_keyword(check: _Checker, name: str, known: list[str], line: int) -> None:
    if name not in known:
        near = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise check.fail(line, f"'{name}' is not one of the configured keywords{hint}")


_KIND_NAMES = {
    str: "a string",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list of strings",
}


def _options(check: _Checker, entry: YamlMap, spec: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The type-specific keys of a source entry, each checked against its declared type."""
    options: dict[str, Any] = {}
    for key, expected in spec.items():
        if key not in entry:
            continue
        value, line = entry[key], entry.key_lines[key]
        if expected is list:
            options[key] = check.strings(value, line, f"'{key}' of source {name!r}")
            continue
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            kinds = expected if isinstance(expected, tuple) else (expected,)
            kind = " or ".join(_KIND_NAMES.get(k, getattr(k, "__name__", "value")) for k in kinds)
            raise check.fail(line, f"'{key}' of source {name!r} must be {kind}")
        options[key] = value  # as written: a tab delimiter is all whitespace
    return options


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
