"""Where a text names a keyword: the passages its sentiment should be read from.

A long article's overall tone says little about a brand it names once; what counts is what the
text says where it names the keyword. ``passages`` picks, per matched keyword:

- in a short post (at most ``SHORT_POST_WORDS`` words, title and text together), the whole
  post, minus the sentences that name only other keywords;
- in a longer text, the sentences naming one of the keyword's matched terms (the title too
  when it names them), each with its neighbour as a fallback, to be read only when the
  sentence itself carries no sentiment ("Acme's new phone arrived. It is awful.");
- in both, a sentence is narrowed to the keyword's own clauses: across a contrast word
  ("Great film, but the Acme cinema was filthy" is about the cinema's filth for Acme), and,
  when the sentence also names another keyword, across commas and semicolons ("Acme is great,
  Globex is awful").

Terms are found as the matcher finds them: folded (case and accents), whole words, a phrase
also in its hashtag form (``#CafeLumiere``), ``recrut*`` a prefix. Pure functions: this
module neither scores nor matches; a keyword matched without a term (a source ``about`` it)
reads the whole mention.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from brandwatch_cli.matching.matcher import term_forms, whole_word
from brandwatch_cli.matching.querylang import Term
from brandwatch_cli.models import KeywordMatch
from brandwatch_cli.text import fold

#: Posts up to this many words are read as a whole.
SHORT_POST_WORDS = 60
#: At most this many passages per keyword (the first ones): enough to judge, bounded in cost.
MAX_PASSAGES = 40

#: Words that mark the abbreviations a full stop does not end a sentence after.
_ABBREVIATED = """mr mrs ms dr prof st sr jr vs etc eg ie inc ltd co corp no nos fig approx dept
    est jan feb mar apr jun jul aug sep sept oct nov dec mt ft gen col lt sgt rev m mm mme mmes
    mlle mlles cf env av bd ste pp p vol chap ex nb ca"""
ABBREVIATIONS = frozenset(_ABBREVIATED.split())
_CONTRAST = (
    "but|however|whereas|while|although|though|even though|yet still|nevertheless"
    "|mais|cependant|alors que|tandis que|pourtant|neanmoins|néanmoins|toutefois|sauf que"
)
_CONTRAST_RE = re.compile(rf"(?<!\w)(?:{_CONTRAST})(?!\w)", re.IGNORECASE)
_CLAUSE_RE = re.compile(r"(?<=[,;])\s+")
#: A sentence end: terminators (an ellipsis, ``!?``, French ``␣!``), closing quotes/brackets,
#: then space.
_END_RE = re.compile(r"(\.{2,}|…|[.!?]+)[\"'»”’)\]]*\s+")
_WORD_RE = re.compile(r"\w+")
_LAST_WORD_RE = re.compile(r"(\w+)\.?$")
#: Whether a text names a keyword (one of its matched terms).
_Finder = Callable[[str], bool]


@dataclass(frozen=True)
class Passage:
    """A piece of text to read, and what to read instead when it carries no sentiment."""

    text: str
    fallback: str | None = None


def passages(
    title: str, text: str, matches: Sequence[KeywordMatch]
) -> dict[str, tuple[Passage, ...]]:
    """Per matched keyword, the passages that say something about it (see the module doc);
    none (an empty tuple) when that is the whole mention: a short post left whole, a keyword
    whose terms cannot be found, or that has none."""
    finders = {m.keyword: _finder(m.terms) for m in matches if m.terms}
    short = len(_WORD_RE.findall(title)) + len(_WORD_RE.findall(text)) <= SHORT_POST_WORDS
    title_sentences, text_sentences = sentences(title), sentences(text)
    named = [
        [{k for k, find in finders.items() if find(s)} for s in part]
        for part in (title_sentences, text_sentences)
    ]
    result: dict[str, tuple[Passage, ...]] = {}
    for match in matches:
        keyword = match.keyword
        if keyword not in finders or not any(keyword in n for part in named for n in part):
            result[keyword] = ()
            continue
        others = {k: f for k, f in finders.items() if k != keyword}
        if short:
            result[keyword] = _short_post(
                keyword, finders[keyword], others, (title_sentences, text_sentences), named
            )
        else:
            found = _long_text(keyword, finders[keyword], others, title_sentences, named[0])
            found += _long_text(keyword, finders[keyword], others, text_sentences, named[1])
            result[keyword] = tuple(found[:MAX_PASSAGES])
    return result


def _short_post(
    keyword: str,
    find: _Finder,
    others: Mapping[str, _Finder],
    parts: tuple[list[str], list[str]],
    named: list[list[set[str]]],
) -> tuple[Passage, ...]:
    """The whole post, its sentences narrowed to the keyword's clauses, without those naming
    only other keywords; none (the whole mention) when nothing is narrowed."""
    pieces: list[str] = []
    changed = False
    for sentences_, names in zip(parts, named, strict=True):
        kept = []
        for sentence, keys in zip(sentences_, names, strict=True):
            if keyword in keys:
                narrowed = narrow(sentence, find, others)
                changed |= narrowed != sentence
                kept.append(narrowed)
            elif keys:
                changed = True
            else:
                kept.append(sentence)
        if kept:
            pieces.append(" ".join(kept))
    return (Passage("\n".join(pieces)),) if changed else ()


def _long_text(
    keyword: str,
    find: _Finder,
    others: Mapping[str, _Finder],
    sentences_: list[str],
    names: list[set[str]],
) -> list[Passage]:
    """The sentences naming the keyword, narrowed, each with a neighbour to fall back on."""
    found = []
    for index, (sentence, keys) in enumerate(zip(sentences_, names, strict=True)):
        if keyword not in keys:
            continue
        own = narrow(sentence, find, others)
        neighbours = [i for i in (index + 1, index - 1) if 0 <= i < len(sentences_)]
        usable = [i for i in neighbours if not names[i]]  # one naming no keyword at all
        fallback = f"{own} {sentences_[usable[0]]}" if usable else None
        found.append(Passage(own, fallback))
    return found


def narrow(sentence: str, find: _Finder, others: Mapping[str, _Finder]) -> str:
    """The clauses of ``sentence`` about the keyword ``find`` finds: across contrast words,
    the parts naming it; then, where a part also names another keyword, its comma- or
    semicolon-separated clauses naming the keyword (and those after them naming none)."""
    parts = contrast_parts(sentence)
    own = [p for p in parts if find(p)]
    kept = []
    for part in own or parts:
        if any(other(part) for other in others.values()):
            part = _own_clauses(part, find, others)
        kept.append(part)
    return " ".join(kept)


def _own_clauses(part: str, find: _Finder, others: Mapping[str, _Finder]) -> str:
    """The clauses of ``part`` about the keyword: those naming it, and those naming no
    keyword that follow one of them (or, at the start, precede the first named one)."""
    clauses = _CLAUSE_RE.split(part)
    # Per clause: None when it names no keyword, else whether it names this one.
    owners = [find(c) if find(c) or any(o(c) for o in others.values()) else None for c in clauses]
    current = next((o for o in owners if o is not None), False)
    kept = []
    for clause, owner in zip(clauses, owners, strict=True):
        if owner is not None:
            current = owner
        if current:
            kept.append(clause)
    return " ".join(kept) or part


def contrast_parts(sentence: str) -> list[str]:
    """``sentence`` cut before each contrast word (but, however, while, mais, alors que...);
    the word starts the part after it, so an analyzer still reads the contrast."""
    starts = [0, *(m.start() for m in _CONTRAST_RE.finditer(sentence) if m.start() > 0)]
    cuts = zip(starts, [*starts[1:], len(sentence)], strict=True)
    parts = [sentence[a:b].strip() for a, b in cuts]
    return [p for p in parts if p]


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences, in French and English.

    A ``!`` or ``?`` (French ``super !`` too) ends a sentence; a full stop does unless it
    follows an abbreviation (``Mr.``, ``etc.``, ``Mme.``) or an initial (``J. K.``), or is
    followed by a lower-case letter after an ellipsis, an abbreviation or an initial; an
    ellipsis ends one only before a capital. Decimal points and URLs have no space after.
    """
    found = []
    start = 0
    for end in _END_RE.finditer(text):
        if _ends_sentence(text, end):
            piece = text[start : end.end()].strip()
            if piece:
                found.append(piece)
            start = end.end()
    rest = text[start:].strip()
    if rest:
        found.append(rest)
    return found


