"""Which aspects (price, delivery...) a mention talks about, and the clauses that say it.

An aspect is a named list of terms (``rembours*`` a prefix) and/or a query in the keywords'
language (``querylang``). Terms are found as the matcher finds keywords: folded (case, accents),
whole words, a phrase also in its hashtag form; an elided word stands alone ("l'attente" names
``attente``), and a word also matches its plurals ("livraisons", "délais", "deliveries"). All
the aspects' terms go into one Aho-Corasick automaton (``Matcher``): a mention naming none
costs one pass over its folded text.

What a mention says of an aspect is read in the clauses that name it, not in the whole text:

- the text read is the whole mention when it is short (a post, a review: at most
  ``SHORT_POST_WORDS`` words), else the sentences naming one of its keywords and the sentence
  after each (an article's aspects are those of what it says of the brand);
- a sentence is cut at contrasts ("mais", "but", "however", "par contre", "alors que", ";"),
  and a part naming several aspects at its commas ("livraison rapide, SAV injoignable"); an
  unnamed clause after a named one goes with it;
- each clause comes with a fallback, read only when the clause itself carries no sentiment:
  the clause with what follows it up to the next aspect ("J'ai appelé le SAV. Personne ne
  répond.").

Pure functions: this module neither scores nor stores (``analysis.aspect_sentiment`` scores).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from brandwatch_cli.matching.matcher import Matcher, whole_word
from brandwatch_cli.matching.passages import (
    SHORT_POST_WORDS,
    Passage,
    contrast_parts,
    sentences,
    term_finder,
)
from brandwatch_cli.models import Aspect, Keyword, KeywordMatch
from brandwatch_cli.text import fold

# fmt: off
#: The built-in aspects: words French and English customers use for each (plurals are found
#: without being listed). ``aspects:`` in the config extends, replaces or turns them off.
DEFAULT_TERMS: dict[str, tuple[str, ...]] = {
    "price": (
        "prix", "tarif", "tarifs", "cher", "chère", "trop cher", "coût", "coûte", "coûteux",
        "coûteuse", "onéreux", "onéreuse", "abordable", "hors de prix", "promo", "promotion",
        "réduction", "remise", "facture", "facturé", "facturée", "facturation",
        "price", "prices", "pricing", "priced", "pricey", "expensive", "overpriced", "cheap",
        "cheaper", "cost", "costs", "costly", "affordable", "value for money", "rip off",
        "ripoff", "rip-off", "fee", "fees", "overcharged",
    ),
    "delivery": (
        "livraison", "livrer", "livrée", "livrés", "livrées", "livreur", "livreuse", "colis",
        "expédition", "expédié", "expédiée", "expédiés", "envoi", "transporteur",
        "point relais", "colissimo", "chronopost", "mondial relay", "suivi de commande",
        "delivery", "delivered", "deliver", "shipping", "shipped", "shipment", "parcel",
        "package", "courier", "delivery driver", "tracking", "dispatch", "dispatched",
    ),
    "customer_service": (
        "sav", "service client", "service clients", "service clientèle", "relation client",
        "support", "hotline", "conseiller", "conseillère", "téléconseiller", "assistance",
        "standard téléphonique", "chatbot", "réclamation",
        "customer service", "customer support", "customer care", "helpdesk", "help desk",
        "call centre", "call center", "live chat", "representative", "complaints department",
    ),
    "quality": (
        "qualité", "défaut", "défauts", "défectueux", "défectueuse", "cassé", "cassée",
        "cassés", "se casse", "fragile", "solide", "robuste", "durable", "finition", "finitions",
        "matériaux", "panne", "en panne", "fiable", "fiabilité", "mal fini",
        "quality", "broken", "broke", "breaks", "defect", "defective", "faulty", "flimsy",
        "sturdy", "durable", "well made", "poorly made", "badly made", "cheaply made",
        "cheaply", "fell apart", "falls apart", "reliable", "unreliable", "stopped working",
    ),
    "staff": (
        "accueil", "personnel", "vendeur", "vendeuse", "caissier", "caissière", "caisse",
        "employé", "employée", "le staff", "serveur", "serveuse", "hôtesse", "gérant",
        "gérante", "responsable du magasin", "équipe du magasin",
        "staff", "employee", "cashier", "clerk", "sales assistant", "salesperson",
        "shop assistant", "store employee", "waiter", "waitress", "store manager",
        "receptionist",
    ),
    "app": (
        "application", "appli", "app", "site", "site web", "site internet", "connexion",
        "se connecter", "identifiant", "mot de passe", "bug", "bugs", "beug", "bugue", "buggé",
        "plante", "mise à jour", "interface",
        "website", "web site", "login", "log in", "sign in", "password", "buggy", "crash",
        "crashes", "crashed", "crashing", "glitch", "glitchy", "update", "checkout",
    ),
    "refund": (
        "remboursement", "rembourser", "remboursé", "remboursée", "remboursés", "rembourse",
        "remboursable", "un avoir", "bon d'achat",
        "refund", "refunded", "refunding", "money back", "reimburse", "reimbursed",
        "reimbursement", "chargeback", "store credit",
    ),
    "waiting": (
        "attente", "attendre", "attendu des", "délai", "retard", "en retard", "file d'attente",
        "faire la queue", "fait la queue", "patienter", "patienté",
        "wait", "waiting", "waited", "queue", "queued", "queueing", "on hold", "delay",
        "delayed", "took forever", "takes forever",
    ),
}

#: What words mean when said of an aspect, where the general analyzers read them as neutral
#: ("long" of a wait, "expensive", "fast") or as something else (VADER's "support" is praise):
#: valences on VADER's -4..+4 scale, read only in that aspect's clauses.
_SPEED = (("fast", 1.5), ("quick", 1.5), ("quickly", 1.5), ("speedy", 1.5), ("prompt", 1.5),
          ("promptly", 1.5), ("slow", -1.5), ("slowly", -1.2), ("late", -1.5),
          ("forever", -1.5), ("rapidement", 1.5), ("vite", 1.2))
DEFAULT_LEXICONS: dict[str, tuple[tuple[str, float], ...]] = {
    "price": (
        ("expensive", -1.5), ("pricey", -1.5), ("costly", -1.5), ("steep", -1.0),
        ("cheap", 1.2), ("cheaper", 1.2), ("affordable", 1.5), ("reasonable", 1.2),
        ("rip off", -2.5), ("ripoff", -2.5), ("rip-off", -2.5), ("good value", 2.0),
        # "élevé" alone is an offer's term to the French analyzer ("des prix élevés"): muted
        ("prix élevé", -1.5), ("prix élevés", -1.5), ("prix est élevé", -1.5),
        ("prix sont élevés", -1.5), ("tarif élevé", -1.5), ("tarifs élevés", -1.5),
        ("tarif est élevé", -1.5), ("trop élevé", -2.0), ("trop élevés", -2.0),
        ("très élevé", -1.8), ("très élevés", -1.8),
        ("raisonnable", 1.2), ("raisonnables", 1.2), ("hors de prix", -2.0), ("donné", 1.2),
    ),
    "delivery": (
        *_SPEED, ("early", 1.2), ("on time", 1.5), ("delayed", -1.5), ("crushed", -1.5),
        ("missing", -1.5), ("à l'heure", 1.2), ("dans les temps", 1.2), ("en avance", 1.2),
        ("éventré", -1.5), ("endommagé", -1.5),
    ),
    "customer_service": (
        *_SPEED, ("support", 0.0), ("customer support", 0.0), ("customer care", 0.0),
        ("help desk", 0.0), ("unreachable", -1.5), ("resolved", 1.5), ("sorted", 1.2),
        ("answers", 1.0), ("answered", 1.0), ("replies", 1.0), ("replied", 1.0),
        ("responsive", 1.5), ("injoignable", -1.5), ("joignable", 1.2), ("résolu", 1.5),
    ),
    "quality": (
        ("sturdy", 1.5), ("solid", 1.2), ("durable", 1.5), ("flimsy", -1.5), ("broke", -1.5),
        ("fell apart", -2.0), ("falls apart", -2.0), ("defective", -2.0), ("faulty", -1.5),
        ("premium", 1.2), ("cheaply", -1.5), ("well made", 1.5), ("poorly made", -1.5),
        ("solide", 1.2), ("robuste", 1.2), ("fragile", -1.2), ("défectueux", -1.5),
    ),
    "staff": (),
    "app": (
        ("crash", -2.0), ("crashes", -2.0), ("crashed", -2.0), ("crashing", -2.0),
        ("buggy", -1.5), ("bug", -1.2), ("bugs", -1.2), ("glitch", -1.5), ("glitchy", -1.5),
        ("laggy", -1.5), ("slow", -1.2), ("smooth", 1.2), ("intuitive", 1.5), ("works", 1.0),
        ("worked", 1.0), ("working", 1.0),
        ("rame", -1.2), ("buggé", -1.5), ("bugue", -1.5), ("fluide", 1.2),
    ),
    "refund": (
        *_SPEED, ("got", 1.0), ("received", 1.0), ("refunded", 1.2), ("denied", -1.5),
        ("refused", -1.5), ("still waiting", -1.5), ("came through", 1.5),
    ),
    "waiting": (
        *_SPEED, ("long", -1.2), ("longue", -1.2), ("longues", -1.2), ("waited", -1.0),
        ("hours", -1.0), ("no wait", 1.5), ("short", 1.2), ("des heures", -1.5),
        ("court", 1.0), ("courte", 1.0), ("pas d'attente", 1.5), ("patienter", -1.0),
        ("endless", -1.8), ("hardly any", 1.2), ("à rallonge", -1.5),
    ),
}
# fmt: on

#: Commas, colons, dashes and "and" cut a part naming several aspects into clauses.
_COMMA_RE = re.compile(r"(?<=[,:])\s+|\s+[-–—]\s+|\s+(?=(?:et|and|&)\s)", re.IGNORECASE)
_SEMICOLON_RE = re.compile(r"\s*;\s*")
_WORD_RE = re.compile(r"\w+")
#: Contrasts ``passages`` does not cut at.
_MORE_CONTRAST_RE = re.compile(
    r"(?<!\w)(?=(?:par contre|en revanche|on the other hand)(?!\w))", re.IGNORECASE
)
_CONTRAST_WORDS = frozenset(
    """but however whereas while although though even yet still nevertheless mais cependant
    alors que tandis pourtant neanmoins toutefois sauf par contre en revanche on other hand
    and et""".split()  # noqa: SIM905 - a table to read
)
#: A clause starting with one of these (past its contrast word) is about something new.
_DETERMINERS = frozenset(
    """le la les l un une des du de d mon ma mes ton ta tes son sa ses notre nos votre vos
    leur leurs ce cet cette ces the a an my your his her its our their this that these
    those""".split()  # noqa: SIM905 - a table to read
)


def default_aspects() -> tuple[Aspect, ...]:
    """The built-in aspects, in their order."""
    return tuple(
        Aspect(name, terms, lexicon=DEFAULT_LEXICONS.get(name, ()))
        for name, terms in DEFAULT_TERMS.items()
    )


def plural_forms(term: str) -> tuple[str, ...]:
    """A term and its plurals, French and English ("livraison(s)", "délai(s)", "bureau(x)",
    "journal/journaux", "delivery/deliveries"); a phrase's first and last words each take
    theirs ("services clients", "customer services"). A prefix term (``rembours*``) is left."""
    if term.endswith("*"):
        return (term,)
    words = term.split()
    if not words:
        return (term,)
    forms = [term]
    firsts = _plurals(words[0])
    lasts = _plurals(words[-1]) if len(words) > 1 else [words[-1]]
    for first in [words[0], *firsts]:
        for last in [words[-1], *lasts] if len(words) > 1 else [first]:
            form = " ".join([first, *words[1:-1], last]) if len(words) > 1 else first
            if form not in forms:
                forms.append(form)
    return tuple(forms)


def _plurals(word: str) -> list[str]:
    """The plural forms of one word (none for a word that already ends like one)."""
    low = word.lower()
    if not low[-1:].isalpha() or low.endswith(("s", "x", "z")) or "'" in low or "’" in low:
        return []
    if low.endswith(("au", "eu")):
        return [word + "x", word + "s"]
    if low.endswith("al"):
        return [word[:-2] + "aux", word + "s"]
    if low.endswith("y") and len(low) > 2 and low[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    if low.endswith(("ch", "sh")):
        return [word + "es"]
    return [word + "s"]


class AspectFinder:
    """Which aspects a piece of text names; build once per set of aspects (``finder``).

    Terms are found by one pass of an Aho-Corasick automaton over the folded text (whole
    words, as the matcher checks them); only aspects with a ``query`` go through the
    matcher's query evaluation as well."""

    def __init__(self, aspects: Sequence[Aspect]) -> None:
        import ahocorasick  # as the matcher does: the one other module that needs it

        self.aspects = tuple(a for a in aspects if a.terms or a.query)
        self.lexicons = {a.name: a.lexicon for a in self.aspects}
        self._patterns: dict[str, list[tuple[int, bool]]] = {}
        for index, aspect in enumerate(self.aspects):
            for term in aspect.terms:
                for form in plural_forms(term):
                    self._add(form, index)
        self._automaton = ahocorasick.Automaton()
        for key in self._patterns:
            self._automaton.add_word(key, key)
        if self._patterns:
            self._automaton.make_automaton()
        queried = [a for a in self.aspects if a.query]
        self._index = {a.name: index for index, a in enumerate(self.aspects)}
        self._queries = Matcher([Keyword(a.name, (), query=a.query) for a in queried])

    def _add(self, form: str, index: int) -> None:
        """A term's form, and a phrase's hashtag form (``#serviceclient``)."""
        prefix = form.endswith("*")
        words = form.rstrip("*").split()
        keys = [fold(" ".join(words))]
        if len(words) > 1 and not prefix:
            keys.append(fold(re.sub(r"[^\w]+", "", "".join(words))))
        for key in keys:
            if key and (index, prefix) not in self._patterns.get(key, []):
                self._patterns.setdefault(key, []).append((index, prefix))

    def names(self, text: str) -> list[str]:
        """The aspects ``text`` names, in the aspects' order."""
        found: set[int] = set()
        if self._patterns:
            folded = fold(text)
            for end, key in self._automaton.iter(folded):
                start = end - len(key) + 1
                for index, prefix in self._patterns[key]:
                    if index not in found and whole_word(folded, start, end + 1, prefix):
                        found.add(index)
        if self._queries.keywords:
            found.update(self._index[m.keyword] for m in self._queries.match(text, ""))
        return [a.name for index, a in enumerate(self.aspects) if index in found]


