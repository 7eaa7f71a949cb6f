"""``sources --format json``, apart from the report's JSON (``output.json``, which re-exports
it) so that ``sources`` loads neither the report's modules nor their types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from brandwatch_cli.models import SourceConfig, SourceHealthRow


def sources_json(
    configured: Sequence[SourceConfig],
    health: Mapping[str, SourceHealthRow],
    advice: Mapping[str, str | None],
    kept: tuple[int, int],
    entries_days: int,
    database: tuple[int, int] = (0, 0),
) -> dict[str, Any]:
    """``sources --format json``: ``sources``, one object per configured source (then those
    with mentions but no longer configured): ``name``, ``type``, ``url`` (as configured, null
    when not configured), ``status``, ``last_attempt``, ``last_success``, ``next_attempt``
    (ISO 8601 UTC or null), ``failures``, ``etag`` (bool), ``mentions``, ``mentions_7d``,
    ``last_error``, ``moved_to`` (the new URL of a permanent redirect) and ``advice`` (what to
    do, or null); ``entries``: ``count``, ``bytes`` and ``days`` kept for re-matching;
    ``database``: ``bytes`` (file and WAL), ``mentions``, ``bytes_per_mention`` (or null)."""
    urls = {s.name: s.url for s in configured}
    kinds = {s.name: s.type for s in configured}
    names = [s.name for s in configured] + [n for n in health if n not in kinds]
    rows = []
    for name in names:
        row = health.get(name, {"source": name, "mentions": 0, "recent": 0})
        rows.append(
            {
                "name": name,
                "type": kinds.get(name, row.get("type")),
                "url": urls.get(name),
                "status": row.get("status")
                or ("not configured" if name not in kinds else "never scanned"),
                "last_attempt": row.get("last_attempt"),
                "last_success": row.get("last_success"),
                "next_attempt": row.get("next_attempt"),
                "failures": row.get("failures") or 0,
                "etag": bool(row.get("etag")),
                "mentions": row.get("mentions") or 0,
                "mentions_7d": row.get("recent") or 0,
                "last_error": row.get("last_error"),
                "moved_to": row.get("moved_to"),
                "advice": advice.get(name),
            }
        )
    count, size = kept
    return {
        "sources": rows,
        "entries": {"count": count, "bytes": size, "days": entries_days},
        "database": database_json(*database),
    }


def database_json(size: int, mentions: int) -> dict[str, Any]:
    """The database's ``bytes``, ``mentions`` and ``bytes_per_mention`` (null without any)."""
    per_mention = size // mentions if mentions else None
    return {"bytes": size, "mentions": mentions, "bytes_per_mention": per_mention}
