import pickle

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from brandwatch_cli.matching.querylang import (
    MAX_NEAR,
    And,
    Near,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    describe,
    evaluate,
    format_query,
    parse_query,
    terms,
)


def w(word: str, prefix: bool = False) -> Term:
    return Term((word,), prefix=prefix)


def q(text: str, prefix: bool = False) -> Term:
    return Term(tuple(text.split()), prefix=prefix, quoted=True)


A, B, C, D = w("a"), w("b"), w("c"), w("d")

ISSUE_QUERY = '"Café Lumière" OR cafelumiere OR @cafelumiere NOT (recrutement OR "offre d\'emploi")'


# --- precedence: NOT, NEAR/n, AND, OR (tightest first) ---


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("a OR b c", Or((A, And((B, C))))),
        ("a OR b AND c", Or((A, And((B, C))))),
        ("a b OR c d", Or((And((A, B)), And((C, D))))),
        ("NOT a b", And((Not(A), B))),
        ("a NOT b", And((A, Not(B)))),
        ("a AND NOT b", And((A, Not(B)))),
        ("a NOT b NOT c", And((A, Not(B), Not(C)))),
        ("a NEAR/2 b OR c", Or((Near(A, B, 2), C))),
        ("a NEAR/2 b c", And((Near(A, B, 2), C))),
        ("c a NEAR/2 b", And((C, Near(A, B, 2)))),
        ("NOT a NEAR/2 b c OR d", None),  # NOT binds tighter than NEAR: an error, see below
    ],
)
def test_precedence_is_not_near_and_or(query, tree):
    if tree is None:
        with pytest.raises(QuerySyntaxError):
            parse_query(query)
    else:
        assert parse_query(query) == tree


def test_issue_example_excludes_from_every_alternative():
    """A NOT between operands excludes from everything before it: no job offers at all."""
    tree = parse_query(ISSUE_QUERY)
    exclusions = Not(Or((w("recrutement"), q("offre d'emploi"))))
    names = Or((q("Café Lumière"), w("cafelumiere"), w("@cafelumiere")))
    assert tree == And((names, exclusions))
    assert format_query(tree) == (
        '("Café Lumière" OR cafelumiere OR @cafelumiere) AND NOT (recrutement OR "offre d\'emploi")'
    )


def test_and_not_keeps_the_narrow_reading():
    assert parse_query("a OR b AND NOT c") == Or((A, And((B, Not(C)))))
    assert parse_query("a OR b NOT c") == And((Or((A, B)), Not(C)))
    assert parse_query("(a OR b NOT c) OR d") == Or((And((Or((A, B)), Not(C))), D))


def test_parentheses_override_precedence_and_nested_groups_flatten():
    assert parse_query("(a OR b) c") == And((Or((A, B)), C))
    assert parse_query("a (b OR c) d") == And((A, Or((B, C)), D))
    assert parse_query("a OR (b OR (c OR d))") == Or((A, B, C, D))
    assert parse_query("a (b (c d))") == And((A, B, C, D))
    assert parse_query("((a))") == A
    assert parse_query("NOT (a OR b) c") == And((Not(Or((A, B))), C))


def test_juxtaposition_is_and_even_without_spaces():
    assert parse_query("a b") == parse_query("a AND b") == And((A, B))
    assert parse_query('a"b c"(d)') == And((A, q("b c"), D))


def test_lower_and_mixed_case_operators_are_plain_words():
    """French and English texts are full of "or", "not", "and": only capitals are operators."""
    assert parse_query("a or not b") == And((A, w("or"), w("not"), B))
    assert parse_query("Or And Not Near") == And((w("Or"), w("And"), w("Not"), w("Near")))
    assert parse_query("ANDROID ORANGE NOTION NEARBY") == And(
        tuple(w(x) for x in ("ANDROID", "ORANGE", "NOTION", "NEARBY"))
    )
    assert parse_query('"NOT" "OR"') == And((q("NOT"), q("OR")))


# --- words, phrases, wildcards ---


@pytest.mark.parametrize(
    "word",
    [
        "cafelumiere",
        "@cafelumiere",
        "#cafelumiere",
        "@café_lumière",
        "C++",
        "Canal+",
        "l'Oréal",
        "l’Oréal",
        "AT&T",
        "cafelumiere.fr",
        "e-commerce",
        "aujourd'hui",
        "#1",
        "2024",
        "Cafe\u0301",  # decomposed accent
        "東京",
    ],
)
def test_bare_words_keep_inner_punctuation_and_leading_at_or_hash(word):
    assert parse_query(word) == w(word)


