"""Complaints and praise made by facts alone, with no evaluative word.

Customers often state what happened and let the facts speak: how long they waited (``ça fait
dix jours que j'attends``, ``45 minutes de queue``), how often they had to try (``appelé quatre
fois``), what is still pending (``toujours "en préparation"``), how fast a service was
(``remboursé en 48h``), a threat the service caught (``fraude détectée, carte bloquée``), a
problem reported as solved (``bug corrigé``). These rules run after negation, on tokens that
already carry their valences, and give a valence to the token that states the fact. Whether the
author speaks for themselves or reports news is ``voice``'s business; the
resolution and protection rules take that answer as an argument. Pure functions over a token
list; the word lists come from ``data/fr_word_classes.tsv``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple

from .rules import CLASSES, NE, NUM, PUNCT, QUOTES, Token

PROBLEMS = CLASSES["problems"]
RESOLVED = CLASSES["resolved"]
RECOVERED = CLASSES["recovered"]
WAITING = CLASSES["waiting"]
STILL = CLASSES["still"]
PENDING = CLASSES["pending"]
SCHEDULED = CLASSES["scheduled"]
ATTEMPTS = CLASSES["attempts"]
ATTEMPT_NOUNS = CLASSES["attempt_nouns"]
PARTICIPLES = CLASSES["participles"]
THREATS = CLASSES["threats"]
DETECTED = CLASSES["detected"]
GUARDS = CLASSES["guards"]
#: What one queues or waits in: ``45 minutes de queue``, ``2 min d'attente``.
QUEUES = frozenset({"attente", "queue"})
WAITING_PLACES = CLASSES["waiting_places"]
MONTHS = CLASSES["months"]
#: "au lieu de" between two times compares them.
INSTEAD = frozenset({"au lieu de", "au lieu des"})
LONG_UNITS = frozenset({"semaine", "semaines", "mois", "an", "ans", "annee", "annees"})
#: Verbs a delay is spent with: ``a mis un mois à``, ``met 3 mois à sortir``, ``il faut trois
#: semaines pour``.
SPENT = frozenset({"mis", "fallu", "pris", "met", "mettent", "mettait", "prend", "prennent",
                   "faut", "fallait"})  # fmt: skip
#: Words between a wait verb and its duration: ``attendu plus de 45 minutes``.
_FILLERS = frozenset({"plus", "de", "pres", "au", "moins", "presque", "environ", "pendant", "bien"})
#: A wait or a delay the customer complains about, and one short enough to praise.
LONG_WAIT = -1.2
SHORT_WAIT = 1.2
#: A fast service, a problem solved, a threat caught.
SPEED = 1.5
SOLVED = 1.5
PROTECTED = 1.0
REPEATED = -1.2

_NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
            "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15,
            "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "plusieurs": 3,
            "quelques": 3}  # fmt: skip
#: Minutes in one of each unit.
_UNITS = {"seconde": 1 / 60, "secondes": 1 / 60, "sec": 1 / 60, "s": 1 / 60, "min": 1,
          "mn": 1, "minute": 1, "minutes": 1, "h": 60, "heure": 60, "heures": 60, "jour": 1440,
          "jours": 1440, "j": 1440, "journee": 1440, "semaine": 10080, "semaines": 10080,
          "mois": 43200, "an": 525600, "ans": 525600, "annee": 525600,
          "annees": 525600}  # fmt: skip
_GLUED = re.compile(r"^(\d+)(h|min|mn|j|s)(\d*)$")
HOUR, DAY, WEEK, MONTH = 60, 1440, 10080, 43200
#: Up to this long, "en …" after a service done is speed (``passeport renouvelé en 10 jours``).
FAST = 10 * DAY
#: From this long, a wait is a complaint; up to ``QUICK`` it is praise (``2 min d'attente``).
SLOW, QUICK = 15, 5
#: How far before "en" the participle of a fast service may be: ``remboursé intégralement en``.
SPEED_REACH = 3


def apply_facts(tokens: Sequence[Token], keys: frozenset[str], personal: bool) -> None:
    """The rules of this module, each only when its trigger words are in ``keys``."""
    amounts = not keys.isdisjoint(_NUMBERS) or any(t.kind == NUM for t in tokens)
    if amounts:
        apply_waits(tokens)
    if "fois" in keys or not keys.isdisjoint(ATTEMPT_NOUNS):
        apply_repetitions(tokens)
    if "toujours" in keys or "encore" in keys or "depuis" in keys:
        apply_pending(tokens)
    if not keys.isdisjoint(SCHEDULED) and not keys.isdisjoint(WAITING):
        apply_schedules(tokens)
    if (amounts and ("en" in keys or "avec" in keys)) or "dans" in keys:
        apply_speed(tokens)
    if amounts and not keys.isdisjoint(INSTEAD):
        apply_instead(tokens)
    if not keys.isdisjoint(THREATS) and not keys.isdisjoint(DETECTED | GUARDS):
        apply_protection(tokens, personal)
    if not keys.isdisjoint(RESOLVED) or not keys.isdisjoint(RECOVERED):
        apply_resolution(tokens, personal)


class Duration(NamedTuple):
    """A duration written in a text: how long in minutes, its amount and unit, where it ends."""

    minutes: float
    amount: int
    unit: str
    end: int


def duration(tokens: Sequence[Token], i: int) -> Duration | None:
    """The duration written at ``tokens[i]`` (``48h``, ``trois semaines``, ``1h30``), or None."""
    token = tokens[i]
    if token.kind != NUM and token.key not in _NUMBERS:
        return None
    glued = _GLUED.match(token.key) if token.kind == NUM else None
    if glued:
        count, unit = int(glued.group(1)), glued.group(2)
        minutes = count * float(_UNITS[unit])
        if glued.group(3) and unit == "h":
            minutes += int(glued.group(3))
        return Duration(minutes, count, unit, i)
    count = _NUMBERS.get(token.key) or (int(token.key) if token.key.isdigit() else 0)
    unit_token = tokens[i + 1] if i + 1 < len(tokens) else None
    if not count or unit_token is None or unit_token.clause != token.clause:
        return None
    unit = unit_token.key
    if unit not in _UNITS:
        return None
    return Duration(count * float(_UNITS[unit]), count, unit, i + 1)


def _sentence(tokens: Sequence[Token], sentence: int) -> list[Token]:
    return [t for t in tokens if t.sentence == sentence]


def _waited(tokens: Sequence[Token], sentence: int) -> bool:
    """Whether a sentence says the author is still waiting: a wait verb, ``toujours``, a
    denial or a complaint, and nothing good."""
    words = _sentence(tokens, sentence)
    if any(t.valence > 0 for t in words):
        return False
    return any(t.key in WAITING or t.key in STILL or t.valence < 0 for t in words)


def apply_waits(tokens: Sequence[Token]) -> None:
    """Time spent waiting on a service is a complaint, a very short wait praise.

    ``ça fait dix jours que j'attends``, ``il y a 12 jours … toujours``, ``depuis 6 jours …
    personne`` need a sign that the wait goes on (``ça fait 2 ans que je suis client`` is
    loyalty); ``trois semaines pour ouvrir un compte``, ``a mis un mois à rembourser`` (a single
    week or month only after ``mis``/``fallu``), ``délai de 4 mois``, ``ne viendra que dans deux
    semaines`` are delays; ``attendu 45 minutes``, ``45 minutes de queue``, ``35 min à l'arrêt``
    complain, ``2 min d'attente`` praises; ``la livraison a pris dix jours`` is slow; ``reçue
    avec un mois de retard`` complains (in the news, muted as a whole, a delay is a fact).
    ``30 jours pour changer d'avis`` is an offer, ``2h pour tout installer`` may be praise.
    """
    for i in range(len(tokens)):
        found = duration(tokens, i)
        if found is None:
            continue
        unit = tokens[found.end]
        before = [t.key for t in tokens[max(i - 4, 0) : i] if t.clause == tokens[i].clause]
        after = [t for t in tokens[found.end + 1 : found.end + 4] if t.clause == unit.clause]
        nxt = after[0].key if after else ""
        queue = after[1] if len(after) > 1 and nxt == "de" and after[1].key in QUEUES else None
        place = any(t.key in WAITING_PLACES for t in after[1:]) and nxt in {"a", "au", "sur", "en"}
        late = nxt == "de" and len(after) > 1 and after[1].key == "retard"
        lead = [key for key in before if key not in _FILLERS]
        if queue is not None or place or (lead[-1:] and lead[-1] in WAITING):
            verdict = _wait(found.minutes)
            if queue is not None and verdict > 0:
                queue.valence = 0.0
        elif late:
            verdict = LONG_WAIT if found.minutes >= SLOW else 0.0
        else:
            verdict = _delay(tokens, i, found, before, nxt)
        if verdict:
            unit.valence = verdict


def _wait(minutes: float) -> float:
    return SHORT_WAIT if minutes <= QUICK else LONG_WAIT if minutes >= SLOW else 0.0


def _delay(tokens: Sequence[Token], i: int, found: Duration, before: list[str], nxt: str) -> float:
    last = before[-1] if before else ""
    ongoing = (last == "fait" and nxt in {"que", ""}) or before[-3:] == ["il", "y", "a"]
    ongoing = (ongoing or last == "depuis") and found.minutes >= 30
    if ongoing and _waited(tokens, tokens[i].sentence):
        return LONG_WAIT
    if found.minutes < DAY:
        return 0.0
    spent = last in SPENT and (nxt in {"a", "pour"} or found.minutes >= WEEK)
    long_units = found.unit in LONG_UNITS and found.amount >= 2
    taken = nxt.split(" ")[0] == "pour" and long_units and last != "de"
    clause = [t.key for t in tokens[:i] if t.clause == tokens[i].clause]
    delayed = last == "de" and "delai" in clause and found.minutes >= MONTH
    restricted = last == "dans" and "que" in before and found.minutes >= 2 * DAY
    restricted = restricted and any(t.key == NE for t in _sentence(tokens, tokens[i].sentence))
    return LONG_WAIT if spent or taken or delayed or restricted else 0.0


def apply_repetitions(tokens: Sequence[Token]) -> None:
    """Having to try again and again is a complaint: ``appelé quatre fois``, ``décalé trois
    fois``, ``débité 2 fois``, ``trois fois de suite``, ``ça fait 3 fois que``, ``trois
    relances pour une attestation``.

    ``deux fois plus rapide`` and ``trois fois moins cher`` compare, ``deux fois par semaine``
    is a frequency, and ``deux appels d'offres`` are not attempts."""
    for i, token in enumerate(tokens[1:], start=1):
        if token.key != "fois" and token.key not in ATTEMPT_NOUNS:
            continue
        amount = tokens[i - 1]
        count = _NUMBERS.get(amount.key) or (int(amount.key) if amount.key.isdigit() else 0)
        if count < 2:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.key in ATTEMPT_NOUNS:
            if nxt is None or nxt.kind == PUNCT or nxt.key in {"pour", "sans", "et"}:
                token.valence = REPEATED
            continue
        after = nxt.key if nxt is not None else ""
        if after in {"plus", "moins", "mieux", "par", "moins cher"}:
            continue
        later = _key(tokens, i + 2) if after == "de" else ""
        before = [t.key for t in tokens[max(i - 4, 0) : i - 1] if t.clause == token.clause]
        tried = any(key in ATTEMPTS for key in before)
        if tried or after == "que" or later in {"suite", "affilee"}:
            token.valence = REPEATED


