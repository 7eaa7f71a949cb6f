"""The HTML report's charts as inline SVG: trend lines, sentiment split bars, share of voice.

Pure: values in, a string out, for ``report_html`` to place in its page. Each chart is a
``viewBox`` without a fixed size, so the page's CSS scales it to the screen (a phone's 360
pixels, a printed A4); there is no script, font, image or link in it, nothing to fetch. Colour
only repeats what is written: a negative line is dashed, a negative share is also a number.
Every piece of text goes through ``markup.h`` (a keyword's name is web text too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from brandwatch_cli.output.chart import DASH, PALETTE, nice_top
from brandwatch_cli.output.markup import drawable, h

__all__ = ["PALETTE", "SENTIMENT_COLOURS", "Line", "share_chart", "split_bar", "trend_chart"]

SENTIMENT_COLOURS = {"positive": "#1b7f3b", "neutral": "#9aa5b1", "negative": "#b42318"}
GRID, AXIS, INK, MUTED = "#e4e7eb", "#52606d", "#1f2933", "#52606d"
#: A chart's drawing units: text is 13 units, about 11 px on a phone, 14 on a laptop.
WIDTH, HEIGHT = 400, 230
LEFT, RIGHT, TOP, BOTTOM = 46, 16, 34, 50
FONT = 13
#: The width of one character, in units, for laying out labels (a little over the average).
CHAR = 7.4
#: Longest name drawn in the share-of-voice chart; the table beside it has the whole of it.
MAX_NAME = 46


@dataclass(frozen=True)
class Line:
    """One series of a trend chart: its label in the legend, one value per bucket."""

    label: str
    values: tuple[int, ...]
    colour: str = PALETTE[0]
    dashed: bool = False


def _open(width: float, height: float, title: str, css: str) -> str:
    return (
        f'<svg class="{css}" viewBox="0 0 {width:g} {height:g}" role="img"'
        f' font-family="Helvetica, Arial, sans-serif" font-size="{FONT}" fill="{INK}">'
        f"<title>{h(title)}</title>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    middle = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{middle}{extra}>{h(text)}</text>'


def _dash(dashed: bool) -> str:
    return f' stroke-dasharray="{DASH[0]} {DASH[1]}"' if dashed else ""


def _chosen(ticks: Sequence[tuple[int, str]], room: float) -> list[tuple[int, str]]:
    """As many of ``ticks`` as fit side by side in ``room`` units, spread evenly, the first
    and the last kept."""
    if not ticks:
        return []
    longest = max(len(text) for _, text in ticks) * CHAR + 14
    fit = max(1, int(room // longest))
    if len(ticks) <= fit:
        return list(ticks)
    if fit == 1:
        return [ticks[0]]
    return [ticks[round(i * (len(ticks) - 1) / (fit - 1))] for i in range(fit)]


def trend_chart(
    lines: Sequence[Line],
    ticks: Sequence[tuple[int, str]],
    *,
    title: str,
    x_label: str,
    y_label: str,
) -> str:
    """Lines of counts per bucket over shared axes: round y ticks from zero, the ``ticks``
    (bucket index, date) that fit under the x axis, both axes named, a legend above."""
    count = max((len(line.values) for line in lines), default=0)
    high = max((v for line in lines for v in line.values), default=0)
    top, step = nice_top(high)
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    plot = right - LEFT

    def x(index: int) -> float:
        return LEFT + (plot * index / (count - 1) if count > 1 else plot / 2)

    def y(value: int) -> float:
        return bottom - (bottom - TOP) * value / top

    parts = [_open(WIDTH, HEIGHT, title, "chart trend")]
    for tick in range(0, top + 1, step):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}"'
            f' stroke="{GRID}"/>' + _text(LEFT - 6, y(tick) + 4, str(tick), "end")
        )
    for index, text in _chosen(ticks, plot) if count else []:
        half = len(text) * CHAR / 2
        at = min(max(x(index), half + 2), WIDTH - half - 2)
        parts.append(
            f'<line x1="{x(index):.1f}" y1="{bottom}" x2="{x(index):.1f}" y2="{bottom + 5}"'
            f' stroke="{AXIS}"/>' + _text(at, bottom + 19, text, "middle")
        )
    parts += [
        f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{AXIS}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="{AXIS}"/>',
        _text((LEFT + right) / 2, HEIGHT - 8, x_label, "middle", f' fill="{MUTED}"'),
        _text(
            14,
            (TOP + bottom) / 2,
            y_label,
            "middle",
            f' fill="{MUTED}" transform="rotate(-90 14 {(TOP + bottom) / 2:.1f})"',
        ),
    ]
    if not count:
        parts.append(_text((LEFT + right) / 2, (TOP + bottom) / 2, "No data.", "middle"))
    for line in lines:
        if not line.values:
            continue
        width = 1.6 if line.dashed else 2.4
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line.values))
        parts.append(
            f'<polyline class="series" points="{points}" fill="none" stroke="{line.colour}"'
            f' stroke-width="{width}" stroke-linejoin="round"{_dash(line.dashed)}/>'
        )
        if len(line.values) == 1:
            fill = "#ffffff" if line.dashed else line.colour
            parts.append(
                f'<circle cx="{x(0):.1f}" cy="{y(line.values[0]):.1f}" r="4" fill="{fill}"'
                f' stroke="{line.colour}"/>'
            )
    parts += _legend(lines)
    parts.append("</svg>")
    return "".join(parts)


def _legend(lines: Sequence[Line]) -> list[str]:
    """Samples and labels in a row above the plot, wrapped when they do not fit."""
    parts: list[str] = []
    at, row = float(LEFT), 0
    for line in lines:
        label = drawable(line.label)[:MAX_NAME]
        size = 34 + len(label) * CHAR + 16
        if at + size > WIDTH and at > LEFT:
            at, row = float(LEFT), row + 1
        base = 14 + row * 16
        width = 1.6 if line.dashed else 2.4
        parts.append(
            f'<line x1="{at:.1f}" y1="{base - 4}" x2="{at + 26:.1f}" y2="{base - 4}"'
            f' stroke="{line.colour}" stroke-width="{width}"{_dash(line.dashed)}/>'
            + _text(at + 32, base, label)
        )
        at += size
    return parts


def split_bar(positive: int, neutral: int, negative: int, *, label: str = "") -> str:
    """A thin bar split in proportion: positive, neutral, negative (grey when there is none).
    The counts are in its title; the page writes the shares beside it."""
    width, height = 120, 12
    total = positive + neutral + negative
    title = f"{label}: " if label else ""
    title += f"positive {positive} · neutral {neutral} · negative {negative}"
    parts = [_open(width, height, title, "split")]
    if not total:
        parts.append(f'<rect width="{width}" height="{height}" fill="{GRID}"/>')
    at = 0.0
    for name, value in (("positive", positive), ("neutral", neutral), ("negative", negative)):
        if not value:
            continue
        size = width * value / total
        parts.append(
            f'<rect class="{name}" x="{at:.2f}" width="{size:.2f}" height="{height}"'
            f' fill="{SENTIMENT_COLOURS[name]}"/>'
        )
        at += size
    parts.append("</svg>")
    return "".join(parts)


def share_chart(rows: Sequence[tuple[str, float, float]], *, title: str) -> str:
    """Share of voice: per (name, share, negative share), the name above a bar whose length
    is the share (longest bar: the largest share) and whose left part, red, is the negative
    share; the percentage after it."""
    width, row = WIDTH, 38
    top = max((share for _, share, _ in rows), default=0.0)
    room = width - 60
    parts = [_open(width, max(row, row * len(rows)) + 4, title, "chart share")]
    if not rows:
        parts.append(_text(width / 2, row / 2, "No keywords.", "middle"))
    for index, (name, share, negative) in enumerate(rows):
        base = index * row
        shown = drawable(name)
        shown = shown if len(shown) <= MAX_NAME else shown[: MAX_NAME - 1] + "…"
        size = room * share / top if top else 0.0
        bad = min(size, room * negative / top) if top else 0.0
        parts += [
            _text(0, base + 14, shown),
            f'<rect x="0" y="{base + 19}" width="{size:.1f}" height="12" fill="{PALETTE[0]}"/>',
            f'<rect class="negative" x="0" y="{base + 19}" width="{bad:.1f}" height="12"'
            f' fill="{SENTIMENT_COLOURS["negative"]}"/>'
            if bad
            else "",
            _text(size + 6, base + 30, f"{share:.0%}", extra=f' fill="{MUTED}"'),
        ]
    parts.append("</svg>")
    return "".join(parts)
