"""Mentions for machines: CSV and JSON Lines, streamed row by row (memory stays flat).

No Rich here: what a spreadsheet or ``jq`` reads must be exactly the data.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from brandwatch_cli.models import MENTION_COLUMNS
from brandwatch_cli.runtime import no_cycle_collection

FORMATS = ("csv", "jsonl")
#: A cell a spreadsheet would run as a formula starts with one of these (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: one starting like a formula (``=HYPERLINK(...)``,
    ``+cmd|...``, ``@SUM(...)``) gets a leading ``'``; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(
    rows: Iterable[Sequence[Any]], out: IO[str], *, excel: bool = False, delimiter: str = ","
) -> int:
    """Header, then one line per mention (cells in MENTION_COLUMNS order); empty cells for
    missing values. Returns the count. Written a thousand rows at a time by the csv module
    itself: the per-row Python of an export of millions of rows was half its time.

    ``excel``: for spreadsheets, not pipelines: a UTF-8 byte order mark first (so Excel reads
    UTF-8) and every cell that could run as a formula neutralised (``safe_cell``)."""
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n", delimiter=delimiter)
    if excel:
        out.write("\ufeff")
        rows = ([safe_cell(cell) for cell in row] for row in rows)
    writer.writerow(MENTION_COLUMNS)
    count = 0
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, 1000)):
        if excel:
            writer.writerows(chunk)  # None is written as an empty cell
        else:
            out.write(csv_lines(chunk, delimiter))
        count += len(chunk)
    return count


def csv_lines(chunk: Sequence[Sequence[Any]], delimiter: str = ",") -> str:
    """The lines the csv module writes for ``chunk`` (rows of two cells or more, ``"\\n"``
    ending each line), byte for byte, built a column at a time: the csv module looks at
    every character of every cell in turn (a third of an export's time at a million
    mentions), where a column's cells are joined and searched once by ``str`` methods, and
    only the cells of a column holding a quote, the delimiter or a newline are checked
    one by one. A cell is quoted when it holds one of those (quotes doubled); None is empty;
    other values are written as ``str`` writes them (a float as its repr, as csv does)."""
    columns: list[Sequence[str]] = []
    for column in zip(*chunk, strict=True):
        cells: Sequence[Any] = column
        if None in cells:
            cells = ["" if cell is None else cell for cell in cells]
        try:
            joined = "".join(cells)
        except TypeError:  # numbers
            cells = [cell if cell.__class__ is str else str(cell) for cell in cells]
            joined = "".join(cells)
        if '"' in joined or delimiter in joined or "\n" in joined:
            cells = [
                '"' + cell.replace('"', '""') + '"'
                if '"' in cell or delimiter in cell or "\n" in cell
                else cell
                for cell in cells
            ]
        columns.append(cells)
    return "".join([delimiter.join(row) + "\n" for row in zip(*columns, strict=True)])


def write_jsonl(rows: Iterable[Sequence[Any]], out: IO[str]) -> int:
    """One JSON object per line, with the same fields as the CSV (null where missing);
    ``engagement``, ``matched_terms``, ``keyword_sentiment`` and ``aspects`` are nested objects,
    ``tags`` a list, rather than JSON text."""
    count = 0
    for row in rows:
        record = dict(zip(MENTION_COLUMNS, row, strict=True))
        record["engagement"] = json.loads(record["engagement"]) if record["engagement"] else {}
        record["matched_terms"] = json.loads(record["matched_terms"] or "{}")
        scores = record["keyword_sentiment"]
        record["keyword_sentiment"] = json.loads(scores) if scores else {}
        record["aspects"] = json.loads(record["aspects"] or "{}")
        record["tags"] = json.loads(record["tags"]) if record["tags"] else []
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_rows(
    rows: Iterable[Sequence[Any]],
    out: IO[str],
    fmt: str,
    *,
    excel: bool = False,
    delimiter: str = ",",
) -> int:
    """Mentions as the store reads them (tuples in MENTION_COLUMNS order), in ``fmt``."""
    with no_cycle_collection():
        if fmt == "csv":
            return write_csv(rows, out, excel=excel, delimiter=delimiter)
        return write_jsonl(rows, out)


def write(
    rows: Iterable[Mapping[str, Any]],
    out: IO[str],
    fmt: str,
    *,
    excel: bool = False,
    delimiter: str = ",",
) -> int:
    """Mentions as dicts (a listing's, a search's), in ``fmt``."""
    cells = (tuple(row[c] for c in MENTION_COLUMNS) for row in rows)
    return write_rows(cells, out, fmt, excel=excel, delimiter=delimiter)
