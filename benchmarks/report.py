"""Benchmark: reports, digests and spike detection over a database of 100,000+ mentions.

Builds a database (through the store's own migrations) of N mentions over 60 days, 6 keywords,
engagement on a third of them, one in four talking about an aspect (``add_aspects``), then
times, in this process: the report of the last 7 days and of the last 30 days (every section,
JSON rendering included), a digest of the last 24 hours, and spike detection. The baseline,
timed the same way, is reading every mention row once from SQLite (``SELECT * FROM mentions``):
what any report that pulled the rows into Python would pay. Each is printed as a ratio to the
baseline, measured in the same run (the machines are noisy), with ok/MISS against issue 12's
targets. Also: the cost of the summary's triggers on writes, the refresh of the summary after
the bulk load, and the peak memory of the real ``brandwatch report --format json`` over 7 and 60
days (flat: it does not grow with the period).

``--backend postgresql`` does the same on PostgreSQL (``benchmarks/backends.py``: a private
throwaway server, or ``--pg-url``, whose database is reused when it holds mentions already),
against the same targets; its baseline reads every row once through a server-side cursor.

    python benchmarks/report.py [--mentions 1000000] [--backend postgresql [--pg-url URL]]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from backends import (
    add_options,
    empty_database,
    mention_count,
    postgres_server,
    read_every_row,
)
from brandwatch_cli.insight.digest import build_digest, current_spikes, digest_window
from brandwatch_cli.insight.report import build_report
from brandwatch_cli.insight.themes import find_themes
from brandwatch_cli.models import (
    Item,
    KeywordMatch,
    MentionFilter,
    Sentiment,
    SourceOutcome,
    SpikeRule,
)
from brandwatch_cli.store import MentionStore, NewMention

KEYWORDS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark")
#: What the mentions say (``words``): everyday talk, and a few phrases per keyword.
TALK = (
    "on en parle au bureau ce matin", "the weather was nice today", "quelle journée chargée",
    "good weekend everyone", "rien de spécial à signaler", "I read the news over coffee",
    "la rentrée approche vite", "prices of everything keep going up", "the meeting ran late",
    "nouvelle saison de la série", "traffic was awful again", "on verra bien demain",
)  # fmt: skip
SAID = (
    "colis perdu et livraison en retard", "l'appli plante au démarrage",
    "service client injoignable", "great battery life", "the screen cracked",
    "remboursement toujours pas reçu", "prix en hausse", "fast shipping",
)  # fmt: skip
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
#: Issue 12's targets, as a ratio to the baseline.
TARGETS = {
    "report, last 7 days": 0.05,
    "report, last 30 days": 0.10,
    "digest, last 24 hours": 0.05,
    "spike detection": 0.05,
    "themes, one keyword, last 30 days": 0.10,
}


def words(n: int, keywords: list[str]) -> str:
    """A mention's text, from its number and keywords alone (no random draw: the rows are
    those of a database built before texts were added): two pieces of everyday talk, and one
    time in three a phrase of its first keyword's own (which one drifting slowly with ``n``,
    so that periods differ)."""
    text = f"Text {n}. {TALK[n % len(TALK)]}, {TALK[(n * 7 + 3) % len(TALK)]}."
    if n % 3 == 0:
        first = KEYWORDS.index(keywords[0])
        text += f" {keywords[0]} : {SAID[(first + n // 100_000) % len(SAID)]}."
    return text


def populate(store: MentionStore, count: int, rng: random.Random) -> None:
    """Mentions written through the store's own API (``save_batch``, one source per batch), as
    daily scans write them: day by day, so that ids grow with fetch time as in a real
    database (a digest's window by fetch time is then a range of recent ids)."""
    scan_id = store.start_scan(NOW - timedelta(days=60))
    days = 60
    n = 0
    for day in range(days):
        start = NOW - timedelta(days=days - day)
        per_source: dict[int, list[NewMention]] = {}
        for _ in range(count // days + (1 if day < count % days else 0)):
            n += 1
            moment = start + timedelta(seconds=rng.randint(0, 86400 - 1))
            score = rng.uniform(-1, 1)
            label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
            url = f"https://site{n % 300}.example/{n}"
            engagement = {"points": rng.randint(0, 500)} if n % 3 == 0 else {}
            item = Item(
                f"e{n}",
                url,
                f"Title {n}",
                f"Text {n}",
                f"author{n % 2000}",
                moment,
                "en",
                engagement,
            )
            keywords = rng.sample(KEYWORDS, rng.choice((1, 1, 1, 2)))
            item = replace(item, text=words(n, keywords))
            per_source.setdefault(n % 40, []).append(
                NewMention(
                    item,
                    [KeywordMatch(k, (k,), ("title",)) for k in keywords],
                    url,
                    None,
                    Sentiment(score, label, "vader"),
                    "en",
                    fetched_at=moment,
                )
            )
        for source, batch in sorted(per_source.items()):
            batch.sort(key=lambda mention: mention.fetched_at)  # type: ignore[arg-type,return-value]
            outcome = SourceOutcome(f"source{source}", "ok")
            store.save_batch(scan_id, f"source{source}", batch, outcome, NOW)
    store.finish_scan(scan_id, NOW - timedelta(days=60), "ok")


def bulk_populate(store: MentionStore, count: int, rng: random.Random) -> None:
    """``populate``'s mentions (the same random draws, so the same rows, ids in the same
    order) loaded as a bulk import would: the indexes and triggers of the mentions and their
    keyword rows dropped, plain INSERTs a day per transaction, the full-text index filled a
    day at a time, then the indexes and triggers made again, and every quarter hour marked for
    the summary's refresh (keyword rows with their mention's times, as the triggers dropped
    would have written them). Hours instead of minutes through the store at 10 million (the write
    path has its own benchmark, ``write.py``)."""
    from brandwatch_cli.store.values import bucket_key

    db = store.db
    scan_id = store.start_scan(NOW - timedelta(days=60))
    schema = db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('mentions',"
        " 'mention_keywords') AND type IN ('index', 'trigger') AND sql IS NOT NULL"
    ).fetchall()
    with db.atomic():
        for kind, name, _ in schema:
            db.execute(f"DROP {kind.upper()} {name}")
    columns = (
        "source, entry_id, url, canonical_url, title, text, author, published_at, fetched_at,"
        " mentioned_at, language, sentiment, sentiment_label, engagement, source_language,"
        " sentiment_method, domain, interactions"
    )
    days = 60
    n = 0
    for day in range(days):
        start = NOW - timedelta(days=days - day)
        per_source: dict[int, list[tuple[str, tuple[object, ...], list[str]]]] = {}
        for _ in range(count // days + (1 if day < count % days else 0)):
            n += 1
            moment = (start + timedelta(seconds=rng.randint(0, 86400 - 1))).isoformat()
            score = rng.uniform(-1, 1)
            label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
            url = f"https://site{n % 300}.example/{n}"
            points = rng.randint(0, 500) if n % 3 == 0 else None
            keywords = rng.sample(KEYWORDS, rng.choice((1, 1, 1, 2)))
            row = (
                f"source{n % 40}", f"e{n}", url, url, f"Title {n}", words(n, keywords),
                f"author{n % 2000}", moment, moment, moment, "en", score, label,
                json.dumps({"points": points}) if points is not None else None, "en", "vader",
                f"site{n % 300}.example", float(points or 0),
            )  # fmt: skip
            per_source.setdefault(n % 40, []).append((moment, row, keywords))
        rows = [
            entry
            for _, batch in sorted(per_source.items())
            for entry in sorted(batch, key=lambda entry: entry[0])
        ]
        with db.atomic():
            first = int(db.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0])
            db.conn.executemany(
                f"INSERT INTO mentions (id, {columns}) VALUES ({', '.join(['?'] * 19)})",
                [(first + i, *row) for i, (_, row, _) in enumerate(rows, 1)],
            )
            db.execute(
                "INSERT INTO mentions_fts (rowid, title, text, author)"
                " SELECT id, title, text, author FROM mentions WHERE id > ?",
                [first],
            )
            db.conn.executemany(
                "INSERT INTO mention_keywords (keyword, mention_id, terms, fields, sentiment,"
                " sentiment_label, mentioned_at, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                sorted(
                    (keyword, first + i, f'["{keyword}"]', "title", row[11], row[12], at, at)
                    for i, (at, row, keywords) in enumerate(rows, 1)
                    for keyword in keywords
                ),
            )
            db.conn.executemany(
                "INSERT INTO summary_dirty (bucket) VALUES (?) ON CONFLICT DO NOTHING",
                [(bucket,) for bucket in sorted({bucket_key(at) for at, _, _ in rows})],
            )
    with db.atomic():
        for _, _, sql in sorted(schema, key=lambda entry: entry[0]):  # indexes, then triggers
            db.execute(sql)
    store.finish_scan(scan_id, NOW - timedelta(days=60), "ok")


def add_aspects(store: MentionStore) -> int:
    """One mention in four talks about one aspect (which, and how warmly, from its id alone: the
    same rows however the database was built), written after the mentions as ``rescore``
    writes them, so that the report's aspects section has a real brand's work. Rows already
    there are kept; the number added."""
    if next(store._rows("SELECT 1 FROM mention_aspects LIMIT 1"), None) is not None:
        return 0
    aspects = ("price", "delivery", "customer_service", "quality", "staff", "app", "refund")
    named = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(aspects))
    with store._writing("add aspects"):
        store.db.execute(
            f"""INSERT INTO mention_aspects (mention_id, aspect, sentiment)
            SELECT id, CASE (id / 4) % 8 {named} ELSE 'waiting' END,
                ((id * 7919) % 2001 - 1000) / 1000.0 FROM mentions WHERE id % 4 = 0"""
        )
    return int(next(store._rows("SELECT count(*) FROM mention_aspects"))[0])


