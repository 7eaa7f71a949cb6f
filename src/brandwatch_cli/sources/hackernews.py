"""The ``hackernews`` source: Hacker News stories and comments, through Algolia's HN Search API.

Endpoint: ``GET {base}/search_by_date`` (default base ``https://hn.algolia.com/api/v1``; the
source's ``url`` replaces it), keyless, newest first, with ``query``, ``tags`` (default
``(story,comment)``), ``numericFilters=created_at_i>T`` and ``hitsPerPage=100``. Fields used per
hit: ``objectID``, ``title`` / ``story_title``, ``comment_text`` / ``story_text`` (HTML),
``author``, ``created_at_i`` (``created_at`` as a fallback), ``points``, ``num_comments``.

The query language has exact phrases (HN's index runs Algolia's advanced syntax) but no OR: the
words of a query are all required. So each term of a keyword is a request of its own, sent as a
quoted phrase (which also turns off typo tolerance: bare ``apple`` matches "applauded").

Paging is by time, not by page number (Algolia stops at 1,000 hits): after a full page the next
request asks for ``created_at_i<=`` the oldest hit seen (``<=``, not ``<``, so hits sharing that
second are not lost; repeats are dropped), still above the lower bound, until a page comes back
short or brings nothing new, or ``max_pages`` pages were read for the term.

Every item links to its HN discussion, ``https://news.ycombinator.com/item?id=<objectID>``,
stories too: a brand monitor wants the conversation and its points and comments, and a story's
external URL is usually a news article that a feed source may carry too, so the HN mention would
be dropped as that article's duplicate (dedupe keys on the canonical URL). A comment's title is
its story's title, for context: a comment in a thread whose title names a brand matches it.

Not done: the external URL is not kept, linked pages are not read, comment trees (``/items``)
are not walked, and no language is set (HN does not give one).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item, Keyword, SourceConfig, engagement
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.options import OptionError, int_option
from brandwatch_cli.sources.query import keeping, quoted, search_terms, since_cursor
from brandwatch_cli.text import clean_text, html_to_text
from brandwatch_cli.times import from_timestamp, parse_iso

API = "https://hn.algolia.com/api/v1"
ITEM_URL = "https://news.ycombinator.com/item?id="
PAGE_SIZE = 100
DEFAULT_MAX_PAGES = 5
DEFAULT_TAGS = ("story", "comment")
#: How far back the first fetch of a keyword looks.
FIRST_WINDOW = timedelta(days=1)
_TAG_RE = re.compile(r"^[A-Za-z0-9_]+$")


class HackerNewsSource:
    """Stories and comments on Hacker News that mention the keywords."""

    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {"tags": list, "max_pages": int}
    NEEDS_URL: ClassVar[bool] = False

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config
        self.keywords = keywords

    @staticmethod
    def check_options(config: SourceConfig) -> None:
        """``tags`` and ``max_pages``; OptionError otherwise."""
        _tags(config)
        _max_pages(config)

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        tags = _tags(self.config)
        max_pages = _max_pages(self.config)
        url = (self.config.url or API).rstrip("/") + "/search_by_date"
        found: dict[str, Item] = {}
        with keeping(found):
            for keyword in self.keywords:
                since = since_cursor(ctx.cursors.get(keyword.name), ctx.now, FIRST_WINDOW)
                lower = int(since.timestamp())
                newest = ""
                for term in search_terms(keyword):
                    search = _TermSearch(url, quoted(term), tags, lower)
                    for hit in await search.run(ctx, max_pages):
                        item = item_from_hit(hit)
                        if item is None:
                            continue
                        found.setdefault(item.entry_id, item)
                        if item.published_at:
                            newest = max(newest, item.published_at.isoformat())
                if newest > ctx.cursors.get(keyword.name, ""):  # ISO UTC strings sort by time
                    ctx.cursors[keyword.name] = newest
        return list(found.values())


def _tags(config: SourceConfig) -> str:
    """The ``tags`` parameter: ``(story,comment)`` by default."""
    tags = tuple(config.options.get("tags", DEFAULT_TAGS))
    bad = [t for t in tags if not _TAG_RE.match(t)]
    if not tags or bad:
        raise OptionError(
            f"'tags' of source {config.name!r} must be HN Search tags such as story,"
            f" comment, show_hn, ask_hn, poll (got {', '.join(map(repr, bad)) or 'none'})",
            "tags",
        )
    return "(" + ",".join(tags) + ")"


def _max_pages(config: SourceConfig) -> int:
    return int_option(config, "max_pages", DEFAULT_MAX_PAGES, 1)


class _TermSearch:
    """One phrase, paged backwards in time from now down to ``lower`` (a Unix time)."""

    def __init__(self, url: str, phrase: str, tags: str, lower: int) -> None:
        self.url = url
        self.phrase = phrase
        self.tags = tags
        self.lower = lower

    async def run(self, ctx: FetchContext, max_pages: int) -> list[dict[str, Any]]:
        hits: dict[str, dict[str, Any]] = {}
        upper: int | None = None
        for _ in range(max_pages):
            page = await self._page(ctx, upper)
            fresh = 0
            for hit in page:
                key = _object_id(hit)
                if key and key not in hits:
                    hits[key] = hit
                    fresh += 1
            times = [t for t in map(_created_at_i, page) if t is not None]
            if len(page) < PAGE_SIZE or not fresh or not times:
                break
            upper = min(times)
        return list(hits.values())

    async def _page(self, ctx: FetchContext, upper: int | None) -> list[dict[str, Any]]:
        filters = f"created_at_i>{self.lower}"
        if upper is not None:
            filters += f",created_at_i<={upper}"
        params: dict[str, str | int] = {
            "query": self.phrase,
            "tags": self.tags,
            "numericFilters": filters,
            "hitsPerPage": PAGE_SIZE,
        }
        body = (await ctx.fetcher.get(self.url, params=params)).json()
        hits = body.get("hits") if isinstance(body, dict) else None
        if not isinstance(hits, list):
            raise SourceError("unexpected response from HN Search: no 'hits' list")
        return [hit for hit in hits if isinstance(hit, dict)]


def item_from_hit(hit: Mapping[str, Any]) -> Item | None:
    """An Item for one search hit; None when it has no id or names nothing."""
    object_id = _object_id(hit)
    title = clean_text(_string(hit.get("title")) or _string(hit.get("story_title")))
    text = html_to_text(_string(hit.get("comment_text")) or _string(hit.get("story_text")))
    if not object_id or not (title or text):
        return None
    counts = engagement(points=hit.get("points"), comments=hit.get("num_comments"))
    return Item(
        entry_id=object_id,
        url=ITEM_URL + object_id,
        title=title,
        text=text,
        author=clean_text(_string(hit.get("author"))) or None,
        published_at=_published(hit),
        engagement=counts,
    )


def _object_id(hit: Mapping[str, Any]) -> str:
    value = hit.get("objectID")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return clean_text(value) if isinstance(value, str) and value.isdigit() else ""


def _created_at_i(hit: Mapping[str, Any]) -> int | None:
    value = hit.get("created_at_i")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _published(hit: Mapping[str, Any]) -> datetime | None:
    """``created_at_i`` (epoch seconds), or ``created_at`` (ISO) only when that is absent."""
    seconds = _created_at_i(hit)
    return from_timestamp(seconds) if seconds is not None else parse_iso(hit.get("created_at"))


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""
