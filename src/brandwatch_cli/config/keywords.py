"""Reading the ``keywords:`` list (and the global ``sentiment:`` block) of the config.

A keyword is a plain string (its name is its only term) or a mapping:

    name, terms | query, exclude, case_sensitive, require_any, languages, sentiment: {lexicon},
    reply_within (a duration: a mention of it still new or todo that long after it was
    fetched is overdue; the top-level ``reply_within:`` is the default)

Query syntax errors are config errors pointing at the line and at the column in the query.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from brandwatch_cli.config.check import Checker
from brandwatch_cli.config.yamlfile import YamlMap
from brandwatch_cli.matching.querylang import QuerySyntaxError, parse_query
from brandwatch_cli.models import Keyword
from brandwatch_cli.text import ISO_639_1, fold

KEYWORD_KEYS = (
    "name",
    "terms",
    "query",
    "exclude",
    "case_sensitive",
    "require_any",
    "languages",
    "sentiment",
    "reply_within",
)
#: VADER's valence scale, which lexicon overrides share.
VALENCE_RANGE = (-4.0, 4.0)


def read_keywords(check: Checker, value: Any, line: int) -> tuple[Keyword, ...]:
    keywords: list[Keyword] = []
    seen: dict[str, int] = {}
    for entry, entry_line in check.entries(value, line, "keywords"):
        if isinstance(entry, str):
            name = check.string(entry, entry_line, "a keyword")
            keyword = Keyword(name, (name,))
        elif isinstance(entry, YamlMap):
            keyword = _keyword(check, entry)
        else:
            raise check.fail(entry_line, "a keyword must be a string or a mapping with a 'name'")
        for term in (*keyword.terms, *keyword.exclude, *keyword.require_any):
            if not fold(term):
                raise check.fail(entry_line, f"keyword {keyword.name!r} has an empty term")
        if ";" in keyword.name:  # exports join a mention's keyword names with ';'
            raise check.fail(entry_line, f"keyword name {keyword.name!r} cannot contain ';'")
        key = keyword.name.casefold()
        if key in seen:
            raise check.fail(
                entry_line, f"duplicate keyword name {keyword.name!r} (first on line {seen[key]})"
            )
        seen[key] = entry_line
        keywords.append(keyword)
    return tuple(keywords)


def _keyword(check: Checker, entry: YamlMap) -> Keyword:
    check.keys(entry, KEYWORD_KEYS, "a keyword")
    lines = entry.key_lines
    if "name" not in entry:
        raise check.fail(entry.line, "a keyword needs a 'name'")
    name = check.string(entry["name"], lines["name"], "a keyword's 'name'")
    if "terms" in entry and "query" in entry:
        raise check.fail(lines["query"], f"keyword {name!r}: give either 'terms' or 'query'")
    terms: tuple[str, ...] = (name,)
    if "terms" in entry:
        terms = check.strings(entry["terms"], lines["terms"], f"'terms' of {name!r}")
        if not terms:
            raise check.fail(lines["terms"], f"'terms' of {name!r} is empty")
    query = None
    if "query" in entry:
        query = check.string(entry["query"], lines["query"], f"'query' of {name!r}")
        try:
            parse_query(query)
        except QuerySyntaxError as exc:
            raise check.fail(lines["query"], f"query of keyword {name!r}, {exc}") from None
        terms = ()
    return Keyword(
        name,
        terms,
        exclude=_strings(check, entry, "exclude", name),
        query=query,
        case_sensitive=_flag(check, entry, "case_sensitive", name),
        require_any=_strings(check, entry, "require_any", name),
        languages=_languages(check, entry, name),
        lexicon=read_lexicon(check, entry.get("sentiment"), lines.get("sentiment", 0), name),
        reply_within=(
            check.interval(
                entry["reply_within"], lines["reply_within"], f"'reply_within' of {name!r}"
            )
            if "reply_within" in entry
            else None
        ),
    )


def with_reply_default(
    check: Checker, document: YamlMap, keywords: tuple[Keyword, ...]
) -> tuple[Keyword, ...]:
    """The top-level ``reply_within:`` given to every keyword without its own."""
    if "reply_within" not in document:
        return keywords
    default = check.interval(
        document["reply_within"], document.key_lines["reply_within"], "'reply_within'"
    )
    return tuple(k if k.reply_within else replace(k, reply_within=default) for k in keywords)


def _strings(check: Checker, entry: YamlMap, key: str, name: str) -> tuple[str, ...]:
    if key not in entry:
        return ()
    return check.strings(entry[key], entry.key_lines[key], f"'{key}' of {name!r}")


def _flag(check: Checker, entry: YamlMap, key: str, name: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise check.fail(entry.key_lines[key], f"'{key}' of {name!r} must be true or false")
    return value


def _languages(check: Checker, entry: YamlMap, name: str) -> tuple[str, ...]:
    codes = _strings(check, entry, "languages", name)
    for code in codes:
        if code.lower() not in ISO_639_1:
            raise check.fail(
                entry.key_lines["languages"],
                f"'languages' of {name!r}: {code!r} is not a two-letter ISO 639-1 code (en, fr...)",
            )
    return tuple(code.lower() for code in codes)


def read_lexicon(
    check: Checker, value: Any, line: int, owner: str | None = None
) -> tuple[tuple[str, float], ...]:
    """``sentiment: {lexicon: {word: valence}}``: a brand's own vocabulary, -4 to +4."""
    if value is None:
        return ()
    where = f"'sentiment' of {owner!r}" if owner else "'sentiment'"
    if not isinstance(value, YamlMap):
        raise check.fail(line, f"{where} must be a mapping with a 'lexicon'")
    check.keys(value, ("lexicon",), where)
    lexicon = value.get("lexicon")
    if lexicon is None:
        return ()
    line = value.key_lines["lexicon"]
    if not isinstance(lexicon, YamlMap):
        raise check.fail(line, f"the lexicon of {where} must map words to numbers")
    entries = []
    for word, valence in lexicon.items():
        word_line = lexicon.key_lines.get(word, line)
        text = check.string(word, word_line, "a lexicon word")
        low, high = VALENCE_RANGE
        entries.append((text, check.number(valence, word_line, f"valence of {text!r}", low, high)))
    return tuple(entries)
