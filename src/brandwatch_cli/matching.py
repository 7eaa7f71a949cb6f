"""Which keywords does a text name?

All terms and exclusions of all keywords go into one Aho-Corasick automaton over folded text
(case and accents removed, whitespace collapsed), so a text is scanned once however many
keywords there are. A hit counts only on whole-word boundaries.

Exclusions: a term occurrence that lies inside an occurrence of one of the keyword's
``exclude`` phrases does not count. A keyword matches when at least one of its term
occurrences lies outside every excluded phrase. So "Globex Cinema opens" does not mention
Globex (excluding "Globex Cinema"), but "Globex Corporation vs Globex Cinema" does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from brandwatch_cli.models import Item, Keyword
from brandwatch_cli.text import fold, is_word_char


@dataclass(frozen=True)
class KeywordMatch:
    """One keyword found in a mention: which of its terms, and in which fields."""

    keyword: str
    terms: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class _Pattern:
    keyword: int
    term: str
    excluded: bool


class Matcher:
    """Finds keywords in texts; build once per scan, call ``match`` per item."""

    def __init__(self, keywords: Sequence[Keyword]) -> None:
        import ahocorasick  # the one module that needs it

        self.keywords = tuple(keywords)
        self._automaton = ahocorasick.Automaton()
        patterns: dict[str, list[_Pattern]] = {}
        for index, keyword in enumerate(self.keywords):
            for phrases, excluded in ((keyword.terms, False), (keyword.exclude, True)):
                for phrase in phrases:
                    folded = fold(phrase)
                    if folded:
                        patterns.setdefault(folded, []).append(_Pattern(index, phrase, excluded))
        for folded, entries in patterns.items():
            self._automaton.add_word(folded, (len(folded), tuple(entries)))
        self._empty = not patterns
        if patterns:
            self._automaton.make_automaton()

    def _hits(self, text: str) -> dict[int, dict[str, bool]]:
        """Per keyword index: each matched term -> whether an occurrence fell outside exclusions."""
        folded = fold(text)
        if self._empty or not folded:
            return {}
        terms: list[tuple[int, int, _Pattern]] = []
        excluded: dict[int, list[tuple[int, int]]] = {}
        for end, (length, entries) in self._automaton.iter(folded):
            start = end - length + 1
            if not _whole_word(folded, start, end + 1):
                continue
            for entry in entries:
                if entry.excluded:
                    excluded.setdefault(entry.keyword, []).append((start, end + 1))
                else:
                    terms.append((start, end + 1, entry))
        result: dict[int, dict[str, bool]] = {}
        for start, stop, entry in terms:
            spans = excluded.get(entry.keyword, ())
            outside = not any(s <= start and stop <= e for s, e in spans)
            seen = result.setdefault(entry.keyword, {})
            seen[entry.term] = seen.get(entry.term, False) or outside
        return result

    def match(self, title: str, text: str) -> list[KeywordMatch]:
        """The keywords named in a title and text, in config order."""
        by_field = {"title": self._hits(title), "text": self._hits(text)}
        found: list[KeywordMatch] = []
        for index, keyword in enumerate(self.keywords):
            terms: list[str] = []
            fields: list[str] = []
            for field_name, hits in by_field.items():
                counted = [term for term, outside in hits.get(index, {}).items() if outside]
                if counted:
                    fields.append(field_name)
                    terms.extend(t for t in counted if t not in terms)
            if terms:
                found.append(KeywordMatch(keyword.name, tuple(terms), tuple(fields)))
        return found


def _whole_word(text: str, start: int, stop: int) -> bool:
    """Whether ``text[start:stop]`` is not glued to a word character on either side."""
    if start > 0 and is_word_char(text[start - 1]) and is_word_char(text[start]):
        return False
    return not (stop < len(text) and is_word_char(text[stop]) and is_word_char(text[stop - 1]))


def match_keywords(keywords: Sequence[Keyword], title: str, text: str) -> list[KeywordMatch]:
    """One-off convenience: the keywords named in ``title`` and ``text``."""
    return Matcher(keywords).match(title, text)


class Parsed(list[Item]):
    """Items a parser returned, minus those naming no keyword; ``total`` counts them all."""

    total: int = 0


@lru_cache(maxsize=4)
def _cached_matcher(keywords: tuple[Keyword, ...]) -> Matcher:
    return Matcher(keywords)


def parse_and_keep(
    parse: Callable[..., Sequence[Item]], args: tuple[Any, ...], keywords: tuple[Keyword, ...]
) -> Parsed:
    """``parse(*args)``, keeping only items that name a keyword.

    Runs where the parsing runs (a worker process on big scans), so the thousands of entries
    that mention nothing never travel back. The scan matches the survivors again, cheaply.
    """
    items = parse(*args)
    matcher = _cached_matcher(keywords)
    kept = Parsed(item for item in items if matcher.match(item.title, item.text))
    kept.total = len(items)
    return kept
