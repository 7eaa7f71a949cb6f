"""The relevance model (insight.relevance), pure: it learns the operator from the fruit with
few labels, weighs words by keyword, needs 20 labels of each kind, survives its JSON, and
mutes match as documented."""

from __future__ import annotations

import random

import pytest

from brandwatch_cli.insight.relevance import (
    MIN_PER_LABEL,
    Example,
    Mute,
    RelevanceModel,
    RelevanceModels,
    missing,
    muted,
    relevance,
    score,
    train,
)

OPERATOR = [
    "Orange fibre down again in {city}",
    "my Orange Livebox is blinking red in {city}",
    "Orange customer service kept me waiting, {city} shop",
    "panne de la box Orange à {city}",
    "Orange raises the price of its 5G plan in {city}",
]
FRUIT = [
    "fresh orange juice at the {city} market",
    "orange and lemon cake recipe from {city}",
    "jus d'orange pressé au marché de {city}",
    "the price of oranges rose in {city} after the frost",
    "blood orange salad, a {city} classic",
]
CITIES = ["Paris", "Lyon", "Lille", "Nice", "Brest", "Metz", "Dijon", "Tours"]


def examples(templates: list[str], keyword: str = "Orange") -> list[Example]:
    return [
        Example(t.format(city=c), "", "news", keywords=(keyword,))
        for t in templates
        for c in CITIES
    ]


def labelled(rng: random.Random, n: int) -> list[tuple[Example, str]]:
    rows = [(e, "relevant") for e in rng.sample(examples(OPERATOR), n)]
    return rows + [(e, "irrelevant") for e in rng.sample(examples(FRUIT), n)]


def test_the_model_tells_the_operator_from_the_fruit_on_texts_it_never_saw():
    model = train(labelled(random.Random(1), 20))
    unseen_operator = Example("Orange 5G outage in Marseille, the Livebox is dead", "", "news")
    unseen_fruit = Example("orange juice and lemon tart in Marseille", "", "news")
    assert relevance(model, unseen_operator) > 0.6
    assert relevance(model, unseen_fruit) < 0.4


def test_a_keyword_word_counts_for_that_keyword_only():
    """'juice' is noise for Orange; a mention of another keyword saying 'juice' is not
    pushed as far down by the Orange labels (the conjoined features are Orange's)."""
    model = train(labelled(random.Random(2), 20))
    text = "juice juice juice"
    of_orange = relevance(model, Example(text, "", "news", keywords=("Orange",)))
    of_other = relevance(model, Example(text, "", "news", keywords=("Acme",)))
    assert of_orange < of_other - 0.02


def test_labels_needed_before_a_model():
    assert missing(["relevant"] * 25 + ["irrelevant"] * 3) == {"irrelevant": MIN_PER_LABEL - 3}
    assert missing([]) == {"irrelevant": MIN_PER_LABEL, "relevant": MIN_PER_LABEL}
    assert missing(["relevant", "irrelevant"] * MIN_PER_LABEL) == {}


def test_the_model_survives_its_json():
    model = train(labelled(random.Random(3), 20), "abc")
    back = RelevanceModel.from_json(model.to_json())
    probe = Example("Orange fibre down in Nice", "", "news", keywords=("Orange",))
    assert back.fingerprint == "abc" and back.examples == 40
    assert relevance(back, probe) == pytest.approx(relevance(model, probe), abs=1e-5)


def test_a_relevance_is_a_probability():
    model = train(labelled(random.Random(4), 20))
    for example in examples(OPERATOR + FRUIT)[:20]:
        assert 0.0 <= relevance(model, example) <= 1.0


def test_mutes_match_every_field_they_give():
    post = Example("Le jus d'oranges pressées", "", "forum", "blog.fruits.fr", "Mamie", ("Orange",))
    assert muted([Mute(1, phrase="jus d'orange")], post)  # plural and elision folded
    assert muted([Mute(1, domain="fruits.fr")], post)  # a subdomain
    assert muted([Mute(1, author="mamie", source="forum")], post)
    assert not muted([Mute(1, author="mamie", source="news")], post)
    assert not muted([Mute(1, phrase="jus", keyword="Acme")], post)
    assert not muted([Mute(1, phrase="orange juice")], post)
    assert not muted([], post)


def test_a_keyword_with_its_own_model_is_scored_by_it_the_others_by_the_database_one():
    orange = train(labelled(random.Random(5), 20))
    flipped = train(
        [
            (e, "irrelevant" if label == "relevant" else "relevant")
            for e, label in labelled(random.Random(5), 20)
        ]
    )
    models = RelevanceModels(database=flipped, keywords={"Orange": orange})
    juice = "fresh orange juice at the Paris market"
    of_orange = score(models, Example(juice, "", "news", keywords=("Orange",)))
    of_tropicana = score(models, Example(juice, "", "news", keywords=("Tropicana",)))
    assert of_orange is not None and of_tropicana is not None
    assert of_orange < 0.5 < of_tropicana
    # about any of its keywords is about us: the higher of the two
    two = Example(juice, "", "news", keywords=("Orange", "Tropicana"))
    assert score(models, two) == max(relevance(orange, two), relevance(flipped, two)) > 0.5
    assert score(RelevanceModels(), Example(juice, "", "news")) is None
