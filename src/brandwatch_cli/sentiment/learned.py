"""A small sentiment model learned from one database's corrections, per language (issue 15).

Multinomial logistic regression (numpy only) over hashed word uni- and bigrams and character
3- to 5-grams, PLUS the lexicon analyzer's score as features: with few examples the model
mostly trusts the lexicon (its weights start as the lexicon's labels and are held near them),
with many the words it has seen take over. Pure functions: no store, no file, nothing
downloaded; the weights travel as JSON, kept in the user's database.

The label is the model's most probable class; the score is P(positive) - P(negative), held
within that label's band (so that ``sentiment.label(score)`` is the label reports count).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from brandwatch_cli.models import Sentiment

LABELS = ("negative", "neutral", "positive")
#: A language gets a model once it has this many corrections...
MIN_EXAMPLES = 30
#: ...of at least two labels with this many each (a label with fewer is rarely predicted).
MIN_PER_LABEL = 5
#: Hashed feature space (collisions are rare at the sizes corrections reach).
DIMENSIONS = 1 << 20
EPOCHS = 120
#: L2 penalty on the word weights, and how hard the lexicon weights are held to their start.
TEXT_PENALTY = 1e-3
LEXICON_PENALTY = 3e-2
#: A neutral label's score stays inside the neutral band (-0.05, 0.05).
NEUTRAL_SPAN = 0.04
POSITIVE_THRESHOLD = 0.05

_TOKEN = re.compile(r"\w+|[^\w\s]+")


@dataclass(frozen=True, eq=False)
class LearnedModel:
    """Weights for one language: ``rows`` are the sorted hashed features seen in training,
    ``text`` their weights per label, ``lexicon`` the weights of the lexicon features."""

    language: str
    rows: NDArray[np.int64]
    text: NDArray[np.float64]
    lexicon: NDArray[np.float64]
    bias: NDArray[np.float64]
    examples: int
    fingerprint: str

    def to_json(self) -> str:
        """The model as JSON text (arrays as base64), for the database."""
        return json.dumps(
            {
                "language": self.language,
                "rows": pack(self.rows.astype("<i8")),
                "text": pack(self.text.astype("<f4")),
                "lexicon": self.lexicon.tolist(),
                "bias": self.bias.tolist(),
                "examples": self.examples,
                "fingerprint": self.fingerprint,
            }
        )

    @classmethod
    def from_json(cls, raw: str) -> LearnedModel:
        data = json.loads(raw)
        rows = unpack_rows(data["rows"])
        return cls(
            data["language"],
            rows,
            unpack_weights(data["text"], len(rows), len(LABELS)),
            np.array(data["lexicon"], dtype=np.float64),
            np.array(data["bias"], dtype=np.float64),
            int(data["examples"]),
            str(data["fingerprint"]),
        )


def pack(array: NDArray[np.generic]) -> str:
    """An array as base64 text, for a model's JSON (``unpack_rows``, ``unpack_weights``)."""
    return base64.b64encode(array.tobytes()).decode("ascii")


def unpack_rows(packed: str) -> NDArray[np.int64]:
    """The feature rows ``pack`` wrote (little-endian int64)."""
    return np.frombuffer(base64.b64decode(packed), dtype="<i8").astype(np.int64)


def unpack_weights(packed: str, rows: int, labels: int) -> NDArray[np.float64]:
    """The (rows x labels) weights ``pack`` wrote as little-endian float32."""
    values = np.frombuffer(base64.b64decode(packed), dtype="<f4").astype(np.float64)
    return values.reshape(rows, labels)


def grams(text: str) -> list[str]:
    """The n-grams of ``text`` a model reads: casefolded word uni- and bigrams (punctuation
    runs such as ``!!!`` or ``:)`` are words) and the character 3- to 5-grams of each word."""
    folded = unicodedata.normalize("NFC", text).casefold()
    tokens = _TOKEN.findall(folded)
    found = [f"w {t}" for t in tokens]
    found += [f"b {a} {b}" for a, b in pairwise(tokens)]
    for token in tokens:
        padded = f" {token} "
        for size in (3, 4, 5):
            found += [f"c {padded[i : i + size]}" for i in range(len(padded) - size + 1)]
    return found


def hashed(names: Sequence[str]) -> list[int]:
    """Feature names as sorted, distinct hashed columns."""
    return sorted({zlib.crc32(g.encode()) % DIMENSIONS for g in names})


def features(text: str) -> list[int]:
    """The hashed features of ``text`` (see ``grams``)."""
    return hashed(grams(text))


def lexicon_features(score: float) -> NDArray[np.float64]:
    """The lexicon analyzer's say: its score and which side of the label bands it is on."""
    return np.array(
        [score, float(score >= POSITIVE_THRESHOLD), float(score <= -POSITIVE_THRESHOLD)]
    )


#: Where the lexicon weights start (and are held near): the lexicon's own labels.
_LEXICON_PRIOR = np.array(
    [
        [-1.0, 0.0, 1.0],  # score: lower is more negative
        [-1.5, -1.5, 1.5],  # positive band
        [1.5, -1.5, -1.5],  # negative band
    ]
)


def enough(labels: Sequence[str]) -> bool:
    """Whether these corrections are enough to learn from (see MIN_EXAMPLES)."""
    counts = Counter(labels)
    return len(labels) >= MIN_EXAMPLES and sum(c >= MIN_PER_LABEL for c in counts.values()) >= 2


def fingerprint(rows: Sequence[tuple[str, str]], salt: str = "") -> str:
    """Identifies a training set, ``(text, label)`` rows read by the analyzers ``salt`` names
    (their version): an unchanged set needs no new training, nor reading again."""
    digest = hashlib.sha256(salt.encode())
    for text, label in rows:
        digest.update(f"\n{label}\t{text}".encode())
    return digest.hexdigest()[:12]


