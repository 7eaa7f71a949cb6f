"""The ``csv`` source: offline feedback from a CSV export (call centre, survey, store comments).

Listening covers what customers say offline too. ``url`` is the file (a path, relative to the
config's folder, or a ``file://``/``http(s)://`` URL), read whole through the fetcher with a
conditional read: an identical file is ``Unchanged``. One row is one item.

Options name the columns (matched exactly, else ignoring case): ``text`` (required, unless a
column is called ``text``), and optionally ``title``, ``date``, ``author``, ``id``, ``link`` and
``rating`` (a number, kept as the ``rating`` engagement: stars, NPS...; ``rating_scale``, default
5, is its best value: 10 or 100 read 1..10 or 1..100 linearly as 1..5 stars, which decide the
sentiment label, see ``sentiment.rated``; a number outside 0..scale is no rating). Then
``delimiter`` (default: ``csv.Sniffer`` among ``, ; tab |``, checked against the header so that
the mapped columns exist; a header without any of them is one column), ``encoding`` (default:
UTF-8, a BOM skipped; UTF-16 with a BOM, as Excel's "Unicode text"; else cp1252, French Excel's
ANSI), ``date_format`` (a strptime format; default ISO 8601, then ``DD/MM/YYYY[ HH:MM[:SS]]``;
dates without a zone are UTC) and ``language`` (an ISO code for every row).

The entry id is the ``id`` column, else ``dedupe.content_id`` of the row; a later row repeating
an earlier row's id gets ``#2``, ``#3``..., so rows are never merged by id (e.g. one ticket with
several comments). A row whose date cannot be read keeps ``published_at`` None.

A local file is read in batches (``open_batches``, see ``files``): rows are parsed as the file
is read, ``files.BATCH_ROWS`` at a time, within the source's ``max_size_mb`` (default 4 GB),
and what a row keeps in memory is 8 bytes (a hash of its id, to number repeated ids). A remote
file is read whole through the fetcher, within ``max_response_mb``.

Does NOT: drop rows, except those with neither text nor title; read spreadsheets (.xlsx); or
guess a day-first/month-first ambiguity (``03/04/2026`` is 3 April unless ``date_format`` says
otherwise). Downstream dedupe still merges rows sharing a ``link`` (one
canonical URL) or long identical texts (one fingerprint): map ``link`` only to per-row URLs.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import hashlib
import heapq
import io
import math
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar

from brandwatch_cli.dedupe import content_id
from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item, Keyword, SourceConfig
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.files import (
    BATCH_ROWS,
    MAX_SIZE_OPTION,
    FileBatches,
    changed_file,
    file_limit,
)
from brandwatch_cli.sources.local import is_local
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
    rating_scale: float = 5.0


class CsvSource:
    """A local (or remote) CSV file of customer feedback."""

    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {
        **dict.fromkeys(COLUMN_OPTIONS, str),
        "delimiter": str,
        "encoding": str,
        "date_format": str,
        "language": str,
        "rating_scale": (int, float),
        MAX_SIZE_OPTION: (int, float),
    }
    NEEDS_URL: ClassVar[bool] = True

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config

    @staticmethod
    def check_options(config: SourceConfig) -> None:
        """Column names, ``delimiter``, ``encoding``, ``date_format``, ``language`` and
        ``max_size_mb``."""
        layout_from_options(config.options)
        file_limit(config)

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        assert self.config.url is not None
        layout = layout_from_options(self.config.options)
        response = await ctx.fetcher.get(self.config.url, conditional=True)
        if response.unchanged:
            raise Unchanged
        return await ctx.run(parse_csv, response.content, layout)

    async def open_batches(self, ctx: FetchContext) -> FileBatches | None:
        """A local file, to read in batches of ``BATCH_ROWS`` rows (None for a remote one:
        ``fetch`` reads it whole). ``Unchanged`` when its content is the one seen last time."""
        url = self.config.url
        assert url is not None
        if not is_local(url):
            return None
        layout = layout_from_options(self.config.options)
        path = await asyncio.to_thread(changed_file, ctx.fetcher, url)
        return await asyncio.to_thread(csv_batches, path, layout, BATCH_ROWS)


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
    return CsvLayout(
        columns, delimiter, encoding, date_format, language, float(scale if scale else 5)
    )


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


def csv_batches(path: Path, layout: CsvLayout, size: int) -> FileBatches:
    """The rows of a local export that say something, as items, ``size`` at a time, read as
    the batches are taken: the file is never held whole. Decoded as ``decode`` would."""
    codec, errors = file_codec(path, layout.encoding)
    raw = path.open("rb")
    try:
        sample = io.TextIOWrapper(io.BytesIO(raw.read(4 * _SNIFF_CHARS)), codec, "replace")
        delimiter = layout.delimiter or choose_delimiter(sample.read(), layout)
        raw.seek(0)
        rows = csv.reader(io.TextIOWrapper(raw, codec, errors, newline=""), delimiter=delimiter)
        header = next(rows, None)
        if header is None:
            raise SourceError("empty file: no header row")
        index = column_indexes(header, layout)
    except csv.Error as exc:
        raw.close()
        raise SourceError(f"malformed CSV at line {rows.line_num}: {exc}") from None
    except BaseException:
        raw.close()
        raise

    def batches() -> Iterator[list[Item]]:
        items = _items(rows, index, layout)
        try:
            while batch := list(islice(items, size)):
                yield batch
        except csv.Error as exc:
            raise SourceError(f"malformed CSV at line {rows.line_num}: {exc}") from None
        finally:
            raw.close()

    return FileBatches(batches(), path.stat().st_size, raw.tell)


def file_codec(path: Path, encoding: str | None) -> tuple[str, str]:
    """The codec and error handling ``decode`` would choose for the file, found by reading
    it in chunks (a configured encoding is checked whole, so a bad byte is named up front)."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if not encoding and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", "replace"
        codec = "utf-8-sig" if encoding in (None, "utf-8") else encoding
        decoder = codecs.getincrementaldecoder(codec)()
        handle.seek(0)
        offset = 0
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if encoding is None:
                return "cp1252", "replace"  # 5 unassigned bytes: never fatal
            at = max(0, offset + exc.start - len(exc.object) + len(chunk))
            handle.seek(at)
            byte = handle.read(1)[:1] or b"\0"
            raise SourceError(
                f"the file is not {encoding} (byte 0x{byte[0]:02x} at offset {at}): check the"
                " 'encoding' option"
            ) from None
    return codec, "strict"


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


