"""The ``app_store`` source: a brand's own app reviews, from Apple's public customer-reviews feed.

``GET {base}/{country}/rss/customerreviews/page={N}/id={app_id}/sortby=mostrecent/json`` with
base ``https://itunes.apple.com`` (``url:`` overrides it). No key. Apple serves up to 50 reviews
a page and at most 10 pages, newest first.

The document is ``{"feed": {"entry": [...], "link": [...], ...}}`` where every value is wrapped,
``{"label": ...}``. Fields read from an entry: ``id``, ``title``, ``content`` (HTML when its
``attributes.type`` says so), ``author.name``, ``updated`` (ISO date with an offset),
``im:rating`` (``"1"``..``"5"``, kept as engagement ``rating``) and ``im:voteCount`` (``votes``).
``entry`` is a single object when a page holds one review and absent on an empty page; on some
storefronts the first entry describes the app itself (it has no ``im:rating``) and is skipped.
From the feed: the ``link`` with ``rel="last"``, whose ``page=N`` says where paging ends.

Not per keyword: reviews rarely name the brand, so the config's ``about:`` attributes them to a
keyword. Incremental: the cursor (key ``<country>/<app_id>``) is the newest review date seen;
paging stops at an empty or last page, at ``max_pages``, or once a page reaches reviews older
than the cursor minus ``query.OVERLAP``. Page 1 is fetched conditionally: when it has not
changed, there is nothing new (``Unchanged``).

It does NOT: link each review (Apple gives every entry the same app-level link, and mentions
are unique by URL, so items carry no URL), guess a review's language (the feed does not say;
the storefront is not a language), read ``im:version``, ``im:voteSum`` or developer responses,
or use the App Store Connect API.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from brandwatch_cli.dedupe import content_id
from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item, Keyword, SourceConfig, engagement
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.options import OptionError, int_option
from brandwatch_cli.sources.query import OVERLAP, cursor_time
from brandwatch_cli.sources.response import Unchanged
from brandwatch_cli.text import clean_text, html_to_text
from brandwatch_cli.times import parse_iso

DEFAULT_BASE_URL = "https://itunes.apple.com"
DEFAULT_COUNTRY = "us"
DEFAULT_MAX_PAGES = 3
#: Apple serves no page past the tenth.
MAX_PAGES_LIMIT = 10
_PAGES_WHY = "Apple serves at most 10 pages of reviews"

_SORTED_JSON = "/sortby=mostrecent/json"
_PAGE_RE = re.compile(r"/page=(\d+)/")


class AppStoreSource:
    """The newest App Store reviews of one app in one storefront."""

    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {
        "app_id": (int, str),
        "country": str,
        "max_pages": int,
    }
    NEEDS_URL: ClassVar[bool] = False

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config

    @staticmethod
    def check_options(config: SourceConfig) -> None:
        """``app_id`` (required), ``country`` and ``max_pages``; OptionError otherwise."""
        _app_id(config)
        _country(config)
        _max_pages(config)

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        app_id, country = _app_id(self.config), _country(self.config)
        max_pages = _max_pages(self.config)
        base = (self.config.url or DEFAULT_BASE_URL).rstrip("/")
        key = f"{country}/{app_id}"
        older_than = cursor_time(ctx.cursors.get(key))
        stop_before = older_than - OVERLAP if older_than else None
        items: list[Item] = []
        newest: datetime | None = None
        for page in range(1, max_pages + 1):
            url = f"{base}/{country}/rss/customerreviews/page={page}/id={app_id}{_SORTED_JSON}"
            response = await ctx.fetcher.get(url, conditional=page == 1)
            if response.unchanged:
                raise Unchanged
            feed = _feed(response.json())
            reviews = [_item(entry) for entry in _entries(feed) if "im:rating" in entry]
            if not reviews:
                break
            dates = [r.published_at for r in reviews if r.published_at is not None]
            if dates and (newest is None or max(dates) > newest):
                newest = max(dates)
            items.extend(r for r in reviews if r.title or r.text)
            last = _last_page(feed)
            if (stop_before and any(d < stop_before for d in dates)) or (last and page >= last):
                break
        if newest is not None and (older_than is None or newest > older_than):
            ctx.cursors[key] = min(newest, ctx.now).isoformat()
        return items


def _app_id(config: SourceConfig) -> str:
    value = config.options.get("app_id")
    if value is None:
        raise OptionError(
            f"source {config.name!r} needs 'app_id': the number after 'id' in the app's App Store"
            " link (https://apps.apple.com/us/app/.../id284882215 -> app_id: 284882215)"
        )
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise OptionError(
            f"'app_id' of source {config.name!r} must be the app's numeric App Store id"
            f" (digits only, e.g. 284882215), not {value!r}",
            "app_id",
        )
    return text


def _country(config: SourceConfig) -> str:
    value = config.options.get("country", DEFAULT_COUNTRY)
    if not (len(value) == 2 and value.isascii() and value.isalpha()):
        raise OptionError(
            f"'country' of source {config.name!r} must be a two-letter storefront code"
            f" such as 'us' or 'gb', not {value!r}",
            "country",
        )
    return str(value).lower()


def _max_pages(config: SourceConfig) -> int:
    return int_option(config, "max_pages", DEFAULT_MAX_PAGES, 1, MAX_PAGES_LIMIT, why=_PAGES_WHY)


def _feed(document: Any) -> dict[str, Any]:
    feed = document.get("feed") if isinstance(document, dict) else None
    if not isinstance(feed, dict):
        raise SourceError("unexpected answer from the App Store: no 'feed' object")
    return feed


def _entries(feed: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries of a page: a list, one object for a single review, or none at all."""
    entry = feed.get("entry")
    if isinstance(entry, dict):
        return [entry]
    if isinstance(entry, list):
        return [e for e in entry if isinstance(e, dict)]
    return []


