"""Fitting a table to the width it has: names and titles get the width, low-value columns go
first.

Left to itself a table too wide for the terminal shrinks every column, so at 80 columns source
names end in ``…`` and titles get ten characters. Here each table says what its columns are
worth: a ``name`` is never cut (it gets its longest value), a ``text`` (a title, an error)
takes the width left over but at least ``least``, and every ``value`` column with a ``drop``
rank is dropped, lowest rank first, until the rest fits (a column empty in every row goes
before any other, whatever its kind: it says nothing). When even the columns never dropped
do not fit (a 40-column terminal), the table is drawn as one block per row instead
(``stacked``): the names on lines of their own, then the values as ``header value`` pairs,
then the texts; the columns never dropped and the ``STACKED_EXTRAS`` dropped last.

Pure arithmetic on cell widths: the terminal measures with Rich, plain text with ``len``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["name", "value", "text"]

#: One block per row has room for more than a row of columns: it also shows this many of the
#: columns dropped last.
STACKED_EXTRAS = 3


@dataclass(frozen=True)
class Column:
    """One column of a table and what it is worth when the width is short."""

    header: str
    kind: Kind = "value"
    #: Dropped when short of width, lowest rank first; None: never dropped.
    drop: int | None = None
    right: bool = False
    #: The narrowest a ``text`` column is drawn (it wraps onto more lines below that).
    least: int = 20


@dataclass(frozen=True)
class Plan:
    """Which columns are drawn, at which widths (``widths[i]`` for ``columns[kept[i]]``);
    ``stacked``: none fits side by side, draw one block per row with the ``kept`` columns."""

    kept: tuple[int, ...]
    widths: tuple[int, ...]
    stacked: bool = False


def table_width(widths: Sequence[int], *, gap: int = 3, edge: int = 1) -> int:
    """The width of a table whose columns have ``widths`` plus ``gap`` between each (Rich's
    SIMPLE_HEAD box: a padding space each side and a divider) and ``edge`` at the ends."""
    return sum(widths) + gap * len(widths) + edge if widths else 0


def plan(
    columns: Sequence[Column],
    cells: Sequence[Sequence[int]],
    width: int,
    *,
    gap: int = 3,
    edge: int = 1,
    headers_wrap: bool = True,
) -> Plan:
    """The columns that fit in ``width`` and their widths. ``cells[r][c]``: the width of row
    ``r``'s value in column ``c`` (its widest line); ``headers_wrap``: a header may take more
    lines than one (Rich), else a column is never narrower than its header (plain text)."""
    natural = [
        max([len(column.header), *(row[i] for row in cells)]) for i, column in enumerate(columns)
    ]
    words = [
        max(len(w) for w in (c.header.split() or [""])) if headers_wrap else len(c.header)
        for c in columns
    ]
    content = [max([words[i], *(row[i] for row in cells)]) for i in range(len(columns))]

    def need(i: int) -> int:
        column = columns[i]
        if column.kind == "text":
            return min(natural[i], max(column.least, words[i]))
        return content[i] if column.kind == "value" else natural[i]

    empty = {i for i in range(len(columns)) if cells and not any(row[i] for row in cells)}
    order = sorted(
        (i for i, c in enumerate(columns) if c.drop is not None or i in empty),
        key=lambda i: (i not in empty, columns[i].drop or 0),
    )
    kept = list(range(len(columns)))
    while table_width([need(i) for i in kept], gap=gap, edge=edge) > width and order:
        kept.remove(order.pop(0))
    widths = [need(i) for i in kept]
    spare = width - table_width(widths, gap=gap, edge=edge)
    if spare < 0:
        ranks = sorted({c.drop for c in columns if c.drop is not None})[-STACKED_EXTRAS:]
        shown = tuple(i for i, c in enumerate(columns) if c.drop is None or c.drop in ranks)
        return Plan(shown, tuple(natural[i] for i in shown), stacked=True)
    # What is left: headers on one line first (a few columns each), then texts up to their
    # longest value, the one that needs least first (a link whole rather than folded).
    for kinds in (("value", "name"), ("text",)):
        positions = [p for p, i in enumerate(kept) if columns[i].kind in kinds]
        for position in sorted(positions, key=lambda p: natural[kept[p]] - widths[p]):
            extra = max(0, min(spare, natural[kept[position]] - widths[position]))
            widths[position] += extra
            spare -= extra
    return Plan(tuple(kept), tuple(widths))
