"""Benchmark: ``brandwatch check`` (loading the config) and ``brandwatch sources`` at 5,000 sources.

Generates ``--feeds`` local RSS files of two entries each (every 50th source names a file that
does not exist, so it fails with an error note), scans them once to fill a database, then
measures, each in a fresh subprocess (wall and CPU time, median of ``--repeat`` rounds):
``brandwatch --version`` (start-up alone, the baseline), ``check``, ``sources`` (the table, piped
at 160 columns) and ``sources --format json``. Prints each time, its ratio to start-up
measured in the same round (the machine may be loaded: the ratios are what compare), the time
beyond start-up, and whether the targets hold: config loaded and ``sources`` answered in
under 1 s of wall time, and (what a loaded machine cannot hide) in at most 0.5 s and 0.6 s of
CPU.

    python benchmarks/sources.py [--feeds 5000] [--repeat 3] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate
from scan import Run, compile_package, measure, median_run


def write_config(folder: Path, feeds: int) -> Path:
    lines = [
        "database: bench.db",
        "keywords:",
        "  - Acme",
        "  - name: Globex",
        "    terms: [Globex, Globex Corporation]",
        "  - Initech",
        "sources:",
    ]
    lines += [
        f"  - {{name: feed{n}, url: 'feeds/{'missing' if n % 50 == 0 else 'feed'}{n}.xml'}}"
        for n in range(feeds)
    ]
    path = folder / "bench.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are shown")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    compile_package()
    os.environ["COLUMNS"] = "160"
    work = Path(tempfile.mkdtemp(prefix="brandwatch-sources-"))
    generate(work / "feeds", args.feeds, 2)
    config = write_config(work, args.feeds)
    brandwatch = shutil.which("brandwatch") or str(Path(sys.executable).parent / "brandwatch")
    scan = measure("scan", [brandwatch, "scan", "-c", str(config), "--quiet"], work, expect=1)
    commands = {
        "--version": [brandwatch, "--version"],
        "check": [brandwatch, "check", "-c", str(config)],
        "sources": [brandwatch, "sources", "-c", str(config)],
        "sources --format json": [brandwatch, "sources", "-c", str(config), "--format", "json"],
    }
    rounds: list[list[Run]] = [
        [measure(name, command, work) for name, command in commands.items()]
        for _ in range(args.repeat)
    ]
    startup, *runs = (median_run(list(column)) for column in zip(*rounds, strict=True))
    rows = runs[1].output.count("\n")
    print(
        f"{args.feeds} sources ({rows} lines of `sources`), scanned once in {scan.wall:.1f} s;"
        f" medians of {args.repeat} rounds; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'command':<24}{'wall s':>8}{'CPU s':>8}{'x start-up':>12}{'beyond start-up s':>19}")
    for run in (startup, *runs):
        print(
            f"{run.name:<24}{run.wall:>8.2f}{run.cpu:>8.2f}{run.wall / startup.wall:>12.2f}"
            f"{run.wall - startup.wall:>19.2f}"
        )
    check, table = runs[0], runs[1]
    for name, run in (("config loaded (check)", check), ("sources answered", table)):
        print(
            f"  [{'ok' if run.wall < 1 else 'MISS'}] {name} in {run.wall:.2f} s wall"
            f" (target < 1 s), {run.wall / startup.wall:.2f}x start-up"
        )
    # On a shared machine wall time waits for the CPU: CPU seconds tell what a quiet one sees.
    for name, run, most in (("check", check, 0.5), ("sources", table, 0.6)):
        print(
            f"  [{'ok' if run.cpu <= most else 'MISS'}] {name} in {run.cpu:.2f} s CPU"
            f" (target <= {most} s, wall under 1 s on a quiet machine),"
            f" {run.cpu / startup.cpu:.2f}x start-up's CPU"
        )
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
