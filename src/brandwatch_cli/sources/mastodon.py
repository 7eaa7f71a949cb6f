"""The ``mastodon`` source: public hashtag timelines of one Mastodon instance.

``url`` is the instance (default ``https://mastodon.social``). The hashtags are the keywords'
terms as tags (``Café Lumière`` -> ``CaféLumière``, see ``query.hashtags``), or the option
``tags: [acme, AcmeSupport]``, read once whatever the keywords. Per tag,
``GET {url}/api/v1/timelines/tag/<tag>?limit=40`` (anonymous; with ``BRANDWATCH_MASTODON_TOKEN``
set, sent as ``Authorization: Bearer <token>`` for instances that require a login), with
``since_id=<newest id seen for the tag>`` after the first scan, paging back with
``max_id=<oldest id of the page>`` until a page is short, empty or ``max_pages`` (default 3)
pages are read. Mastodon ids are snowflake strings: they are compared as integers. The cursor
(``ctx.cursors["#<tag in lower case>"]``) is the newest id seen; ``since_id`` is an hour of ids
before it (``query.OVERLAP``), for statuses that federate late.

Statuses give ``id``, ``url`` (else ``uri``), ``content`` (HTML, the text), ``spoiler_text``
(the content warning, as the title), ``created_at``, ``language``, ``account.acct`` (the author,
else ``account.display_name``), and engagement ``favourites_count``, ``reblogs_count``,
``replies_count`` (comments), ``quotes_count`` (quotes) and ``account.followers_count``
(followers). A boost (``reblog``
set; hashtag timelines normally leave them out) stands for the boosted status: its id, text,
author and counts, so it deduplicates with the original.

It does NOT search full text (Mastodon only searches hashtags without a login and an indexed
instance), read other instances, follow threads, or read polls and media descriptions: a status
with neither text nor content warning is dropped. When more than ``max_pages`` pages are new
since the last scan, the oldest of them are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import quote

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import Item, Keyword, SourceConfig, engagement
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.options import OptionError, int_option
from brandwatch_cli.sources.query import OVERLAP, hashtags, keeping
from brandwatch_cli.text import clean_text, html_to_text, language_tag, web_link
from brandwatch_cli.times import parse_iso

DEFAULT_URL = "https://mastodon.social"
TOKEN_VAR = "BRANDWATCH_MASTODON_TOKEN"  # noqa: S105 - a variable name
DEFAULT_MAX_PAGES = 3
PAGE_SIZE = 40  # the most Mastodon returns per page
_TAG_RE = re.compile(r"^\w+$")


class MastodonSource:
    """Statuses carrying the keywords' hashtags (or the listed ``tags``) on one instance."""

    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {"tags": list, "max_pages": int}
    NEEDS_URL: ClassVar[bool] = False

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config
        self.keywords = tuple(keywords)
        self.base = (config.url or DEFAULT_URL).rstrip("/")

    @staticmethod
    def check_options(config: SourceConfig) -> None:
        """The listed ``tags`` and ``max_pages``; OptionError otherwise."""
        _listed_tags(config)
        _max_pages(config)

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        tags = self._tags()
        max_pages = _max_pages(self.config)
        token = (ctx.env.get(TOKEN_VAR) or "").strip()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        found: dict[str, Item] = {}
        with keeping(found):
            for tag in tags:
                await self._read_tag(ctx, tag, headers, max_pages, found)
        return list(found.values())

    def _tags(self) -> list[str]:
        """The hashtags to read, without ``#``, each once (Mastodon tags ignore case)."""
        candidates = _listed_tags(self.config)
        if candidates is None:
            candidates = [tag for keyword in self.keywords for tag in hashtags(keyword)]
        tags: dict[str, str] = {}
        for tag in candidates:
            tags.setdefault(tag.casefold(), tag)
        return list(tags.values())

    async def _read_tag(
        self,
        ctx: FetchContext,
        tag: str,
        headers: Mapping[str, str],
        max_pages: int,
        found: dict[str, Item],
    ) -> None:
        """Read one tag's timeline, newest first, back to the stored cursor."""
        key = "#" + tag.casefold()
        cursor = _snowflake(ctx.cursors.get(key))
        newest = cursor or 0
        since = max(0, cursor - _OVERLAP_IDS) if cursor else None
        url = f"{self.base}/api/v1/timelines/tag/{quote(tag, safe='')}"
        max_id: int | None = None
        for _ in range(max_pages):
            params: dict[str, str | int] = {"limit": PAGE_SIZE}
            if since:
                params["since_id"] = str(since)
            if max_id is not None:
                params["max_id"] = str(max_id)
            response = await ctx.fetcher.get(url, params=params, headers=headers)
            statuses = _statuses(response.json())
            ids: list[int] = []
            for status in statuses:
                status_id = _snowflake(status.get("id"))
                if status_id is None or (since and status_id <= since):
                    continue
                ids.append(status_id)
                item = _item(status)
                if item is not None:
                    found.setdefault(item.entry_id, item)
            if ids:
                newest = max(newest, *ids)
            if not ids or len(statuses) < PAGE_SIZE:
                break
            max_id = min(ids)
        if newest:
            ctx.cursors[key] = str(newest)


