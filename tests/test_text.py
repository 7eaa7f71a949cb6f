import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandwatch_cli.text import (
    clean_text,
    fold,
    html_to_text,
    is_word_char,
    language_tag,
    one_line,
    strip_controls,
)


def test_html_to_text_strips_tags_decodes_entities_and_drops_scripts():
    html = (
        "<p>Caf&eacute; <b>Lumi&egrave;re</b> &amp; co</p>"
        "<script>alert('x')</script><style>p{}</style>"
    )
    assert html_to_text(html) == "Café Lumière & co"


def test_html_to_text_separates_block_elements():
    assert html_to_text("<p>one</p><p>two</p><br>three") == "one two three"


def test_html_to_text_keeps_plain_text_with_entities():
    assert html_to_text("AT&amp;T and 3 &lt; 4") == "AT&T and 3 < 4"


def test_clean_text_removes_terminal_escapes_and_bidi_overrides():
    hostile = "Acme \x1b[31mred\x1b[0m \u202eevil\u202c\nline\ttab"
    cleaned = clean_text(hostile)
    assert "\x1b" not in cleaned and "\u202e" not in cleaned and "\n" not in cleaned
    assert cleaned == "Acme red evil line tab"


def test_strip_controls_keeps_text_but_drops_escape():
    assert strip_controls("a\x1b[2Jb\x07c") == "abc"


def test_one_line_breaks_lines_into_spaces_and_keeps_the_spacing():
    assert one_line("Ac\nme\r\n\x1b[31mred\t\u202e  two") == "Ac me  red  two"
    assert one_line(42) == "42"


def test_fold_is_case_accent_and_whitespace_insensitive():
    assert (
        fold("Café  LUMIÈRE") == fold("cafe lumiere") == fold("CAFÉ\n\tLumière") == "cafe lumiere"
    )
    assert fold("L’Œuvre") == "l'oeuvre"


@given(st.text())
def test_fold_is_idempotent(value):
    assert fold(fold(value)) == fold(value)


def test_word_chars():
    assert is_word_char("a") and is_word_char("é") and is_word_char("7")
    assert not is_word_char("#") and not is_word_char("'") and not is_word_char("中")


def test_language_tag():
    assert language_tag("en-US") == "en"
    assert language_tag("fr_FR") == "fr"
    assert language_tag("  ") is None
    assert language_tag("english!") is None
    assert language_tag(None) is None


@pytest.mark.parametrize(
    ("hostile", "shown", "stored"),
    [
        ("Acme\x1b[31m is red\x1b[0m", "Acme is red", "Acme is red"),  # colours: CSI
        ("\x1b]0;pwned\x07Acme", "Acme", "Acme"),  # the window title: OSC ended by BEL
        ("\x1b]8;;https://evil.example\x1b\\Acme\x1b]8;;\x1b\\", "Acme", "Acme"),  # a link
        ("Acme\x1bc", "Acme", "Acme"),  # reset the terminal
        (
            "[31m stays: it is plain text",
            "[31m stays: it is plain text",
            "[31m stays: it is plain text",
        ),
        # A lone C1 byte ("›" of a cp1252 page read as ISO-8859-1) eats no text...
        ("Great news \x9b Acme", "Great news  Acme", "Great news Acme"),
        ("Review\x9dAcme is great", "ReviewAcme is great", "Review Acme is great"),
        # ...nor does an OSC never terminated: only its ESC ] goes.
        (
            "\x1b]0;unterminated Acme title",
            "0;unterminated Acme title",
            "0;unterminated Acme title",
        ),
    ],
)
def test_escape_sequences_go_whole_not_just_their_escape(hostile, shown, stored):
    assert strip_controls(hostile) == shown
    assert clean_text(hostile) == stored
