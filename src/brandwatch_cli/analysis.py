"""What a mention says: its language, the keywords that still hold once the language is known,
and its sentiment in that language, per keyword and as a whole. Pure functions: scans,
``rescore`` and ``sentiment`` share them, and they run in worker processes.

Sentiment is the mention's, not the article's: it is read from the passages that name each
keyword (``matching.passages``); a passage that says nothing falls back on its neighbour, and
the passages that carry sentiment are averaged. The mention's own score averages all its
keywords' passages. A review's rating, when its source has one, decides the labels.

Each aspect the mention talks about (``matching.aspects``) gets the sentiment of its own
clauses, read with the aspect's lexicon over the mention's ("long" says something of a wait).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from brandwatch_cli import sentiment
from brandwatch_cli.language import detect_language
from brandwatch_cli.matching.aspects import aspect_passages, finder
from brandwatch_cli.matching.passages import Passage, passages
from brandwatch_cli.models import Aspect, Item, Keyword, KeywordMatch, Sentiment, SourceConfig
from brandwatch_cli.sentiment import Lexicon

if TYPE_CHECKING:
    from brandwatch_cli.sentiment.learned import LearnedModel

#: Per language, the model learned from the database's corrections (``sentiment.learned``).
Models = Mapping[str, "LearnedModel"]

#: Scores of texts read with a lexicon, within one mention.
Scores = dict[tuple[str, Lexicon], float]

#: Sentiment and language read the title and this much of the text: enough to judge,
#: bounded in cost.
ANALYZED_TEXT_CHARS = 10_000


#: Source types whose items carry a rating: ``app_store`` stars (1..5), a ``csv`` column (on
#: the scale its ``rating_scale`` option says, default 5).
RATED_SOURCES = ("app_store", "csv")


@dataclass(frozen=True)
class Analysis:
    language: str | None
    matches: tuple[KeywordMatch, ...]
    sentiment: Sentiment
    #: Per keyword name, what the mention says of it.
    keywords: Mapping[str, Sentiment] = field(default_factory=dict)
    #: Why the mention could not be scored (it is then stored neutral, for ``rescore``).
    error: str | None = None
    #: Per aspect it talks about, the sentiment of what it says of it.
    aspects: Mapping[str, float] = field(default_factory=dict)


def mention_text(title: str, text: str) -> str:
    """What language detection and sentiment read: the title, then the start of the text."""
    return "\n".join(part for part in (title, text[:ANALYZED_TEXT_CHARS]) if part)


def combined_lexicon(
    global_lexicon: Lexicon, keywords: Sequence[Keyword], names: Sequence[str]
) -> Lexicon:
    """The global overrides, then those of each keyword the mention names (which win)."""
    merged = dict(global_lexicon)
    for keyword in keywords:
        if keyword.name in names:
            merged.update(keyword.lexicon)
    return tuple(sorted(merged.items()))


def rating_scale(source: SourceConfig | None) -> float | None:
    """The scale of the ratings a source's items carry; None when they carry none."""
    if source is None or source.type not in RATED_SOURCES:
        return None
    return float(source.options.get("rating_scale", 5))


def analyze_mention(
    item: Item,
    matches: Sequence[KeywordMatch],
    keywords: Mapping[str, Keyword],
    global_lexicon: Lexicon = (),
    rating_scale: float | None = None,
    aspects: tuple[Aspect, ...] = (),
    models: Models | None = None,
) -> Analysis | None:
    """Language, surviving keyword matches and sentiment, the aspects' too; None when no
    keyword survives its ``languages`` restriction."""
    text = mention_text(item.title, item.text)
    language = detect_language(text, hint=item.language)
    kept = kept_matches(matches, keywords, language)
    if not kept:
        return None
    lexicon = combined_lexicon(global_lexicon, list(keywords.values()), [m.keyword for m in kept])
    return score_mention(item, kept, language, lexicon, rating_scale, aspects, models)


def score_mention(
    item: Item,
    matches: Sequence[KeywordMatch],
    language: str | None,
    lexicon: Lexicon = (),
    rating_scale: float | None = None,
    aspects: tuple[Aspect, ...] = (),
    models: Models | None = None,
) -> Analysis:
    """The sentiment of a mention in ``language``, its own, per keyword of ``matches`` and
    per aspect; the language's learned model (in ``models``) adjusts the first two; a rating
    on ``rating_scale`` in its engagement decides the labels (not the aspects': a review's
    stars say how it went overall)."""
    scores: Scores = {}  # the passages' scores, kept for the aspects' clauses
    own, per_keyword = scoped_sentiment(item.title, item.text, matches, language, lexicon, scores)
    model = models.get(language) if models and language else None
    if model is not None:
        from brandwatch_cli.sentiment.learned import adjusted

        text = mention_text(item.title, item.text)
        own = adjusted(model, text, own)
        per_keyword = {name: adjusted(model, text, s) for name, s in per_keyword.items()}
    said = aspect_sentiment(item.title, item.text, matches, language, lexicon, aspects, scores)
    rating = item.engagement.get("rating")
    stars = sentiment.stars(rating, rating_scale) if rating_scale else None
    if stars is not None:
        own = sentiment.rated(own, stars)
        per_keyword = {name: sentiment.rated(s, stars) for name, s in per_keyword.items()}
    return Analysis(language, tuple(matches), own, per_keyword, aspects=said)


