"""The trend chart as a PNG image, for slides and chats that do not take SVG.

Paints the same ``Scene`` as the SVG with Pillow, at twice the size and then scaled down, so
lines and text come out smooth. Text uses a common system font with accented letters (DejaVu
Sans, Liberation Sans, Arial...); without one, Pillow's own font, which draws ASCII only.
Nothing is downloaded.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
from collections.abc import Iterator, Sequence

from PIL import Image, ImageDraw, ImageFont

from brandwatch_cli.errors import BrandwatchError
from brandwatch_cli.output.chart import DASH, DOT, INK, Label, Line, Point, Polyline, Scene, Shape

SCALE = 2
#: Fonts looked up by file name where Pillow looks (the system's font folders), in order:
#: the first found draws every letter of French and most other Latin-script text.
FONT_FILES = (
    "DejaVuSans.ttf",
    "LiberationSans-Regular.ttf",
    "NotoSans-Regular.ttf",
    "Arial.ttf",
    "arial.ttf",
    "Helvetica.ttc",
    "segoeui.ttf",
)
_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


@functools.cache
def system_font() -> str | None:
    """The first of FONT_FILES installed, or None: Pillow's own font then draws ASCII only
    (other letters, "é" included, come out as boxes)."""
    for name in FONT_FILES:
        try:
            ImageFont.truetype(name, 10)
        except OSError:
            continue
        return name
    return None


def dashes(points: Sequence[Point], on: float, off: float) -> Iterator[tuple[Point, Point]]:
    """The drawn pieces of a dashed line along ``points``: ``on`` long, ``off`` apart, the
    pattern carried on across corners as a pen would."""
    drawing, left = True, on
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        length = math.hypot(x2 - x1, y2 - y1)
        done = 0.0
        while length - done > 1e-9:
            step = min(left, length - done)
            if drawing:
                a, b = done / length, (done + step) / length
                yield (
                    (x1 + (x2 - x1) * a, y1 + (y2 - y1) * a),
                    (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b),
                )
            done += step
            left -= step
            if left <= 1e-9:
                drawing = not drawing
                left = on if drawing else off


class _Painter:
    def __init__(self, scene: Scene) -> None:
        self.image = Image.new("RGB", (scene.width * SCALE, scene.height * SCALE), "#ffffff")
        self.draw = ImageDraw.Draw(self.image)
        self.fonts: dict[int, ImageFont.FreeTypeFont] = {}

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        if size not in self.fonts:
            found = system_font()
            font = (
                ImageFont.truetype(found, size * SCALE)
                if found
                else ImageFont.load_default(size * SCALE)
            )
            if not isinstance(font, ImageFont.FreeTypeFont):
                raise BrandwatchError("PNG charts need Pillow built with FreeType; use .svg")
            self.fonts[size] = font
        return self.fonts[size]

    def stroke(self, points: Sequence[Point], colour: str, width: float, dashed: bool) -> None:
        scaled = [(x * SCALE, y * SCALE) for x, y in points]
        pen = max(1, round(width * SCALE))
        if dashed:
            for start, end in dashes(scaled, DASH[0] * SCALE, DASH[1] * SCALE):
                self.draw.line([start, end], fill=colour, width=pen)
        elif len(scaled) > 1:
            self.draw.line(scaled, fill=colour, width=pen, joint="curve")

    def shape(self, shape: Shape) -> None:
        if isinstance(shape, Line):
            self.stroke([shape.start, shape.end], shape.colour, shape.width, shape.dashed)
        elif isinstance(shape, Polyline):
            self.stroke(shape.points, shape.colour, shape.width, shape.dashed)
            if len(shape.points) == 1:
                (x, y), r = shape.points[0], DOT * SCALE
                fill = "#ffffff" if shape.dashed else shape.colour
                box = (x * SCALE - r, y * SCALE - r, x * SCALE + r, y * SCALE + r)
                self.draw.ellipse(box, fill=fill, outline=shape.colour, width=SCALE)
        else:
            self.label(shape)

    def label(self, label: Label) -> None:
        font = self.font(label.size)
        x, y = label.at[0] * SCALE, label.at[1] * SCALE
        bold = SCALE // 2 if label.bold else 0
        if not label.vertical:
            _write(self.draw, (x, y), label.text, font, _ANCHORS[label.anchor], bold)
            return
        left, top, right, bottom = self.draw.textbbox((0, 0), label.text, font=font, anchor="ls")
        strip = Image.new(
            "RGBA", (int(right - left) + 2, int(bottom - top) + 2), (255, 255, 255, 0)
        )
        _write(ImageDraw.Draw(strip), (1 - left, 1 - top), label.text, font, "ls", bold)
        upright = strip.rotate(90, expand=True)
        # Reads upwards, centred on ``at``: the baseline (row 1 - top of the strip, now that
        # column of the turned image) falls on x, the letters to its left, as in the SVG.
        self.image.paste(upright, (round(x + top - 1), round(y - upright.height / 2)), upright)


def _write(
    draw: ImageDraw.ImageDraw,
    at: Point,
    text: str,
    font: ImageFont.FreeTypeFont,
    anchor: str,
    bold: int,
) -> None:
    draw.text(at, text, fill=INK, font=font, anchor=anchor, stroke_width=bold, stroke_fill=INK)


def trend_png(scene: Scene) -> bytes:
    """The scene as PNG bytes, ``scene.width`` x ``scene.height`` pixels."""
    painter = _Painter(scene)
    for shape in scene.frame:
        painter.shape(shape)
    for series in scene.series:
        painter.shape(series.mentions)
        painter.shape(series.negative)
    for shape in scene.legend:
        painter.shape(shape)
    image = painter.image.resize((scene.width, scene.height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
