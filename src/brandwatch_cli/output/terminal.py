"""Showing results to people: Rich tables on a terminal, plain text when piped.

Every string that came from the web goes through ``safe`` (a Rich ``Text``, never markup, with
terminal control characters removed), so a feed title cannot recolour or rewrite the screen.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from rich import box
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from brandwatch_cli.models import MentionRow, ScanResult, SourceConfig
from brandwatch_cli.output import plain as plaintext
from brandwatch_cli.text import strip_controls

SENTIMENT_STYLES = {"positive": "green", "neutral": "yellow", "negative": "red"}
STATUS_STYLES = {
    "ok": "green",
    "unchanged": "green",
    "failed": "bold red",
    "rate limited": "yellow",
    "skipped": "yellow",
}
PIPED_WIDTH = 160


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """``brandwatch report | head -1``: the reader has what it wanted. Stop writing and
        exit 0, as ``export`` does (Rich's own choice, 1, fails ``set -o pipefail`` scripts)."""
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(0)


def console(file: IO[str] | None = None) -> Console:
    """A console for ``file`` (stdout by default): colour only on a terminal, NO_COLOR honoured."""
    file = file or sys.stdout
    terminal = file.isatty()
    return _Console(
        file=file,
        highlight=False,
        soft_wrap=False,
        width=None if terminal else PIPED_WIDTH,
        emoji=False,
    )


def safe(value: Any, style: str = "") -> Text:
    """Untrusted text made harmless for a terminal."""
    return Text(strip_controls("" if value is None else str(value)), style=style)


def _sentiment(value: float | None, label: str | None = None) -> Text:
    if value is None:
        return Text("-")
    label = label or ("positive" if value >= 0.05 else "negative" if value <= -0.05 else "neutral")
    return Text(f"{value:+.2f}", style=SENTIMENT_STYLES.get(label, ""))


def _table(title: str | None = None) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")


def scan_summary(result: ScanResult, out: Console) -> None:
    table = _table("Scan summary")
    for name in plaintext.SUMMARY_COLUMNS:
        table.add_column(
            name, justify="right" if name in ("entries", "matched", "new", "time") else "left"
        )
    for row in plaintext.summary_rows(result):
        table.add_row(
            safe(row[0]),
            Text(row[1], style=STATUS_STYLES.get(row[1], "")),
            *row[2:6],
            safe(row[6]),
        )
    out.print(table)
    out.print(plaintext.summary_line(result))


def sources(
    configured: Sequence[SourceConfig], health: Mapping[str, Mapping[str, Any]], out: Console
) -> None:
    """One row per configured source; sources no longer configured but with mentions follow."""
    table = _table("Sources")
    columns = (
        "source",
        "type",
        "status",
        "last attempt",
        "last success",
        "failures",
        "next attempt",
        "etag",
        "mentions",
        "7 days",
        "last error / note",
    )
    for name in columns:
        table.add_column(
            name, justify="right" if name in ("failures", "mentions", "7 days") else "left"
        )
    names = [s.name for s in configured]
    kinds = {s.name: s.type for s in configured}
    names += [n for n in health if n not in kinds]
    for name in names:
        row = health.get(name, {})
        status = row.get("status") or ("not configured" if name not in kinds else "never scanned")
        note = row.get("last_error") or ""
        if row.get("moved_to"):
            note = f"moved permanently to {row['moved_to']}; update the config" + (
                f"; {note}" if note else ""
            )
        table.add_row(
            safe(name),
            kinds.get(name, row.get("type") or ""),
            Text(status, style=STATUS_STYLES.get(status, "")),
            _when(row.get("last_attempt")),
            _when(row.get("last_success")),
            str(row.get("failures") or 0),
            _when(row.get("next_attempt")),
            "yes" if row.get("etag") else "",
            str(row.get("mentions") or 0),
            str(row.get("recent") or 0),
            safe(note),
        )
    out.print(table)


def _when(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else ""


def mentions(rows: Iterable[MentionRow], out: Console) -> int:
    """A table on a terminal, one tab-separated line per mention when piped. Returns the count."""
    count = 0
    if not out.is_terminal:
        for row in rows:
            fields = (
                row["id"],
                row["published_at"] or row["fetched_at"],
                row["source"],
                row["keywords"],
                f"{row['sentiment']:+.3f}",
                row["sentiment_label"],
                row["title"],
                row["url"] or "",
                row["status"],
            )
            out.file.write(
                "\t".join(strip_controls(str(f)).replace("\t", " ") for f in fields) + "\n"
            )
            count += 1
        return count
    table = _table()
    for name in ("id", "date", "source", "keywords", "sentiment", "status", "title"):
        table.add_column(name, overflow="fold" if name == "title" else "ellipsis")
    for row in rows:
        title = safe(row["title"] or row["text"][:120] or "(no title)")
        if row["url"] and str(row["url"]).startswith(("http://", "https://")):
            title.stylize(Style(link=row["url"]))
        table.add_row(
            str(row["id"]),
            (row["published_at"] or row["fetched_at"])[:16].replace("T", " "),
            safe(row["source"]),
            safe(row["keywords"]),
            _sentiment(row["sentiment"], row["sentiment_label"]),
            Text(row["status"], style="dim" if row["status"] in ("replied", "ignored") else ""),
            title,
        )
        count += 1
    if count:
        out.print(table)
    return count
