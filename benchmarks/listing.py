"""Benchmark: `search`, `mentions` and `export` over a database of a million mentions.

Builds the database of ``benchmarks/report.py`` (its ``populate``: N mentions over 60 days,
6 keywords; ``--keep PATH`` keeps it, and reuses it next time, as building takes minutes),
then measures, in one run so that the ratios hold on a busy machine:

- the baseline: reading every mention row once (``SELECT * FROM mentions``);
- searches through the store, as ``brandwatch search`` asks them (50 newest, or by
  relevance): a rare word, a word in every mention over the last 30 days, the same with a
  keyword, over the last 7 days with a status. Target: each <= 0.02x the baseline;
- the real commands in a subprocess, with their peak memory (``ru_maxrss`` of the child):
  ``export`` of the last 30 days (target: rows per second >= the baseline's, under 150 MB),
  ``search WORD -n 1000000`` and ``mentions -n 1000000`` (a word in every mention: every row
  streamed; target: memory as flat as the 30-day export's).

``--backend postgresql`` does the same on PostgreSQL (``benchmarks/backends.py``); with
``--pg-url`` a database that already holds mentions (``report.py``'s) is reused.

    python benchmarks/listing.py [--mentions 1000000] [--keep /tmp/listing-1m.db]
    python benchmarks/listing.py --backend postgresql [--pg-url URL]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from backends import add_options, mention_count, postgres_server, read_every_row
from brandwatch_cli.models import MentionFilter
from brandwatch_cli.store import MentionStore, iso
from report import NOW, populate

BRANDWATCH = str(Path(sys.executable).parent / "brandwatch")


def build(target: Path | str, count: int) -> None:
    if isinstance(target, Path) and target.exists():
        print(f"reusing {target}")
        return
    started = time.perf_counter()
    with MentionStore.open(target) as store:
        if mention_count(store):
            print(f"reusing the database's {mention_count(store):,} mentions")
        else:
            populate(store, count, random.Random(3))
            seconds = time.perf_counter() - started
            print(f"{count:,} mentions written in {seconds:.0f} s ({count / seconds:,.0f}/s)")
        if not store.db.execute("SELECT 1 FROM mentions WHERE status = 'todo' LIMIT 1").fetchone():
            # Some triaged mentions, as a team's would be: one in 500 to do, one in 2,000 replied.
            store.db.execute("UPDATE mentions SET status = 'todo' WHERE id % 500 = 7")
            store.db.execute("UPDATE mentions SET status = 'replied' WHERE id % 2000 = 11")


@contextmanager
def bench_target(args: argparse.Namespace, folder: str) -> Iterator[Path | str]:
    if args.backend == "sqlite":
        yield args.keep or Path(folder) / "listing.db"
        return
    with postgres_server(args.pg_url) as url:
        yield url


def best_of_3(action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def command(*args: str) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of ``brandwatch args``, output discarded, measured in
    a fresh interpreter whose only child is the command."""
    measure = (
        "import resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
        "print(time.perf_counter() - started,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", measure, BRANDWATCH, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, kilobytes = done.stdout.split()
    return float(seconds), int(kilobytes) / 1024


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build the database here, or reuse it")
    add_options(parser)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, bench_target(args, folder) as path:
        build(path, args.mentions)
        month = MentionFilter(since=NOW - timedelta(days=30), until=NOW)
        week = MentionFilter(since=NOW - timedelta(days=7), until=NOW)
        searches = {
            "search a rare word (an author), 50 newest": MentionFilter(search="author17"),
            "search a word in every mention, 30 days, 50 newest": MentionFilter(
                since=month.since, until=NOW, search="title"
            ),
            "search it with --keyword Acme, 30 days": MentionFilter(
                since=month.since, until=NOW, search="title", keywords=("Acme",)
            ),
            "search it with --status todo, 7 days": MentionFilter(
                since=week.since, until=NOW, search="title", statuses=("todo",)
            ),
        }
        with MentionStore.open(path) as store:
            started = time.perf_counter()
            rows = read_every_row(store)
            baseline = time.perf_counter() - started
            runs = {
                name: best_of_3(lambda s=selection: list(store.iter_mentions(s, 50)))
                for name, selection in searches.items()
            }
            runs["search a rare word by relevance"] = best_of_3(
                lambda: list(store.search_hits(MentionFilter(search="author17"), 50))
            )
            in_month = int(
                store.db.conn.execute(
                    "SELECT count(*) FROM mentions WHERE mentioned_at >= ? AND mentioned_at < ?",
                    [iso(month.since), iso(NOW)],
                ).fetchone()[0]
            )
        period = ("--since", iso(month.since) or "", "--until", iso(NOW) or "")
        db = ("--db", str(path))
        export_s, export_mb = command("export", *period, *db)
        search_s, search_mb = command("search", "title", "-n", "1000000", "-f", "jsonl", *db)
        list_s, list_mb = command("mentions", "-n", "1000000", "-f", "jsonl", *db)

    base_rate = rows / baseline
    print(
        f"baseline, reading every row once ({args.backend}): {baseline:.1f} s"
        f" ({base_rate:,.0f} rows/s)"
    )
    for name, seconds in runs.items():
        ratio = seconds / baseline
        print(f"  [{verdict(ratio <= 0.02)}] {name}: {seconds * 1000:.0f} ms ({ratio:.3f}x)")
    rate = in_month / export_s
    print(
        f"  [{verdict(rate >= base_rate and export_mb < 150)}] export, last 30 days:"
        f" {in_month:,} rows in {export_s:.1f} s, {rate:,.0f} rows/s"
        f" ({rate / base_rate:.2f}x the baseline's), peak {export_mb:.0f} MB"
    )
    for name, seconds, mb in (
        ("search title -n 1000000 (every mention)", search_s, search_mb),
        ("mentions -n 1000000", list_s, list_mb),
    ):
        flat = mb < max(150, export_mb * 1.2)
        print(f"  [{verdict(flat)}] {name}: {seconds:.1f} s, peak {mb:.0f} MB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process, holding the baseline's rows: {peak:.0f} MB)")


if __name__ == "__main__":
    main()
