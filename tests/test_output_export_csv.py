"""The export's own CSV lines (``csv_lines``) against the csv module, byte for byte."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from brandwatch_cli.output.export import csv_lines, write_rows

#: Cells as the store returns them, and the characters that change how a cell is written.
CELLS = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(alphabet=st.sampled_from("ab ,;\t\"'\n\r=é\x00"), max_size=8),
    st.text(max_size=5),
)


def by_csv(rows, delimiter):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", delimiter=delimiter).writerows(rows)
    return out.getvalue()


@settings(deadline=None)  # a shared machine's pauses are not failures
@given(
    st.integers(min_value=2, max_value=6).flatmap(
        lambda width: st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=12)
    ),
    st.sampled_from([",", ";", "\t"]),
)
def test_lines_are_what_the_csv_module_writes(rows, delimiter):
    assert csv_lines(rows, delimiter) == by_csv(rows, delimiter)


def test_a_column_of_plain_cells_is_written_as_it_is_and_others_quoted_one_by_one():
    rows = [
        (1, "plain", 'say "hi"', 0.1 + 0.2, None),
        (2, "also plain", "a, b", None, "line\nbreak"),
        (3, "x", "fine", -0.5, "cr\ronly"),
    ]
    expected = (
        '1,plain,"say ""hi""",0.30000000000000004,\n'
        '2,also plain,"a, b",,"line\nbreak"\n'
        "3,x,fine,-0.5,cr\ronly\n"
    )
    assert csv_lines(rows) == expected == by_csv(rows, ",")
    assert csv_lines(rows, "\t") == by_csv(rows, "\t")


def test_an_export_of_many_rows_is_the_csv_modules_in_every_chunk():
    rows = [(i, f"source{i % 7}", "a;b" if i % 3 else 'q"', i / 7, None) for i in range(2500)]
    out = io.StringIO()
    assert write_rows(rows, out, "csv", delimiter=";") == 2500
    assert out.getvalue().split("\n", 1)[1] == by_csv(rows, ";")
