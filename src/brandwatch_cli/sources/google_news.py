"""The ``google_news`` source: Google News search results, as RSS, one search per keyword.

Endpoint (no key, no documented API: the RSS the Google News web app offers for a search)::

    GET https://news.google.com/rss/search?q=<query>&hl=<hl>&gl=<gl>&ceid=<gl>:<language>

``q`` is the keyword's terms as quoted phrases joined by ``OR``, plus one date operator: on a
first run ``when:<N>d`` when the ``when`` option is set (nothing otherwise); once the keyword
has a cursor, ``after:<YYYY-MM-DD>`` instead, a day before the cursor minus the overlap, since
Google reads that date in a time zone it does not state and may leave the day itself out.
Neither operator is documented for this endpoint: ``when:`` is what the web app itself puts in
the query, ``after:`` the Google web search operator that client libraries send here for date
ranges (were it ignored, the search would merely be wider: dedupe absorbs the repeats).
``after:`` replaces ``when:`` rather than joining it, so a source that missed scans catches up
on everything since its last success.

Fields used, per ``<item>``: ``guid`` (a stable article id: the entry id), ``link`` (a
news.google.com redirect to the article), ``pubDate``, ``title`` (the headline, then
`` - <publisher>``) and ``description`` (HTML: a link whose text is the headline, then the
publisher in a ``<font>``). The headline becomes the title and the publisher the author; the
description is dropped when it only repeats them. The channel's ``language`` gives the
language, else the locale's.

Options: ``locale`` (``en-US`` by default: ``fr-FR`` asks the French edition) and ``when``
(days as a number, or ``"12h"``/``"7d"``). ``url`` replaces ``https://news.google.com``.

Does NOT: resolve the news.google.com redirects to the publishers' URLs (one more request per
article and an undocumented decoding); page (a search returns at most about 100 items and has
no next page); read the ``<source url="...">`` element (``parse_feed`` does not expose it, and
feedparser stays the feed source's import: the title's suffix, confirmed by the description
when they agree, names the same publisher); or report engagement (the service gives none).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar

from brandwatch_cli.models import Item, Keyword, SourceConfig
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.feed import parse_feed
from brandwatch_cli.sources.options import OptionError
from brandwatch_cli.sources.query import advance_cursor, keeping, keyword_query, since_cursor
from brandwatch_cli.sources.response import Unchanged

BASE_URL = "https://news.google.com"
SEARCH_PATH = "/rss/search"
DEFAULT_LOCALE = "en-US"
#: How far back Google News searches at all; the window used when a cursor is unreadable.
INDEX_DEPTH = timedelta(days=30)

_LOCALE_RE = re.compile(r"^([A-Za-z]{2,3})[-_]([A-Za-z]{2})$")
_WHEN_RE = re.compile(r"^(\d+)\s*([hd])$")
#: Languages whose Google News editions name the region in ``hl`` (en-GB, pt-BR, zh-TW...).
_REGIONAL_HL = frozenset({"en", "pt", "zh"})
_SEPARATOR = " - "


@dataclass(frozen=True)
class Edition:
    """The ``hl``/``gl``/``ceid`` parameters of one Google News edition."""

    hl: str
    gl: str
    ceid: str
    language: str

    @property
    def params(self) -> dict[str, str]:
        return {"hl": self.hl, "gl": self.gl, "ceid": self.ceid}


def edition(locale: str) -> Edition:
    """``fr-FR`` -> ``hl=fr&gl=FR&ceid=FR:fr``; ``en-US`` -> ``hl=en-US&gl=US&ceid=US:en``."""
    match = _LOCALE_RE.match(locale.strip())
    if not match:
        raise OptionError(
            f"option 'locale' must be a language and a country such as 'en-US' or 'fr-FR',"
            f" not {locale!r}",
            "locale",
        )
    language, country = match[1].lower(), match[2].upper()
    hl = f"{language}-{country}" if language in _REGIONAL_HL else language
    return Edition(hl, country, f"{country}:{language}", language)


def when_operator(value: object) -> str | None:
    """The ``when:`` operator for the ``when`` option: ``7`` -> ``when:7d``; None if unset."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return f"when:{value}d"
    match = _WHEN_RE.match(value.strip().lower()) if isinstance(value, str) else None
    if match and int(match[1]) > 0:
        return f"when:{int(match[1])}{match[2]}"
    raise OptionError(
        f"option 'when' must be a number of days or like '12h'/'7d', not {value!r}", "when"
    )


