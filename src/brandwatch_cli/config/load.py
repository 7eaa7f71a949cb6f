"""Reading and validating the YAML configuration.

Validation is strict and kind: every problem is one ConfigError naming the file, the line and,
for an unknown key, the nearest valid one. Nothing here touches the network or the database.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, timedelta, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Any

from brandwatch_cli.config.aspects import read_aspects
from brandwatch_cli.config.check import Checker
from brandwatch_cli.config.keywords import read_keywords, read_lexicon, with_reply_default
from brandwatch_cli.config.rules import read_notify, read_rules
from brandwatch_cli.config.yamlfile import YamlMap, load_yaml
from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import (
    DEFAULT_INTERVAL,
    Config,
    HttpPolicy,
    Keyword,
    Retention,
    SourceConfig,
    SpikeRule,
)
from brandwatch_cli.runtime import no_cycle_collection
from brandwatch_cli.text import url_password
from brandwatch_cli.times import zone

CONFIG_ENV = "BRANDWATCH_CONFIG"
DEFAULT_CONFIG = Path("brandwatch.yaml")
DEFAULT_DATABASE = "mentions.db"
DEFAULT_TIMEOUT = 20.0

#: ``${NAME}`` (or ``$${``, a literal ``${``) in notify URLs and the database path.
_ENV_RE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: Seconds a notification channel may take to answer.
DEFAULT_NOTIFY_TIMEOUT = 15.0
#: ``relevance: threshold:`` when the config does not say (insight.relevance's default).
DEFAULT_RELEVANCE_THRESHOLD = 0.5

TOP_KEYS = (
    "database",
    "timeout",
    "interval",
    "keywords",
    "sources",
    "user_agent",
    "max_response_mb",
    "concurrency",
    "per_host",
    "retries",
    "allow_private_redirects",
    "sentiment",
    "notify",
    "notify_timeout",
    "alerts",
    "retention",
    "timezone",
    "reply_within",
    "aspects",
    "rules",
    "quiet_hours",
    "relevance",
)
ALERT_KEYS = ("window", "baseline", "k", "min_count", "p_value", "min_history", "seasonal")
RETENTION_KEYS = ("entries_days", "mentions_days", "scan_logs_days")
SOURCE_KEYS = ("name", "type", "url", "timeout", "interval", "keywords", "about")


def resolve_config_path(explicit: Path | None) -> Path:
    """``--config``, else ``$BRANDWATCH_CONFIG``, else ``./brandwatch.yaml``."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get(CONFIG_ENV)
    return Path(from_env) if from_env else DEFAULT_CONFIG


def _database(check: Checker, text: str, line: int, config: Path) -> Path | str:
    """The ``database:`` value: a SQLite file (relative to the config's folder), or a
    ``postgresql://`` URL, whose password may only come from the environment (``${VAR}``,
    ``PGPASSWORD``) or ``~/.pgpass``: a config file is shared, copied and printed."""
    expanded = expand_env(check, text, line, "'database'")
    if expanded.startswith(("postgresql://", "postgres://")):
        written = url_password(text)  # before ${VAR} is expanded: from the environment
        if written is not None and "${" not in written:
            raise check.fail(
                line,
                "'database': do not write the password in the config; put it in the"
                " environment (PGPASSWORD, or ${VAR} in the URL) or in ~/.pgpass",
            )
        return expanded
    database = Path(expanded).expanduser()
    return database if database.is_absolute() else config.absolute().parent / database


def load_config(path: Path) -> Config:
    """Load and validate the config file at ``path``. The cycle collector is paused meanwhile:
    a config of 5,000 sources builds some 100,000 objects, none in a cycle, and the collector
    walked them all again and again (a third more time than the loading itself)."""
    with no_cycle_collection():
        return _load_config(path)


def _load_config(path: Path) -> Config:
    check = Checker(path)
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
    database_text = check.string(database_value, lines.get("database", 0), "'database'")
    database = _database(check, database_text, lines.get("database", 0), path)

    interval = DEFAULT_INTERVAL
    if "interval" in document:
        interval = check.interval(document["interval"], lines["interval"], "'interval'")
    keywords = read_keywords(check, document.get("keywords"), lines.get("keywords", document.line))
    keywords = with_reply_default(check, document, keywords)
    sources = _sources(
        check,
        document.get("sources"),
        lines.get("sources", document.line),
        timeout,
        keywords,
        interval,
    )
    urls, channels = read_notify(check, document, expand_env)
    names = ([k.name for k in keywords], [s.name for s in sources])
    aspects = read_aspects(check, document.get("aspects"), lines.get("aspects", 0))
    return Config(
        path.absolute(),
        database,
        timeout,
        keywords,
        sources,
        http=_http_policy(check, document),
        lexicon=read_lexicon(check, document.get("sentiment"), lines.get("sentiment", 0)),
        notify=urls,
        notify_timeout=check.number(
            document.get("notify_timeout", DEFAULT_NOTIFY_TIMEOUT),
            lines.get("notify_timeout", 0),
            "'notify_timeout'",
            1,
            300,
        ),
        alerts=_alerts(check, document),
        retention=_retention(check, document),
        concurrency=check.integer(
            document.get("concurrency", 16), lines.get("concurrency", 0), "'concurrency'", 1, 256
        ),
        timezone=_timezone(check, document),
        aspects=aspects,
        channels=MappingProxyType(channels),
        rules=read_rules(check, document, channels, *names, [a.name for a in aspects]),
        relevance_threshold=_relevance_threshold(check, document),
    )


