"""French negation, applied to tokens carrying valences once intensifiers have acted.

``ne … pas`` spans the verb, spoken French drops ``ne`` (``j'aime pas``), ``sans``, ``aucun``,
``jamais`` reach forward, idioms hold their own negation (``pas mal``), and some negations
mean ease (``pas eu à rappeler``), loss (``ils ont retiré mes films préférés``), relief (``m'a
évité d'acheter le mauvais ciment``) or a lack (``toujours pas de créneau``). The other
word-level rules are ``rules``; this module only changes the valence of the
tokens a negation reaches. Pure functions; the word lists come from ``data/fr_word_classes.tsv``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .rules import (
    CLASSES,
    INFORMAL,
    N_SCALAR,
    NE,
    PARTICLES,
    STANDALONE,
    Token,
    is_word,
)

#: Idioms that negate what follows them ("plus jamais eu de coupure") and are a complaint on
#: their own ("Plus jamais Colissimo.").
NEGATING_IDIOMS = frozenset({"plus jamais", "jamais plus"})
#: Verbs that, before "à" and an infinitive, pass their negation on to it ("je n'arrive pas à me
#: connecter", "je n'arrive pas à le lâcher").
MODALS = frozenset({"arrive", "arrivons", "arrivez", "arrivent", "reussi", "reussis", "reussit"})
#: "Je ne pensais pas que c'était couvert": a past belief denied is a surprise, and what
#: follows is true.
SURPRISE = CLASSES["surprise"]
#: How far past the particle the negation reaches: "ce n'est pas vraiment très génial".
NEG_WINDOW = 4
DENIED_SERVICE = CLASSES["denied_service"]
DENIED = -1.5

#: "pas eu à rappeler", "plus besoin de faire la queue": ease, which turns a chore that follows
#: into praise but leaves service words alone (it does not deny the call).
RELIEF = CLASSES["relief"]
#: "ils ont retiré mes films préférés": a good thing taken away is a loss (the removal verb
#: keeps its own valence).
REMOVALS = CLASSES["removals"]
#: "m'a évité d'acheter le mauvais ciment", "fait disparaître mes imperfections": a harm
#: avoided or taken away is a relief (a good thing removed stays a loss, see ``REMOVALS``).
AVERTS = CLASSES["averts"]
#: "toujours pas" with nothing to deny is still a wait ("toujours pas de créneau"), and "manque
#: de" still a lack ("manque de choix").
EMPTY_DENIAL = CLASSES["empty_denial"]
LACKING = -1.0
BARELY = CLASSES["barely"]
#: "ne … aucun" after a form of "avoir" is a lack: "ils n'avaient aucun des médicaments".
NONE = frozenset({"aucun", "aucune"})
HAVE = frozenset({"a", "ai", "as", "avons", "avez", "ont", "avait", "avaient", "avais", "avions"})


def _bears(token: Token) -> bool:
    """Whether negation has something to act on here."""
    return token.valence != 0.0 or token.key in DENIED_SERVICE


def _negate(token: Token, strong: bool) -> None:
    if token.negated or token.neg_idiom:
        return
    token.negated = True
    if token.key in DENIED_SERVICE:
        token.valence = DENIED * (1.3 if strong else 1.0)
    else:
        token.valence *= -1.0 if strong else N_SCALAR


def _negate_forward(
    tokens: Sequence[Token], start: int, strong: bool, *, services: bool = True
) -> bool:
    """Negate the first sentiment-bearing word within the window after ``start``.

    With ``services=False`` a neutral service word (``rappeler``) is passed over, not denied.
    """
    end = min(len(tokens), start + 1 + NEG_WINDOW)
    for j in range(start + 1, end):
        other = tokens[j]
        if other.clause != tokens[start].clause or not is_word(other):
            return False
        if other.key in {"aussi", "si", "autant", "tant"} and tokens[start].key == "jamais":
            return True  # "jamais vu un service aussi rapide" is praise
        if other.valence if not services else _bears(other):
            _negate(other, strong)
            return True
    return False


def _take_away(tokens: Sequence[Token], start: int) -> None:
    """After a removal verb the first good thing within the window is a loss; after an
    avoidance verb the first harm is a relief."""
    averts = tokens[start].key in AVERTS
    for other in tokens[start + 1 : start + 1 + NEG_WINDOW]:
        if other.clause != tokens[start].clause or not is_word(other):
            return
        if (other.valence < 0 and averts) or (other.valence > 0 and not averts):
            _negate(other, strong=averts)
            return


def _deny_service(tokens: Sequence[Token], i: int) -> None:
    """``Plus de réseau depuis dimanche``: "plus de" before a service word is its loss, unless
    a comparison follows (``plus de réseau que chez eux``)."""
    if i >= len(tokens) or tokens[i].key not in DENIED_SERVICE:
        return
    if any(t.key == "que" for t in tokens[i + 1 : i + 4] if t.clause == tokens[i].clause):
        return
    _negate(tokens[i], strong=False)


def _next_key(tokens: Sequence[Token], i: int) -> str:
    return tokens[i + 1].key if i + 1 < len(tokens) else ""


def _only(tokens: Sequence[Token], i: int) -> bool:
    """Whether ``que`` at ``i`` means "only" (``pas que beau``, ``pas que de la com``) rather
    than opening a clause (``je ne pense pas que ce soit bien``, ``c'est pas que je sois
    contre``): a subject must not follow it."""
    if i + 1 >= len(tokens) or tokens[i + 1].clause != tokens[i].clause:
        return False
    return tokens[i + 1].key not in SUBJECTS


#: Subjects that make ``que`` open a clause.
SUBJECTS = frozenset(
    {"je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "ce", "ca", "cela"}
)


def _strong_after(tokens: Sequence[Token], i: int) -> bool:
    """``pas du tout``, ``absolument pas``: the negation is complete, not softened."""
    return (i + 1 < len(tokens) and tokens[i + 1].key == "du tout") or (
        i > 0 and tokens[i - 1].key in {"absolument", "vraiment", "franchement"}
    )


def _verb_before(tokens: Sequence[Token], i: int) -> Token | None:
    """The word a spoken negation at ``i`` follows, over ``même`` and ``plus``: ``tient même
    pas``, ``on trouve plus rien``, ``tient à peine``."""
    j = i - 1
    while j > 0 and tokens[j].key in {"meme", "plus"} and tokens[j].clause == tokens[i].clause:
        j -= 1
    before = tokens[j]
    return before if before.clause == tokens[i].clause and j != i else None


def _has(tokens: Sequence[Token], open_ne: int | None, i: int) -> bool:
    """Whether ``ne … aucun`` negates ``avoir`` (``ils n'avaient aucun des médicaments``): a
    lack, not ``il n'y a aucune différence``."""
    verb = {t.key for t in tokens[open_ne + 1 : i]} if open_ne is not None else set()
    return bool(verb & HAVE) and "y" not in verb


def apply_negation(tokens: Sequence[Token]) -> None:
    """French negation: the verb between ``ne`` and the particle, and the first sentiment word
    after the particle (``je n'aime pas``, ``ce n'est pas génial``, ``je ne suis pas déçu``).

    Informal ``pas`` without ``ne`` negates the next sentiment word or, failing one, the verb
    before it (``c'est pas top``, ``j'aime pas``); ``sans``, ``aucun``, ``jamais``, ``rien``,
    ``non``, ``peu``, ``moins`` reach forward. ``ne … que`` is restrictive, not a negation, and
    ``ne … pas que`` ("not only") adds rather than denies (``ce n'est pas que beau``).
    Idioms that hold their own negation (``pas mal``) are left alone and close an open ``ne``;
    ``pas besoin de``, ``pas eu à`` turn the chore after them into ease. ``toujours pas`` or
    ``manque de`` with nothing to deny complain all the same, and so does ``n'avoir aucun``.
    ``à peine`` after a verb all but denies it (``la batterie tient à peine la journée``).
    """
    open_ne: int | None = None
    for i, token in enumerate(tokens):
        if open_ne is not None and tokens[open_ne].clause != token.clause:
            _negate_forward(tokens, open_ne, strong=False)
            open_ne = None
        key = token.key
        if key in NEGATING_IDIOMS:
            if _negate_forward(tokens, i, strong=False):
                token.valence = 0.0
            open_ne = None
        elif key in RELIEF:
            _negate_forward(tokens, i, strong=True, services=False)
            open_ne = None
        elif (key in REMOVALS or key in AVERTS) and open_ne is None:
            _take_away(tokens, i)
        elif key == "plus" and open_ne is None and _next_key(tokens, i) == "de":
            _deny_service(tokens, i + 2)
        elif token.neg_idiom:
            open_ne = None
        elif key == NE:
            open_ne = i
        elif open_ne is not None and (key == "que" or key.startswith("que ")):
            open_ne = None
        elif key in STANDALONE or (open_ne is not None and key in PARTICLES):
            if key in ("peu", "moins") and i and tokens[i - 1].key in {"un", "au", "du", "a"}:
                continue
            if key == "pas" and _next_key(tokens, i) == "que" and _only(tokens, i + 1):
                open_ne = None  # "ce n'est pas que beau": not only, which adds, not denies
                continue
            believed = tokens[open_ne + 1 : i] if open_ne is not None else tokens[i - 1 : i]
            if any(t.key in SURPRISE for t in believed):
                open_ne = None
                continue
            strong = _strong_after(tokens, i)
            verb = [t for t in tokens[open_ne + 1 : i] if _bears(t)] if open_ne is not None else []
            if verb and all(t.key in MODALS for t in verb) and _next_key(tokens, i) == "a":
                verb = []  # "je n'arrive pas à le lâcher": what is negated is the infinitive
            for other in verb:
                _negate(other, strong)
            found = bool(verb) or _negate_forward(tokens, i, strong)
            if not found and open_ne is None and key in INFORMAL and i:
                before = _verb_before(tokens, i)
                if before is not None and _bears(before):
                    _negate(before, strong)
                    found = True
            if not found and (key in EMPTY_DENIAL or (key in NONE and _has(tokens, open_ne, i))):
                token.valence = LACKING
            open_ne = None
        elif key in BARELY:
            before = _verb_before(tokens, i)
            if before is not None and _bears(before):
                _negate(before, strong=False)
    if open_ne is not None:
        _negate_forward(tokens, open_ne, strong=False)
