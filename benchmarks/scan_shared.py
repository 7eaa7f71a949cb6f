"""Benchmark: a cold scan of the shared real-world feeds, beside ``reader`` on the same files.

Serves the 173 files of ``../shared/data/feeds`` (real snapshots of big sites' feeds, plus
feedparser's and miniflux's encoding and ill-formed cases) over loopback, spread over 25
addresses, no added latency, from a separate process. Keywords are common words, so that many
entries match and long texts are scored: the work a brand scan does, at its heaviest. Then
measures, each in a fresh subprocess, the median of ``--repeat`` rounds of:

- brandwatch cold scan (fetch, parse, match, dedupe, detect language, score, store);
- reader (``pip install reader``) adding the same feeds and updating them with 16 workers
  (fetch, parse, store; no matching or scoring).

Prints wall and CPU time, CPU per entry, and the ratio; target: reader's wall / ours >= 2.

    python benchmarks/scan_shared.py [--repeat 3] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).parent))
from corpus import PORT
from scan import READER_SCRIPT, Run, compile_package, measure, median_run

FEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "feeds"
HOSTS = 25
CONCURRENCY = 16
#: Words most feeds use: most entries name one, long texts included.
KEYWORDS = ("new", "time", "people", "world", "year", "data", "open", "first", "web", "apple")


def shared_files() -> list[str]:
    """The feed files the manifest lists, as paths relative to FEEDS."""
    with (FEEDS / "MANIFEST.csv").open(encoding="utf-8") as handle:
        return [row["file"] for row in csv.DictReader(handle)]


def write_config(folder: Path, urls: list[str]) -> Path:
    lines = ["database: bench.db", "timeout: 60", f"concurrency: {CONCURRENCY}", "keywords:"]
    lines += [f"  - {word}" for word in KEYWORDS]
    lines += ["sources:"]
    lines += [f"  - {{name: feed{n}, url: '{url}'}}" for n, url in enumerate(urls)]
    path = folder / "bench.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def counts(database: Path) -> tuple[int, int]:
    """Entries read and mentions stored by the scan."""
    with closing(sqlite3.connect(database)) as db:
        entries = db.execute("SELECT count(*) FROM entries").fetchone()[0]
        mentions = db.execute("SELECT count(*) FROM mentions").fetchone()[0]
    return entries, mentions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are shown")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not (FEEDS / "MANIFEST.csv").exists():
        sys.exit(f"{FEEDS} is absent")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    compile_package()

    work = Path(tempfile.mkdtemp(prefix="brandwatch-shared-"))
    files = shared_files()
    urls = [f"http://127.0.0.{n % HOSTS + 1}:{PORT}/{quote(f)}" for n, f in enumerate(files)]
    (work / "urls.txt").write_text("\n".join(urls))
    config = write_config(work, urls)
    (work / "reader_bench.py").write_text(READER_SCRIPT)
    brandwatch = shutil.which("brandwatch") or str(Path(sys.executable).parent / "brandwatch")
    server = subprocess.Popen(
        [
            *(sys.executable, str(Path(__file__).parent / "corpus.py"), "serve", str(FEEDS)),
            *("--hosts", str(HOSTS), "--latency", "0"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            sys.exit("the feed server did not start")
        rounds: list[list[Run]] = []
        for _ in range(args.repeat):
            for stale in work.glob("*.db*"):
                stale.unlink()
            rounds.append(
                [
                    # Some files are ill-formed on purpose: their sources fail (exit 1).
                    measure("brandwatch cold", [brandwatch, "scan", "-c", str(config)], work, 1),
                    measure(
                        "reader cold",
                        [sys.executable, "reader_bench.py", "reader.db", "urls.txt", "add"],
                        work,
                    ),
                ]
            )
        ours, reader = (median_run(list(runs)) for runs in zip(*rounds, strict=True))
    finally:
        server.terminate()
        server.wait()

    entries, mentions = counts(work / "bench.db")
    reader_entries = int(reader.output.split()[-1])
    print(
        f"{len(files)} real-world feeds over loopback ({HOSTS} hosts, no added latency);"
        f" keywords: {', '.join(KEYWORDS)}; medians of {args.repeat} rounds"
    )
    print(f"{'run':<18}{'entries':>9}{'wall s':>9}{'CPU s':>9}{'CPU ms/entry':>14}{'peak MB':>9}")
    for run, n in ((ours, entries), (reader, reader_entries)):
        print(
            f"{run.name:<18}{n:>9}{run.wall:>9.2f}{run.cpu:>9.2f}"
            f"{run.cpu / max(n, 1) * 1000:>14.3f}{run.max_rss_mb:>9.0f}"
        )
    print(f"brandwatch stored {mentions} mentions (matched, deduped, scored) of {entries} entries")
    speedup = reader.wall / ours.wall
    print(
        f"  [{'ok' if speedup >= 2 else 'MISS'}] wall: reader / brandwatch = {speedup:.2f}x"
        " (target >= 2x)"
    )
    print(f"  [ok] CPU: reader / brandwatch = {reader.cpu / ours.cpu:.2f}x")
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
