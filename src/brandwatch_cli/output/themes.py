"""Themes (``insight.themes``) for people and machines: a Rich table per keyword, plain text
for the text digest, the cells every table shows, and JSON. ``brandwatch themes``, the report
and the digest all draw them from here (Markdown's escaping lives in ``markdown``, which
draws its themes tables with these cells: ``markdown.themes_lines``).

Phrases are folded words from the web: they go through each medium's escaping like any
other web text (control characters out on a terminal, ``md`` in Markdown; the HTML digest
escapes ``theme_cells`` itself).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from brandwatch_cli.models import Theme
from brandwatch_cli.output.layout import Column
from brandwatch_cli.output.wording import average_text, mention_title, percent
from brandwatch_cli.text import one_line, strip_controls

if TYPE_CHECKING:  # Rich only when drawn on a terminal: the digest's formats never load it
    from rich.console import Console
    from rich.text import Text

#: What each theme has, in the order every format shows it.
HEADERS = ("theme", "mentions", "share", "net", "trend", "related", "examples")
LAYOUT = (
    Column("theme", "name"),
    Column("mentions", right=True),
    Column("share", drop=4, right=True),
    Column("net", drop=3, right=True),
    Column("trend"),
    Column("related", "text", drop=1, least=16),
    Column("examples", drop=2),
)
TREND_STYLES = {"new": "bold", "rising": "red", "falling": "green", "stable": "dim"}
NO_THEMES = "No themes: too few mentions say the same thing."


def trend_text(theme: Theme) -> str:
    """``rising (12 before)``; ``new`` alone when there was (almost) nothing before."""
    if theme.trend == "new" and not theme.previous:
        return "new"
    return f"{theme.trend} ({theme.previous} before)"


def net_text(theme: Theme) -> str:
    """The net sentiment: positive minus negative mentions over those scored, -1 to +1."""
    return average_text(theme.sentiment)


def example_ids(theme: Theme) -> str:
    return " ".join(f"#{row['id']}" for row in theme.examples)


def heading(keyword: str, count: int | None = None) -> str:
    return f"Themes: {keyword}" + (f" ({count:,} mentions)" if count is not None else "")


def render(
    themes: Mapping[str, Sequence[Theme]],
    out: Console,
    counts: Mapping[str, int] | None = None,
) -> None:
    """One fitted table per keyword that has themes; ``counts``: its mentions, for the title."""
    from rich.text import Text

    from brandwatch_cli.output.tables import Cell, fitted

    for keyword, found in themes.items():
        if not found:
            continue
        rows: list[list[Cell]] = [
            [
                _safe(theme.phrase),
                f"{theme.count:,}",
                percent(theme.share),
                net_text(theme),
                Text(trend_text(theme), style=TREND_STYLES.get(theme.trend, "")),
                _safe(", ".join(theme.related)),
                example_ids(theme),
            ]
            for theme in found
        ]
        title = heading(one_line(keyword), (counts or {}).get(keyword))
        fitted(title, LAYOUT, rows, out)


def plain_lines(themes: Mapping[str, Sequence[Theme]]) -> list[str]:
    """Plain text, a block per keyword: each theme on a line, its first example under it."""
    lines: list[str] = []
    for keyword, found in themes.items():
        if not found:
            continue
        lines.append(f"  {one_line(keyword)}")
        for theme in found:
            related = f"; with {', '.join(theme.related)}" if theme.related else ""
            lines.append(
                f"    - {one_line(theme.phrase)}: {theme.count:,} mentions"
                f" ({percent(theme.share)}), net {net_text(theme)}, {trend_text(theme)}"
                f"{one_line(related)}"
            )
            for row in theme.examples[:1]:
                lines.append(f"      e.g. #{row['id']} {mention_title(row)}")
    return lines


def theme_cells(theme: Theme) -> list[str]:
    """A theme's ``HEADERS`` cells as plain text, for a medium to escape (HTML mail)."""
    return [
        one_line(theme.phrase),
        f"{theme.count:,}",
        percent(theme.share),
        net_text(theme),
        trend_text(theme),
        one_line(", ".join(theme.related)),
        example_ids(theme),
    ]


def theme_json(keyword: str, theme: Theme) -> dict[str, Any]:
    """One theme for scripts: ``keyword``, ``phrase``, ``count``, ``share``, ``sentiment``
    (net, -1 to 1, or null), ``trend`` (new, rising, stable, falling), ``previous`` (its
    count in the previous period), ``score`` (the log-odds z-score), ``related`` (phrases
    grouped with it), ``examples`` (mention ids)."""
    return {
        "keyword": keyword,
        "phrase": theme.phrase,
        "count": theme.count,
        "share": round(theme.share, 4),
        "sentiment": None if theme.sentiment is None else round(theme.sentiment, 4),
        "trend": theme.trend,
        "previous": theme.previous,
        "score": theme.score,
        "related": list(theme.related),
        "examples": [row["id"] for row in theme.examples],
    }


def themes_json(themes: Mapping[str, Sequence[Theme]]) -> list[dict[str, Any]]:
    """Every keyword's themes as one list, keyword by keyword, strongest first."""
    return [theme_json(keyword, theme) for keyword, found in themes.items() for theme in found]


def _safe(value: str) -> Text:
    from rich.text import Text

    return Text(strip_controls(one_line(value)))