#: Fields read from a column of their own name (any case) when no option names theirs.
BY_NAME = ("title", "date", "author", "id", "link", "rating")


def column_indexes(header: Sequence[str], layout: CsvLayout) -> dict[str, int]:
    """Item field -> position in the row: the columns the options name (SourceError naming
    one that is missing), and those called as a field (``BY_NAME``)."""
    lookup = _lookup(header)
    index: dict[str, int] = {}
    for key, column in _wanted(layout).items():
        position = lookup(column)
        if position is None:
            raise _missing_column(header, layout, key, column)
        index[key] = position
    for key in BY_NAME:  # a column called as a field is read as it, unless an option says
        position = lookup(key)
        if key not in index and key not in layout.columns and position is not None:
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
    seen = _SeenIds()

    def cell(row: list[str], key: str) -> str:
        position = index.get(key)
        return row[position] if position is not None and position < len(row) else ""

    for row in rows:
        title, text = clean_text(cell(row, "title")), clean_text(cell(row, "text"))
        if not (title or text):
            continue
        published = dates.read(cell(row, "date"))
        entry_id = clean_text(cell(row, "id")) or content_id(title, text, published)
        count = seen.count(entry_id)
        rating = _number(cell(row, "rating"))
        if rating is not None and not 0 <= rating <= layout.rating_scale:
            rating = None  # no rating on this scale: neither a label nor a rule's rating_at_most
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


class _SeenIds:
    """How many times each entry id has come, in 8 bytes per id (a hash of it) rather than
    a dict of strings: a 400,000-row file keeps 3 MB for this. Exact counts are kept only for
    ids that repeat, which are few; hashes are stable across runs, so numbering is too."""

    _RECENT = 100_000

    def __init__(self) -> None:
        self.sorted = array("q")
        self.recent: set[int] = set()
        self.repeats: dict[str, int] = {}

    def count(self, entry_id: str) -> int:
        """1 the first time ``entry_id`` comes, 2 the second time..."""
        if entry_id in self.repeats:
            self.repeats[entry_id] += 1
            return self.repeats[entry_id]
        digest = hashlib.blake2b(entry_id.encode(), digest_size=8).digest()
        key = int.from_bytes(digest, "little", signed=True)
        at = bisect_left(self.sorted, key)
        if key in self.recent or (at < len(self.sorted) and self.sorted[at] == key):
            self.repeats[entry_id] = 2
            return 2
        self.recent.add(key)
        if len(self.recent) >= self._RECENT:
            self.sorted = array("q", heapq.merge(self.sorted, sorted(self.recent)))
            self.recent = set()
        return 1


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