def expand_env(check: Checker, value: str, line: int, what: str) -> str:
    """``value`` with each ``${NAME}`` replaced by that environment variable, so secrets (a
    Slack token, an SMTP password) live in the environment, not in the config; ``$${`` is a
    literal ``${``. A variable that is not set is a config error naming it."""

    def variable(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        name = match.group(1)
        if name not in os.environ:
            raise check.fail(line, f"{what}: ${{{name}}} is not set in the environment")
        return os.environ[name]

    return _ENV_RE.sub(variable, value)


def _block(check: Checker, document: YamlMap, key: str, keys: tuple[str, ...]) -> YamlMap | None:
    """The nested mapping under ``key`` (None when absent), its keys checked."""
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, YamlMap):
        raise check.fail(document.key_lines[key], f"'{key}' must be a mapping ({', '.join(keys)})")
    check.keys(value, keys, f"'{key}'")
    return value


def _alerts(check: Checker, document: YamlMap) -> SpikeRule:
    value = _block(check, document, "alerts", ALERT_KEYS)
    if value is None:
        return SpikeRule()
    lines = value.key_lines
    rule = SpikeRule()
    if "window" in value:
        window = _duration(check, value["window"], lines["window"])
        rule = replace(rule, window=window)
    if "baseline" in value:
        rule = replace(
            rule, baseline=check.integer(value["baseline"], lines["baseline"], "'baseline'", 3, 365)
        )
    if "k" in value:
        rule = replace(rule, k=check.number(value["k"], lines["k"], "'k'", 0.5, 20))
    if "min_count" in value:
        minimum = check.integer(value["min_count"], lines["min_count"], "'min_count'", 1, 100_000)
        rule = replace(rule, min_count=minimum)
    if "min_history" in value:
        least = check.integer(value["min_history"], lines["min_history"], "'min_history'", 2, 365)
        rule = replace(rule, min_history=least)
    if "p_value" in value:
        level = check.number(value["p_value"], lines["p_value"], "'p_value'", 1e-9, 0.5)
        rule = replace(rule, p_value=level)
    if "seasonal" in value:
        if not isinstance(value["seasonal"], bool):
            raise check.fail(lines["seasonal"], "'seasonal' must be true or false")
        rule = replace(rule, seasonal=value["seasonal"])
    return rule


def _relevance_threshold(check: Checker, document: YamlMap) -> float:
    """``relevance: {threshold: 0.5}``: below it a scored mention is noise (store.relevance)."""
    value = _block(check, document, "relevance", ("threshold",))
    if value is None or "threshold" not in value:
        return DEFAULT_RELEVANCE_THRESHOLD
    return check.number(value["threshold"], value.key_lines["threshold"], "'threshold'", 0, 1)


def _retention(check: Checker, document: YamlMap) -> Retention:
    """``retention:`` in days: ``entries_days`` (0 keeps none), ``mentions_days`` (null or
    absent: mentions are kept for ever), ``scan_logs_days`` (at least a week: a source's
    "failing since" and cron's daily failure line read the logs)."""
    value = _block(check, document, "retention", RETENTION_KEYS)
    if value is None:
        return Retention()
    lines = value.key_lines
    rule = Retention()
    if "entries_days" in value:
        where = lines["entries_days"]
        days = check.integer(value["entries_days"], where, "'entries_days'", 0, 3650)
        rule = replace(rule, entries_days=days)
    if value.get("mentions_days") is not None:
        where = lines["mentions_days"]
        days = check.integer(value["mentions_days"], where, "'mentions_days'", 1, 36500)
        rule = replace(rule, mentions_days=days)
    if "scan_logs_days" in value:
        where = lines["scan_logs_days"]
        days = check.integer(value["scan_logs_days"], where, "'scan_logs_days'", 7, 3650)
        rule = replace(rule, scan_logs_days=days)
    return rule


def _timezone(check: Checker, document: YamlMap) -> tzinfo:
    """``timezone: Europe/Paris``: an IANA zone name (UTC when absent)."""
    if "timezone" not in document:
        return UTC
    line = document.key_lines["timezone"]
    try:
        return zone(check.string(document["timezone"], line, "'timezone'"))
    except ValueError as exc:
        raise check.fail(line, f"'timezone': {exc}") from None


def _duration(check: Checker, value: Any, line: int) -> timedelta:
    """``1h``, ``6h``, ``24h``, ``1d``, ``7d``: the length of an alert window."""
    text = str(value).strip().lower()
    number, unit = text[:-1], text[-1:]
    if not number.isdigit() or unit not in ("h", "d") or int(number) == 0:
        raise check.fail(
            line, f"'window' must be hours or days, such as 1h, 24h or 7d, not {value!r}"
        )
    return timedelta(hours=int(number)) if unit == "h" else timedelta(days=int(number))


