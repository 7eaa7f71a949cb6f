"""The console every table is drawn on, and what makes web text safe to draw there.

Apart from ``terminal`` (the report and every other screen) so that a command drawing one
table (``sources``) imports Rich's console without the report's modules.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import IO, Any

from rich.console import Console
from rich.text import Text

from brandwatch_cli.text import strip_controls

#: How each status a source can have is coloured (the scan summary and ``sources``).
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
        raise the error as a plain write would, for the command line to end quietly as it
        does for ``export`` (Rich's own choice, exit 1, fails ``set -o pipefail`` scripts)."""
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def piped_width() -> int:
    """The width of output that goes to a pipe or a file: ``$COLUMNS`` when set (a script
    that wants the 80-column layout, a test), else ``PIPED_WIDTH``."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else PIPED_WIDTH


def console(file: IO[str] | None = None) -> Console:
    """A console for ``file`` (stdout by default): colour only on a terminal, NO_COLOR honoured;
    on a terminal its width (or ``$COLUMNS``), else ``piped_width()``."""
    file = file or sys.stdout
    terminal = file.isatty()
    return _Console(
        file=file,
        highlight=False,
        soft_wrap=False,
        width=None if terminal else piped_width(),
        emoji=False,
    )


def safe(value: Any, style: str = "") -> Text:
    """Untrusted text made harmless for a terminal."""
    return Text(strip_controls("" if value is None else str(value)), style=style)
