"""The report's trend as an SVG chart for slides (``brandwatch report --chart trend.svg``).

One self-contained file: no script, no stylesheet, no font, image or link, nothing fetched.
Each keyword is a solid line of its mentions per bucket and a dashed line, same colour, of its
negative mentions, so negative volume reads without colour too. Keyword names are escaped and
stripped of characters XML cannot hold. Pure: a ``Report`` in, a string out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape

from brandwatch_cli.report import Report, TrendPoint
from brandwatch_cli.report_text import period_text, when

WIDTH = 960
PLOT_HEIGHT = 320
LEFT, RIGHT, TOP, BOTTOM = 70, 60, 60, 60
LEGEND_ROW = 22
LEGEND_COLUMNS = 3
#: Okabe-Ito colours (told apart with most colour blindness), yellow left out on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
NEGATIVE_DASH = "6 4"
_NOT_XML = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff\ufffe\uffff]"
)


def _text(value: object) -> str:
    """Text for an SVG element or attribute: nothing XML rejects, markup escaped."""
    return escape(_NOT_XML.sub("", str(value)), quote=True)


def nice_top(value: int) -> tuple[int, int]:
    """(axis maximum, tick step): a 1, 2 or 5 step with at most five ticks above zero."""
    if value <= 0:
        return 1, 1
    magnitude = 10 ** max(0, math.floor(math.log10(value / 5)))
    step = next(m * magnitude for m in (1, 2, 5, 10) if value / (m * magnitude) <= 5)
    return math.ceil(value / step) * step, step


def _x(index: int, count: int) -> float:
    width = WIDTH - LEFT - RIGHT
    return LEFT + (width * index / (count - 1) if count > 1 else width / 2)


def _y(value: int, top: int) -> float:
    return TOP + PLOT_HEIGHT * (1 - value / top)


def _polyline(values: Sequence[int], top: int, colour: str, dashed: bool) -> str:
    points = " ".join(f"{_x(i, len(values)):.1f},{_y(v, top):.1f}" for i, v in enumerate(values))
    dash = f' stroke-dasharray="{NEGATIVE_DASH}"' if dashed else ""
    width = 1.5 if dashed else 2.5
    line = (
        f'<polyline points="{points}" fill="none" stroke="{colour}"'
        f' stroke-width="{width}" stroke-linejoin="round"{dash}/>'
    )
    if len(values) > 1:
        return line
    x, y = _x(0, 1), _y(values[0], top)
    fill = "#ffffff" if dashed else colour
    return line + f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}" stroke="{colour}"/>'


def _axes(points: Sequence[TrendPoint], top: int, step: int, bucket: str) -> list[str]:
    right, bottom = WIDTH - RIGHT, TOP + PLOT_HEIGHT
    parts = []
    for tick in range(0, top + 1, step):
        y = _y(tick, top)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#dddddd"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    labels = min(len(points), 8)
    for n in range(labels):
        index = round(n * (len(points) - 1) / (labels - 1)) if labels > 1 else 0
        x = _x(index, len(points))
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" stroke="#333333"/>'
            f'<text x="{x:.1f}" y="{bottom + 20}" text-anchor="middle">'
            f"{_text(when(points[index].start, bucket))}</text>"
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333333"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#333333"/>'
        f'<text x="{(LEFT + right) / 2:.1f}" y="{bottom + 45}" text-anchor="middle">'
        f"{_text(bucket)} (UTC)</text>"
        f'<text x="18" y="{TOP + PLOT_HEIGHT / 2:.1f}" text-anchor="middle"'
        f' transform="rotate(-90 18 {TOP + PLOT_HEIGHT / 2:.1f})">mentions per {_text(bucket)}'
        "</text>"
    )
    return parts


def _legend_item(slot: int, y0: int, colour: str, dashed: bool, label: str) -> str:
    x = LEFT + (slot % LEGEND_COLUMNS) * (WIDTH - LEFT - RIGHT) / LEGEND_COLUMNS
    y = y0 + (slot // LEGEND_COLUMNS) * LEGEND_ROW
    dash = f' stroke-dasharray="{NEGATIVE_DASH}"' if dashed else ""
    return (
        f'<line x1="{x:.1f}" y1="{y}" x2="{x + 28:.1f}" y2="{y}" stroke="{colour}"'
        f' stroke-width="{1.5 if dashed else 2.5}"{dash}/>'
        f'<text x="{x + 36:.1f}" y="{y + 4}">{label}</text>'
    )


def trend_svg(report: Report) -> str:
    """Mentions (solid) and negative mentions (dashed) per bucket per keyword, with axes,
    a title and a legend, as a standalone SVG document."""
    series = [(name, points) for name, points in report.trend.items() if points]
    high = max((p.mentions for _, points in series for p in points), default=0)
    top, step = nice_top(high)
    legend_top = TOP + PLOT_HEIGHT + BOTTOM + 20
    rows = math.ceil((len(series) + 2) / LEGEND_COLUMNS)
    height = legend_top + rows * LEGEND_ROW + 10
    title = f"Mentions per {report.bucket}, {period_text(report.period)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}" role="img"'
        ' font-family="Helvetica, Arial, sans-serif" font-size="13" fill="#222222">',
        f"<title>{_text(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="32" font-size="18" font-weight="bold">{_text(title)}</text>',
    ]
    if series:
        parts += _axes(series[0][1], top, step, report.bucket)
    else:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{TOP + PLOT_HEIGHT / 2}" text-anchor="middle">'
            "No keywords to chart.</text>"
        )
    legend = [
        _legend_item(0, legend_top, "#555555", False, "all mentions"),
        _legend_item(1, legend_top, "#555555", True, "negative mentions"),
    ]
    for index, (name, points) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        label = _text(name)
        parts.append(f'<g class="keyword" data-keyword="{label}">')
        parts.append(_polyline([p.mentions for p in points], top, colour, False))
        parts.append(
            '<g class="negative">'
            + _polyline([p.negative for p in points], top, colour, True)
            + "</g>"
        )
        parts.append("</g>")
        total, negative = sum(p.mentions for p in points), sum(p.negative for p in points)
        legend.append(
            _legend_item(
                index + 2, legend_top, colour, False, f"{label}: {total} ({negative} negative)"
            )
        )
    parts += legend
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
