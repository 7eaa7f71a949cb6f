"""The report's trend as a chart for slides: ``brandwatch report --chart trend.svg`` (or .png).

The layout is computed once, as a ``Scene`` of plain shapes; ``trend_svg`` writes it as one
self-contained SVG file (no script, stylesheet, font, image or link, nothing fetched) and
``chart_png.trend_png`` paints the same scene with Pillow. Each keyword is a solid line of its
mentions per bucket and a dashed line, same colour, of its negative mentions, so negative
volume reads without colour too. Keyword names are put on one line without control characters
(and escaped in SVG). Pure: a ``Report`` in, a scene or a string out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Literal

from brandwatch_cli.insight.report import Report, TrendPoint
from brandwatch_cli.output.markup import drawable, h
from brandwatch_cli.output.wording import period_text, when
from brandwatch_cli.times import zone_name

WIDTH = 960
PLOT_HEIGHT = 320
LEFT, RIGHT, TOP, BOTTOM = 70, 60, 60, 60
LEGEND_ROW = 22
LEGEND_COLUMNS = 3
#: Okabe-Ito colours (told apart with most colour blindness), yellow left out on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: The negative line's dash pattern: drawn length, gap.
DASH = (6, 4)
DOT = 4  # radius of the dot marking a single value
#: Dates under the x axis at most.
TICKS = 8
#: Steps, in months, between labelled month and year buckets: the first that fits is used.
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000, 24000)
GRID, AXIS, INK, NEUTRAL = "#dddddd", "#333333", "#222222", "#555555"

Point = tuple[float, float]


@dataclass(frozen=True)
class Line:
    """A straight stroke: grid lines, axes, ticks, legend samples."""

    start: Point
    end: Point
    colour: str
    width: float = 1.0
    dashed: bool = False


@dataclass(frozen=True)
class Polyline:
    """A keyword's values joined up; a single value also gets a dot, hollow when dashed."""

    points: tuple[Point, ...]
    colour: str
    width: float
    dashed: bool = False


@dataclass(frozen=True)
class Label:
    """Text whose baseline starts, is centred or ends at ``at``; ``vertical`` reads upwards."""

    at: Point
    text: str
    anchor: Literal["start", "middle", "end"] = "start"
    size: int = 13
    bold: bool = False
    vertical: bool = False


Shape = Line | Polyline | Label


@dataclass(frozen=True)
class Series:
    keyword: str
    mentions: Polyline
    negative: Polyline


@dataclass(frozen=True)
class Scene:
    """Everything drawn, in painting order: frame (title, axes), series, then legend."""

    width: int
    height: int
    title: str
    frame: tuple[Shape, ...]
    series: tuple[Series, ...]
    legend: tuple[Shape, ...]


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


def _polyline(values: Sequence[int], top: int, colour: str, dashed: bool) -> Polyline:
    points = tuple((_x(i, len(values)), _y(v, top)) for i, v in enumerate(values))
    return Polyline(points, colour, 1.5 if dashed else 2.5, dashed)


def ticks(points: Sequence[TrendPoint], bucket: str, tz: tzinfo = UTC) -> list[tuple[int, str]]:
    """The points dated under the x axis, at most ``TICKS``, with their labels. Months and
    years are labelled on round calendar steps (every quarter, or January of every fifth year,
    then named by the year alone); other buckets evenly from the first point to the last."""
    if bucket in ("month", "year"):
        starts = [p.start.astimezone(tz) for p in points]
        months = [start.year * 12 + start.month - 1 for start in starts]
        for step in _MONTH_STEPS:
            chosen = [i for i, month in enumerate(months) if month % step == 0]
            if 0 < len(chosen) <= TICKS:
                unit = "year" if step % 12 == 0 else bucket
                return [(i, when(points[i].start, unit, short=True, tz=tz)) for i in chosen]
    labels = min(len(points), TICKS)
    spread = [round(n * (len(points) - 1) / max(1, labels - 1)) for n in range(labels)]
    return [(i, when(points[i].start, bucket, short=True, tz=tz)) for i in spread]


def _axes(
    points: Sequence[TrendPoint], top: int, step: int, bucket: str, tz: tzinfo
) -> list[Shape]:
    right, bottom = WIDTH - RIGHT, TOP + PLOT_HEIGHT
    shapes: list[Shape] = []
    for tick in range(0, top + 1, step):
        y = _y(tick, top)
        shapes += [Line((LEFT, y), (right, y), GRID), Label((LEFT - 8, y + 4), str(tick), "end")]
    for index, text in ticks(points, bucket, tz):
        x = _x(index, len(points))
        shapes += [
            Line((x, bottom), (x, bottom + 5), AXIS),
            Label((x, bottom + 20), text, "middle"),
        ]
    middle = TOP + PLOT_HEIGHT / 2
    axis = "week, from Monday" if bucket == "week" else bucket
    return [
        *shapes,
        Line((LEFT, bottom), (right, bottom), AXIS),
        Line((LEFT, TOP), (LEFT, bottom), AXIS),
        Label(((LEFT + right) / 2, bottom + 45), f"{axis} ({zone_name(tz)})", "middle"),
        Label((18, middle), f"mentions per {bucket}", "middle", vertical=True),
    ]


