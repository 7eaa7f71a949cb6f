"""Aspect polarity: does each aspect a mention talks about get the polarity it was given?

A generated French and English corpus plants, for each built-in aspect, positive and negative
clauses in varied sentence templates: plain ("livraison rapide"), negated ("pas cher", "not
expensive", "no wait at all"), and contrastive sentences joining two aspects of opposite
polarity ("livraison rapide mais SAV injoignable", "great staff, however the queue was
endless"), around a brand name and with filler clauses. Each generated mention goes through
the analysis a scan runs (``analysis.analyze_mention``: language detection, keyword passages,
aspects, sentiment). Printed per aspect: the share of mentions planting it that got the
planted polarity (target: 90% or more each), and how many found an aspect nobody planted.

Then the same on ``tests/data/aspects_holdout.tsv``, natural sentences written before the
aspect lists and rules were tuned and never used to tune them: the honest figure.

    python benchmarks/aspects.py [--mentions 4000] [--seed 14]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

from brandwatch_cli.analysis import analyze_mention
from brandwatch_cli.matching.aspects import default_aspects
from brandwatch_cli.matching.matcher import Matcher
from brandwatch_cli.models import Item, Keyword

HOLDOUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "aspects_holdout.tsv"
KEYWORD = Keyword("Acme", ("Acme",))

# Per aspect and language: (positive clauses, negative clauses).
# fmt: off
CLAUSES: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "price": {
        "fr": (["prix très correct", "pas cher du tout", "les tarifs sont abordables",
                "un prix imbattable", "franchement pas cher", "tarif raisonnable"],
               ["beaucoup trop cher", "les prix ont encore augmenté, c'est abusé",
                "le prix est trop élevé", "c'est hors de prix", "tarifs scandaleux",
                "trop cher pour ce que c'est"]),
        "en": (["great price", "not expensive at all", "very affordable",
                "the pricing is fair", "cheap and cheerful", "good value for money"],
               ["way too expensive", "completely overpriced", "prices went up again, ridiculous",
                "the cost is outrageous", "a total rip-off", "too pricey for what it is"]),
    },
    "delivery": {
        "fr": (["livraison ultra rapide", "colis reçu en 24h, parfait", "le livreur était adorable",
                "livraison dans les temps", "expédition rapide et soignée"],
               ["colis perdu", "livraison en retard de deux semaines", "colis arrivé abîmé",
                "le livreur n'est jamais passé", "livraison catastrophique"]),
        "en": (["super fast delivery", "the parcel arrived early", "shipping was quick",
                "delivered on time and well packed", "the courier was lovely"],
               ["my parcel got lost", "delivery was two weeks late", "the package arrived damaged",
                "shipping took forever", "the worst delivery ever"]),
    },
    "customer_service": {
        "fr": (["SAV au top", "service client très réactif", "le conseiller a tout résolu",
                "un support efficace et sympa", "la hotline m'a vraiment aidé"],
               ["SAV injoignable", "le service client ne répond jamais", "hotline inutile",
                "le support m'a raccroché au nez", "service client déplorable"]),
        "en": (["customer service was brilliant", "support sorted it out in minutes",
                "the hotline was really helpful", "great customer support"],
               ["customer service is useless", "support never answers",
                "the helpdesk was rude and unhelpful", "terrible customer service"]),
    },
    "quality": {
        "fr": (["qualité irréprochable", "produit solide et bien fini", "très bonne qualité",
                "finitions impeccables"],
               ["qualité médiocre", "cassé au bout d'une semaine", "produit défectueux",
                "finitions bâclées"]),
        "en": (["excellent quality", "really sturdy and well made", "top quality materials",
                "the quality is superb"],
               ["poor quality", "it broke after a week", "defective out of the box",
                "flimsy and cheaply made"]),
    },
    "staff": {
        "fr": (["personnel adorable", "vendeur de très bon conseil", "accueil chaleureux",
                "caissière souriante et efficace"],
               ["personnel désagréable", "vendeur méprisant", "accueil glacial",
                "caissier franchement impoli"]),
        "en": (["the staff were lovely", "friendly and helpful staff", "a very kind cashier",
                "the employees were great"],
               ["the staff were rude", "an arrogant sales assistant", "the cashier was unpleasant",
                "unhelpful employees"]),
    },
    "app": {
        "fr": (["l'appli est super pratique", "site clair et rapide", "application géniale",
                "la nouvelle appli est parfaite"],
               ["l'appli plante tout le temps", "le site bug sans arrêt",
                "impossible de se connecter à l'application", "application inutilisable"]),
        "en": (["the app is great", "the website is fast and easy to use", "love the new app",
                "the app works perfectly"],
               ["the app keeps crashing", "the website is buggy", "login never works on the app",
                "the app is useless"]),
    },
    "refund": {
        "fr": (["remboursement reçu en deux jours", "remboursé sans discuter",
                "remboursement rapide, merci"],
               ["toujours pas remboursé", "remboursement refusé",
                "aucun remboursement après un mois"]),
        "en": (["refund came through in two days", "they refunded me straight away",
                "quick and easy refund"],
               ["still no refund", "my refund was denied", "never got my refund"]),
    },
    "waiting": {
        "fr": (["pas d'attente", "aucune attente en caisse", "délai très court"],
               ["une heure d'attente", "attente interminable", "des délais à rallonge"]),
        "en": (["no wait at all", "a short wait", "hardly any queue"],
               ["an endless queue", "we waited two hours", "the wait was far too long"]),
    },
}
FILLERS = {
    "fr": ["Commande passée lundi.", "Deuxième achat cette année.", "Je partage mon expérience.",
           "Avis après un mois.", ""],
    "en": ["Ordered on Monday.", "Second order this year.", "Sharing my experience.",
           "Review after a month.", ""],
}
CONTRAST = {"fr": ["mais", "par contre", "en revanche", "cependant"],
            "en": ["but", "however", "whereas", "though"]}
OPENERS = {"fr": ["{brand} :", "Chez {brand},", "{brand},", "Avis {brand} :"],
           "en": ["{brand}:", "At {brand},", "{brand} -", "Review of {brand}:"]}
# fmt: on


def generate(count: int, seed: int) -> list[tuple[str, str, dict[str, str]]]:
    """(language, text, {aspect: "+" or "-"}) mentions: a third with one aspect, two thirds
    with two aspects of opposite polarity joined by a contrast."""
    rng = random.Random(seed)
    names = list(CLAUSES)
    corpus = []
    for n in range(count):
        language = "fr" if n % 2 else "en"
        opener = rng.choice(OPENERS[language]).format(brand="Acme")
        filler = rng.choice(FILLERS[language])
        first = rng.choice(names)
        sign = rng.choice("+-")
        clause = _clause(rng, first, language, sign)
        if n % 3 == 0:
            planted = {first: sign}
            text = f"{filler} {opener} {clause}."
        else:
            second = rng.choice([a for a in names if a != first])
            other = "-" if sign == "+" else "+"
            word = rng.choice(CONTRAST[language])
            joined = f"{clause}, {word} {_clause(rng, second, language, other)}"
            planted = {first: sign, second: other}
            text = f"{filler} {opener} {joined}."
        corpus.append((language, text.strip(), planted))
    return corpus


def _clause(rng: random.Random, aspect: str, language: str, sign: str) -> str:
    positive, negative = CLAUSES[aspect][language]
    return rng.choice(positive if sign == "+" else negative)


def holdout() -> list[tuple[str, str, dict[str, str]]]:
    rows = []
    for line in HOLDOUT.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        language, expected, text = line.split("\t")
        planted = dict(part.split(":") for part in expected.split())
        rows.append((language, text, planted))
    return rows


def measure(corpus: list[tuple[str, str, dict[str, str]]], title: str) -> None:
    """Per aspect: the share of mentions planting it that got its polarity."""
    matcher = Matcher([KEYWORD])
    aspects = default_aspects()
    planted: Counter[str] = Counter()
    right: Counter[str] = Counter()
    extra = 0
    started = time.perf_counter()
    for number, (language, text, wanted) in enumerate(corpus):
        item = Item(str(number), None, "", text, language=language)
        matches = matcher.match("", text) or [KEYWORD_MATCH]
        analysis = analyze_mention(item, matches, {"Acme": KEYWORD}, (), None, aspects)
        got = analysis.aspects if analysis else {}
        for aspect, sign in wanted.items():
            planted[aspect] += 1
            score = got.get(aspect)
            if score is not None and (score >= 0.05 if sign == "+" else score <= -0.05):
                right[aspect] += 1
        extra += bool(set(got) - set(wanted))
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    for number, (language, text, _) in enumerate(corpus):
        item = Item(str(number), None, "", text, language=language)
        analyze_mention(item, [KEYWORD_MATCH], {"Acme": KEYWORD}, (), None, ())
    without = time.perf_counter() - started
    print(
        f"{title}: {len(corpus)} mentions, {len(corpus) / elapsed:,.0f} analysed/s"
        f" ({len(corpus) / without:,.0f}/s without aspects)"
    )
    print(f"  {'aspect':18} {'planted':>8} {'right':>7}")
    for aspect in CLAUSES:
        if planted[aspect]:
            share = right[aspect] / planted[aspect]
            print(f"  {aspect:18} {planted[aspect]:8} {share:7.1%}")
    total = sum(right.values()) / max(1, sum(planted.values()))
    print(f"  {'all':18} {sum(planted.values()):8} {total:7.1%}")
    print(f"  mentions with an aspect nobody planted: {extra}")


KEYWORD_MATCH = Matcher([KEYWORD]).match("Acme", "")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    measure(generate(args.mentions, args.seed), "generated (templates written for tuning)")
    print()
    measure(holdout(), f"held out ({HOLDOUT.name}, never tuned on)")


if __name__ == "__main__":
    main()
