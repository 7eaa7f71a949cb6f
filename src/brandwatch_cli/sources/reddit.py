"""The ``reddit`` source: posts (and optionally comments) from Reddit's JSON listings.

``{base}`` is the config's ``url`` (default ``https://www.reddit.com``). Per keyword,
``GET {base}/search.json?q=<query>&sort=new&limit=100&type=link`` with the keyword's terms as
quoted phrases joined by OR; with ``subreddit: france`` (or ``france+paris``) the same search in
``/r/france/search.json`` plus ``restrict_sr=1``, or with ``mode: new`` one
``GET {base}/r/france/new.json?limit=100`` (our matching filters). ``comments: true`` (needs a
subreddit) also reads ``GET {base}/r/france/comments.json?limit=100``.

Answers are Listings, ``{"kind": "Listing", "data": {"after", "children"}}``. Posts (``t3``):
``name``/``id``, ``title``, ``selftext``, ``author``, ``created_utc``, ``permalink``, ``score``,
``num_comments``. Comments (``t1``): ``name``/``id``, ``body``, ``link_title`` (as the title:
the thread it answers), ``author``, ``created_utc``, ``score``, ``permalink`` (rebuilt from
``subreddit``/``link_id``/``id`` when absent, as in older answers). The item URL is the
conversation: ``https://www.reddit.com`` + permalink. Pages follow ``after`` up to
``max_pages`` (default 3) and stop at a page reaching an item older than the lower bound (the
newest ``created_utc`` seen per keyword, or per listing path, minus the overlap; 7 days back at
first), or when a response says ``X-Ratelimit-Remaining`` < 1 (the rest waits for next scan).

With ``BRANDWATCH_REDDIT_CLIENT_ID`` and ``BRANDWATCH_REDDIT_CLIENT_SECRET`` both set, it POSTs
``grant_type=client_credentials`` (HTTP basic auth) to ``{base}/api/v1/access_token``, then reads
the same paths without ``.json`` from ``https://oauth.reddit.com`` (option ``oauth_url``) with
``Authorization: bearer <token>``.

It does NOT log in as a user, read a post's comment tree, search comments (Reddit search finds
posts only), filter NSFW posts, or report a language (Reddit gives none).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import Item, Keyword, SourceConfig, engagement
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.options import OptionError, int_option
from brandwatch_cli.sources.query import cursor_time, keeping, keyword_query, since_cursor
from brandwatch_cli.text import clean_text, html_to_text, web_link
from brandwatch_cli.times import from_timestamp

DEFAULT_URL = "https://www.reddit.com"
DEFAULT_OAUTH_URL = "https://oauth.reddit.com"
#: Where a post or comment lives for people, whatever base URL the API was read from.
WEB_URL = "https://www.reddit.com"
CLIENT_ID_VAR = "BRANDWATCH_REDDIT_CLIENT_ID"
CLIENT_SECRET_VAR = "BRANDWATCH_REDDIT_CLIENT_SECRET"  # noqa: S105 - a variable name
DEFAULT_WINDOW = timedelta(days=7)
DEFAULT_MAX_PAGES = 3
PAGE_SIZE = 100
_SUBREDDIT_RE = re.compile(r"^\w+(\+\w+)*$", re.ASCII)
_GONE = frozenset({"[deleted]", "[removed]"})


@dataclass(frozen=True)
class _Listing:
    """One listing to read: its cursor key, its path (no ``.json``) and query parameters."""

    key: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)


class RedditSource:
    """Reddit search per keyword, or a subreddit's newest posts and comments."""

    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {
        "subreddit": str,
        "mode": str,
        "comments": bool,
        "max_pages": int,
        "oauth_url": str,
    }
    NEEDS_URL: ClassVar[bool] = False

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None:
        self.config = config
        self.keywords = tuple(keywords)
        self.base = (config.url or DEFAULT_URL).rstrip("/")

    @staticmethod
    def check_options(config: SourceConfig) -> None:
        """``mode`` with the ``subreddit`` it needs, and ``max_pages``; OptionError otherwise."""
        _scope(config)
        _max_pages(config)

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        listings = self._listings()
        max_pages = _max_pages(self.config)
        api = await self._api(ctx)
        found: dict[str, Item] = {}
        with keeping(found):
            for listing in listings:
                if not await self._read(ctx, api, listing, max_pages, found):
                    break  # rate limit exhausted: keep what we have, the rest waits
        return list(found.values())

    def _listings(self) -> list[_Listing]:
        mode, subreddit = _scope(self.config)
        listings: list[_Listing] = []
        if mode == "new":
            listings.append(_Listing(f"/r/{subreddit}/new", f"/r/{subreddit}/new"))
        else:
            path = f"/r/{subreddit}/search" if subreddit else "/search"
            scope = {"restrict_sr": "1"} if subreddit else {}
            for keyword in self.keywords:
                query = keyword_query(keyword)
                if query:
                    params = {"q": query, **scope, "sort": "new", "type": "link"}
                    listings.append(_Listing(keyword.name, path, params))
        if self.config.options.get("comments"):
            listings.append(_Listing(f"/r/{subreddit}/comments", f"/r/{subreddit}/comments"))
        return listings

    async def _api(self, ctx: FetchContext) -> tuple[str, str, dict[str, str]]:
        """Base URL, path suffix and headers: anonymous ``.json``, or OAuth with credentials."""
        client_id = (ctx.env.get(CLIENT_ID_VAR) or "").strip()
        secret = (ctx.env.get(CLIENT_SECRET_VAR) or "").strip()
        if not client_id and not secret:
            return self.base, ".json", {}
        if not client_id or not secret:
            missing = CLIENT_SECRET_VAR if client_id else CLIENT_ID_VAR
            raise SourceError(
                f"Reddit OAuth needs both {CLIENT_ID_VAR} and {CLIENT_SECRET_VAR}"
                f" ({missing} is not set)"
            )
        hint = f"check {CLIENT_ID_VAR} and {CLIENT_SECRET_VAR}"
        try:
            response = await ctx.fetcher.request(
                "POST",
                f"{self.base}/api/v1/access_token",
                form={"grant_type": "client_credentials"},
                auth=(client_id, secret),
            )
        except RateLimited:
            raise
        except SourceError as exc:
            raise SourceError(f"Reddit access token request failed ({exc}): {hint}") from None
        answer = response.json()
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            error = answer.get("error") if isinstance(answer, dict) else None
            detail = f" ({clean_text(str(error))})" if error else ""
            raise SourceError(f"Reddit gave no access token{detail}: {hint}")
        base = str(self.config.options.get("oauth_url") or DEFAULT_OAUTH_URL).rstrip("/")
        return base, "", {"Authorization": f"bearer {token}"}

    async def _read(
        self,
        ctx: FetchContext,
        api: tuple[str, str, dict[str, str]],
        listing: _Listing,
        max_pages: int,
        found: dict[str, Item],
    ) -> bool:
        """Page through one listing into ``found``; False when the rate limit ran out."""
        newest = cursor_time(ctx.cursors.get(listing.key))
        since = since_cursor(ctx.cursors.get(listing.key), ctx.now, DEFAULT_WINDOW)
        base, suffix, headers = api
        after: str | None = None
        more_allowed = True
        for _ in range(max_pages):
            params: dict[str, str | int] = {**listing.params, "limit": PAGE_SIZE}
            if after:
                params["after"] = after
            url = base + listing.path + suffix
            response = await ctx.fetcher.get(url, params=params, headers=headers)
            children, after = _children(response.json())
            reached_bound = False
            for child in children:
                item = _item(child)
                if item is None:
                    continue
                if item.published_at is not None:
                    if item.published_at < since:
                        reached_bound = True
                        continue
                    newest = max(newest or item.published_at, item.published_at)
                found.setdefault(item.entry_id, item)
            more_allowed = not _limit_exhausted(response.headers)
            if reached_bound or not after or not more_allowed:
                break
        if newest is not None:
            ctx.cursors[listing.key] = newest.isoformat()
        return more_allowed


