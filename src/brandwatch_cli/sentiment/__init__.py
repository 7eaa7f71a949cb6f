"""Sentiment of a text, in the language it is written in.

- English (and texts whose language cannot be told, such as emoji alone): VADER's compound
  score, unchanged (it reproduces the VADER paper's results); see ``english``.
- French: ``french``, a lexicon-and-rules analyzer of the same family.
- Any other language: only what needs no language is read, emoticons and emoji (``:)``,
  ``😡``), with the method ``emoji``; without any, a neutral 0.0 with the method ``none``. An
  English reading of Spanish words would be a misleading label, worse than none.

Labels: ``positive`` at or above 0.05, ``negative`` at or below -0.05, else ``neutral``.
Lexicon overrides (word -> valence on VADER's -4..+4 scale) apply to both analyzers.

A review's star rating, when its source gives one, decides the label (``rated``): the
reviewer said how they feel in so many stars.

This module only picks the analyzer and labels its score; it holds no lexicon or rule.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from brandwatch_cli.models import Sentiment
from brandwatch_cli.sentiment import english
from brandwatch_cli.sentiment.english import Lexicon

__all__ = [
    "ANALYZER_VERSION",
    "UNSCORED",
    "Lexicon",
    "analyze",
    "label",
    "method_for",
    "overridden",
    "rated",
    "stars",
    "unaffected",
    "version",
]

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
#: Bump when an analyzer or its lexicon changes: stored scores of older versions are stale.
ANALYZER_VERSION = "3"
ENGLISH, FRENCH, SIGNS, UNSUPPORTED = "vader", "fr", "emoji", "none"
#: The method of a mention whose scoring failed: stored neutral, left for ``rescore``.
UNSCORED = "error"


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
        signs = english.signs(text)
        if not signs:
            return Sentiment(0.0, "neutral", UNSUPPORTED)
        text, method = signs, SIGNS
    if method in (FRENCH, SIGNS):
        # Emoji and emoticons read the same in every language; the French analyzer's table of
        # them is the fuller one (VADER reads 😡, 👍 or 💩 as neutral words).
        compound = _french(lexicon).polarity(text)
    else:
        compound = english.polarity(text, lexicon)
    compound = max(-1.0, min(1.0, compound))
    return Sentiment(compound, label(compound), method)


def unaffected(text: str, language: str | None, extra: Lexicon) -> bool:
    """Whether ``text`` scores the same with ``extra``'s entries over a lexicon as without
    them: none of their words can be looked up in it (each analyzer's ``unaffected`` says
    how it reads). An aspect's clauses are read with its words over the mention's lexicon,
    and most name none of them: their score is then the one the mention's passages got."""
    forms = tuple(form for form, _ in extra)
    method = method_for(language)
    if method == ENGLISH:
        return english.unaffected(text, forms)
    if method == FRENCH:
        from brandwatch_cli.sentiment.french.overrides import unaffected

        return unaffected(text, forms)
    return False


def stars(rating: object, scale: float) -> float | None:
    """A rating on a 1..``scale`` scale as stars on 1..5, linearly (``scale`` 5: the same
    number; 10: 1 -> 1, 10 -> 5); None when it is not a number from 0 to ``scale``."""
    if isinstance(rating, bool) or not isinstance(rating, int | float) or scale <= 1:
        return None
    if not 0 <= rating <= scale:
        return None
    return 1 + (rating - 1) * 4 / (scale - 1)


def rated(result: Sentiment, stars: float) -> Sentiment:
    """``result`` with the label ``stars`` (1..5) give: below 2.5 (1 or 2 stars) negative,
    below 3.5 (3) neutral, else (4 or 5) positive. The text's score stays when it agrees;
    otherwise the score is the rating's own, (stars - 3) / 2.5 (0 for neutral)."""
    wanted = "negative" if stars < 2.5 else "neutral" if stars < 3.5 else "positive"
    score = result.score
    if result.label != wanted:
        score = 0.0 if wanted == "neutral" else round(max(-1.0, min(1.0, (stars - 3) / 2.5)), 4)
    return Sentiment(score, wanted, f"{result.method}+rating")


#: The score of a label set by hand when the text's own score disagrees (as a rating's).
LABEL_SCORES = {"positive": 0.5, "neutral": 0.0, "negative": -0.5}


def overridden(result: Sentiment, wanted: str) -> Sentiment:
    """``result`` with the label someone set (``mark --sentiment``): the text's score stays
    when it agrees, else it is the label's own (+0.5, 0, -0.5); the method ``override``."""
    score = result.score if result.label == wanted else LABEL_SCORES[wanted]
    return Sentiment(score, wanted, "override")


def version(lexicons: list[Lexicon]) -> str:
    """Identifies the analyzers and every lexicon override in use: scores stored under
    another version are stale (``brandwatch rescore`` recomputes them)."""
    data = json.dumps([ANALYZER_VERSION, [sorted(lexicon) for lexicon in lexicons]])
    return hashlib.sha256(data.encode()).hexdigest()[:12]


@lru_cache(maxsize=16)
def _french(lexicon: Lexicon) -> Any:
    from brandwatch_cli.sentiment.french.analyzer import FrenchSentiment

    return FrenchSentiment(dict(lexicon) if lexicon else None)
