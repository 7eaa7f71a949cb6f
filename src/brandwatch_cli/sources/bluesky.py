"""The ``bluesky`` source: posts found by Bluesky's search, ``app.bsky.feed.searchPosts``.

Since 2025 the search needs a session, made with an app password (Bluesky Settings ->
Privacy and security -> App passwords) read from ``BRANDWATCH_BLUESKY_HANDLE`` and
``BRANDWATCH_BLUESKY_APP_PASSWORD``. The base URL is the entryway PDS ``https://bsky.social/xrpc``
(``url:`` overrides it; a bare host gets ``/xrpc`` appended), which proxies ``app.bsky.*`` to
the AppView. Per fetch:

- ``POST {base}/com.atproto.server.createSession`` with ``{"identifier", "password"}``, once;
  its ``accessJwt`` is sent as ``Authorization: Bearer`` on every search.
- ``GET {base}/app.bsky.feed.searchPosts?q=&limit=100&sort=latest&since=[&lang=][&cursor=]``
  per keyword term, following ``cursor`` for up to ``max_pages`` pages. ``since`` is the
  keyword's cursor (the newest post seen, as the ``sortAt`` time the search filters on) minus
  ``query.OVERLAP``, or a week back the first time.

Fields read from each ``postView``: ``uri`` (the entry id; its last segment is the rkey of the
``https://bsky.app/profile/<handle>/post/<rkey>`` link), ``author.handle``/``did``,
``record.text``/``createdAt``/``langs``, ``indexedAt`` and the reply, repost, like and quote
counts. ``hitsTotal`` is ignored.

Bluesky's search matches posts containing *all* words of ``q`` and has no ``OR`` (atproto issue
#3751), so each term of a keyword is its own search, as a quoted phrase. It does NOT: refresh
or keep sessions between scans (createSession is limited per account to 30 per 5 minutes, and
to 100 a day at the bsky.social entryway, bsky-docs issue #183: scan at most every ~15 minutes),
read embeds, images, quoted posts or threads, or use the ``top`` ranking.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from brandwatch_cli.errors import HttpStatusError, SourceError
from brandwatch_cli.models import Item, Keyword, SourceConfig, engagement
from brandwatch_cli.sources import query
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.options import OptionError, int_option
from brandwatch_cli.text import clean_text, language_tag, web_link
from brandwatch_cli.times import parse_iso

DEFAULT_BASE_URL = "https://bsky.social/xrpc"
HANDLE_ENV = "BRANDWATCH_BLUESKY_HANDLE"
PASSWORD_ENV = "BRANDWATCH_BLUESKY_APP_PASSWORD"  # noqa: S105 - a variable name, no secret
WHERE_TO_CREATE = "create one in Bluesky Settings -> Privacy and security -> App passwords"
PAGE_SIZE = 100
DEFAULT_MAX_PAGES = 3
MAX_PAGES_LIMIT = 50
#: How far back the first fetch for a keyword looks.
FIRST_WINDOW = timedelta(days=7)

#: postView count -> our engagement name.
_ENGAGEMENT = {
    "replyCount": "comments",
    "repostCount": "reblogs",
    "likeCount": "favourites",
    "quoteCount": "quotes",
}
_RKEY_RE = re.compile(r"^[A-Za-z0-9._~:-]{1,512}$")
_HANDLE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z0-9-]+$")
_DID_RE = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]+$")


class BlueskySource:
    """Bluesky posts naming the configured keywords."""

    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {"lang": str, "max_pages": int}
    NEEDS_URL: ClassVar[bool] = False

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config
        self.keywords = tuple(keywords)

    @staticmethod
    def check_options(config: SourceConfig) -> None:
        """``max_pages`` and ``lang``; OptionError otherwise. Not the credentials: they come
        from the environment, which may differ between ``check`` and the scan."""
        _max_pages(config)
        _lang(config)

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        handle, password = _credentials(ctx.env)
        max_pages = _max_pages(self.config)
        lang = _lang(self.config)
        if not self.keywords:
            return []
        base = _base_url(self.config.url)
        token = await _session(ctx, base, handle, password)
        headers = {"Authorization": f"Bearer {token}"}
        found: dict[str, Item] = {}
        with query.keeping(found):
            for keyword in self.keywords:
                since = query.since_cursor(ctx.cursors.get(keyword.name), ctx.now, FIRST_WINDOW)
                newest: datetime | None = None
                for term in query.search_terms(keyword):
                    params: dict[str, str | int] = {
                        "q": query.quoted(term),
                        "limit": PAGE_SIZE,
                        "sort": "latest",
                        "since": _iso_z(since),
                    }
                    if lang:
                        params["lang"] = lang
                    for post in await _search(ctx, base, headers, params, max_pages):
                        item = _item(post)
                        if item is None:
                            continue
                        if item.title or item.text:  # not an image alone
                            found.setdefault(item.entry_id, item)
                        sort_at = _sort_at(post)
                        if sort_at and (newest is None or sort_at > newest):
                            newest = sort_at
                if newest is not None:  # never past now: a post dated ahead hides what follows
                    query.advance_cursor(ctx.cursors, keyword.name, [min(newest, ctx.now)])
        return list(found.values())


def _max_pages(config: SourceConfig) -> int:
    return int_option(config, "max_pages", DEFAULT_MAX_PAGES, 1, MAX_PAGES_LIMIT)


def _lang(config: SourceConfig) -> str | None:
    value = config.options.get("lang")
    if value is None:
        return None
    tag = language_tag(value)
    if tag is None:
        raise OptionError(
            f"'lang' of source {config.name!r} must be a language code such as 'en', not {value!r}",
            "lang",
        )
    return tag


def _credentials(env: Mapping[str, str]) -> tuple[str, str]:
    """The handle and app password; SourceError naming both variables when one is missing."""
    handle = (env.get(HANDLE_ENV) or "").strip().lstrip("@")
    password = (env.get(PASSWORD_ENV) or "").strip()
    if not handle or not password:
        raise SourceError(
            f"Bluesky search needs an account: set {HANDLE_ENV} (e.g. alice.bsky.social) and"
            f" {PASSWORD_ENV} (an app password: {WHERE_TO_CREATE})"
        )
    return handle, password


def _base_url(url: str | None) -> str:
    base = (url or DEFAULT_BASE_URL).rstrip("/")
    return base if urlsplit(base).path.strip("/") else f"{base}/xrpc"


async def _session(ctx: FetchContext, base: str, handle: str, password: str) -> str:
    """A fresh access token; SourceError saying the credentials were refused on 400/401."""
    try:
        response = await ctx.fetcher.request(
            "POST",
            f"{base}/com.atproto.server.createSession",
            json_body={"identifier": handle, "password": password},
        )
    except HttpStatusError as exc:
        if exc.status in (400, 401):
            raise SourceError(
                f"Bluesky refused the credentials for {handle!r} ({exc}): check {HANDLE_ENV}"
                f" and {PASSWORD_ENV} ({WHERE_TO_CREATE})"
            ) from None
        raise
    body = response.json()
    token = body.get("accessJwt") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise SourceError("unexpected answer from Bluesky createSession: no 'accessJwt'")
    return token


async def _search(
    ctx: FetchContext,
    base: str,
    headers: Mapping[str, str],
    params: dict[str, str | int],
    max_pages: int,
) -> list[Any]:
    """Every post of up to ``max_pages`` pages of one search."""
    posts: list[Any] = []
    for _ in range(max_pages):
        response = await ctx.fetcher.get(
            f"{base}/app.bsky.feed.searchPosts", params=params, headers=headers
        )
        body = response.json()
        page = body.get("posts") if isinstance(body, dict) else None
        if not isinstance(page, list):
            if isinstance(body, dict) and isinstance(body.get("error"), str):
                message = clean_text(str(body.get("message") or ""))
                raise SourceError(f"Bluesky search failed: {body['error']} {message}".strip())
            raise SourceError("unexpected answer from Bluesky search: no 'posts' list")
        posts.extend(page)
        cursor = body.get("cursor")
        if not page or not isinstance(cursor, str) or not cursor:
            break
        params = {**params, "cursor": cursor}
    return posts


def _iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _sort_at(post: Any) -> datetime | None:
    """When the search files a post (``sortAt``): the earlier of createdAt and indexedAt."""
    if not isinstance(post, dict):
        return None
    record = post.get("record")
    created = parse_iso(record.get("createdAt")) if isinstance(record, dict) else None
    indexed = parse_iso(post.get("indexedAt"))
    dates = [d for d in (created, indexed) if d is not None]
    return min(dates) if dates else None


def _item(post: Any) -> Item | None:
    if not isinstance(post, dict):
        return None
    uri = _str(post.get("uri"))
    if uri is None or not uri.startswith("at://"):
        return None
    record = _mapping(post.get("record"))
    author = _mapping(post.get("author"))
    handle = _str(author.get("handle"))
    if handle is not None and (handle == "handle.invalid" or not _HANDLE_RE.match(handle)):
        handle = None
    langs = record.get("langs")
    counts = engagement(**{name: post.get(field) for field, name in _ENGAGEMENT.items()})
    return Item(
        entry_id=uri,
        url=_post_link(uri, handle),
        title="",
        text=clean_text(_str(record.get("text"))),
        author=handle
        or clean_text(_str(author.get("displayName")))
        or _str(author.get("did"))
        or None,
        published_at=parse_iso(record.get("createdAt")) or parse_iso(post.get("indexedAt")),
        language=language_tag(langs[0]) if isinstance(langs, list) and langs else None,
        engagement=counts,
    )


def _post_link(uri: str, handle: str | None) -> str | None:
    """``https://bsky.app/profile/<handle or did>/post/<rkey>`` for an ``at://`` post URI."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post" or not _RKEY_RE.match(parts[2]):
        return None
    profile = handle or (parts[0] if _DID_RE.match(parts[0]) else None)
    if profile is None:
        return None
    return web_link(f"https://bsky.app/profile/{profile}/post/{parts[2]}")
