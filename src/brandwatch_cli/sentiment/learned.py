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
                "rows": _pack(self.rows.astype("<i8")),
                "text": _pack(self.text.astype("<f4")),
                "lexicon": self.lexicon.tolist(),
                "bias": self.bias.tolist(),
                "examples": self.examples,
                "fingerprint": self.fingerprint,
            }
        )

    @classmethod
    def from_json(cls, raw: str) -> LearnedModel:
        data = json.loads(raw)
        rows = np.frombuffer(base64.b64decode(data["rows"]), dtype="<i8").astype(np.int64)
        text = np.frombuffer(base64.b64decode(data["text"]), dtype="<f4").astype(np.float64)
        return cls(
            data["language"],
            rows,
            text.reshape(len(rows), len(LABELS)),
            np.array(data["lexicon"], dtype=np.float64),
            np.array(data["bias"], dtype=np.float64),
            int(data["examples"]),
            str(data["fingerprint"]),
        )


def _pack(array: NDArray[np.generic]) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


def features(text: str) -> list[int]:
    """The hashed features of ``text``: casefolded word uni- and bigrams (punctuation runs
    such as ``!!!`` or ``:)`` are words) and the character 3- to 5-grams of each word."""
    folded = unicodedata.normalize("NFC", text).casefold()
    tokens = _TOKEN.findall(folded)
    grams = [f"w {t}" for t in tokens]
    grams += [f"b {a} {b}" for a, b in pairwise(tokens)]
    for token in tokens:
        padded = f" {token} "
        for size in (3, 4, 5):
            grams += [f"c {padded[i : i + size]}" for i in range(len(padded) - size + 1)]
    return sorted({zlib.crc32(g.encode()) % DIMENSIONS for g in grams})


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
    hashed = [features(text) for text, _, _ in examples]
    rows = np.array(sorted({f for fs in hashed for f in fs}), dtype=np.int64)
    columns = [np.searchsorted(rows, np.array(fs, dtype=np.int64)) for fs in hashed]
    lengths = np.array([len(c) for c in columns])
    flat = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(examples)), lengths)
    values = np.repeat(1 / np.sqrt(np.maximum(lengths, 1)), lengths)
    dense = np.array([lexicon_features(score) for _, _, score in examples]).reshape(-1, 3)
    target = np.zeros((len(examples), len(LABELS)))
    target[np.arange(len(examples)), [LABELS.index(label) for _, label, _ in examples]] = 1
    text = np.zeros((len(rows), len(LABELS)))
    lexicon = _LEXICON_PRIOR.copy()
    bias = np.zeros(len(LABELS))
    state = [np.zeros_like(text), np.zeros_like(lexicon), np.zeros_like(bias)]
    count = max(len(examples), 1)
    for _ in range(EPOCHS):
        logits = _text_logits(text, flat, owner, values, len(examples))
        probs = _softmax(logits + dense @ lexicon + bias)
        error = (probs - target) / count
        grads = [
            _text_gradient(error, flat, owner, values, len(rows)) + TEXT_PENALTY * text,
            dense.T @ error + LEXICON_PENALTY * (lexicon - _LEXICON_PRIOR),
            error.sum(axis=0),
        ]
        for weights, grad, seen in zip((text, lexicon, bias), grads, state, strict=True):
            seen += grad * grad  # AdaGrad: rare features move as fast as common ones
            weights -= 0.5 * grad / (np.sqrt(seen) + 1e-8)
    return LearnedModel(language, rows, text, lexicon, bias, len(examples), fingerprint)


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


def _softmax(logits: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=-1, keepdims=True))


def probabilities(model: LearnedModel, text: str, score: float) -> NDArray[np.float64]:
    """P(negative), P(neutral), P(positive) of ``text`` whose lexicon score is ``score``."""
    wanted = np.array(features(text), dtype=np.int64)
    at = np.searchsorted(model.rows, wanted)
    at = at[at < len(model.rows)]
    known = at[model.rows[at] == wanted[: len(at)]] if len(at) else at
    logits = model.bias + lexicon_features(score) @ model.lexicon
    if len(known):
        logits = logits + model.text[known].sum(axis=0) / np.sqrt(len(wanted))
    return _softmax(logits)


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