def test_phrases_split_on_whitespace_keep_case_and_punctuation():
    assert parse_query('"Café   Lumière"') == Term(("Café", "Lumière"), quoted=True)
    assert parse_query('"AT&T, Inc."') == Term(("AT&T,", "Inc."), quoted=True)
    assert parse_query('"offre d\'emploi"') == Term(("offre", "d'emploi"), quoted=True)
    assert parse_query('"cafelumiere"') == Term(("cafelumiere",), quoted=True)


def test_backslash_is_an_ordinary_character_not_an_escape():
    assert parse_query('"a\\" b') == And((Term(("a\\",), quoted=True), B))


def test_trailing_star_is_a_prefix_wildcard_on_words_and_phrases():
    assert parse_query("recrut*") == w("recrut", prefix=True)
    assert parse_query("C++*") == w("C++", prefix=True)
    assert parse_query("@cafe*") == w("@cafe", prefix=True)
    assert parse_query('"café lum*"') == Term(("café", "lum"), prefix=True, quoted=True)
    assert parse_query('"café lum* "') == Term(("café", "lum"), prefix=True, quoted=True)


# --- NEAR ---


def test_near_joins_words_phrases_and_or_groups():
    assert parse_query('"Café Lumière" NEAR/3 ouverture') == Near(
        q("Café Lumière"), w("ouverture"), 3
    )
    assert parse_query('(a OR "b c") NEAR/2 (d OR e*)') == Near(
        Or((A, q("b c"))), Or((D, w("e", prefix=True))), 2
    )
    assert parse_query("(a OR (b OR c)) NEAR/1 (d)") == Near(Or((A, B, C)), D, 1)
    assert parse_query("a NEAR/2 b c NEAR/3 d") == And((Near(A, B, 2), Near(C, D, 3)))


def test_near_distance_leading_zeros_and_maximum():
    assert parse_query("a NEAR/007 b") == Near(A, B, 7)
    assert parse_query(f"a NEAR/{MAX_NEAR} b") == Near(A, B, MAX_NEAR)


# --- errors, each with its column ---


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        ("", 1, "the query is empty"),
        ("   ", 1, "the query is empty"),
        ("(a OR b", 1, "this ( is never closed"),
        ("a (b OR (c d)", 3, "this ( is never closed"),
        ("a (", 3, "this ( is never closed"),
        ("a OR b)", 7, "this ) has no matching ("),
        (") a", 1, "this ) has no matching ("),
        ("a ()", 3, "nothing between these parentheses"),
        ('a "Café Lumière', 3, "this quote is never closed"),
        ('"a" "', 5, "this quote is never closed"),
        ('a ""', 3, "empty phrase"),
        ('a "  "', 3, "empty phrase"),
        ("a OR", 3, "OR needs a word, phrase or group after it"),
        ("(a OR) b", 4, "OR needs a word, phrase or group after it"),
        ("OR a", 1, "OR needs a word, phrase or group before it"),
        ("( AND a)", 3, "AND needs a word, phrase or group before it"),
        ("a AND AND b", 7, "AND cannot follow AND"),
        ("a OR AND b", 6, "AND cannot follow OR"),
        ("NOT", 1, "NOT needs a word, phrase or group after it"),
        ("a NOT", 3, "NOT needs a word, phrase or group after it"),
        ("a NEAR/2", 3, "NEAR/2 needs a word, phrase or group after it"),
        ("a NEAR/0 b", 8, "NEAR needs a distance from 1 to 1000 words"),
        ("a NEAR/x b", 8, "NEAR needs a distance"),
        ("a NEAR/1001 b", 8, "NEAR needs a distance"),
        ("a NEAR/99999999999999999999 b", 8, "NEAR needs a distance"),
        ("a NEAR/٣ b", 8, "NEAR needs a distance"),  # an Arabic-Indic digit
        ("a NEAR b", 3, "NEAR needs a distance"),
        ("a NEAR/ b", 3, "NEAR needs a distance"),
        ("a near/2 b", 3, "operators are written in capitals"),
        ("(a b) NEAR/2 c", 7, "NEAR/2 can only join words, phrases, or OR-groups"),
        ("(a OR b c) NEAR/2 d", 12, "NEAR/2 can only join"),
        ("a NEAR/2 (b NEAR/3 c)", 3, "NEAR/2 can only join"),
        ("a NEAR/2 b NEAR/3 c", 12, "NEAR/3 can only join"),
        ("NOT a NEAR/2 b", 7, "NOT binds tighter than NEAR/2: write NOT (a NEAR/2 b)"),
        ("a NEAR/2 NOT b", 3, "NOT binds tighter than NEAR/2"),
        ("rec*ut", 4, "a * can only end a word"),
        ("a**", 2, "a * can only end a word"),
        ("a *", 3, "a * must follow a word"),
        ("@*", 2, "a * must follow a word"),
        ('"a" *', 5, "a * must follow a word"),
        ('x "lum *"', 8, "a * must follow a word"),
        ('x "lu*m x"', 6, "a * can only end the last word of a phrase"),
        ('"a* b"', 3, "a * can only end the last word of a phrase"),
        ("a-", 2, "'-' can only join letters or digits"),
        ("cafe -lumiere", 6, "'-' can only join letters or digits"),
        ("foo, bar", 4, "',' cannot be part of a word; put the text in quotes"),
        ("24/7", 3, "'/' cannot be part of a word"),
        ("a @", 3, "'@' cannot be part of a word"),
        ("NOT a", 1, "NOT only excludes: any text with none of a would match"),
        ("NOT (a OR b)", 1, "NOT only excludes: any text with none of a, b would"),
        ("a OR NOT b", 6, "NOT only excludes"),
        ("NOT a OR b", 1, "NOT only excludes"),
        (
            "a OR (b NOT c) OR NOT (d e)",
            19,
            "NOT only excludes: any text with none of (all of d, e)",
        ),
        ("NOT a NOT b", 1, "NOT only excludes"),
        ("(" * 60 + "a" + ")" * 60, 51, "the query is nested too deeply"),
        ("NOT " * 60 + "a", 201, "the query is nested too deeply"),
    ],
)
def test_syntax_errors_point_at_the_problem(query, column, message):
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    error = caught.value
    assert error.column == column
    assert error.message.startswith(message)
    assert str(error) == f"column {column}: {error.message}"


