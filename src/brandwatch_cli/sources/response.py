"""What a fetch hands a source: a complete response, or the signal that nothing changed.

Kept apart from ``http`` (the network code) so that the source types, which the config loader
imports to read their options, can be imported without httpx: ``check``, ``mentions`` and the
other commands that never fetch start without it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from brandwatch_cli.errors import SourceError
from brandwatch_cli.sources.decoding import load_json


class Unchanged(Exception):
    """The source has nothing new since the last scan (HTTP 304 or an identical body)."""


@dataclass(frozen=True)
class Response:
    """A complete response. ``unchanged`` when 304, or when the body is byte-identical."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    unchanged: bool = False
    reason: str = ""

    def json(self) -> Any:
        """The body as JSON; SourceError naming the position when it is not."""
        host = urlsplit(self.url).netloc or self.url
        try:
            return load_json(self.content)
        except UnicodeDecodeError:
            raise SourceError(f"malformed JSON from {host}: not UTF-8") from None
        except json.JSONDecodeError as exc:
            raise SourceError(
                f"malformed JSON from {host} (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
