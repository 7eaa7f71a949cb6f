"""How the parts of a French text weigh in its sentiment, once words carry their valences.

The word-level rules (negation, intensifiers, ``super``/``trop``) live in ``sentiment_fr_rules``;
this module looks at the text as a whole: whether the author speaks for themselves or reports
news, which clause of a contrast counts, which questions state no opinion, which thanks are
only courtesy, and when praise is sarcastic. Pure functions over a token list; it knows nothing
about the data files beyond the word classes ``sentiment_fr_rules`` reads.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .sentiment_fr_rules import (
    ALPHA,
    CLASSES,
    CONCESSION,
    CONTRAST,
    EMOJI,
    EVENTS,
    HANDLE,
    INFORMAL,
    NE,
    PERSONAL,
    PUNCT,
    RATING,
    WORD,
    Token,
)

RHETORICAL = CLASSES["rhetorical"]
IRONIC = CLASSES["ironic"]
IRONY_MARKERS = CLASSES["irony_markers"]
COURTESY = CLASSES["courtesy"]
SEEKING = CLASSES["seeking"]
#: Thanks, greetings and cheers address someone: news does not say them.
ADDRESS = COURTESY | {"bravo", "chapeau", "felicitations"}
OFFER = CLASSES["offer"]
REPORTED = CLASSES["reported"]
#: Sum of valences from which the rest of a text is plainly a complaint.
COMPLAINT = -1.0
#: What praise becomes once read as sarcasm.
IRONY = -0.5
QUOTES = frozenset({'"', "«", "»", "“", "”"})
#: Quotes around at most this many words are scare quotes (``le "très haut débit"``); longer
#: ones report what someone said.
SCARE_QUOTE_WORDS = 4
#: After ``merci de``, these start a request (``merci de me rappeler``), not thanks.
_REQUEST_CLITICS = frozenset({"me", "nous", "le", "la", "les", "lui", "leur", "ne", "bien", "y"})
_INFINITIVE_ENDINGS = ("er", "ir", "re", "oir")


def is_personal(tokens: Sequence[Token], text: str) -> bool:
    """Whether the author speaks for themselves rather than reports.

    Signs: first or second person, ``ça``, ``!`` or ``??``, ``pourquoi``, emoji, a rating, a
    @mention (not a retweet), stretched words, thanks or cheers (``merci``, ``bravo``: news
    does not thank), and spoken negation (``c'est pas``).
    """
    if "!" in text or "??" in text:
        return True
    clauses_with_ne = {t.clause for t in tokens if t.key == NE}
    for i, token in enumerate(tokens):
        key = token.key
        if key in RHETORICAL or key in ADDRESS or token.elongated:
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


def apply_register(tokens: Sequence[Token], personal: bool) -> None:
    """In a news-like text, events (a strike, an outage, a price rise) are facts, not feelings,
    and so are the terms of an offer (``un jeu offert``, ``des prix stables``) and whatever a
    sentence attributes to someone else (``la meilleure offre, selon le comparatif``).

    A denied event (``aucun problème``) is an assessment, and stays; so do events in a text
    whose other words already complain (``Métro bondé, clim en panne``): a review, not news.
    """
    if personal:
        return
    reported = {t.sentence for t in tokens if t.key in REPORTED}
    for token in tokens:
        if token.sentence in reported:
            token.weight = 0.0
    facts = [t for t in tokens if (t.key in EVENTS or t.key in OFFER) and not t.negated]
    if not facts:
        return
    rest = sum(t.valence for t in tokens if t.key not in EVENTS and t.key not in OFFER)
    for token in facts:
        if not (rest <= COMPLAINT and token.valence < 0):
            token.valence = 0.0


def apply_contrast(tokens: Sequence[Token]) -> None:
    """``mais``: what comes after it counts more (x1.5) than what came before (x0.5).

    A sentence opening with ``Mais`` discounts the sentence before it. ``malgré``, ``même si``,
    ``moi qui`` halve the clause they open.
    """
    for i, token in enumerate(tokens):
        if token.key in CONCESSION:
            for other in tokens[i + 1 :]:
                if other.clause != token.clause:
                    break
                other.weight *= 0.5
    pivot = next((i for i, t in enumerate(tokens) if t.key in CONTRAST), None)
    if pivot is None:
        return
    sentence = tokens[pivot].sentence
    opens = all(t.sentence != sentence or t.kind == PUNCT for t in tokens[:pivot])
    for i, other in enumerate(tokens):
        if other.sentence == sentence:
            other.weight *= 0.5 if i < pivot else 1.5
        elif opens and other.sentence == sentence - 1:
            other.weight *= 0.5


def apply_questions(tokens: Sequence[Token]) -> None:
    """A clause asking for information (``elle est bien ?``) states no opinion, nor does a
    sentence asking for advice (``je cherche un bon forfait, des conseils ?``); the thanks that
    close such a request are courtesy (``c'est compatible ? merci``).

    Rhetorical questions (``pourquoi``, ``c'est normal``, ``sérieux, …``, ``??``) keep their
    sentiment; ``sérieux`` opening such a sentence is exasperation, not praise.
    """
    for i, token in enumerate(tokens):
        opens = i == 0 or tokens[i - 1].sentence != token.sentence
        exasperated = token.key in RHETORICAL and token.valence > 0
        if opens and exasperated and token.sentence in _questions(tokens):
            token.valence = 0.0
    clause: list[Token] = []
    asked = False
    for token in tokens:
        if token.kind != PUNCT:
            clause.append(token)
            continue
        sentence = token.sentence
        asks = token.text == "?" and not any(
            t.key in RHETORICAL for t in tokens if t.sentence == sentence
        )
        if asks:
            seeking = any(t.key in SEEKING for t in tokens if t.sentence == sentence)
            for other in tokens if seeking else clause:
                if other.sentence == sentence:
                    other.weight = 0.0
        asked = asked or asks
        clause = []
    if asked:
        for token in tokens:
            if token.key in COURTESY:
                token.weight = 0.0


def _questions(tokens: Sequence[Token]) -> set[int]:
    return {t.sentence for t in tokens if t.kind == PUNCT and "?" in t.text}


def apply_requests(tokens: Sequence[Token]) -> None:
    """``merci de me rappeler`` asks for something; ``merci de votre aide`` thanks.

    ``merci de`` before an infinitive, or before a pronoun and an infinitive, is a polite
    imperative, unless the infinitive is ``avoir``/``être`` (``merci de m'avoir aidé``).
    """
    for i, token in enumerate(tokens[:-2]):
        if token.key not in COURTESY or tokens[i + 1].key != "de":
            continue
        j = i + 2
        while j < len(tokens) - 1 and tokens[j].key in _REQUEST_CLITICS:
            j += 1
        verb = tokens[j].key
        if verb.endswith(_INFINITIVE_ENDINGS) and verb not in {"avoir", "etre"}:
            token.valence = 0.0


def apply_sarcasm(tokens: Sequence[Token]) -> None:
    """Praise that the author does not mean.

    ``Bravo @SNCF, encore 2h de retard``: thanks or cheers inside a complaint. ``Super efficace
    🙃``, ``#sarcasme``: an explicit marker makes all praise in the text ironic. Praise in scare
    quotes (``le "très haut débit"``) is ironic too.
    """
    _apply_scare_quotes(tokens)
    if any(t.key in IRONY_MARKERS for t in tokens):
        for token in tokens:
            if token.valence > 0 and token.kind == WORD:
                token.valence *= IRONY
        return
    ironic = [t for t in tokens if t.key in IRONIC and t.valence > 0 and not t.negated]
    if not ironic:
        return
    rest = sum(t.valence * t.weight for t in tokens if t.key not in IRONIC)
    if rest <= -1.0:
        for token in ironic:
            token.valence *= IRONY


def _apply_scare_quotes(tokens: Sequence[Token]) -> None:
    opened: int | None = None
    for i, token in enumerate(tokens):
        if token.kind != PUNCT or token.text not in QUOTES:
            continue
        if opened is None:
            opened = i
            continue
        span = tokens[opened + 1 : i]
        if sum(t.kind == WORD for t in span) <= SCARE_QUOTE_WORDS:
            for other in span:
                if other.valence > 0:
                    other.valence *= IRONY
        opened = None


def punctuation_emphasis(text: str, total: float) -> float:
    """VADER's amplification by ``!`` (up to 4) and by repeated ``?``."""
    if not total:
        return 0.0
    emphasis = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    if questions > 1:
        emphasis += questions * 0.18 if questions <= 3 else 0.96
    return emphasis if total > 0 else -emphasis


def normalize(total: float) -> float:
    """VADER's compound normalisation: ``x / sqrt(x*x + 15)``, clamped to [-1, 1]."""
    score = total / math.sqrt(total * total + ALPHA)
    return max(-1.0, min(1.0, score))