def _http_policy(check: Checker, document: YamlMap) -> HttpPolicy:
    lines = document.key_lines
    policy = HttpPolicy()
    if "user_agent" in document:
        agent = check.string(document["user_agent"], lines["user_agent"], "'user_agent'")
        policy = replace(policy, user_agent=agent)
    if "max_response_mb" in document:
        value = document["max_response_mb"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1024:
            raise check.fail(
                lines["max_response_mb"], "'max_response_mb' must be more than 0 and at most 1024"
            )
        policy = replace(policy, max_bytes=int(value * 1024 * 1024))
    if "per_host" in document:
        per_host = check.integer(document["per_host"], lines["per_host"], "'per_host'", 1, 64)
        policy = replace(policy, per_host=per_host)
    if "retries" in document:
        retries = check.integer(document["retries"], lines["retries"], "'retries'", 0, 10)
        policy = replace(policy, retries=retries)
    if "allow_private_redirects" in document:
        allow = document["allow_private_redirects"]
        if not isinstance(allow, bool):
            raise check.fail(
                lines["allow_private_redirects"], "'allow_private_redirects' must be true or false"
            )
        policy = replace(policy, allow_private_redirects=allow)
    return policy


def _sources(
    check: Checker,
    value: Any,
    line: int,
    default_timeout: float,
    keywords: tuple[Keyword, ...],
    default_interval: timedelta = DEFAULT_INTERVAL,
) -> tuple[SourceConfig, ...]:
    from brandwatch_cli.sources import SOURCE_TYPES, source_class

    keyword_names = [k.name for k in keywords]
    sources: list[SourceConfig] = []
    seen: dict[str, int] = {}
    #: Per type, looked up once, not once per source: its class, its keys, its option checks.
    types: dict[str, tuple[type[Any], tuple[str, ...], OptionsHook | None]] = {}
    for entry, entry_line in check.entries(value, line, "sources"):
        if not isinstance(entry, YamlMap):
            raise check.fail(entry_line, "a source must be a mapping with 'name' and 'url'")
        lines = entry.key_lines
        type_name = entry.get("type", "feed")
        if type_name not in SOURCE_TYPES:
            near = difflib.get_close_matches(str(type_name), list(SOURCE_TYPES), n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"types: {', '.join(SOURCE_TYPES)}"
            where = lines.get("type", entry.line)
            raise check.fail(where, f"unknown source type '{type_name}' ({hint})")
        if type_name not in types:
            cls = source_class(type_name)
            hook = getattr(cls, "check_options", None)
            types[type_name] = (cls, (*SOURCE_KEYS, *cls.OPTIONS), hook)
        source_type, allowed, options_hook = types[type_name]
        options_spec: Mapping[str, Any] = source_type.OPTIONS
        check.keys(entry, allowed, f"a '{type_name}' source")
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
        interval = default_interval
        if "interval" in entry:
            interval = check.interval(
                entry["interval"], lines["interval"], f"'interval' of source {name!r}"
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
        source = SourceConfig(
            name,
            type_name,
            url,
            timeout,
            MappingProxyType(options),
            entry.line,
            keywords=chosen,
            about=about,
            interval=interval,
        )
        if options_hook is not None:
            _check_option_values(check, entry, source, options_hook)
        sources.append(source)
    return tuple(sources)


#: A source type's ``check_options`` (see ``sources.Source``).
OptionsHook = Callable[[SourceConfig], None]


def _check_option_values(
    check: Checker, entry: YamlMap, source: SourceConfig, check_options: OptionsHook
) -> None:
    """The source type's own checks of its option values, as a ConfigError on the option's
    line (the entry's when an option is missing), naming the source unless the type's
    message already does."""
    try:
        check_options(source)
    except SourceError as exc:
        # imported here, on failure only: an import statement run for each of 5,000 sources
        # cost more than their checks
        from brandwatch_cli.sources.options import OptionError

        key = exc.key if isinstance(exc, OptionError) else None
        line = entry.key_lines.get(key, entry.line) if key else entry.line
        message = str(exc)
        if f"source {source.name!r}" not in message:
            message = f"source {source.name!r}: {message}"
        raise check.fail(line, message) from None


def _known_keyword(check: Checker, name: str, known: list[str], line: int) -> None:
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


def _options(check: Checker, entry: YamlMap, spec: Mapping[str, Any], name: str) -> dict[str, Any]:
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


#: C0 and C1 controls, DEL and whitespace (``\s`` is ``str.isspace``): one search, not a Python
#: test per character, which made the URLs a third of loading a config of 5,000 sources.
_URL_BAD_CHAR_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\s]")


def _url(check: Checker, value: Any, line: int, name: str) -> str:
    url = check.string(value, line, f"'url' of source {name!r}")
    if _URL_BAD_CHAR_RE.search(url.strip()):
        raise check.fail(
            line, f"'url' of source {name!r} contains a control character or a space: {url!r}"
        )
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