def _scope(config: SourceConfig) -> tuple[str, str]:
    """The ``mode`` and the subreddit as a path segment ("" when unset); OptionError when
    either is wrong or the mode (or ``comments``) needs a subreddit that is not given."""
    options = config.options
    subreddit = _subreddit(options.get("subreddit"))
    mode = options.get("mode", "search")
    if mode not in ("search", "new"):
        raise OptionError(f"option 'mode' must be 'search' or 'new', not {mode!r}", "mode")
    if (mode == "new" or options.get("comments")) and not subreddit:
        key, needs = ("mode", "'mode: new'") if mode == "new" else ("comments", "'comments: true'")
        raise OptionError(f"option {needs} needs a 'subreddit'", key)
    return mode, subreddit


def _max_pages(config: SourceConfig) -> int:
    return int_option(config, "max_pages", DEFAULT_MAX_PAGES, 1)


def _subreddit(value: Any) -> str:
    """The subreddit option as a path segment (``r/france`` -> ``france``); "" when unset."""
    if value is None:
        return ""
    name = str(value).strip().strip("/")
    name = name[2:] if name.lower().startswith("r/") else name
    if not _SUBREDDIT_RE.match(name):
        raise OptionError(
            f"option 'subreddit': {value!r} is not a name like 'france+paris'", "subreddit"
        )
    return name


