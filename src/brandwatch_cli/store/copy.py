"""Copying a whole mention database into another (``brandwatch db copy``, issue 13): SQLite to
PostgreSQL and back, or within one engine.

Every table both databases have is copied, parents before children, from one snapshot of the
source, in batches each written in one transaction of the target: memory is that of one batch
whatever the database's size. Ids are kept, so status history, story copies and the digest
watermark keep naming the same mentions. Not copied, because each engine keeps or derives
them itself: the migrations log, SQLite's full-text tables (the target indexes what it
receives: a trigger on PostgreSQL, one statement per batch on SQLite), ``fts_deferred``, and
the period summary, which the target recomputes from the copied mentions at the end. A column
one side lacks (PostgreSQL's ``search``) is left out.

``append`` adds to a database that already holds data: each table's own ids move past the
target's largest (the columns that refer to them move with them), a row whose unique key the
target already has is skipped (``ON CONFLICT DO NOTHING``), and so are the rows that belong
to a skipped mention. Copied digests keep their log but not the watermark: the target's next
``digest --since last`` includes every copied mention.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from brandwatch_cli.errors import StoreError
from brandwatch_cli.store.filters import marks
from brandwatch_cli.store.postgres import translate
from brandwatch_cli.store.summary import SummaryMixin
from brandwatch_cli.store.values import bucket_of

#: Rows per batch, read and written at once (one transaction of the target each).
BATCH_ROWS = 5000
#: The tables the store knows, parents before children; a table a later migration adds
#: (present on both sides) comes after these, by name, copied as it is.
ORDER = (
    "mentions",
    "mention_keywords",
    "mention_aspects",
    "story_copies",
    "story_shingles",
    "story_signatures",
    "status_history",
    "mention_tags",
    "rule_matches",
    "sentiment_corrections",
    "mutes",
    "scans",
    "scan_sources",
    "digests",
    "alerts_sent",
    "entries",
    "keyword_state",
    "source_state",
    "http_cache",
    "source_cursors",
)
#: Never copied: each engine's bookkeeping, and what the target derives from the mentions.
NOT_COPIED = frozenset(
    {
        "_sqlite_migrations",
        "brandwatch_migrations",
        "fts_deferred",
        "summary_keywords",
        "summary_names",
        "summary_aspects",
        "summary_aspect_days",
        "summary_dirty",
        "summary_dirty_days",
        "sentiment_models",  # retrained from the corrections
        "relevance_models",  # retrained from the labels
    }
)
#: A row in one of these makes a database "not empty": a copy without ``append`` refuses it.
CONTENT = ("mentions", "scans", "entries")
#: Tables whose rows have an ``id`` of their own, moved past the target's by ``append``.
OWN_IDS = (
    "mentions",
    "scans",
    "digests",
    "story_copies",
    "status_history",
    "sentiment_corrections",
    "mutes",
)
#: Columns holding another table's ids: (table, column) -> that table.
REFERS = {
    ("mention_keywords", "mention_id"): "mentions",
    ("mention_aspects", "mention_id"): "mentions",
    ("story_copies", "mention_id"): "mentions",
    ("story_shingles", "mention_id"): "mentions",
    ("story_signatures", "mention_id"): "mentions",
    ("status_history", "mention_id"): "mentions",
    ("mention_tags", "mention_id"): "mentions",
    ("rule_matches", "mention_id"): "mentions",
    ("scan_sources", "scan_id"): "scans",
    ("digests", "last_id"): "mentions",
    ("sentiment_corrections", "mention_id"): "mentions",
}
#: Of those, the ones that must name a stored row (foreign keys): the rest of a skipped
#: mention's rows are skipped with it.
PARENTS = {
    ref: table
    for ref, table in REFERS.items()
    if ref not in {("digests", "last_id"), ("sentiment_corrections", "mention_id")}
}
#: Read in this order rather than their primary key's: entries in the order they were
#: fetched, so that the copy's row ids (re-matching pages by them) follow it.
READ_ORDER = {"entries": "rowid"}

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class TableCopy:
    """One table's copy: rows in the source, on the target before and after, and what went
    in or was left out (a unique key the target already had, or a skipped mention's row)."""

    name: str
    source_rows: int
    before: int
    copied: int
    skipped: int
    after: int

    @property
    def ok(self) -> bool:
        """Every source row accounted for, and the target holds what it had plus them."""
        return (
            self.copied + self.skipped == self.source_rows
            and self.after == self.before + self.copied
        )


@dataclass(frozen=True)
class _Plan:
    """What every table's copy follows."""

    append: bool
    batch_rows: int
    #: Per table, how far its ids move (append: the target's largest id before the copy).
    offsets: dict[str, int]
    #: Rows in the source, every table together.
    total: int
    progress: Progress | None


class CopyMixin(SummaryMixin):
    """Copying every table of another store into this one (see the module docstring)."""

    def copy_from(
        self,
        source: CopyMixin,
        *,
        append: bool = False,
        batch_rows: int = BATCH_ROWS,
        progress: Progress | None = None,
    ) -> list[TableCopy]:
        """Copy ``source`` into this database; per table, what was copied. StoreError when this
        one holds mentions, scans or entries and ``append`` is false."""
        if not append:
            self._refuse_content()
        tables = self._shared_tables(source)
        with source._snapshot():
            plan = _Plan(
                append=append,
                batch_rows=batch_rows,
                offsets={t: self._max_id(t) for t in OWN_IDS if t in tables} if append else {},
                total=sum(source._count(table) for table in tables),
                progress=progress,
            )
            copies: list[TableCopy] = []
            for table in tables:
                copies.append(
                    self._copy_table(source, table, plan, sum(c.source_rows for c in copies))
                )
        with self._writing("finish the copy"):
            self._summarise_from(plan.offsets.get("mentions", 0))
            if self.postgres:
                self._move_sequences(tables)
        return copies

    def _copy_table(self, source: CopyMixin, table: str, plan: _Plan, done: int) -> TableCopy:
        """One table, batch by batch (``done``: rows of the tables copied before it)."""
        mine = set(self._column_list(table))
        columns = [c for c in source._column_list(table) if c in mine]
        order = READ_ORDER.get(table) or ", ".join(_quoted(source._primary_key(table)))
        select = f"SELECT {', '.join(_quoted(columns))} FROM {_quoted([table])[0]}"
        select += f" ORDER BY {order}" if order else ""
        rows_in_source = source._count(table)
        before = self._count(table)
        read = copied = 0
        for rows in source._batches(select, plan.batch_rows):
            read += len(rows)
            rows = _moved(table, columns, rows, plan.offsets, plan.append)
            with self._writing(f"copy {table}"):
                if plan.append:
                    rows = self._with_parents(table, columns, rows)
                copied += self._insert(table, columns, rows)
            if plan.progress is not None:
                plan.progress(done + read, max(done + read, plan.total), table)
        after = self._count(table)
        return TableCopy(table, rows_in_source, before, copied, read - copied, after)

    def _insert(self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> int:
        """Insert one batch; how many rows went in. Mentions are indexed for search in one
        statement (SQLite; PostgreSQL's trigger does it row by row), and neither they nor
        their keyword rows mark summary quarter hours one by one: ``_summarise_from`` marks
        them all at the end (``fts_deferred``, as ``store.batches`` does)."""
        if not rows:
            return 0
        deferred = {"mentions": "id", "mention_keywords": "mention_id"}.get(table)
        if deferred is not None:
            at = columns.index(deferred)
            first, last = min(r[at] for r in rows), max(r[at] for r in rows)
            self.db.execute("INSERT INTO fts_deferred (first, last) VALUES (?, ?)", [first, last])
        cursor = self.db.conn.executemany(
            f"INSERT INTO {_quoted([table])[0]} ({', '.join(_quoted(columns))})"
            f" VALUES ({marks(columns)}) ON CONFLICT DO NOTHING",
            rows,
        )
        inserted = int(cursor.rowcount)
        if deferred is not None:
            if table == "mentions" and not self.postgres:
                self.db.execute(
                    "INSERT INTO mentions_fts (rowid, title, text, author)"
                    " SELECT id, title, text, author FROM mentions WHERE id BETWEEN ? AND ?",
                    [first, last],
                )
            self.db.execute("DELETE FROM fts_deferred")
        return inserted

    def _with_parents(
        self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """The rows whose parent (a mention, a scan) is on this database: a mention the
        target already had under another id was skipped, and its rows go with it."""
        kept = list(rows)
        for (child, column), parent in PARENTS.items():
            if child != table or column not in columns:
                continue
            at = columns.index(column)
            wanted = list({row[at] for row in kept})
            found: set[int] = set()
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(
                    row[0]
                    for row in self.db.execute(
                        f"SELECT id FROM {parent} WHERE id IN ({marks(chunk)})", chunk
                    )
                )
            kept = [row for row in kept if row[at] in found]
        return kept

    def _summarise_from(self, after_id: int) -> None:
        """Mark the quarter hours of the copied mentions (ids above ``after_id``) and
        recompute the summary from them, in the copy's last transaction."""
        self.db.execute(
            "INSERT OR IGNORE INTO summary_dirty (bucket)"
            f" SELECT DISTINCT {bucket_of('mentioned_at')} FROM mentions WHERE id > ?",
            [after_id],
        )
        self.refresh_summary()

    def _move_sequences(self, tables: Sequence[str]) -> None:
        """PostgreSQL: each identity column's next value past the ids copied into it."""
        for table, column in self.db.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'"
        ).fetchall():
            if table not in tables:
                continue
            name, col = _quoted([table, column])
            self.db.execute(
                f"SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max({col}), 1),"
                f" max({col}) IS NOT NULL) FROM {name}",
                [name, column],
            )

    def is_database_of(self, other: CopyMixin) -> bool:
        """Whether ``other`` is a connection to this very database, however it was named (a
        link to the file; another spelling of the URL: a password, a parameter, another name
        of the host). On PostgreSQL, this connection looks for ``other``'s server process
        among the sessions of its own database."""
        if self.postgres != other.postgres:
            return False
        if not self.postgres:
            try:
                return os.path.samefile(self.path, other.path)
            except OSError:
                return False
        with self._guard("tell the databases apart"), other._guard("tell the databases apart"):
            pid, started = other.db.execute(
                "SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()"
            ).fetchone()
            found = self.db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ?"
                " AND datname = current_database()"
                " AND (backend_start IS NULL OR backend_start = ?)",  # NULL: another role's
                [pid, started],
            ).fetchone()[0]
        return bool(found)

    def _refuse_content(self) -> None:
        held = {table: self._count(table) for table in CONTENT}
        if any(held.values()):
            what = ", ".join(f"{table}: {n:,}" for table, n in held.items() if n)
            raise StoreError(
                f"{self.path}: already holds data ({what}); copy into an empty database,"
                " or add --append to add to what it holds"
            )

    # -- what each engine says of its tables ---------------------------------------------------

    def _shared_tables(self, source: CopyMixin) -> list[str]:
        """The tables both databases have that a copy carries, parents first."""
        both = (set(self._table_names()) & set(source._table_names())) - NOT_COPIED
        known = [table for table in ORDER if table in both]
        return known + sorted(both - set(ORDER))

    def _table_names(self) -> list[str]:
        with self._guard("list the tables"):
            if self.postgres:
                sql = (
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                )
                return [row[0] for row in self.db.execute(sql)]
            rows = self.db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite%'"
            ).fetchall()
            virtual = [n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
            return [
                name
                for name, _ in rows
                if name not in virtual and not any(name.startswith(f"{v}_") for v in virtual)
            ]

    def _column_list(self, table: str) -> list[str]:
        """A table's columns in their order (SQLite's implicit rowid is none of them)."""
        with self._guard("read the tables' columns"):
            if self.postgres:
                return list(self.db.columns(table))
            return [row[1] for row in self.db.execute(f"PRAGMA table_info({_quoted([table])[0]})")]

    def _primary_key(self, table: str) -> list[str]:
        with self._guard("read the tables' keys"):
            if self.postgres:
                rows = self.db.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                    " ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                    " WHERE i.indrelid = ?::regclass AND i.indisprimary"
                    " ORDER BY array_position(i.indkey::int2[], a.attnum)",
                    [table],
                )
                return [row[0] for row in rows]
            info = self.db.execute(f"PRAGMA table_info({_quoted([table])[0]})").fetchall()
            return [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]

    def _count(self, table: str) -> int:
        with self._guard(f"count the rows of {table}"):
            return int(self.db.execute(f"SELECT count(*) FROM {_quoted([table])[0]}").fetchone()[0])

    def _max_id(self, table: str) -> int:
        with self._guard(f"read the ids of {table}"):
            sql = f"SELECT coalesce(max(id), 0) FROM {_quoted([table])[0]}"
            return int(self.db.execute(sql).fetchone()[0])

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Every read of the copy sees the database as it was at its first: a scan writing
        meanwhile changes nothing of what is copied."""
        with self._guard("read the database to copy"):
            if self.postgres:
                self.db.conn.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            else:
                self.db.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")

    def _batches(self, sql: str, size: int) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of ``sql``, ``size`` at a time, streamed: on PostgreSQL through a
        server-side cursor (a plain one would fetch the whole table first)."""
        with self._guard("read the database to copy"):
            if self.postgres:
                cursor = self.db.conn.raw.cursor(name="bw_copy")
                try:
                    cursor.itersize = size
                    cursor.execute(translate(sql))
                    while rows := cursor.fetchmany(size):
                        yield rows
                finally:
                    cursor.close()
                return
            reader = self.db.conn.execute(sql)
            while rows := reader.fetchmany(size):
                yield rows


def _moved(
    table: str,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    offsets: dict[str, int],
    append: bool,
) -> list[tuple[Any, ...]]:
    """``rows`` with their ids, and the ids they refer to, moved past the target's (append)."""
    shifts = [(columns.index("id"), offsets[table])] if offsets.get(table) else []
    for (child, column), parent in REFERS.items():
        if child == table and column in columns and offsets.get(parent):
            shifts.append((columns.index(column), offsets[parent]))
    unmarked = columns.index("watermark") if append and table == "digests" else None
    if not shifts and unmarked is None:
        return rows
    moved = []
    for row in rows:
        values = list(row)
        for at, offset in shifts:
            if values[at] is not None:
                values[at] += offset
        if unmarked is not None:
            values[unmarked] = 0
        moved.append(tuple(values))
    return moved


def _quoted(names: Sequence[str]) -> list[str]:
    """Identifiers as both engines read them whatever they are called (``by``, ``key``)."""
    return ['"' + name.replace('"', '""') + '"' for name in names]
