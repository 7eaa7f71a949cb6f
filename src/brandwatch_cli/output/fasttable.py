"""A fitted table drawn in time linear in its cells: Rich draws the title and the header, the
body rows are put together here.

Rich lays out every cell through its generic machinery (a Padding, a measure, a wrap, a crop
and a reshape per cell): a ``sources`` table of 5,000 rows took 25 s. Once ``layout.plan`` has
fixed every column's width, most cells need no layout at all: a cell on one line that fits its
column is only padded. The others (wrapped, folded, several lines) still go through Rich's own
wrapping, and styled cells through Rich's own rendering, so the output is the same, byte for
byte and colour included, as a Rich ``Table`` of the same columns and rows
(``tests/test_output_fasttable.py`` compares the two).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

Cell = Text | str


@dataclass(frozen=True)
class FixedColumn:
    """A column whose width is decided (``layout.plan``): header, width, justification."""

    header: str
    width: int
    justify: JustifyMethod = "left"


def header_table(title: str | None, columns: Sequence[FixedColumn]) -> Table:
    """The Rich table the body rows belong to (also drawn whole by Rich when it is short)."""
    drawn = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    for column in columns:
        drawn.add_column(column.header, justify=column.justify, width=column.width, overflow="fold")
    return drawn


class FastTable:
    """A renderable: ``rows`` under ``columns``, as ``header_table`` with the rows added."""

    def __init__(
        self, title: str | None, columns: Sequence[FixedColumn], rows: Sequence[Sequence[Cell]]
    ) -> None:
        self.title = title
        self.columns = tuple(columns)
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        head = console.render_lines(
            header_table(self.title, self.columns), options, pad=False, new_lines=True
        )
        *top, bottom = head  # the last line is the box's bottom edge: it goes after the rows
        for line in top:
            yield from line
        shape = box.SIMPLE_HEAD.substitute(options, safe=console.safe_box)
        cells = _Cells(console, options)
        last = len(self.rows) - 1
        middle = (shape.mid_left, shape.mid_vertical, shape.mid_right)
        foot = (shape.foot_left, shape.foot_vertical, shape.foot_right)
        by_column = zip(*self.rows, strict=True)
        columns = zip(by_column, self.columns, strict=False)  # no rows: no columns of cells
        drawn = [cells.column(list(column), fixed) for column, fixed in columns]
        if cells.plain and drawn:  # every cell one unstyled line: each row is one string
            lines = cast(list[list[str]], drawn)
            ends = [middle] * last + [foot]
            for (left, divider, right), row in zip(ends, zip(*lines, strict=True), strict=True):
                yield Segment(f"{left} {f' {divider} '.join(row)} {right}\n")
        else:
            for index, row in enumerate(zip(*drawn, strict=True)):
                edges = middle if index < last else foot
                yield from _row(self.columns, row, edges)
        yield from bottom


def _row(
    columns: Sequence[FixedColumn], drawn: Sequence[str | list[_Line]], edges: tuple[str, str, str]
) -> Iterator[Segment]:
    """One row's lines: each cell padded by a space each side, cells side by side, a short cell
    filled with blank lines below (Rich's top alignment)."""
    left, divider, right = edges
    if all(type(lines) is str for lines in drawn):  # the usual row: one unstyled line
        yield Segment(f"{left} {f' {divider} '.join(drawn)} {right}\n")  # type: ignore[arg-type]
        return
    if all(isinstance(lines, str) or len(lines) == 1 for lines in drawn):  # one line, styled
        pending = [left, " "]
        between = f" {divider} "
        for position, lines in enumerate(drawn):
            if position:
                pending.append(between)
            if isinstance(lines, str):
                pending.append(lines)
                continue
            for segment in lines[0]:
                if segment.style or segment.control:
                    yield Segment("".join(pending))
                    pending = []
                    yield segment
                else:
                    pending.append(segment.text)
        pending.append(f" {right}\n")
        yield Segment("".join(pending))
        return
    shaped = [[[Segment(lines)]] if isinstance(lines, str) else lines for lines in drawn]
    height = max(map(len, shaped))
    last = len(columns) - 1
    for number in range(height):
        pending = [left]  # unstyled text, written as one segment: identical bytes, fewer objects
        for position, (column, lines) in enumerate(zip(columns, shaped, strict=True)):
            pending.append(" ")
            if number >= len(lines):
                pending.append(" " * column.width)
            else:
                for segment in lines[number]:
                    if segment.style or segment.control:
                        yield Segment("".join(pending))
                        pending = []
                        yield segment
                    else:
                        pending.append(segment.text)
            pending.append(" " if position == last else " " + divider)
        pending.append(right)
        pending.append("\n")
        yield Segment("".join(pending))


_Line = list[Segment]


class _Cells:
    """Each cell's lines, exactly ``width`` cells wide, as Rich would draw them: a string for
    one unstyled line, else lines of segments."""

    def __init__(self, console: Console, options: ConsoleOptions) -> None:
        self.console = console
        self.options = options
        #: Whether the console reads emoji codes (``:smile:``) in strings, as it reads markup.
        self.emoji = console.render_str(":smile:").plain != ":smile:"
        #: Whether styles are drawn at all: without a colour system (piped, ``TERM=dumb``)
        #: Rich writes a styled segment's text alone, so a styled cell is padded as a plain one.
        self.colourless = console.color_system is None and not console.record
        self.texts: dict[str, Text] = {}
        self.styled: dict[tuple[object, ...], list[_Line]] = {}
        #: Whether every cell drawn so far is one unstyled line (a string).
        self.plain = True

    def column(self, cells: list[Cell], fixed: FixedColumn) -> list[str | list[_Line]]:
        """``lines`` of each of a column's cells; at once when every one is printable ASCII
        that fits, without markup, emoji codes, or styles that are drawn."""
        plain = [cell.plain if isinstance(cell, Text) else cell for cell in cells]
        joined = "".join(plain)
        width, justify = fixed.width, fixed.justify
        if (
            justify in ("left", "right")
            and joined.isascii()
            and joined.isprintable()
            and max(map(len, plain), default=0) <= width
            and "[" not in joined
            and not (self.emoji and ":" in joined)
            and all(
                cell.justify is None and (self.colourless or (not cell.style and not cell.spans))
                for cell in cells
                if isinstance(cell, Text)
            )
        ):
            if justify == "right":
                return [text.rstrip().rjust(width) for text in plain]
            return [text.ljust(width) for text in plain]
        drawn = [self.lines(cell, width, justify) for cell in cells]
        if self.plain and not all(type(lines) is str for lines in drawn):
            self.plain = False
        return drawn

    def lines(self, cell: Cell, width: int, justify: JustifyMethod) -> str | list[_Line]:
        if isinstance(cell, str):
            # printable ASCII: nothing for Text() to strip, one cell a character; no markup
            ascii_line = cell.isascii() and cell.isprintable() and len(cell) <= width
            if ascii_line and "[" not in cell and not (self.emoji and ":" in cell):
                return _pad_ascii(cell, width, justify)
            text = self.texts.get(cell)
            if text is None:  # markup and emoji codes read as Rich reads them
                text = self.texts[cell] = self.console.render_str(
                    cell, highlight=False, markup=self.options.markup
                )
            cell = text
        plain = cell.plain
        justify = cell.justify or justify
        fits = justify in ("left", "right") and plain_width(plain) <= width
        if not fits:
            return self._wrapped(cell, width, justify)
        if self.colourless or (not cell.style and not cell.spans):
            return _pad(plain, width, justify)
        key = (plain, cell.style, tuple(cell.spans), width, justify)
        lines = self.styled.get(key)
        if lines is None:
            line = cell.copy()
            if justify == "right":
                line.rstrip()
                line.pad_left(width - cell_len(line.plain))
            else:
                line.truncate(width, pad=True)
            joined = Text("\n").join([line])  # as Rich's Text.__rich_console__ does
            lines = self.styled[key] = [list(joined.render(self.console, end=""))]
        return lines

    def _wrapped(self, cell: Text, width: int, justify: JustifyMethod) -> list[_Line]:
        """Rich's own wrapping (word wrap, folding of long words) and rendering."""
        options = self.options.update(
            width=width, justify=justify, no_wrap=False, overflow="fold", height=None
        )
        options = options.update(highlight=False)
        return self.console.render_lines(cell, options, pad=True)


#: Wider than any column: a text on several lines, or with tabs, is never drawn as it is.
_MULTILINE = 1 << 30


def plain_width(text: str) -> int:
    """The cells ``text`` takes on one line (Rich's ``cell_len``, without its cost for
    printable ASCII); ``_MULTILINE`` for a text with a line break or a tab."""
    if text.isascii() and text.isprintable():
        return len(text)
    if "\n" in text or "\t" in text:
        return _MULTILINE
    return cell_len(text)


def _pad_ascii(plain: str, width: int, justify: JustifyMethod) -> str:
    """``_pad`` of printable ASCII (one cell a character)."""
    return plain.rstrip().rjust(width) if justify == "right" else plain.ljust(width)


def _pad(plain: str, width: int, justify: JustifyMethod) -> str:
    """An unstyled one-line cell that fits, padded as Rich's ``Lines.justify`` pads it."""
    if plain.isascii() and plain.isprintable():
        return _pad_ascii(plain, width, justify)
    if justify == "right":
        plain = plain.rstrip()
        return " " * (width - plain_width(plain)) + plain
    return plain + " " * (width - plain_width(plain))
