"""The phrases of a text and which ones characterise a set of texts: the word level of themes
and of explained spikes.

A phrase is 1 to ``MAX_WORDS`` consecutive words of one clause (never across punctuation),
folded (case, accents), with French elisions and English possessives cut ("l'application" is
"application", "Acme's" is "acme") and plurals merged ("livraisons" and "Livraison" are one
phrase, keyed "livraison"): its *key*. A phrase never starts or ends with a stop word
(``data/stopwords.txt``, French and English), nor with a number; a stop word inside is kept
("rupture de stock"). People read the *surface* form written most often.

Which phrases characterise a set: the weighted log-odds ratio with an informative Dirichlet
prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words", eq. 16-22), a z-score that is large
when a phrase is more frequent in the focus than in the background beyond what its counts can
tell by chance. Counts are documents (mentions containing the phrase), so one long text
repeating a word is one voice. Pure functions: texts in, numbers out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from brandwatch_cli.text import fold

MAX_WORDS = 3
#: French elisions: the word is what follows the apostrophe.
ELISIONS = frozenset({"c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu"})
#: A clause ends here: a phrase never spans one of these.
_CLAUSE_RE = re.compile(r"[.!?;:,()\[\]{}\"«»“”|/\\…–—•·\n\r\t]+|\s-\s|https?://\S+|www\.\S+")
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
#: A final "s" is not a plural after these endings ("colis", "avis", "stress")...
_KEEP_S = ("ss", "is")
#: ... nor in these words (participles such as "perdus", "vendus" and "photos" are plurals).
# fmt: off
_KEEP_WORDS = frozenset({
    "news", "series", "species", "always", "perhaps", "thanks", "sans", "bus", "virus", "campus",
    "bonus", "status", "focus", "processus", "consensus", "corpus", "terminus", "cactus", "gros",
    "dos", "repos", "propos", "chaos", "kudos",
})
# fmt: on


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The folded stop words of ``data/stopwords.txt`` (French, English, web debris)."""
    table = resources.files("brandwatch_cli").joinpath("data", "stopwords.txt")
    words: set[str] = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(fold(line).split())
    return frozenset(words)


