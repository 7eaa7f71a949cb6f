"""Terms that will not match as their writer meant: what ``brandwatch check`` warns about.

Advice only: matching itself (``matcher``) never reads this module.
"""

from __future__ import annotations

from brandwatch_cli.matching.matcher import keyword_node, trigger_terms
from brandwatch_cli.models import Keyword
from brandwatch_cli.text import fold

#: Words so common in English or French that a keyword triggered by one alone matches nearly
#: every text.
COMMON_WORDS = frozenset(
    """
    a an and are as at be but by for from has have he her his i if in is it its me my no not of
    on or our she so that the their them they this to was we were what when which who will with
    you your au aux avec ce ces dans de des du elle en est et il ils je la le les leur mais me
    mon ne nous on ou par pas pour qu que qui sa se son sur ta te tu un une vous y
    """.split()  # noqa: SIM905 - a table to read
)


def broad_terms(keyword: Keyword) -> list[str]:
    """The terms that alone make ``keyword`` match and that nearly every text contains (a
    common word, or a single letter or digit without a trailing ``*``): worth a warning."""
    broad = []
    for term in trigger_terms(keyword_node(keyword)):
        words = [fold(word) for word in term.words]
        one = len(words) == 1 and not term.prefix
        if one and (words[0] in COMMON_WORDS or len(words[0]) < 2):
            broad.append(" ".join(term.words))
        elif term.prefix and len(words) == 1 and len(words[0]) < 3:
            broad.append(" ".join(term.words) + "*")
    return broad


def misread_terms(keyword: Keyword) -> list[str]:
    """Why some of ``keyword``'s ``terms`` cannot match as their writer meant: a ``*`` or
    quotes in a plain term are characters to find (only queries and context words read
    ``recrut*`` as a prefix), and a term also given in ``exclude`` never counts."""
    said = []
    for term in keyword.terms:
        if '"' in term:
            said.append(
                f"{term!r} is looked for as written, quotes included (a term of several words"
                " is already a phrase)"
            )
        elif term.rstrip().endswith("*"):
            said.append(
                f"{term!r} is looked for as written, * included (for a prefix, write"
                f" query: '{term.strip()}')"
            )
    excluded = {fold(phrase) for phrase in keyword.exclude}
    for term in keyword.terms:
        if fold(term) in excluded:
            said.append(f"{term!r} is excluded as a whole: it never counts")
    return said
