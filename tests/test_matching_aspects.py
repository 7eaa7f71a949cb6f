"""matching/aspects.py and analysis.aspect_sentiment: which aspects a mention talks about,
the clauses that say it, and the sentiment read in them (pure functions)."""

from __future__ import annotations

import pytest

from brandwatch_cli.analysis import aspect_sentiment
from brandwatch_cli.matching.aspects import (
    AspectFinder,
    aspect_passages,
    clauses,
    default_aspects,
    plural_forms,
)
from brandwatch_cli.models import Aspect, KeywordMatch

DEFAULTS = default_aspects()
ACME = (KeywordMatch("Acme", ("Acme",), ("text",)),)


def said(text: str, language: str, aspects: tuple[Aspect, ...] = DEFAULTS) -> dict[str, str]:
    """aspect -> "+", "-" or "0" for ``text``."""
    scores = aspect_sentiment("", text, ACME, language, (), aspects)
    return {a: "+" if s >= 0.05 else "-" if s <= -0.05 else "0" for a, s in scores.items()}


def test_the_built_in_aspects_are_the_issues_eight():
    assert [a.name for a in DEFAULTS] == [
        "price",
        "delivery",
        "customer_service",
        "quality",
        "staff",
        "app",
        "refund",
        "waiting",
    ]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # the issue's example: one sentence, two aspects, opposite polarities
        (
            "Acme : livraison rapide mais SAV injoignable",
            "fr",
            {"delivery": "+", "customer_service": "-"},
        ),
        (
            "Acme: delivery was quick but customer service was useless",
            "en",
            {"delivery": "+", "customer_service": "-"},
        ),
        # negations
        ("Acme, pas cher du tout", "fr", {"price": "+"}),
        ("Acme is not expensive at all", "en", {"price": "+"}),
        ("Acme est trop cher", "fr", {"price": "-"}),
        # commas cut a part naming several aspects; an unnamed clause goes with the one before
        (
            "Acme : livraison rapide, emballage soigné, SAV injoignable",
            "fr",
            {"delivery": "+", "customer_service": "-"},
        ),
        # "par contre" and ";" are contrasts too
        (
            "Acme : accueil chaleureux, par contre une heure d'attente",
            "fr",
            {"staff": "+", "waiting": "-"},
        ),
        (
            "Acme: the staff were lovely; the wait was far too long",
            "en",
            {"staff": "+", "waiting": "-"},
        ),
        # a clause saying nothing reads the next sentence when it names no aspect
        ("J'ai appelé le SAV d'Acme. Personne ne répond.", "fr", {"customer_service": "-"}),
        # a clause after a contrast with no new subject goes on about the same aspect
        ("Le SAV d'Acme a répondu vite mais n'a rien résolu", "fr", {"customer_service": "-"}),
    ],
)
def test_each_aspect_gets_the_sentiment_of_its_own_clauses(text, language, expected):
    assert said(text, language) == expected


def test_a_mention_naming_no_aspect_has_none():
    assert said("Acme annonce ses résultats trimestriels", "fr") == {}


def test_plurals_elisions_and_accents_are_found_as_the_matcher_finds_words():
    found = AspectFinder(DEFAULTS)
    assert found.names("Les LIVRAISONS de Noël") == ["delivery"]
    assert found.names("deux deliveries perdues") == ["delivery"]
    assert found.names("l'attente était longue") == ["waiting"]
    assert found.names("des delais enormes") == ["waiting"]  # délai, accents folded
    assert found.names("#ServiceClient au top") == ["customer_service"]  # a phrase's hashtag
    assert found.names("livreurs, livrets") == ["delivery"]  # livrets names nothing
    assert found.names("mon cheri") == []  # whole words only: not "cher"


def test_plural_forms():
    assert plural_forms("délai") == ("délai", "délais")
    assert plural_forms("colis") == ("colis",)
    assert plural_forms("bureau") == ("bureau", "bureaux", "bureaus")
    assert plural_forms("delivery") == ("delivery", "deliveries")
    assert plural_forms("rembours*") == ("rembours*",)
    assert "services clients" in plural_forms("service client")


def test_a_query_aspect_is_evaluated_clause_by_clause():
    battery = (Aspect("battery", query="batterie NEAR/3 (tient OR dure OR autonomie)"),)
    assert said("La batterie d'Acme tient deux jours, génial", "fr", battery) == {"battery": "+"}
    # both words in the text, but not in the same clause: the NEAR does not hold there
    assert said("La batterie est neuve. Acme dure longtemps.", "fr", battery) == {}


def test_a_long_article_reads_only_around_the_brand():
    filler = "Le marché des drones grand public progresse encore cette année en Europe. " * 6
    text = f"{filler}La livraison d'Acme était rapide. Le SAV est une catastrophe. {filler}"
    found = aspect_passages("", text, ACME, AspectFinder(DEFAULTS))
    # the sentence naming Acme and the one after it
    assert set(found) == {"delivery", "customer_service"}
    far = f"{filler}La livraison d'Acme était rapide. {filler}Le SAV est une catastrophe."
    assert set(aspect_passages("", far, ACME, AspectFinder(DEFAULTS))) == {"delivery"}
    short = "La livraison d'Acme était rapide."
    everything = aspect_passages("", f"{short} Bref. Le SAV est nul.", ACME, AspectFinder(DEFAULTS))
    assert set(everything) == {"delivery", "customer_service"}  # a short post: all of it


def test_languages_we_do_not_score_have_no_aspects():
    assert aspect_sentiment("", "Acme delivery muy lenta", ACME, "es", (), DEFAULTS) == {}


def test_clauses_cut_at_contrasts_and_semicolons():
    assert clauses("Prix correct, par contre livraison lente; SAV absent") == [
        "Prix correct,",
        "par contre livraison lente",
        "SAV absent",
    ]
