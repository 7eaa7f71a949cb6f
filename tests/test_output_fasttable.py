"""The linear-time table draws exactly what Rich's Table draws, colour and links included."""

from __future__ import annotations

import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.style import Style
from rich.text import Text

from brandwatch_cli.output.fasttable import Cell, FastTable, FixedColumn, header_table

WORDS = [
    "ok",
    "failed",
    "0",
    "12",
    "  ",
    "Café",
    "日本語",
    "[bold]x[/]",
    ":smile:",
    "a b",
    "\r\x07",
]
STYLES = ["", "green", "red", "bold", "dim", Style(link="https://example.com/a")]


@st.composite
def cells(draw: st.DrawFn) -> Cell:
    words = draw(
        st.lists(st.sampled_from([*WORDS, "averyveryverylongwordwithoutspaces"]), max_size=6)
    )
    joiner = draw(st.sampled_from([" ", "", "\n", "\t"]))
    plain = joiner.join(words) + draw(st.sampled_from(["", " ", "  "]))
    if draw(st.booleans()):
        return plain  # a str: Rich reads its markup
    text = Text(plain, style=draw(st.sampled_from(STYLES)))
    if plain and draw(st.booleans()):
        start = draw(st.integers(0, len(plain) - 1))
        text.stylize(draw(st.sampled_from(STYLES[1:])), start, start + 3)
    return text


@st.composite
def tables(draw: st.DrawFn) -> tuple[str | None, list[FixedColumn], list[list[Cell]]]:
    count = draw(st.integers(1, 4))
    columns = [
        FixedColumn(
            draw(st.sampled_from(["source", "last attempt", "7 days", "last error / note", ""])),
            draw(st.integers(1, 14)),
            draw(st.sampled_from(["left", "right"])),
        )
        for _ in range(count)
    ]
    rows = draw(st.lists(st.lists(cells(), min_size=count, max_size=count), max_size=5))
    return draw(st.sampled_from([None, "Sources", "[b]x[/b]"])), columns, rows


def drawn(renderable: object, *, colour: bool, width: int = 80) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        highlight=False,
        emoji=colour,  # both settings: an emoji code is Rich's business either way
    )
    console.print(renderable)
    return re.sub(r"id=\d+;", "id=;", out.getvalue())  # Rich draws a link's id at random


def rich_table(title: str | None, columns: list[FixedColumn], rows: list[list[Cell]]) -> object:
    table = header_table(title, columns)
    for row in rows:
        table.add_row(*(cell.copy() if isinstance(cell, Text) else cell for cell in row))
    return table


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(tables(), st.booleans())
def test_draws_what_rich_draws(table: tuple, colour: bool) -> None:  # type: ignore[type-arg]
    title, columns, rows = table
    expected = drawn(rich_table(title, columns, rows), colour=colour)
    assert drawn(FastTable(title, columns, rows), colour=colour) == expected
