"""How the parts of a French text weigh in its sentiment, once words carry their valences.

The word-level rules (negation, intensifiers, ``super``/``trop``) live in ``rules``,
who speaks (a customer, news, a brand) in ``voice``; this module looks at the text
as a whole: which clause of a contrast counts, which questions state no opinion, what is only
imagined, which thanks are only courtesy, and when praise is sarcastic. Pure functions over a
token list; it knows nothing about the data files beyond the word classes
``rules`` reads.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .rules import (
    ALPHA,
    CLASSES,
    CONCESSION,
    CONTRAST,
    EMOJI,
    PUNCT,
    QUOTES,
    RHETORICAL,
    SCARE_QUOTE_WORDS,
    WORD,
    Token,
)

IRONIC = CLASSES["ironic"]
#: Praise that is ironic only as an exclamation of its own after a complaint ("Incroyable.").
IRONIC_ALONE = CLASSES["ironic_alone"]
IRONY_MARKERS = CLASSES["irony_markers"]
COURTESY = CLASSES["courtesy"]
SEEKING = CLASSES["seeking"]
INDIRECT_QUESTIONS = CLASSES["indirect_questions"]
#: "Je ne trouve pas l'info" next to a question explains the question.
UNINFORMED = CLASSES["uninformed"]
#: "pas envie d'être bloqué", "au cas où": what follows is imagined, not lived.
HYPOTHETICAL = CLASSES["hypothetical"]
DESPITE = CLASSES["despite"]
#: Sum of valences from which the rest of a text is plainly a complaint; a sentence of thanks
#: after a complaint needs less to be read as sarcasm.
COMPLAINT = -1.0
AFTERTHOUGHT = -0.5
#: Contrasts after which the author has turned to praise ("au final" more often concludes).
TURNS = frozenset({"mais", "cependant", "toutefois", "neanmoins", "par contre", "en revanche"})
#: A word of exasperation standing alone ("Sérieux.").
EXASPERATED = frozenset({"serieux", "serieusement", "pourquoi"})
EXASPERATION = -1.5
#: What praise becomes once read as sarcasm.
IRONY = -0.5
#: A sentence of at most this many words that only praises stands as a verdict.
VERDICT_WORDS = 5
_SARCASM_TRIGGERS = IRONIC | IRONIC_ALONE | IRONY_MARKERS | QUOTES
#: After ``merci de``, these start a request (``merci de me rappeler``), not thanks.
_REQUEST_CLITICS = frozenset({"me", "nous", "le", "la", "les", "lui", "leur", "ne", "bien", "y"})
_INFINITIVE_ENDINGS = ("er", "ir", "re", "oir")


def apply_discourse(tokens: Sequence[Token], keys: frozenset[str]) -> None:
    """The rules of this module in order, each only when its trigger words are in ``keys``."""
    if not keys.isdisjoint(COURTESY):
        apply_requests(tokens)
    if not keys.isdisjoint(HYPOTHETICAL) or not keys.isdisjoint(DESPITE):
        apply_hypotheticals(tokens)
    apply_contrast(tokens)
    if not keys.isdisjoint(EXASPERATED):
        apply_exasperation(tokens)
    if any("?" in key for key in keys):
        apply_questions(tokens)
    if not keys.isdisjoint(INDIRECT_QUESTIONS):
        apply_indirect_questions(tokens)
    if not keys.isdisjoint(_SARCASM_TRIGGERS):
        apply_sarcasm(tokens)


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

    Rhetorical questions (``pourquoi``, ``c'est normal``, ``sérieux, …``, ``??``, or a question
    followed by ``Sérieusement ??``) keep their sentiment; ``sérieux`` opening such a sentence
    is exasperation, not praise. Next to a real question, ``je ne trouve pas l'info`` only
    explains it.
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
        seeking = any(t.key in SEEKING for t in tokens if t.sentence == sentence)
        rhetorical = any(
            t.key in RHETORICAL for t in tokens if t.sentence in (sentence, sentence + 1)
        )
        asks = token.text == "?" and (seeking or not rhetorical)
        if asks:
            for other in tokens if seeking else clause:
                if other.sentence == sentence:
                    other.weight = 0.0
        asked = asked or asks
        clause = []
    if asked:
        for token in tokens:
            if token.key in COURTESY or (token.negated and token.key in UNINFORMED):
                token.weight = 0.0


def apply_exasperation(tokens: Sequence[Token]) -> None:
    """``… de la poussière dans le mandrin. Sérieux.``, ``… un cookie. Sérieusement ?``: a word
    of exasperation standing as a sentence after another one is a complaint, not praise."""
    words: dict[int, list[Token]] = {}
    for token in tokens:
        if token.kind == WORD:
            words.setdefault(token.sentence, []).append(token)
    for sentence, alone in words.items():
        if sentence and len(alone) == 1 and alone[0].key in EXASPERATED:
            alone[0].valence = EXASPERATION


def apply_hypotheticals(tokens: Sequence[Token]) -> None:
    """``pas envie d'être bloqué``, ``au cas où le colis serait perdu``, ``pour éviter d'être
    déçu``: what a clause only imagines is no experience, so the rest of it weighs nothing;
    nor does a hardship the praise held up against (``tient même après un repas``, ``jamais
    facturé un centime de plus, même avec un retour à 2h de retard``)."""
    for i, token in enumerate(tokens):
        if token.key in HYPOTHETICAL or token.key in DESPITE:
            for other in tokens[i + 1 :]:
                if other.clause != token.clause:
                    break
                other.weight = 0.0


def apply_indirect_questions(tokens: Sequence[Token]) -> None:
    """``Je voudrais savoir si la garantie couvre la casse``: a question without ``?`` states
    no opinion either, and the thanks closing it are courtesy."""
    asking = {t.sentence for t in tokens if t.key in INDIRECT_QUESTIONS}
    for token in tokens:
        if token.sentence in asking or token.key in COURTESY:
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

    ``Bravo @SNCF, encore 2h de retard``: thanks or cheers in a text that otherwise complains,
    or opening a sentence after one (``Résilié après deux sinistres. Merci pour la
    fidélité.``), and a short verdict of its own after one (``Ils ne connaissent pas leurs
    produits. Incroyable.``, ``6 conseillers, 6 réponses. Voltéa championne du monde.``).
    ``Super efficace 🙃``, ``#sarcasme``: an explicit marker makes all praise in the text
    ironic. Praise in scare quotes (``le "très haut débit"``) is ironic too. A sincere emoji
    (``Merci Jean-Marc 🙏``) keeps thanks sincere.
    """
    _apply_scare_quotes(tokens)
    if any(t.key in IRONY_MARKERS for t in tokens):
        for token in tokens:
            if token.valence > 0 and token.kind == WORD:
                token.valence *= IRONY
        return
    if any(t.kind == EMOJI and t.valence > 0 and t.key not in IRONIC for t in tokens):
        return
    alone = _verdicts(tokens) if any(t.key in IRONIC_ALONE for t in tokens) else set()
    ironic = [
        t
        for t in tokens
        if (t.key in IRONIC or (t.key in IRONIC_ALONE and t.clause in alone))
        and t.valence > 0
        and not t.negated
    ]
    if not ironic:
        return
    rest = sum(t.valence * t.weight for t in tokens if t not in ironic)
    if rest <= COMPLAINT:
        for token in ironic:
            token.valence *= IRONY
        return
    first = ironic[0]
    earlier = [t for t in tokens if t.sentence < first.sentence]
    before = [t.valence * t.weight for t in earlier]
    turned = any(t.key in TURNS for t in earlier)  # "pas parfait mais … Merci !"
    standing = _opens(tokens, first) or first.clause in alone
    if standing and before and not turned and max(before) <= 0 and sum(before) <= AFTERTHOUGHT:
        for token in tokens:
            if token.sentence >= first.sentence and token.valence > 0:
                token.valence *= IRONY


def _verdicts(tokens: Sequence[Token]) -> set[int]:
    """Clauses that stand as a verdict: a word of their own (``Incroyable.``, ``Génial !``), or
    a short sentence that only praises (``Voltéa championne du monde.``, ``Vraiment au top``)."""
    counts: dict[int, int] = {}
    sentences: dict[int, list[Token]] = {}
    for token in tokens:
        if token.kind == WORD:
            counts[token.clause] = counts.get(token.clause, 0) + 1
            sentences.setdefault(token.sentence, []).append(token)
    verdicts = {clause for clause, count in counts.items() if count == 1}
    for words in sentences.values():
        if len(words) <= VERDICT_WORDS and all(t.valence >= 0 for t in words):
            verdicts.update(t.clause for t in words)
    return verdicts


def _opens(tokens: Sequence[Token], token: Token) -> bool:
    """Whether ``token`` is the first word of its sentence (an emoji in a sentence of no words
    opens nothing)."""
    first = next((t for t in tokens if t.sentence == token.sentence and t.kind == WORD), None)
    return first is token


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
