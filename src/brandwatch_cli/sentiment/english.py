"""English sentiment: VADER's compound score, lexicon overrides, and emoji.

VADER reads an emoji through its English name ("pouting face"), which mostly says nothing: 😡
or 👎 would score 0. Emoji in the French analyzer's table (``data/emoji_valence.tsv``) are read
with its valences instead, as words of VADER's lexicon (a placeholder word per emoji), so VADER
weighs them the way it weighs any word; the table's emoticons VADER lacks (``^^``, ``T_T``) are
added to its lexicon, those it knows keep its valence. A text without them scores as in VADER.

vaderSentiment is imported here only, and only on first use. This module scores what it is
given as English; it does not decide which texts are English (``sentiment.analyze`` does), and
it does not label scores.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from string import punctuation
from typing import Any

#: Starts the word that stands for an emoji in VADER's lexicon (letters only: VADER keeps it).
_PLACEHOLDER = "emojivalence"
#: Lexicon overrides: word or phrase -> valence on VADER's -4..+4 scale.
Lexicon = tuple[tuple[str, float], ...]


def polarity(text: str, lexicon: Lexicon = ()) -> float:
    """VADER's compound score of ``text`` (unclamped), reading ``lexicon`` over its own."""
    text, lexicon = _joined_phrases(text, lexicon)
    if not text.isascii():
        text = text.translate(_emoji_words()[0])
    analyzer = _vader(lexicon)
    if _says_nothing(analyzer, text):
        return 0.0
    return float(analyzer.polarity_scores(text)["compound"])


def _says_nothing(analyzer: Any, text: str) -> bool:
    """Whether VADER scores ``text`` 0 without reading it: no word of its lexicon (as it cuts
    words: on spaces, with or without their punctuation) and no emoji (it reads their names).
    Every other rule of VADER only weighs lexicon words. Four passages in ten say nothing."""
    if not text.isascii() and not analyzer.emojis.keys().isdisjoint(text):
        return False
    lexicon = analyzer.lexicon
    for token in text.split():
        word = token.lower()
        if word in lexicon or word.strip(punctuation) in lexicon:
            return False
    return True


def unaffected(text: str, forms: tuple[str, ...]) -> bool:
    """Whether overrides of ``forms`` cannot change how VADER reads ``text``: it looks them up
    only for the text's own words (lower case), and a phrase's joined token only where all its
    words are. So: no word of a one-word override in the text, nor the longest of a phrase's.
    Errs towards False: the caller then scores with the overrides."""
    said = f"{text.lower()} {text.casefold()}"
    if not text.isascii():
        said += " " + text.translate(_emoji_words()[0]).lower()
    return _probes(forms).search(said) is None


@lru_cache(maxsize=64)
def _probes(forms: tuple[str, ...]) -> re.Pattern[str]:
    """What ``unaffected`` looks for; an override without a word matches anything."""
    probes: set[str] = set()
    for form in forms:
        parts = re.findall(r"[^\W_]+", form.lower())
        if not parts:
            return re.compile("")
        probes |= set(parts) if len(form.split()) == 1 else {max(parts, key=len)}
    return re.compile("|".join(map(re.escape, sorted(probes, key=len, reverse=True))) or "(?!)")


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
    """The words VADER knows (lower case); language detection reads them as English cues."""
    brand = brand_words()
    return frozenset(
        w for w in _vader(()).lexicon if not w.startswith(_PLACEHOLDER) and w not in brand
    )


@lru_cache(maxsize=1)
def brand_words() -> dict[str, float]:
    """Complaint words VADER lacks ("filthy", "overpriced"), with their valences: a service's
    customers use them, and VADER reads them as neutral."""
    table = resources.files("brandwatch_cli").joinpath("data", "en_lexicon_brand.tsv")
    words: dict[str, float] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, valence = line.split("\t")[:2]
            words[word.strip().lower()] = float(valence)
    return words


def _joined_phrases(text: str, lexicon: Lexicon) -> tuple[str, Lexicon]:
    """VADER reads one word at a time: a multi-word override ("must have": 3) is joined into
    one token ("must_have"), in the lexicon and wherever the text says it. The token keeps
    only word characters, which VADER never strips ("\\o/ yes" is "o_yes")."""
    patterns, joined = _phrase_patterns(lexicon)
    for pattern, token in patterns:
        text = pattern.sub(token, text)
    return text, joined