def test_double_negation_is_positive_and_accepted():
    assert parse_query("NOT NOT a") == Not(Not(A))
    assert parse_query("NOT (NOT a NOT b)") == Not(And((Not(A), Not(B))))


def test_syntax_error_is_a_value_error_and_survives_pickling():
    """Workers parse queries too; their errors cross process boundaries."""
    error = QuerySyntaxError(3, "OR needs a word, phrase or group after it")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.column, copy.message, str(copy)) == (error.column, error.message, str(error))


# --- terms() ---


def test_terms_lists_positive_and_negated_terms_in_order_once():
    tree = parse_query('a OR (b NOT a) OR "c d" NEAR/2 (b OR b*) OR NOT NOT e')
    assert terms(tree) == [A, B, q("c d"), w("b", prefix=True), w("e")]
    assert terms(parse_query(ISSUE_QUERY)) == [
        q("Café Lumière"),
        w("cafelumiere"),
        w("@cafelumiere"),
        w("recrutement"),
        q("offre d'emploi"),
    ]


def test_terms_distinguishes_quoted_and_prefix_forms():
    assert terms(parse_query('a "a" a*')) == [A, Term(("a",), quoted=True), w("a", prefix=True)]


# --- evaluate() ---


def found_in(occurrences: dict[Term, list[tuple[int, int]]]):
    return lambda term: occurrences.get(term, [])


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        ({"Café Lumière"}, True),
        ({"@cafelumiere"}, True),
        ({"@cafelumiere", "recrutement"}, False),
        ({"Café Lumière", "recrutement"}, False),  # the exclusion guards every name
        ({"recrutement"}, False),
        (set(), False),
    ],
)
def test_evaluate_and_or_not(present, expected):
    tree = parse_query(ISSUE_QUERY)
    by_text = {" ".join(t.words): t for t in terms(tree)}
    occurrences = {by_text[text]: [(0, len(by_text[text].words) - 1)] for text in present}
    assert evaluate(tree, found_in(occurrences)) is expected