def _ends_sentence(text: str, end: re.Match[str]) -> bool:
    mark = end.group(1)
    following = text[end.end() : end.end() + 1]
    if "!" in mark or "?" in mark:
        return True
    if mark != ".":  # an ellipsis
        return not following.islower()
    word = _LAST_WORD_RE.search(text, max(0, end.start() - 40), end.start())
    previous = word.group(1) if word else ""
    if len(previous) == 1 and previous.isalpha():  # an initial: "J. K. Rowling", "U.S."
        return False
    return fold(previous) not in ABBREVIATIONS


class _TermFinder:
    """Whether a text names one of a keyword's matched terms, the way the matcher finds them."""

    def __init__(self, terms: Sequence[str]) -> None:
        forms: list[tuple[str, bool]] = []
        for term in terms:
            prefix = term.endswith("*")
            # the matcher's forms: the phrase, its words hyphenated, its hashtag (never a prefix)
            for form, _ in term_forms(Term(tuple(term.rstrip("*").split()), prefix=prefix)):
                if folded := fold(form):
                    forms.append((folded, prefix))
        self.forms = tuple(forms)

    def __call__(self, text: str) -> bool:
        folded = _folded(text)
        for form, prefix in self.forms:
            start = folded.find(form)
            while start >= 0:
                stop = start + len(form)
                if whole_word(folded, start, stop, prefix):
                    return True
                start = folded.find(form, start + 1)
        return False


#: Every matched keyword's finder reads every sentence of a mention: each is folded once.
_folded = lru_cache(maxsize=4096)(fold)


@lru_cache(maxsize=1024)
def _finder(terms: tuple[str, ...]) -> _TermFinder:
    return _TermFinder(terms)


def term_finder(terms: Sequence[str]) -> Callable[[str], bool]:
    """Whether a text names one of ``terms`` (a keyword's matched terms), as ``passages``
    finds them."""
    return _finder(tuple(terms))