def apply_pending(tokens: Sequence[Token]) -> None:
    """``toujours en cours``, ``affiche toujours "en préparation"``, ``en cours de traitement
    depuis le mois de mars``: a request still pending, or pending for long, is a wait that
    goes on (quotes around the status do not end the clause). Pending since this morning is
    news of progress, not a complaint."""
    for i, token in enumerate(tokens):
        if token.key in ("toujours", "encore"):
            window = tokens[i + 1 : i + 6]
        elif token.key == "depuis" and _long_since(tokens, i):
            window = [t for t in tokens[:i] if t.sentence == token.sentence]
        else:
            continue
        window = [t for t in window if not (t.kind == PUNCT and t.text in QUOTES)]
        for first, second in itertools.pairwise(window):
            if token.key != "depuis" and (first.kind == PUNCT or second.kind == PUNCT):
                break
            if first.key == "en" and second.key in PENDING and not second.negated:
                second.valence = LONG_WAIT
                break


def _long_since(tokens: Sequence[Token], i: int) -> bool:
    """Whether ``depuis`` at ``i`` starts a long time: a day or more, a month, a date."""
    found = duration(tokens, i + 1) if i + 1 < len(tokens) else None
    if found is not None:
        return found.minutes >= DAY
    after = tokens[i + 1 : i + 4]
    keys = {t.key for t in after}
    dated = "le" in keys and any(t.kind == NUM for t in after)
    return dated or not keys.isdisjoint(LONG_UNITS | MONTHS)


