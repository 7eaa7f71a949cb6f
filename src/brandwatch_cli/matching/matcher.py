"""Which keywords does a text name?

Every term of every keyword (query terms, ``require_any`` context words, ``exclude`` phrases)
goes into one Aho-Corasick automaton over folded text (case and accents removed, whitespace
collapsed): a text is scanned once however many keywords there are. A hit counts only on
whole-word boundaries (a ``*`` prefix term may run on). Only keywords with a hit are then
evaluated: their boolean query, their context words, case where it matters.

- Exclusions: a term occurrence inside an occurrence of one of the keyword's ``exclude``
  phrases does not count. "Globex Cinema opens" does not mention Globex (excluding "Globex
  Cinema"), but "Globex Corporation vs Globex Cinema" does.
- A multi-word term also matches its hashtag/handle form: "Café Lumière" matches
  "#CafeLumiere" and "@cafelumiere"; and its words joined by hyphens ("Café-Lumière").
- Title and text are evaluated together (``a AND b`` may find ``a`` in the title and ``b`` in
  the text), but ``NEAR/n`` never spans the two.
- ``case_sensitive`` keywords match their terms with their case as written (accents still
  folded): ``Orange`` the operator, not ``orange`` the colour.
- ``languages`` is applied by the scan, once the mention's language is known.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from brandwatch_cli.matching.querylang import (
    And,
    Near,
    Node,
    Or,
    Term,
    evaluate,
    parse_query,
    terms,
)
from brandwatch_cli.models import Keyword, KeywordMatch
from brandwatch_cli.text import fold, fold_keep_case, is_word_char

_WORD_RE = re.compile(r"\w+")
#: Word-index gap between title and text: NEAR/n never joins words across the two.
_FIELD_GAP = 1_000_000
FIELDS = ("title", "text")

_TERM, _CONTEXT, _EXCLUDE = 0, 1, 2


@dataclass(frozen=True)
class _Pattern:
    keyword: int
    role: int
    term: Term
    prefix: bool
    cased: str | None  # the term as case-sensitive matching needs it, or None


@dataclass
class _Compiled:
    """A keyword ready to evaluate: its query tree and what else it requires."""

    keyword: Keyword
    node: Node
    plain: bool  # no query, no context words, no case: "any term outside exclusions"
    context: tuple[Term, ...] = ()


@dataclass
class _Occurrences:
    """A mention's fields, folded, and where each pattern was found in them."""

    texts: Sequence[str]
    folded: Sequence[str]
    found: dict[str, list[tuple[int, int, int]]]
    _cased: dict[int, str] = field(default_factory=dict)

    def cased(self, number: int) -> str:
        """A field folded with its case kept, computed once, only if a keyword needs it."""
        if number not in self._cased:
            self._cased[number] = fold_keep_case(self.texts[number])
        return self._cased[number]


@dataclass
class _Hits:
    """Occurrences found for one keyword in one mention, as (field, start, stop) char spans."""

    terms: dict[Term, list[tuple[int, int, int]]] = field(default_factory=dict)
    context: bool = False
    excluded: list[tuple[int, int, int]] = field(default_factory=list)


def keyword_node(keyword: Keyword) -> Node:
    """The query a keyword stands for: its ``query``, else any of its terms."""
    if keyword.query:
        return parse_query(keyword.query)
    words = [Term(tuple(t.split()), quoted=len(t.split()) > 1) for t in keyword.terms]
    return words[0] if len(words) == 1 else Or(tuple(words))


