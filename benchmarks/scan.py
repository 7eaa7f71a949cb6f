"""Benchmark: ``brandwatch scan`` against the ``reader`` library on the same feeds, same run.

Generates 200 feeds x 50 items, serves them over loopback with 100 ms latency per response,
spread over 25 addresses (127.0.0.1-127.0.0.25, one server each, in a separate process), then
measures, each in a fresh subprocess (wall time, CPU time of the process and its workers, peak
RSS), the median of ``--repeat`` rounds:

- brandwatch cold scan (fetch, parse, match, dedupe, score, store) into an empty database;
- brandwatch warm rescan (every feed answers 304);
- brandwatch start-up: the same command stopped before its first request (an unknown
  ``--source``), and the import of the libraries every command needs, for scale;
- ``brandwatch check`` (loading the config) and ``brandwatch sources`` after the scans;
- reader (lemon24/reader, a benchmark-only dependency: ``pip install reader``) adding the same
  feeds and updating them with 16 workers, then updating them again (warm).

Prints entries/s, wall and CPU time of each, the ratios, and whether the targets hold:
cold wall >= 3x faster than reader's; warm CPU <= cold CPU / 10, for the whole process and
for the scan's own work (CPU beyond start-up); warm wall within 1.5x of the latency floor
(200 requests x 100 ms / 16); peak memory < 250 MB; config loaded and ``sources`` answered in
under 1 s each.

    python benchmarks/scan.py [--feeds 200] [--items 50] [--latency 0.1] [--repeat 3] [--keep]

``--backend postgresql`` stores into PostgreSQL (``benchmarks/backends.py``: a private
throwaway server, or ``--pg-url``, whose role must be able to create databases): each round's
cold scan starts from a new, empty database. reader stays on SQLite (it has no other engine).

Issue 12's sizes: ``--feeds 2000`` (warm rescan >= 10x cheaper in CPU than the cold scan) and
``--feeds 5000 --items 10`` (a config of 5,000 sources).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from backends import add_options, empty_database, postgres_server
from corpus import feed_urls, generate

HOSTS = 25
LATENCY = 0.1
CONCURRENCY = 16
#: What any brandwatch command imports before doing anything: its share of start-up is fixed.
LIBRARIES = "import typer, httpx, rich.console, yaml, sqlite3, asyncio"
#: As brandwatch imports them: without httpx's own command-line client (see cli.py).
LIBRARIES_AS_USED = "import sys; sys.modules['httpx._main'] = None; " + LIBRARIES

READER_SCRIPT = textwrap.dedent(
    """
    import sys
    from reader import make_reader
    db, urls_file, add = sys.argv[1], sys.argv[2], sys.argv[3] == "add"
    reader = make_reader(db)
    if add:
        for url in open(urls_file).read().split():
            reader.add_feed(url)
    reader.update_feeds(workers=16, scheduled=False)
    print(reader.get_entry_counts().total)
    """
)


@dataclass
class Run:
    name: str
    wall: float
    cpu: float
    max_rss_mb: float
    output: str


def measure(name: str, command: list[str], cwd: Path, expect: int = 0) -> Run:
    """Run ``command``; wall time, CPU (user+sys incl. reaped workers) and peak RSS.

    Output goes to files, not pipes: a scan of thousands of sources prints more than a pipe
    holds, and would wait forever for a reader."""
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out_file, stderr=err_file)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read().decode(), err_file.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code != expect:
        sys.exit(f"{name} exited {code}:\n{out[-2000:]}\n{err[-2000:]}")
    return Run(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out)


def median_run(runs: list[Run]) -> Run:
    """Each measure's median over the rounds: these machines are noisy."""
    return Run(
        runs[0].name,
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.max_rss_mb for r in runs),
        runs[-1].output,
    )


def compile_package() -> None:
    """Byte-compile brandwatch as ``pip install`` does: an editable install run with
    PYTHONDONTWRITEBYTECODE would otherwise compile every module at every start."""
    spec = importlib.util.find_spec("brandwatch_cli")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("brandwatch_cli is not installed in this environment")
    for folder in spec.submodule_search_locations:
        subprocess.run([sys.executable, "-m", "compileall", "-q", folder], check=True)