def apply_schedules(tokens: Sequence[Token]) -> None:
    """``J'attends mon colis pour demain``: a wait with a date is a schedule, not a complaint."""
    dated = {t.sentence for t in tokens if t.key in SCHEDULED}
    for token in tokens:
        if token.sentence in dated and token.key in WAITING:
            token.valence = 0.0


def _done_before(tokens: Sequence[Token], i: int) -> bool:
    """Whether the clause of ``tokens[i]`` reports a service done before it: ``arrivé``,
    ``remboursé intégralement``, ``s'est fait``, ``était là``."""
    for other in reversed(tokens[max(i - SPEED_REACH, 0) : i]):
        if other.clause != tokens[i].clause:
            return False
        if other.negated:
            return False
        if _participle(other) or other.text.lower() == "là":
            return True
    return False


def _participle(token: Token) -> bool:
    """A past participle: in the list, or written with a final ``é`` (``réglé``, ``livrées``)."""
    return token.key in PARTICIPLES or token.text.lower().endswith(("é", "ée", "és", "ées"))


def apply_speed(tokens: Sequence[Token]) -> None:
    """A service done fast is praise: ``arrivé en 12 minutes``, ``passeport renouvelé en 10
    jours``, ``un conseiller en moins de deux minutes``, ``arrivé avec deux jours d'avance``,
    ``rappelé dans l'heure``.

    Only after a service reported done (a past participle in the clause) and up to ten days:
    ``livraison en 24h`` is an offer, ``livré en trois semaines`` no praise. Seconds are fast
    whatever was done (``acheter son ticket en 10 secondes``).
    """
    for i, token in enumerate(tokens[:-1]):
        if token.key == "en":
            within = _key(tokens, i + 1) == "moins" and _key(tokens, i + 2) == "de"
            start = i + 3 if within else i + 1
            found = duration(tokens, start) if start < len(tokens) else None
            if found is None or found.minutes > (MONTH if within else FAST):
                continue
            if within or found.minutes < 1 or _done_before(tokens, i):
                tokens[found.end].valence = SPEED
        elif token.key == "dans" and _key(tokens, i + 1) in {"le", "la"}:
            soon = _key(tokens, i + 2) in {"heure", "journee", "matinee"}
            if soon and _done_before(tokens, i):
                tokens[i + 2].valence = SPEED
        elif token.key == "avec":
            found = duration(tokens, i + 1) if i + 1 < len(tokens) else None
            ahead = found is not None and _key(tokens, found.end + 1) == "de"
            if found is not None and ahead and _key(tokens, found.end + 2) == "avance":
                tokens[found.end].valence = SPEED


