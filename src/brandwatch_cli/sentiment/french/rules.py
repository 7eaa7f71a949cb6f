"""The word-level rules of the French sentiment analyzer, applied to tokens carrying valences.

VADER's English rules (boosters, ALL CAPS) carried over to French, plus what French needs:
``super`` and ``trop`` as both adjective and intensifier, names that look like words, price
and quality trends. This module also owns the token, its kinds and the word classes every
other rule module reads (``data/fr_word_classes.tsv``). Negation, which runs right after these
rules, is ``negation``; complaints and praise made by facts (waits, speed,
repetitions) are ``facts``; who speaks is ``speaker`` and what that
voice means ``voice``; how clauses and sentences then weigh (``mais``, questions,
sarcasm) is ``discourse``. Pure functions over a token list.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from importlib import resources

WORD_CLASSES = "fr_word_classes.tsv"


def _load_word_classes() -> dict[str, frozenset[str]]:
    """Named word lists from ``data/fr_word_classes.tsv`` (a few kilobytes, read on import)."""
    text = resources.files("brandwatch_cli").joinpath("data", WORD_CLASSES).read_text("utf-8")
    classes: dict[str, set[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, words = line.split("\t")
            classes.setdefault(name, set()).update(w.strip() for w in words.split(","))
    return {name: frozenset(words) for name, words in classes.items()}


CLASSES = _load_word_classes()

# Token kinds.
WORD = "word"
NUM = "num"
EMOJI = "emoji"
RATING = "rating"
HANDLE = "handle"
PUNCT = "punct"

#: VADER's constants: booster step, ALL CAPS step, negation factor, normalisation alpha.
B_INCR = 0.293
C_INCR = 0.733
N_SCALAR = -0.74
ALPHA = 15.0

BOOSTERS: dict[str, float] = {
    **dict.fromkeys(CLASSES["boosters"], B_INCR),
    **dict.fromkeys(CLASSES["mild_boosters"], 0.15),
    **dict.fromkeys(CLASSES["diminishers"], -B_INCR),
}
#: Boosters that only intensify the word right after them: "si" and "tout" are too common
#: elsewhere ("si la livraison…", "tout le monde").
ADJACENT_ONLY = frozenset({"si", "aussi", "tout", "toujours", "encore", "assez"})
#: Intensifiers that also follow what they intensify: "j'aime beaucoup", "je kiffe grave",
#: "d'une lenteur incroyable".
POST_BOOSTERS = frozenset(
    {"beaucoup", "grave", "trop", "vraiment", "enormement", "incroyable", "hallucinant",
     "hallucinante", "monstre", "phenomenal", "phenomenale", "de fou", "de ouf", "de malade",
     "vivement", "enorme", "enormes", "de folie", "de dingue"}
)  # fmt: skip
#: Words that are an adjective on their own and an intensifier next to a sentiment word
#: ("c'est énorme" is praise, "un retard énorme" a bigger complaint).
DUAL = {"super": 2.0, "trop": -1.2, "hyper": 1.5, "enorme": 1.3, "enormes": 1.3}
#: "Top 10", "Super U", "Hyper U": a name or a ranking, not praise.
NAME_PREFIXES = frozenset({"super", "top", "hyper"})

NE = "ne"
_INFINITIVES = ("er", "ir", "re", "oir")
#: Words that open a sentence as a pause: "Bon, …", "Ben, …".
INTERJECTIONS = frozenset({"bon", "ben", "bah", "bref", "enfin", "bien"})
PARTICLES = CLASSES["particles"]
STANDALONE = CLASSES["standalone"]
#: Particles that, without ``ne``, may follow the verb they negate: "ça marche pas".
INFORMAL = frozenset({"pas", "rien", "jamais", "toujours pas"})
EVENTS = CLASSES["events"]
PERSONAL = CLASSES["personal"]
RHETORICAL = CLASSES["rhetorical"]
QUOTES = frozenset({'"', "«", "»", "“", "”"})
#: Quotes around at most this many words are scare quotes (``le "très haut débit"``); longer
#: ones report what someone said.
SCARE_QUOTE_WORDS = 4
#: Pivots after which the verdict comes: "mais", and "au final", "en fait" after an expectation.
CONTRAST = frozenset(
    {"mais", "cependant", "toutefois", "neanmoins", "par contre", "en revanche", "au final",
     "finalement", "en fait"}
)  # fmt: skip
#: Clauses that concede a point the rest of the sentence overrides ("Moi qui déteste appeler,
#: j'ai été agréablement surprise").
CONCESSION = frozenset({"malgre", "meme si", "bien que", "quoique", "moi qui"})
CONCESSION |= CLASSES["expected"]
RISES = CLASSES["rises"]
GAINS = CLASSES["gains"]
FALLS = CLASSES["falls"]
MORE_IS_BETTER = CLASSES["more_is_better"]
MORE_IS_WORSE = CLASSES["more_is_worse"]
SAME_PRICE = CLASSES["same_price"]
TREND = 1.5
#: Words that never carry a valence of their own, whatever the lexicon says.
FUNCTION_WORDS = (
    CLASSES["function_words"] | PERSONAL | PARTICLES | STANDALONE | CONTRAST | {NE}
) | (frozenset(BOOSTERS) - frozenset(DUAL))
#: Phrases the tokenizer must see as one word for the rules to find them.
RULE_PHRASES = tuple(
    sorted(w for words in (*CLASSES.values(), CONTRAST, CONCESSION) for w in words if " " in w)
)


class Token:
    """One token of a text: its folded key, where it sits, and the valence it contributes."""

    __slots__ = ("caps", "clause", "elongated", "key", "kind", "neg_idiom", "negated", "phrase",
                 "sentence", "text", "valence", "weight")  # fmt: skip

    def __init__(self, kind: str, key: str, text: str, *, caps: bool = False) -> None:
        self.kind = kind
        self.key = key
        self.text = text
        self.caps = caps
        self.elongated = False
        self.phrase = False
        self.neg_idiom = False
        self.negated = False
        self.valence = 0.0
        self.weight = 1.0
        self.sentence = 0
        self.clause = 0

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.key!r}, {self.valence:+.2f})"


def apply_word_rules(tokens: Sequence[Token], keys: frozenset[str], caps_emphasis: bool) -> None:
    """The rules of this module in order; ``keys`` (the text's token keys) lets a rule whose
    trigger words are absent be skipped."""
    mute_proper_nouns(tokens)
    if not keys.isdisjoint(INTERJECTIONS):
        mute_interjections(tokens)
    if "bien" in keys:
        mute_manner_adverbs(tokens)
    if not keys.isdisjoint(DUAL) or not keys.isdisjoint(NAME_PREFIXES):
        resolve_dual_words(tokens)
    if not keys.isdisjoint(RISES) or not keys.isdisjoint(FALLS) or not keys.isdisjoint(GAINS):
        apply_trends(tokens)
    if not keys.isdisjoint(SAME_PRICE):
        apply_same_price(tokens)
    apply_boosters(tokens, caps_emphasis)


def is_word(token: Token) -> bool:
    """A word or a number: what rules may look across within a clause."""
    return token.kind in (WORD, NUM)


def _names_next(tokens: Sequence[Token], i: int) -> bool:
    """Whether ``tokens[i]`` starts a name or a ranking: ``Super U``, ``Top 10``."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None or nxt.clause != tokens[i].clause:
        return False
    capitalised = nxt.kind == WORD and nxt.text[:1].isupper() and not nxt.caps
    return nxt.kind == NUM or (capitalised and i > 0)


def mute_proper_nouns(tokens: Sequence[Token]) -> None:
    """A capitalised word inside a clause is a name (``rue de la Paix``, ``Le Bon Coin``).

    Words in ALL CAPS keep their valence (emphasis), and so does a text in Title Case.
    """
    words = [t for t in tokens if t.kind == WORD]
    capitalised = [t for t in words if t.text[:1].isupper()]
    if len(capitalised) * 2 > len(words):
        return
    first_of_clause = -1
    for token in words:
        if token.clause != first_of_clause:
            first_of_clause = token.clause
            continue
        if token.valence and not token.phrase and not token.caps and token.text[:1].isupper():
            token.valence = 0.0


def mute_interjections(tokens: Sequence[Token]) -> None:
    """``Bon, je vais changer d'opérateur``: ``bon`` opening a sentence before a comma is a
    pause, not praise (``Bon produit, …`` keeps it)."""
    for i, token in enumerate(tokens[:-1]):
        opens = i == 0 or tokens[i - 1].sentence != token.sentence
        if opens and token.key in INTERJECTIONS and tokens[i + 1].text == ",":
            token.valence = 0.0


def apply_trends(tokens: Sequence[Token]) -> None:
    """``la qualité baisse`` is bad news, ``les prix baissent`` and ``ma prime prend 22 %`` good
    and bad news for the customer.

    In the news a price change is a fact: news is muted as a whole (``voice``).
    """
    clauses: dict[int, list[Token]] = {}
    for token in tokens:
        clauses.setdefault(token.clause, []).append(token)
    for clause in clauses.values():
        keys = {t.key for t in clause}
        better = bool(keys & MORE_IS_BETTER)
        worse = bool(keys & MORE_IS_WORSE)
        if better == worse:
            continue
        for n, token in enumerate(clause):
            gains = token.key in GAINS and n + 1 < len(clause) and clause[n + 1].kind == NUM
            direction = 1 if token.key in RISES or gains else -1 if token.key in FALLS else 0
            if direction:
                token.valence = TREND * direction * (1 if better else -1)


def apply_same_price(tokens: Sequence[Token]) -> None:
    """``moins de chaînes pour le même prix`` is a loss, ``plus de data pour le même prix`` a
    gain: the phrase takes the sign of the comparison in its clause, which negation leaves
    alone (``moins`` compares here, it does not deny)."""
    for token in tokens:
        if token.key not in SAME_PRICE:
            continue
        clause = {t.key for t in tokens if t.clause == token.clause}
        less, more = "moins" in clause, bool(clause & {"plus", "davantage"})
        if less != more:
            token.valence = TREND if more else -TREND
            token.neg_idiom = True


def mute_manner_adverbs(tokens: Sequence[Token]) -> None:
    """``bien`` right before an infinitive says how to do it (``comment bien choisir``, ``pour
    bien démarrer``), not that something is good."""
    for token, nxt in itertools.pairwise(tokens):
        if token.key != "bien" or token.phrase or nxt.kind != WORD or nxt.valence:
            continue
        if len(nxt.key) > 4 and nxt.key.endswith(_INFINITIVES):
            token.valence = 0.0


def resolve_dual_words(tokens: Sequence[Token]) -> None:
    """``super``/``trop``: an intensifier before a sentiment word, an adjective otherwise.

    ``c'est super`` and ``super produit`` are praise, ``trop long`` and ``trop de pubs``
    complaints, ``trop bien`` and ``super lent`` intensify; ``Super U`` is a name.
    """
    for i, token in enumerate(tokens):
        if token.key in NAME_PREFIXES and not token.phrase and _names_next(tokens, i):
            token.valence = 0.0
            continue
        if token.kind != WORD or token.key not in DUAL or token.phrase:
            continue
        prev = tokens[i - 1] if i and tokens[i - 1].clause == token.clause else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and (nxt.clause != token.clause or not is_word(nxt)):
            nxt = None
        boosts_next = nxt is not None and (nxt.valence or nxt.key in BOOSTERS or nxt.key in DUAL)
        boosts_prev = prev is not None and prev.valence and token.key in POST_BOOSTERS
        if boosts_next or boosts_prev:
            token.valence = 0.0
        elif token.key == "trop":
            ends = nxt is None or (prev is not None and prev.key == "pas")
            token.valence = 0.0 if ends else DUAL["trop"]
        else:
            token.valence = DUAL[token.key]


def apply_boosters(tokens: Sequence[Token], caps_emphasis: bool) -> None:
    """Intensifiers and diminishers before (or just after) a word, ALL CAPS, elongation."""
    for i, token in enumerate(tokens):
        if not token.valence or token.kind not in (WORD, NUM):
            continue
        sign = 1.0 if token.valence > 0 else -1.0
        if caps_emphasis and token.caps:
            token.valence += sign * C_INCR
        if token.elongated:
            token.valence += sign * B_INCR
        for seen, other in enumerate(reversed(tokens[max(i - 3, 0) : i])):
            if other.clause != token.clause or not is_word(other):
                break
            if other.valence and other.key not in DUAL:
                break
            step = BOOSTERS.get(other.key)
            if step is not None and not (seen and other.key in ADJACENT_ONLY):
                if caps_emphasis and other.caps:
                    step += C_INCR if step > 0 else -C_INCR
                token.valence += sign * step * (1.0, 0.95, 0.9)[seen]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if (
            nxt is not None
            and nxt.clause == token.clause
            and nxt.key in POST_BOOSTERS
            and not (after is not None and after.clause == token.clause and after.valence)
        ):
            nxt.valence = 0.0
            token.valence += sign * B_INCR