def search_query(terms: str, cursor: str | None, now: datetime, when: str | None) -> str:
    """``"Acme" OR "Acme Corp" when:7d``, or ``... after:2026-11-15`` once there is a cursor."""
    if cursor:
        since = since_cursor(cursor, now, INDEX_DEPTH)
        return f"{terms} after:{(since - timedelta(days=1)).date().isoformat()}"
    return f"{terms} {when}" if when else terms


class GoogleNewsSource:
    """Google News search RSS, one request per keyword."""

    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {
        "locale": str,
        "when": (int, str),
    }
    NEEDS_URL: ClassVar[bool] = False

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config
        self.keywords = tuple(keywords)

    @staticmethod
    def check_options(config: SourceConfig) -> None:
        """``locale`` and ``when``; OptionError otherwise."""
        _search_options(config)

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        news, when = _search_options(self.config)
        url = (self.config.url or BASE_URL).rstrip("/") + SEARCH_PATH
        items: dict[str, Item] = {}
        asked = changed = False
        with keeping(items):
            for keyword in self.keywords:
                terms = keyword_query(keyword)
                if not terms:
                    continue
                asked = True
                query = search_query(terms, ctx.cursors.get(keyword.name), ctx.now, when)
                response = await ctx.fetcher.get(
                    url, params={"q": query, **news.params}, conditional=True
                )
                if response.unchanged:
                    continue
                changed = True
                parsed = await ctx.run(parse_feed, response.content, response.headers, response.url)
                found = [tidy_item(item, news.language) for item in parsed]
                # Never past now: a wrong date would push every later search past what exists.
                dates = (min(i.published_at, ctx.now) for i in found if i.published_at)
                advance_cursor(ctx.cursors, keyword.name, dates)
                for item in found:
                    items.setdefault(item.entry_id, item)  # one story found by two keywords
        if asked and not changed:
            raise Unchanged
        return list(items.values())


def _search_options(config: SourceConfig) -> tuple[Edition, str | None]:
    """The edition the ``locale`` option names and the ``when:`` operator, if any."""
    options: Mapping[str, Any] = config.options
    return edition(options.get("locale", DEFAULT_LOCALE)), when_operator(options.get("when"))


def tidy_item(item: Item, language: str) -> Item:
    """A Google News entry as a mention: headline, publisher as author, no echoed text."""
    headline, publisher = split_publisher(item.title, item.text)
    return replace(
        item,
        title=headline,
        text=_without_echo(item.text, item.title, headline, publisher),
        author=publisher or item.author,
        language=item.language or language,
    )


def split_publisher(title: str, text: str) -> tuple[str, str | None]:
    """``Acme wins - The Times`` -> (``Acme wins``, ``The Times``).

    Where the title holds several `` - ``, the split the description confirms (it reads
    ``<headline> <publisher>``) wins, so ``Anvils - a history - AP - Europe`` splits right;
    without confirmation the last `` - `` separates the publisher.
    """
    parts = title.split(_SEPARATOR)
    splits = [
        (_SEPARATOR.join(parts[:i]).strip(), _SEPARATOR.join(parts[i:]).strip())
        for i in range(1, len(parts))
    ]
    splits = [(headline, publisher) for headline, publisher in splits if headline and publisher]
    for headline, publisher in splits:
        echo = f"{headline} {publisher}"
        if text == echo or text.startswith(echo + " "):
            return headline, publisher
    return splits[-1] if splits else (title, None)


def _without_echo(text: str, title: str, headline: str, publisher: str | None) -> str:
    """The description minus what only repeats the title and publisher (often all of it)."""
    if text in (title, headline):
        return ""
    if publisher:
        echo = f"{headline} {publisher}"
        if text == echo:
            return ""
        if text.startswith(echo + " "):  # older clusters: the story, then related stories
            return text[len(echo) + 1 :]
    return text
