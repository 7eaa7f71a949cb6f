"""Which language is a mention written in: an ISO 639-1 code, or None when it cannot be told.

The engine is py3langid (langid.py's naive Bayes over byte n-grams), reading its own model
trimmed to ``LANGUAGES`` (``MODEL``, in our package: nothing is downloaded). Three choices,
measured by ``benchmarks/language.py`` on short real texts, make it fit our users, who write
mostly English and French:

- Only ``LANGUAGES`` are candidates: the major languages of the web. Among py3langid's 139, the
  rare Latin-script ones (Tagalog, Javanese, Somali, Esperanto...) mostly catch English slang
  ("Lmfao", "WTF?"), and an English text read as another language loses its English sentiment.
- ``PRIORS`` adds log-odds for English and French to the model's scores. The scores are
  log-likelihoods that grow with the text, so the prior decides short, ambiguous texts
  ("So annoyed", "Pizza time.") and leaves texts over 60 characters as accurate as without.
- A short text the model gives to another language, with French close behind, is French
  when its own words say so: words our French analyzer knows that are not English
  (``_french_by_its_words``). Three or four words, half of them brand names ("SAV Samsung au
  top"), carry too few letters for n-grams but a word or two a French reader knows at once.

Not done here: choosing which field to detect on, deciding what to do with the answer, or
finding several languages in one text (the main one wins).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from brandwatch_cli.text import fold, language_tag

#: Candidate languages (ISO 639-1). A text in another language gets the closest of these.
LANGUAGES = (
    "en", "fr", "es", "de", "it", "pt", "nl", "ca", "sv", "da", "no", "fi", "pl", "cs", "sk",
    "hu", "ro", "el", "tr", "ru", "uk", "ar", "he", "fa", "hi", "ur", "bn", "zh", "ja", "ko",
    "th", "vi", "id",
)  # fmt: skip
#: Log-odds added to a language's score (py3langid scores are natural-log likelihoods).
#: English +10: 99.5% of the VADER paper's 4,200 English tweets come out ``en`` (96.6% without;
#: most of the rest are in another language, or emoticons alone). French +3 narrows English's
#: lead over French to 7: every French text of the benchmark read as French without priors
#: still is (the closest led English by 11).
PRIORS = {"en": 10.0, "fr": 3.0}
#: py3langid's model trimmed to ``LANGUAGES`` (``scripts/build_language_model.py``): the same
#: answers as the model it ships, loaded in a sixth of the time (its 68 MB of LZMA cost each
#: process that detects, every parsing worker of a big scan, 0.8 s of CPU).
MODEL = Path(__file__).parent / "data" / "language_model.npz"
#: Characters looked at: far more than a language needs, and keeps a 100 kB article cheap.
MAX_CHARS = 1_000
#: A text of at most this many words that the model reads as another language, with French
#: within this many log-units of the winner, is French if its own words say so (see
#: ``_french_by_its_words``): "Darty, colis perdu" has too few letters for n-grams, but
#: "perdu" is French. Measured with ``benchmarks/language.py --cues``: on 5,100 real texts no
#: answer changes but one French title that was read as English.
CUE_MAX_WORDS = 8
CUE_MARGIN = 8.0
#: English function words: with the VADER lexicon, the English a short text may show.
ENGLISH_WORDS = frozenset(
    """
    a about after all also am an and any are as at be been before but by can could did do does
    for from get got had has have he her here him his how i if in into is it its just me more
    my no not now of off on one or our out over she so some than that the their them then there
    these they this those to too up us very was we were what when where which who why will with
    would you your