@pytest.mark.parametrize(
    ("a_at", "b_at", "distance", "expected"),
    [
        ((0, 0), (3, 3), 2, True),  # two words between, NEAR/2
        ((0, 0), (3, 3), 1, False),  # two words between, NEAR/1
        ((3, 3), (0, 0), 2, True),  # either order
        ((3, 3), (0, 0), 1, False),
        ((0, 0), (1, 1), 1, True),  # adjacent: 0 words between
        ((2, 4), (3, 3), 1, True),  # overlapping
        ((2, 3), (6, 6), 2, True),  # a two-word phrase, 2 words between its end and b
        ((2, 3), (6, 6), 1, False),
        ((7, 8), (0, 4), 2, True),  # b before a: words 5 and 6 between
        ((7, 8), (0, 3), 2, False),
    ],
)
def test_near_counts_words_strictly_between_occurrences(a_at, b_at, distance, expected):
    assert evaluate(Near(A, B, distance), found_in({A: [a_at], B: [b_at]})) is expected


def test_near_tries_every_pair_of_occurrences():
    occurrences = {A: [(0, 0), (20, 20)], B: [(10, 10), (23, 23)]}
    assert evaluate(Near(A, B, 2), found_in(occurrences))
    assert not evaluate(Near(A, B, 1), found_in(occurrences))


def test_near_over_an_or_group_uses_the_union_of_its_occurrences():
    tree = parse_query('(a OR "b c") NEAR/1 d')
    assert evaluate(tree, found_in({q("b c"): [(5, 6)], D: [(8, 8)]}))
    assert evaluate(tree, found_in({A: [(0, 0)], q("b c"): [(5, 6)], D: [(2, 2)]}))
    assert not evaluate(tree, found_in({A: [(0, 0)], q("b c"): [(5, 6)], D: [(9, 9)]}))
    assert not evaluate(tree, found_in({A: [(0, 0)]}))


def test_near_inside_not_and_or():
    tree = parse_query("a NOT (a NEAR/1 jobs)")
    jobs = w("jobs")
    assert evaluate(tree, found_in({A: [(0, 0)], jobs: [(9, 9)]}))
    assert not evaluate(tree, found_in({A: [(0, 0)], jobs: [(2, 2)]}))


def test_evaluate_asks_once_per_distinct_term_and_only_when_needed():
    asked: list[Term] = []

    def found(term: Term) -> list[tuple[int, int]]:
        asked.append(term)
        return [(0, 0)] if term == A else []

    assert evaluate(parse_query("(a OR b) NEAR/2 a OR c a"), found)
    assert asked == [A, B]


def test_evaluate_rejects_a_hand_made_near_over_a_compound_operand():
    with pytest.raises(ValueError, match="NEAR operand"):
        evaluate(Near(And((A, B)), C, 2), found_in({}))


# --- describe() ---


@pytest.mark.parametrize(
    ("query", "description"),
    [
        ("cafelumiere", "cafelumiere"),
        ('"Café Lumière" OR recrut*', 'any of "Café Lumière", recrut*'),
        ("a b", "all of a, b"),
        (
            '("Café Lumière" OR cafelumiere) NOT (recrutement OR "offre d\'emploi")',
            'any of "Café Lumière", cafelumiere but none of recrutement, "offre d\'emploi"',
        ),
        ("a b NOT c NOT (d e)", "all of a, b but none of c, (all of d, e)"),
        ("a NEAR/1 b", "a within 1 word of b"),
        ("(a OR b) NEAR/5 c", "(any of a, b) within 5 words of c"),
        ("a OR b c", "any of a, (all of b, c)"),
        ("NOT NOT a", "none of (none of a)"),
        ("NOT (NOT a NOT b)", "none of (none of a, b)"),
    ],
)
def test_describe_explains_the_query_in_words(query, description):
    assert describe(parse_query(query)) == description


def test_describe_shows_where_the_issue_example_exclusion_applies():
    assert describe(parse_query(ISSUE_QUERY)) == (
        'any of "Café Lumière", cafelumiere, @cafelumiere'
        ' but none of recrutement, "offre d\'emploi"'
    )


# --- format_query() and properties ---


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("a b", "a AND b"),
        ("a OR b c", "a OR (b AND c)"),
        ("d NOT (a OR b) NOT c", "d AND NOT (a OR b) AND NOT c"),
        ('(a OR "b  c") NEAR/03 d*', '(a OR "b c") NEAR/3 d*'),
        ("a NOT (b NEAR/2 c)", "a AND NOT (b NEAR/2 c)"),
        ("a NEAR/2 b OR c", "a NEAR/2 b OR c"),
        ("NOT NOT a", "NOT NOT a"),
        ('"café lum* "', '"café lum*"'),
    ],
)
def test_format_query_is_canonical(query, canonical):
    assert format_query(parse_query(query)) == canonical


