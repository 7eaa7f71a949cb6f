"""Sentiment of a mention: VADER's compound score in [-1, 1] and its three-way label."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
LABELS = ("positive", "neutral", "negative")


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score(text: str) -> float:
    """VADER's compound score of ``text``: -1 most negative, +1 most positive."""
    if not text.strip():
        return 0.0
    return float(_analyzer().polarity_scores(text)["compound"])


def label(compound: float) -> str:
    """``positive`` at or above 0.05, ``negative`` at or below -0.05, else ``neutral``."""
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"
