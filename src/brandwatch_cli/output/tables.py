"""Rich tables fitted to the terminal's width (the arithmetic is ``layout``'s): low-value
columns dropped first, names whole, titles wrapped, and one block per row when even the
columns never dropped do not fit side by side."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from brandwatch_cli.output.fasttable import Cell as Cell  # what a row of a fitted table holds
from brandwatch_cli.output.fasttable import FastTable, FixedColumn
from brandwatch_cli.output.layout import Column, plan, table_width


def table(title: str | None = None) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")


Title = str | None | Callable[[set[str]], str]


def cell_width(cell: Cell) -> int:
    plain = cell.plain if isinstance(cell, Text) else cell
    if plain.isascii() and plain.isprintable():  # one line of one-cell characters: fast
        return len(plain)
    return max((cell_len(line) for line in plain.split("\n")), default=0)


def _widest(column: Sequence[Cell]) -> int:
    """``max(map(cell_width, column))``, at once for a column of printable ASCII."""
    plain = [cell.plain if isinstance(cell, Text) else cell for cell in column]
    joined = "".join(plain)
    if joined.isascii() and joined.isprintable():  # one line of one-cell characters each
        return max(map(len, plain))
    return max(map(cell_width, column))


def fitted(
    title: Title, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], out: Console
) -> None:
    """``rows`` as a table fitted to the console's width (see ``layout``): low-value columns
    dropped first, names whole, titles wrapped; one block per row when nothing else fits.
    ``title`` may depend on the headers kept."""
    # plan reads each column's widest cell (and whether any is empty): one row of those
    widest = [_widest(column) for column in zip(*rows, strict=True)]
    chosen = plan(columns, [widest] if rows else [], out.width)
    kept = [columns[i] for i in chosen.kept]
    if len(kept) < len(columns):
        rows = [[row[i] for i in chosen.kept] for row in rows]
    heading = title({c.header for c in kept}) if callable(title) else title
    if chosen.stacked:
        _stacked(heading, kept, rows, out)
        return
    fixed = [
        FixedColumn(column.header, width, "right" if column.right else "left")
        for column, width in zip(kept, chosen.widths, strict=True)
    ]
    # every line is the table's width: when that fits, Rich has no line to split and crop
    crop = table_width(chosen.widths) > out.width
    out.print(FastTable(heading, fixed, rows), crop=crop)  # Rich's Table, in linear time


def _stacked(
    title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], out: Console
) -> None:
    """A table too wide for the terminal, one block per row: its names (whole, folded if they
    are wider than the terminal), then ``header value · header value``, then its texts."""
    if title:
        out.print(Text(title, style="bold"))
    for row in rows:
        cells = [
            (c, cell if isinstance(cell, Text) else Text(cell))
            for c, cell in zip(columns, row, strict=True)
        ]
        for column, cell in cells:
            if column.kind == "name":
                out.print(cell.copy(), overflow="fold")
        facts = [
            Text.assemble(f"{column.header} " if column.header else "", cell)
            for column, cell in cells
            if column.kind == "value" and cell.plain
        ]
        if facts:
            out.print(Padding(Text(" · ").join(facts), (0, 0, 0, 2)), overflow="fold")
        for column, cell in cells:
            if column.kind == "text" and cell.plain:
                out.print(Padding(cell, (0, 0, 0, 2)), overflow="fold")
    out.print()


def title_least(width: int) -> int:
    """The narrowest a title is drawn: a third of the width, from 20 to 30 characters (26 at
    80 columns); it gets more when the other columns leave more."""
    return min(30, max(20, width // 3))


def mentions_layout(width: int) -> tuple[Column, ...]:
    """The ``mentions`` and ``search`` columns: the title gets at least ``title_least`` and
    whatever is left; dropped when short of width, first to last: status, keywords, date,
    source, sentiment."""
    return (
        Column("id", right=True),
        Column("date", drop=3),
        Column("source", "name", drop=4),
        Column("keywords", drop=2),
        Column("sentiment", drop=5, right=True),
        Column("status", drop=1),
        Column("title", "text", least=title_least(width)),
    )


def reply_first_layout(width: int) -> tuple[Column, ...]:
    """What to answer first: the title gets at least ``title_least``; dropped when short
    of width, first to last: engagement, outlets, status, link, source (``brandwatch open ID``
    opens the link)."""
    return (
        Column("id", right=True),
        Column("sentiment", right=True),
        Column("source", "name", drop=5),
        Column("title", "text", least=title_least(width)),
        Column("link", "text", drop=4),
        Column("engagement", drop=1),
        Column("outlets", drop=2, right=True),
        Column("status", drop=3),
    )
