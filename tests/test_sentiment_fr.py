"""The French sentiment analyzer: each rule as a minimal pair, overrides, folding, and the
development sets.

Labels use VADER's thresholds: positive >= 0.05, negative <= -0.05. ``dev.tsv``, ``holdout.tsv``
(written independently, now a second development set) and ``dev2.tsv`` (sectors and phrasings
the first two miss) are development sets. Blind sets in the same folder are never read here:
they measure the analyzer, they do not shape it.
"""

from __future__ import annotations

import pickle
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandwatch_cli.sentiment_fr import FrenchSentiment
from brandwatch_cli.text import fold

DATA = Path(__file__).parent / "data" / "sentiment_fr"
DEV = DATA / "dev.tsv"
#: Development sets and the accuracy each must keep.
DEV_SETS = {"dev.tsv": 0.95, "holdout.tsv": 0.93, "dev2.tsv": 0.93}
ANALYZER = FrenchSentiment()


def score(text: str) -> float:
    return ANALYZER.polarity(text)


def label(text: str) -> str:
    value = score(text)
    if value >= 0.05:
        return "positive"
    if value <= -0.05:
        return "negative"
    return "neutral"


def check(pairs: list[tuple[str, str]]) -> None:
    wrong = [(text, expected, label(text)) for text, expected in pairs if label(text) != expected]
    assert not wrong


def test_negation_after_the_verb() -> None:
    check(
        [
            ("J'aime", "positive"),
            ("Je n'aime pas", "negative"),
            ("J'aime pas", "negative"),
            ("C'est génial", "positive"),
            ("Ce n'est pas génial", "negative"),
            ("C'est pas génial", "negative"),
            ("Je suis déçu", "negative"),
            ("Je ne suis pas déçu", "positive"),
            ("Je recommande", "positive"),
            ("Je ne recommande plus", "negative"),
        ]
    )


def test_negation_particles() -> None:
    check(
        [
            ("Je n'ai jamais eu de problème avec eux", "positive"),
            ("J'ai eu un problème avec eux", "negative"),
            ("Je n'ai rien reçu", "negative"),
            ("Aucune réponse du service client", "negative"),
            ("Aucun souci avec ma commande", "positive"),
            ("Sans internet depuis trois jours", "negative"),
            ("Livraison sans problème", "positive"),
            ("Ma box ne fonctionne plus", "negative"),
            ("Ça marche pas", "negative"),
            ("Peu fiable", "negative"),
            ("Moins cher qu'ailleurs", "positive"),
            ("Produit non conforme", "negative"),
        ]
    )


def test_plus_jamais_is_a_complaint_alone_and_a_negation_before_a_complaint() -> None:
    check(
        [
            ("Plus jamais chez eux.", "negative"),
            ("Je ne commanderai plus jamais sur ce site", "negative"),
            ("J'ai plus jamais eu de coupure depuis que je suis chez eux", "positive"),
        ]
    )


def test_pas_du_tout_is_a_full_negation() -> None:
    assert score("Je ne suis pas du tout satisfait") < score("Je ne suis pas satisfait") < -0.05
    assert label("Je ne regrette pas du tout mon choix") == "positive"


def test_ne_que_is_restrictive_not_a_negation() -> None:
    check([("Je n'ai eu que des problèmes", "negative"), ("Ce n'est que du bonheur", "positive")])


def test_negation_stops_at_the_clause() -> None:
    assert label("Je n'aime pas attendre, mais le conseiller était génial") == "positive"


def test_idioms() -> None:
    check(
        [
            ("Pas mal du tout cette box", "positive"),
            ("C'est mal rangé", "negative"),
            ("Pas terrible le nouveau menu", "negative"),
            ("Service client au top", "positive"),
            ("Rien à redire", "positive"),
            ("Trop bien l'abonnement", "positive"),
            ("C'est nul", "negative"),
            ("Ça craint", "negative"),
            ("Pas de souci, c'est arrivé", "positive"),
            ("Sans souci", "positive"),
            ("Rien à voir avec la fibre, c'est un changement de box", "neutral"),
            ("Ce burger est une tuerie", "positive"),
            ("Merci pour rien", "negative"),
            ("Match nul entre Lyon et Marseille", "neutral"),
        ]
    )


