"""Where mentions come from: one small interface, one registry.

A source type is a class with a constructor taking its validated config and the keywords it
should search for, and one coroutine, ``fetch``, returning the items it found. Adding a type is
one module here plus one line in ``SOURCE_TYPES``. Sources only fetch and parse: matching,
dedupe, scoring and storage happen downstream, the same way for every type.

A source signals "nothing new" by raising ``response.Unchanged``, a failure by raising
``SourceError`` (``RateLimited`` when the service asked us to slow down). A type whose options
can be wrong beyond their Python type also has ``check_options`` (see ``options``), which the
config loader calls so that a bad value is a config error, not a failed fetch.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, ClassVar, Protocol

from brandwatch_cli.models import Item, Keyword, SourceConfig
from brandwatch_cli.sources.context import FetchContext


class Source(Protocol):
    """One configured place to listen.

    Optional hook: a static method ``check_options(config: SourceConfig) -> None`` raising
    SourceError (better ``options.OptionError``, which names the option) for an option value
    that is wrong whatever the network and the environment say; ``fetch`` runs the same
    functions before any request. The module's ``check_options`` calls it, and treats a type
    without one as having nothing to check.

    Optional hook: ``async open_batches(ctx) -> files.FileBatches | None``, for a type that
    can read a big local file a batch of items at a time (the scan then stores each batch
    before reading the next, ``scan.streamed``); None when it reads no local file.
    """

    #: Extra config keys this type accepts, with the Python type(s) each value must have.
    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]]
    #: Whether the config entry must give a ``url`` (query-based types have a default).
    NEEDS_URL: ClassVar[bool]

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None: ...

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        """Return what the source holds now; raise SourceError when it cannot be read."""
        ...


#: ``type:`` name -> "module:Class", imported only when a config uses the type.
SOURCE_TYPES: dict[str, str] = {
    "feed": "brandwatch_cli.sources.feed:FeedSource",
    "google_news": "brandwatch_cli.sources.google_news:GoogleNewsSource",
    "hackernews": "brandwatch_cli.sources.hackernews:HackerNewsSource",
    "reddit": "brandwatch_cli.sources.reddit:RedditSource",
    "mastodon": "brandwatch_cli.sources.mastodon:MastodonSource",
    "bluesky": "brandwatch_cli.sources.bluesky:BlueskySource",
    "gdelt": "brandwatch_cli.sources.gdelt:GdeltSource",
    "app_store": "brandwatch_cli.sources.app_store:AppStoreSource",
    "csv": "brandwatch_cli.sources.csv_file:CsvSource",
}


@cache
def source_class(type_name: str) -> type[Source]:
    """The class registered for ``type_name`` (KeyError if there is none); looked up once
    per type, not twice per configured source."""
    module_name, _, class_name = SOURCE_TYPES[type_name].partition(":")
    cls: Any = getattr(importlib.import_module(module_name), class_name)
    return cls  # type: ignore[no-any-return]


def check_options(config: SourceConfig) -> None:
    """Run the ``check_options`` hook of ``config.type``, if the type has one."""
    hook = getattr(source_class(config.type), "check_options", None)
    if hook is not None:
        hook(config)


def build_source(config: SourceConfig, keywords: Sequence[Keyword]) -> Source:
    """Instantiate the source type named by ``config.type``."""
    return source_class(config.type)(config, keywords)
