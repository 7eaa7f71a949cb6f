import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandwatch_cli.matching.matcher import Matcher, match_keywords
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


# -- keyword queries, context words, case -------------------------------------------------


def kw(name="K", **options):
    options.setdefault("terms", () if "query" in options else (name,))
    for key in ("terms", "exclude", "require_any", "languages"):
        options[key] = tuple(options.get(key, ()))
    return Keyword(name, **options)


def matches(keyword, title, text=""):
    return bool(match_keywords([keyword], title, text))


CAFE = kw(
    "Café Lumière",
    query='"Café Lumière" OR cafelumiere OR @cafelumiere NOT (recrutement OR "offre d\'emploi")',
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Un café au CAFE LUMIERE ce matin", True),
        ("#cafelumiere trop bien", True),
        ("merci @cafelumiere", True),
        ("Café Lumière recrutement : 10 postes", False),  # NOT applies to the whole query
        ("Offre d'emploi chez Café Lumière", False),
        ("cafelumiere: offre d’emploi", False),  # typographic apostrophe folds too
        ("un café et de la lumière", False),
    ],
)
def test_the_issue_query(text, expected):
    assert matches(CAFE, text) is expected


def test_phrase_terms_match_their_hashtag_form():
    keyword = kw("Café Lumière", terms=("Café Lumière",))
    assert matches(keyword, "J'adore #CafeLumiere")
    assert matches(keyword, "Thanks @cafelumiere!")
    assert not matches(keyword, "#CafeLumiereFan club")  # whole words still


def test_near_counts_words_between():
    keyword = kw("Acme", query="acme NEAR/2 recall")
    assert matches(keyword, "Acme toaster recall announced")
    assert matches(keyword, "Acme big toaster recall")
    assert not matches(keyword, "Acme makes big toasters; recall")  # 3 words between
    assert not matches(keyword, "Acme", "recall")  # never across title and text


def test_and_may_use_title_and_text():
    keyword = kw("Acme", query="acme AND recall")
    assert matches(keyword, "Acme news", "A recall was announced")
    (found,) = match_keywords([keyword], "Acme news", "A recall was announced")
    assert found.fields == ("title", "text")
    assert found.terms == ("acme", "recall")


def test_prefix_wildcard():
    keyword = kw("Jobs", query="acme recrut*")
    assert matches(keyword, "Acme recrute des vendeurs")
    assert matches(keyword, "Acme: recrutement ouvert")
    assert not matches(keyword, "Acme ne recrute pas".replace("recrute", "embauche"))


def test_case_sensitive_keyword_is_the_operator_not_the_colour():
    orange = kw("Orange", terms=("Orange",), case_sensitive=True)
    assert matches(orange, "Panne Orange à Lyon")
    assert matches(orange, "La box ORANGE".replace("ORANGE", "Orange"))
    assert not matches(orange, "une robe orange")
    assert not matches(orange, "ORANGE SANGUINE")  # written differently: not the brand


def test_case_sensitive_phrase_keeps_its_case_but_not_in_hashtags():
    cafe = kw("Café Lumière", terms=("Café Lumière",), case_sensitive=True)
    assert matches(cafe, "Un café au Café Lumière")
    assert not matches(cafe, "un café lumière, svp")  # the phrase keeps its case...
    assert matches(cafe, "Vu chez #cafelumiere ce matin")  # ...its hashtag need not
    assert matches(cafe, "merci @CafeLumiere")
    orange = kw("Orange", terms=("Orange",), case_sensitive=True)
    assert not matches(orange, "#orange is the new black")  # one word: no joined form


def test_case_sensitive_still_folds_accents():
    keyword = kw("Élan", terms=("Élan",), case_sensitive=True)
    assert matches(keyword, "Elan lance un vélo")
    assert not matches(keyword, "un bel élan")


def test_require_any_context_words():
    orange = kw("Orange", terms=("Orange",), require_any=("opérateur", "forfait", "fibre"))
    assert matches(orange, "Orange augmente le prix du forfait")
    assert matches(orange, "Orange", "Encore une panne de la FIBRE")  # anywhere in the mention
    assert not matches(orange, "Orange et citron au marché")


def test_require_any_takes_prefixes_and_phrases():
    orange = kw("Orange", terms=("Orange",), require_any=("forfait*", "service client"))
    assert matches(orange, "Orange : nouveaux forfaits 5G")
    assert matches(orange, "Le service   client d'Orange")
    assert not matches(orange, "Orange, le client et son service")  # the phrase, in order
    assert not matches(orange, "Orange sanguine")


def test_lower_case_operators_are_words():
    keyword = kw("Or", query="or not")
    assert matches(keyword, "Gold: or not?")  # the words "or" and "not", both required
    assert not matches(keyword, "or")


def test_explain_says_why():
    from brandwatch_cli.matching.matcher import Matcher

    keywords = [
        kw("Acme"),
        kw("Globex", terms=("Globex",), exclude=("Globex Cinema",)),
        kw("Orange", terms=("Orange",), require_any=("forfait",)),
        kw("Near", query="acme NEAR/1 recall"),
    ]
    reasons = {
        e.keyword: e
        for e in Matcher(keywords).explain("Globex Cinema", "Acme toaster big recall Orange")
    }
    assert reasons["Acme"].matched and "acme" in reasons["Acme"].reason.lower()
    assert not reasons["Globex"].matched and "excluded" in reasons["Globex"].reason
    assert not reasons["Orange"].matched and "context" in reasons["Orange"].reason
    assert not reasons["Near"].matched and "query does not hold" in reasons["Near"].reason


def test_a_thousand_keywords_in_one_pass():
    keywords = [kw(f"brand{i}", query=f"brand{i} NEAR/3 launch") for i in range(1000)]
    matcher = Matcher(keywords)
    found = matcher.match("brand512 will launch a phone", "")
    assert [m.keyword for m in found] == ["brand512"]


VOCAB = ["acme", "globex", "recall", "launch", "job", "shop", "great", "corp", "recruit"]
QUERIES = [
    "acme",
    "acme NEAR/2 recall",
    "(acme OR globex) NOT job",
    "acme AND (launch OR recall)",
    '"globex corp" OR acme shop',
    "recrui* acme",
    "globex NEAR/1 (great OR launch) NOT recall",
]


@given(
    st.lists(st.sampled_from([*VOCAB, "x", "y"]), max_size=15),
    st.lists(st.sampled_from(VOCAB), max_size=6),
)
def test_pruning_by_trigger_terms_never_changes_the_result(text_words, title_words):
    """match() evaluates only keywords whose trigger terms occur; explain() evaluates all."""
    keywords = [kw(f"k{n}", query=q) for n, q in enumerate(QUERIES)]
    matcher = Matcher(keywords)
    title, text = " ".join(title_words), " ".join(text_words)
    pruned = [m.keyword for m in matcher.match(title, text)]
    full = [e.keyword for e in matcher.explain(title, text) if e.matched]
    assert pruned == full