_OPERATOR_WORDS = {"AND", "OR", "NOT", "NEAR"}
_segments = st.text(alphabet="abzAEDNORTéÉœж東0_9", min_size=1, max_size=5)
bare_words = st.builds(
    lambda lead, first, rest, plus: lead + first + "".join(j + s for j, s in rest) + plus,
    st.sampled_from(["", "@", "#"]),
    _segments,
    st.lists(
        st.tuples(st.sampled_from(["-", "'", "’", ".", "&", "+", "--"]), _segments), max_size=2
    ),
    st.sampled_from(["", "", "+", "++"]),
).filter(lambda word: word not in _OPERATOR_WORDS)
phrase_words = st.text(
    st.characters(exclude_categories=("Z", "Cc", "Cs"), exclude_characters='"*'),
    min_size=1,
    max_size=6,
).filter(lambda word: not any(char.isspace() for char in word))
query_terms = st.one_of(
    st.builds(lambda word, prefix: Term((word,), prefix=prefix), bare_words, st.booleans()),
    st.builds(
        lambda words, prefix: Term(tuple(words), prefix=prefix, quoted=True),
        st.lists(phrase_words, min_size=1, max_size=3),
        st.booleans(),
    ),
)
near_operands = query_terms | st.lists(query_terms, min_size=2, max_size=3).map(
    lambda ts: Or(tuple(ts))
)


def _flat(kind, operands):
    flat = []
    for node in operands:
        flat.extend(node.operands if isinstance(node, kind) else (node,))
    return kind(tuple(flat))


def _depth(node: Node) -> int:
    children = {Not: lambda n: (n.operand,), Near: lambda n: (n.left, n.right)}
    kids = children.get(type(node), lambda n: getattr(n, "operands", ()))(node)
    return 1 + max((_depth(kid) for kid in kids), default=0)


query_trees = st.recursive(
    query_terms | st.builds(Near, near_operands, near_operands, st.integers(1, MAX_NEAR)),
    lambda children: st.one_of(
        children.map(Not),
        st.lists(children, min_size=2, max_size=4).map(lambda ops: _flat(And, ops)),
        st.lists(children, min_size=2, max_size=4).map(lambda ops: _flat(Or, ops)),
    ),
    max_leaves=12,
).filter(lambda tree: _depth(tree) <= 20 and not evaluate(tree, lambda _term: ()))


@settings(max_examples=300)
@given(query_trees)
def test_format_then_parse_gives_back_the_tree(tree):
    assert parse_query(format_query(tree)) == tree


_leaves = st.sampled_from(
    ["a", "b", "Café", "C++", "recrut*", '"Café Lumière"', '"lum*"', "or", "not", "@x", "l'Or"]
)
query_strings = st.recursive(
    _leaves | bare_words,
    lambda children: st.one_of(
        st.tuples(
            children,
            st.sampled_from([" AND ", " OR ", " ", " NEAR/2 ", " NEAR/1000 ", "\t"]),
            children,
        ).map("".join),
        children.map(lambda s: f"({s})"),
        children.map(lambda s: f"NOT {s}"),
    ),
    max_leaves=10,
)


@settings(max_examples=300)
@given(query_strings)
def test_canonical_text_is_stable(text):
    try:
        tree = parse_query(text)
    except QuerySyntaxError:
        reject()
    canonical = format_query(tree)
    assert parse_query(canonical) == tree
    assert format_query(parse_query(canonical)) == canonical


_pieces = st.sampled_from(
    [
        '"',
        "(",
        ")",
        "*",
        "a",
        "b*",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "NEAR/",
        "NEAR/0",
        "NEAR/2",
        "@",
        "#",
        "-",
        "'",
        "+",
        "é",
        "\u0301",
        "\\",
        " ",
        "\t",
        "\n",
        "\x00",
        "٣",
        "東",
    ]
)
junk = (
    st.text()
    | st.lists(_pieces, max_size=12).map("".join)
    | st.lists(_pieces, max_size=12).map(" ".join)
)


@settings(max_examples=500)
@given(junk)
def test_junk_raises_only_query_syntax_errors_within_the_text(text):
    try:
        tree = parse_query(text)
    except QuerySyntaxError as error:
        problem = error
    else:
        assert parse_query(format_query(tree)) == tree
        assert isinstance(describe(tree), str) and terms(tree)
        return
    assert 1 <= problem.column <= max(len(text), 1)
