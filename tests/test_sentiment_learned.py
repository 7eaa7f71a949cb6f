"""The learned sentiment model and the corrections file reader (issue 15, part 4): pure code,
no database."""

from __future__ import annotations

import pytest

from brandwatch_cli.models import Sentiment
from brandwatch_cli.sentiment import label, overridden
from brandwatch_cli.sentiment.corrections import MAX_TEXT, read_corrections
from brandwatch_cli.sentiment.learned import (
    LearnedModel,
    adjusted,
    enough,
    features,
    fingerprint,
    predict,
    train,
)


def examples(count: int) -> list[tuple[str, str, float]]:
    """The lexicon reads every text as neutral (0.0); a word it does not know decides."""
    rows = []
    for n in range(count):
        rows += [
            (f"le colis {n} est zorglub", "negative", 0.0),
            (f"le colis {n} est flibble", "positive", 0.0),
            (f"le colis {n} est parti", "neutral", 0.0),
        ]
    return rows


def test_features_are_stable_and_case_insensitive():
    assert features("Très BIEN !!") == features("très bien !!")
    assert features("très bien") != features("pas bien")
    assert features("") == []


def test_a_model_learns_words_the_lexicon_does_not_know():
    model = train("fr", examples(12))
    assert predict(model, "franchement zorglub", 0.0)[1] == "negative"
    assert predict(model, "franchement flibble", 0.0)[1] == "positive"
    assert predict(model, "il est parti", 0.0)[1] == "neutral"


def test_with_few_examples_the_lexicon_still_decides_unseen_texts():
    model = train("fr", examples(10))
    assert predict(model, "un texte sans rapport", 0.8)[1] == "positive"
    assert predict(model, "un texte sans rapport", -0.8)[1] == "negative"


@pytest.mark.parametrize("text", ["zorglub", "flibble", "parti", "rien", "", "!!!"])
@pytest.mark.parametrize("score", [-0.9, -0.05, 0.0, 0.03, 0.6])
def test_the_score_agrees_with_the_label(text, score):
    model = train("fr", examples(10))
    value, wanted = predict(model, text, score)
    assert -1.0 <= value <= 1.0
    assert label(value) == wanted


def test_a_model_survives_its_json():
    model = train("fr", examples(10), "abc")
    again = LearnedModel.from_json(model.to_json())
    assert again.fingerprint == model.fingerprint == "abc"
    for text in ("zorglub", "flibble", "autre chose"):
        assert predict(again, text, 0.1) == pytest.approx(predict(model, text, 0.1), abs=1e-5)


def test_adjusted_says_the_model_read_it():
    model = train("fr", examples(10))
    result = adjusted(model, "c'est zorglub", Sentiment(0.0, "neutral", "fr"))
    assert (result.label, result.method) == ("negative", "fr+learned")


def test_a_fingerprint_changes_with_a_label_a_text_or_the_analyzers():
    rows = [("bien", "positive"), ("mal", "negative")]
    same = fingerprint(list(rows), "v1")
    assert fingerprint(rows, "v1") == same
    assert fingerprint([("bien", "neutral"), ("mal", "negative")], "v1") != same
    assert fingerprint([*rows, ("bof", "neutral")], "v1") != same
    assert fingerprint(rows, "v2") != same


def test_enough_needs_thirty_of_two_labels_with_five_each():
    assert not enough(["positive"] * 29 + ["negative"])
    assert not enough(["positive"] * 40 + ["negative"] * 4)
    assert enough(["positive"] * 25 + ["negative"] * 5)


def test_an_override_keeps_a_score_that_agrees():
    assert overridden(Sentiment(0.7, "positive", "vader"), "positive").score == 0.7
    assert overridden(Sentiment(0.7, "positive", "vader"), "negative") == Sentiment(
        -0.5, "negative", "override"
    )
    assert overridden(Sentiment(-0.2, "negative", "fr"), "neutral").score == 0.0


def no_language(_: str) -> None:
    return None