def _legend_item(slot: int, y0: int, colour: str, dashed: bool, label: str) -> list[Shape]:
    x = LEFT + (slot % LEGEND_COLUMNS) * (WIDTH - LEFT - RIGHT) / LEGEND_COLUMNS
    y = y0 + (slot // LEGEND_COLUMNS) * LEGEND_ROW
    return [
        Line((x, y), (x + 28, y), colour, 1.5 if dashed else 2.5, dashed),
        Label((x + 36, y + 4), label),
    ]


def trend_scene(report: Report) -> Scene:
    """Mentions (solid) and negative mentions (dashed) per bucket per keyword, with axes,
    a title and a legend."""
    trend = [(drawable(name), points) for name, points in report.trend.items() if points]
    high = max((p.mentions for _, points in trend for p in points), default=0)
    top, step = nice_top(high)
    legend_top = TOP + PLOT_HEIGHT + BOTTOM + 20
    rows = math.ceil((len(trend) + 2) / LEGEND_COLUMNS)
    title = f"Mentions per {report.bucket}, {period_text(report.period, report.tz)}"
    frame: list[Shape] = [Label((LEFT, 32), title, size=18, bold=True)]
    if trend:
        frame += _axes(trend[0][1], top, step, report.bucket, report.tz)
    else:
        frame.append(Label((WIDTH / 2, TOP + PLOT_HEIGHT / 2), "No keywords to chart.", "middle"))
    legend = [
        *_legend_item(0, legend_top, NEUTRAL, False, "all mentions"),
        *_legend_item(1, legend_top, NEUTRAL, True, "negative mentions"),
    ]
    series = []
    for index, (name, points) in enumerate(trend):
        colour = PALETTE[index % len(PALETTE)]
        series.append(
            Series(
                name,
                _polyline([p.mentions for p in points], top, colour, False),
                _polyline([p.negative for p in points], top, colour, True),
            )
        )
        total, negative = sum(p.mentions for p in points), sum(p.negative for p in points)
        legend += _legend_item(
            index + 2, legend_top, colour, False, f"{name}: {total} ({negative} negative)"
        )
    height = legend_top + rows * LEGEND_ROW + 10
    return Scene(WIDTH, height, title, tuple(frame), tuple(series), tuple(legend))


# SVG ---------------------------------------------------------------------------------------


def _dash(dashed: bool) -> str:
    return f' stroke-dasharray="{DASH[0]} {DASH[1]}"' if dashed else ""


def _svg(shape: Shape) -> str:
    if isinstance(shape, Line):
        (x1, y1), (x2, y2) = shape.start, shape.end
        width = f' stroke-width="{shape.width:g}"' if shape.width != 1 else ""
        return (
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
            f' stroke="{shape.colour}"{width}{_dash(shape.dashed)}/>'
        )
    if isinstance(shape, Polyline):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in shape.points)
        line = (
            f'<polyline points="{points}" fill="none" stroke="{shape.colour}"'
            f' stroke-width="{shape.width:g}" stroke-linejoin="round"{_dash(shape.dashed)}/>'
        )
        if len(shape.points) > 1:
            return line
        (x, y), fill = shape.points[0], "#ffffff" if shape.dashed else shape.colour
        dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{DOT}" fill="{fill}" stroke="{shape.colour}"/>'
        return line + dot
    x, y = shape.at
    style = f' font-size="{shape.size}"' if shape.size != 13 else ""
    style += ' font-weight="bold"' if shape.bold else ""
    style += f' text-anchor="{shape.anchor}"' if shape.anchor != "start" else ""
    style += f' transform="rotate(-90 {x:g} {y:.1f})"' if shape.vertical else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{style}>{h(shape.text)}</text>'


def trend_svg(report: Report) -> str:
    """The trend chart as a standalone SVG document."""
    scene = trend_scene(report)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{scene.width}" height="{scene.height}"'
        f' viewBox="0 0 {scene.width} {scene.height}" role="img"'
        f' font-family="Helvetica, Arial, sans-serif" font-size="13" fill="{INK}">',
        f"<title>{h(scene.title)}</title>",
        f'<rect x="0" y="0" width="{scene.width}" height="{scene.height}" fill="#ffffff"/>',
        *(_svg(shape) for shape in scene.frame),
    ]
    for series in scene.series:
        parts += [
            f'<g class="keyword" data-keyword="{h(series.keyword)}">',
            _svg(series.mentions),
            f'<g class="negative">{_svg(series.negative)}</g>',
            "</g>",
        ]
    parts += [_svg(shape) for shape in scene.legend]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
