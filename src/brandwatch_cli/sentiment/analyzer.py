"""Sentiment of a text, in the language it is written in.

- English (and texts whose language cannot be told, such as emoji alone): VADER's compound
  score, unchanged (it reproduces the VADER paper's results).
- French: ``sentiment_fr``, a lexicon-and-rules analyzer of the same family.
- Any other language: only what needs no language is read, emoticons and emoji (``:)``,
  ``😡``), with the method ``emoji``; without any, a neutral 0.0 with the method ``none``. An
  English reading of Spanish words would be a misleading label, worse than none.

Labels: ``positive`` at or above 0.05, ``negative`` at or below -0.05, else ``neutral``.
Lexicon overrides (word -> valence on VADER's -4..+4 scale) apply to both analyzers.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Any

from brandwatch_cli.models import Sentiment

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
LABELS = ("positive", "neutral", "negative")
#: Bump when an analyzer or its lexicon changes: stored scores of older versions are stale.
ANALYZER_VERSION = "2"
ENGLISH, FRENCH, SIGNS, UNSUPPORTED = "vader", "fr", "emoji", "none"

Lexicon = tuple[tuple[str, float], ...]


def label(compound: float) -> str:
    """``positive`` at or above 0.05, ``negative`` at or below -0.05, else ``neutral``."""
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def method_for(language: str | None) -> str:
    """Which analyzer reads ``language``."""
    if language in (None, "en"):
        return ENGLISH
    if language == "fr":
        return FRENCH
    return UNSUPPORTED


def analyze(text: str, language: str | None, lexicon: Lexicon = ()) -> Sentiment:
    """The sentiment of ``text`` written in ``language`` (ISO 639-1, or None if unknown)."""
    method = method_for(language)
    if not text.strip():
        return Sentiment(0.0, "neutral", method)
    if method == UNSUPPORTED:
        signs = _signs(text)
        if not signs:
            return Sentiment(0.0, "neutral", UNSUPPORTED)
        text, method = signs, SIGNS
    if method in (FRENCH, SIGNS):
        # Emoji and emoticons read the same in every language; the French analyzer's table of
        # them is the fuller one (VADER reads 😡, 👍 or 💩 as neutral words).
        compound = _french(lexicon).polarity(text)
    else:
        text, lexicon = _joined_phrases(text, lexicon)
        compound = float(_english(lexicon).polarity_scores(text)["compound"])
    compound = max(-1.0, min(1.0, compound))
    return Sentiment(compound, label(compound), method)


def score(text: str) -> float:
    """VADER's compound score of English ``text``."""
    return analyze(text, "en").score


def version(lexicons: list[Lexicon]) -> str:
    """Identifies the analyzers and every lexicon override in use: scores stored under
    another version are stale (``brandwatch rescore`` recomputes them)."""
    data = json.dumps([ANALYZER_VERSION, [sorted(lexicon) for lexicon in lexicons]])
    return hashlib.sha256(data.encode()).hexdigest()[:12]


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


def _signs(text: str) -> str:
    """The emoticons and emoji of a text: sentiment any reader gets, whatever the language."""
    analyzer = _english(())
    marks = [
        token
        for token in text.split()
        if token in analyzer.lexicon and not token.isalpha() and not token.isalnum()
    ]
    marks += [char for char in text if char in analyzer.emojis]
    return " ".join(marks)


def english_lexicon() -> frozenset[str]:
    """The words VADER knows (lower case)."""
    return frozenset(_english(()).lexicon)


@lru_cache(maxsize=16)
def _english(lexicon: Lexicon) -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    if lexicon:
        analyzer.lexicon = {**analyzer.lexicon, **{w.lower(): v for w, v in lexicon}}
    return analyzer


@lru_cache(maxsize=16)
def _french(lexicon: Lexicon) -> Any:
    from brandwatch_cli.sentiment.french.analyzer import FrenchSentiment

    return FrenchSentiment(dict(lexicon) if lexicon else None)
