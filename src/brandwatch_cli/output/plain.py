"""Text for pipes and cron mail: aligned columns, no colour, no Rich (nothing to import).

Web text is stripped of control characters here too: a piped report still reaches a terminal
eventually (``| less``, a mail client).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from brandwatch_cli.text import strip_controls

if TYPE_CHECKING:
    from brandwatch_cli.models import ScanResult


def clean(value: object) -> str:
    """One line of text safe for a terminal: control characters out, newlines to spaces."""
    return strip_controls(str(value).replace("\n", " ").replace("\r", " "))


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[str] = ()
) -> str:
    """Columns padded to their widest cell; columns named in ``right`` are right-aligned."""
    cells = [[clean(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        padded = (
            v.rjust(w) if h in right else v.ljust(w)
            for v, w, h in zip(values, widths, headers, strict=True)
        )
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, cells)])


def problem_line(source: str, status: str, error: str | None) -> str:
    """One stderr line per source that failed (an error) or was held back (a warning)."""
    level = "error" if status == "failed" else "warning"
    return strip_controls(f"{level}: source '{source}' {status}: {error}")


SUMMARY_COLUMNS = ("source", "status", "entries", "matched", "new", "time", "error")


def summary_line(result: ScanResult) -> str:
    counts: dict[str, int] = {}
    for outcome in result.outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    details = ", ".join(f"{n} {status}" for status, n in counts.items() if status != "ok")
    return (
        f"{result.new_mentions} new mention{'s' if result.new_mentions != 1 else ''} from "
        f"{len(result.outcomes)} source{'s' if len(result.outcomes) != 1 else ''}"
        + (f"; {details}" if details else "")
    )


def summary_rows(result: ScanResult) -> list[tuple[str, ...]]:
    return [
        (
            o.source,
            o.status,
            str(o.entries),
            str(o.matched),
            str(o.new_mentions),
            f"{o.duration_s:.1f}s",
            o.error or "",
        )
        for o in result.outcomes
    ]


def spike_line(spike: Any) -> str:
    """One alert line, e.g. ``Acme: spike, 42 mentions in the last 24 h (usually 6.5; alert
    above 14.2)``."""
    kind = "negative spike" if spike.kind == "negative-spike" else "spike"
    noun = "negative mentions" if spike.kind == "negative-spike" else "mentions"
    return clean(
        f"{spike.keyword}: {kind}, {spike.count} {noun} in the last {spike.window_text}"
        f" (usually {spike.mean:.1f}; alert above {spike.threshold:.1f})"
    )
