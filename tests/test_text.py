import re
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandwatch_cli.text import (
    MAX_TEXT_CHARS,
    clean_text,
    fold,
    html_to_text,
    is_word_char,
    language_tag,
    markup_to_text,
    one_line,
    redacted_url,
    strip_controls,
    url_password,
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


_FOLDED_APART = {
    **dict(zip("œŒæÆøđłı", ["oe", "OE", "ae", "AE", "o", "d", "l", "i"], strict=True)),
    **dict.fromkeys("’‘ʼ", "'"),
    **dict.fromkeys("“”«»", '"'),
    **dict.fromkeys("‐‑–—", "-"),
    **dict.fromkeys("™℠", " "),  # not the letters TM: "Acme™" is Acme
    "\xad": "",  # a soft hyphen, invisible inside a word
}
_ACCENTS = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


def _plain_fold(value: str) -> str:
    """fold as first written (a table, then one regex per step): the fast one must agree."""
    table = str.maketrans(_FOLDED_APART)
    value = re.sub(_ACCENTS, "", unicodedata.normalize("NFKD", value.translate(table)))
    return re.sub(r"\s+", " ", value.casefold().translate(table)).strip()


@given(st.text(st.characters() | st.sampled_from([*_FOLDED_APART, " ", "\t", "\xa0", "\x1c"])))
def test_fold_agrees_with_the_plain_reading(value):
    assert fold(value) == _plain_fold(value)


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


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # Atom XHTML as ElementTree writes it: the prefix does not hide the element.
        ("<html:p>Acme</html:p><html:p>rocks</html:p><html:script>x()</html:script>", "Acme rocks"),
        # Self-closed or never closed, an embed hides nothing after it (Blogger feeds)...
        ('<iframe src="v"/>Acme <svg/>rocks', "Acme rocks"),
        ("<object><param name='m'>Acme <iframe src='v'></p><p>rocks</p>", "Acme rocks"),
        ("<iframe>ad</iframe>Acme <svg><title>logo</title></svg>rocks", "Acme rocks"),
        # ...but a script never closed is raw text to the end, in HTML as here.
        ("Acme <script>var rocks", "Acme"),
        ("Acme <!-- rocks", "Acme"),
        # An image counts by its alt text, quoted or not.
        ("<img src=x.png alt=Acme><img alt='rocks' />", "Acme rocks"),
        ('<a title="1 > 0">Acme</a> <a title=don\'t>rocks</a>', "Acme rocks"),
        ("<![CDATA[Acme]]> 3 < 4 <3", "Acme 3 < 4 <3"),
    ],
)
def test_html_to_text_keeps_every_visible_word(html, text):
    assert html_to_text(html) == text


def test_markup_to_text_follows_the_declared_type():
    assert (
        markup_to_text("History of the <blink> tag", "text/plain") == "History of the <blink> tag"
    )
    assert markup_to_text("AT&amp;T <b>rocks</b>", "text/plain") == "AT&T rocks"  # escaped HTML
    assert markup_to_text("<p>Acme</p><p>rocks</p>", "text/html") == "Acme rocks"
    assert markup_to_text("<p>Acme</p>", "application/xhtml+xml") == "Acme"
    assert markup_to_text("<p>Acme</p>", None) == "Acme"
    assert markup_to_text(None, "text/plain") == ""


_WORDS = st.lists(st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True), min_size=1, max_size=8)
_BLOCKS = st.sampled_from(["p", "div", "li", "td", "h2", "br", "html:p", "xhtml:div", "P"])
_ATTRIBUTES = st.sampled_from(["", ' class="x"', " title='a > b'", " id=x", ' style="a:b"'])


@given(words=_WORDS, blocks=st.lists(_BLOCKS, min_size=8, max_size=8), attrs=_ATTRIBUTES)
def test_words_in_separate_block_elements_never_join(words, blocks, attrs):
    html = "".join(
        f"<{tag}{attrs}><b>{word}</b></{tag}>" for word, tag in zip(words, blocks, strict=False)
    )
    assert html_to_text(html).split() == words


@given(st.text())
def test_html_to_text_is_one_clean_bounded_line(value):
    text = html_to_text(value)
    assert text == text.strip() and "  " not in text and len(text) <= MAX_TEXT_CHARS
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)


def _seconds(value: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        html_to_text(value)
        best = min(best, time.perf_counter() - start)
    return best


_SIZE = 160_000  # what took 36-104 s with '<img alt' repeated, when stripping was quadratic
_PLAIN = ("Acme rocks the block " * (_SIZE // 21 + 1))[:_SIZE]
_FRAGMENTS = ["<", ">", "/", "img", " alt", "=", '"', "'", "<!--", "-->", "<!", "<?", "]]>"]
_FRAGMENTS += ["<![CDATA[", "script", "iframe", "svg", "object", "x:", " ", "&amp", ";", "a"]


def _assert_linear(unit: str) -> None:
    hostile = (unit * (_SIZE // len(unit) + 1))[:_SIZE]
    assert _seconds(hostile) < 25 * _seconds(_PLAIN)  # ~1-5x in practice; quadratic: ~1000x


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=12).map("".join))
def test_html_to_text_is_never_slower_than_linear(unit):
    _assert_linear(unit)


@pytest.mark.parametrize("unit", ["<img alt", '<a b="', "<iframe>", "<a ", "<!", "<p x='>"])
def test_known_hostile_markup_costs_what_text_costs(unit):
    _assert_linear(unit)


def test_counts_take_their_noun_in_the_right_number():
    from brandwatch_cli.output.wording import mentions_text
    from brandwatch_cli.text import counted

    assert counted(1, "keyword") == "1 keyword"
    assert counted(0, "source") == "0 sources"
    assert counted(3, "source") == "3 sources"
    assert mentions_text(1, "new") == "1 new mention"
    assert mentions_text(2) == "2 mentions"


@pytest.mark.parametrize(
    ("url", "shown", "password"),
    [
        ("postgresql://bob@db/x", "postgresql://bob@db/x", None),
        ("postgresql://bob:pw@db:5432/x", "postgresql://bob@db:5432/x", "pw"),
        ("postgresql://bob:p@s/s@db/x", "postgresql://bob@db/x", "p@s/s"),
        ("postgresql://bob:pw@[::1]:5432/x", "postgresql://bob@[::1]:5432/x", "pw"),
        ("postgresql://bob:pw@h1:1,h2:2/x", "postgresql://bob@h1:1,h2:2/x", "pw"),
        ("postgresql://db/x?ssl=1&password=pw", "postgresql://db/x?ssl=1", "pw"),
        ("postgres:///x?Password=pw", "postgres:///x", "pw"),
        ("postgresql://bob:${PW}@db/x", "postgresql://bob@db/x", "${PW}"),
    ],
)
def test_a_database_urls_password_is_found_and_left_out(url, shown, password):
    assert redacted_url(url) == shown
    assert url_password(url) == password
