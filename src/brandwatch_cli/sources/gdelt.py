"""The ``gdelt`` source: news articles found by the GDELT DOC 2.0 API (keyless, worldwide, strong
on the French press).

Endpoint: ``GET https://api.gdeltproject.org/api/v2/doc/doc`` (the source's ``url`` replaces it)
with ``query``, ``mode=artlist``, ``format=json``, ``maxrecords=250``, ``sort=datedesc`` and
either ``timespan=1d`` (a keyword's first fetch) or ``startdatetime`` and ``enddatetime``
(``YYYYMMDDHHMMSS``, UTC: the keyword's cursor minus the overlap, and now). Fields used per
article: ``url``, ``title``, ``seendate`` (``20261123T041500Z``, when GDELT saw it: the only date
it gives), ``domain`` (as the author), ``language`` (an English name such as ``French``, mapped to
ISO 639-1). An empty result may be ``{}``.

One request per keyword: its terms ORed inside parentheses, as GDELT requires; multi-word terms
and terms with punctuation become quoted phrases, single words stay bare (GDELT rejects short
quoted words). Options ``language`` (a GDELT language name or an ISO 639-1 code) and ``country``
(a GDELT country name or FIPS code, e.g. ``france``, ``FR``) append ``sourcelang:`` and
``sourcecountry:``. GDELT refuses a query (a term too short or too common) and throttles with a
plain-text body, usually under HTTP 200: the first becomes a SourceError quoting GDELT, the
second RateLimited, as a 429 does. An invalid JSON escape in a title (GDELT writes ``\\'``)
reads as the bare character rather than failing the source.

GDELT asks for at most one request every 5 seconds: requests to its host are spaced by
``min_interval`` seconds across all the gdelt sources of a scan. The source's timeout bounds
its time on the network; these pauses come on top (six keywords take 25 s at GDELT's pace).

Not done: no article text or snippet (GDELT gives titles only), no paging (at most the 250 newest
articles per keyword and fetch: a busier keyword loses the older ones), no tone, images, themes.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from brandwatch_cli.dedupe import content_id
from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import Item, Keyword, SourceConfig
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.decoding import load_json
from brandwatch_cli.sources.options import OptionError
from brandwatch_cli.sources.query import keeping, quoted, search_terms, since_cursor
from brandwatch_cli.sources.response import Response
from brandwatch_cli.text import clean_text, html_to_text, web_link

if TYPE_CHECKING:  # the network code: imported by the scan, not by config loading
    from brandwatch_cli.sources.http import Fetcher, HttpClient

API = "https://api.gdeltproject.org/api/v2/doc/doc"
MAX_RECORDS = 250
DEFAULT_MIN_INTERVAL = 5.0
#: A pause longer than this between requests is no pacing GDELT asks for.
MAX_INTERVAL = 60.0
#: How far back the first fetch of a keyword looks (GDELT's ``timespan``).
FIRST_WINDOW = timedelta(days=1)
_FIRST_TIMESPAN = "1d"
_DATETIME = "%Y%m%d%H%M%S"

#: GDELT's language names (lower-cased) -> ISO 639-1.
LANGUAGES = {
    "arabic": "ar",
    "catalan": "ca",
    "chinese": "zh",
    "czech": "cs",
    "danish": "da",
    "dutch": "nl",
    "english": "en",
    "finnish": "fi",
    "french": "fr",
    "german": "de",
    "greek": "el",
    "hebrew": "he",
    "hungarian": "hu",
    "italian": "it",
    "japanese": "ja",
    "korean": "ko",
    "norwegian": "no",
    "polish": "pl",
    "portuguese": "pt",
    "romanian": "ro",
    "russian": "ru",
    "spanish": "es",
    "swedish": "sv",
    "turkish": "tr",
    "ukrainian": "uk",
}
_LANGUAGE_NAMES = {code: name for name, code in LANGUAGES.items()}
_BARE_TERM_RE = re.compile(r"^\w+$")
_ESCAPE_RE = re.compile(rb"\\(.?)", re.DOTALL)
_RATE_LIMIT_HINT = "limit requests"

#: When each host was last asked, per scan (one HttpClient per scan): shared by gdelt sources.
_LAST_REQUEST: WeakKeyDictionary[HttpClient, dict[str, float]] = WeakKeyDictionary()


class GdeltSource:
    """News articles, worldwide, whose text names a keyword (titles only)."""

    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {
        "language": str,
        "country": str,
        "min_interval": (int, float),
    }
    NEEDS_URL: ClassVar[bool] = False

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config
        self.keywords = keywords

    @staticmethod
    def check_options(config: SourceConfig) -> None:
        """``language``, ``country`` and ``min_interval``; OptionError otherwise."""
        _filters(config)
        _min_interval(config)

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        filters = _filters(self.config)
        interval = _min_interval(self.config)
        url = self.config.url or API
        found: dict[str, Item] = {}
        with keeping(found):
            for keyword in self.keywords:
                terms = gdelt_query(keyword)
                if not terms:
                    continue
                search = f"{terms} {filters}".strip()
                params: dict[str, str | int] = {
                    "query": search,
                    "mode": "artlist",
                    "format": "json",
                    "maxrecords": MAX_RECORDS,
                    "sort": "datedesc",
                }
                cursor = ctx.cursors.get(keyword.name)
                if cursor:
                    since = since_cursor(cursor, ctx.now, FIRST_WINDOW).astimezone(UTC)
                    params["startdatetime"] = since.strftime(_DATETIME)
                    params["enddatetime"] = ctx.now.astimezone(UTC).strftime(_DATETIME)
                else:
                    params["timespan"] = _FIRST_TIMESPAN
                await _wait_turn(ctx.fetcher, url, interval)
                items = parse_articles(await ctx.fetcher.get(url, params=params), search)
                for item in items:
                    found.setdefault(item.entry_id, item)
                newest = max(
                    (i.published_at.isoformat() for i in items if i.published_at), default=""
                )
                if newest > ctx.cursors.get(keyword.name, ""):  # ISO UTC strings sort by time
                    ctx.cursors[keyword.name] = newest
        return list(found.values())


def _filters(config: SourceConfig) -> str:
    """``sourcelang:`` and ``sourcecountry:`` for the ``language`` and ``country`` options."""
    options = config.options
    parts = []
    language = options.get("language", "").strip().lower()
    if language:
        name = _LANGUAGE_NAMES.get(language, language)
        if len(name) == 2 or not name.isalpha():
            raise OptionError(
                f"'language' of source {config.name!r}: unknown language {language!r}"
                " (use an ISO 639-1 code such as fr, or GDELT's name such as french)",
                "language",
            )
        parts.append(f"sourcelang:{name}")
    country = "".join(options.get("country", "").split()).lower()
    if country:
        if not country.isalpha():
            raise OptionError(
                f"'country' of source {config.name!r} must be a country name or FIPS"
                f" code such as france or FR (got {options['country']!r})",
                "country",
            )
        parts.append(f"sourcecountry:{country}")
    return " ".join(parts)


def _min_interval(config: SourceConfig) -> float:
    interval = float(config.options.get("min_interval", DEFAULT_MIN_INTERVAL))
    if not math.isfinite(interval) or not 0 <= interval <= MAX_INTERVAL:
        raise OptionError(
            f"'min_interval' of source {config.name!r} must be from 0 to {MAX_INTERVAL:g} seconds",
            "min_interval",
        )
    return interval


def gdelt_query(keyword: Keyword) -> str:
    """``("Globex Corporation" OR Globex)``: the keyword's terms in GDELT's syntax."""
    terms = [t if _BARE_TERM_RE.match(t) else quoted(t) for t in search_terms(keyword)]
    return f"({' OR '.join(terms)})" if len(terms) > 1 else "".join(terms)


def parse_articles(response: Response, query: str) -> list[Item]:
    """The articles of one artlist response; SourceError/RateLimited for GDELT's text errors."""
    body = response.content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body.startswith((b"{", b"[")):
        message = html_to_text(body[:2000].decode("utf-8", "replace"))[:300]
        if _RATE_LIMIT_HINT in message.lower():
            raise RateLimited(f"rate limited by GDELT: {message}")
        raise SourceError(f"GDELT refused the query {query!r}: {message or 'empty response'}")
    data = _json(response)
    articles = data.get("articles", []) if isinstance(data, dict) else None
    if not isinstance(articles, list):
        raise SourceError("unexpected response from GDELT: no 'articles' list")
    items = (item_from_article(a) for a in articles if isinstance(a, dict))
    return [item for item in items if item is not None]