def _last_page(feed: dict[str, Any]) -> int | None:
    links = feed.get("link")
    for link in links if isinstance(links, list) else [links]:
        attributes = link.get("attributes") if isinstance(link, dict) else None
        if isinstance(attributes, dict) and attributes.get("rel") == "last":
            found = _PAGE_RE.search(str(attributes.get("href") or ""))
            return int(found.group(1)) if found and int(found.group(1)) > 0 else None
    return None


def _label(value: Any) -> str | None:
    """The text of a ``{"label": ...}`` wrapper."""
    label = value.get("label") if isinstance(value, dict) else None
    return label if isinstance(label, str) and label.strip() else None


def _content(value: Any) -> str:
    """A review's body; the plain-text version when both a text and an HTML one are given."""
    candidates = [v for v in (value if isinstance(value, list) else [value]) if _label(v)]
    if not candidates:
        return ""
    kinds = [str((c.get("attributes") or {}).get("type") or "text").lower() for c in candidates]
    index = kinds.index("text") if "text" in kinds else 0
    label = _label(candidates[index])
    return html_to_text(label) if "html" in kinds[index] else clean_text(label)


def _count(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _item(entry: dict[str, Any]) -> Item:
    title = clean_text(_label(entry.get("title")))
    text = _content(entry.get("content"))
    published = parse_iso(_label(entry.get("updated")))
    author = entry.get("author")
    name = clean_text(_label(author.get("name"))) if isinstance(author, dict) else ""
    rating = _count(_label(entry.get("im:rating")))
    counts = engagement(
        rating=rating if rating is not None and 1 <= rating <= 5 else None,
        votes=_count(_label(entry.get("im:voteCount"))),
    )
    review_id = clean_text(_label(entry.get("id")))
    return Item(
        entry_id=review_id or content_id(title, text, published),
        url=None,
        title=title,
        text=text,
        author=name or None,
        published_at=published,
        language=None,
        engagement=counts,
    )
