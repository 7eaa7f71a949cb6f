"""Who speaks in a French mention: a customer, a journalist, or no telling.

A community manager reads the same fact two ways: ``Clim en panne.`` from a customer is a
complaint, ``Panne géante chez Fibrea : 200 000 foyers privés d'internet mardi`` from a
journalist is news. This module weighs the evidence for each voice and returns it; what each
voice then means for the score is ``voice``'s business. It reads no data beyond
the word classes of ``rules`` and changes no token. Pure functions.

A customer: first or second person, ``ça``, ``!``, emoji, a rating, a @mention, thanks, a
habit, spoken negation (all of which ``is_personal`` sees), and, more weakly, the adverbs of a
story told (``encore``, ``toujours``, ``depuis``, ``enfin``, ``franchement``), ``c'est``, the
strongest words of opinion (``scandaleux``, ``génial``), and a verdict standing as its own
sentence (``Imbattable.``, ``Gestion propre.``).

A journalist: a brand as the subject of an announcing verb (``Pixelune annonce``, ``Flixia
passe à``, ``Kolis va recruter``), the future of a schedule (``sera fermé``, ``ouvrira``),
dates (``le 1er juin``, ``en 2023``, ``à compter du``), amounts counted in institutional units
(``45 salariés``, ``300 magasins``, ``90 millions``, ``%``), sources (``selon``, ``la
direction``, ``un communiqué``) and newsroom words (``trimestre``, ``désormais``, ``blessé``).
The text is news only when that evidence outweighs the customer's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .rules import (
    CLASSES,
    EMOJI,
    HANDLE,
    INFORMAL,
    NE,
    NUM,
    PERSONAL,
    RATING,
    RHETORICAL,
    WORD,
    Token,
)

COURTESY = CLASSES["courtesy"]
#: Thanks, greetings and cheers address someone: news does not say them.
ADDRESS = COURTESY | {"bravo", "chapeau", "felicitations"}
HABITUAL = CLASSES["habitual"]
NEWS_VERBS = CLASSES["news_verbs"]
NEWS_WORDS = CLASSES["news_words"]
NEWS_UNITS = CLASSES["news_units"]
MONTHS = CLASSES["months"]
STORY_ADVERBS = CLASSES["story_adverbs"]
#: Keys that may be a sign of news, checked before anything else for speed.
_SIGNS = NEWS_WORDS | NEWS_VERBS | NEWS_UNITS | MONTHS | {"va"}
#: What a verb after a name may not follow to announce: "une annonce", "je lance".
_NOT_SUBJECTS = frozenset(
    {"le", "la", "les", "un", "une", "des", "de", "du", "ce", "cette", "son", "sa", "ses", "je",
     "on", "tu", "il", "elle", "me", "te", "ne", "se", "qui", "que", "aucune", "aucun"}
)  # fmt: skip
#: Third-person futures that do not end like a regular verb's.
_FUTURES = frozenset(
    {"sera", "seront", "aura", "auront", "fera", "feront", "pourra", "pourront", "devra",
     "devront", "ira", "iront", "viendra", "viendront", "prendra", "prendront"}
)  # fmt: skip
_NOT_FUTURES = frozenset({"camera", "cameras", "opera", "galera", "extra", "vera", "tiara"})
_FUTURE_ENDINGS = ("ra", "ront")
_YEAR = re.compile(r"^(19|20)\d\d$")
_DISCOUNT = re.compile(r"(?<![\w.,])[-−–]\s?\d{1,2}\s?%")
_MILLIONS = frozenset({"million", "millions", "milliard", "milliards", "milliers", "millier",
                       "centaines", "centaine", "dizaines"})  # fmt: skip
_NUMBER_WORDS = _MILLIONS | {"deux", "trois", "quatre", "cinq", "dix", "cent", "mille"}
#: Customer evidence: the explicit signs of ``is_personal`` weigh more than any one sign of news.
PERSONAL_WEIGHT = 3
VERDICT_WEIGHT = OPINION_WEIGHT = 2
#: Valence from which a word is an opinion no journalist writes in their own voice.
STRONG = 2.8
#: A sentence of at most this many words with a valence is a verdict: "Imbattable.", "À fuir."
VERDICT_WORDS = 3


@dataclass(frozen=True)
class Speaker:
    """Who speaks: ``personal`` when the author says so (first person, ``!``, emoji...),
    ``news`` when a journalist's evidence outweighs a customer's. Both false: no telling, and a
    problem stated without comment is then the author's own (``Clim en panne.``).
    ``discount``: a price cut written as a shop writes it (``-50 %``), a sign of the brand's
    own voice (decided with the other signs in ``voice``)."""

    personal: bool
    news: bool
    discount: bool = False


def who_speaks(tokens: Sequence[Token], text: str) -> Speaker:
    """The voice of ``tokens`` (the tokens of ``text``, carrying their lexicon valences)."""
    personal = is_personal(tokens, text)
    customer = PERSONAL_WEIGHT if personal else 0
    customer += _story(tokens)
    discount = "%" in text and _DISCOUNT.search(text) is not None
    return Speaker(personal, _journalism(tokens, text) > customer, discount)


def is_personal(tokens: Sequence[Token], text: str) -> bool:
    """Whether the author speaks for themselves rather than reports.

    Signs: first or second person, ``ça``, ``!`` or ``??``, ``pourquoi``, emoji, a rating, a
    @mention (not a retweet), stretched words, thanks or cheers (``merci``, ``bravo``: news
    does not thank), a habit (``systématiquement en retard``: news reports an event, not a
    habit), and spoken negation (``c'est pas``).
    """
    if "!" in text or "??" in text:
        return True
    clauses_with_ne = {t.clause for t in tokens if t.key == NE}
    for i, token in enumerate(tokens):
        key = token.key
        if key in RHETORICAL or key in ADDRESS or key in HABITUAL or token.elongated:
            return True
        if key in PERSONAL or (token.phrase and not PERSONAL.isdisjoint(key.split(" "))):
            return True
        if token.kind in (EMOJI, RATING):
            return True
        if token.kind == HANDLE and not (i and tokens[i - 1].key == "rt"):
            return True
        if key in INFORMAL and token.clause not in clauses_with_ne and i:
            before, after = tokens[i - 1], tokens[i + 1] if i + 1 < len(tokens) else None
            after_verb = before.kind == WORD and before.clause == token.clause
            if after_verb and (after is None or after.key != "de"):
                return True
    return False


def _story(tokens: Sequence[Token]) -> int:
    """The weaker signs of a customer: story adverbs, ``c'est``, the strongest words of
    opinion, verdicts of their own."""
    score = 0
    previous = ""
    sentences: dict[int, list[Token]] = {}
    for token in tokens:
        for key in token.key.split(" ") if token.phrase else (token.key,):
            score += key in STORY_ADVERBS or (key == "est" and previous == "ce")  # "c'est"
            previous = key
        if token.kind == WORD:
            sentences.setdefault(token.sentence, []).append(token)
            if abs(token.valence) >= STRONG:
                score += OPINION_WEIGHT  # "scandaleux", "génial": no newsroom word
    if len(sentences) > 1:
        for words in sentences.values():
            if len(words) <= VERDICT_WORDS and any(t.valence for t in words):
                score += VERDICT_WEIGHT
    return score


def _journalism(tokens: Sequence[Token], text: str) -> int:
    """How many signs of a journalist's report the text carries."""
    denied = {t.clause for t in tokens if t.key == NE}
    score = int("%" in text)
    for i, token in enumerate(tokens):
        key = token.key
        if key in _SIGNS or token.kind == NUM or key.endswith(_FUTURE_ENDINGS):
            score += _reports(tokens, i, denied)
    return score


def _reports(tokens: Sequence[Token], i: int, denied: set[int]) -> bool:
    """Whether ``tokens[i]`` is a sign of news: a newsroom word, a brand announcing, a future
    not denied, an amount in institutional units, a date."""
    token = tokens[i]
    key = token.key
    prev = tokens[i - 1] if i else None
    if key in NEWS_WORDS or (key in NEWS_UNITS and _counted(tokens, i)):
        return True
    if key in NEWS_VERBS or (key == "va" and _next_is_infinitive(tokens, i)):
        return _after_name(token, prev)
    if _future(key):
        return token.clause not in denied and (prev is None or prev.key != "on")
    dated = key in MONTHS and prev is not None and prev.kind == NUM
    return dated or (token.kind == NUM and _YEAR.match(key) is not None)


def _after_name(token: Token, prev: Token | None) -> bool:
    """A verb in the present right after a name: ``Pixelune annonce``, ``Kolis va``."""
    if prev is None or prev.kind != WORD or prev.key in _NOT_SUBJECTS:
        return False
    if token.text.lower().endswith(("é", "ée", "és", "ées")):
        return False  # "Train arrêté": a participle, not an announcement
    return prev.text[:1].isupper() or prev.caps


def _next_is_infinitive(tokens: Sequence[Token], i: int) -> bool:
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return nxt is not None and nxt.kind == WORD and nxt.key.endswith(("er", "ir", "re"))


def _future(key: str) -> bool:
    """A third-person future: ``sera``, ``ouvrira``, ``fermeront`` (not ``-rai``: that is "je").

    The caller leaves out a future denied (``le technicien ne viendra que dans deux semaines``):
    a schedule announced is news, one refused a complaint."""
    if key in _FUTURES:
        return True
    if len(key) <= 5 or key in _NOT_FUTURES:
        return False
    return key.endswith(("era", "ira", "eront", "iront"))


def _counted(tokens: Sequence[Token], i: int) -> bool:
    """``45 salariés``, ``trois magasins``, ``90 millions d'euros``."""
    prev = tokens[i - 1] if i else None
    if prev is not None and prev.key == "de" and i > 1:
        prev = tokens[i - 2] if tokens[i - 2].key in _MILLIONS else None
    return prev is not None and (prev.kind == NUM or prev.key in _NUMBER_WORDS)
