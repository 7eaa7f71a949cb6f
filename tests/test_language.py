"""Language detection: short titles, the source's hint, None for texts with no letters,
determinism across calls, threads and processes, and the English and French sets it is tuned
for (``tests/data/language/`` and, when ../shared is present, the VADER paper's tweets).

Speed is measured by ``benchmarks/language.py``, not asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from brandwatch_cli.language import LANGUAGES, detect_language, strip_non_language
from helpers import SHARED

OWN = Path(__file__).parent / "data" / "language"
VADER_TWEETS = SHARED / "data" / "sentiment" / "vader-groundtruth" / "tweets_GroundTruth.txt"


def own_texts(language: str) -> list[str]:
    lines = (OWN / f"{language}.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def share(texts: list[str], language: str) -> float:
    return sum(detect_language(text) == language for text in texts) / len(texts)


@pytest.mark.parametrize(
    "title",
    [
        "Acme recalls 40,000 scooters over battery fires",
        "Why I switched back to Globex after a year",
        "Worst customer service ever @AcmeSupport",
        "Initech shares jump after strong quarter",
        "Is the new Hooli phone worth it?",
        "lol this is so true 😂",
        "Just got my order, love it!! #happy",
        "Big news from Umbrella today https://t.co/x1y2",
    ],
)
def test_short_english_titles(title):
    assert detect_language(title) == "en"


@pytest.mark.parametrize(
    "title",
    [
        "Acme rappelle 40 000 trottinettes pour risque d'incendie",
        "Pourquoi je suis revenu chez Globex après un an",
        "Le pire service client que j'ai jamais vu @AcmeSupport",
        "L'action Initech s'envole après un bon trimestre",
        "Le nouveau téléphone Hooli vaut-il son prix ?",
        "Trop bien cette nouvelle appli 😍",
        "Commande reçue ce matin, je suis ravie !! #contente",
        "Grosse annonce chez Umbrella aujourd'hui https://t.co/x1y2",
    ],
)
def test_short_french_titles(title):
    assert detect_language(title) == "fr"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("El servicio de Acme es un desastre, nunca más", "es"),
        ("Der Kundenservice von Acme ist eine Katastrophe", "de"),
        ("Il servizio clienti di Acme è un disastro", "it"),
        ("O atendimento da Acme é um desastre", "pt"),
        ("De klantenservice van Acme is een ramp", "nl"),
        ("Служба поддержки Acme просто ужасна", "ru"),
        ("Acme的客服太差了", "zh"),
    ],
)
def test_other_languages(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("hint", "expected"),
    [("fr", "fr"), ("fr-FR", "fr"), ("FR_ca", "fr"), (" de ", "de"), ("sw", "sw")],
)
def test_a_valid_hint_wins(hint, expected):
    assert detect_language("This review is plainly written in English.", hint) == expected


def test_a_withdrawn_code_is_read_as_its_replacement():
    assert detect_language("השירות של Acme היה מצוין היום", "iw") == "he"


def test_a_hint_wins_even_without_letters():
    assert detect_language("👍👍", hint="fr") == "fr"


@pytest.mark.parametrize("hint", [None, "", "und", "mul", "x-klingon", "english", "zz", "12"])
def test_an_invalid_hint_is_ignored(hint):
    assert detect_language("This review is plainly written in English.", hint) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t",
        "😀🔥👍",
        "🇫🇷❤️",
        "https://example.com/a/b?c=d",
        "www.example.com",
        "t.co/abc123",
        "@acme @globex",
        "contact@acme.example",
        "2024 - 12/05 !!! :) :-(",
        "https://acme.example 🎉 @acme 42",
    ],
)
def test_no_letters_is_undetermined(text):
    assert detect_language(text) is None


def test_answers_are_codes_from_the_candidate_set():
    texts = [line for language in ("fr", "de", "nl") for line in own_texts(language)]
    assert {detect_language(text) for text in texts} <= set(LANGUAGES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Great #Acme launch https://acme.example/x via @bob", "Great Acme launch via"),
        ("mail me: jane.doe@acme.example now", "mail me: now"),
        ("bit.ly/3xYz and www.acme.example here", "and here"),
        ("prix&#233; #1 #grève", "prix&#233; 1 grève"),
    ],
)
def test_links_handles_and_hash_signs_are_not_language(text, expected):
    assert strip_non_language(text) == expected


def test_a_long_article_is_detected_from_its_beginning():
    article = "Le groupe a annoncé mardi la fermeture de deux usines. " * 5_000
    assert detect_language(article) == "fr"


SAMPLE = [
    "Worst update ever, the app keeps crashing",
    "Franchement déçu par la livraison",
    "So annoyed",
    "Pizza time.",
    "Lecker, lecker",
    "ok",
    "Apple Watch Series 9 : notre test complet",
    "😀",
    "Служба поддержки ужасна",
]


def test_deterministic_across_calls_and_threads():
    expected = [detect_language(text) for text in SAMPLE]
    assert [detect_language(text) for text in SAMPLE] == expected
    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = list(pool.map(lambda _: [detect_language(t) for t in SAMPLE], range(32)))
    assert all(run == expected for run in runs)


def test_forked_workers_give_the_same_answers():
    # The scan parses in forked workers: they inherit the loaded model and a free lock.
    expected = [detect_language(text) for text in SAMPLE]
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
        assert list(pool.map(detect_language, SAMPLE)) == expected


@pytest.mark.parametrize("hash_seed", ["0", "12345"])
def test_deterministic_across_processes(hash_seed):
    script = (
        "import json, sys; from brandwatch_cli.language import detect_language;"
        "print(json.dumps([detect_language(t) for t in json.load(sys.stdin)]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(SAMPLE),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
    )
    assert json.loads(result.stdout) == [detect_language(text) for text in SAMPLE]


def test_importing_the_module_does_not_load_the_engine():
    script = (
        "import sys, brandwatch_cli.language;"
        "print(sorted(m for m in ('py3langid', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_own_french_texts_are_french():
    # One miss allowed: "Apple Watch Series 9 : notre test complet" reads as English.
    assert share(own_texts("fr"), "fr") >= 0.98


@pytest.mark.parametrize("language", ["en", "es", "de", "it", "pt", "nl"])
def test_own_texts_in_other_languages(language):
    assert share(own_texts(language), language) >= 0.95


@pytest.mark.skipif(not VADER_TWEETS.exists(), reason="../shared is absent")
def test_vader_english_tweets_are_english():
    lines = VADER_TWEETS.read_text(encoding="utf-8", errors="replace").splitlines()
    tweets = [line.split("\t", 2)[2] for line in lines if line.count("\t") >= 2]
    assert len(tweets) == 4_200
    # 99.5% as shipped; the misses are mostly tweets in Turkish, Spanish, Dutch... and four
    # made of emoticons alone (None by design).
    assert share(tweets, "en") >= 0.99


@pytest.mark.parametrize("unit", ["x", "a.", "a-", "a+", "a.b@", "@a"])
def test_stripping_links_stays_linear_on_hostile_long_words(unit):
    # A feed can carry one 20,000-character "word": the link and e-mail patterns must not try
    # it from every position. Compared with ordinary words of the same length, in one process.
    def cost(text: str) -> float:
        started = time.perf_counter()
        for _ in range(3):
            strip_non_language(text)
        return time.perf_counter() - started

    size = 20_000
    hostile = (unit * size)[:size]
    ordinary = ("word " * size)[:size]
    # Quadratic matching costs thousands of times more here; linear stays within a few times.
    assert cost(hostile) < 50 * cost(ordinary) + 0.01


@pytest.mark.parametrize(("language", "floor"), [("fr", 0.9), ("en", 0.95)])
def test_brief_brand_mentions_are_read_in_their_language(language, floor):
    # Three to six words, half of them brand names: too few letters for n-grams alone.
    texts = [line for line in (OWN / f"{language}.brief.txt").read_text().splitlines() if line]
    assert len(texts) == 30
    assert share(texts, language) >= floor


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Darty, colis perdu", "fr"),  # "perdu": one long French word
        ("SAV Samsung au top", "fr"),  # "sav", "au": two French words
        ("Leboncoin arnaque signalée", "fr"),
        ("Touche, Microsoft", "en"),  # a borrowed word is not enough...
        ("De passie spatte ervan af.", "nl"),  # ...nor a word French shares ("de")
        ("Encore performance was epic", "en"),  # English words outnumber it
    ],
)
def test_a_short_text_is_french_when_its_own_words_say_so(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("KDE Advanced Text Editor, Kate is great for editing", "ja", "en"),  # a default tag
        ("Привет, как дела с Acme сегодня", "en", "ru"),
        ("今日はいい天気ですね、Acmeの新製品", "ja", "ja"),  # the tag fits: it wins
        ("Bonjour tout le monde, Acme est génial", "en", "en"),  # same script: the tag wins
        ("Acme!", "ja", "ja"),  # too few letters to overrule the tag
        ("Samsung Galaxy Buds Pro 후기", "ko", "ko"),  # brand names in a Korean post
        ("Ovo je Acme prodavnica u Beogradu", "sr", "sr"),  # Serbian, in either alphabet
        ("የአክሜ አገልግሎት በጣም ጥሩ ነው", "am", "am"),  # a script we do not list: the tag stands
    ],
)
def test_a_language_tag_in_another_script_than_the_text_is_ignored(text, hint, expected):
    assert detect_language(text, hint=hint) == expected


def test_the_shipped_model_scores_as_py3langids_own_restricted_to_our_languages():
    # data/language_model.npz is py3langid's model trimmed to LANGUAGES (loaded in a sixth of
    # the time): every score, not only every answer, must be the full model's.
    import numpy as np
    import py3langid
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from brandwatch_cli.language import MODEL, load_model

    with np.load(MODEL) as model:
        built_from = str(model["py3langid"])
    if built_from != py3langid.__version__:
        pytest.skip(f"model built from py3langid {built_from}, {py3langid.__version__} installed")
    full = LanguageIdentifier.from_model_file(MODEL_FILE)
    full.set_languages(list(LANGUAGES))
    trimmed = load_model(MODEL)
    texts = [text for language in ("en", "fr", "es", "de") for text in own_texts(language)]
    texts += ["", "ok", "😂", "Привет, как дела?", "東京の天気", "x" * 3000]
    assert trimmed.nb_classes == full.nb_classes
    for text in texts:
        assert trimmed.rank(text) == full.rank(text)