""".split()  # noqa: SIM905 - a paragraph of words reads better than a list
)
_ELISION_RE = re.compile(r"\b(?:j|l|d|n|qu|c|s|m|t)['’][^\W\d_]", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]+")

#: Every ISO 639-1 code, for checking hints.
ISO_639_1 = frozenset((
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy",
    "da", "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj",
    "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht",
    "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv",
    "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky",
    "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn",
    "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny",
    "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru",
    "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss",
    "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts",
    "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo",
    "za", "zh", "zu",
))  # fmt: skip
#: Withdrawn codes still found in old feeds, and their replacements.
_WITHDRAWN = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}

#: Each alternative starts only where a run of its characters starts (the look-behinds): tried
#: from every position inside a 10,000-letter "word" from a hostile feed, it would cost time
#: in the square of the word's length.
_NOT_LANGUAGE_RE = re.compile(
    r"(?:https?://|www\.)\S+"  # links
    r"|(?<![\w.-])[\w-]+(?:\.[\w-]+)+/\S*"  # links without a scheme: t.co/x, bit.ly/y
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?<![\w@])@\w+"  # @handles
)
_HASH_RE = re.compile(r"(?<![\w#&])#(?=\w)")
_SPACE_RE = re.compile(r"\s+")
_LOCK = threading.Lock()


def strip_non_language(text: str) -> str:
    """``text`` without links, e-mail addresses and @handles, and hashtags without their ``#``.

    Those are names, not language; a hashtag's word is kept since it often is one (#grève).
    """
    text = _NOT_LANGUAGE_RE.sub(" ", text)
    text = _HASH_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).strip()


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when it cannot be told.

    ``hint`` is the source's own language tag (e.g. from a feed's <language>); when it is a
    valid code it wins (the issue says: prefer the source's own language tag when present).
    ``en-US`` counts as ``en``; ``und``, ``x-klingon`` or garbage are ignored. Without a usable
    hint, a text with no letters once links, handles and emoji are gone (emoji only, a URL,
    digits) is None, never a guess, and so is one too short for the model to know any of it
    ("ok"). Deterministic: the same text gets the same answer in every call and process.
    """
    hinted = _hint_code(hint)
    # Stripping a bounded prefix keeps a 100 kB text as cheap as its first MAX_CHARS.
    prose = strip_non_language(text[: MAX_CHARS * 4])[:MAX_CHARS]
    if hinted is not None and _script_fits(hinted, prose):
        return hinted
    if not any(char.isalpha() for char in prose):
        return None
    return _classifier()(prose)


#: Languages written only in the Latin alphabet, and languages written only in another
#: script (Serbian, Kazakh or Mongolian, written in both, are in neither). A tag of one over a
#: text without a letter of its script is a poster's default setting (Mastodon tags an
#: English toot "ja" when that is its author's default), not the text's language.
LATIN = frozenset({
    "af", "ca", "cs", "cy", "da", "de", "en", "es", "et", "eu", "fi", "fr", "ga", "gl", "hr",
    "hu", "id", "is", "it", "lt", "lv", "ms", "mt", "nl", "no", "nb", "nn", "pl", "pt", "ro",
    "sk", "sl", "sq", "sv", "sw", "tl", "tr", "vi",
})  # fmt: skip
NON_LATIN = frozenset({
    "am", "ar", "be", "bg", "bn", "el", "fa", "gu", "he", "hi", "hy", "ja", "ka", "km", "kn",
    "ko", "ky", "lo", "mk", "ml", "mr", "my", "ne", "pa", "ps", "ru", "si", "ta", "te", "tg",
    "th", "ti", "ug", "uk", "ur", "yi", "zh",
})  # fmt: skip


def _script_fits(code: str, prose: str) -> bool:
    """Whether ``prose`` could be in ``code``'s script. A non-Latin tag fits unless the text
    has enough letters to tell and not one of another script (Latin brand names inside a
    Korean post leave it Korean); a Latin tag fits unless most letters are of another script
    (a Latin brand name in a Russian post does not make it English). A tag whose script is not
    known always fits."""
    letters = [c for c in prose if c.isalpha()][:400]
    latin = sum(c < "\u0250" or "\u1e00" <= c <= "\u1eff" for c in letters)
    other = len(letters) - latin
    if code in NON_LATIN:
        return latin < 8 or other > 0
    if code in LATIN:
        return other < 8 or other * 3 < len(letters) * 2
    return True