def word_key(word: str) -> str:
    """One folded word's key: plurals merged with their singular ("livraisons" -> "livraison",
    "deliveries" -> "delivery"), words that only look plural left alone ("colis", "news")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith(("s", "x")) and word not in _KEEP_WORDS:
        if word.endswith("aux") and len(word) > 4:
            return word  # "travaux", "journaux": no rule merges them safely
        if word.endswith("x") or word.endswith(_KEEP_S):
            return word
        return word[:-1]
    return word


#: A token's word: (surface, folded, key, whether a phrase may start on it, end on it).
Word = tuple[str, str, str, bool, bool]
#: Tokens already read (a dict, cleared when full: cheaper to consult than an lru_cache).
_WORDS: dict[str, Word] = {}
_WORDS_MAX = 200_000


def _word(token: str) -> Word:
    """(surface, folded word, key, may start, may end) of a lower-cased token: elisions and
    possessives cut; a phrase never starts or ends on a stop word or a number, nor ends on
    a single letter."""
    found = _WORDS.get(token)
    if found is not None:
        return found
    surface = token
    if "'" in surface:
        head, _, tail = surface.partition("'")
        if fold(head) in ELISIONS:
            surface = tail
        elif tail == "s":
            surface = head
    folded = fold(surface)
    starts = not (folded in stop_words() or folded.isdigit())
    found = (surface, folded, word_key(folded), starts, starts and len(folded) >= 2)
    if len(_WORDS) >= _WORDS_MAX:
        _WORDS.clear()
    _WORDS[token] = found
    return found


def words(clause: str) -> list[str]:
    """The folded words of a clause, elisions and possessives cut."""
    return [_word(token)[1] for token in _WORD_RE.findall(clause.lower())]


def phrases(
    text: str, *, exclude: frozenset[str] = frozenset(), max_words: int = MAX_WORDS
) -> dict[str, str]:
    """key -> surface form (lower case, accents kept) of every distinct phrase of ``text``. A
    phrase containing a word whose key is in ``exclude`` (a keyword's own terms) is left out."""
    found: dict[str, str] = {}
    lowered = text.lower().replace("’", "'").replace("‘", "'")
    word = _WORDS.get
    for clause in _CLAUSE_RE.split(lowered):
        tokens = [word(token) or _word(token) for token in _WORD_RE.findall(clause)]
        size = len(tokens)
        for start, (surface, _, key, starts, ends) in enumerate(tokens):
            if not starts or key in exclude:
                continue
            if ends and key not in found:
                found[key] = surface
            for end in range(start + 1, min(start + max_words, size)):
                next_surface, _, next_key, _, next_ends = tokens[end]
                if next_key in exclude:
                    break
                key = f"{key} {next_key}"
                surface = f"{surface} {next_surface}"
                if next_ends and key not in found:
                    found[key] = surface
    return found


@dataclass
class PhraseCounts:
    """In how many documents of a set each phrase occurs, and how people wrote it."""

    documents: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    #: (key, surface form) -> in how many documents the key was written so.
    written: Counter[tuple[str, str]] = field(default_factory=Counter)
    _forms: dict[str, Counter[str]] = field(default_factory=dict, repr=False, compare=False)
    _forms_of: int = field(default=-1, repr=False, compare=False)  # documents when built

    def add(self, text: str, *, exclude: frozenset[str] = frozenset()) -> dict[str, str]:
        """Count one document; its phrases (key -> surface) are returned for the caller's
        own bookkeeping (examples, co-occurrence)."""
        found = phrases(text, exclude=exclude)
        self.documents += 1
        self.counts.update(found.keys())
        self.written.update(found.items())
        return found

    @property
    def surfaces(self) -> dict[str, Counter[str]]:
        """key -> how often each of its forms was written (grouped when first asked for
        after a document was added: counting pairs as they come is a third cheaper)."""
        if self._forms_of != self.documents:
            forms: dict[str, Counter[str]] = {}
            for (key, surface), count in self.written.items():
                forms.setdefault(key, Counter())[surface] = count
            self._forms, self._forms_of = forms, self.documents
        return self._forms

    def surface(self, key: str) -> str:
        """The form of ``key`` written most often (ties: the first in alphabetical order)."""
        forms = self.surfaces.get(key)
        if not forms:
            return key
        return min(forms.items(), key=lambda item: (-item[1], item[0]))[0]


def count_phrases(texts: Iterable[str], *, exclude: frozenset[str] = frozenset()) -> PhraseCounts:
    """Document counts of every phrase over ``texts``."""
    counted = PhraseCounts()
    for text in texts:
        counted.add(text, exclude=exclude)
    return counted


def exclusions(terms: Iterable[str]) -> frozenset[str]:
    """The word keys of a keyword's own terms (its name, variants, query words): a phrase
    containing one is the keyword itself, never a theme."""
    keys: set[str] = set()
    for term in terms:
        for token in _WORD_RE.findall(term.lower().replace("\u2019", "'")):
            keys.add(_word(token)[2])
    return frozenset(keys - stop_words())


def log_odds(
    focus: Mapping[str, int],
    background: Mapping[str, int],
    prior: Mapping[str, int] | None = None,
    *,
    prior_size: float = 500.0,
) -> dict[str, float]:
    """z-score of each phrase of ``focus``: its weighted log-odds in ``focus`` against
    ``background`` with an informative Dirichlet prior (``prior``, default the two summed,
    scaled to ``prior_size`` pseudo-counts). Positive: over-represented in ``focus``."""
    if prior is None:
        prior = Counter(focus) + Counter(background)
    prior_total = sum(prior.values()) or 1
    scale = prior_size / prior_total
    n_focus = sum(focus.values())
    n_background = sum(background.values())
    scores = {}
    for key, y_focus in focus.items():
        alpha = max(prior.get(key, 0) * scale, 0.01)
        y_back = background.get(key, 0)
        odds_focus = (y_focus + alpha) / max(n_focus + prior_size - y_focus - alpha, 1e-9)
        odds_back = (y_back + alpha) / max(n_background + prior_size - y_back - alpha, 1e-9)
        delta = math.log(odds_focus) - math.log(odds_back)
        variance = 1.0 / (y_focus + alpha) + 1.0 / (y_back + alpha)
        scores[key] = delta / math.sqrt(variance)
    return scores


def document_log_odds(
    focus: PhraseCounts,
    background: PhraseCounts,
    keys: Iterable[str],
    *,
    prior_size: float = 100.0,
) -> dict[str, float]:
    """``log_odds`` over mentions rather than words: z-score of the log-odds that a mention of
    ``focus`` holds each phrase of ``keys``, against the same in ``background``, with an
    informative Beta prior (the phrase's share of both sets pooled, ``prior_size``
    pseudo-mentions). Two sets whose texts differ in length then compare fairly: a phrase in
    every mention of both scores 0, where ``log_odds``, whose totals are phrase counts, would
    favour the set with fewer phrases per text. The prior weighs at most a tenth of the
    mentions compared: a hundred pseudo-mentions would drown a small brand's week (15 of 56
    against 2 of 34 would not stand out)."""
    n_focus, n_background = focus.documents, background.documents
    total = n_focus + n_background
    prior_size = min(prior_size, max(1.0, total / 10))
    scores = {}
    for key in keys:
        y_focus = focus.counts.get(key, 0)
        y_back = background.counts.get(key, 0)
        share = (y_focus + y_back) / total if total else 0.0
        alpha = share * prior_size + 0.01
        beta = (1 - share) * prior_size + 0.01
        delta = math.log((y_focus + alpha) / (n_focus - y_focus + beta)) - math.log(
            (y_back + alpha) / (n_background - y_back + beta)
        )
        variance = (
            1 / (y_focus + alpha)
            + 1 / (n_focus - y_focus + beta)
            + 1 / (y_back + alpha)
            + 1 / (n_background - y_back + beta)
        )
        scores[key] = delta / math.sqrt(variance)
    return scores


def characteristic(
    focus: PhraseCounts,
    background: PhraseCounts,
    *,
    min_count: int = 3,
    top: int = 20,
    prior: Mapping[str, int] | None = None,
) -> list[tuple[str, float]]:
    """The ``top`` phrases of ``focus`` most over-represented against ``background`` (key,
    z-score), strongest first; only phrases in at least ``min_count`` documents, only
    positive scores. A phrase that only repeats a longer one it is part of (every "colis" is
    in "colis perdu") gives way to the longer one."""
    frequent = {key: count for key, count in focus.counts.items() if count >= min_count}
    if not frequent:
        return []
    scores = log_odds(frequent, background.counts, prior)
    ranked = sorted(
        ((key, score) for key, score in scores.items() if score > 0),
        key=lambda item: (-item[1], item[0]),
    )
    return _without_parts(ranked, focus.counts)[:top]


def _without_parts(
    ranked: list[tuple[str, float]], counts: Mapping[str, int]
) -> list[tuple[str, float]]:
    """Drop a phrase contained in a longer ranked phrase that occurs (almost) as often: it
    says nothing the longer one does not."""
    longer = [key for key, _ in ranked if " " in key]
    kept = []
    for key, score in ranked:
        padded = f" {key} "
        swallowed = any(
            other != key
            and padded in f" {other} "
            and counts.get(other, 0) >= 0.8 * counts.get(key, 0)
            for other in longer
        )
        if not swallowed:
            kept.append((key, score))
    return kept
