"""Benchmark: matching 1,000 keywords over 100,000 texts, against one regex per keyword.

The keywords mix what configs really hold: plain names, multi-word names with exclusions,
boolean queries (OR, NOT, NEAR/n, prefix wildcards), case-sensitive names with context words.
The texts are generated news-like lines; about one in ten names a keyword. The baseline is the
naive approach the issue warns against (one compiled regex per keyword term, tried on every
text), run on a slice of the same texts in the same process; the ratio is what to read.

    python benchmarks/matching.py [--keywords 1000] [--texts 100000]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

from brandwatch_cli.matching.matcher import Matcher
from brandwatch_cli.models import Keyword
from brandwatch_cli.text import fold

sys.path.insert(0, str(Path(__file__).parent))
from corpus import WORDS


def make_keywords(count: int, rng: random.Random) -> list[Keyword]:
    keywords = []
    for n in range(count):
        name = f"Brand{n}"
        kind = n % 5
        if kind == 0:
            keywords.append(Keyword(name, (name,)))
        elif kind == 1:
            keywords.append(Keyword(name, (name, f"{name} Group"), exclude=(f"{name} Cinema",)))
        elif kind == 2:
            query = f'({name} OR "{name} Corp") NOT (job OR recrut*)'
            keywords.append(Keyword(name, (), query=query))
        elif kind == 3:
            query = f"{name} NEAR/3 ({rng.choice(WORDS)} OR {rng.choice(WORDS)})"
            keywords.append(Keyword(name, (), query=query))
        else:
            keywords.append(
                Keyword(name, (name,), case_sensitive=True, require_any=("shop", "store", "app"))
            )
    return keywords


def make_texts(count: int, keywords: int, rng: random.Random) -> list[tuple[str, str]]:
    texts = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 40))]
        if rng.random() < 0.1:
            words.insert(rng.randrange(len(words)), f"Brand{rng.randrange(keywords)}")
        title = " ".join(words[:8]).capitalize()
        texts.append((title, " ".join(words[8:])))
    return texts


def naive(keywords: list[Keyword], texts: list[tuple[str, str]]) -> int:
    """One regex per term, tried on every folded text: what we do not do."""
    patterns = [
        re.compile(rf"(?<!\w){re.escape(fold(term))}(?!\w)")
        for keyword in keywords
        for term in (keyword.terms or (keyword.name,))
    ]
    found = 0
    for title, text in texts:
        folded = fold(f"{title} {text}")
        found += sum(1 for pattern in patterns if pattern.search(folded))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keywords", type=int, default=1000)
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--baseline-texts", type=int, default=2_000)
    args = parser.parse_args()
    rng = random.Random(7)
    keywords = make_keywords(args.keywords, rng)
    texts = make_texts(args.texts, args.keywords, rng)

    started = time.perf_counter()
    matcher = Matcher(keywords)
    built = time.perf_counter() - started

    started = time.perf_counter()
    found = sum(len(matcher.match(title, text)) for title, text in texts)
    ours = time.perf_counter() - started

    sample = texts[: args.baseline_texts]
    started = time.perf_counter()
    naive(keywords, sample)
    baseline = (time.perf_counter() - started) * len(texts) / len(sample)

    print(f"{args.keywords} keywords, {args.texts} texts, {found} keyword matches")
    print(f"automaton built in {built * 1000:.0f} ms")
    print(f"brandwatch matcher: {ours:.2f} s, {args.texts / ours:,.0f} texts/s")
    print(
        f"one regex per keyword (measured on {len(sample)} texts, extrapolated):"
        f" {baseline:.1f} s, {args.texts / baseline:,.0f} texts/s"
    )
    print(f"speed-up: {baseline / ours:.0f}x")


if __name__ == "__main__":
    main()
