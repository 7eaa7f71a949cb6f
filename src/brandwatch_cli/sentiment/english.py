"""English sentiment: VADER's compound score, lexicon overrides, and the emoji VADER knows.

vaderSentiment is imported here only, and only on first use. This module scores what it is
given as English; it does not decide which texts are English (``sentiment.analyze`` does), and
it does not label scores.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: Lexicon overrides: word or phrase -> valence on VADER's -4..+4 scale.
Lexicon = tuple[tuple[str, float], ...]


def polarity(text: str, lexicon: Lexicon = ()) -> float:
    """VADER's compound score of ``text`` (unclamped), reading ``lexicon`` over its own."""
    text, lexicon = _joined_phrases(text, lexicon)
    return float(_vader(lexicon).polarity_scores(text)["compound"])


def signs(text: str) -> str:
    """The emoticons and emoji of a text: sentiment any reader gets, whatever the language."""
    analyzer = _vader(())
    marks = [
        token
        for token in text.split()
        if token in analyzer.lexicon and not token.isalpha() and not token.isalnum()
    ]
    marks += [char for char in text if char in analyzer.emojis]
    return " ".join(marks)


def english_lexicon() -> frozenset[str]:
    """The words VADER knows (lower case)."""
    return frozenset(_vader(()).lexicon)


def _joined_phrases(text: str, lexicon: Lexicon) -> tuple[str, Lexicon]:
    """VADER reads one word at a time: a multi-word override ("must have": 3) is joined into
    one token ("must_have"), in the lexicon and wherever the text says it. The token keeps
    only word characters, which VADER never strips ("\\o/ yes" is "o_yes")."""
    phrases = sorted((w for w, _ in lexicon if len(w.split()) > 1), key=len, reverse=True)
    if not phrases:
        return text, lexicon
    for phrase in phrases:
        words = phrase.split()
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)"
        token = _token(phrase)
        text = re.sub(pattern, lambda _: f" {token} ", text, flags=re.IGNORECASE)  # noqa: B023
    return text, tuple((_token(w) if len(w.split()) > 1 else w, v) for w, v in lexicon)


def _token(phrase: str) -> str:
    return "_".join(re.sub(r"\W", "", word) for word in phrase.split()).lower()


@lru_cache(maxsize=16)
def _vader(lexicon: Lexicon) -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    if lexicon:
        analyzer.lexicon = {**analyzer.lexicon, **{w.lower(): v for w, v in lexicon}}
    return analyzer
