"""The ``csv`` source: offline feedback from a CSV export (call centre, survey, store comments).

Listening covers what customers say offline too. ``url`` is the file (a path, relative to the
config's folder, or a ``file://``/``http(s)://`` URL), read whole through the fetcher with a
conditional read: an identical file is ``Unchanged``. One row is one item.

Options name the columns (matched exactly, else ignoring case): ``text`` (required, unless a
column is called ``text``), and optionally ``title``, ``date``, ``author``, ``id``, ``link`` and
``rating`` (a number, kept as the ``rating`` engagement: stars, NPS...; ``rating_scale``, default
5, is its best value: 10 or 100 read 1..10 or 1..100 linearly as 1..5 stars, which decide the
sentiment label, see ``sentiment.rated``). Then ``delimiter``
(default: ``csv.Sniffer`` among ``, ; tab |``, checked against the header so that the mapped
columns exist; a header without any of them is one column), ``encoding`` (default: UTF-8, a BOM
skipped; UTF-16 with a BOM, as Excel's "Unicode text"; else cp1252, French Excel's ANSI),
``date_format`` (a strptime format; default ISO 8601, then ``DD/MM/YYYY[ HH:MM[:SS]]``; dates
without a zone are UTC) and ``language`` (an ISO code for every row).

The entry id is the ``id`` column, else ``dedupe.content_id`` of the row; a later row repeating
an earlier row's id gets ``#2``, ``#3``..., so rows are never merged by id (e.g. one ticket with
several comments). A row whose date cannot be read keeps ``published_at`` None.

Does NOT: drop rows, except those with neither text nor title; read spreadsheets (.xlsx); guess
a day-first/month-first ambiguity (``03/04/2026`` is 3 April unless ``date_format`` says
otherwise); or stream from disk (the fetcher reads the file whole, within its size cap; rows are
then parsed in one linear pass). Downstream dedupe still merges rows sharing a ``link`` (one
canonical URL) or long identical texts (one fingerprint): map ``link`` only to per-row URLs.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from brandwatch_cli.dedupe import content_id
from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item, Keyword, SourceConfig
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.options import OptionError
from brandwatch_cli.sources.response import Unchanged
from brandwatch_cli.text import ISO_639_1, clean_text, language_tag, web_link
from brandwatch_cli.times import as_utc, parse_iso

#: Config keys naming a column, and the item field each feeds.
COLUMN_OPTIONS = ("text", "title", "date", "author", "id", "link", "rating")
DELIMITERS = ",;\t|"
#: The delimiter for a one-column file: the ASCII unit separator, which no export contains.
ONE_COLUMN = "\x1f"
DAY_FIRST_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%Y %H:%M:%S")
_SNIFF_CHARS = 32_768
_LISTED_COLUMNS = 30


@dataclass(frozen=True)
class CsvLayout:
    """How to read one export: the configured column names and parsing choices."""

    columns: Mapping[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    encoding: str | None = None
    date_format: str | None = None
    language: str | None = None


class CsvSource:
    """A local (or remote) CSV file of customer feedback."""

    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {
        **dict.fromkeys(COLUMN_OPTIONS, str),
        "delimiter": str,
        "encoding": str,
        "date_format": str,
        "language": str,
        "rating_scale": (int, float),
    }
    NEEDS_URL: ClassVar[bool] = True

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config

    @staticmethod
    def check_options(config: SourceConfig) -> None:
        """Column names, ``delimiter``, ``encoding``, ``date_format`` and ``language``."""
        layout_from_options(config.options)

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        assert self.config.url is not None
        layout = layout_from_options(self.config.options)
        response = await ctx.fetcher.get(self.config.url, conditional=True)
        if response.unchanged:
            raise Unchanged
        return await ctx.run(parse_csv, response.content, layout)


def layout_from_options(options: Mapping[str, Any]) -> CsvLayout:
    """The options checked beyond their type; OptionError naming the option otherwise."""
    columns = {key: options[key] for key in COLUMN_OPTIONS if key in options}
    for key, column in columns.items():
        if not column:
            raise OptionError(f"option '{key}' must name a column, not an empty string", key)
    delimiter = options.get("delimiter")
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise OptionError(
                f"option 'delimiter' must be one character such as ';' or 'tab', not {delimiter!r}",
                "delimiter",
            )
    encoding = options.get("encoding")
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise OptionError(
                f"option 'encoding': unknown encoding {encoding!r}", "encoding"
            ) from None
    date_format = options.get("date_format")
    if date_format is not None and "%" not in date_format:
        raise OptionError(
            f"option 'date_format' is not a strptime format: {date_format!r}", "date_format"
        )
    scale = options.get("rating_scale")
    if scale is not None and (isinstance(scale, bool) or not 1 < scale <= 1_000_000):
        raise OptionError(
            f"option 'rating_scale' must be the best rating, such as 5, 10 or 100: {scale!r}",
            "rating_scale",
        )
    language = options.get("language")
    if language is not None:
        if language_tag(language) not in ISO_639_1:
            raise OptionError(
                f"option 'language' must be an ISO 639 code such as 'fr': {language!r}",
                "language",
            )
        language = language_tag(language)
    return CsvLayout(columns, delimiter, encoding, date_format, language)


def parse_csv(content: bytes, layout: CsvLayout) -> list[Item]:
    """Every row of the export that says something, as items; linear in the file's size."""
    text = decode(content, layout.encoding)
    delimiter = layout.delimiter or choose_delimiter(text, layout)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows, None)
        if header is None:
            raise SourceError("empty file: no header row")
        index = column_indexes(header, layout)
        return list(_items(rows, index, layout))
    except csv.Error as exc:
        raise SourceError(f"malformed CSV at line {rows.line_num}: {exc}") from None


