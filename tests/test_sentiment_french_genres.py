"""The French analyzer on genres its first sets lacked (issue 15, item 5): tweets on public
topics, long mixed reviews, 3-star reviews. One test per rule, each failing without it."""

from __future__ import annotations

from importlib import resources

import pytest

from brandwatch_cli.sentiment.french import verdict
from brandwatch_cli.sentiment.french.analyzer import FrenchSentiment

ANALYZER = FrenchSentiment()


def label(text: str) -> str:
    value = ANALYZER.polarity(text)
    return "positive" if value >= 0.05 else "negative" if value <= -0.05 else "neutral"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nouvelle polémique autour des propos du ministre", "negative"),
        ("Le prix du permis est un frein à l'emploi des jeunes", "negative"),
        ("Une épicerie solidaire ouvre dans le quartier", "positive"),
        ("Les plaquettes de frein sont à changer tous les 20 000 km.", "neutral"),
    ],
)
def test_public_debate_words(text: str, expected: str) -> None:
    assert label(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Colloque sur le développement durable à Lille le 3 mars.",
        "Le plan pour les énergies propres est présenté mardi.",
        "Le ministère publie la liste des communes en état de catastrophe naturelle.",
    ],
)
def test_topic_phrases_win_over_their_words(text: str) -> None:
    assert label(text) == "neutral"


def test_a_la_merci_de_is_not_thanks() -> None:
    assert label("Les locataires sont à la merci des propriétaires.") == "negative"
    assert label("Merci aux propriétaires pour leur aide.") == "positive"


def test_ne_pas_que_adds_instead_of_denying() -> None:
    assert label("Ce film n'est pas que beau, il est aussi intelligent.") == "positive"
    assert label("Ce film n'est pas beau.") == "negative"
    assert label("Ce n'est pas que je sois contre, mais c'est nul.") == "negative"


def test_ne_que_is_restrictive() -> None:
    assert label("Ce ministre ne fait que des annonces") == "neutral"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#fail le site des impôts est planté", "negative"),
        ("#boycott de ce festival", "negative"),
        ("#honte", "negative"),
        ("#scandale", "negative"),
        ("#bravo à tous", "positive"),
        ("#JeSoutiens les soignants", "positive"),
        ("#jesoutiens les soignants", "positive"),
    ],
)
def test_hashtags_are_read_as_words(text: str, expected: str) -> None:
    assert label(text) == expected


def test_wink_is_friendly_after_good_news_and_ironic_after_a_complaint() -> None:
    assert label("On a gagné le derby ;)") == "positive"
    assert label("Le train est encore en retard ;)") == "negative"
    assert label("Super, encore une panne ;-)") == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "3/5. Le grille-pain fait le job, grille de façon inégale mais rien de dramatique.",
        "★★★☆☆ Chambre propre, petit-déjeuner correct, mais insonorisation faible.",
        "3 étoiles. Agréable à lire, mais la fin m'a laissée sur ma faim.",
        "Note : 6/10. De bons acteurs, un scénario qui s'essouffle.",
    ],
)
def test_a_middle_rating_anchors_towards_neutral(text: str) -> None:
    assert label(text) == "neutral"


def test_a_middle_rating_keeps_a_clear_lean() -> None:
    assert label("3/5 mais franchement je l'adore, ce resto est génial, je recommande !") == (
        "positive"
    )
    text = "★★★☆☆ pour être gentil : repas raté, serveur odieux, je déconseille, à fuir."
    assert label(text) == "negative"


def test_strong_ratings_still_decide() -> None:
    assert label("5/5 parfait") == "positive"
    assert label("1/5 colis cassé") == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Mitigé. Le casque est confortable mais le son manque de basses.",
        "Bof, le dentifrice ne blanchit rien mais il est agréable.",
        "Correct sans plus, le service était lent mais les plats bons.",
        "Points positifs : joli, pas cher. Points négatifs : fragile, notice illisible.",
        "Un séjour moyen : la piscine était agréable mais la chambre vétuste.",
    ],
)
def test_words_of_hesitation_and_balance_sheets_are_neutral(text: str) -> None:
    assert label(text) == "neutral"


def test_the_conclusion_of_a_long_review_decides() -> None:
    praise_then_blame = (
        "L'hôtel est superbe et très bien situé. Le personnel de l'accueil est charmant. "
        "La piscine est magnifique. Malheureusement la chambre était sale et bruyante. "
        "Au final, je ne recommande pas cet hôtel, à éviter."
    )
    assert label(praise_then_blame) == "negative"
    blame_then_praise = (
        "Le montage est pénible. La notice est mal traduite. Une vis manquait. "
        "En résumé, un bureau solide et pratique, très bon achat, je le recommande."
    )
    assert label(blame_then_praise) == "positive"


def test_conclusion_weight_is_only_for_several_sentences() -> None:
    tokens = ANALYZER.tokenize("Bref, nul.")
    before = [t.weight for t in tokens]
    verdict.apply_conclusion(tokens, frozenset(t.key for t in tokens))
    assert [t.weight for t in tokens] == before


def test_pattern_lexicon_only_adds() -> None:
    """The Pattern-derived file never repeats a form the other lexicons hold, and its words
    are read (``épatant`` is in none of ours)."""
    data = resources.files("brandwatch_cli").joinpath("data")
    vader = {line.split("\t")[0] for line in data.joinpath("fr_lexicon_vader.tsv").read_text(
        encoding="utf-8").splitlines()}  # fmt: skip
    pattern = [
        line.split("\t")[0]
        for line in data.joinpath("fr_lexicon_pattern.tsv").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(pattern) > 500
    assert not vader.intersection(pattern)
    assert "durable" not in pattern and "propre" not in pattern
    assert label("Un spectacle épatant") == "positive"


def test_ratings_written_in_words_and_out_of_ten() -> None:
    assert label("Cinq étoiles, rien à redire.") == "positive"
    assert label("Une étoile. Livraison perdue.") == "negative"
    assert label("Trois étoiles : le matelas est ferme, un peu trop dur, on s'y habitue.") == (
        "neutral"
    )
    assert label("Note : 5/10, un spectacle inégal.") == "neutral"
    assert label("Un hôtel trois étoiles près de la gare.") == "neutral"