def test_super_and_trop_as_adjective_and_intensifier() -> None:
    check(
        [
            ("C'est super", "positive"),
            ("Super produit", "positive"),
            ("Trop cher", "negative"),
            ("Trop bien", "positive"),
            ("Trop de pubs dans l'appli", "negative"),
            ("Pas trop cher", "positive"),
            ("Super U ouvre un magasin à Lyon", "neutral"),
        ]
    )
    assert score("Super lent") < score("Lent") < 0
    assert score("Trop cher") < score("Cher") < 0
    assert score("Trop bien") > score("Bien") > 0


def test_elision() -> None:
    check(
        [
            ("J'adore", "positive"),
            ("Jadore", "positive"),
            ("Je trouve qu'il est nul", "negative"),
            ("L'appli est géniale", "positive"),
            ("Je n'aime pas l'appli", "negative"),
        ]
    )
    assert score("J’adore l’appli") == score("J'adore l'appli")


def test_accents_and_case_are_folded() -> None:
    assert score("genial") == score("génial") == score("Génial") > 0
    assert score("decu") == score("déçu") < 0
    assert score("tres bien") == score("très bien")
    assert score("c'est nul") == score("C'EST NUL")  # all caps text: no emphasis


def test_all_caps_word_is_emphasis() -> None:
    assert score("Le service est NUL") < score("Le service est nul") < 0
    assert score("Le service est GÉNIAL") > score("Le service est génial") > 0


def test_emoji_and_emoticons() -> None:
    check(
        [
            ("😡", "negative"),
            ("😍", "positive"),
            ("Livraison reçue ❤️", "positive"),
            ("Toujours en attente 😤", "negative"),
            ("Merci :)", "positive"),
            ("Encore raté :(", "negative"),
        ]
    )
    assert score("😡😡😡") < score("😡")


def test_exclamation_marks_amplify() -> None:
    assert score("Génial !!!") > score("Génial !") > score("Génial") > 0
    assert score("Nul !!!") < score("Nul") < 0


def test_stretched_words_are_recognised_and_emphasised() -> None:
    assert score("nuuuul") < score("nul") < 0
    assert score("géniaaaal") > score("génial") > 0


def test_mais_shifts_the_weight_to_the_second_clause() -> None:
    check(
        [
            ("Le produit est bien mais le SAV est nul", "negative"),
            ("Un peu cher mais la qualité est excellente", "positive"),
            ("L'idée est bonne. Mais l'appli plante sans arrêt.", "negative"),
        ]
    )


def test_intensifiers_and_diminishers() -> None:
    assert score("Je suis vraiment satisfait") > score("Je suis satisfait")
    assert score("Je suis satisfait") > score("Je suis assez satisfait") > 0
    assert score("Je suis très déçu") < score("Je suis déçu") < score("Je suis un peu déçu") < 0
    assert score("Service tellement lent") < score("Service lent") < 0
    assert score("Je kiffe grave") > score("Je kiffe") > 0


def test_questions_asking_for_information_state_no_opinion() -> None:
    check(
        [
            ("La nouvelle box est bien ?", "neutral"),
            ("Quel est le meilleur forfait pour l'étranger ?", "neutral"),
            ("Pourquoi c'est toujours en panne ?", "negative"),
            ("Encore en panne ???", "negative"),
        ]
    )


def test_events_count_when_the_author_is_involved() -> None:
    check(
        [
            ("La SNCF annonce une grève mardi", "neutral"),
            ("Une panne a touché 3000 foyers dans le Rhône", "neutral"),
            ("Encore une grève, j'en ai marre", "negative"),
            ("Ma box est en panne depuis hier", "negative"),
        ]
    )