def timed(action) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def drop_summary_triggers(store: MentionStore) -> None:
    if store.postgres:
        found = store.db.execute(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger"
            " WHERE NOT tgisinternal AND tgname LIKE 'summary_%'"
        ).fetchall()
        for name, table in found:
            store.db.execute(f"DROP TRIGGER {name} ON {table}")
        return
    triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    for (name,) in store.db.execute(f"{triggers} AND name LIKE 'summary_%'").fetchall():
        store.db.execute(f"DROP TRIGGER {name}")


@contextmanager
def empty_store(pg_url: str | None) -> Iterator[MentionStore]:
    """A store on a new, empty database: a file, or a database on ``pg_url``'s server."""
    if pg_url is None:
        with (
            tempfile.TemporaryDirectory() as folder,
            MentionStore.open(Path(folder) / "w.db") as store,
        ):
            yield store
        return
    with empty_database(pg_url) as url, MentionStore.open(url) as store:
        yield store


def trigger_cost(count: int, pg_url: str | None) -> float:
    """Writing ``count`` mentions with the summary's triggers, over the same without them: what
    keeping the summary costs a write (its refresh included)."""
    seconds = []
    for keep in (False, True):
        with empty_store(pg_url) as store:
            if not keep:
                drop_summary_triggers(store)
            started = time.perf_counter()
            populate(store, count, random.Random(5))
            with store._writing("refresh"):
                pass
            seconds.append(time.perf_counter() - started)
    return seconds[1] / seconds[0]