def _limit_exhausted(headers: Mapping[str, str]) -> bool:
    try:
        return float(headers.get("x-ratelimit-remaining") or "inf") < 1
    except ValueError:
        return False


def _children(answer: Any) -> tuple[list[Any], str | None]:
    """The children and the ``after`` token of a Listing; SourceError for anything else."""
    if not isinstance(answer, dict) or answer.get("kind") != "Listing":
        if isinstance(answer, dict) and ("error" in answer or "message" in answer):
            said = clean_text(str(answer.get("message") or answer.get("error")))[:200]
            raise SourceError(f"Reddit answered with an error: {said}")
        raise SourceError("unexpected answer from Reddit: not a Listing")
    data = answer.get("data")
    children = data.get("children") if isinstance(data, dict) else None
    if not isinstance(children, list) or not isinstance(data, dict):
        raise SourceError("unexpected answer from Reddit: a Listing without children")
    after = data.get("after")
    return children, after if isinstance(after, str) and after else None


def _item(child: Any) -> Item | None:
    """A post (``t3``) or comment (``t1``) as an Item; None for other kinds or empty ones."""
    if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
        return None
    kind, data = child.get("kind"), child["data"]
    if kind not in ("t3", "t1"):
        return None
    short_id = _text(data.get("id"))
    entry_id = _text(data.get("name")) or (f"{kind}_{short_id}" if short_id else "")
    if not entry_id:
        return None
    if kind == "t3":
        title, text = _body(data.get("title")), _body(data.get("selftext"))
        counts = engagement(score=data.get("score"), comments=data.get("num_comments"))
        url = _conversation(data.get("permalink"))
    else:
        title, text = _body(data.get("link_title")), _body(data.get("body"))
        if not text:
            return None  # a deleted comment: the thread title alone mentions nothing new
        counts = engagement(score=data.get("score"))
        url = _conversation(data.get("permalink")) or _comment_link(data, short_id)
    if not title and not text:
        return None
    author = _text(data.get("author"))
    published = from_timestamp(data.get("created_utc"))
    shown = author if author not in _GONE else ""
    return Item(entry_id, url, title, text, shown or None, published, None, counts)


def _text(value: Any) -> str:
    return clean_text(value) if isinstance(value, str) else ""


def _body(value: Any) -> str:
    """Title or body text: Reddit escapes ``&<>`` as entities unless asked for raw JSON."""
    text = html_to_text(value) if isinstance(value, str) else ""
    return "" if text in _GONE else text


def _conversation(permalink: Any) -> str | None:
    if not isinstance(permalink, str) or not permalink.strip():
        return None
    path = permalink.strip().split("?")[0].split("#")[0]
    return web_link(path if "://" in path else WEB_URL + "/" + path.lstrip("/"))


def _comment_link(data: Mapping[str, Any], short_id: str) -> str | None:
    """A comment's permalink from its parts, for answers that do not carry one."""
    subreddit, link_id = _text(data.get("subreddit")), _text(data.get("link_id"))
    if not (subreddit and link_id.startswith("t3_") and short_id):
        return None
    return web_link(f"{WEB_URL}/r/{subreddit}/comments/{link_id[3:]}/_/{short_id}/")