def test_the_reader_accepts_every_spelling_and_names_bad_lines():
    data = "\ufefftext,Label,language\nbien,POS,fr\nmal,-1,\nbof,neu,fr\n,1,\nx,maybe,\n"
    data += "y,1,french\n"
    parsed = read_corrections(data.encode(), "c.csv", "en", no_language)
    assert parsed.rows == [("bien", "positive", "fr"), ("mal", "negative", "en"),
                           ("bof", "neutral", "fr")]  # fmt: skip
    assert parsed.problems[0] == "c.csv:5: empty text"
    assert parsed.problems[1].startswith("c.csv:6: label 'maybe'")
    assert parsed.problems[2] == (
        "c.csv:7: language 'french' is not a two-letter ISO 639-1 code (en, fr...)"
    )
    unknown = read_corrections(b"text,label,language\nbien,1,xx\n", "c.csv", None, no_language)
    assert unknown.problems == [
        "c.csv:2: language 'xx' is not a two-letter ISO 639-1 code (en, fr...)"
    ]


def test_the_reader_counts_lines_of_quoted_newlines():
    data = 'text,label\n"two\nlines",positive\nbad,what\n'
    parsed = read_corrections(data.encode(), "c.csv", None, lambda text: "en")
    assert parsed.rows == [("two\nlines", "positive", "en")]
    assert parsed.problems[0].startswith("c.csv:4: label 'what'")


def test_a_long_text_a_french_spreadsheet_and_an_open_quote():
    long_text = "x" * 200_000  # over the csv module's default field limit
    data = f"text,label\n{long_text},negative\nbon,positive\n".encode()
    parsed = read_corrections(data, "c.csv", "en", no_language)
    assert parsed.complete and not parsed.problems
    assert [label for _, label, _ in parsed.rows] == ["negative", "positive"]
    assert len(parsed.rows[0][0]) == MAX_TEXT  # cut, as every text
    semicolons = read_corrections(b"text;label\nnul; vraiment;negative\n", "c.csv",
                                  "fr", no_language)  # fmt: skip
    assert semicolons.problems == ["c.csv:2: 3 columns, the header has 2"]  # quote such a text
    french = read_corrections(b"text;label\ntrop bien;positive\n", "c.csv", "fr", no_language)
    assert french.rows == [("trop bien", "positive", "fr")]
    opened = read_corrections(b'text,label\n"bon,positive\nnul,negative\n', "c.csv", None,
                              no_language)  # fmt: skip
    assert opened.problems == ["c.csv:2: a quote opened on this line runs to line 3"]


def test_the_reader_refuses_what_is_not_a_corrections_file():
    assert read_corrections(b"a,b\n1,2\n", "x.csv", None, no_language).problems == [
        "x.csv:1: the header needs columns text and label (found: a, b)"
    ]
    assert read_corrections(b"", "x.csv", None, no_language).problems[0].startswith("x.csv:1:")
    latin = "text,label\ncaf\xe9,positive\n".encode("latin-1")
    assert read_corrections(latin, "x.csv", None, no_language).problems == [
        "x.csv:2: not UTF-8 text (save it as UTF-8)"
    ]
    wrong = read_corrections(b"text,label\na,positive,extra\n", "x.csv", None, no_language)
    assert wrong.problems == ["x.csv:2: 3 columns, the header has 2"]


def test_a_model_learns_from_the_latest_corrections_only(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from brandwatch_cli.scan import learning
    from brandwatch_cli.store import MentionStore

    monkeypatch.setattr(learning, "MAX_EXAMPLES", 40)
    labels = ("positive", "negative", "neutral")
    rows = [(f"texte numéro {n}", labels[n % 3], "fr") for n in range(100)]
    with MentionStore.open(tmp_path / "m.db") as store:
        store.add_corrections(rows, datetime(2026, 12, 1, tzinfo=UTC), "test")
        model = learning.current_models(store, ())["fr"]
        assert model.examples == 40
        again = learning.current_models(store, ())["fr"]  # read back, not trained again
        assert again.fingerprint == model.fingerprint
        store.add_corrections([("un de plus", "positive", "fr")], datetime.now(UTC), "test")
        assert learning.current_models(store, ())["fr"].fingerprint != model.fingerprint


def test_a_learned_score_is_rounded_as_the_lexicon_s():
    from brandwatch_cli.sentiment.learned import adjusted

    rows = [(f"texte {n} {'zorglub' if n % 2 else 'flibble'}", "negative" if n % 2 else "positive")
            for n in range(60)]  # fmt: skip
    model = train("fr", [(text, label, 0.0) for text, label in rows])
    score = adjusted(model, "un zorglub", Sentiment(0.1234567, "positive", "fr")).score
    assert score == round(score, 4) and score < 0