@lru_cache(maxsize=4)
def finder(aspects: tuple[Aspect, ...]) -> AspectFinder:
    """One AspectFinder per process and set of aspects (scan workers build theirs once)."""
    return AspectFinder(aspects)


@dataclass
class _Unit:
    """A clause naming aspects, and what follows it up to the next one (its fallback)."""

    text: str
    aspects: list[str]
    after: list[str]


def aspect_passages(
    title: str, text: str, matches: Sequence[KeywordMatch], found: AspectFinder
) -> dict[str, tuple[Passage, ...]]:
    """Per aspect the mention talks about, the clauses that say it (see the module doc)."""
    if not found.aspects or not found.names(f"{title}\n{text}"):
        return {}
    units: list[_Unit] = []
    named_before = False
    for sentence in _scope(title, text, matches):
        own = _sentence_units(sentence, found)
        if not own and named_before:
            units[-1].after.append(sentence)  # "J'ai appelé le SAV. Personne ne répond."
        units.extend(own)
        named_before = bool(own)
    result: dict[str, list[Passage]] = {}
    for unit in units:
        fallback = " ".join([unit.text, *unit.after]) if unit.after else None
        for aspect in unit.aspects:
            result.setdefault(aspect, []).append(Passage(unit.text, fallback))
    return {aspect: tuple(pieces) for aspect, pieces in result.items()}


