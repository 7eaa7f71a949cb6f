"""Benchmark: writing mentions through the store's own API (``MentionStore.save_batch``).

Generates N mentions as a scan hands them to the store (``NewMention``: a face with its
keywords, per-keyword sentiment, dedupe keys and shingles; a third long enough to be
shingled, a third with engagement, one in ten with a later copy), saves them in batches of
``--batch`` (one source's batch: one transaction), and prints mentions per second. The
baseline, timed in the same run on the same rows, is a bare ``executemany`` of the mention
columns into an empty table without index, trigger or full-text index: what SQLite itself
costs. Target (issue 12): at least 20,000 mentions/s through the store. Both are also timed
in CPU seconds of this process (SQLite runs in it): on a loaded machine the CPU ratio is the
steadier figure, and 20,000 mentions/s means a ratio of 5-10x where the bare insert runs at
100,000-200,000 mentions/s.

    python benchmarks/write.py [--mentions 200000] [--batch 5000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from brandwatch_cli.dedupe import canonical_url, fingerprint, shingles
from brandwatch_cli.models import Item, KeywordMatch, Sentiment, SourceOutcome
from brandwatch_cli.store import MentionStore, NewCopy, NewMention, iso

KEYWORDS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
COMMON = [
    "le",
    "la",
    "les",
    "de",
    "des",
    "un",
    "une",
    "et",
    "est",
    "pas",
    "très",
    "service",
    "client",
    "livraison",
    "colis",
    "commande",
    "remboursement",
    "attente",
    "conseiller",
    "magasin",
    "produit",
    "prix",
    "qualité",
    "retard",
    "panne",
    "appel",
    "the",
    "a",
    "to",
    "and",
    "is",
    "not",
    "very",
    "delivery",
    "parcel",
    "order",
    "refund",
    "support",
    "agent",
    "store",
    "product",
    "price",
]
SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "cha",
    "che",
    "co",
    "da",
    "de",
    "di",
    "fa",
    "fe",
    "ga",
    "go",
    "la",
    "le",
    "li",
    "lo",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Common words, then made-up ones: texts share words as real ones do, not whole runs."""
    made = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size)}
    return COMMON + sorted(made)


def generate(count: int, rng: random.Random) -> list[NewMention]:
    """``count`` mentions with distinct keys, as a scan would hand them to the store."""
    words_ = vocabulary(rng)
    weights = [1 / (rank + 10) for rank in range(len(words_))]  # Zipf-like
    mentions = []
    for n in range(count):
        keywords = rng.sample(KEYWORDS, rng.choice((1, 1, 1, 2)))
        size = rng.randint(55, 140) if n % 3 == 0 else rng.randint(8, 40)
        words = rng.choices(words_, weights, k=size)
        words[rng.randrange(size)] = keywords[0]
        title = f"{keywords[0]} #{n}"
        text = " ".join(words) + f" ticket {n}"
        score = round(rng.uniform(-1, 1), 3)
        label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
        url = f"https://site{n % 300}.example/{n}?utm_source=x" if n % 5 < 3 else None
        item = Item(
            f"e{n}",
            url,
            title,
            text,
            f"author{n % 2000}",
            NOW - timedelta(seconds=rng.randint(0, 60 * 86400)),
            "fr" if n % 2 else "en",
            {"points": rng.randint(0, 500)} if n % 3 == 0 else {},
        )
        copies = ()
        if n % 10 == 0:
            copy = Item(f"c{n}", f"https://mirror.example/{n}", title, text, None, None)
            copies = (NewCopy(copy, canonical_url(copy.url), fingerprint(title, text)),)
        sentiment = Sentiment(score, label, "vader")
        mentions.append(
            NewMention(
                item,
                [KeywordMatch(k, (k,), ("text",)) for k in keywords],
                canonical_url(url),
                fingerprint(title, text),
                sentiment,
                item.language,
                "v1",
                shingles(title, text),
                copies,
                keyword_sentiment=dict.fromkeys(keywords, sentiment),
            )
        )
    return mentions


def through_store(path: Path, mentions: list[NewMention], batch: int) -> tuple[float, float, int]:
    """Seconds and CPU seconds to save ``mentions`` in batches of ``batch``, and how many
    were new."""
    new = 0
    with MentionStore.open(path) as store:
        scan_id = store.start_scan(NOW)
        started, cpu = time.perf_counter(), time.process_time()
        for number, start in enumerate(range(0, len(mentions), batch)):
            chunk = mentions[start : start + batch]
            source = f"source{number % 40}"
            new += store.save_batch(scan_id, source, chunk, SourceOutcome(source, "ok"), NOW)
        return time.perf_counter() - started, time.process_time() - cpu, new


def baseline(path: Path, mentions: list[NewMention], batch: int) -> tuple[float, float]:
    """Seconds and CPU seconds for a bare executemany of the same mention rows into an empty,
    unindexed table, one transaction per batch, with the store's pragmas."""
    columns = (
        "source, entry_id, url, canonical_url, fingerprint, title, text, author, published_at,"
        " fetched_at, mentioned_at, language, sentiment, sentiment_label"
    )
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"CREATE TABLE mentions (id INTEGER PRIMARY KEY, {columns})")
    fetched = iso(NOW)
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(mentions), batch):
        rows = [
            (
                "source",
                m.item.entry_id,
                m.item.url,
                m.canonical_url,
                m.fingerprint,
                m.item.title,
                m.item.text,
                m.item.author,
                iso(m.item.published_at),
                fetched,
                iso(m.item.published_at),
                m.language,
                m.sentiment.score,
                m.sentiment.label,
            )
            for m in mentions[start : start + batch]
        ]
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO mentions ({columns}) VALUES ({', '.join('?' * 14)})", rows)
        conn.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    conn.close()
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    mentions = generate(args.mentions, random.Random(12))
    with tempfile.TemporaryDirectory() as folder:
        bare, bare_cpu = baseline(Path(folder) / "bare.db", mentions, args.batch)
        seconds, cpu, new = through_store(Path(folder) / "store.db", mentions, args.batch)
    assert new == args.mentions, f"{new} of {args.mentions} stored as new mentions"
    rate, bare_rate = args.mentions / seconds, args.mentions / bare
    verdict = "ok" if rate >= 20_000 else "MISS"
    print(
        f"baseline, bare executemany: {bare_rate:,.0f} mentions/s ({bare:.1f} s,"
        f" {bare_cpu:.1f} CPU s)"
    )
    print(
        f"  [{verdict}] through the store (save_batch, batches of {args.batch:,}):"
        f" {rate:,.0f} mentions/s ({seconds:.1f} s, {seconds / bare:.1f}x the baseline;"
        f" {cpu:.1f} CPU s, {cpu / bare_cpu:.1f}x)"
    )
    print(
        f"  at the CPU ratio, where the bare insert runs at 100,000-200,000 mentions/s:"
        f" {100_000 * bare_cpu / cpu:,.0f}-{200_000 * bare_cpu / cpu:,.0f} mentions/s"
    )


if __name__ == "__main__":
    main()
