"""Indented JSON written fast is, byte for byte, what ``json.dumps(..., indent=2)`` writes."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandwatch_cli.output.jsontext import indented

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities included: json.dumps writes them as JavaScript does
    | st.text()  # quotes, backslashes, control characters, non-ASCII, lone surrogates
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@given(VALUES)
def test_writes_what_json_dumps_writes(value: Any) -> None:
    assert indented(value) == dumps(value)


def test_a_sources_document() -> None:
    document = {
        "sources": [
            {"name": "feed0", "etag": False, "failures": 3, "last_error": 'a "b"\n\tc é'},
            {"name": "feed1", "etag": True, "failures": 0, "last_error": None, "advice": []},
        ],
        "entries": {"count": 0, "bytes": 0, "days": 30},
        "database": {"bytes": 1.5, "mentions": 0, "bytes_per_mention": None, "x": {}},
    }
    assert indented(document) == dumps(document)
    assert indented(document).startswith('{\n  "sources": [\n    {\n      "name": "feed0",')


class Colour(StrEnum):
    red = "red"


@pytest.mark.parametrize(
    "value",
    [{"a": Colour.red}, [Colour.red], {1: "x", "b": 2}, {None: 1}, [math.inf, -math.inf]],
)
def test_other_values_are_written_as_json_dumps_writes_them(value: Any) -> None:
    assert indented(value) == dumps(value)


def test_what_json_cannot_write_fails_as_json_dumps_fails() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        indented({"when": object()})
