"""What ``review`` and ``mute --list`` print: mentions to label, and the mutes kept.

Plain values in, text or JSON-ready dicts out; text from the web is made one line and free of
terminal control characters here, where it is printed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from brandwatch_cli.text import one_line
from brandwatch_cli.times import local_text

MUTE_FIELDS = ("source", "domain", "author", "phrase", "keyword")


def needed_line(needed: Mapping[str, int], listed: bool = True) -> str:
    """What is missing before a model exists, e.g. ``no relevance model yet: 12 more
    relevant and 20 more irrelevant labels needed (mark ID --relevant / --irrelevant)``, and
    whether mentions follow (``listed``) or none is left to review."""
    parts = " and ".join(f"{count} more {label}" for label, count in sorted(needed.items()))
    after = "the newest unlabelled mentions follow" if listed else "no unlabelled mention to review"
    return (
        f"no relevance model yet: {parts} label{'s' if sum(needed.values()) != 1 else ''}"
        f" needed (mark ID --relevant / --irrelevant); {after}"
    )


def review_lines(rows: Sequence[Mapping[str, Any]], tz: tzinfo = UTC) -> list[str]:
    """One line per mention: id, relevance (``-`` unscored), time, keywords, source, title."""
    lines = []
    for row in rows:
        score = row.get("relevance")
        shown = "-" if score is None else f"{score:.2f}"
        at = local_text(datetime.fromisoformat(row["mentioned_at"]), tz)
        keywords = one_line(row.get("keywords") or "")
        title = one_line(row.get("title") or "")
        lines.append(f"{row['id']}\t{shown}\t{at}\t{keywords}\t{one_line(row['source'])}\t{title}")
    return lines


def review_json(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The mentions to label as JSON objects (times in UTC, as stored)."""
    return [
        {
            "id": row["id"],
            "relevance": row.get("relevance"),
            "noise": bool(row.get("noise")),
            "mentioned_at": row["mentioned_at"],
            "keywords": [k for k in (row.get("keywords") or "").split(";") if k],
            "source": row["source"],
            "title": row.get("title") or "",
            "url": row.get("url"),
        }
        for row in rows
    ]


def mute_text(mute: Mapping[str, Any]) -> str:
    """``source=forum author=spam-bot phrase="jus d'orange"``."""
    said = []
    for field in MUTE_FIELDS:
        value = mute.get(field)
        if value is not None:
            text = one_line(str(value))
            said.append(f'{field}="{text}"' if " " in text or not text else f"{field}={text}")
    return " ".join(said)


def mute_count(before: int, after: int) -> str:
    """What a new mute did to the stored mentions: how many it mutes that no mute held before
    (the bucket's muted count before and after it), and the total when other mutes hold some."""
    added = after - before
    plural = "s" if added != 1 else ""
    if not before:
        said = f"{added} stored mention{plural}" if added else "none of the stored mentions"
        return f"it mutes {said} (see `mentions --noise`)"
    said = f"{added} more stored mention{plural}" if added else "no more stored mentions"
    verb = "are" if after != 1 else "is"
    return f"it mutes {said} ({after} {verb} muted in all; see `mentions --noise`)"


def mute_lines(mutes: Sequence[Mapping[str, Any]], tz: tzinfo = UTC) -> list[str]:
    """One line per mute: id, what it excludes, when and by whom it was added."""
    lines = []
    for mute in mutes:
        at = local_text(datetime.fromisoformat(mute["at"]), tz)
        by = f" by {one_line(mute['by'])}" if mute.get("by") else ""
        lines.append(f"{mute['id']}\t{mute_text(mute)}\t{at}{by}")
    return lines
