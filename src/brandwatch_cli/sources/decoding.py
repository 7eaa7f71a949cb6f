"""Response bodies decoded within a size cap, layer by layer, as they stream.

httpx decodes a whole network chunk at once: ``Content-Encoding: gzip, gzip`` turns 3 KB on
the wire into gigabytes in a single call, before any cap can look at it. Here every layer
decodes at most what the cap still allows (zlib's ``max_length``), so no layer ever holds more
than ``cap + 1`` bytes, and more than ``MAX_LAYERS`` layers is refused outright.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from typing import Any

from brandwatch_cli.errors import SourceError

#: A server has no reason to compress twice; more layers is an attack.
MAX_LAYERS = 2
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


class TooLarge(SourceError):
    """A body (at some layer of its encoding) is larger than the cap."""


def codings(header: str) -> list[str]:
    """The content codings of a ``Content-Encoding`` header, in the order they were applied
    (``identity`` dropped)."""
    names = [part.strip().lower() for part in header.split(",")]
    return [name for name in names if name and name != "identity"]


class _Layer:
    """One coding undone, never producing more than the cap allows."""

    def __init__(self, coding: str, cap: int) -> None:
        if coding not in _WBITS:
            raise SourceError(f"unsupported content encoding {coding!r}")
        self.coding = coding
        self.cap = cap
        self.total = 0
        self.raw_deflate = False
        self.decoder = zlib.decompressobj(_WBITS[coding])

    def feed(self, data: bytes) -> bytes:
        out: list[bytes] = []
        while data:
            try:
                chunk = self.decoder.decompress(data, self.cap - self.total + 1)
            except zlib.error:
                if self.coding == "deflate" and not self.raw_deflate and self.total == 0:
                    # Some servers send raw deflate without the zlib header (as browsers allow).
                    self.raw_deflate = True
                    self.decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise SourceError(
                    f"response body could not be decoded (bad {self.coding})"
                ) from None
            self._count(chunk)
            out.append(chunk)
            if self.decoder.unconsumed_tail:  # only when max_length was reached
                raise TooLarge("decoded body over the cap")
            data = self.decoder.unused_data  # a gzip stream of several members
            if data:
                self.decoder = zlib.decompressobj(_WBITS[self.coding])
        return b"".join(out)

    def finish(self) -> bytes:
        tail = self.decoder.flush()
        self._count(tail)
        return tail

    def _count(self, chunk: bytes) -> None:
        self.total += len(chunk)
        if self.total > self.cap:
            raise TooLarge("decoded body over the cap")


class BoundedDecoder:
    """Undo ``Content-Encoding`` layers on raw chunks, each layer bounded by ``cap`` bytes."""

    def __init__(self, applied: Sequence[str], cap: int) -> None:
        if len(applied) > MAX_LAYERS:
            raise SourceError(
                f"response has {len(applied)} content encodings ({', '.join(applied)});"
                f" at most {MAX_LAYERS} are read"
            )
        # The last coding applied is the first to undo.
        self.layers = [_Layer(coding, cap) for coding in reversed(applied)]

    def feed(self, raw: bytes) -> bytes:
        """The decoded bytes of one raw chunk; TooLarge as soon as any layer passes the cap."""
        data = raw
        for layer in self.layers:
            data = layer.feed(data)
        return data

    def finish(self) -> bytes:
        """Whatever the layers still buffer once the body has ended."""
        data = b""
        for layer in self.layers:
            data = (layer.feed(data) if data else b"") + layer.finish()
        return data


_SURROGATE_ESCAPE_RE = re.compile(rb"\\[uU][dD][89a-fA-F]")
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def load_json(data: bytes | str) -> Any:
    """``json.loads`` for hostile bodies: a lone ``"\\ud800"`` (half of a UTF-16 pair, which
    names no character and which SQLite refuses) becomes U+FFFD, and nesting too deep to walk
    is a SourceError, not a RecursionError. ``json.JSONDecodeError`` passes through."""
    try:
        value = json.loads(data, strict=False)
    except RecursionError:
        raise SourceError("JSON nested too deeply to read") from None
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if not _SURROGATE_ESCAPE_RE.search(raw):
        return value
    return _scrub(value)


def _scrub(value: Any) -> Any:
    """``value`` with every lone surrogate replaced, iteratively (depth is the body's)."""
    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        container, key = stack.pop()
        item = container[key]
        if isinstance(item, str):
            container[key] = _LONE_SURROGATE_RE.sub("\ufffd", item)
        elif isinstance(item, list):
            stack.extend((item, index) for index in range(len(item)))
        elif isinstance(item, dict):
            for name in list(item):
                clean = _LONE_SURROGATE_RE.sub("\ufffd", name) if isinstance(name, str) else name
                if clean != name:
                    item[clean] = item.pop(name)
                stack.append((item, clean))
    return root[0]
