import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.provisional import urls

from brandwatch_cli.dedupe import canonical_url, fingerprint, first_of_each_story


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


def test_first_of_each_story_keeps_the_first_row_sharing_any_key():
    keys = [
        ("g1", "https://a.example/1", "f1"),
        ("g2", "https://a.example/1", None),  # same page, another guid
        ("g3", None, "f1"),  # syndicated copy: same content
        ("g1", None, None),  # the same guid again
        ("g4", None, None),
        ("g5", "https://a.example/5", None),
    ]
    assert first_of_each_story(keys) == [0, 4, 5]
    assert first_of_each_story([]) == []


@given(st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.sampled_from(["x", None]))))
def test_first_of_each_story_never_keeps_two_rows_sharing_a_key(keys):
    kept = [keys[i] for i in first_of_each_story(keys)]
    for position in range(2):
        values = [row[position] for row in kept if row[position] is not None]
        assert len(values) == len(set(values))
