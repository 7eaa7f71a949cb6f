"""Whether a mention is about us, learned from one database's labels (issue 15):
``mark --relevant`` / ``--irrelevant``.

Logistic regression (``sentiment.learned.fit``, numpy only) over hashed word uni- and bigrams
and character 3- to 5-grams of the title and text, plus the mention's source, domain and author,
and its words conjoined with each keyword it matched. A keyword with enough labels of its own gets
its own model: "orange juice" is noise for Orange and the point for Tropicana, and one model for
both, even with the keyword-conjoined words, let Tropicana's labels keep Orange's fruit posts
(``benchmarks/relevance.py --scopes``: precision 0.86 with one model, 0.92 with one per
keyword, at the same recall). The others are scored by the database's model, trained on every
label, so a keyword with a handful of labels is scored at once.

Pure functions: no store, no file, nothing downloaded; the weights travel as JSON, kept in the
user's database. The score is P(relevant) in [0, 1]; a labelled mention's is its label's.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from brandwatch_cli.insight.rules import term_key

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# numpy and the learned models' arithmetic (``sentiment.learned``) are imported by what uses
# them, not here: a scan of a database without labels reads this module (what a label is, the
# mutes) and never needs them (numpy alone is about a fifth of a scan's start-up).

LABELS = ("irrelevant", "relevant")
#: The model is trained once there are this many labels of each kind (README: Relevance).
MIN_PER_LABEL = 20
#: Below this relevance a mention is noise, unless the config says otherwise.
DEFAULT_THRESHOLD = 0.5
EPOCHS = 60
PENALTY = 1e-3
#: An error on a relevant example costs this much more than one on an irrelevant one: hiding
#: a real mention (a customer's complaint) is worse than showing a namesake.
RELEVANT_WEIGHT = 2.0
#: Bump when the features change: stored models are then trained again.
VERSION = "1"

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Example:
    """What the model reads of a mention."""

    title: str
    text: str
    source: str = ""
    domain: str | None = None
    author: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class RelevanceModel:
    """Weights: ``rows`` the sorted hashed features seen in training, ``weights`` theirs per
    label (LABELS order), ``bias`` the labels' biases."""

    rows: NDArray[np.int64]
    weights: NDArray[np.float64]
    bias: NDArray[np.float64]
    examples: int
    fingerprint: str

    def to_json(self) -> str:
        """The model as JSON text (arrays as base64), for the database."""
        from brandwatch_cli.sentiment.learned import pack

        return json.dumps(
            {
                "rows": pack(self.rows.astype("<i8")),
                "weights": pack(self.weights.astype("<f4")),
                "bias": self.bias.tolist(),
                "examples": self.examples,
                "fingerprint": self.fingerprint,
            }
        )

    @classmethod
    def from_json(cls, raw: str) -> RelevanceModel:
        import numpy as np

        from brandwatch_cli.sentiment.learned import unpack_rows, unpack_weights

        data = json.loads(raw)
        rows = unpack_rows(data["rows"])
        return cls(
            rows,
            unpack_weights(data["weights"], len(rows), len(LABELS)),
            np.array(data["bias"], dtype=np.float64),
            int(data["examples"]),
            str(data["fingerprint"]),
        )


def features(example: Example) -> list[int]:
    """The hashed features of a mention (see the module's docstring)."""
    from brandwatch_cli.sentiment.learned import grams, hashed

    body = f"{example.title}\n{example.text}"
    names = grams(body)
    names += [f"s {example.source}", f"d {example.domain or ''}", f"a {example.author or ''}"]
    words = set(_WORD.findall(unicodedata.normalize("NFC", body).casefold()))
    for keyword in example.keywords:
        folded = keyword.casefold()
        names += [f"k {folded}"] + [f"kw {folded} {word}" for word in words]
    return hashed(names)


def missing(labels: Sequence[str]) -> dict[str, int]:
    """How many more labels of each kind a model needs (empty: enough)."""
    counts = Counter(labels)
    return {
        label: MIN_PER_LABEL - counts[label] for label in LABELS if counts[label] < MIN_PER_LABEL
    }


def train(examples: Sequence[tuple[Example, str]], fingerprint: str = "") -> RelevanceModel:
    """A model from ``(mention, label)`` examples, labels among LABELS."""
    import numpy as np

    from brandwatch_cli.sentiment.learned import fit

    rows, weights, _, bias = fit(
        [features(example) for example, _ in examples],
        [LABELS.index(label) for _, label in examples],
        len(LABELS),
        np.zeros((len(examples), 0)),
        np.zeros((0, len(LABELS))),
        dense_penalty=0.0,
        text_penalty=PENALTY,
        epochs=EPOCHS,
        class_weights=(1.0, RELEVANT_WEIGHT),
    )
    return RelevanceModel(rows, weights, bias, len(examples), fingerprint)


def relevance(model: RelevanceModel, example: Example) -> float:
    """P(relevant) of a mention, in [0, 1]."""
    from brandwatch_cli.sentiment.learned import softmax, text_logits

    probs = softmax(model.bias + text_logits(model.rows, model.weights, features(example)))
    return float(probs[1])


@dataclass(frozen=True)
class RelevanceModels:
    """The database's model (None until it has enough labels) and the models of keywords
    with enough labels of their own."""

    database: RelevanceModel | None = None
    keywords: Mapping[str, RelevanceModel] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.database is not None or bool(self.keywords)

    @property
    def fingerprint(self) -> str:
        """What the models learned from, all of them: a change means scores are stale."""
        own = sorted((name, model.fingerprint) for name, model in self.keywords.items())
        return repr((self.database.fingerprint if self.database else None, own))


def score(models: RelevanceModels, example: Example) -> float | None:
    """A mention's relevance: for each of its keywords, that keyword's model if it has one,
    else the database's; the highest (about any of them is about us). None: no model."""
    chosen = {
        id(model): model
        for model in (models.keywords.get(k, models.database) for k in example.keywords)
        if model is not None
    }
    if not example.keywords and models.database is not None:
        chosen[id(models.database)] = models.database
    if not chosen:
        return None
    return max(relevance(model, example) for model in chosen.values())


@dataclass(frozen=True)
class Mute:
    """An explicit exclusion (``brandwatch mute``): every field given must hold."""

    id: int
    source: str | None = None
    domain: str | None = None
    author: str | None = None
    phrase: str | None = None
    keyword: str | None = None


def muted(mutes: Sequence[Mute], example: Example) -> bool:
    """Whether a mute holds for a mention: its source, domain (or a subdomain of it), author
    (case folded), keyword, and phrase (matched as a rule's ``term``: whole words, case,
    accents, plurals and elisions folded)."""
    said: str | None = None
    for mute in mutes:
        if mute.source is not None and example.source != mute.source:
            continue
        domain = (example.domain or "").casefold()
        wanted = (mute.domain or "").casefold()
        if mute.domain is not None and domain != wanted and not domain.endswith(f".{wanted}"):
            continue
        if mute.author is not None and (example.author or "").casefold() != mute.author.casefold():
            continue
        if mute.keyword is not None and mute.keyword not in example.keywords:
            continue
        if mute.phrase is not None:
            if said is None:
                said = f" {term_key(example.title)} {term_key(example.text)} "
            key = term_key(mute.phrase)
            if not key or f" {key} " not in said:
                continue
        return True
    return False
