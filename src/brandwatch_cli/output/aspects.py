"""The report's aspects section (what each keyword's mentions praise and complain about) for
the terminal, Markdown and JSON, and a mention's aspects on one line (``show``).

Each report format calls its function here; the examples are mentions from the web, escaped by
the format's own escaper (Markdown's is passed in, so this module needs no other format's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from brandwatch_cli.models import AspectFigure, MentionRow
from brandwatch_cli.output.layout import Column
from brandwatch_cli.output.markup import md, md_link, md_table
from brandwatch_cli.output.wording import average_text, engagement, mention_title
from brandwatch_cli.text import strip_controls, web_link

if TYPE_CHECKING:  # Rich only for the terminal: Markdown and JSON reports never load it
    from rich.console import Console
    from rich.text import Text

    from brandwatch_cli.output.tables import Cell

#: Styles of a positive and a negative figure (the terminal report's).
_STYLES = {"positive": "green", "negative": "red"}

#: The section's columns; dropped when short of width: average, then the counts' details.
ASPECTS_LAYOUT = (
    Column("aspect", "name"),
    Column("mentions", right=True),
    Column("positive", drop=3, right=True),
    Column("negative", drop=4, right=True),
    Column("average", drop=2, right=True),
    Column("praised in", "text", least=16),
    Column("complained of in", "text", least=16),
)
HEADERS = [c.header for c in ASPECTS_LAYOUT]


def aspects_text(raw: object) -> str:
    """A mention's stored aspects on one line: ``customer_service -0.61 · delivery +0.52``."""
    return " · ".join(f"{name} {average_text(score)}" for name, score in engagement(raw).items())


def aspects_json(figures: dict[str, tuple[AspectFigure, ...]]) -> list[dict[str, Any]]:
    """The report JSON's ``aspects``: per keyword, its aspects with their counts, average and
    example mention ids."""
    return [
        {
            "keyword": keyword,
            "aspects": [
                {
                    "aspect": f.aspect,
                    "mentions": f.mentions,
                    "positive": f.positive,
                    "negative": f.negative,
                    "average": f.average,
                    "praise": [row["id"] for row in f.praise],
                    "complaints": [row["id"] for row in f.complaints],
                }
                for f in figures_
            ],
        }
        for keyword, figures_ in figures.items()
    ]


def render_aspects(figures: dict[str, tuple[AspectFigure, ...]], out: Console) -> None:
    """One table per keyword; nothing when no mention names an aspect."""
    from brandwatch_cli.output.tables import fitted

    for keyword, rows in figures.items():
        title = f"What {strip_controls(keyword)}'s mentions say, by aspect"
        fitted(title, ASPECTS_LAYOUT, [_terminal_row(f) for f in rows], out)
        out.print()


def _terminal_row(figure: AspectFigure) -> list[Cell]:
    from rich.text import Text

    return [
        Text(figure.aspect),
        str(figure.mentions),
        Text(str(figure.positive), style=_STYLES["positive"] if figure.positive else ""),
        Text(str(figure.negative), style=_STYLES["negative"] if figure.negative else ""),
        Text(average_text(figure.average), style=_style(figure.average)),
        _examples(figure.praise),
        _examples(figure.complaints),
    ]


def _examples(rows: Sequence[MentionRow]) -> Text:
    """Example mentions' titles, each linked where the terminal can, with its id."""
    from rich.style import Style
    from rich.text import Text

    text = Text()
    for row in rows:
        if text:
            text.append(" · ")
        title = Text(f"#{row['id']} {strip_controls(mention_title(row))}")
        link = web_link(row.get("url"))
        if link:
            title.stylize(Style(link=link))
        text.append_text(title)
    return text or Text("-")


def _style(value: float | None) -> str:
    if value is None:
        return ""
    return _STYLES["positive"] if value >= 0.05 else _STYLES["negative"] if value <= -0.05 else ""


def aspects_markdown(figures: dict[str, tuple[AspectFigure, ...]]) -> list[str]:
    """The section's Markdown lines: a heading, then a table per keyword."""
    lines = ["## Aspects: what they praise, what they complain about", ""]
    if not figures:
        return [*lines, "No mention names an aspect.", ""]
    for keyword, rows in figures.items():
        body = [
            [
                md(f.aspect),
                str(f.mentions),
                str(f.positive),
                str(f.negative),
                average_text(f.average),
                _md_examples(f.praise),
                _md_examples(f.complaints),
            ]
            for f in rows
        ]
        lines += [f"### {md(keyword)}", "", md_table(HEADERS, body, 0), ""]
    return lines


def _md_examples(rows: Sequence[MentionRow]) -> str:
    return " · ".join(f"#{row['id']} {md_link(mention_title(row), row.get('url'))}" for row in rows)
