"""Every exit code of ``brandwatch``, in one table (as pip's ``cli/status_codes.py``).

Library code raises errors and never knows these numbers; ``main`` maps an error to its code
with ``for_error``, and commands end with the code their outcome names.
"""

from __future__ import annotations

from brandwatch_cli.errors import BrandwatchError, Busy, ConfigError, Interrupted, StoreError

SUCCESS = 0
ERROR = 1  # a source failed (the others' mentions are stored) or another runtime error
USAGE_ERROR = 2  # a bad option, value or command, or an unusable configuration
STORE_ERROR = 3  # the database cannot be opened, read or written
BUSY = 4  # another run holds the lock
ALERT_FIRED = 5  # a condition named by --fail-on holds
NOTIFY_FAILED = 6  # a notification could not be delivered
INTERRUPTED = 130  # Ctrl-C or SIGTERM

ERROR_CODES: dict[type[BrandwatchError], int] = {
    BrandwatchError: ERROR,
    ConfigError: USAGE_ERROR,
    StoreError: STORE_ERROR,
    Busy: BUSY,
    Interrupted: INTERRUPTED,
}


def for_error(exc: BrandwatchError) -> int:
    """The code of the nearest class of ``exc`` in ``ERROR_CODES`` (a SourceError is an ERROR)."""
    for cls in type(exc).__mro__:
        if cls in ERROR_CODES:
            return ERROR_CODES[cls]
    return ERROR  # pragma: no cover - BrandwatchError itself is in the table