def item_from_article(article: Mapping[str, Any]) -> Item | None:
    """An Item for one article; None when it has no title."""
    title = html_to_text(_string(article.get("title")))
    if not title:
        return None
    url = web_link(article.get("url"))
    published = _seen(article.get("seendate"))
    return Item(
        entry_id=url or content_id(title, "", published),
        url=url,
        title=title,
        text="",
        author=clean_text(_string(article.get("domain"))) or None,
        published_at=published,
        language=LANGUAGES.get(clean_text(_string(article.get("language"))).lower()),
    )


def _json(response: Response) -> Any:
    """The body as JSON; an invalid escape GDELT leaves in a title (``\\'``) reads as the bare
    character instead of failing the whole response."""
    try:
        return response.json()
    except SourceError:
        repaired = _ESCAPE_RE.sub(_escape, response.content)
        try:
            return load_json(repaired)
        except ValueError:
            pass
        raise


def _escape(match: re.Match[bytes]) -> bytes:
    follower = match.group(1)
    return match.group(0) if follower and follower in b'"\\/bfnrtu' else follower


async def _wait_turn(fetcher: Fetcher, url: str, interval: float) -> None:
    """Sleep until ``interval`` seconds have passed since the scan last asked this host."""
    if interval <= 0:
        return
    host = urlsplit(url).netloc.lower()
    last = _LAST_REQUEST.setdefault(fetcher.http, {})
    now = time.monotonic()
    start = max(now, last.get(host, -math.inf) + interval)
    last[host] = start
    # Six keywords at GDELT's pace take 25 s: the source's timeout bounds the network, not
    # the pause GDELT asks for between requests.
    fetcher.grant(start - now)
    await asyncio.sleep(start - now)


def _seen(value: object) -> datetime | None:
    try:
        return datetime.strptime(_string(value).strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""
