"""sentiment.unaffected: when it says a lexicon's extra entries cannot change how a text
reads (an aspect's words over a clause that names none of them), the score with them is the
score without them. Checked on real texts (the French labelled sets, the VADER paper's
tweets when ../shared is there) against every built-in aspect's lexicon, and on overrides
the analyzers read in ways a text does not spell (chat spellings, stretched and inflected
words, elisions, hyphens, phrases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandwatch_cli import sentiment
from brandwatch_cli.matching.aspects import default_aspects
from helpers import SHARED

TWEETS = SHARED / "data" / "sentiment" / "vader-groundtruth" / "tweets_GroundTruth.txt"
FRENCH = Path(__file__).parent / "data" / "sentiment_fr"
#: Overrides read through what the tokenizer derives, not spells.
TRICKY = (
    ("tjrs cher", -2.0), ("jaime trop", 2.0), ("suuuper", 1.0), ("n'importe quoi", -2.0),
    ("rip-off", -3.0), ("pk nul", -2.0), ("nulle", -2.5), ("le", 1.0), ("heureux", 2.0),
)  # fmt: skip
LEXICONS = [a.lexicon for a in default_aspects() if a.lexicon] + [TRICKY]


def french_texts() -> list[str]:
    lines = []
    for path in sorted(FRENCH.glob("*.tsv")):
        lines += [line.split("\t", 1)[1] for line in path.read_text("utf-8").splitlines()[1:]]
    return [line for line in lines if line.strip()]


def check(texts: list[str], language: str) -> int:
    """How many (text, lexicon) pairs were unaffected; fails on one that scores otherwise."""
    unaffected = 0
    for text in texts:
        for extra in LEXICONS:
            if sentiment.unaffected(text, language, extra):
                unaffected += 1
                alone = sentiment.analyze(text, language, ())
                over = sentiment.analyze(text, language, tuple(sorted(extra)))
                assert over == alone, (text, extra[:3])
    return unaffected


def test_french_texts_score_alike_without_the_overrides_they_do_not_name():
    texts = french_texts()
    assert len(texts) > 1000
    assert check(texts, "fr") > len(texts)  # most clauses name none of an aspect's words


@pytest.mark.skipif(not TWEETS.exists(), reason="../shared/data/sentiment is absent")
def test_english_tweets_score_alike_without_the_overrides_they_do_not_name():
    texts = [line.split("\t")[2] for line in TWEETS.read_text("utf-8").splitlines()]
    assert check(texts, "en") > len(texts)


@pytest.mark.parametrize(
    ("text", "language", "override"),
    [
        ("C'est tjrs trop cher", "fr", "toujours cher"),
        ("J'aime trop ce service", "fr", "jaime trop"),
        ("Livraison suuuper rapide", "fr", "super"),
        ("Des frais nulles", "fr", "nulle"),
        ("Une offre rip-off", "fr", "rip-off"),
        ("L'attente", "fr", "le"),
        ("Such a RIP OFF", "en", "rip off"),
        ("Totally overpriced", "en", "overpriced"),
    ],
)
def test_an_override_the_text_may_read_is_never_unaffected(text, language, override):
    assert not sentiment.unaffected(text, language, ((override, -3.0),))
    if len(override) > 2:  # "le" may stand for any "l'": always read
        assert sentiment.unaffected("Rien à signaler", language, ((override, -3.0),))


def test_a_language_read_only_for_its_emoji_is_never_unaffected():
    assert not sentiment.unaffected("Muy bien", "es", (("caro", -2.0),))
