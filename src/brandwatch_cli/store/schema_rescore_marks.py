"""Mentions re-matching left to be scored again, found without reading every mention (kept out
of ``store.schema``: ``schema_late`` registers it, and PostgreSQL's is ``PG_M026``).

Re-matching marks the mentions whose keywords changed (``sentiment_version`` set to
``REMATCHED``, in its own transaction) and then scores them in ``rescore``'s. A run stopped in
between left them with their old scores until someone ran ``rescore``; the next scan or
rematch now finishes them, and asks for them at every run: this partial index holds only the
marked ones, so asking costs one look at an index that is nearly always empty.
"""

from __future__ import annotations

from brandwatch_cli.store.driver import Database

#: The ``sentiment_version`` of a mention re-matching has changed and not scored again yet:
#: no analyzer version is spelled so, so ``rescore`` takes it for stale as well.
REMATCHED = "rematched"

_INDEX = f"CREATE INDEX mentions_rematched ON mentions (id) WHERE sentiment_version = '{REMATCHED}'"
#: The same on PostgreSQL.
PG_M026 = _INDEX + ";"


def m026_rescore_marks(db: Database) -> None:
    """An index of the mentions re-matching left to be scored again."""
    db.execute(_INDEX)