def aspect_sentiment(
    title: str,
    text: str,
    matches: Sequence[KeywordMatch],
    language: str | None,
    lexicon: Lexicon = (),
    aspects: tuple[Aspect, ...] = (),
    scores: Scores | None = None,
) -> dict[str, float]:
    """Per aspect the mention talks about, the sentiment of its clauses about it (see
    ``matching.aspects``), averaged as a keyword's passages are. None in a language we do not
    score: its aspects' words are French and English. A clause ``scores`` holds (the
    mention's passages') is not read again when none of the aspect's words can change it."""
    if not aspects or sentiment.method_for(language) == sentiment.UNSUPPORTED:
        return {}
    found = finder(aspects)
    known = {} if scores is None else scores
    result = {}
    for aspect, pieces in aspect_passages(title, text, matches, found).items():
        extra = found.lexicons.get(aspect, ())
        own = _with(lexicon, extra)

        def score(piece: str, own: Lexicon = own, extra: Lexicon = extra) -> float:
            if (piece, lexicon) in known and sentiment.unaffected(piece, language, extra):
                return known[piece, lexicon]
            if (piece, own) not in known:
                known[piece, own] = sentiment.analyze(piece, language, own).score
            return known[piece, own]

        result[aspect] = _combined(pieces, score)
    return result


def _with(lexicon: Lexicon, extra: Lexicon) -> Lexicon:
    """``lexicon`` with an aspect's words over it."""
    if not extra:
        return lexicon
    return tuple(sorted({**dict(lexicon), **dict(extra)}.items()))


def scoped_sentiment(
    title: str,
    text: str,
    matches: Sequence[KeywordMatch],
    language: str | None,
    lexicon: Lexicon = (),
    scores: Scores | None = None,
) -> tuple[Sentiment, dict[str, Sentiment]]:
    """The mention's sentiment and each keyword's, read where the text names them (see the
    module doc). Languages read only for their emoji get the whole mention's signs. The
    passages' scores are left in ``scores``."""
    whole = mention_text(title, text)
    if sentiment.method_for(language) == sentiment.UNSUPPORTED:
        result = sentiment.analyze(whole, language, lexicon)
        return result, {m.keyword: result for m in matches}
    known = {} if scores is None else scores

    def score(piece: str) -> float:
        if (piece, lexicon) not in known:
            known[piece, lexicon] = sentiment.analyze(piece, language, lexicon).score
        return known[piece, lexicon]

    found = passages(title, text, matches)
    per_keyword = {
        name: _combined(pieces or (Passage(whole),), score) for name, pieces in found.items()
    }
    everything = list(dict.fromkeys(p for pieces in found.values() for p in pieces))
    if any(not pieces for pieces in found.values()):
        everything = [Passage(whole)]
    method = sentiment.method_for(language)
    own = _combined(everything, score)
    return (
        Sentiment(own, sentiment.label(own), method),
        {name: Sentiment(v, sentiment.label(v), method) for name, v in per_keyword.items()},
    )


def _combined(pieces: Sequence[Passage], score: Callable[[str], float]) -> float:
    """The average of the passages that carry sentiment (a passage that carries none is read
    with its fallback); 0 when none does."""
    values = []
    for piece in pieces:
        value = score(piece.text)
        if piece.fallback and sentiment.label(value) == "neutral":
            value = score(piece.fallback)
        values.append(value)
    carrying = [v for v in values if sentiment.label(v) != "neutral"] or values
    return round(sum(carrying) / len(carrying), 4) if carrying else 0.0


def unscored(item: Item, matches: Sequence[KeywordMatch], error: BaseException) -> Analysis:
    """A mention whose analysis failed: kept, neutral, with why (``rescore`` retries it)."""
    blank = Sentiment(0.0, "neutral", sentiment.UNSCORED)
    reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return Analysis(
        item.language, tuple(matches), blank, {m.keyword: blank for m in matches}, reason
    )


def analyze_all(
    batch: Sequence[tuple[Item, Sequence[KeywordMatch]]],
    keywords: tuple[Keyword, ...],
    global_lexicon: Lexicon,
    rating_scale: float | None = None,
    aspects: tuple[Aspect, ...] = (),
    models: Models | None = None,
) -> list[Analysis | None]:
    """``analyze_mention`` over a batch (one trip to a worker process). A mention whose
    analysis raises is returned ``unscored``: one bad text never costs the batch."""
    by_name = {k.name: k for k in keywords}
    results: list[Analysis | None] = []
    for item, matches in batch:
        try:
            results.append(
                analyze_mention(
                    item, matches, by_name, global_lexicon, rating_scale, aspects, models
                )
            )
        except Exception as exc:  # any bug in scoring one text, contained
            results.append(unscored(item, matches, exc))
    return results


def kept_matches(
    matches: Sequence[KeywordMatch], keywords: Mapping[str, Keyword], language: str | None
) -> tuple[KeywordMatch, ...]:
    """The matches whose keyword allows ``language`` (its ``languages``, if any)."""
    return tuple(m for m in matches if _allowed(keywords.get(m.keyword), language))


def _allowed(keyword: Keyword | None, language: str | None) -> bool:
    return keyword is None or not keyword.languages or language in keyword.languages