def test_price_and_quality_trends() -> None:
    check(
        [
            ("La qualité a beaucoup baissé", "negative"),
            ("Mes factures ont encore augmenté", "negative"),
            ("L'opérateur baisse ses tarifs de 5%", "neutral"),
        ]
    )


def test_solved_problems_are_good_news() -> None:
    check([("Problème réglé en 5 minutes", "positive"), ("Le bug est corrigé", "positive")])
    assert label("Problème toujours pas réglé") == "negative"


def test_praise_inside_a_complaint_is_sarcastic() -> None:
    check(
        [
            ("Bravo @Opérateur, encore une panne et aucune info", "negative"),
            ("Bravo à l'équipe, tout est réglé", "positive"),
        ]
    )


def test_ratings() -> None:
    check(
        [("Appli 1/5", "negative"), ("10/10 je recommande", "positive"), ("5 étoiles", "positive")]
    )


def test_capitalised_words_inside_a_sentence_are_names() -> None:
    assert label("Le magasin déménage rue de la Paix") == "neutral"


def test_overrides_replace_the_lexicon() -> None:
    assert score("Ce produit est killer") == 0.0
    brand = FrenchSentiment({"killer": 2.0, "bombe": 2.5, "Prix Cassés": 1.5})
    assert brand.polarity("Ce produit est killer") > 0.05
    assert score("Cette robe est une bombe") < 0 < brand.polarity("Cette robe est une bombe")
    assert brand.polarity("Des prix cassés tout le week-end") > 0.05
    assert FrenchSentiment({"Génial": -3.0}).polarity("genial") < 0
    assert FrenchSentiment({"nul": 0.0}).polarity("c'est nul") == 0.0
    assert score("Cette robe est une bombe") < 0, "overrides must not leak into other instances"


def test_overridden_word_is_still_negated_and_boosted() -> None:
    brand = FrenchSentiment({"killer": 2.0})
    assert brand.polarity("Pas vraiment killer") < 0
    assert brand.polarity("Vraiment killer") > brand.polarity("killer") > 0


def test_deterministic_picklable_and_thread_safe() -> None:
    texts = [text for _, text in read_dev()][:50]
    expected = [score(text) for text in texts]
    assert [FrenchSentiment().polarity(text) for text in texts] == expected
    copy = pickle.loads(pickle.dumps(FrenchSentiment({"killer": 2.0})))
    assert copy.polarity("Trop killer") > 0
    fresh = FrenchSentiment()
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(fresh.polarity, texts * 4)) == expected * 4


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_polarity_is_a_bounded_compound_score(text: str) -> None:
    value = score(text)
    assert -1.0 <= value <= 1.0


def test_blank_text_is_neutral() -> None:
    assert score("") == score("   ") == score("@Orange https://example.com/x") == 0.0


def test_neutral_entries_are_not_guessed_from_a_base_form() -> None:
    brand = FrenchSentiment({"killer": 2.0})
    assert brand.polarity("des killers") > 0.05
    assert FrenchSentiment({"killer": 2.0, "killers": 0.0}).polarity("des killers") == 0.0
    assert label("Les aides au logement") == "neutral"  # "aide" is help, "aides" benefits


def test_verb_forms_are_guessed_from_the_listed_form() -> None:
    check([("Les caisses bloquaient", "negative"), ("Les applis plantaient", "negative")])


def test_explicit_irony_markers_turn_praise_around() -> None:
    check(
        [
            ("Super efficace", "positive"),
            ("Super efficace 🙃", "negative"),
            ("Du grand art.", "positive"),
            ("Du grand art. #sarcasme", "negative"),
        ]
    )


def test_praise_in_scare_quotes_is_ironic() -> None:
    check(
        [
            ("Le service rapide : 3 semaines pour une réponse.", "positive"),
            ('Le service "rapide" : 3 semaines pour une réponse.', "negative"),
        ]
    )


