"""Mentions for machines: CSV and JSON Lines, streamed row by row (memory stays flat).

No Rich here: what a spreadsheet or ``jq`` reads must be exactly the data.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

from brandwatch_cli.models import MENTION_COLUMNS

FORMATS = ("csv", "jsonl")


def write_csv(rows: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    """Header, then one line per mention; empty cells for missing values. Returns the count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MENTION_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in MENTION_COLUMNS])
        count += 1
    return count


def write_jsonl(rows: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    """One JSON object per line, with the same fields as the CSV (null where missing);
    ``engagement``, ``matched_terms`` and ``keyword_sentiment`` are nested objects rather than
    JSON text."""
    count = 0
    for row in rows:
        record = {c: row[c] for c in MENTION_COLUMNS}
        record["engagement"] = json.loads(record["engagement"]) if record["engagement"] else {}
        record["matched_terms"] = json.loads(record["matched_terms"] or "{}")
        scores = record["keyword_sentiment"]
        record["keyword_sentiment"] = json.loads(scores) if scores else {}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write(rows: Iterable[Mapping[str, Any]], out: IO[str], fmt: str) -> int:
    return (write_csv if fmt == "csv" else write_jsonl)(rows, out)
