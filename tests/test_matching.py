import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandwatch_cli.matching import Matcher, match_keywords
from brandwatch_cli.models import Keyword

ACME = Keyword("Acme", ("Acme",))
GLOBEX = Keyword("Globex", ("Globex", "Globex Corporation"), ("Globex Cinema",))
CAFE = Keyword("Café Lumière", ("Café Lumière",))


def names(title, text="", keywords=(ACME, GLOBEX, CAFE)):
    return [m.keyword for m in match_keywords(keywords, title, text)]


@pytest.mark.parametrize(
    "text", ["ACME rocks", "love #Acme", "thanks @acme!", "Acme's new drone", "(acme)"]
)
def test_whole_word_forms_match(text):
    assert names(text) == ["Acme"]


@pytest.mark.parametrize("text", ["Acmeville news", "the acmes", "notacme", "Acme_corp"])
def test_words_containing_the_term_do_not_match(text):
    assert names(text) == []


@pytest.mark.parametrize(
    "text", ["cafe lumiere", "CAFÉ LUMIÈRE", "Café   Lumière", "café\nlumière"]
)
def test_accent_case_and_whitespace_insensitive_phrases(text):
    assert names("", text) == ["Café Lumière"]


def test_excluded_phrase_removes_the_keyword():
    assert names("Globex Cinema opens its doors") == []


def test_term_outside_the_excluded_phrase_still_counts():
    assert names("Globex Corporation vs Globex Cinema") == ["Globex"]
    assert names("Globex Cinema", "Globex shares rose") == ["Globex"]


def test_one_mention_can_name_several_keywords_in_config_order():
    assert names("Globex and Acme merge") == ["Acme", "Globex"]


def test_records_terms_and_fields():
    (match,) = match_keywords([GLOBEX], "Globex Corporation results", "globex is up")
    assert match.terms == ("Globex", "Globex Corporation")
    assert match.fields == ("title", "text")


def test_cjk_text_around_a_latin_brand():
    assert names("我喜欢Acme手机") == ["Acme"]


def test_many_keywords_share_one_automaton():
    keywords = [Keyword(f"brand{i}", (f"brand{i}",)) for i in range(2000)]
    matcher = Matcher(keywords)
    assert [m.keyword for m in matcher.match("brand1999 beats brand7", "")] == [
        "brand7",
        "brand1999",
    ]
    assert matcher.match("brand20000", "") == []


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
separators = st.sampled_from([" ", ", ", ". ", "\n", " #", " @", " (", "! "])


@given(
    st.lists(words, max_size=6),
    separators,
    separators,
    st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_term_found_whatever_case_and_accents(before, left, right, upper):
    term = "acme"
    variant = "".join(c.upper() if u else c for c, u in zip(term, upper, strict=False))
    text = " ".join(before) + left + variant + right + "end"
    assert names(text) == ["Acme"]


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=40))
def test_accent_insensitive_equivalence(text):
    accented = text.replace("e", "é").replace("a", "à")
    keyword = Keyword("k", ("lumiere",))
    assert bool(match_keywords([keyword], text, "")) == bool(
        match_keywords([keyword], accented, "")
    )