def trigger_terms(node: Node, *, whole_words: bool = False) -> list[Term]:
    """Terms at least one of which any text matching ``node`` contains: finding one of them is
    what makes a keyword worth evaluating (common words of a NEAR or an AND are not enough).
    For an AND, the operand with the fewest, then the longest, triggers is the one used;
    ``whole_words`` first avoids operands with a prefix term (``recrut*``), which a remote
    search engine would take as a word of its own."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Or):
        return [t for o in node.operands for t in trigger_terms(o, whole_words=whole_words)]
    if isinstance(node, Near):
        operands: tuple[Node, ...] = (node.left, node.right)
    elif isinstance(node, And):
        operands = node.operands
    else:  # a Not contains nothing to look for
        return []
    sides = [side for o in operands if (side := trigger_terms(o, whole_words=whole_words))]
    if not sides:
        return []
    return min(
        sides,
        key=lambda side: (
            whole_words and any(t.prefix for t in side),
            len(side),
            -min(len(" ".join(t.words)) for t in side),
        ),
    )


def term_text(term: Term) -> str:
    """A term as people read it: ``Café Lumière``, ``recrut*``."""
    return " ".join(term.words) + ("*" if term.prefix else "")


class Matcher:
    """Finds keywords in texts; build once per scan, call ``match`` per item."""

    def __init__(self, keywords: Sequence[Keyword]) -> None:
        import ahocorasick  # the one module that needs it

        self.keywords = tuple(keywords)
        self._compiled = [self._compile(k) for k in self.keywords]
        # Per folded pattern: the keywords for which finding it makes them worth evaluating.
        self._triggers: dict[str, set[int]] = {}
        self._patterns: list[list[tuple[str, _Pattern]]] = []
        for index, compiled in enumerate(self._compiled):
            keyword = compiled.keyword
            triggers = set(trigger_terms(compiled.node))
            roles = [(t, _TERM) for t in terms(compiled.node)]
            roles += [(t, _CONTEXT) for t in compiled.context]
            roles += [(Term(tuple(p.split()), quoted=True), _EXCLUDE) for p in keyword.exclude]
            own: list[tuple[str, _Pattern]] = []
            for term, role in roles:
                for form, any_case in term_forms(term):
                    # A phrase's joined hashtag/handle form (#cafelumiere) is written in any
                    # case and is no common word: only the phrase itself keeps its case.
                    cased = keyword.case_sensitive and role == _TERM and not any_case
                    folded = fold(form)
                    if not folded:
                        continue
                    pattern = _Pattern(
                        index, role, term, term.prefix, fold_keep_case(form) if cased else None
                    )
                    own.append((folded, pattern))
                    keys = self._triggers.setdefault(folded, set())
                    if role == _TERM and term in triggers:
                        keys.add(index)
            self._patterns.append(own)
        self._automaton = ahocorasick.Automaton()
        for folded in self._triggers:
            self._automaton.add_word(folded, (len(folded), folded))
        self._empty = not self._triggers
        if not self._empty:
            self._automaton.make_automaton()

    @staticmethod
    def _compile(keyword: Keyword) -> _Compiled:
        node = keyword_node(keyword)
        context = tuple(_context_term(word) for word in keyword.require_any)
        plain = not keyword.query and not context and not keyword.case_sensitive
        return _Compiled(keyword, node, plain, context)

    def _occurrences(self, texts: Sequence[str], folded: Sequence[str]) -> _Occurrences:
        """One automaton pass per field: every pattern found, where (not yet checked)."""
        found: dict[str, list[tuple[int, int, int]]] = {}
        if not self._empty:
            for number, value in enumerate(folded):
                for end, (length, key) in self._automaton.iter(value):
                    found.setdefault(key, []).append((number, end - length + 1, end + 1))
        return _Occurrences(texts, folded, found)

    def match(self, title: str, text: str) -> list[KeywordMatch]:
        """The keywords named in a title and text, in config order."""
        if self._empty:
            return []
        texts = (title, text)
        occurrences = self._occurrences(texts, [fold(t) for t in texts])
        candidates: set[int] = set()
        for key in occurrences.found:
            candidates |= self._triggers[key]
        result = []
        for index in sorted(candidates):
            hit = self._evaluate(
                self._compiled[index], self._hits(index, occurrences), occurrences.folded
            )
            if hit is not None:
                result.append(hit)
        return result

    def explain(self, title: str, text: str) -> list[Explanation]:
        """For every keyword, whether it matches ``title`` and ``text`` and why (or why not)."""
        texts = (title, text)
        occurrences = self._occurrences(texts, [fold(t) for t in texts])
        return [
            _explain(compiled, self._hits(index, occurrences), self._evaluate, occurrences.folded)
            for index, compiled in enumerate(self._compiled)
        ]

    def _hits(self, index: int, occurrences: _Occurrences) -> _Hits:
        """The checked occurrences of one keyword's patterns (whole words, case)."""
        hits = _Hits()
        for key, entry in self._patterns[index]:
            for span in occurrences.found.get(key, ()):
                number, start, stop = span
                folded = occurrences.folded[number]
                if not whole_word(folded, start, stop, entry.prefix):
                    continue
                if entry.cased is not None:
                    cased = occurrences.cased(number)
                    if not _same_case(cased, folded, start, stop, entry.cased):
                        continue
                if entry.role == _TERM:
                    hits.terms.setdefault(entry.term, []).append(span)
                elif entry.role == _CONTEXT:
                    hits.context = True
                else:
                    hits.excluded.append(span)
        return hits

    def _evaluate(
        self, compiled: _Compiled, hits: _Hits, folded: Sequence[str]
    ) -> KeywordMatch | None:
        counted = {
            term: [s for s in spans if not _inside(s, hits.excluded)]
            for term, spans in hits.terms.items()
        }
        counted = {term: spans for term, spans in counted.items() if spans}
        if not counted or (compiled.context and not hits.context):
            return None
        if not compiled.plain:
            words = [_word_starts(text) for text in folded]

            def occurrences(term: Term) -> list[tuple[int, int]]:
                return [_word_span(words, span) for span in counted.get(term, ())]

            if not evaluate(compiled.node, occurrences):
                return None
        order = terms(compiled.node)
        matched = tuple(term_text(t) for t in order if t in counted)
        fields = tuple(
            name
            for number, name in enumerate(FIELDS)
            if any(s[0] == number for spans in counted.values() for s in spans)
        )
        return KeywordMatch(compiled.keyword.name, matched, fields)