def test_not_having_to_do_a_chore_is_ease() -> None:
    check(
        [
            ("Il faut faire la queue.", "negative"),
            ("Plus besoin de faire la queue.", "positive"),
            ("Pas rappelé.", "negative"),
            ("Pas eu à rappeler.", "positive"),
        ]
    )


def test_concessions_and_disappointed_expectations_weigh_less() -> None:
    assert score("Moi qui déteste appeler, j'ai été agréablement surpris.") > 0.05
    assert score("Je déteste appeler, j'ai été agréablement surpris.") < 0
    assert label("Je pensais faire une bonne affaire, j'ai perdu mon temps.") == "negative"


def test_courtesy_and_requests_are_not_praise() -> None:
    check(
        [
            ("C'est compatible avec la box 4, merci", "positive"),
            ("Est-ce compatible avec la box 4 ? merci", "neutral"),
            ("Merci de m'avoir rappelé.", "positive"),
            ("Merci de me rappeler.", "neutral"),
            ("Je cherche un bon forfait.", "positive"),
            ("Je cherche un bon forfait, des conseils ?", "neutral"),
            ("Bon opérateur.", "positive"),
            ("Bon, je vais changer d'opérateur.", "neutral"),
        ]
    )


def test_offers_are_facts_in_news_and_events_count_in_a_complaint() -> None:
    check(
        [
            ("Jeu offert avec ma console 😍", "positive"),
            ("La console sera vendue avec un jeu offert.", "neutral"),
            ("Clim en panne.", "neutral"),
            ("Métro bondé, clim en panne.", "negative"),
            ("TER supprimé.", "neutral"),
            ("TER supprimé, merci la région.", "negative"),  # thanks address someone
            ("La meilleure offre du moment.", "positive"),
            ("La meilleure offre du moment, selon le comparatif.", "neutral"),
        ]
    )


def test_a_lack_complains_even_with_nothing_to_deny() -> None:
    check(
        [
            ("Pas de date.", "neutral"),
            ("Toujours pas de date.", "negative"),
            ("Du choix.", "neutral"),
            ("Manque de choix.", "negative"),
            ("Zéro problème.", "positive"),
            ("Zéro réponse.", "negative"),
            ("Livré sans le moindre problème.", "positive"),
            ("Renouvelé sans le moindre mail.", "negative"),
            ("Le service est rapide et efficace.", "positive"),
            ("Le service n'est ni rapide ni efficace.", "negative"),
        ]
    )


def test_exasperated_questions_keep_their_complaint() -> None:
    check([("Sérieux et efficace.", "positive"), ("Sérieux, encore en panne ?", "negative")])


def test_shrinking_what_the_customer_gets_is_bad_news() -> None:
    check(
        [
            ("Ils ont encore réduit la taille des portions.", "negative"),
            ("Ils ont encore réduit les délais de livraison.", "positive"),
        ]
    )


def test_losses_reported_in_the_news_are_facts() -> None:
    check([("J'ai perdu deux heures.", "negative"), ("Telvia a perdu 200 000 abonnés.", "neutral")])


def test_a_good_thing_taken_away_is_a_loss() -> None:
    check([("Mes films préférés.", "positive"), ("Ils ont retiré mes films préférés.", "negative")])


def test_star_runs_are_ratings_and_hotel_stars_a_category() -> None:
    check(
        [
            ("★★★★☆", "positive"),
            ("★☆☆☆☆", "negative"),
            ("⭐⭐⭐⭐⭐", "positive"),
            ("⭐⭐", "negative"),
            ("4 étoiles", "positive"),
            ("Hôtel 4 étoiles à Nice.", "neutral"),
        ]
    )