def _hint_code(hint: str | None) -> str | None:
    code = language_tag(hint)
    code = _WITHDRAWN.get(code, code) if code else None
    return code if code in ISO_639_1 else None


def warm_up() -> None:
    """Load the model and the word lists now: a big scan does it before forking its workers,
    which then share one copy instead of each loading its own."""
    _classifier()
    _vocabularies()


def _classifier() -> Callable[[str], str | None]:
    """The model, loaded once per process (the first call takes under a second).

    Threads share it (classifying only reads it); a forked worker inherits it loaded.
    """
    with _LOCK:
        return _load_classifier()


def _new_lock() -> None:
    """A forked child gets a fresh lock: another thread may have held it at the fork."""
    global _LOCK
    _LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):  # not on Windows, which cannot fork
    os.register_at_fork(after_in_child=_new_lock)


@cache
def _load_classifier() -> Callable[[str], str | None]:
    from py3langid.langid import RAW_FLOOR

    identifier = load_model(MODEL)
    # The priors join the model's own class log-priors, which every score includes.
    class_priors = identifier.nb_pc.copy()
    for index, code in enumerate(identifier.nb_classes):
        class_priors[index] += PRIORS.get(code, 0.0)
    identifier.nb_pc = class_priors

    def classify(prose: str) -> str | None:
        code, score = identifier.classify(prose)
        # The floor means no n-gram the model knows: every language scores the same.
        if score <= RAW_FLOOR:
            return None
        if (
            code != "fr"
            and len(_WORD_RE.findall(prose)) <= CUE_MAX_WORDS
            and _french_by_its_words(prose)  # cheap: set lookups, before scoring again
            and score - dict(identifier.rank(prose))["fr"] <= CUE_MARGIN
        ):
            return "fr"
        return str(code)

    return classify


def load_model(path: Path) -> Any:
    """py3langid's identifier over the model at ``path``: its weights for ``LANGUAGES`` only
    (``scripts/build_language_model.py``), so every score is the full model's restricted to
    them, as ``set_languages`` would leave it."""
    from array import array

    import numpy as np
    from py3langid.langid import LanguageIdentifier

    def values(name: str, typecode: str) -> array[int]:
        numbers = array(typecode)
        numbers.frombytes(model[name].astype(typecode, copy=False).data.cast("B"))
        return numbers

    with np.load(path, allow_pickle=False) as model:
        return LanguageIdentifier(
            model["ptc"],
            model["pc"],
            model["classes"].tolist(),
            values("nextmove", "I"),
            model["out_feat"].tolist(),
            tk_row=values("nextmove_row", "H"),
        )


def _french_by_its_words(prose: str) -> bool:
    """Whether a short text's words are French rather than English: two French words (or
    elisions, "j'adore"), or one of five letters or more, and more of them than English ones.
    French words are those our French analyzer knows that are not English (VADER's lexicon,
    ENGLISH_WORDS); short ones count only if unmistakable ("au", "du", "je", not "de", "la")."""
    french, english = _vocabularies()
    words = [fold(word) for word in _WORD_RE.findall(prose)]
    cues = [w for w in words if w in french and (len(w) >= 3 or w in ("au", "du", "je"))]
    strength = len(cues) + len(_ELISION_RE.findall(prose))
    strong = strength >= 2 or any(len(w) >= 5 for w in cues)
    return strong and strength > sum(w in english for w in words)


@cache
def _vocabularies() -> tuple[frozenset[str], frozenset[str]]:
    """(French words that are not English, English words), folded; loaded when first needed."""
    from brandwatch_cli.sentiment.english import english_lexicon
    from brandwatch_cli.sentiment.french.analyzer import french_words

    english = frozenset(fold(w) for w in english_lexicon()) | ENGLISH_WORDS
    return french_words() - english, english
