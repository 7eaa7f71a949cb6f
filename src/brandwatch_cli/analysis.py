"""What a mention says: its language, the keywords that still hold once the language is known,
and its sentiment in that language. Pure functions: scans, ``rescore`` and ``sentiment`` share
them, and they run in worker processes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from brandwatch_cli import sentiment
from brandwatch_cli.language import detect_language
from brandwatch_cli.models import Item, Keyword, KeywordMatch, Sentiment
from brandwatch_cli.sentiment import Lexicon

#: Sentiment and language read the title and this much of the text: enough to judge,
#: bounded in cost.
ANALYZED_TEXT_CHARS = 10_000


@dataclass(frozen=True)
class Analysis:
    language: str | None
    matches: tuple[KeywordMatch, ...]
    sentiment: Sentiment


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


def analyze_mention(
    item: Item,
    matches: Sequence[KeywordMatch],
    keywords: Mapping[str, Keyword],
    global_lexicon: Lexicon = (),
) -> Analysis | None:
    """Language, surviving keyword matches and sentiment; None when no keyword survives its
    ``languages`` restriction."""
    text = mention_text(item.title, item.text)
    language = detect_language(text, hint=item.language)
    kept = kept_matches(matches, keywords, language)
    if not kept:
        return None
    lexicon = combined_lexicon(global_lexicon, list(keywords.values()), [m.keyword for m in kept])
    return Analysis(language, kept, sentiment.analyze(text, language, lexicon))


def analyze_all(
    batch: Sequence[tuple[Item, Sequence[KeywordMatch]]],
    keywords: tuple[Keyword, ...],
    global_lexicon: Lexicon,
) -> list[Analysis | None]:
    """``analyze_mention`` over a batch (one trip to a worker process)."""
    by_name = {k.name: k for k in keywords}
    return [analyze_mention(item, matches, by_name, global_lexicon) for item, matches in batch]


def kept_matches(
    matches: Sequence[KeywordMatch], keywords: Mapping[str, Keyword], language: str | None
) -> tuple[KeywordMatch, ...]:
    """The matches whose keyword allows ``language`` (its ``languages``, if any)."""
    return tuple(m for m in matches if _allowed(keywords.get(m.keyword), language))


def _allowed(keyword: Keyword | None, language: str | None) -> bool:
    return keyword is None or not keyword.languages or language in keyword.languages