def _listed_tags(config: SourceConfig) -> list[str] | None:
    """The ``tags`` option without ``#``; None when unset (the keywords give the tags)."""
    listed = config.options.get("tags")
    if listed is None:
        return None
    candidates = [str(t).strip().lstrip("#") for t in listed]
    bad = [t for t in candidates if not _TAG_RE.match(t)]
    if bad or not candidates:
        shown = ", ".join(repr(t) for t in bad) or "none given"
        raise OptionError(f"option 'tags': not hashtags (letters, digits, _): {shown}", "tags")
    return candidates


def _max_pages(config: SourceConfig) -> int:
    return int_option(config, "max_pages", DEFAULT_MAX_PAGES, 1)


def _statuses(answer: Any) -> list[dict[str, Any]]:
    """The statuses of a timeline page; SourceError for an error or an unexpected shape."""
    if isinstance(answer, dict) and "error" in answer:
        said = clean_text(str(answer.get("error_description") or answer["error"]))[:200]
        raise SourceError(f"Mastodon answered with an error: {said}")
    if not isinstance(answer, list):
        raise SourceError("unexpected answer from Mastodon: not a list of statuses")
    return [status for status in answer if isinstance(status, dict)]


#: Mastodon ids are snowflakes, milliseconds since the epoch shifted left by 16 bits, and a
#: status from another instance gets the id of its own ``created_at`` when it arrives: one
#: that federates late sorts below the cursor. Each scan asks again for ``OVERLAP`` of ids
#: before it (what comes twice is deduplicated).
_OVERLAP_IDS = int(OVERLAP.total_seconds() * 1000) << 16


def _snowflake(value: Any) -> int | None:
    """A Mastodon id as an integer (ids are decimal strings too long for some JSON readers)."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    return int(text) if text.isdigit() and text.isascii() else None


def _item(status: Mapping[str, Any]) -> Item | None:
    """A status as an Item: a boost stands for the status it boosts."""
    boosted = status.get("reblog")
    original = boosted if isinstance(boosted, dict) else status
    status_id = _snowflake(original.get("id"))
    title = _plain(original.get("spoiler_text"))
    text = html_to_text(original.get("content")) if isinstance(original.get("content"), str) else ""
    if status_id is None or not (title or text):
        return None
    account = original.get("account")
    account = account if isinstance(account, dict) else {}
    author = _plain(account.get("acct")) or _plain(account.get("display_name"))
    counts = engagement(
        favourites=original.get("favourites_count"),
        reblogs=original.get("reblogs_count"),
        comments=original.get("replies_count"),
        quotes=original.get("quotes_count"),  # Mastodon 4.5+
        followers=account.get("followers_count"),
    )
    return Item(
        entry_id=str(status_id),
        url=web_link(original.get("url")) or web_link(original.get("uri")),
        title=title,
        text=text,
        author=author or None,
        published_at=parse_iso(original.get("created_at")),
        language=language_tag(original.get("language")),
        engagement=counts,
    )


def _plain(value: Any) -> str:
    return clean_text(value) if isinstance(value, str) else ""
