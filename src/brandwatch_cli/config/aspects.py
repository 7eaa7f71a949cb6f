"""Reading the ``aspects:`` mapping of the config, over the built-in aspects.

    aspects:
      delivery: [point relais, "click and collect"]        # a list extends a built-in aspect
      battery: [batterie, autonomie, battery]              # a new name is a new aspect
      price: {terms: [tarif, abonnement], replace: true}   # replaces the built-in terms
      support_fr: {query: 'support NEAR/3 (technique OR client)'}
      staff: null                                          # turns a built-in aspect off

Terms are words or phrases (``rembours*`` a prefix); a ``query`` is written as a keyword's.
Every problem is a ConfigError naming the file and the line.
"""

from __future__ import annotations

import re
from typing import Any

from brandwatch_cli.config.check import Checker
from brandwatch_cli.config.yamlfile import YamlList, YamlMap
from brandwatch_cli.matching.aspects import default_aspects
from brandwatch_cli.matching.querylang import QuerySyntaxError, parse_query
from brandwatch_cli.models import Aspect
from brandwatch_cli.text import fold

ASPECT_KEYS = ("terms", "query", "replace")
#: An aspect's name: a word (``customer_service``), as ``--aspect`` and the exports spell it.
_NAME_RE = re.compile(r"[^\W\d][\w-]*")


def read_aspects(check: Checker, value: Any, line: int) -> tuple[Aspect, ...]:
    """The built-in aspects as the config extends, replaces or turns them off, then its own."""
    builtin = {a.name: a for a in default_aspects()}
    if value is None:
        return tuple(builtin.values())
    if not isinstance(value, YamlMap):
        raise check.fail(line, "'aspects' must map aspect names to lists of terms")
    chosen: dict[str, Aspect | None] = dict(builtin)
    for name, entry in value.items():
        where = value.key_lines.get(name, value.line)
        if not _NAME_RE.fullmatch(name):
            raise check.fail(
                where, f"aspect name {name!r}: use letters, digits, _ and - (customer_service)"
            )
        base = builtin.get(name)
        if entry is None:
            if base is None:
                known = ", ".join(builtin)
                raise check.fail(
                    where, f"aspect {name!r} is not built in, nothing to turn off ({known})"
                )
            chosen[name] = None
            continue
        chosen[name] = _aspect(check, name, entry, where, base)
    return tuple(a for a in chosen.values() if a is not None)


def _aspect(check: Checker, name: str, entry: Any, line: int, base: Aspect | None) -> Aspect:
    """One entry: a list of terms (added to the built-in ones), or a mapping."""
    what = f"aspect {name!r}"
    replace = False
    query = None
    if isinstance(entry, YamlMap):
        check.keys(entry, ASPECT_KEYS, what)
        lines = entry.key_lines
        replace = entry.get("replace", False)
        if not isinstance(replace, bool):
            raise check.fail(lines["replace"], f"'replace' of {what} must be true or false")
        terms = _terms(check, entry.get("terms", []), lines.get("terms", line), what)
        if "query" in entry:
            query = check.string(entry["query"], lines["query"], f"'query' of {what}")
            try:
                parse_query(query)
            except QuerySyntaxError as exc:
                raise check.fail(lines["query"], f"query of {what}, {exc}") from None
        if not terms and query is None:
            raise check.fail(entry.line, f"{what} needs 'terms' or a 'query'")
    elif isinstance(entry, str | YamlList):
        terms = _terms(check, entry, line, what)
        if not terms:
            raise check.fail(line, f"{what} lists no term (null turns a built-in aspect off)")
    else:
        raise check.fail(
            line, f"{what} must be a list of terms or a mapping ({', '.join(ASPECT_KEYS)})"
        )
    if base is None or replace:
        return Aspect(name, terms, query, base.lexicon if base else ())
    extra = tuple(t for t in terms if t not in base.terms)
    combined = f"({base.query}) OR ({query})" if base.query and query else base.query or query
    return Aspect(name, base.terms + extra, combined, base.lexicon)


def _terms(check: Checker, value: Any, line: int, what: str) -> tuple[str, ...]:
    terms = check.strings(value, line, f"the terms of {what}") if value != [] else ()
    lines = getattr(value, "item_lines", [line] * len(terms))
    for term, term_line in zip(terms, lines, strict=False):
        if not fold(term.rstrip("*")):
            raise check.fail(term_line, f"{what} has an empty term")
        if '"' in term:
            raise check.fail(term_line, f"{what}: term {term!r} cannot contain a double quote")
        try:
            parse_query(f'"{term}"')
        except QuerySyntaxError as exc:
            raise check.fail(term_line, f"{what}: term {term!r}: {exc.message}") from None
    return terms
