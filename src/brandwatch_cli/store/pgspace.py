"""Space and sizes on PostgreSQL: what ``store.retention`` asks SQLite's pragmas and ``dbstat``
for, asked of PostgreSQL's catalogue instead.

PostgreSQL reclaims space with ``VACUUM`` (autovacuum does it on its own; after a big prune
the store runs it once, which makes the space reusable and returns the table's empty tail to
the disk). There is no file or WAL of the database's own: its size is
``pg_database_size``, and a table's bytes include its indexes and TOAST.
"""

from __future__ import annotations

from typing import Any

#: The tables the store keeps (what ``stats`` lists), in the order sizes then sort them.
_TABLES_SQL = """
    SELECT c.relname, pg_total_relation_size(c.oid)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname = current_schema()
"""


def database_bytes(db: Any) -> int:
    return int(db.conn.raw.execute("SELECT pg_database_size(current_database())").fetchone()[0])


def table_sizes(db: Any) -> list[tuple[str, int, int]]:
    """(table, rows, bytes with its indexes) of every table in the store's schema."""
    found = []
    for name, size in db.conn.raw.execute(_TABLES_SQL).fetchall():
        rows = db.conn.raw.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        found.append((str(name), int(rows), int(size)))
    return found


def table_bytes(db: Any, table: str) -> int:
    return int(db.conn.raw.execute("SELECT pg_total_relation_size(%s)", [table]).fetchone()[0])


def block_size(db: Any) -> int:
    return int(db.conn.raw.execute("SELECT current_setting('block_size')").fetchone()[0])


def vacuum(db: Any) -> None:
    """``VACUUM`` the store's big tables (outside any transaction: PostgreSQL requires it)."""
    for table in ("mentions", "mention_keywords", "story_shingles", "entries"):
        db.conn.raw.execute(f"VACUUM {table}")
