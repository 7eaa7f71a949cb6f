"""The French sentiment analyzer: each rule as a minimal pair, overrides, folding, and the
development sets.

Labels use VADER's thresholds: positive >= 0.05, negative <= -0.05. ``dev.tsv``, ``holdout.tsv``,
``holdout2.tsv`` and ``holdout3.tsv`` (each written independently, then used for tuning),
``dev2.tsv``, ``dev3.tsv`` and ``dev4.tsv`` (sectors and phrasings the others miss) are
development sets. Blind sets in the same folder are never read here: they measure the analyzer,
they do not shape it.

Labels follow what a community manager triaging mentions records: a customer reporting a
problem they suffer is negative even without an opinion word (``Clim en panne.``), a journalist
reporting an event is neutral, a question for information is neutral and a rhetorical
complaint negative, a bare acknowledgement neutral.
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

from brandwatch_cli.sentiment.french.analyzer import FrenchSentiment
from brandwatch_cli.text import fold

DATA = Path(__file__).parent / "data" / "sentiment_fr"
DEV = DATA / "dev.tsv"
#: Development sets and the accuracy each must keep.
DEV_SETS = {
    "dev.tsv": 0.95,
    "holdout.tsv": 0.93,
    "dev2.tsv": 0.93,
    "holdout2.tsv": 0.93,
    "dev3.tsv": 0.93,
    "holdout3.tsv": 0.93,
    "dev4.tsv": 0.95,
}
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


def test_loin_d_etre_denies_what_follows() -> None:
    """``loin d'être``, "far from being": a negation without ``ne`` or ``pas`` that read as
    the praise it denies ("Acme est loin d'être parfait" was positive, 0.59)."""
    check(
        [
            ("Le service client est loin d'être parfait", "negative"),
            ("Cette box est loin d’être fiable", "negative"),
            ("Le film est loin d'être mauvais", "positive"),
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


def test_offers_are_facts_and_a_problem_stated_alone_is_the_authors() -> None:
    check(
        [
            ("Jeu offert avec ma console 😍", "positive"),
            ("La console sera vendue avec un jeu offert.", "neutral"),
            ("Clim en panne.", "negative"),  # was neutral: relabelled under the convention
            ("Métro bondé, clim en panne.", "negative"),
            ("TER supprimé.", "negative"),  # was neutral: relabelled under the convention
            ("TER supprimé, merci la région.", "negative"),
            ("La meilleure offre du moment.", "positive"),
            ("La meilleure offre du moment, selon le comparatif.", "neutral"),
        ]
    )


def test_a_journalist_reporting_a_problem_states_no_opinion() -> None:
    check(
        [
            ("Clim en panne.", "negative"),
            ("Clim du TGV en panne : 300 passagers bloqués, selon la SNCF.", "neutral"),
            ("TER supprimé.", "negative"),
            ("Le TER Nantes-Angers supprimé jusqu'au 15 juin pour travaux.", "neutral"),
            ("Tondeuse en panne après trois utilisations.", "negative"),
            ("Pixelune annonce 45 licenciements après des ventes décevantes.", "neutral"),
            ("Commande reçue avec un mois de retard.", "negative"),
            ("Des colis livrés avec une semaine de retard dans 12 départements.", "neutral"),
            ("Ils ont encore perdu mon colis.", "negative"),
            ("Miamly a encore perdu 90 millions d'euros en 2023.", "neutral"),
            ("Boutique fermée sans prévenir.", "negative"),
            ("La boutique sera fermée pour travaux jusqu'au 3 mai.", "neutral"),
            ("Valise perdue à l'arrivée.", "negative"),
            ("Des valises perdues par centaines à Roissy, selon les syndicats.", "neutral"),
        ]
    )


def test_price_rises_are_the_customers_unless_a_journalist_reports_them() -> None:
    check(
        [
            ("Les prix ont encore augmenté.", "negative"),
            ("Le groupe augmente ses prix de 3 % au 1er mars.", "neutral"),
            ("Ma cotisation prend 15 %.", "negative"),
            ("Ma cotisation prend effet lundi.", "neutral"),
            ("Jusqu'à -50 % sur toute la collection.", "neutral"),
            ("-50 % sur ma facture, génial !", "positive"),
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


def test_waiting_of_any_length_needs_a_sign_that_it_goes_on() -> None:
    check(
        [
            ("J'ai attendu 45 minutes.", "negative"),
            ("45 minutes de queue.", "negative"),
            ("45 minutes de trajet.", "neutral"),
            ("2 min d'attente.", "positive"),
            ("Ça fait 2 ans que je suis chez eux.", "neutral"),
            ("Ça fait 2 mois que j'attends.", "negative"),
            ("Commande passée il y a 12 jours.", "neutral"),
            ("Commande passée il y a 12 jours, toujours rien.", "negative"),
            ("La livraison a pris deux jours.", "neutral"),
            ("La livraison a pris dix jours.", "negative"),
            ("Le délai est de 3 jours.", "neutral"),
            ("Le délai est de 4 mois.", "negative"),
            ("Le technicien viendra dans deux semaines.", "neutral"),
            ("Le technicien ne viendra que dans deux semaines.", "negative"),
        ]
    )


def test_repeated_attempts_are_a_complaint() -> None:
    check(
        [
            ("J'ai appelé une fois.", "neutral"),
            ("J'ai appelé quatre fois.", "negative"),
            ("Le vol a été décalé trois fois.", "negative"),
            ("Annulé trois fois de suite.", "negative"),
            ("Deux fois plus rapide.", "positive"),
            ("Trois attestations.", "neutral"),
            ("Trois relances pour une attestation.", "negative"),
        ]
    )


def test_a_request_still_pending_is_a_wait() -> None:
    check(
        [
            ('L\'appli affiche "en préparation".', "neutral"),
            ('L\'appli affiche toujours "en préparation".', "negative"),
        ]
    )


def test_a_service_done_fast_is_praise() -> None:
    check(
        [
            ("Livreur arrivé en 12 minutes.", "positive"),
            ("Passeport renouvelé en 10 jours.", "positive"),
            ("Livraison en 24h partout en France.", "neutral"),
            ("Livré en trois semaines.", "neutral"),
            ("Un conseiller au téléphone en moins de deux minutes.", "positive"),
            ("Colis arrivé avec deux jours d'avance.", "positive"),
            ("L'appli permet d'acheter son ticket en 10 secondes.", "positive"),
            ("L'appli permet d'acheter son ticket.", "neutral"),
        ]
    )
    assert label("J'ai payé 70 € pour un jeu fini en 6h.") != "positive"


@pytest.mark.xfail(strict=True, reason="a price out of proportion is not read yet")
def test_a_price_out_of_proportion_is_a_complaint() -> None:
    # Was "neutral" in the speed test above; dev3.tsv labels the same complaint negative.
    assert label("J'ai payé 70 € pour un jeu fini en 6h.") == "negative"


def test_two_times_compared_by_au_lieu_de() -> None:
    check(
        [
            ("Je mets 20 minutes au lieu de 50.", "positive"),
            ("Je mets 50 minutes au lieu de 20.", "negative"),
            ("On a décollé à 23h au lieu de 17h.", "negative"),
        ]
    )


def test_a_threat_caught_is_protection() -> None:
    check(
        [
            ("Ma carte est bloquée.", "negative"),
            ("Fraude détectée, carte bloquée. Top réactivité.", "positive"),
            ("Paiement suspect repéré, ma banque a bloqué la carte.", "positive"),
            ("Une fraude massive détectée chez un opérateur.", "neutral"),
        ]
    )


def test_a_fix_announced_in_news_is_a_fact() -> None:
    check(
        [
            ("Le patch corrige des bugs d'affichage.", "neutral"),
            ("Le patch a réglé les problèmes de framerate.", "positive"),
            ("Ils ont corrigé le bug, merci !", "positive"),
        ]
    )


def test_replies_and_acknowledgements_are_courtesy() -> None:
    check(
        [
            ("Pas de souci, je passerai lundi.", "neutral"),
            ("Pas de souci, c'est arrivé.", "positive"),
            ("Ok merci, je regarde ça ce soir.", "neutral"),
            ("Merci, c'est parfait.", "positive"),
            ("Merci pour votre retour, je vous tiens au courant.", "neutral"),
            ("D'accord, j'attends donc le SMS.", "neutral"),
            ("Bien reçu, merci.", "neutral"),
            ("Merci !", "positive"),
            ("Parfait du début à la fin, je reprendrai chez eux.", "positive"),
            ("Ok merci, je rappelle demain mais c'est inadmissible.", "negative"),
        ]
    )


def test_a_brands_own_ads_and_replies_state_no_opinion() -> None:
    check(
        [
            ("Nous recrutons des vendeurs en CDI, postulez en ligne.", "neutral"),
            ("Code promo : 10 € offerts sur votre première commande.", "neutral"),
            ("10 € offerts sur ma commande 😍", "positive"),
            ("Le code promo ne marche pas.", "negative"),
            (
                "Nous sommes désolés pour la gêne occasionnée, un conseiller va vous recontacter.",
                "neutral",
            ),
        ]
    )


def test_a_policy_denied_in_news_is_a_fact() -> None:
    check(
        [
            ("L'appli n'est pas disponible sur Huawei.", "neutral"),
            ("L'appli n'est toujours pas disponible, j'attends depuis un mois.", "negative"),
            ("Le magasin n'accepte plus les chèques.", "neutral"),
            ("Toujours pas remboursé.", "negative"),
            ("Un incendie s'est déclaré, aucun blessé.", "neutral"),
            ("Aucun problème avec la livraison.", "positive"),
        ]
    )


def test_accented_spellings_that_change_the_meaning() -> None:
    check(
        [
            ("Trop stylé.", "positive"),
            ("Le style de l'appli a changé.", "neutral"),
            ("Chambre sale.", "negative"),
            ("Le caramel salé.", "neutral"),
            ("Ça déchire !", "positive"),
            ("Colis déchiré.", "negative"),
            ("La coupe est parfaite.", "positive"),
            ("Ils m'ont coupé la ligne.", "negative"),
        ]
    )
    assert FrenchSentiment({"salé": -2.0}).polarity("Le caramel salé.") < 0, "overrides win"


def test_a_harm_avoided_is_a_relief() -> None:
    check(
        [
            ("Il m'a vendu le mauvais ciment.", "negative"),
            ("Il m'a évité d'acheter le mauvais ciment.", "positive"),
            ("Ce sérum a fait disparaître mes imperfections.", "positive"),
        ]
    )


def test_negation_reaches_over_meme_and_plus_de_denies_a_service() -> None:
    check(
        [
            ("La batterie tient la matinée.", "neutral"),
            ("La batterie tient même pas la matinée.", "negative"),
            ("Plus de réseau depuis dimanche.", "negative"),
            ("Plus de choix qu'avant.", "neutral"),
            ("Je n'ai plus de problème.", "positive"),
        ]
    )


def test_a_past_belief_denied_announces_a_surprise() -> None:
    check(
        [
            ("Je ne pense pas que ce soit bien.", "negative"),
            ("Je ne pensais pas que c'était aussi bien.", "positive"),
        ]
    )


def test_what_is_only_imagined_or_asked_states_no_opinion() -> None:
    check(
        [
            ("J'ai été bloqué à la caisse.", "negative"),
            ("Je pars samedi et je n'ai pas envie d'être bloqué.", "neutral"),
            ("Ma garantie ne couvre pas la casse.", "negative"),
            ("Je voudrais savoir si la garantie couvre la casse.", "neutral"),
            ("Ils ont arrêté la livraison, pourquoi ?", "negative"),
            ("Ils ont arrêté la livraison, quelqu'un sait pourquoi ?", "neutral"),
            ("Vous facturez des frais d'annulation ?", "neutral"),
            ("Vous facturez des frais d'annulation ? Sérieusement ??", "negative"),
        ]
    )


def test_thanks_or_cheers_after_a_complaint_are_sarcastic() -> None:
    check(
        [
            ("Contrat renouvelé. Merci pour la fidélité.", "positive"),
            ("Contrat résilié après deux sinistres. Merci pour la fidélité.", "negative"),
            ("Incroyable.", "positive"),
            ("Ils ne connaissent pas leurs produits. Incroyable.", "negative"),
        ]
    )


def test_a_short_verdict_after_a_complaint_is_sarcastic_unless_sincere() -> None:
    check(
        [
            ("Voltéa championne du monde de la satisfaction client.", "positive"),
            ("On m'a baladée au téléphone. Voltéa championne du monde.", "negative"),
            ("1h40 de retard et aucune annonce. Vraiment au top 👏👏", "negative"),
            ("Colis monté au 5e sans ascenseur. Merci Jean-Marc 🙏", "positive"),
            ("Colis laissé en bas, sans prévenir. Merci Jean-Marc.", "negative"),
            ("C'est pas parfait mais je mets 20 minutes au lieu de 50. Merci !", "positive"),
        ]
    )


def test_exasperation_standing_alone_is_a_complaint() -> None:
    check(
        [
            ("Vendeur sérieux.", "positive"),
            ("Perceuse vendue avec de la poussière de béton dedans. Sérieux.", "negative"),
        ]
    )


def test_a_hardship_praise_holds_up_against_weighs_nothing() -> None:
    check(
        [
            ("Facturé en plus pour un retour en retard.", "negative"),
            ("Jamais facturé un centime de plus, même avec un retour en retard.", "positive"),
        ]
    )


def test_bare_acknowledgements_and_reported_rumours_state_no_opinion() -> None:
    check(
        [
            ("Merci 👍", "positive"),
            ("Merci pour l'info 👍", "neutral"),
            ("Flixia va interdire le partage de compte, c'est nul.", "negative"),
            ("J'ai lu que Flixia allait interdire le partage, c'est confirmé ?", "neutral"),
            ("On m'a parlé d'Assurial mais je connais pas, vous prenez quoi ?", "neutral"),
            ("Vous comptez me rembourser un jour ?", "negative"),
            ("Vous pourriez au moins ouvrir une deuxième caisse ?", "negative"),
        ]
    )


def test_spoken_negation_and_lacks() -> None:
    check(
        [
            ("On trouve tout sur le nouveau site.", "neutral"),
            ("On trouve plus rien sur le nouveau site.", "negative"),
            ("La batterie tient la matinée.", "neutral"),
            ("La batterie tient à peine la matinée.", "negative"),
            ("Il n'y a aucune différence entre les deux offres.", "neutral"),
            ("Ils n'avaient aucun des articles de ma liste.", "negative"),
            ("Je n'ai aucune idée de quoi prendre.", "neutral"),
        ]
    )
    assert label("Je regretterais presque mon ancienne banque.") == "negative"


def test_a_long_delay_or_a_long_pending_status_is_a_wait() -> None:
    check(
        [
            ("Nexo met trois modèles en vente.", "neutral"),
            ("Nexo met trois mois à sortir les correctifs.", "negative"),
            ("Ma demande est en cours de traitement depuis ce matin.", "neutral"),
            ("Ma demande est en cours de traitement depuis le mois de mars.", "negative"),
        ]
    )


def test_a_stolen_card_blocked_is_protection() -> None:
    check(
        [
            ("Carte volée bloquée en 30 secondes, trop forts.", "positive"),
            ("Ma carte volée n'a pas été bloquée.", "negative"),
        ]
    )


def test_quotations_are_someone_elses_words() -> None:
    check(
        [
            ("Le support est ravi de nous aider.", "positive"),
            ('Le support répond "nous sommes ravis de vous aider".', "neutral"),
        ]
    )


def test_bien_before_an_infinitive_is_manner() -> None:
    check([("Comment bien choisir son forfait", "neutral"), ("Forfait bien choisi.", "positive")])


def test_the_verdict_after_au_final_or_en_fait_counts_more() -> None:
    check(
        [
            ("Je pensais galérer pour résilier.", "negative"),
            ("Je pensais galérer pour résilier, en fait ça s'est fait en deux clics.", "positive"),
        ]
    )


def test_enorme_is_praise_alone_and_an_intensifier_next_to_a_complaint() -> None:
    check([("C'est énorme !", "positive"), ("Une attente énorme.", "negative")])
    assert score("Une attente énorme.") < score("Une attente.") < 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La connexion saute dès qu'il pleut.", "negative"),
        ("Service client inexistant, ils font les morts.", "negative"),
        ("Le pull bouloche après deux lavages.", "negative"),
        ("Ce fond de teint fait des paquets.", "negative"),
        ("Le chauffe-eau fuit depuis le premier jour.", "negative"),
        ("Écran fissuré, la garantie ne couvre pas.", "negative"),
        ("Le jeu crash au lancement, injouable.", "negative"),
        ("Le chauffeur a fait un détour de 20 minutes.", "negative"),
        ("Les toilettes du train étaient hors d'usage.", "negative"),
        ("Prélèvement injustifié sur mon compte.", "negative"),
        ("Produit reçu différent de la photo.", "negative"),
        ("Ils se prennent pour qui ?", "negative"),
        ("Les frais de dossier ne figuraient nulle part.", "negative"),
        ("On ne m'y reprendra plus.", "negative"),
        ("Ce jeu est une masterclass.", "positive"),
        ("Cette crème, c'est ma came.", "positive"),
        ("Conseiller super calé.", "positive"),
        ("La livraison marche du feu de dieu.", "positive"),
        ("Le service de livraison express vaut chaque centime.", "positive"),
        ("Téléphone tombé dans l'eau, il marche toujours.", "positive"),
        ("Ils ont tenu leurs délais.", "positive"),
        ("Je me sens enfin écouté.", "positive"),
        ("Rien à voir avec mon ancienne banque.", "positive"),
        ("Rien à voir avec la photo.", "negative"),
        ("Fermeture exceptionnelle du magasin le 1er mai.", "neutral"),
        ("Paiement sans contact dans tous les bus.", "neutral"),
        ("Nouvelle grille horaire à partir du 10 décembre.", "neutral"),
        ("J'ai pris l'option tous risques.", "neutral"),
        ("Le meilleur moment pour résilier, c'est quand ?", "neutral"),
        ("Les contrôles seront renforcés la semaine prochaine.", "neutral"),
    ],
)
def test_sector_vocabulary(text: str, expected: str) -> None:
    assert label(text) == expected


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


def test_word_classes_are_written_as_the_tokenizer_keys_them() -> None:
    """A class entry is compared with token keys: "m'a promis" would never match "me a promis"."""
    from brandwatch_cli.sentiment.french.rules import CLASSES

    model = FrenchSentiment()
    wrong = [
        (name, entry)
        for name, entries in CLASSES.items()
        for entry in entries
        if " ".join(t.key for t in model.tokenize(entry)) != entry
    ]
    assert wrong == []


def test_shipped_lexicons_parse_and_stay_on_vaders_scale() -> None:
    data = resources.files("brandwatch_cli").joinpath("data")
    for name in (
        "fr_lexicon_vader.tsv",
        "fr_lexicon_brand.tsv",
        "fr_lexicon_accents.tsv",
        "emoji_valence.tsv",
    ):
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