def write_config(folder: Path, urls: list[str], database: str = "bench.db") -> Path:
    lines = [
        f"database: '{database}'",
        "timeout: 30",
        f"concurrency: {CONCURRENCY}",
        "keywords:",
        "  - Acme",
        "  - name: Globex",
        "    terms: [Globex, Globex Corporation]",
        "  - Initech",
        "sources:",
    ]
    lines += [f"  - {{name: feed{n}, url: '{url}'}}" for n, url in enumerate(urls)]
    path = folder / "bench.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--latency", type=float, default=LATENCY, help="seconds per response")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are shown")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    add_options(parser)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the corpus server too
    compile_package()

    work = Path(tempfile.mkdtemp(prefix="brandwatch-bench-"))
    corpus = work / "feeds"
    generate(corpus, args.feeds, args.items)
    urls = feed_urls(args.feeds, HOSTS)
    (work / "urls.txt").write_text("\n".join(urls))
    config = write_config(work, urls)
    (work / "reader_bench.py").write_text(READER_SCRIPT)
    brandwatch = shutil.which("brandwatch") or str(Path(sys.executable).parent / "brandwatch")

    server = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).parent / "corpus.py"),
            "serve",
            str(corpus),
            "--hosts",
            str(HOSTS),
            "--latency",
            str(args.latency),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    stack = ExitStack()
    try:
        pg_url = None
        if args.backend == "postgresql":
            pg_url = stack.enter_context(postgres_server(args.pg_url))
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            sys.exit("the corpus server did not start")
        scan = [brandwatch, "scan", "-c", str(config)]
        reader_cmd = [sys.executable, "reader_bench.py", "reader.db", "urls.txt"]
        rounds: list[list[Run]] = []
        for _ in range(args.repeat):
            for stale in work.glob("*.db*"):
                stale.unlink()
            if pg_url is not None:  # a new, empty database for this round's cold scan
                fresh = stack.enter_context(empty_database(pg_url))
                write_config(work, urls, database=fresh)
            rounds.append(
                [
                    measure("brandwatch cold", scan, work),
                    measure("brandwatch warm", scan, work),
                    # The same command up to the first request: interpreter, imports, option
                    # parsing, config; it stops (exit 2) at the unknown source name.
                    measure("start-up", [*scan, "--source", "no-such-source"], work, expect=2),
                    measure("libraries", [sys.executable, "-c", LIBRARIES_AS_USED], work),
                    measure("check", [brandwatch, "check", "-c", str(config)], work),
                    measure("sources", [brandwatch, "sources", "-c", str(config)], work),
                    measure("reader cold", [*reader_cmd, "add"], work),
                    measure("reader warm", [*reader_cmd, "again"], work),
                ]
            )
        cold, warm, startup, libraries, check, sources, reader_cold, reader_warm = (
            median_run(list(runs)) for runs in zip(*rounds, strict=True)
        )
    finally:
        server.terminate()
        server.wait()
        stack.close()

    entries = args.feeds * args.items
    floor = args.feeds * args.latency / CONCURRENCY
    print(
        f"brandwatch on {args.backend}; corpus: {args.feeds} feeds x {args.items} items"
        f" = {entries} entries,"
        f" {HOSTS} hosts, {args.latency * 1000:.0f} ms latency; latency floor {floor:.2f} s;"
        f" medians of {args.repeat} rounds"
    )
    print(
        f"{'run':<18}{'wall s':>9}{'CPU s':>9}{'entries/s':>11}{'CPU ms/entry':>14}{'peak MB':>9}"
    )
    for run in (cold, warm, reader_cold, reader_warm):
        print(
            f"{run.name:<18}{run.wall:>9.2f}{run.cpu:>9.2f}{entries / run.wall:>11.0f}"
            f"{run.cpu / entries * 1000:>14.3f}{run.max_rss_mb:>9.0f}"
        )
    print(
        f"start-up of a scan (no request) {startup.cpu:.2f} s CPU, of which importing the"
        f" libraries alone ({LIBRARIES.removeprefix('import ')}) {libraries.cpu:.2f} s"
    )
    speedup = reader_cold.wall / cold.wall
    cpu_saving = cold.cpu / warm.cpu
    warm_work = max(warm.cpu - startup.cpu, 0.001)
    work_saving = (cold.cpu - startup.cpu) / warm_work
    warm_vs_floor = warm.wall / floor
    checks = [
        (f"cold wall: reader / brandwatch = {speedup:.2f}x (target >= 3x)", speedup >= 3),
        (f"warm CPU: cold / warm = {cpu_saving:.1f}x (target >= 10x)", cpu_saving >= 10),
        (f"warm wall / latency floor = {warm_vs_floor:.2f} (target <= 1.5)", warm_vs_floor <= 1.5),
        (
            f"peak memory {max(cold.max_rss_mb, warm.max_rss_mb):.0f} MB (target < 250 MB)",
            max(cold.max_rss_mb, warm.max_rss_mb) < 250,
        ),
        (f"config loaded (check) in {check.wall:.2f} s (target < 1 s)", check.wall < 1),
        (f"sources answered in {sources.wall:.2f} s (target < 1 s)", sources.wall < 1),
        (f"reader CPU / brandwatch CPU (cold) = {reader_cold.cpu / cold.cpu:.2f}x", True),
        (
            f"scan work (CPU beyond start-up): cold / warm = {work_saving:.1f}x (target >= 10x);"
            f" warm {warm_work:.2f} s = {warm_work / args.feeds * 1000:.2f} ms per 304 source",
            work_saving >= 10,
        ),
    ]
    for text, ok in checks:
        print(f"  [{'ok' if ok else 'MISS'}] {text}")
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
