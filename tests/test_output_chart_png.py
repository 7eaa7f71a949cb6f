"""The trend chart painted as PNG with Pillow, from the same scene as the SVG."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from brandwatch_cli.insight.report import TrendPoint
from brandwatch_cli.output.chart import PALETTE, trend_scene
from brandwatch_cli.output.chart_png import dashes, system_font, trend_png
from test_output_report import ACME_NEGATIVE, ACME_VOLUME, SINCE, make_report, points


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def paint(report) -> Image.Image:
    scene = trend_scene(report)
    image = Image.open(io.BytesIO(trend_png(scene)))
    assert image.format == "PNG" and image.size == (scene.width, scene.height)
    return image.convert("RGB")


def colours(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> set:
    part = image.crop(box) if box else image
    return {colour for _, colour in part.getcolors(10_000_000) or []}


def has(image: Image.Image, colour: str, box: tuple[int, int, int, int] | None = None) -> bool:
    """A pixel of about ``colour`` (smoothing blends the edges, and a little the middle)."""
    want = rgb(colour)
    return any(
        max(abs(a - b) for a, b in zip(c, want, strict=True)) <= 24 for c in colours(image, box)
    )


def dark(image: Image.Image, box: tuple[int, int, int, int]) -> bool:
    return any(sum(colour) < 200 for colour in colours(image, box))


def test_dashes_follow_the_pattern():
    pieces = list(dashes([(0, 0), (20, 0)], 6, 4))
    assert pieces == [((0, 0), (6, 0)), ((10, 0), (16, 0))]


def test_dashes_carry_the_pattern_across_corners():
    pieces = list(dashes([(0, 0), (4, 0), (4, 10)], 6, 4))
    expected = [((0, 0), (4, 0)), ((4, 0), (4, 2)), ((4, 6), (4, 10))]
    assert len(pieces) == len(expected)
    for got, want in zip(pieces, expected, strict=True):
        assert got[0] == pytest.approx(want[0]) and got[1] == pytest.approx(want[1])


def test_png_draws_each_keyword_title_and_axes():
    image = paint(make_report())
    assert has(image, PALETTE[0]) and has(image, PALETTE[1])  # Acme, Globex
    assert not has(image, PALETTE[2])  # two keywords, two colours
    assert dark(image, (70, 10, 600, 40))  # the title
    assert dark(image, (0, 150, 30, 250))  # the vertical axis label, left of the axis
    assert not dark(image, (910, 10, 960, 40))  # nothing past the title's end


def test_png_with_no_keywords_or_one_bucket():
    empty = paint(make_report(trend={}))
    assert dark(empty, (380, 200, 580, 240))  # "No keywords to chart."
    one = paint(make_report(bucket="hour", trend={"Acme": (TrendPoint(SINCE, 3, 1),)}))
    assert has(one, PALETTE[0], (470, 50, 490, 390))  # the dot in the middle


def test_png_takes_hostile_and_accented_names():
    from brandwatch_cli.output.chart import Label

    name = '<script>alert(1)</script>"&\x1b[31m\u202eCafé'
    report = make_report(trend={name: points(ACME_VOLUME, ACME_NEGATIVE)})
    image = paint(report)
    assert has(image, PALETTE[0])
    legend = [s.text for s in trend_scene(report).legend if isinstance(s, Label)]
    named = [text for text in legend if "Café" in text]
    assert len(named) == 1  # the name is drawn, accents kept...
    assert not any(c in named[0] for c in "\x1b\u202e")  # ...without control or bidi marks


def test_a_system_font_with_accents_is_found_where_one_is_installed():
    from PIL import ImageFont

    found = system_font()
    if found is None:
        pytest.skip("no DejaVu Sans, Liberation Sans or Arial on this machine")
    font = ImageFont.truetype(found, 20)
    assert font.getmask("é").getbbox() != font.getmask("\ufffe").getbbox()
