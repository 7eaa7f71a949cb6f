"""What the voice of a French mention does to its sentiment.

A customer means what they say, and a problem they state without comment is a complaint
(``Clim en panne.``); news reports facts (a strike, an outage, a price rise, a policy) without
feeling; a brand's own voice (a job ad, a promotion, a reply from its service) is neither praise
nor complaint; and a short reply that acknowledges and announces a next step (``Ok merci, je
regarde ça ce soir``) is courtesy. Who speaks is decided in ``speaker``; this
module mutes what that voice does not mean. It knows nothing about word order within a clause
(``rules``) or about how clauses weigh (``discourse``). Pure
functions over a token list.
"""

from __future__ import annotations

from collections.abc import Sequence

from .rules import (
    CLASSES,
    EMOJI,
    EVENTS,
    HANDLE,
    PUNCT,
    QUOTES,
    SCARE_QUOTE_WORDS,
    WORD,
    Token,
)
from .speaker import Speaker

OFFER = CLASSES["offer"]
REPORTED = CLASSES["reported"]
POLICY = CLASSES["policy"]
CASUALTIES = CLASSES["casualties"]
BRAND_VOICE = CLASSES["brand_voice"]
ACKNOWLEDGEMENTS = CLASSES["acknowledgements"]
PLANS = CLASSES["plans"]
#: Acknowledgements of receipt: alone, they make a reply ("Bien reçu, merci", "Merci pour
#: l'info 👍"); thanks alone ("Merci !") stay thanks.
RECEIPTS = frozenset({"ok", "okay", "oki", "de accord", "dac", "dacc", "bien recu", "ce est note",
                      "note", "entendu", "vu"}) | {
    key for key in ACKNOWLEDGEMENTS if key.startswith(("merci pour", "merci de"))
}  # fmt: skip
#: Pronouns between the author and the verb of their next step: "je vous envoie".
_OBJECTS = frozenset({"vous", "te", "le", "la", "les", "lui", "leur", "y", "en", "me"})
#: The author as one person: a brand speaks as "nous", a customer as "je".
FIRST_SINGULAR = frozenset({"je", "me", "moi", "mon", "ma", "mes"})
FIRST_PERSON = FIRST_SINGULAR | {"on", "nous"}
#: Sums of valences from which the rest of a text is plainly a complaint, or praise.
COMPLAINT = -1.0
PRAISE = 1.0
_INFINITIVES = ("er", "ir")
#: A brand's own voice keeps only what no brand says of itself.
INSULT = -2.0
WAITING = CLASSES["waiting"]


def apply_voice(tokens: Sequence[Token], keys: frozenset[str], speaker: Speaker) -> None:
    """Mute what the text's voice does not mean: news, a reply's courtesy, a brand's own
    words."""
    if speaker.news:
        for token in tokens:
            token.weight = 0.0
        return
    apply_register(tokens, keys, speaker.personal)
    if not keys.isdisjoint(ACKNOWLEDGEMENTS):
        apply_replies(tokens)
    if is_brand_voice(keys, tokens, speaker):
        apply_brand_voice(tokens)


def is_brand_voice(keys: frozenset[str], tokens: Sequence[Token], speaker: Speaker) -> bool:
    """Whether the brand speaks: a job ad (``recrute``, ``postulez``), a promotion (``code
    promo``, ``jeu concours``, ``profitez``, ``jusqu'à -50 %``), a reply from its service
    (``nous sommes désolés``, ``en MP``), and no customer saying ``je`` or denying (``le code
    promo ne marche pas``)."""
    brand = speaker.discount or not keys.isdisjoint(BRAND_VOICE)
    if not brand or not keys.isdisjoint(FIRST_SINGULAR):
        return False
    return not any(t.negated for t in tokens)


def apply_brand_voice(tokens: Sequence[Token]) -> None:
    """A brand's ad, offer or reply states no opinion: its praise of itself (``offert``,
    ``gagnez``) and its apologies (``désolés pour la gêne``) weigh nothing."""
    for token in tokens:
        if token.valence > INSULT:
            token.weight = 0.0


