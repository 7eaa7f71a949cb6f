"""Phrases and the weighted log-odds: the word level of themes and explained spikes."""

from __future__ import annotations

from collections import Counter

from brandwatch_cli.insight.phrases import (
    characteristic,
    count_phrases,
    exclusions,
    log_odds,
    phrases,
    word_key,
)


def test_plurals_elisions_case_and_accents_are_one_phrase():
    keys = [set(phrases(text)) for text in ("livraisons", "la livraison", "Livraison", "LIVRAISON")]
    assert all(found == {"livraison"} for found in keys)
    assert set(phrases("l'application")) == {"application"}
    assert set(phrases("l’appli d’Acme")) == {"appli", "appli acme", "acme"}
    assert word_key("deliveries") == "delivery"
    assert word_key("colis") == "colis" and word_key("news") == "news"
    assert word_key("perdus") == "perdu" and word_key("photos") == "photo"


def test_a_phrase_neither_starts_nor_ends_with_a_stop_word_nor_crosses_punctuation():
    found = phrases("Le service après-vente de la marque. Rupture de stock, encore")
    assert "rupture de stock" in found  # a stop word inside is kept
    assert not any(key.split()[0] in {"le", "de", "la"} for key in found)
    assert not any(key.split()[-1] in {"de", "la", "encore"} for key in found)
    assert "marque rupture" not in found  # a full stop ends the clause
    assert "stock encore" not in found


def test_the_surface_keeps_accents_and_the_most_written_form_wins():
    counted = count_phrases(["Livraisons ratées", "livraison ratée", "Livraisons ratées"])
    assert counted.counts["livraison ratee"] == 3
    assert counted.surface("livraison ratee") == "livraisons ratées"


def test_a_keywords_own_terms_are_never_a_phrase():
    exclude = exclusions(["Acme", "Acme Corp"])
    found = phrases(
        "Acme's new delivery service is slow; Acme Corp support is great", exclude=exclude
    )
    assert found and not any("acme" in key or "corp" in key for key in found)
    assert "delivery service" in found and "support" in found


def test_urls_and_numbers_are_not_phrases():
    found = phrases("Voir https://example.com/promo-2024 ou www.acme.fr : 2024 promos")
    assert set(found) == {"voir", "promo"}  # nothing of the addresses, no bare number


def test_log_odds_ranks_what_the_focus_has_more_of_and_trusts_bigger_counts():
    focus = Counter({"colis perdu": 40, "prix": 20, "merci": 10})
    background = Counter({"colis perdu": 2, "prix": 20, "merci": 40})
    scores = log_odds(focus, background)
    assert scores["colis perdu"] > scores["prix"] > scores["merci"]
    assert scores["merci"] < 0
    # The same ratio on ten times the counts is ten times less likely to be chance.
    small = log_odds(Counter({"a": 4, "b": 4}), Counter({"a": 1, "b": 7}))["a"]
    large = log_odds(Counter({"a": 40, "b": 40}), Counter({"a": 10, "b": 70}))["a"]
    assert large > 2 * small > 0


def test_characteristic_finds_the_planted_phrase_and_drops_its_parts():
    focus = count_phrases(
        [f"mon colis perdu encore, numéro {i}" for i in range(30)]
        + [f"bonne journée à tous {i}" for i in range(30)]
    )
    background = count_phrases([f"bonne journée à tous {i}" for i in range(60)])
    ranked = [key for key, _ in characteristic(focus, background)]
    assert ranked[0] == "colis perdu"
    assert "colis" not in ranked and "perdu" not in ranked  # always inside "colis perdu"
    assert "bonne journee" not in ranked  # as common in the background
