import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.provisional import urls

from brandwatch_cli.dedupe import (
    MIN_SIMILAR_WORDS,
    SIMILARITY,
    canonical_url,
    face_key,
    fingerprint,
    group_stories,
    prefix_keys,
    same_story,
    shingles,
    similarity,
    story_keys,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://Example.COM:443/a/b?utm_source=x&b=2&a=1#frag",
            "https://example.com/a/b?a=1&b=2",
        ),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        (
            "https://example.com/p?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&UTM_Medium=5",
            "https://example.com/p",
        ),
        ("https://example.com/p?id=7&ref_src=twsrc", "https://example.com/p?id=7"),
        ("https://example.com/%7euser", "https://example.com/%7Euser"),
        ("https://example.com/p?q=a+b&q=a%20b", "https://example.com/p?q=a%20b&q=a+b"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "url", [None, "", "urn:uuid:1234", "tag:example.com,2026:1", "mailto:a@b.c", "http://"]
)
def test_non_web_urls_have_no_canonical_form(url):
    assert canonical_url(url) is None


@given(urls())
def test_canonical_url_is_idempotent(url):
    once = canonical_url(url)
    assert once is not None
    assert canonical_url(once) == once


@given(urls(), st.sampled_from(["utm_source=x", "fbclid=abc", "gclid=1"]))
def test_tracking_parameters_never_change_the_canonical_url(url, tracking):
    base = url.split("#")[0]
    joiner = "&" if "?" in base else "?"
    assert canonical_url(base + joiner + tracking) == canonical_url(base)


def test_fingerprint_ignores_case_accents_punctuation_and_spacing():
    a = fingerprint(
        "Acme unveils the RoadRunner 3!", "The new drone is impressive: quieter, faster."
    )
    b = fingerprint("ACME unveils the roadrunner 3", "the new   drone is impressive quieter faster")
    assert a is not None and a == b


def test_short_contents_get_no_fingerprint():
    assert fingerprint("Love it", "") is None


sentences = st.lists(
    st.text(alphabet="abcdefghij", min_size=2, max_size=6), min_size=8, max_size=20
)


@given(sentences, sentences)
def test_different_articles_never_share_a_fingerprint(a, b):
    if a != b:
        assert fingerprint(" ".join(a), "") != fingerprint(" ".join(b), "")


def rows(*keys):
    """group_stories rows without shingles."""
    return [(*k, frozenset()) for k in keys]


def test_group_stories_drops_repeated_pages_and_groups_copies():
    keys = rows(
        ("g1", "https://a.example/1", "f1"),
        ("g2", "https://a.example/1", None),  # same page, another guid: left out
        ("g3", None, "f1"),  # syndicated copy: same content
        ("g1", None, None),  # the same guid again: left out
        ("g4", None, None),
        ("g5", "https://a.example/5", None),
    )
    assert group_stories(keys) == [[0, 2], [4], [5]]
    assert group_stories([]) == []


@given(st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.sampled_from(["x", None]))))
def test_group_stories_never_keeps_two_rows_sharing_a_page(keys):
    table = [(f"id{i}", url, print_, frozenset()) for i, (url, print_) in enumerate(keys)]
    kept = [table[i] for group in group_stories(table) for i in group]
    urls = [row[1] for row in kept if row[1] is not None]
    assert len(urls) == len(set(urls))


#: Words of a text: no repeats, so a text of n words has n - 2 distinct shingles.
article = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8),
    min_size=MIN_SIMILAR_WORDS,
    max_size=160,
    unique=True,
)
extra = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8))


