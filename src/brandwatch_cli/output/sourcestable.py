"""The ``sources`` table: one row per source, thousands of them at once.

Apart from ``terminal`` so that ``sources`` loads Rich's console and the fitted table alone,
not the report's modules. Its cells are plain strings wherever a string draws exactly as the
``Text`` would (printable ASCII, nothing Rich reads as markup): at 5,000 sources, 10,000
``Text`` objects fewer, and columns that ``fasttable`` pads at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, tzinfo
from typing import Any

from rich.console import Console
from rich.text import Text

from brandwatch_cli.models import SourceConfig
from brandwatch_cli.output.console import STATUS_STYLES, safe
from brandwatch_cli.output.layout import Column
from brandwatch_cli.output.stamps import stored_when
from brandwatch_cli.output.tables import Cell, fitted

#: The ``sources`` columns; dropped when short of width, first to last: etag, type, last
#: attempt, mentions, next attempt, failures, last success, 7 days.
SOURCES_LAYOUT = (
    Column("source", "name"),
    Column("type", drop=2),
    Column("status"),
    Column("last attempt", drop=3),
    Column("last success", drop=7),
    Column("failures", drop=6, right=True),
    Column("next attempt", drop=5),
    Column("etag", drop=1),
    Column("mentions", drop=4, right=True),
    Column("7 days", drop=8, right=True),
    Column("last error / note", "text"),
)


def sources(
    configured: Sequence[SourceConfig],
    health: Mapping[str, Mapping[str, Any]],
    out: Console,
    tz: tzinfo = UTC,
) -> None:
    """One row per configured source; sources no longer configured but with mentions follow."""
    rows: list[list[Cell]] = []
    names = [s.name for s in configured]
    kinds = {s.name: s.type for s in configured}
    names += [n for n in health if n not in kinds]
    times: dict[object, str] = {}  # a scan writes the same few times on thousands of sources
    statuses: dict[str, Text] = {}  # never changed by the table: one Text per status

    def at(value: object) -> str:
        if value not in times:
            times[value] = stored_when(value, tz)
        return times[value]

    empty: Mapping[str, Any] = {}
    for name in names:
        row = health.get(name, empty)
        status = row.get("status") or ("not configured" if name not in kinds else "never scanned")
        if status not in statuses:
            statuses[status] = Text(status, style=STATUS_STYLES.get(status, ""))
        note = row.get("last_error") or ""
        if row.get("moved_to"):
            note = f"moved permanently to {row['moved_to']}; update the config" + (
                f"; {note}" if note else ""
            )
        rows.append(
            [
                _untrusted(name),
                kinds.get(name, row.get("type") or ""),
                statuses[status],
                at(row.get("last_attempt")),
                at(row.get("last_success")),
                str(row.get("failures") or 0),
                at(row.get("next_attempt")),
                "yes" if row.get("etag") else "",
                str(row.get("mentions") or 0),
                str(row.get("recent") or 0),
                _untrusted(note),
            ]
        )
    fitted("Sources", SOURCES_LAYOUT, rows, out)


def _untrusted(value: str) -> Cell:
    """``safe(value)``, or ``value`` itself where a table draws the string as it draws that
    ``Text``: printable ASCII (no control character to strip) without ``[`` (markup) or ``:``
    (an emoji code, on a console that reads them)."""
    if value.isascii() and value.isprintable() and "[" not in value and ":" not in value:
        return value
    return safe(value)
