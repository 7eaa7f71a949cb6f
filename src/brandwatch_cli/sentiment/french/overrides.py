"""Whether a lexicon's overrides can change how the French analyzer reads a text.

An aspect's clauses are read with the aspect's words over the mention's lexicon (``analysis``):
a clause naming none of them reads as it does without them, and its score is the one the
mention's passages already got. The model differs from the one without the overrides only in
their entries, looked up for the words it reads in a text: those it spells, and those it
derives (elisions "l'" -> "le", chat spellings "tjrs" -> "toujours", stretched words
"nuuul" -> "nul", and the base forms it guesses for an unknown inflected word, "nulles" ->
"nulle"). So when no override's word can be one of them (a phrase's: its longest word), the
overrides are not read. The test errs towards "read": the text is then scored again.
"""

from __future__ import annotations

import re
from functools import lru_cache

from brandwatch_cli.sentiment.french.analyzer import (
    ABBREVIATIONS,
    APOSTROPHES,
    ELISIONS,
    ELONGATION_RE,
    INFLECTIONS,
)
from brandwatch_cli.text import fold

_LETTERS_RE = re.compile(r"[^\W\d_]+")
_PARTS_RE = re.compile(r"[^\W_]+")
_ELIDED_RE = re.compile(r"([^\W\d_]+)'")


def unaffected(text: str, forms: tuple[str, ...]) -> bool:
    """Whether overrides of ``forms`` (words or phrases) cannot change how ``text`` reads."""
    return _probes(forms).search(_said(text)) is None


@lru_cache(maxsize=64)
def _said(text: str) -> str:
    """``text`` folded, with the words the model may read in it that it does not spell."""
    folded = fold(text.translate(APOSTROPHES))
    seen = [folded]
    for word in _LETTERS_RE.findall(folded):
        spellings = [word]
        if ELONGATION_RE.search(word):
            spellings += [ELONGATION_RE.sub(r"\1", word), ELONGATION_RE.sub(r"\1\1", word)]
        seen += [ABBREVIATIONS.get(w, "") for w in spellings] + spellings[1:]
    seen += [ELISIONS.get(head, "") for head in _ELIDED_RE.findall(folded)]
    return " ".join(seen)


@lru_cache(maxsize=64)
def _probes(forms: tuple[str, ...]) -> re.Pattern[str]:
    """What to look for in ``_said``: every word of a one-word override, the longest word of
    a phrase (it needs them all) and a hyphenated first word (the tokenizer keeps it whole
    when it starts a phrase), each as the words it may be read as (``_spellings``); an
    override without a word matches anything."""
    probes: set[str] = set()
    for form in forms:
        key = fold(form.translate(APOSTROPHES))
        parts = _PARTS_RE.findall(key)
        if not parts:
            return re.compile("")
        chosen = parts if len(key.split()) == 1 else [max(parts, key=len)]
        if "-" in key.split()[0]:
            chosen = [*chosen, key.split()[0]]
        for part in chosen:
            probes |= _spellings(part)
    if "" in probes:
        return re.compile("")
    alternatives = sorted(probes, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives)) or "(?!)")


def _spellings(part: str) -> set[str]:
    """A word of an override as the model may read it: unstretched, unglued ("jaime" is "je
    aime"), a chat spelling's expansion, and the stems of the inflected words it is the base
    form of ("nulles" is read as "nulle"; looking for "nulle" without its ending finds it)."""
    once = ELONGATION_RE.sub(r"\1", part)
    words = {part, once, ELONGATION_RE.sub(r"\1\1", part), part[1:], once[1:]}
    words |= {w for word in list(words) for w in ABBREVIATIONS.get(word, "").split()}
    found = set()
    for word in words:
        found |= {word[: len(word) - len(end)] for _, end in INFLECTIONS if word.endswith(end)}
        found.add(word)
    return found
