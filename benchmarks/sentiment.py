"""Benchmark: `brandwatch sentiment` accuracy on the VADER paper's ground truth, and throughput.

Accuracy: 3-class (thresholds +-0.05; the gold label is the sign of the mean human rating) on
the four ground-truth sets of ../shared/data/sentiment/vader-groundtruth, for vaderSentiment
itself and for `brandwatch sentiment` (language detection included: a text read as another
language is scored by that language's analyzer, or not at all).

Throughput: `brandwatch sentiment --format jsonl` run as a user runs it, on 10,000 texts on
stdin (English tweets and French mentions), against vaderSentiment alone in this process on
the same texts (the ratio is what to read: these machines are noisy).

    python benchmarks/sentiment.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROUND = ROOT.parent / "shared" / "data" / "sentiment" / "vader-groundtruth"
FRENCH = ROOT / "tests" / "data" / "sentiment_fr" / "dev.tsv"
SETS = ("tweets", "amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets")


def gold(rating: str) -> str:
    value = float(rating)
    return "positive" if value > 0 else "negative" if value < 0 else "neutral"


def read_ground(name: str) -> list[tuple[str, str]]:
    path = GROUND / f"{name}_GroundTruth.txt"
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3:
            rows.append((gold(parts[1]), parts[2].replace("\n", " ")))
    return rows


def main() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from brandwatch_cli import sentiment
    from brandwatch_cli.language import detect_language

    vader = SentimentIntensityAnalyzer()
    if GROUND.exists():
        print("3-class accuracy (gold = sign of the mean rating, thresholds +-0.05)")
        print(f"{'set':<22}{'texts':>7}{'vaderSentiment':>16}{'brandwatch':>12}{'read as en':>12}")
        for name in SETS:
            rows = read_ground(name)
            plain = sum(sentiment.label(vader.polarity_scores(t)["compound"]) == g for g, t in rows)
            ours = english = 0
            for label, text in rows:
                language = detect_language(text)
                english += language in (None, "en")
                ours += sentiment.analyze(text, language).label == label
            print(
                f"{name:<22}{len(rows):>7}{plain / len(rows):>16.3f}{ours / len(rows):>12.3f}"
                f"{english / len(rows):>12.1%}"
            )
    else:
        print(f"{GROUND} is absent: accuracy skipped")

    texts = [t for _, t in read_ground("tweets")] if GROUND.exists() else []
    if FRENCH.exists():
        texts += [
            line.split("\t", 1)[1] for line in FRENCH.read_text().splitlines() if "\t" in line
        ]
    texts = [t for t in texts if t.strip()] or ["I love it", "Je n'aime pas du tout"]
    batch = (texts * (10_000 // len(texts) + 1))[:10_000]

    started = time.perf_counter()
    for text in batch:
        vader.polarity_scores(text)
    baseline = time.perf_counter() - started

    brandwatch = shutil.which("brandwatch") or str(Path(sys.executable).parent / "brandwatch")
    started = time.perf_counter()
    result = subprocess.run(
        [brandwatch, "sentiment", "--format", "jsonl"],
        input="\n".join(batch) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    lines = result.stdout.splitlines()
    assert len(lines) == len(batch), "one output line per input line"
    assert json.loads(lines[0])["text"] == batch[0]
    print(f"\nthroughput on {len(batch):,} texts (English tweets and French mentions):")
    print(
        f"  brandwatch sentiment (process, detection included): {len(batch) / elapsed:,.0f} texts/s"
    )
    print(
        f"  vaderSentiment alone, in this process:            {len(batch) / baseline:,.0f} texts/s"
    )
    print(f"  ratio: {baseline / elapsed:.2f}")


if __name__ == "__main__":
    main()