def decode(content: bytes, encoding: str | None) -> str:
    """The file as text: the configured encoding, else UTF-8 (BOM skipped), UTF-16, cp1252."""
    if encoding:
        codec = "utf-8-sig" if encoding == "utf-8" else encoding
        try:
            return content.decode(codec)
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"the file is not {encoding} (byte 0x{content[exc.start]:02x} at offset"
                f" {exc.start}): check the 'encoding' option"
            ) from None
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")  # 5 unassigned bytes: never fatal


def choose_delimiter(text: str, layout: CsvLayout) -> str:
    """The sniffed delimiter if the mapped columns are in the header that way, else another."""
    sample = text[:_SNIFF_CHARS]
    header_line = sample.split("\n", 1)[0].rstrip("\r")
    present = [d for d in DELIMITERS if d in header_line]
    if not present:
        return ONE_COLUMN
    try:
        sniffed = csv.Sniffer().sniff(sample.rsplit("\n", 1)[0], delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    candidates = sorted(present, key=lambda d: (d != sniffed, -header_line.count(d)))
    for candidate in [*candidates, ONE_COLUMN]:
        header = next(csv.reader([header_line], delimiter=candidate), [])
        if _fits(header, layout):
            return candidate
    return candidates[0]  # the header lacks a column: column_indexes says which


def column_indexes(header: Sequence[str], layout: CsvLayout) -> dict[str, int]:
    """Item field -> position in the row; SourceError naming a missing column."""
    lookup = _lookup(header)
    index: dict[str, int] = {}
    for key, column in _wanted(layout).items():
        position = lookup(column)
        if position is None:
            raise _missing_column(header, layout, key, column)
        index[key] = position
    return index


def _missing_column(header: Sequence[str], layout: CsvLayout, key: str, column: str) -> SourceError:
    names = [clean_text(name) for name in header]
    listed = ", ".join(repr(n) for n in names[:_LISTED_COLUMNS])
    if len(names) > _LISTED_COLUMNS:
        listed += f" and {len(names) - _LISTED_COLUMNS} more"
    if key == "text" and "text" not in layout.columns:
        return SourceError(
            "no 'text' option and no column named 'text': set 'text' to the column that"
            f" holds the feedback (columns: {listed})"
        )
    return SourceError(
        f"column {column!r} (option '{key}') is not in the header (columns: {listed})"
    )


def _wanted(layout: CsvLayout) -> dict[str, str]:
    """Item field -> column name: the configured ones, ``text`` by default."""
    return {"text": "text", **layout.columns}


def _lookup(header: Sequence[str]) -> Callable[[str], int | None]:
    """Finds a column by its exact name, else ignoring case; the first of duplicates wins."""
    exact: dict[str, int] = {}
    folded: dict[str, int] = {}
    for position, name in enumerate(header):
        name = clean_text(name)  # also drops a BOM the decoder did not
        exact.setdefault(name, position)
        folded.setdefault(name.casefold(), position)
    return lambda column: exact.get(column, folded.get(column.casefold()))


def _fits(header: Sequence[str], layout: CsvLayout) -> bool:
    lookup = _lookup(header)
    return all(lookup(column) is not None for column in _wanted(layout).values())


def _items(
    rows: Iterable[list[str]], index: Mapping[str, int], layout: CsvLayout
) -> Iterable[Item]:
    dates = _DateReader(layout.date_format)
    seen: dict[str, int] = {}

    def cell(row: list[str], key: str) -> str:
        position = index.get(key)
        return row[position] if position is not None and position < len(row) else ""

    for row in rows:
        title, text = clean_text(cell(row, "title")), clean_text(cell(row, "text"))
        if not (title or text):
            continue
        published = dates.read(cell(row, "date"))
        entry_id = clean_text(cell(row, "id")) or content_id(title, text, published)
        seen[entry_id] = count = seen.get(entry_id, 0) + 1
        rating = _number(cell(row, "rating"))
        yield Item(
            entry_id=entry_id if count == 1 else f"{entry_id}#{count}",
            url=web_link(cell(row, "link")),
            title=title,
            text=text,
            author=clean_text(cell(row, "author")) or None,
            published_at=published,
            language=layout.language,
            engagement={"rating": rating} if rating is not None else {},
        )


class _DateReader:
    """Parses one column's dates, trying the format that worked last first (one export
    uses one format, so a 100k-row file costs one strptime per row)."""

    def __init__(self, date_format: str | None) -> None:
        self.formats = [date_format] if date_format else list(DAY_FIRST_FORMATS)
        self.iso = date_format is None

    def read(self, value: str) -> datetime | None:
        value = value.strip()
        if not value:
            return None
        if self.iso and (moment := parse_iso(value)) is not None:
            return moment
        for position, date_format in enumerate(self.formats):
            try:
                parsed = datetime.strptime(value, date_format)
            except ValueError:
                continue
            if position:
                self.formats.insert(0, self.formats.pop(position))
            return as_utc(parsed)
        return None


def _number(value: str) -> float | None:
    """``4``, ``4.5`` or ``4,5`` as a number; None for anything else."""
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None
