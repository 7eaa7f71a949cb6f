"""Sentiment corrections (issue 15): how much a model learned from N labelled texts helps.

``python benchmarks/corrections.py`` splits each labelled set in two halves (shuffled, fixed
seeds), imports N texts of the first half as corrections into a fresh SQLite database, trains
that language's model as a scan's start does (``scan.learning.current_models``), and scores
the second half: 3-class accuracy of the lexicon analyzer alone vs the lexicon adjusted by
the model, at N = 100, 500, 2,000 (at most the half), averaged over the seeds.

Sets: the French development sets of ``tests/data/sentiment_fr/`` (the blind ``holdout4`` is
never opened) and the VADER paper's 4,200 tweets in ``../shared`` (gold: the sign of the mean
human rating; skipped when ../shared is absent). Only totals are printed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from brandwatch_cli import sentiment  # noqa: E402
from brandwatch_cli.scan.learning import current_models  # noqa: E402
from brandwatch_cli.sentiment.learned import adjusted  # noqa: E402
from brandwatch_cli.store import MentionStore  # noqa: E402

FRENCH = ROOT / "tests" / "data" / "sentiment_fr"
FRENCH_SETS = ("dev", "holdout", "dev2", "holdout2", "dev3", "holdout3", "dev4")
TWEETS = ROOT / ".." / "shared" / "data" / "sentiment" / "vader-groundtruth"
TWEETS_FILE = TWEETS / "tweets_GroundTruth.txt"
SIZES = (100, 500, 2000)


def french() -> list[tuple[str, str]]:
    rows = []
    for name in FRENCH_SETS:
        for line in (FRENCH / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
            if line.strip():
                label, text = line.split("\t", 1)
                rows.append((text, label))
    return rows


def tweets() -> list[tuple[str, str]]:
    rows = []
    for line in TWEETS_FILE.read_text(encoding="utf-8").splitlines():
        _, rating, text = line.split("\t", 2)
        value = float(rating)
        rows.append((text, "positive" if value > 0 else "negative" if value < 0 else "neutral"))
    return rows


def curve(name: str, language: str, rows: list[tuple[str, str]], seeds: int) -> None:
    half = len(rows) // 2
    sizes = sorted({min(n, half) for n in SIZES})
    lexicon_hits = 0.0
    learned_hits = dict.fromkeys(sizes, 0.0)
    seconds = dict.fromkeys(sizes, 0.0)
    for seed in range(seeds):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        taught, test = shuffled[:half], shuffled[half:]
        read = [(text, gold, sentiment.analyze(text, language)) for text, gold in test]
        lexicon_hits += sum(r.label == gold for _, gold, r in read) / len(read)
        for size in sizes:
            with tempfile.TemporaryDirectory() as folder:
                store = MentionStore.open(Path(folder) / "mentions.db")
                try:
                    store.add_corrections(
                        [(text, gold, language) for text, gold in taught[:size]],
                        datetime.now(UTC),
                        "benchmark",
                    )
                    started = time.perf_counter()
                    model = current_models(store, ())[language]
                    seconds[size] += time.perf_counter() - started
                finally:
                    store.close()
            hits = sum(adjusted(model, text, r).label == gold for text, gold, r in read)
            learned_hits[size] += hits / len(read)
    print(f"\n{name}: {len(rows)} texts, halves of {half}, {seeds} seeds")
    print(f"  {'corrections':>12}  {'lexicon':>8}  {'learned':>8}  {'training':>9}")
    for size in sizes:
        print(
            f"  {size:>12,}  {lexicon_hits / seeds:>8.3f}  {learned_hits[size] / seeds:>8.3f}"
            f"  {seconds[size] / seeds:>8.2f}s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="Shuffles averaged (default 3).")
    args = parser.parse_args()
    curve("French sets (tests/data/sentiment_fr, development)", "fr", french(), args.seeds)
    if TWEETS_FILE.exists():
        curve("VADER tweets (../shared)", "en", tweets(), args.seeds)
    else:
        print("\nVADER tweets: skipped (../shared/data/sentiment is absent)")


if __name__ == "__main__":
    main()
