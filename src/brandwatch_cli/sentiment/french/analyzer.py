"""French sentiment of a mention: a lexicon and rules in the manner of VADER.

``FrenchSentiment().polarity(text)`` is a compound score in [-1, 1] normalised like VADER's,
so the same ±0.05 thresholds apply. This module reads the data files and turns text into
tokens carrying lexicon valences (words, phrases, emoji, ratings such as ``2/5`` or ``★★★★☆``).
The word-level French rules that then adjust those valences (intensifiers, ``super`` and
``trop``, trends) live in ``rules``, negation in ``negation``; complaints and praise made by
facts (waits, repetitions, speed) in ``facts``; who speaks (a customer, a journalist) in
``speaker`` and what that voice means (news, a brand, a reply) in ``voice``; how clauses and
sentences weigh (``mais``, questions, sarcasm) in ``discourse``. It knows nothing about
English: the caller (``sentiment.analyze``) picks the analyzer by language.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from brandwatch_cli.text import fold

from . import discourse as discourse
from . import facts as facts
from . import negation as negation
from . import rules as rules
from . import speaker as speaker
from . import verdict as verdict
from . import voice as voice
from .rules import EMOJI, HANDLE, NUM, PUNCT, RATING, WORD, Token

__all__ = ["FrenchSentiment"]

BASE_LEXICON = "fr_lexicon_vader.tsv"
#: Adjectives from Pattern's French lexicon that the two others lack (never overrides them).
PATTERN_LEXICON = "fr_lexicon_pattern.tsv"
BRAND_LEXICON = "fr_lexicon_brand.tsv"
ACCENTED_LEXICON = "fr_lexicon_accents.tsv"
EMOJI_TABLE = "emoji_valence.tsv"

# Elided clitics, restored to their full form so rules and phrases see one spelling.
ELISIONS = {
    "l": "le", "j": "je", "n": "ne", "d": "de", "m": "me", "t": "te", "s": "se", "c": "ce",
    "qu": "que", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque", "quoiqu": "quoique",
}  # fmt: skip
# Written-chat spellings, expanded to the words the rules know.
ABBREVIATIONS = {
    "jsuis": "je suis", "chui": "je suis", "chuis": "je suis", "jai": "je ai",
    "cest": "ce est", "c": "ce est", "ct": "ce etait", "tjrs": "toujours", "tjs": "toujours",
    "vrmt": "vraiment", "vrm": "vraiment", "bcp": "beaucoup", "pk": "pourquoi", "pq": "pourquoi",
    "pkoi": "pourquoi", "tt": "tout", "pr": "pour", "ds": "dans", "qqn": "quelqu un",
    "qqun": "quelqu un", "pa": "pas", "ya": "il y a", "nimporte": "ne importe", "jsais": "je sais",
    "chai": "je sais", "jveux": "je veux", "jen": "je en", "dla": "de la", "mm": "meme",
    "tro": "trop", "tjr": "toujours", "jsp": "je sais pas", "jvais": "je vais",
    "jpense": "je pense", "jtrouve": "je trouve", "jcomprends": "je comprends", "cmt": "comment",
    "koi": "quoi", "dsl": "desole", "mtn": "maintenant", "tlm": "tout le monde", "qd": "quand",
    "pcq": "parce que", "pck": "parce que", "ptet": "peut etre", "jme": "je me", "grv": "grave",
    "bjr": "bonjour", "bsr": "bonsoir", "jame": "jamais", "chepa": "je sais pas",
    "yavait": "il y avait",
}  # fmt: skip
_NEGATION_WORDS = frozenset(
    {"pas", "jamais", "rien", "aucun", "aucune", "sans", "ne", "non", "plus"}
)
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "´": "'"})
_EMOJI_CLASS = "[\U0001f000-\U0001faff\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff]"
_WORD_RE = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")
ELONGATION_RE = re.compile(r"([^\W\d_])\1{2,}")
_CAMEL_RE = re.compile(r"[A-ZÀ-Þ]?[a-zß-ÿ]+|[A-ZÀ-Þ]+(?![a-zß-ÿ])|\d+")
_SENTENCE_END = frozenset(".!?…\n")
#: Before stars, a place or an article makes them a category, not a review: "un hôtel 4
#: étoiles", "pas digne d'un 5 étoiles".
_STAR_CATEGORIES = frozenset(
    {"hotel", "hotels", "camping", "campings", "residence", "palace", "un", "le", "les", "ce"}
)
#: Endings of inflected forms and what replaces them in the base form the lexicon lists.
INFLECTIONS = (("aux", "al"), ("euses", "eux"), ("euse", "eux"), ("ives", "if"), ("ive", "if"),
                ("es", "e"), ("es", ""), ("s", ""), ("x", ""), ("e", ""), ("aient", "e"),
                ("ait", "e"), ("ent", "e"), ("aient", ""), ("ait", ""), ("eraient", "e"),
                ("erais", "e"), ("erait", "e"), ("erai", "e"), ("eront", "e"),
                ("era", "e"))  # fmt: skip
# Words whose inflected-form guess or tokens are remembered, per model: bounded for long runs.
_MAX_GUESSES = 50_000
_MAX_CACHED = 50_000


@dataclass(frozen=True)
class _Data:
    """The shipped data, read once per process."""

    words: dict[str, float]
    phrases: dict[str, float] = field(default_factory=dict)
    emoji: dict[str, float] = field(default_factory=dict)
    #: Lower-case spellings, accents kept, whose meaning differs from their folded form.
    accented: dict[str, float] = field(default_factory=dict)


def _data_lines(name: str) -> Iterator[list[str]]:
    text = resources.files("brandwatch_cli").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@lru_cache(maxsize=1)
def _shipped_data() -> _Data:
    data = _Data(words={})
    for name in (BASE_LEXICON, PATTERN_LEXICON):
        for word, value in _data_lines(name):
            _add_entry(data, word, float(value))
    for value, forms in _data_lines(BRAND_LEXICON):
        for form in forms.split(","):
            _add_entry(data, form, float(value))
    for symbol, value, *_ in _data_lines(EMOJI_TABLE):
        data.emoji[symbol] = float(value)
    for value, forms in _data_lines(ACCENTED_LEXICON):
        for form in forms.split(","):
            data.accented[form.strip()] = float(value)
    return data


def french_words() -> frozenset[str]:
    """Every single word (folded) the analyzer knows: its lexicon and its rules' word classes.
    Language detection uses them as evidence of French in texts too short for n-grams."""
    phrases = [*_shipped_data().words, *(w for ws in rules.CLASSES.values() for w in ws)]
    return frozenset(fold(w) for w in phrases if w and " " not in w.strip())


def _add_entry(data: _Data, form: str, value: float) -> None:
    """A single word goes to ``words``, anything longer to ``phrases``.

    A word at 0 stays in ``words`` as neutral, so its inflected forms are not guessed from a
    base form (``aides`` stays neutral even though ``aide`` is help).
    """
    key = fold(form)
    if not key:
        return
    if _WORD_RE.match(key):
        data.words[key] = value
    else:
        data.phrases[key] = value


class _Model:
    """Lexicon, phrase table and tokenizer for one set of overrides. Read-only once built."""

    def __init__(self, data: _Data) -> None:
        self.words = dict(data.words)
        self.emoji = data.emoji
        self.accented = data.accented
        self.phrases: dict[str, float] = {}
        self.phrase_lengths: dict[str, int] = {}
        self._guesses: dict[str, float] = {}
        self._word_parts: dict[str, tuple[tuple[str, str, bool, bool], ...]] = {}
        emoticons = sorted((s for s in self.emoji if s.isascii()), key=len, reverse=True)
        alternatives = "|".join(re.escape(s) for s in emoticons) or "(?!)"
        self._token_re = re.compile(
            r"(?P<url>https?://\S+|www\.\S+)"
            r"|(?P<handle>@\w+)"
            r"|(?P<hashtag>#\w+)"
            r"|(?P<rating>(?<![\d/])\d{1,2}(?:[.,]\d)?\s?/\s?(?:5|10|20)(?![\d/]))"
            r"|(?P<stars>(?<!\d)(?:[0-5]|(?<!\w)(?:[Uu]ne|[Dd]eux|[Tt]rois|[Qq]uatre|[Cc]inq))\s?[éeÉE]toiles?\b)"
            r"|(?P<starrun>[★☆⭐]\ufe0f?(?:[★☆⭐]\ufe0f?)+)"
            rf"|(?P<emoticon>(?<![\w:;=<>^]){alternatives}(?![\w)(]))"
            r"|(?P<word>[^\W\d_]+(?:['\-][^\W\d_]+)*)"
            r"|(?P<num>\d+(?:[.,:h]\d+)*[^\W\d_]*)"
            r"|(?P<punct>[!?]+|\.{2,}|[.,;:…()\"«»“”\n]|(?<!\S)[-–—](?!\S))"
            rf"|(?P<emoji>{_EMOJI_CLASS})"
        )
        for source, value in data.phrases.items():
            self._add_phrase(source, value)
        #: Words a lower-case hashtag may be split into: the lexicon's and the rules'.
        self._known = frozenset(self.words) | frozenset(
            fold(w) for words in rules.CLASSES.values() for w in words if " " not in w
        )
        for source in rules.RULE_PHRASES:
            if source not in self.phrases:  # class entries are written as tokenized keys
                self._add_phrase(source, 0.0)

    def _add_phrase(self, source: str, value: float) -> None:
        keys = [t.key for t in self._tokens(source) if t.kind in (WORD, NUM)]
        if len(keys) == 1:
            self.words[keys[0]] = value
        elif keys:
            self.phrases[" ".join(keys)] = value
            self.phrase_lengths[keys[0]] = max(self.phrase_lengths.get(keys[0], 0), len(keys))

    # --- tokenizing ---

    def tokenize(self, text: str) -> list[Token]:
        """Tokens of ``text`` with phrases merged, clauses and sentences numbered."""
        tokens = self._merge_phrases(self._tokens(text))
        clause = sentence = 0
        for token in tokens:
            if token.kind == WORD and token.key in rules.CONTRAST:
                clause += 1
            token.clause, token.sentence = clause, sentence
            if token.kind == EMOJI:
                clause += 1
            elif token.kind == PUNCT:
                clause += 1
                if _SENTENCE_END.intersection(token.text):
                    sentence += 1
        return tokens

    def _tokens(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        for match in self._token_re.finditer(text.translate(APOSTROPHES)):
            kind, raw = match.lastgroup, match.group()
            if kind == "word":
                self._add_word(tokens, raw)
            elif kind == "hashtag":
                for part in self._hashtag_words(raw[1:]):
                    self._add_word(tokens, part if part.isupper() else part.lower())
            elif kind == "num":
                tokens.append(Token(NUM, fold(raw), raw))
            elif kind == "punct":
                tokens.append(Token(PUNCT, raw, raw))
            elif kind == "handle":
                tokens.append(Token(HANDLE, "@", raw))
            elif kind in ("rating", "stars"):
                token = _rating(raw)
                if kind == "stars" and tokens and tokens[-1].key in _STAR_CATEGORIES:
                    token.valence = 0.0  # "un hôtel 4 étoiles", "d'un 5 étoiles": a category
                tokens.append(token)
            elif kind == "starrun":
                tokens.append(_star_run(raw))
            elif kind in ("emoji", "emoticon"):
                token = Token(EMOJI, raw, raw)
                token.valence = self.emoji.get(raw, 0.0)
                tokens.append(token)
        return tokens

    def _hashtag_words(self, tag: str) -> list[str]:
        """The words of a hashtag: camel case (``#JeSoutiens``) or, for one lower-case run the
        lexicon does not know, the split into two known words (``#jesoutiens``, ``#stopfail``)."""
        parts: list[str] = _CAMEL_RE.findall(tag)
        if len(parts) != 1 or not parts[0].islower() or fold(parts[0]) in self.words:
            return parts
        key = fold(parts[0])
        for cut in range(len(key) - 2, 1, -1):
            head, tail = key[:cut], key[cut:]
            if head in self._known and tail in self._known:
                return [parts[0][:cut], parts[0][cut:]]
        return parts

    def _add_word(self, tokens: list[Token], raw: str) -> None:
        parts = self._word_parts.get(raw)
        if parts is None:
            parts = tuple(self._split_word(raw))
            if len(self._word_parts) >= _MAX_CACHED:
                self._word_parts.clear()
            self._word_parts[raw] = parts
        for key, text, caps, elongated in parts:
            token = Token(WORD, key, text, caps=caps)
            token.elongated = elongated
            tokens.append(token)

    def _split_word(self, raw: str) -> Iterator[tuple[str, str, bool, bool]]:
        """The words ``raw`` stands for: key, text, ALL CAPS, stretched (``j'adooore``)."""
        shouting = raw.isupper()
        while "'" in raw:
            head, tail = raw.split("'", 1)
            clitic = ELISIONS.get(fold(head))
            if clitic is None:
                break
            yield clitic, head + "'", shouting, False
            raw = tail
        key = fold(raw)
        caps = raw.isupper() and len(raw) > 1
        if "-" in key and key not in self.words and key not in self.phrase_lengths:
            for part in raw.split("-"):
                if part:
                    yield from self._split_word(part)
            return
        elongated = False
        if ELONGATION_RE.search(key):
            once, twice = ELONGATION_RE.sub(r"\1", key), ELONGATION_RE.sub(r"\1\1", key)
            key = twice if twice in self.words and once not in self.words else once
            elongated = True
        expansion = ABBREVIATIONS.get(key)
        glued = key.startswith("j") and key[1:2] in "aeiouy" and len(key) > 3
        if expansion is None and glued and key not in self.words and key[1:] in self.words:
            expansion = "je " + key[1:]  # "jaime", "jadore"
        for part in (expansion or key).split(" "):
            yield part, raw, caps, elongated

    def _merge_phrases(self, tokens: list[Token]) -> list[Token]:
        keys = [t.key if t.kind in (WORD, NUM) else "" for t in tokens]
        merged: list[Token] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            longest = self.phrase_lengths.get(token.key, 0) if token.kind == WORD else 0
            for length in range(min(longest, len(tokens) - i), 1, -1):
                span_keys = keys[i : i + length]
                if "" in span_keys:
                    continue
                key = " ".join(span_keys)
                if key in self.phrases:
                    span = tokens[i : i + length]
                    phrase = Token(WORD, key, " ".join(t.text for t in span))
                    phrase.caps = all(t.caps for t in span)
                    phrase.phrase = True
                    phrase.neg_idiom = (
                        key not in rules.STANDALONE and not _NEGATION_WORDS.isdisjoint(span_keys)
                    )
                    phrase.valence = self.phrases[key]
                    merged.append(phrase)
                    i += length
                    break
            else:
                merged.append(token)
                i += 1
        return merged

    # --- valences ---

    def assign_valences(self, tokens: list[Token]) -> None:
        for token in tokens:
            if token.kind == WORD and not token.phrase:
                accented = self.accented.get(token.text.lower()) if self.accented else None
                token.valence = self.valence(token.key) if accented is None else accented

    def valence(self, key: str) -> float:
        """Lexicon valence of a single folded word, guessing plural and feminine forms."""
        if key in rules.FUNCTION_WORDS or key in rules.DUAL:
            return 0.0
        value = self.words.get(key)
        if value is not None:
            return value
        guess = self._guesses.get(key)
        if guess is None:
            guess = next((self.words[k] for k in _base_forms(key) if k in self.words), 0.0)
            if len(self._guesses) >= _MAX_GUESSES:
                self._guesses.clear()
            self._guesses[key] = guess
        return guess


def _base_forms(key: str) -> list[str]:
    """Candidate base forms of an inflected word: masculine singular (``nulles`` -> ``nulle``)
    or, for a verb, the form the lexicon lists (``bloquent``, ``bloquait`` -> ``bloque``,
    ``dérangeait`` -> ``dérange``, ``regretterais`` -> ``regrette``)."""
    if len(key) < 5:
        return []
    forms = []
    for suffix, replacement in INFLECTIONS:
        if key.endswith(suffix):
            forms.append(key[: -len(suffix)] + replacement)
    return forms


def _star_run(raw: str) -> Token:
    """``★★★★☆``, ``⭐⭐``: filled stars out of the run's length, or out of 5 without ``☆``."""
    stars = raw.replace("\ufe0f", "")
    filled = len(stars) - stars.count("☆")
    scale = len(stars) if "☆" in stars else max(5, filled)
    token = _rating(f"{min(filled, scale)}/{scale}")
    token.text = raw
    return token


_NUMBER_WORDS = {"une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5}


def _rating(raw: str) -> Token:
    """``1/5``, ``10/10``, ``5 étoiles``: a score the author gave, read as a valence."""
    numbers = re.findall(r"\d+(?:[.,]\d)?", raw) or [str(_NUMBER_WORDS[raw.split()[0].lower()])]
    score = float(numbers[0].replace(",", "."))
    scale = float(numbers[1]) if len(numbers) > 1 else 5.0
    token = Token(RATING, "rating", raw)
    if score <= scale:
        token.valence = max(-3.0, min(3.0, (score / scale - 0.6) * 10))
    return token


@lru_cache(maxsize=1)
def _default_model() -> _Model:
    return _Model(_shipped_data())


class FrenchSentiment:
    """VADER-style sentiment for French text.

    ``overrides`` maps a word or phrase to a valence on VADER's -4..+4 scale (a brand's own
    vocabulary: ``{"killer": 2.0}``); they replace lexicon entries, matched on folded forms, and
    0 makes a word neutral. Words the rules own (negations, intensifiers, ``super``, ``trop``)
    keep their role. Data is loaded on first use and shared within the process; instances are
    thread-safe and pickle as their overrides only, so they can be sent to worker processes.
    """

    def __init__(self, overrides: Mapping[str, float] | None = None) -> None:
        self._overrides = {str(k): float(v) for k, v in (overrides or {}).items()}
        self._model: _Model | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"overrides": self._overrides}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._overrides = dict(state["overrides"])
        self._model = None
        self._lock = threading.Lock()

    def _get_model(self) -> _Model:
        model = self._model
        if model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._build_model()
                model = self._model
        return model

    def _build_model(self) -> _Model:
        if not self._overrides:
            return _default_model()
        shipped = _shipped_data()
        overridden = {fold(form) for form in self._overrides}
        accented = {k: v for k, v in shipped.accented.items() if fold(k) not in overridden}
        data = _Data(
            words=dict(shipped.words),
            phrases=dict(shipped.phrases),
            emoji=shipped.emoji,
            accented=accented,
        )
        for form, value in self._overrides.items():
            _add_entry(data, form, value)
        return _Model(data)

    def tokenize(self, text: str) -> list[Token]:
        """The tokens the analyzer reads in ``text``, phrases merged, before any rule applies:
        how a word class or lexicon entry must be written to be found."""
        return self._get_model().tokenize(text)

    def polarity(self, text: str) -> float:
        """Compound score of ``text`` in [-1, 1]: <= -0.05 negative, >= 0.05 positive."""
        if not text or not text.strip():
            return 0.0
        model = self._get_model()
        tokens = model.tokenize(text)
        model.assign_valences(tokens)
        words = [t for t in tokens if t.kind == WORD and any(c.isalpha() for c in t.text)]
        caps_emphasis = any(t.caps for t in words) and not all(t.caps for t in words)
        who = speaker.who_speaks(tokens, text)
        keys = frozenset(t.key for t in tokens)
        rules.apply_word_rules(tokens, keys, caps_emphasis)
        negation.apply_negation(tokens)
        facts.apply_facts(tokens, keys, who.personal)
        voice.apply_voice(tokens, keys, who)
        discourse.apply_discourse(tokens, keys)
        verdict.apply_winks(tokens)
        verdict.apply_conclusion(tokens, keys)
        total = verdict.settle(tokens, keys, sum(t.valence * t.weight for t in tokens))
        total += discourse.punctuation_emphasis(text, total)
        return round(discourse.normalize(total), 4)
