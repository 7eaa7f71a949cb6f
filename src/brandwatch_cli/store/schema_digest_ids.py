"""The digest's window from one index on PostgreSQL too (issue 13), kept out of
``store.schema`` (500 lines): ``schema_late`` registers it, under the name PostgreSQL's is kept
(``pgschema.PG_MIGRATIONS``).

A digest's reads (totals and keyword figures of both days, the reply-first list, the most
heard, the themes' first id) walk its window by fetch time over ``mentions_fetched`` (m015,
m020), which carries every column they read of a mention but the id. SQLite's index holds
the rowid, the id itself, so nothing else is read there; PostgreSQL's does not, so each of a
day's 16,700 mentions was also read from the table, once per statement (a third of the
buffers each read touched at a million mentions). PostgreSQL's index now carries the id as an
included column: the same keys, index-only scans. SQLite has nothing to do.

An index-only scan reads a row from the table only on a page the visibility map does not yet
know to be all visible. The newest mentions, a digest's, are the ones autovacuum has not yet
visited: by default it visits an insert-only table after inserts of a fifth of its size
(200,000 mentions at a million), so a day's arrivals would still be read from the table. The
two tables the window reads are visited after a hundredth instead (a visit of pages written
since the last one: the rest are skipped by the visibility map).
"""

from __future__ import annotations

from brandwatch_cli.store.driver import Database

#: The same on PostgreSQL: ``mentions_fetched`` again, with the id.
PG_M023 = """
DROP INDEX mentions_fetched;
CREATE INDEX mentions_fetched ON mentions (fetched_at, status, sentiment_label, sentiment,
    sentiment_method, interactions, mentioned_at, noise) INCLUDE (id);
ALTER TABLE mentions SET (autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE mention_keywords SET (autovacuum_vacuum_insert_scale_factor = 0.01);
"""


def m023_digest_ids(db: Database) -> None:
    """Nothing on SQLite: its ``mentions_fetched`` holds the id already (the rowid)."""