def apply_instead(tokens: Sequence[Token]) -> None:
    """``je mets 20 minutes au lieu de 50`` is time saved, ``35 min au lieu de 15`` and
    ``décollé à 23h au lieu de 17h`` time lost: two times compared by ``au lieu de``."""
    for i, token in enumerate(tokens[1:-1], start=1):
        if token.key not in INSTEAD:
            continue
        found = next((d for j in range(max(i - 3, 0), i) if (d := duration(tokens, j))), None)
        if found is None or found.end != i - 1:
            continue
        other = duration(tokens, i + 1)
        nxt = tokens[i + 1]
        if other is None and nxt.kind == NUM and nxt.key.isdigit():
            other = Duration(int(nxt.key) * found.minutes / found.amount, 0, found.unit, i + 1)
        if other is not None and other.minutes != found.minutes:
            faster = found.minutes < other.minutes
            tokens[found.end].valence = SPEED if faster else LONG_WAIT


def _key(tokens: Sequence[Token], i: int) -> str:
    return tokens[i].key if i < len(tokens) else ""


def apply_protection(tokens: Sequence[Token], personal: bool) -> None:
    """A threat the service caught is protection, not a problem: ``fraude détectée, carte
    bloquée``, ``paiement suspect repéré``, ``fuite détectée par le compteur``.

    In a sentence where a threat is detected or blocked (``carte volée bloquée``), the threat
    and the blocking lose their complaint, and the detection is praise when the author speaks
    for themselves (in news it is a fact). A card blocked with no threat stays a complaint, and
    so does a threat left unblocked (``ma carte volée n'a pas été bloquée``).
    """
    threatened = {t.sentence for t in tokens if t.key in THREATS}
    caught = {t.sentence for t in tokens if t.key in DETECTED and not t.negated}
    guarded = {t.sentence for t in tokens if t.key in GUARDS and not t.negated}
    sentences = (caught | guarded) & threatened
    for token in tokens:
        if token.sentence not in sentences:
            continue
        if token.key in THREATS or token.key in GUARDS:
            token.valence = 0.0
        elif token.key in DETECTED:
            token.valence = PROTECTED if personal else 0.0


def apply_resolution(tokens: Sequence[Token], personal: bool) -> None:
    """A problem reported as solved is good news: ``problème réglé``, ``bug corrigé``,
    ``valise perdue retrouvée`` (found again only counts next to a problem).

    In news, a fix announced before what it fixes (``le patch corrige des bugs``) describes
    what a release does: a fact, neither praise nor complaint.
    """
    problems = {t.sentence for t in tokens if t.key in PROBLEMS and not t.negated}
    solved = {
        t.sentence
        for t in tokens
        if not t.negated and (t.key in RESOLVED or (t.key in RECOVERED and t.sentence in problems))
    }
    for sentence in sorted(solved):
        words = [t for t in tokens if t.sentence == sentence and not t.negated]
        fixes = [n for n, t in enumerate(words) if t.key in RESOLVED or t.key in RECOVERED]
        found = [n for n, t in enumerate(words) if t.key in PROBLEMS]
        reported = _participle(words[fixes[0]]) if fixes else True
        announced = not personal and not reported and found and fixes[0] < found[0]
        for token in words:
            if token.key in PROBLEMS:
                token.valence = 0.0
            elif token.key in RESOLVED or token.key in RECOVERED:
                token.valence = 0.0 if announced else max(token.valence, SOLVED)
