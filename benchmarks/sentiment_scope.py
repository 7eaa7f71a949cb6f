"""Mention-level sentiment on real feeds: how often a long mention scores beyond ±0.95.

A long article's overall tone piles up: read whole (title and 10,000 characters), most long
mentions score near ±1 whatever they say of the keyword. Read where they name it
(``matching.passages``), they should not. This scans the real-world feeds of
``../shared/data/feeds`` with common words as keywords, through the scan's own functions
(``parse_feed``, ``prepare``, ``group_stories``, ``analyze_mention``), and prints, for
mentions over 3,000 characters, the share beyond ±0.95 read whole (before) and scoped (after,
the mention's own score and each keyword's), in one run:

    python benchmarks/sentiment_scope.py
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from brandwatch_cli import sentiment
from brandwatch_cli.analysis import analyze_mention, mention_text
from brandwatch_cli.dedupe import group_stories
from brandwatch_cli.errors import SourceError
from brandwatch_cli.language import detect_language
from brandwatch_cli.models import Keyword
from brandwatch_cli.scan.candidates import prepare
from brandwatch_cli.sources.feed import parse_feed

FEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "feeds"
WORDS = ("the", "new", "data", "apple", "google", "web", "people", "le", "la", "les")
LONG = 3_000
EXTREME = 0.95
LABELS = ("positive", "neutral", "negative")


def labels(values: list[float]) -> str:
    counts = [sum(sentiment.label(v) == name for v in values) for name in LABELS]
    return " / ".join(f"{count} {name}" for count, name in zip(counts, LABELS, strict=True))


def share(values: list[float]) -> str:
    extreme = sum(abs(v) > EXTREME for v in values)
    percent = 100 * extreme / len(values) if values else 0.0
    return f"{extreme:4d} / {len(values):4d} = {percent:5.1f} %"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=Path, default=FEEDS)
    parser.add_argument("--words", nargs="*", default=list(WORDS))
    args = parser.parse_args()
    manifest = args.feeds / "MANIFEST.csv"
    if not manifest.exists():
        print(f"{manifest} is absent: nothing to measure", file=sys.stderr)
        return 1
    with manifest.open(encoding="utf-8") as handle:
        files = [row["file"] for row in csv.DictReader(handle)]
    keywords = tuple(Keyword(word, (word,)) for word in args.words)
    by_name = {k.name: k for k in keywords}
    candidates = []
    for name in files:
        try:
            items = parse_feed((args.feeds / name).read_bytes(), {}, f"https://f.example/{name}")
        except SourceError:
            continue
        candidates += prepare(items, keywords)
    rows = [(c.item.entry_id, c.canonical_url, c.fingerprint, c.shingles) for c in candidates]
    fresh = [candidates[group[0]] for group in group_stories(rows)]  # one copy of each story
    whole: list[tuple[int, float]] = []
    mine: list[tuple[int, float]] = []
    per_keyword: list[tuple[int, float]] = []
    spent = {"whole": 0.0, "scoped": 0.0}
    for candidate in fresh:
        item = candidate.item
        started = time.perf_counter()
        text = mention_text(item.title, item.text)
        language = detect_language(text, hint=item.language)
        whole.append((len(item.text), sentiment.analyze(text, language).score))
        spent["whole"] += time.perf_counter() - started
        started = time.perf_counter()
        analysis = analyze_mention(item, candidate.matches, by_name)
        spent["scoped"] += time.perf_counter() - started
        if analysis is None:
            continue
        mine.append((len(item.text), analysis.sentiment.score))
        per_keyword += [(len(item.text), s.score) for s in analysis.keywords.values()]

    def long(values: list[tuple[int, float]]) -> list[float]:
        return [score for length, score in values if length > LONG]

    print(f"{len(files)} feeds, keywords {', '.join(args.words)}: {len(fresh)} mentions,")
    print(f"{len(long(whole))} of them over {LONG:,} characters; beyond ±{EXTREME}:")
    print(f"  all mentions, read whole:           {share([s for _, s in whole])}")
    print(f"  all mentions, scoped:               {share([s for _, s in mine])}")
    print(f"  long mentions, read whole (before): {share(long(whole))}")
    print(f"  long mentions, scoped (after):      {share(long(mine))}")
    print(f"  long mentions, per keyword (after): {share(long(per_keyword))}")
    print(f"labels of long mentions, whole:  {labels(long(whole))}")
    print(f"labels of long mentions, scoped: {labels(long(mine))}")
    print(
        f"time for {len(fresh)} mentions (language included): whole {spent['whole']:.1f} s,"
        f" scoped {spent['scoped']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
