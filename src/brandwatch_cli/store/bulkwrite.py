"""A big batch's own writes without the per-row triggers whose work it does in bulk.

On SQLite the mere presence of an ``AFTER INSERT`` trigger costs every inserted row a trigger
frame, even when its ``WHEN`` clause skips it: measured at 100,000 mentions, the search index's
trigger alone (skipped through ``fts_deferred``) was nearly half of the mention rows' insert.
``store.batches`` indexes its faces for search, marks their quarter hours and writes their
keyword rows' times itself (and their aspect rows' quarter hours: the same), so a big batch
drops those triggers inside its own transaction and creates them again, from their stored SQL,
before it goes on: no other connection ever sees the database without them (DDL is
transactional; a batch that fails is rolled back, its triggers with it), and every other writer
keeps them. PostgreSQL keeps its triggers: there a trigger costs a row little, and the
``fts_deferred`` range skips them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from brandwatch_cli.store.filters import marks

#: The insert triggers whose work ``insert_faces`` does for its own rows, in bulk.
BATCH_TRIGGERS = (
    "mentions_ai",
    "summary_keyword_added",
    "keyword_time_added",
    "summary_aspect_added",
)


@contextmanager
def triggers_suspended(db: Any, names: tuple[str, ...] = BATCH_TRIGGERS) -> Iterator[None]:
    """``names`` dropped for the body of the ``with`` (inside the caller's transaction), then
    created again, exactly as stored and in their order. On an exception they are not
    re-created here: the caller's rollback restores them."""
    stored = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        f" AND name IN ({marks(names)}) ORDER BY rowid",
        list(names),
    ).fetchall()
    for name, _ in stored:
        db.execute(f'DROP TRIGGER "{name}"')
    yield
    for _, sql in stored:
        db.execute(sql)
