"""Where mentions come from: one small interface, one registry.

A source type is a class with a constructor taking its validated config and the keywords, and
one coroutine, ``fetch``, returning the items it found. Adding a type is one module here plus
one line in ``SOURCE_TYPES``. Sources only fetch and parse: matching, dedupe, scoring and
storage happen downstream, the same way for every type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Protocol

from brandwatch_cli.fetching import FetchContext
from brandwatch_cli.models import Item, Keyword, SourceConfig
from brandwatch_cli.sources.feed import FeedSource


class Source(Protocol):
    """One configured place to listen."""

    #: Extra config keys this type accepts, with the Python type(s) each value must have.
    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]]
    #: Whether the config entry must give a ``url``.
    NEEDS_URL: ClassVar[bool]

    def __init__(self, config: SourceConfig, keywords: Sequence[Keyword]) -> None: ...

    async def fetch(self, ctx: FetchContext) -> Sequence[Item]:
        """Return what the source holds now; raise SourceError when it cannot be read."""
        ...


SOURCE_TYPES: dict[str, type[Source]] = {
    "feed": FeedSource,
}


def build_source(config: SourceConfig, keywords: Sequence[Keyword]) -> Source:
    """Instantiate the source type named by ``config.type``."""
    return SOURCE_TYPES[config.type](config, keywords)


def source_options(type_name: str) -> Mapping[str, Any]:
    """Config keys specific to one source type (empty when the type is unknown)."""
    cls = SOURCE_TYPES.get(type_name)
    return cls.OPTIONS if cls else {}