@dataclass(frozen=True)
class Explanation:
    """Why a keyword matches a text, or why not."""

    keyword: str
    matched: bool
    reason: str
    match: KeywordMatch | None = None


def _explain(
    compiled: _Compiled,
    hits: _Hits,
    evaluate_hits: Callable[[_Compiled, _Hits, Sequence[str]], KeywordMatch | None],
    folded: Sequence[str],
) -> Explanation:
    name = compiled.keyword.name
    result = evaluate_hits(compiled, hits, folded)
    if result is not None:
        places = ", ".join(result.fields)
        return Explanation(name, True, f"found {', '.join(result.terms)} (in {places})", result)
    if not hits.terms:
        return Explanation(name, False, "none of its terms appears")
    inside = [t for t, spans in hits.terms.items() if all(_inside(s, hits.excluded) for s in spans)]
    if len(inside) == len(hits.terms):
        shown = ", ".join(term_text(t) for t in inside)
        return Explanation(name, False, f"{shown} only inside an excluded phrase")
    if compiled.context and not hits.context:
        words = ", ".join(term_text(t) for t in compiled.context)
        return Explanation(name, False, f"none of the context words appears ({words})")
    found = ", ".join(term_text(t) for t in hits.terms)
    return Explanation(name, False, f"found {found}, but the query does not hold")


def term_forms(term: Term) -> Iterable[tuple[str, bool]]:
    """What to look for, and whether in any case: the term; for a phrase, the same words
    joined by hyphens (``Saint-Gobain``, ``Globex-Cinema``: the phrase still, its case kept)
    and its hashtag/handle form (words joined, any case)."""
    text = " ".join(term.words)
    yield text, False
    if len(term.words) > 1:
        yield "-".join(term.words), False
    if len(term.words) > 1 and not term.prefix:
        joined = re.sub(r"[^\w]+", "", text)
        if joined:
            yield joined, True


def _context_term(word: str) -> Term:
    """A ``require_any`` entry: a word or a phrase, a trailing ``*`` a prefix as in queries
    (``forfait*`` for forfait, forfaits)."""
    prefix = word.endswith("*") and len(word.rstrip("*").strip()) > 0
    words = tuple(word.rstrip("*").split()) if prefix else tuple(word.split())
    return Term(words, prefix=prefix, quoted=len(words) > 1)


def whole_word(text: str, start: int, stop: int, prefix: bool) -> bool:
    """Whether ``text[start:stop]`` is not glued to a word character (a prefix may run on)."""
    if start > 0 and is_word_char(text[start - 1]) and is_word_char(text[start]):
        return False
    if prefix:
        return True
    return not (stop < len(text) and is_word_char(text[stop]) and is_word_char(text[stop - 1]))


def _same_case(cased: str, folded: str, start: int, stop: int, wanted: str) -> bool:
    """Whether the occurrence has the case the term was written with."""
    if len(cased) == len(folded):
        return cased[start:stop] == wanted
    # Case folding changed the length (ß -> ss ...): look for the cased form around there.
    return re.search(rf"(?<!\w){re.escape(wanted)}", cased) is not None


def _inside(span: tuple[int, int, int], excluded: list[tuple[int, int, int]]) -> bool:
    number, start, stop = span
    return any(n == number and s <= start and stop <= e for n, s, e in excluded)


def _word_starts(text: str) -> list[int]:
    return [m.start() for m in _WORD_RE.finditer(text)]


def _word_span(words: Sequence[list[int]], span: tuple[int, int, int]) -> tuple[int, int]:
    """Character span -> (first word, last word), numbered across title then text."""
    number, start, stop = span
    starts = words[number]
    first = max(0, bisect.bisect_right(starts, start) - 1)
    last = max(first, bisect.bisect_left(starts, stop) - 1)
    offset = number * _FIELD_GAP
    return first + offset, last + offset


def match_keywords(keywords: Sequence[Keyword], title: str, text: str) -> list[KeywordMatch]:
    """One-off convenience: the keywords named in ``title`` and ``text``."""
    return Matcher(keywords).match(title, text)


@lru_cache(maxsize=4)
def cached_matcher(keywords: tuple[Keyword, ...]) -> Matcher:
    """One Matcher per process and keyword set (workers build theirs once)."""
    return Matcher(keywords)
