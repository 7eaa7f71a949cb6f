"""Labelled texts from elsewhere (a previous tool's export, a survey coded by hand), read
from CSV for ``brandwatch corrections import``. Pure: bytes in, rows and problems out.

A header is required, naming ``text`` and ``label`` columns, optionally ``language``. Labels
are ``positive``/``neutral``/``negative``, also ``pos``/``neu``/``neg`` and ``1``/``0``/``-1``
(any case). A row without a language takes ``language`` (``--language``), else the one its
text is detected in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from brandwatch_cli.text import ISO_639_1, counted

#: What a label may be written as.
LABEL_SPELLINGS = {
    "positive": "positive",
    "pos": "positive",
    "1": "positive",
    "+1": "positive",
    "neutral": "neutral",
    "neu": "neutral",
    "0": "neutral",
    "negative": "negative",
    "neg": "negative",
    "-1": "negative",
}
#: The longest text kept (longer ones are cut: the analyzer reads no further anyway).
MAX_TEXT = 10_000
#: The longest field read (the csv module's default, 128 KiB, would stop at a long text).
MAX_FIELD = 64 * 1024 * 1024
#: Separators a header may use: a comma, or what French spreadsheets write (``;``), or a tab.
SEPARATORS = (",", ";", "\t")


@dataclass(frozen=True)
class ParsedCorrections:
    #: ``(text, label, language)``, in file order.
    rows: list[tuple[str, str, str | None]]
    #: ``FILE:LINE: what is wrong``, one per problem.
    problems: list[str]
    #: Whether the whole file was read (a malformed line stops the reading).
    complete: bool = True


def read_corrections(
    data: bytes,
    name: str,
    language: str | None,
    detect: Callable[[str], str | None],
) -> ParsedCorrections:
    """The rows of a corrections CSV file named ``name``; a file that cannot be read at all
    (not UTF-8, no header) is one problem at line 1."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ParsedCorrections([], [f"{name}:{line}: not UTF-8 text (save it as UTF-8)"])
    first = text.split("\n", 1)[0]
    separator = max(SEPARATORS, key=lambda c: (first.count(c), c == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    limit = csv.field_size_limit(MAX_FIELD)
    try:
        return _rows(reader, name, language, detect)
    except csv.Error as exc:
        line = reader.line_num
        problem = f"{name}:{line}: malformed CSV ({exc}); the rest of the file was not read"
        return ParsedCorrections([], [problem], complete=False)
    finally:
        csv.field_size_limit(limit)


def _rows(
    reader: Any,
    name: str,
    language: str | None,
    detect: Callable[[str], str | None],
) -> ParsedCorrections:
    header = [h.strip().casefold() for h in next(reader, [])]
    missing = [c for c in ("text", "label") if c not in header]
    if missing:
        found = ", ".join(h for h in header if h) or "nothing"
        return ParsedCorrections(
            [], [f"{name}:1: the header needs columns text and label (found: {found})"]
        )
    at_text, at_label = header.index("text"), header.index("label")
    at_language = header.index("language") if "language" in header else None
    rows: list[tuple[str, str, str | None]] = []
    problems: list[str] = []
    ended = reader.line_num
    for values in reader:
        line, ended = ended + 1, reader.line_num  # where the row starts (a quoted one spans)
        if line != ended and len(values) != len(header):
            problems.append(f"{name}:{line}: a quote opened on this line runs to line {ended}")
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(
                f"{name}:{line}: {counted(len(values), 'column')}, the header has {len(header)}"
            )
            continue
        body = values[at_text].strip()
        label = LABEL_SPELLINGS.get(values[at_label].strip().casefold())
        lang = (values[at_language].strip().lower() or None) if at_language is not None else None
        if not body:
            problems.append(f"{name}:{line}: empty text")
        elif label is None:
            problems.append(
                f"{name}:{line}: label {values[at_label].strip()!r} is not positive, neutral"
                " or negative (nor pos/neu/neg, 1/0/-1)"
            )
        elif lang is not None and lang not in ISO_639_1:
            problems.append(
                f"{name}:{line}: language {lang!r} is not a two-letter ISO 639-1 code (en, fr...)"
            )
        else:
            body = body[:MAX_TEXT]
            rows.append((body, label, lang or language or detect(body)))
    return ParsedCorrections(rows, problems)
