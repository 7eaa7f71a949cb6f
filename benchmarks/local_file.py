"""Benchmark: a big local call-centre CSV through the real `brandwatch scan`.

Generates a CSV of N rows (default 400,000, about 24 MB) of realistic French and English
call-centre comments, most naming the brand (ticket id, date, agent, channel, rating), writes
a config with one `csv` source reading it, and runs the installed `brandwatch scan --quiet`
in a subprocess: the file is read, matched, scored (language, sentiment) and stored in
batches. Prints rows/s and mentions/s end to end (start-up included) and the scan's peak RSS;
then, with `--rescan`, a second scan of a copy of the file with every row already stored
(nothing doubled). Target (issue 12): at least 5,000 mentions/s, and memory flat with size:

    python benchmarks/local_file.py --rows 100000
    python benchmarks/local_file.py --rows 400000
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BRAND = "Acme"
FRENCH = (
    "Conseiller {brand} très aimable, problème de {thing} réglé en {n} minutes",
    "Toujours pas de {thing} après {n} jours, {brand} ne rappelle jamais",
    "Je n'aime pas du tout l'attente au {brand} : {n} minutes pour rien",
    "Super accueil chez {brand} ({n}), merci pour le geste sur la {thing}",
    "Facture {brand} fausse de {n} euros, deuxième appel",
    "{brand} a coupé ma {thing} sans prévenir depuis {n} heures, inadmissible",
    "Rien à redire, {brand} au top pour le changement de {thing} n°{n}",
    "Demande de résiliation {brand} envoyée, dossier {n}",
    "Livraison de la {thing} en retard de {n} jours",
)
ENGLISH = (
    "{brand} agent was helpful, my {thing} issue fixed in {n} minutes",
    "Still no {thing} after {n} days, {brand} never calls back",
    "Waited {n} minutes on the {brand} line, terrible service",
    "Great support from {brand} about the {thing} #{n}, thanks",
    "{brand} billed me {n} dollars twice for the {thing}",
    "Cancelled my {brand} plan, case {n}",
    "The {thing} arrived {n} days late",
)
THINGS_FR = ("box", "fibre", "ligne", "carte SIM", "facture", "commande", "livraison", "télé")
THINGS_EN = ("router", "fibre", "line", "SIM card", "bill", "order", "delivery", "TV box")
CHANNELS = ("phone", "chat", "email", "store")


def generate(path: Path, rows: int, seed: int = 12) -> None:
    """``rows`` comments: two thirds French, a tenth not naming the brand."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket", "date", "agent", "channel", "rating", "comment"])
        for n in range(rows):
            french = rng.random() < 0.66
            template = rng.choice(FRENCH if french else ENGLISH)
            thing = rng.choice(THINGS_FR if french else THINGS_EN)
            brand = BRAND if rng.random() < 0.9 else "le service"
            text = template.format(brand=brand, thing=thing, n=rng.randint(2, 99_999))
            moment = start + timedelta(seconds=rng.randint(0, 300 * 86400))
            writer.writerow(
                [
                    f"T{n:07d}",
                    moment.strftime("%d/%m/%Y %H:%M"),
                    f"agent{rng.randint(1, 300)}",
                    rng.choice(CHANNELS),
                    rng.randint(1, 5),
                    text,
                ]
            )


def write_config(folder: Path, csv_path: Path) -> Path:
    config = folder / "brandwatch.yaml"
    config.write_text(
        f"database: {folder / 'mentions.db'}\n"
        f"keywords: [{BRAND}]\n"
        "retention: {entries_days: 0}\n"
        "sources:\n"
        "  - name: callcentre\n"
        "    type: csv\n"
        f"    url: {csv_path}\n"
        "    text: comment\n"
        "    id: ticket\n"
        "    date: date\n"
        "    author: agent\n"
        "    rating: rating\n"
        "    timeout: 3600\n",
        encoding="utf-8",
    )
    return config


def scan(config: Path) -> tuple[float, float, float]:
    """Seconds, CPU seconds (its worker processes included) and peak RSS (MB, of the
    biggest process) of one real `brandwatch scan --quiet` subprocess."""
    brandwatch = str(Path(sys.executable).parent / "brandwatch")
    if not Path(brandwatch).exists():
        brandwatch = shutil.which("brandwatch") or "brandwatch"
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run(
        [brandwatch, "scan", "-c", str(config), "--quiet"], capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"scan failed ({done.returncode}): {done.stderr}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if usage.ru_maxrss <= before:
        print("  (peak RSS not measured: an earlier child was bigger)")
    return seconds, usage.ru_utime + usage.ru_stime - cpu, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--rescan", action="store_true", help="scan a copy again")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        csv_path = folder / "callcentre.csv"
        generate(csv_path, args.rows)
        size = csv_path.stat().st_size / 1e6
        config = write_config(folder, csv_path)
        seconds, cpu, peak = scan(config)
        with sqlite3.connect(folder / "mentions.db") as conn:
            mentions = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        verdict = "ok" if mentions / seconds >= 5000 else "MISS"
        print(
            f"{args.rows:,} rows ({size:.1f} MB): {mentions:,} mentions stored in {seconds:.1f} s"
        )
        print(
            f"  [{verdict}] {args.rows / seconds:,.0f} rows/s, {mentions / seconds:,.0f}"
            f" mentions/s end to end (scoring included); {cpu:.1f} CPU s; peak RSS {peak:.0f} MB"
        )
        if args.rescan:
            csv_path.write_bytes(csv_path.read_bytes() + b"\n")  # changed bytes, same rows
            seconds, _, _ = scan(config)
            with sqlite3.connect(folder / "mentions.db") as conn:
                again = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
            print(f"  rescan of the same rows: {seconds:.1f} s, {again - mentions} mentions added")


if __name__ == "__main__":
    main()
