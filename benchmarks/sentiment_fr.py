"""French sentiment: our analyzer against vaderSentiment-fr, on the labelled French sets.

``python benchmarks/sentiment_fr.py`` prints, for the labelled sets of ``tests/data/sentiment_fr/``
named by ``--sets`` (default: the development sets ``dev,holdout,dev2,holdout2,dev3,holdout3,
dev4``, those present), each analyzer's 3-class accuracy and confusion matrix (thresholds
±0.05, as VADER), then our throughput on 10,000 texts.
Only the sets named are opened, so a blind set stays blind until it is asked for by name
(``--sets NAME``); only totals are printed, never a text or its score.

Each row also gives the share of texts scored exactly 0.0 and, for texts stating a middle
rating (3/5, 3 étoiles, ★★★☆☆, 5/10, 6/10), how many read neutral. The blind sets of issue 15
(``--sets blind_tweets,blind_reviews_long,blind_3star``) print the accuracy recorded before
that issue's changes beside today's (the earlier analyzer is not importable from here).

vaderSentiment-fr is a benchmark-only dependency (``pip install vadersentiment-fr==1.3.4``);
without it, its rows are skipped.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from brandwatch_cli.sentiment.french.analyzer import FrenchSentiment  # noqa: E402

DATA = ROOT / "tests" / "data" / "sentiment_fr"
LABELS = ("negative", "neutral", "positive")
OURS = "brandwatch (ours)"
#: The development sets. Blind sets are only read when named with ``--sets``.
DEFAULT_SETS = ("dev", "holdout", "dev2", "holdout2", "dev3", "holdout3", "dev4")
Scorer = Callable[[str], float]
#: Accuracy of our analyzer on sets scored before issue 15 item 5 changed it (main 693f63a).
BEFORE = {
    "blind_tweets.tsv": 0.862,
    "blind_reviews_long.tsv": 0.608,
    "blind_3star.tsv": 0.708,
    "dev_tweets.tsv": 0.821,
    "dev_reviews.tsv": 0.622,
}
#: A stated middle rating: "3/5", "3 étoiles", "★★★☆☆", "6/10" (the 3-star texts of a review set).
MIDDLE_RATING = re.compile(
    r"(?<![\d,.])(?:3(?:[,.]0)?\s*/\s*5|3\s*(?:étoiles?|etoiles?)|trois étoiles|[56]\s*/\s*10)"
    r"(?![\d,.])|★★★☆☆",
    re.IGNORECASE,
)


def load(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


def label(score: float) -> str:
    if score >= 0.05:
        return "positive"
    if score <= -0.05:
        return "negative"
    return "neutral"


def vader_fr() -> Scorer | None:
    """vaderSentiment-fr's compound score, or None when it is not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # fuzzywuzzy warns about a missing C speedup
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()
    return lambda text: float(analyzer.polarity_scores(text)["compound"])


def evaluate(name: str, scorer: Scorer, rows: list[tuple[str, str]]) -> None:
    """Accuracy and confusion matrix, the share scored exactly 0.0, and how often a text stating
    a middle rating (3 stars) reads neutral: totals only, never a text."""
    matrix = {gold: dict.fromkeys(LABELS, 0) for gold in LABELS}
    zeros = middle = middle_neutral = 0
    for gold, text in rows:
        score = scorer(text)
        matrix[gold][label(score)] += 1
        zeros += score == 0.0
        if MIDDLE_RATING.search(text):
            middle += 1
            middle_neutral += label(score) == "neutral"
    correct = sum(matrix[g][g] for g in LABELS)
    extra = f", 3-star read neutral {middle_neutral}/{middle}" if middle else ""
    print(
        f"  {name:<20} accuracy {correct / len(rows):.3f} ({correct}/{len(rows)}),"
        f" exactly 0.0: {zeros / len(rows):.1%}{extra}"
    )
    header = "gold / predicted"
    print(f"    {header:<18}" + "".join(f"{p:>10}" for p in LABELS))
    for gold in LABELS:
        print(f"    {gold:<18}" + "".join(f"{matrix[gold][p]:>10}" for p in LABELS))


def throughput(scorer: Scorer, texts: list[str], count: int) -> float:
    batch = [texts[i % len(texts)] for i in range(count)]
    start = time.perf_counter()
    for text in batch:
        scorer(text)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets",
        default=",".join(DEFAULT_SETS),
        help="comma-separated set names to evaluate, without .tsv (default: %(default)s)",
    )
    parser.add_argument("--texts", type=int, default=10_000, help="texts for the throughput run")
    args = parser.parse_args()

    start = time.perf_counter()
    ours = FrenchSentiment()
    ours.polarity("premier appel : charge le lexique")
    print(f"first call (loads the data): {time.perf_counter() - start:.3f} s")
    scorers: dict[str, Scorer] = {OURS: ours.polarity}
    peer = vader_fr()
    if peer is None:
        print("vaderSentiment-fr not installed: skipped (pip install vadersentiment-fr==1.3.4)")
    else:
        scorers["vaderSentiment-fr"] = peer

    names = [name.strip() for name in args.sets.split(",") if name.strip()]
    sets = [DATA / f"{name}.tsv" for name in names]
    missing = [path.name for path in sets if not path.exists()]
    if missing and args.sets != parser.get_default("sets"):
        parser.error(f"no such set: {', '.join(missing)}")
    sets = [path for path in sets if path.exists()]
    dev_texts = [text for _, text in load(DATA / "dev.tsv")]
    for path in sets:
        rows = load(path)
        print(f"\n{path.name}: {len(rows)} texts")
        if path.name in BEFORE:
            print(f"  {'ours, before':<20} accuracy {BEFORE[path.name]:.3f} (recorded)")
        for name, scorer in scorers.items():
            evaluate(name, scorer, rows)

    print(f"\nthroughput on {args.texts:,} texts (dev.tsv repeated), one process:")
    for name, scorer in scorers.items():
        count = args.texts if name == OURS else min(args.texts, 2_000)
        print(f"  {name:<20} {throughput(scorer, dev_texts, count):>9,.0f} texts/s")


if __name__ == "__main__":
    main()