def train(
    language: str, examples: Sequence[tuple[str, str, float]], fingerprint: str = ""
) -> LearnedModel:
    """A model from ``(text, label, lexicon score)`` examples (labels among LABELS), known
    by the ``fingerprint`` of its training set."""
    dense = np.array([lexicon_features(score) for _, _, score in examples]).reshape(-1, 3)
    labels = [LABELS.index(label) for _, label, _ in examples]
    rows, text, lexicon, bias = fit(
        [features(text) for text, _, _ in examples],
        labels,
        len(LABELS),
        dense,
        _LEXICON_PRIOR,
        dense_penalty=LEXICON_PENALTY,
    )
    return LearnedModel(language, rows, text, lexicon, bias, len(examples), fingerprint)


Weights = tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


def fit(
    hashed: Sequence[Sequence[int]],
    labels: Sequence[int],
    classes: int,
    dense: NDArray[np.float64],
    dense_start: NDArray[np.float64],
    *,
    dense_penalty: float,
    text_penalty: float = TEXT_PENALTY,
    epochs: int = EPOCHS,
    class_weights: Sequence[float] | None = None,
) -> Weights:
    """Multinomial logistic regression (AdaGrad, L2) over hashed features (each example's
    columns, weighted 1/sqrt(count)) and ``dense`` features held near ``dense_start``: the
    sorted feature rows seen, their weights per class, the dense weights and the biases.
    ``class_weights``: how much an error on an example of each class costs (default 1 each).
    Shared by the sentiment and relevance models."""
    count = len(hashed)
    rows = np.array(sorted({f for fs in hashed for f in fs}), dtype=np.int64)
    columns = [np.searchsorted(rows, np.array(fs, dtype=np.int64)) for fs in hashed]
    lengths = np.array([len(c) for c in columns], dtype=np.int64)
    flat = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(count), lengths)
    values = np.repeat(1 / np.sqrt(np.maximum(lengths, 1)), lengths)
    target = np.zeros((count, classes))
    target[np.arange(count), list(labels)] = 1
    text = np.zeros((len(rows), classes))
    dense_weights = dense_start.copy()
    bias = np.zeros(classes)
    state = [np.zeros_like(text), np.zeros_like(dense_weights), np.zeros_like(bias)]
    total = max(count, 1)
    cost = (np.array(class_weights)[list(labels)] if class_weights else np.ones(count))[:, None]
    for _ in range(epochs):
        logits = _text_logits(text, flat, owner, values, count)
        probs = softmax(logits + dense @ dense_weights + bias)
        error = cost * (probs - target) / total
        grads = [
            _text_gradient(error, flat, owner, values, len(rows)) + text_penalty * text,
            dense.T @ error + dense_penalty * (dense_weights - dense_start),
            error.sum(axis=0),
        ]
        for weights, grad, seen in zip((text, dense_weights, bias), grads, state, strict=True):
            seen += grad * grad  # AdaGrad: rare features move as fast as common ones
            weights -= 0.5 * grad / (np.sqrt(seen) + 1e-8)
    return rows, text, dense_weights, bias


def text_logits(
    rows: NDArray[np.int64], text: NDArray[np.float64], wanted: Sequence[int]
) -> NDArray[np.float64]:
    """What the hashed features ``wanted`` (sorted) add to each class's logit: the weights of
    those seen in training, over sqrt(their count), as ``fit`` weighs them."""
    found = np.array(wanted, dtype=np.int64)
    at = np.searchsorted(rows, found)
    at = at[at < len(rows)]
    known = at[rows[at] == found[: len(at)]] if len(at) else at
    if not len(known):
        return np.zeros(text.shape[1])
    return np.asarray(text[known].sum(axis=0) / np.sqrt(len(found)))


def _text_logits(
    text: NDArray[np.float64],
    flat: NDArray[np.int64],
    owner: NDArray[np.int64],
    values: NDArray[np.float64],
    count: int,
) -> NDArray[np.float64]:
    spread = text[flat] * values[:, None]
    return np.stack(
        [np.bincount(owner, spread[:, k], minlength=count) for k in range(text.shape[1])], axis=1
    )


def _text_gradient(
    error: NDArray[np.float64],
    flat: NDArray[np.int64],
    owner: NDArray[np.int64],
    values: NDArray[np.float64],
    rows: int,
) -> NDArray[np.float64]:
    spread = error[owner] * values[:, None]
    return np.stack(
        [np.bincount(flat, spread[:, k], minlength=rows) for k in range(error.shape[1])], axis=1
    )


def softmax(logits: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=-1, keepdims=True))


def probabilities(model: LearnedModel, text: str, score: float) -> NDArray[np.float64]:
    """P(negative), P(neutral), P(positive) of ``text`` whose lexicon score is ``score``."""
    logits = model.bias + lexicon_features(score) @ model.lexicon
    return softmax(logits + text_logits(model.rows, model.text, features(text)))


def predict(model: LearnedModel, text: str, score: float) -> tuple[float, str]:
    """The learned score in [-1, 1] and label of ``text`` (see the module's docstring)."""
    probs = probabilities(model, text, score)
    label = LABELS[int(np.argmax(probs))]
    difference = float(probs[2] - probs[0])
    if label == "neutral":
        return difference * NEUTRAL_SPAN, label
    if label == "positive":
        return max(POSITIVE_THRESHOLD, difference), label
    return min(-POSITIVE_THRESHOLD, difference), label


def adjusted(model: LearnedModel, text: str, result: Sentiment) -> Sentiment:
    """``result`` (the lexicon's reading of ``text``) as the model reads it."""
    score, label = predict(model, text, result.score)
    return Sentiment(round(score, 4), label, f"{result.method}+learned")
