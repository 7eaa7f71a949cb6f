"""The errors brandwatch reports to its user.

Library code raises these and never prints or exits; the CLI maps each to one line on stderr
and an exit code, in one place. Anything else is a bug and keeps its traceback (``--debug``).

    BrandwatchError            exit 1   something the user can act on
     +-- ConfigError           exit 2   the configuration file or a command-line value is wrong
     +-- SourceError           (1)      one source could not be read; a scan records it and goes on
     |    +-- HttpStatusError           the server answered 4xx/5xx (``status``, short ``detail``)
     |    +-- RateLimited               the source asked us to slow down
     +-- StoreError            exit 3   the database cannot be opened or written
     +-- Interrupted           exit 130 Ctrl-C or SIGTERM stopped the run; finished work is kept
     +-- Busy                  exit 4   another run holds the lock

The exit codes are documentation here: their one table is ``cli/status_codes.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class BrandwatchError(Exception):
    """An error with a message meant for the user."""


class ConfigError(BrandwatchError):
    """The configuration (file, environment or command line) is unusable."""


class SourceError(BrandwatchError):
    """One source could not be fetched or parsed; the message says why.

    ``partial`` holds the items a source had already read when it failed (say, the first
    keywords of a query-based source): the scan stores them, so nothing fetched is lost.
    """

    def __init__(self, message: str, *, partial: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.partial = tuple(partial)


class HttpStatusError(SourceError):
    """The server answered with an error status; ``detail`` is its own short explanation."""

    def __init__(
        self, message: str, status: int, detail: str = "", *, partial: Sequence[Any] = ()
    ) -> None:
        super().__init__(message, partial=partial)
        self.status = status
        self.detail = detail


class RateLimited(SourceError):
    """The source answered 429 (or 403 with rate-limit headers): try later, not an outage."""

    def __init__(
        self, message: str, retry_after: float | None = None, *, partial: Sequence[Any] = ()
    ) -> None:
        super().__init__(message, partial=partial)
        self.retry_after = retry_after


class StoreError(BrandwatchError):
    """The mention database cannot be opened, read or written."""


class Interrupted(BrandwatchError):
    """The run was stopped (Ctrl-C, SIGTERM); everything committed before is kept."""


class Busy(BrandwatchError):
    """Another run holds the lock."""