@given(article, extra, extra)
def test_a_copy_with_a_header_or_a_trailing_sentence_is_the_same_story(words, head, tail):
    # Up to a quarter of the original's shingles more keeps the similarity at 0.8 or above.
    budget = (len(words) - 2) // 4
    head, tail = head[: budget // 2], tail[: budget - budget // 2]
    original = " ".join(words)
    copy = " ".join([*head, *words, *tail])
    a, b = shingles("", original), shingles("", copy)
    assert similarity(a, b) >= SIMILARITY
    assert same_story(None, a, None, b)
    assert set(prefix_keys(a)) & set(prefix_keys(b))  # the index finds it
    table = [("1", None, None, a), ("2", None, None, b)]
    assert group_stories(table) == [[0, 1]]


def test_a_publishers_suffix_is_the_same_story():
    text = (
        "Acme recalled forty thousand RoadRunner drones on Tuesday after owners reported "
        "batteries overheating during long flights in hot weather. The company said a faulty "
        "charging chip supplied by a third party caused the problem, and that owners should "
        "stop using the drones at once and return them to any store for a full refund or a "
        "replacement unit within six weeks."
    )
    mirror = text + " This article first appeared on Example News. Read more at example.com."
    title = "Acme recalls drones"
    assert same_story(None, shingles(title, text), None, shingles(title, mirror))
    assert not same_story(None, shingles("", "too short " * 5), None, shingles("", "too short"))


@given(article, article)
def test_two_different_articles_below_the_threshold_are_never_merged(a_words, b_words):
    a, b = shingles("", " ".join(a_words)), shingles("", " ".join(b_words))
    table = [("1", None, None, a), ("2", None, None, b)]
    merged = group_stories(table) == [[0, 1]]
    assert merged == (similarity(a, b) >= SIMILARITY)


@given(st.data())
def test_rows_in_different_groups_are_never_the_same_story(data):
    base = data.draw(article)
    texts = []
    for _ in range(data.draw(st.integers(2, 6))):
        cut = data.draw(st.integers(0, len(base) // 3))
        texts.append(" ".join(base[cut:] + data.draw(extra)))
    table = [(str(i), None, None, shingles("", t)) for i, t in enumerate(texts)]
    groups = group_stories(table)
    where = {row: n for n, group in enumerate(groups) for row in group}
    for i, (*_, a) in enumerate(table):
        for j, (*_, b) in enumerate(table):
            if where[i] != where[j]:
                assert not same_story(None, a, None, b)
    for group in groups:  # every copy is near-identical to another row of its group
        for row in group if len(group) > 1 else ():
            others = [o for o in group if o != row]
            assert any(same_story(None, table[row][3], None, table[o][3]) for o in others)


@given(st.frozensets(st.integers(0, 10**6), min_size=1, max_size=300), st.data())
def test_similar_sets_always_share_a_prefix_key(a, data):
    dropped = data.draw(st.integers(0, len(a) // 4))
    b = frozenset(sorted(a)[dropped:]) | data.draw(st.frozensets(st.integers(0, 10**6)))
    if similarity(a, b) >= SIMILARITY:
        assert set(prefix_keys(a)) & set(prefix_keys(b))


def test_shingles_are_stable_and_short_texts_have_none():
    text = " ".join(f"word{i}" for i in range(60))
    assert shingles("", text) == shingles("", text.upper() + " ")
    assert len(shingles("", text)) == 58
    assert shingles("Title", "only a few words") == frozenset()
    assert prefix_keys(frozenset()) == ()
    assert len(prefix_keys(frozenset(range(50)))) == 50 - 40 + 1


def test_face_key_puts_the_earliest_first_undated_last_and_ties_by_rank():
    keys = [
        face_key(None, 0),
        face_key("2026-11-20T10:00:00+00:00", 1),
        face_key("2026-11-20T09:00:00+00:00", 2),
        face_key("2026-11-20T09:00:00+00:00", 0),
    ]
    assert sorted(range(4), key=keys.__getitem__) == [3, 2, 1, 0]


@given(
    st.text(max_size=40),
    st.lists(st.sampled_from(["Acme", "café", "Ça", "l'été", "—", "42", "x\ny", "!"]), max_size=90),
)
def test_story_keys_are_the_fingerprint_and_the_shingles(title, words):
    text = " ".join(words)
    assert story_keys(title, text) == (fingerprint(title, text), shingles(title, text))
