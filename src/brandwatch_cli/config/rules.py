"""Reading ``notify:`` (a list of URLs, or a mapping of named channels) and ``rules:``.

    notify:
      team: "json://hooks.example/brand"          # ${VAR} expands from the environment
    quiet_hours: {from: "22:00", to: "07:00", tz: Europe/Paris}   # for every rule...
    rules:
      - name: angry influencer
        when: {keyword: Acme, label: negative, followers_at_least: 10000}
        notify: [team]
        cooldown: 1h
        quiet_hours: null                          # ...but this one's own (null: none)
        urgent: false                              # true: notify even in quiet hours

Every problem is a ConfigError naming the file and the line: an unknown channel, condition key
or action, a bad value, duration or time zone.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import time
from pathlib import Path
from typing import Any

from brandwatch_cli.config.check import Checker
from brandwatch_cli.config.yamlfile import YamlList, YamlMap, load_yaml
from brandwatch_cli.models import CONDITION_KEYS, AlertRule, QuietHours, RuleCondition
from brandwatch_cli.text import ISO_639_1, fold
from brandwatch_cli.times import zone

RULE_KEYS = (
    "name",
    "when",
    "notify",
    "status",
    "tag",
    "assign",
    "cooldown",
    "quiet_hours",
    "urgent",
)
QUIET_KEYS = ("from", "to", "tz")
#: What a rule's ``status:`` may set (``mark --status``).
STATUSES = ("new", "todo", "replied", "ignored")
LABELS = ("positive", "neutral", "negative")
_CLOCK_RE = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_CHANNEL_RE = re.compile(r"[^\W\d][\w-]*")

Expand = Callable[[Checker, str, int, str], str]


def read_notify(
    check: Checker, document: YamlMap, expand: Expand
) -> tuple[tuple[str, ...], dict[str, str]]:
    """Every notification URL (what digests and spike alerts send to), and the named ones:
    ``notify:`` as a list names none, as a mapping names each."""
    if "notify" not in document:
        return (), {}
    value = document["notify"]
    line = document.key_lines["notify"]
    channels: dict[str, str] = {}
    if isinstance(value, YamlMap):
        for name, url in value.items():
            where = value.key_lines[name]
            if not _CHANNEL_RE.fullmatch(name):
                raise check.fail(
                    where, f"'notify': channel name {name!r}: use letters, digits, _, -"
                )
            text = check.string(url, where, f"'notify' channel {name!r}")
            channels[name] = _url(check, expand(check, text, where, "'notify'"), where)
        return tuple(channels.values()), channels
    urls = tuple(
        _url(check, expand(check, url, line, "'notify'"), line)
        for url in check.strings(value, line, "'notify'")
    )
    return urls, {}


def notify_lines(path: Path) -> list[int]:
    """The line of each URL of ``notify:`` in the config at ``path``, in the order
    ``read_notify`` gives them (for errors found later, such as a URL apprise cannot use)."""
    document = load_yaml(path)
    value = document.get("notify") if isinstance(document, YamlMap) else None
    if isinstance(value, YamlMap):
        return [value.key_lines[name] for name in value]
    if isinstance(value, YamlList):
        return list(value.item_lines)
    if value is not None and isinstance(document, YamlMap):  # one URL as a string
        return [document.key_lines["notify"]]
    return []


def _url(check: Checker, url: str, line: int) -> str:
    if "://" not in url:
        raise check.fail(
            line,
            f"'notify': {url.split('@')[-1]!r} is not a notification URL"
            " (e.g. mailtos://user:password@example.com, slack://..., json://host/path)",
        )
    return url


def read_rules(
    check: Checker,
    document: YamlMap,
    channels: Mapping[str, str],
    keywords: Sequence[str],
    sources: Sequence[str],
    aspects: Sequence[str] = (),
) -> tuple[AlertRule, ...]:
    """``rules:``, each checked against the config's channels, keywords, sources and aspects
    (a name any case, kept as the config spells it)."""
    default_quiet = None
    if document.get("quiet_hours") is not None:
        default_quiet = quiet_hours(
            check, document["quiet_hours"], document.key_lines["quiet_hours"]
        )
    value = document.get("rules")
    if value is None:
        return ()
    line = document.key_lines["rules"]
    if not isinstance(value, YamlList):
        raise check.fail(line, "'rules' must be a list of rules (name, when, notify...)")
    rules: list[AlertRule] = []
    for entry, where in zip(value, value.item_lines, strict=True):
        known = (keywords, sources, aspects)
        rule = _rule(check, entry, where, channels, known, default_quiet)
        if any(r.name == rule.name for r in rules):
            raise check.fail(where, f"rule {rule.name!r} is defined twice")
        rules.append(rule)
    return tuple(rules)


def _rule(
    check: Checker,
    entry: Any,
    line: int,
    channels: Mapping[str, str],
    known: tuple[Sequence[str], Sequence[str], Sequence[str]],
    default_quiet: QuietHours | None,
) -> AlertRule:
    if not isinstance(entry, YamlMap):
        raise check.fail(line, "each rule must be a mapping (name, when, notify...)")
    check.keys(entry, RULE_KEYS, "a rule")
    lines = entry.key_lines
    if "name" not in entry:
        raise check.fail(entry.line, "a rule needs a 'name'")
    name = check.string(entry["name"], lines["name"], "a rule's 'name'")
    what = f"rule {name!r}"
    if not isinstance(entry.get("when"), YamlMap) or not entry["when"]:
        raise check.fail(
            lines.get("when", entry.line),
            f"{what} needs 'when:', a mapping of conditions ({', '.join(CONDITION_KEYS)})",
        )
    when = _condition(check, entry["when"], what, *known)
    notify: tuple[str, ...] = ()
    if "notify" in entry:
        notify = check.strings(entry["notify"], lines["notify"], f"'notify' of {what}")
        for channel in notify:
            if channel not in channels:
                have = ", ".join(channels) or "none: 'notify:' must be a mapping of names to URLs"
                raise check.fail(
                    lines["notify"], f"{what}: no notify channel named {channel!r} ({have})"
                )
    status = None
    if "status" in entry:
        status = check.string(entry["status"], lines["status"], f"'status' of {what}").lower()
        if status not in STATUSES:
            raise check.fail(
                lines["status"], f"'status' of {what} must be one of {', '.join(STATUSES)}"
            )
    tags = check.strings(entry["tag"], lines["tag"], f"'tag' of {what}") if "tag" in entry else ()
    assign = (
        check.string(entry["assign"], lines["assign"], f"'assign' of {what}")
        if "assign" in entry
        else None
    )
    if not (notify or status or tags or assign):
        raise check.fail(
            entry.line, f"{what} does nothing: give 'notify', 'status', 'tag' or 'assign'"
        )
    cooldown = None
    if entry.get("cooldown") is not None:
        cooldown = check.interval(entry["cooldown"], lines["cooldown"], f"'cooldown' of {what}")
    quiet = default_quiet
    if "quiet_hours" in entry:
        given = entry["quiet_hours"]
        quiet = None if given is None else quiet_hours(check, given, lines["quiet_hours"])
    urgent = entry.get("urgent", False)
    if not isinstance(urgent, bool):
        raise check.fail(lines["urgent"], f"'urgent' of {what} must be true or false")
    return AlertRule(name, when, notify, status, tags, assign, cooldown, quiet, urgent)


def _condition(
    check: Checker,
    when: YamlMap,
    what: str,
    keywords: Sequence[str],
    sources: Sequence[str],
    aspects: Sequence[str],
) -> RuleCondition:
    check.keys(when, CONDITION_KEYS, f"'when' of {what}")
    lines = when.key_lines

    def names(key: str) -> tuple[str, ...]:
        if key not in when:
            return ()
        given = check.strings(when[key], lines[key], f"'{key}' of {what}")
        if not given:  # holds for none of no values: never a rule that fires on everything
            raise check.fail(lines[key], f"'{key}' of {what} must name at least one value")
        return given

    def number(key: str, low: float, high: float) -> float | None:
        if key not in when:
            return None
        return check.number(when[key], lines[key], f"'{key}' of {what}", low, high)

    named = {}
    for key, known in (("keyword", keywords), ("source", sources), ("aspect", aspects)):
        by_fold = {fold(name): name for name in known}
        for value in names(key):
            if fold(value) not in by_fold:
                near = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise check.fail(lines[key], f"'{key}' of {what}: no {key} named {value!r}{hint}")
        named[key] = tuple(by_fold[fold(value)] for value in names(key))  # as the config spells
    languages = tuple(v.lower() for v in names("language"))
    for value in languages:
        if value not in ISO_639_1:
            raise check.fail(
                lines["language"],
                f"'language' of {what}: {value!r} is not a two-letter ISO 639-1 code (en, fr...)",
            )
    from brandwatch_cli.sources import SOURCE_TYPES

    for value in names("source_type"):
        if value not in SOURCE_TYPES:
            raise check.fail(
                lines["source_type"],
                f"'source_type' of {what}: no source type {value!r} ({', '.join(SOURCE_TYPES)})",
            )
    labels = tuple(v.lower() for v in names("label"))
    for value in labels:
        if value not in LABELS:
            raise check.fail(
                lines["label"], f"'label' of {what} must be one of {', '.join(LABELS)}"
            )
    return RuleCondition(
        keywords=named["keyword"],
        labels=labels,
        sentiment_at_most=number("sentiment_at_most", -1, 1),
        followers_at_least=number("followers_at_least", 0, 1e15),
        engagement_at_least=number("engagement_at_least", 0, 1e15),
        rating_at_most=number("rating_at_most", 0, 100),
        sources=named["source"],
        source_types=names("source_type"),
        languages=languages,
        aspects=named["aspect"],
        terms=names("term"),
        relevance_at_least=number("relevance_at_least", 0, 1),
    )


def quiet_hours(check: Checker, value: Any, line: int) -> QuietHours:
    """``{from: "22:00", to: "07:00", tz: Europe/Paris}`` (``tz`` required: hours mean
    nothing without a zone)."""
    if not isinstance(value, YamlMap):
        raise check.fail(
            line,
            '\'quiet_hours\' must be a mapping: {from: "22:00", to: "07:00", tz: Europe/Paris}',
        )
    check.keys(value, QUIET_KEYS, "'quiet_hours'")
    clocks = []
    for key in ("from", "to"):
        if key not in value:
            raise check.fail(value.line, f"'quiet_hours' needs '{key}' (a time such as \"22:00\")")
        given = value[key]
        if isinstance(given, int) and not isinstance(given, bool):  # YAML 1.1 reads 22:00 as 1320
            hours, minutes = divmod(given, 60)
            given = f"{hours}:{minutes:02d}"
        text = str(given).strip()
        found = _CLOCK_RE.fullmatch(text)
        if found is None:
            raise check.fail(
                value.key_lines[key],
                f"'quiet_hours' '{key}' must be a time such as \"22:00\", not {value[key]!r}",
            )
        clocks.append(time(int(found[1]), int(found[2])))
    if "tz" not in value:
        raise check.fail(value.line, "'quiet_hours' needs 'tz' (a time zone such as Europe/Paris)")
    tz_line = value.key_lines["tz"]
    try:
        tz = zone(check.string(value["tz"], tz_line, "'quiet_hours' 'tz'"))
    except ValueError as exc:
        raise check.fail(tz_line, f"'quiet_hours' 'tz': {exc}") from None
    if clocks[0] == clocks[1]:
        raise check.fail(value.line, "'quiet_hours' 'from' and 'to' are the same time")
    return QuietHours(clocks[0], clocks[1], tz)