@lru_cache(maxsize=64)
def _phrase_patterns(lexicon: Lexicon) -> tuple[tuple[tuple[re.Pattern[str], str], ...], Lexicon]:
    """A lexicon's multi-word overrides, longest first (each replaced in turn, as it always
    was), compiled once with what replaces them (" must_have "), and the lexicon with their
    tokens: a mention's aspects read their clauses with the same few lexicons again and
    again (building the patterns was a sixth of scoring them)."""
    phrases = sorted((w for w, _ in lexicon if len(w.split()) > 1), key=len, reverse=True)
    if not phrases:
        return (), lexicon
    patterns = []
    for phrase in phrases:
        words = phrase.split()
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)"
        token = _token(phrase)  # word characters only: a literal replacement
        patterns.append((re.compile(pattern, flags=re.IGNORECASE), f" {token} "))
    joined = tuple((_token(w) if len(w.split()) > 1 else w, v) for w, v in lexicon)
    return tuple(patterns), joined


def _token(phrase: str) -> str:
    return "_".join(re.sub(r"\W", "", word) for word in phrase.split()).lower()


@lru_cache(maxsize=1)
def _emoji_words() -> tuple[dict[int, str], dict[str, float]]:
    """(a ``str.translate`` table putting a placeholder word for each emoji of the table,
    those words' and the emoticons' valences for VADER's lexicon)."""
    table = resources.files("brandwatch_cli").joinpath("data", "emoji_valence.tsv")
    translation: dict[int, str] = {}
    valences: dict[str, float] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        symbol, value, *_ = line.split("\t")
        if symbol.isascii():
            valences[symbol.lower()] = float(value)
        elif len(symbol) == 1:
            word = _PLACEHOLDER + "".join(chr(97 + int(d)) for d in str(len(translation)))
            translation[ord(symbol)] = f" {word} "
            valences[word] = float(value)
    return translation, valences


@lru_cache(maxsize=1)
def _quick_negated() -> None:
    """VADER's ``negated`` as it reads, without copying its 59 negation words into a new list
    for each word it checks (three times per sentiment word: a twentieth of a scan's CPU).
    Set once, in VADER's module, which only this module imports. Same answers."""
    from vaderSentiment import vaderSentiment as vader

    negations = frozenset(vader.NEGATE)

    def negated(input_words: list[str], include_nt: bool = True) -> bool:
        words = [str(w).lower() for w in input_words]
        if not negations.isdisjoint(words):
            return True
        return bool(include_nt) and any("n't" in word for word in words)

    vader.negated = negated


@lru_cache(maxsize=16)
def _vader(lexicon: Lexicon) -> Any:
    from vaderSentiment import vaderSentiment as vader
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    _quick_negated()

    class Analyzer(SentimentIntensityAnalyzer):  # type: ignore[misc]
        """VADER, where its negation and idiom checks lower-case the three words before a
        sentiment word and the two after, not the whole text again for each one (which made
        a long passage cost the square of its length). Same scores."""

        @staticmethod
        def _negation_check(valence: float, words: list[str], start_i: int, i: int) -> Any:
            # VADER reads words[i - 3] to words[i - 1] (its caller makes sure they exist).
            low = max(0, i - 3)
            return SentimentIntensityAnalyzer._negation_check(
                valence, words[low : i + 1], start_i, i - low
            )

        @staticmethod
        def _special_idioms_check(valence: float, words: list[str], i: int) -> Any:
            # VADER reads words[i - 3] to words[i + 2], and whether the last two exist.
            low = max(0, i - 3)
            return SentimentIntensityAnalyzer._special_idioms_check(
                valence, words[low : i + 3], i - low
            )

        def polarity_scores(self, text: str) -> Any:
            # VADER first copies the text a character at a time, putting each emoji's name in
            # its place; an ASCII text holds none (its emoji are not ASCII) and comes out as it
            # went in. What follows is VADER's own code (3.3.2, MIT licence), unchanged.
            if not text.isascii() or not self.ascii_only:
                return super().polarity_scores(text)
            text = text.strip()
            sentitext = vader.SentiText(text)
            sentiments: list[float] = []
            words_and_emoticons = sentitext.words_and_emoticons
            for i, item in enumerate(words_and_emoticons):
                valence = 0
                if item.lower() in vader.BOOSTER_DICT:
                    sentiments.append(valence)
                    continue
                if (
                    i < len(words_and_emoticons) - 1
                    and item.lower() == "kind"
                    and words_and_emoticons[i + 1].lower() == "of"
                ):
                    sentiments.append(valence)
                    continue
                sentiments = self.sentiment_valence(valence, sentitext, item, i, sentiments)
            sentiments = self._but_check(words_and_emoticons, sentiments)
            return self.score_valence(sentiments, text)

    analyzer = Analyzer()
    analyzer.ascii_only = not any(emoji.isascii() for emoji in analyzer.emojis)
    signs = {w: v for w, v in _emoji_words()[1].items() if w not in analyzer.lexicon}
    brand = {w: v for w, v in brand_words().items() if w not in analyzer.lexicon}
    analyzer.lexicon = {
        **analyzer.lexicon,
        **brand,
        **signs,
        **{w.lower(): v for w, v in lexicon},
    }
    return analyzer