def test_time_spent_waiting_is_a_complaint() -> None:
    check(
        [
            ("Trois semaines de vacances au soleil.", "neutral"),
            ("Trois semaines pour ouvrir un compte.", "negative"),
            ("Une semaine pour réfléchir.", "neutral"),
            ("30 jours pour changer d'avis.", "neutral"),
            ("Ça fait dix jours.", "neutral"),
            ("Ça fait dix jours que j'attends.", "negative"),
        ]
    )


def test_negated_modal_passes_the_negation_to_the_infinitive() -> None:
    check(
        [
            ("Le colis n'arrive pas.", "negative"),
            ("Je n'arrive pas à me connecter.", "negative"),
            ("Je n'arrive pas à le lâcher.", "positive"),
        ]
    )


def test_a_lost_item_found_again_is_solved() -> None:
    check(
        [
            ("Valise perdue.", "negative"),
            ("Valise perdue mais retrouvée le lendemain.", "positive"),
            ("Je me suis retrouvé sans voiture.", "neutral"),
            ("Four défectueux.", "negative"),
            ("Four défectueux remplacé en deux jours.", "positive"),
            ("Plus de problème de connexion depuis la fibre.", "positive"),
        ]
    )


def test_comparisons() -> None:
    check(
        [
            ("Mieux que l'ancienne version.", "positive"),
            ("Moins bien que l'ancienne version.", "negative"),
            ("Le nouveau forfait est pire que l'ancien.", "negative"),
            ("C'était mieux avant.", "negative"),
            ("Y a mieux ailleurs.", "negative"),
        ]
    )


def test_complaint_idioms() -> None:
    check(
        [
            ("Ce n'est pas un problème.", "positive"),
            ("Ce n'est pas notre problème.", "negative"),
            ("On se fout de qui ?", "negative"),
            ("Faut pas abuser.", "negative"),
            ("Je reviendrai.", "positive"),
            ("Je ne reviendrai pas.", "negative"),
            ("Il faut envoyer un recommandé.", "neutral"),
            ("Le produit est dépassé.", "neutral"),
            ("Le produit est complètement dépassé.", "negative"),
            ("Ça a dépassé mes attentes.", "positive"),
        ]
    )


def read_set(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        gold, text = line.split("\t")
        rows.append((gold, text))
    return rows


def read_dev() -> list[tuple[str, str]]:
    return read_set(DEV)


@pytest.mark.parametrize("name", sorted(DEV_SETS))
def test_development_sets_are_well_formed(name: str) -> None:
    rows = read_set(DATA / name)
    counts = Counter(gold for gold, _ in rows)
    assert len(rows) >= 120
    assert set(counts) == {"negative", "neutral", "positive"}
    assert all(len(rows) / 4 < n < len(rows) / 2.5 for n in counts.values())
    assert len({text for _, text in rows}) == len(rows)


@pytest.mark.parametrize(("name", "minimum"), sorted(DEV_SETS.items()))
def test_development_set_accuracy(name: str, minimum: float) -> None:
    rows = read_set(DATA / name)
    correct = sum(label(text) == gold for gold, text in rows)
    assert correct / len(rows) >= minimum


def test_brand_lexicon_lists_each_form_once() -> None:
    """An entry listed twice would silently take the later value."""
    text = resources.files("brandwatch_cli").joinpath("data", "fr_lexicon_brand.tsv")
    seen: Counter[str] = Counter()
    for line in text.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            seen.update(fold(form) for form in line.split("\t")[1].split(","))
    assert [form for form, count in seen.items() if count > 1] == []


def test_shipped_lexicons_parse_and_stay_on_vaders_scale() -> None:
    data = resources.files("brandwatch_cli").joinpath("data")
    for name in ("fr_lexicon_vader.tsv", "fr_lexicon_brand.tsv", "emoji_valence.tsv"):
        for line in data.joinpath(name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            value = (
                fields[1]
                if name == "fr_lexicon_vader.tsv" or name.startswith("emoji")
                else fields[0]
            )
            assert -4.0 <= float(value) <= 4.0, line
