"""Scoring never fails on what the web sends: any text, any language, emoji anywhere."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandwatch_cli import sentiment

EMOJI = "👏😡👍👎😀😭❤️🔥🙏💩😂🤬✨"
LANGUAGES = [None, "en", "fr", "de", "es", "ja"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "text", ["Das ist gut 👏", "👏", "👏 !", "Super. 👏👏", "Bof. 👏 Merci 👏", "« 👏 »"]
)
def test_an_emoji_sentence_without_words_is_scored(text, language):
    result = sentiment.analyze(text, language)
    assert -1.0 <= result.score <= 1.0
    assert result.label in ("positive", "neutral", "negative")


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list(EMOJI) + list("abc Super génial merci . ! ? , ;:)")),
        max_size=60,
    ),
    st.sampled_from(LANGUAGES),
)
def test_any_mix_of_words_emoji_and_punctuation_is_scored(text, language):
    result = sentiment.analyze(text, language)
    assert -1.0 <= result.score <= 1.0


@pytest.mark.parametrize(("rating", "scale"), [(7, 10), (4, 10), (63, 100), (2.3, 5)])
def test_a_rating_score_is_rounded_as_every_other_score(rating, scale):
    """Scores are stored and exported to four decimals; one a rating set (``rating_scale:
    10``, 7) was exported as 0.2666666666666666 in the CSV's ``sentiment`` column."""
    stars = sentiment.stars(rating, scale)
    assert stars is not None
    disagreeing = sentiment.Sentiment(0.0, "neutral", "vader")
    if stars < 2.5 or stars >= 3.5:
        score = sentiment.rated(disagreeing, stars).score
        assert score == round(score, 4) and score != 0.0
