"""Values that cross module boundaries: what the config asks for and what sources yield."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Keyword:
    """A brand (or competitor) to listen for: any of ``terms``, unless inside an ``exclude``."""

    name: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceConfig:
    """One entry of the config's ``sources:`` list, validated."""

    name: str
    type: str
    url: str | None
    timeout: float
    options: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    line: int = 0


@dataclass(frozen=True)
class Config:
    """The whole validated configuration file."""

    path: Path
    database: Path
    timeout: float
    keywords: tuple[Keyword, ...]
    sources: tuple[SourceConfig, ...]


@dataclass(frozen=True)
class Item:
    """One entry as a source publishes it, text already cleaned to plain one-line strings."""

    entry_id: str
    url: str | None
    title: str
    text: str
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    engagement: Mapping[str, float] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True)
class Mention:
    """An item that names at least one keyword, ready to store."""

    source: str
    item: Item
    keywords: tuple[str, ...]
    canonical_url: str | None
    fingerprint: str | None
    sentiment: float
    sentiment_label: str
    fetched_at: datetime