def apply_register(tokens: Sequence[Token], keys: frozenset[str], personal: bool) -> None:
    """Unless the author speaks for themselves, the terms of an offer (``un jeu offert``, ``des
    prix stables``) are facts, not feelings, and so are a policy denied (``n'accepte pas les
    chèques``, ``pas disponible sur Huawei``), casualties denied (``aucun blessé``), and
    whatever a sentence attributes to someone else (``selon le comparatif``). In any text, a
    quotation longer than scare quotes is someone else's words (the brand's reply a customer
    quotes, a statement in the news). News as a whole is muted before this (``apply_voice``).

    A problem stated without comment by no one in particular is the author's own (``Clim en
    panne.``, ``Tondeuse en panne après trois utilisations.``): it complains, unless the rest of
    the text praises and the problem is only its setting (``pendant la panne, des agents
    orientaient les gens. Gestion propre.``) or it is an infinitive (``pour résilier, il faut
    envoyer un courrier``). An offer stays a fact unless the rest already complains.
    """
    if not keys.isdisjoint(QUOTES):
        for token in _quoted(tokens):
            token.weight = 0.0
    if personal:
        return
    reported = {t.sentence for t in tokens if t.key in REPORTED}
    for token in tokens:
        if token.sentence in reported:
            token.weight = 0.0
        elif token.negated and (token.key in CASUALTIES or _policy(token)):
            token.valence = 0.0
    facts = [t for t in tokens if (t.key in EVENTS or t.key in OFFER) and not t.negated]
    if not facts:
        return
    rest = sum(t.valence for t in tokens if t.key not in EVENTS and t.key not in OFFER)
    for token in facts:
        if token.key in OFFER:
            if not (rest <= COMPLAINT and token.valence < 0):
                token.valence = 0.0
        elif rest >= PRAISE or token.key.endswith(_INFINITIVES):
            token.valence = 0.0


def _policy(token: Token) -> bool:
    """A policy verb in the present (``n'accepte pas``), not a service left undone
    (``toujours pas remboursé``)."""
    return token.key in POLICY and not token.text.lower().endswith(("é", "ée", "és", "ées"))


def _quoted(tokens: Sequence[Token]) -> list[Token]:
    """The words of quotations longer than scare quotes."""
    quoted: list[Token] = []
    opened: int | None = None
    for i, token in enumerate(tokens):
        if token.kind != PUNCT or token.text not in QUOTES:
            continue
        if opened is None:
            opened = i
            continue
        span = tokens[opened + 1 : i]
        if sum(t.kind == WORD for t in span) > SCARE_QUOTE_WORDS:
            quoted.extend(span)
        opened = None
    return quoted


def apply_replies(tokens: Sequence[Token]) -> None:
    """``Ok merci, je regarde ça ce soir``, ``Pas de souci, je passerai lundi``, ``C'est noté,
    je vous tiens au courant``: an acknowledgement followed by the author's next step is a
    reply, not praise, and so is an acknowledgement of receipt alone (``Bien reçu, merci``).
    Its courtesy and the wait it announces (``j'attends le SMS``) weigh nothing; other words
    keep their weight (``Ok merci, je rappelle demain mais c'est inadmissible``).

    Only when the acknowledgement opens the text and a clause or ``je`` follows it, so ``Pas de
    souci, c'est arrivé``, ``Aucun souci avec ma commande`` and ``Super produit`` stay praise.
    """
    words = [t for t in tokens if t.kind != HANDLE]
    if not words or words[0].key not in ACKNOWLEDGEMENTS:
        return
    end = next((n for n, t in enumerate(words) if not _acknowledges(t)), len(words))
    clause = next((n for n, t in enumerate(words) if t.kind == PUNCT), len(words))
    thanks_for = end < clause and words[end].key in {"pour", "de"}
    if thanks_for and all(t.key in ACKNOWLEDGEMENTS or not t.valence for t in words[:clause]):
        end = clause  # "Merci pour le lien, je regarde": the whole opening clause thanks
    opening = words[:end]
    rest = [t for t in words[end:] if t.kind != PUNCT]
    if rest:
        after_pause = words[end - 1].kind == PUNCT or words[end].kind == PUNCT
        if not (after_pause or rest[0].key in FIRST_PERSON) or not _plans(rest):
            return
    elif RECEIPTS.isdisjoint(t.key for t in opening):
        return
    for token in words:
        if token in opening or token.key in WAITING:
            token.weight = 0.0


def _acknowledges(token: Token) -> bool:
    punct = token.kind == PUNCT and token.text in ",.!"
    return token.key in ACKNOWLEDGEMENTS or punct or token.kind == EMOJI


def _plans(tokens: Sequence[Token]) -> bool:
    """Whether the author announces a next step: ``je passerai``, ``je vais``, ``demain``,
    ``j'attends le SMS``."""
    for i, token in enumerate(tokens):
        if token.key in PLANS or token.key in WAITING:
            return True
        if token.key in FIRST_PERSON:
            verbs = [t.key for t in tokens[i + 1 : i + 4] if t.key not in _OBJECTS]
            nxt = verbs[0] if verbs else ""
            if nxt.endswith(("rai", "rons")) or nxt in {"vais", "va", "allons"}:
                return True
    return False