def peak_memory(path: Path | str, days: int) -> float:
    """Peak RSS, in MB, of ``brandwatch report --format json`` over the last ``days`` days,
    run as a user would (a subprocess of a subprocess, so that each is measured alone)."""
    command = [
        str(Path(sys.executable).with_name("brandwatch")),
        "report",
        "--db",
        str(path),
        "--since",
        (NOW - timedelta(days=days)).isoformat(),
        "--until",
        NOW.isoformat(),
        "--format",
        "json",
    ]
    probe = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=path.parent if isinstance(path, Path) else os.getcwd(),
    )
    return int(done.stdout.split()[-1]) / 1024  # KB on Linux


@contextmanager
def bench_target(args: argparse.Namespace, folder: str) -> Iterator[Path | str]:
    """Where the benchmark's database is: a SQLite file, or a PostgreSQL URL."""
    if args.backend == "sqlite":
        yield args.db or Path(folder) / "bench.db"
        return
    with postgres_server(args.pg_url) as url:
        yield url


def is_empty(target: Path | str) -> bool:
    if isinstance(target, Path):
        return not target.exists()
    with MentionStore.open(target) as store:
        return mention_count(store) == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="Reuse (or keep) the database at this path.")
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="Build the database with plain INSERTs (see bulk_populate): for 10 million.",
    )
    add_options(parser)
    args = parser.parse_args()
    from brandwatch_cli.output.json import report_json
    from brandwatch_cli.output.themes import themes_json

    with tempfile.TemporaryDirectory() as folder, bench_target(args, folder) as target:
        if is_empty(target):
            with MentionStore.open(target) as store:
                started = time.perf_counter()
                build = bulk_populate if args.bulk else populate
                build(store, args.mentions, random.Random(3))
                seconds = time.perf_counter() - started
                print(
                    f"{args.mentions:,} mentions written through the store in {seconds:.1f} s"
                    f" ({args.mentions / seconds:,.0f} mentions/s, {args.backend})"
                )

        with MentionStore.open(target) as store:
            added = add_aspects(store)
            if added:
                print(f"{added:,} aspect rows added (one mention in four)")
            started = time.perf_counter()
            with store._writing("refresh the summary"):
                refreshed = store.refresh_summary()
            print(
                f"summary refreshed ({refreshed:,} quarter hours marked) in"
                f" {time.perf_counter() - started:.1f} s"
            )
            baseline = timed(lambda: read_every_row(store))

            def report(days: int) -> None:
                selection = MentionFilter(since=NOW - timedelta(days=days), until=NOW)
                data = build_report(store, selection, now=NOW, configured_keywords=KEYWORDS)
                json.dumps(report_json(data))

            def themes(days: int) -> None:
                selection = MentionFilter(
                    since=NOW - timedelta(days=days), until=NOW, keywords=("Acme",)
                )
                found = find_themes(store, selection, now=NOW)
                json.dumps(themes_json(found.themes))

            def digest() -> None:
                window = digest_window(store, NOW - timedelta(days=1), NOW)
                build_digest(store, window, keywords=KEYWORDS, rule=SpikeRule(), now=NOW)

            runs = {
                "report, last 7 days": timed(lambda: report(7)),
                "report, last 30 days": timed(lambda: report(30)),
                "digest, last 24 hours": timed(digest),
                "spike detection": timed(lambda: current_spikes(store, KEYWORDS, SpikeRule(), NOW)),
                "themes, one keyword, last 30 days": timed(lambda: themes(30)),
            }
            month = MentionFilter(since=NOW - timedelta(days=30), until=NOW, keywords=("Acme",))
            found = find_themes(store, month, now=NOW).themes["Acme"]
            said = ", ".join(f"{t.phrase} ({t.count:,}, {t.trend})" for t in found[:4])
        memory = {days: peak_memory(target, days) for days in (7, 60)}
        writes = trigger_cost(
            min(args.mentions, 50_000), None if args.backend == "sqlite" else str(target)
        )
    print(f"baseline, reading every row once ({args.backend}): {baseline * 1000:.0f} ms")
    for name, seconds in runs.items():
        ratio = seconds / baseline
        verdict = "ok" if ratio <= TARGETS[name] else "MISS"
        print(
            f"  [{verdict}] {name}: {seconds * 1000:.0f} ms"
            f" ({ratio:.3f}x the baseline; target <= {TARGETS[name]:.2f}x)"
        )
    flat = memory[60] <= memory[7] * 1.2 + 10
    print(
        f"  [{'ok' if flat else 'MISS'}] peak memory of `brandwatch report --format json`:"
        f" {memory[7]:.0f} MB over 7 days, {memory[60]:.0f} MB over 60 days"
    )
    print(f"  writing mentions with the summary's triggers: {writes:.2f}x the time without them")
    print(f"  Acme's top themes over 30 days: {said or 'none'}")


if __name__ == "__main__":
    main()
