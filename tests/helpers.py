"""Small builders shared by tests: config files and feed documents."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def write_config(
    folder: Path,
    sources: list[tuple[str, str]],
    keywords: str = "  - Acme\n  - name: Globex\n    terms: [Globex, Globex Corporation]\n"
    "    exclude: [Globex Cinema]\n",
    extra: str = "",
) -> Path:
    """A config file in ``folder`` with the given (name, url) sources."""
    lines = [
        f"database: {folder / 'mentions.db'}",
        "timeout: 5",
        extra,
        "keywords:",
        keywords.rstrip(),
        "sources:",
    ]
    for name, url in sources:
        lines += [f"  - name: {name}", f"    url: '{url}'"]
    path = folder / "brandwatch.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rss(items: list[dict[str, str]], title: str = "Test feed") -> str:
    """A small RSS 2.0 document."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://example.com/</link>",
    ]
    for item in items:
        parts.append("<item>")
        for key, value in item.items():
            parts.append(f"<{key}>{value}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False
