"""sqlite-utils, imported once and lightly: the store's one way in to it."""

from __future__ import annotations

import sys


def _import_sqlite_utils() -> None:
    """Import sqlite-utils without its optional numpy support, which we never use: when numpy
    is installed (language detection needs it) it would cost ~0.15 s of CPU at every start,
    even for a scan that detects nothing. numpy stays importable for whoever needs it."""
    if "numpy" in sys.modules:
        import sqlite_utils

        return
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


_import_sqlite_utils()

from sqlite_utils import Database as Database  # noqa: E402 - re-exported for the store
from sqlite_utils.migrations import Migrations as Migrations  # noqa: E402

#: The schema's migrations (``store.schema`` registers them, in order).
migrations = Migrations("brandwatch")