def _scope(title: str, text: str, matches: Sequence[KeywordMatch]) -> list[str]:
    """The sentences an aspect is read in: all of a short mention's; in a longer one, those
    naming a keyword's matched terms and the sentence after each (all of them when a keyword
    was matched without a term: a source ``about`` it)."""
    every = sentences(title) + sentences(text)
    short = len(_WORD_RE.findall(title)) + len(_WORD_RE.findall(text)) <= SHORT_POST_WORDS
    if short or any(not m.terms for m in matches) or not matches:
        return every
    finders = [term_finder(m.terms) for m in matches]
    kept: set[int] = set()
    for index, sentence in enumerate(every):
        if any(find(sentence) for find in finders):
            kept.update((index, index + 1))
    return [s for index, s in enumerate(every) if index in kept] or every


def clauses(sentence: str) -> list[str]:
    """A sentence cut before each contrast word (``passages.contrast_parts``, and "par
    contre", "en revanche", "on the other hand") and at semicolons."""
    return [
        clause.strip()
        for part in contrast_parts(sentence)
        for piece in _MORE_CONTRAST_RE.split(part)
        for clause in _SEMICOLON_RE.split(piece)
        if clause.strip()
    ]


def _sentence_units(sentence: str, found: AspectFinder) -> list[_Unit]:
    """A sentence's clauses naming aspects. An unnamed clause after one goes with it when it
    goes on about the same thing ("le SAV a répondu vite mais n'a rien résolu"), and is only
    its fallback when it starts on something else ("mais le produit est nul")."""
    units: list[_Unit] = []
    for part in clauses(sentence):
        names = found.names(part)
        if len(names) > 1:
            units.extend(_comma_units(part, found))
        elif names:
            units.append(_Unit(part, names, []))
        elif units and not units[-1].after and not _new_subject(part):
            units[-1].text = f"{units[-1].text} {part}"
        elif units:
            units[-1].after.append(part)
    return units


def _new_subject(part: str) -> bool:
    """Whether a clause, past its contrast word, starts with a determiner: a new subject."""
    for word in _WORD_RE.findall(fold(part)):
        if word not in _CONTRAST_WORDS:
            return word in _DETERMINERS
    return False


def _comma_units(part: str, found: AspectFinder) -> list[_Unit]:
    """A part naming several aspects, cut at its commas: each clause naming aspects is a unit,
    an unnamed clause joins the unit before it (the first unit, at the start)."""
    units: list[_Unit] = []
    leading: list[str] = []
    for clause in _COMMA_RE.split(part):
        names = found.names(clause)
        if names:
            units.append(_Unit(" ".join([*leading, clause]), names, []))
            leading = []
        elif units:
            units[-1].text = f"{units[-1].text} {clause}"
        else:
            leading.append(clause)
    return units or [_Unit(part, found.names(part), [])]
