"""Accuracy floors, through the real `brandwatch sentiment` command (language detection included).

English: the VADER paper's 4,200 ground-truth tweets (../shared; skipped when absent) must score
as vaderSentiment itself does, to within the few English tweets read as another language.
French: the labelled sets written for this project, including two never used for tuning.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from helpers import SHARED

TWEETS = SHARED / "data" / "sentiment" / "vader-groundtruth" / "tweets_GroundTruth.txt"
FRENCH = Path(__file__).parent / "data" / "sentiment_fr"


def run_sentiment(cli, monkeypatch, texts, *args):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(texts) + "\n"))
    result = cli("sentiment", "--format", "jsonl", *args)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == texts
    return rows


@pytest.mark.skipif(not TWEETS.exists(), reason="../shared/data/sentiment is absent")
def test_english_tweets_score_as_vader_does(cli, monkeypatch):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from brandwatch_cli.sentiment import label

    rows = [line.split("\t", 2) for line in TWEETS.read_text(encoding="utf-8").splitlines()]
    gold = [
        "positive" if float(r) > 0 else "negative" if float(r) < 0 else "neutral"
        for _, r, _ in rows
    ]
    texts = [t for _, _, t in rows]
    vader = SentimentIntensityAnalyzer()
    reference = sum(
        label(vader.polarity_scores(t)["compound"]) == g for t, g in zip(texts, gold, strict=True)
    )
    ours = run_sentiment(cli, monkeypatch, texts)
    correct = sum(r["sentiment_label"] == g for r, g in zip(ours, gold, strict=True))
    assert round(reference / len(texts), 3) == 0.921  # the paper's setup, reproduced
    assert correct >= reference - 6  # at most a handful of tweets read as another language
    assert sum(r["language"] in (None, "en") for r in ours) / len(ours) >= 0.995


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("dev.tsv", 0.97),
        ("holdout.tsv", 0.97),
        ("dev2.tsv", 0.95),
        ("holdout2.tsv", 0.95),
        ("dev3.tsv", 0.93),
        ("holdout3.tsv", 0.93),
        ("dev4.tsv", 0.95),
        ("holdout4.tsv", 0.88),  # the blind set, never tuned on: 0.902 when first scored
        ("dev_tweets.tsv", 0.90),  # issue 15 item 5's tuning sets: 0.929 and 0.908
        ("dev_reviews.tsv", 0.88),
        # Issue 15 item 5's blind sets, never tuned on (before -> after the item's changes).
        ("blind_tweets.tsv", 0.87),  # 0.862 -> 0.898
        ("blind_reviews_long.tsv", 0.60),  # 0.608 -> 0.633
        ("blind_3star.tsv", 0.92),  # 0.708 -> 0.950
    ],
)
def test_french_accuracy_floor(cli, monkeypatch, name, floor):
    path = FRENCH / name
    pairs = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if line]
    rows = run_sentiment(cli, monkeypatch, [text for _, text in pairs])
    assert sum(r["language"] == "fr" for r in rows) >= 0.97 * len(rows)
    correct = sum(r["sentiment_label"] == gold for r, (gold, _) in zip(rows, pairs, strict=True))
    assert correct / len(pairs) >= floor
