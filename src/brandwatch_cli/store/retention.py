"""What the database keeps and what it costs: pruning by date or keyword, the config's
retention policy, giving freed space back to the disk, and the database's own statistics.

Deleting a mention deletes its keywords, story copies, shingles, signature and status history
(table by table, as the foreign keys' ``ON DELETE CASCADE`` would) and its full-text entry.
Two ways, by the share of mentions that goes. A small share (a scan's daily retention) is
deleted in batches of ``BATCH`` rows, one transaction each, the FTS trigger deleting each
entry: the WAL file stays small, the write lock is never held for long, an interrupted prune
leaves whole batches and running it again finishes the job. From ``REBUILD_SHARE`` of the
mentions up, deleting full-text entries one by one (FTS5 re-reads each text to delete it)
costs more than indexing the mentions that stay: everything goes in one transaction, the FTS
trigger set aside and the index rebuilt from what is left, compact. An interrupted prune
then changes nothing (SQLite drops the unfinished transaction), and the WAL file grows for
a while by about the index's size.

Space: a database created by this version has ``auto_vacuum = INCREMENTAL``, so freed pages
are handed back to the file system after each prune (``PRAGMA incremental_vacuum``). An
older database is converted by one full ``VACUUM`` at its first ``prune`` (which says so);
until then its freed pages are reused by later writes, but the file does not shrink.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from brandwatch_cli.models import Retention
from brandwatch_cli.store import pgspace
from brandwatch_cli.store.base import StoreBase, iso
from brandwatch_cli.store.filters import marks

#: Rows deleted per transaction.
BATCH = 20_000
#: From this share of the mentions up, a prune rebuilds the full-text index (see above).
REBUILD_SHARE = 0.4
#: The page cache while pruning, in KiB (SQLite's default is 2 MB): the keys of the deleted
#: rows are spread over every page of some indexes, which would otherwise be read and
#: written again and again. A cache, not a buffer: it only grows to the pages touched.
PRUNE_CACHE_KIB = 256 * 1024
_FTS_DELETE_TRIGGER = "mentions_ad"
_IN_CHUNK = 500
_INCREMENTAL = 2


@dataclass(frozen=True)
class Pruned:
    """What a prune removed (or, in a dry run, would remove): mentions deleted, mentions that
    only lost the pruned keywords, entries, and scan-log rows (scans and their sources)."""

    mentions: int = 0
    unlinked: int = 0
    entries: int = 0
    scan_logs: int = 0

    def __bool__(self) -> bool:
        return any((self.mentions, self.unlinked, self.entries, self.scan_logs))


@dataclass(frozen=True)
class Reclaimed:
    """The database's size on disk (file and WAL) before and after space was given back, and
    whether this was the one-time conversion to incremental vacuum."""

    before: int
    after: int
    converted: bool = False


@dataclass(frozen=True)
class TableSize:
    """One table with its indexes (an FTS index with its shadow tables): rows and bytes."""

    name: str
    rows: int
    bytes: int


@dataclass(frozen=True)
class DatabaseStats:
    """What ``stats`` shows: sizes in bytes, pages, and rows per table."""

    path: Path
    file_bytes: int
    wal_bytes: int
    page_size: int
    free_pages: int
    incremental: bool
    mentions: int
    tables: tuple[TableSize, ...]

    @property
    def size(self) -> int:
        return self.file_bytes + self.wal_bytes

    @property
    def bytes_per_mention(self) -> int | None:
        return round(self.size / self.mentions) if self.mentions else None


class RetentionMixin(StoreBase):
    """Pruning, the retention policy, vacuum and database statistics."""

    # -- pruning -----------------------------------------------------------------------------

    def prune(
        self, before: datetime, keywords: Sequence[str] = (), *, dry_run: bool = False
    ) -> Pruned:
        """Delete what was published (mentions) or fetched (entries) before ``before``.

        With ``keywords``, only those keywords' associations go, and a mention only when it
        names no other keyword; entries stay (they belong to no keyword). ``dry_run`` counts.
        """
        moment = iso(before) or ""
        if keywords:
            return self._prune_keywords(moment, keywords, dry_run)
        with self._big_cache():
            return Pruned(
                mentions=self._delete_mentions_before(moment, dry_run),
                entries=self._delete_before("entries", "rowid", "fetched_at", moment, dry_run),
            )

    def apply_retention(
        self, retention: Retention, now: datetime, *, dry_run: bool = False
    ) -> Pruned:
        """Apply the config's ``retention:``: mentions published more than ``mentions_days``
        ago (when set), entries fetched more than ``entries_days`` ago, scan logs older than
        ``scan_logs_days`` (the first scan's line stays: alerts date history from it)."""
        mentions = 0
        entries_cutoff = iso(now - timedelta(days=retention.entries_days)) or ""
        logs_cutoff = iso(now - timedelta(days=retention.scan_logs_days)) or ""
        with self._big_cache():
            if retention.mentions_days is not None:
                cutoff = iso(now - timedelta(days=retention.mentions_days)) or ""
                mentions = self._delete_mentions_before(cutoff, dry_run)
            entries = self._delete_before("entries", "rowid", "fetched_at", entries_cutoff, dry_run)
        return Pruned(
            mentions=mentions,
            entries=entries,
            scan_logs=self._prune_scan_logs(logs_cutoff, dry_run),
        )

    @contextmanager
    def _big_cache(self) -> Iterator[None]:
        """``PRUNE_CACHE_KIB`` of page cache for the duration of a prune, then what it was."""
        if self.postgres:  # its shared buffers are the server's business
            yield
            return
        with self._guard("prune"):
            before = self._pragma("cache_size")
            self.db.execute(f"PRAGMA cache_size = -{PRUNE_CACHE_KIB}")
        try:
            yield
        finally:
            with self._guard("prune"):
                self.db.execute(f"PRAGMA cache_size = {before}")

    def _delete_before(self, table: str, key: str, column: str, moment: str, dry: bool) -> int:
        """Delete the rows of ``table`` whose ``column`` (an indexed time) is before ``moment``,
        ``BATCH`` rows per transaction; or count them."""
        if dry:
            query = f"SELECT count(*) FROM {table} WHERE {column} < ?"
            return int(next(self._rows(query, [moment]))[0])
        delete = (
            f"DELETE FROM {table} WHERE {key} IN"
            f" (SELECT {key} FROM {table} WHERE {column} < ? LIMIT {BATCH})"
        )
        total = 0
        while True:
            with self._writing(f"prune {table}"):
                deleted = max(int(self.db.execute(delete, [moment]).rowcount), 0)
            total += deleted
            if deleted < BATCH:
                return total

    def _delete_mentions_before(self, moment: str, dry: bool) -> int:
        """Delete the mentions published before ``moment``, with every row that hangs on them;
        or count them. Batched, or in one transaction rebuilding the full-text index when a
        large share goes (see the module's docstring). Their rows in other tables (keywords,
        copies, shingles, signatures, status history) are deleted first, table by table: twice
        as fast as the foreign keys' cascade, row by row. Where a table refers to mentions
        otherwise than by a cascading key, the cascade does it."""
        doomed = self._delete_before("mentions", "id", "mentioned_at", moment, dry=True)
        if dry or not doomed:
            return doomed
        if self.postgres:  # the keys cascade set-wise there, the full-text column with the row
            return self._delete_before("mentions", "id", "mentioned_at", moment, dry)
        total = int(next(self._rows("SELECT count(*) FROM mentions"))[0])
        rebuild = doomed >= REBUILD_SHARE * total and self._fts_delete_trigger() is not None
        children = self._cascading_children()
        with self._guard("prune mentions"):
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS pruned_ids (id INTEGER PRIMARY KEY)")
            if children is not None:
                self.db.execute("PRAGMA foreign_keys = OFF")
        try:
            if rebuild:
                return self._delete_rebuilding(moment, children or ())
            return self._delete_batches(moment, children or ())
        finally:
            with self._guard("prune mentions"):
                self.db.execute("PRAGMA foreign_keys = ON")
                self.db.execute("DROP TABLE IF EXISTS temp.pruned_ids")

    def _delete_batches(self, moment: str, children: Sequence[tuple[str, str]]) -> int:
        """``BATCH`` mentions per transaction, the FTS trigger deleting their entries."""
        total = 0
        while True:
            with self._writing("prune mentions"):
                self.db.execute("DELETE FROM temp.pruned_ids")
                self.db.execute(
                    "INSERT INTO temp.pruned_ids SELECT id FROM mentions"
                    f" WHERE mentioned_at < ? LIMIT {BATCH}",
                    [moment],
                )
                deleted = self._delete_pruned_ids(children)
            total += deleted
            if deleted < BATCH:
                return total

    def _delete_rebuilding(self, moment: str, children: Sequence[tuple[str, str]]) -> int:
        """Every mention before ``moment`` in one transaction, the FTS delete trigger set aside
        meanwhile and the index rebuilt from the mentions left (one pass over them)."""
        trigger = self._fts_delete_trigger() or ""
        with self._writing("prune mentions"):
            self.db.execute(f'DROP TRIGGER "{_FTS_DELETE_TRIGGER}"')
            self.db.execute(
                "INSERT INTO temp.pruned_ids SELECT id FROM mentions WHERE mentioned_at < ?",
                [moment],
            )
            deleted = self._delete_pruned_ids(children)
            self.db.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('rebuild')")
            self.db.execute(trigger)
        return deleted

    def _delete_pruned_ids(self, children: Sequence[tuple[str, str]]) -> int:
        for table, column in children:
            self.db.execute(
                f'DELETE FROM "{table}" WHERE "{column}" IN (SELECT id FROM temp.pruned_ids)'
            )
        cursor = self.db.execute(
            "DELETE FROM mentions WHERE id IN (SELECT id FROM temp.pruned_ids)"
        )
        return max(int(cursor.rowcount), 0)

    def _fts_delete_trigger(self) -> str | None:
        """The SQL of the trigger that deletes a mention's full-text entry (None without)."""
        row = self.db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?"
            " AND tbl_name = 'mentions'",
            [_FTS_DELETE_TRIGGER],
        ).fetchone()
        return str(row[0]) if row else None

    def _cascading_children(self) -> list[tuple[str, str]] | None:
        """(table, column) of every table whose rows go with their mention (``ON DELETE
        CASCADE``); None when some reference is of another kind, or is itself referred to,
        and only the foreign keys can delete right."""
        references = self.db.execute(
            'SELECT m.name, f."from", f."table", f.on_delete FROM sqlite_master m'
            " JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'"
        ).fetchall()
        children = [
            (name, column) for name, column, parent, _ in references if parent == "mentions"
        ]
        tables = {name for name, _ in children}
        for _, _, parent, action in references:
            if (parent == "mentions" and action != "CASCADE") or parent in tables:
                return None
        return children

    def _prune_scan_logs(self, moment: str, dry: bool) -> int:
        """Scan-log rows (a scan and its per-source lines) of scans started before ``moment``,
        except the first scan's own line."""
        old = "SELECT id FROM scans WHERE started_at < ? AND id > (SELECT min(id) FROM scans)"
        if dry:
            count = (
                f"SELECT (SELECT count(*) FROM ({old})) +"
                f" (SELECT count(*) FROM scan_sources WHERE scan_id IN ({old}))"
            )
            return int(next(self._rows(count, [moment, moment]))[0])
        with self._writing("prune scan logs"):
            lines = self.db.execute(
                f"DELETE FROM scan_sources WHERE scan_id IN ({old})", [moment]
            ).rowcount
            scans = self.db.execute(f"DELETE FROM scans WHERE id IN ({old})", [moment]).rowcount
        return max(int(lines), 0) + max(int(scans), 0)

    def _prune_keywords(self, moment: str, keywords: Sequence[str], dry: bool) -> Pruned:
        ids = [
            row[0]
            for row in self._rows(
                f"""
                SELECT DISTINCT k.mention_id FROM mention_keywords k
                JOIN mentions m ON m.id = k.mention_id
                WHERE k.keyword IN ({marks(keywords)}) AND m.mentioned_at < ?
                """,
                [*keywords, moment],
            )
        ]
        deleted = 0
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            if dry:
                deleted += self._count_only_named(batch, keywords)
                continue
            with self._writing("prune keywords"):
                for at in range(0, len(batch), _IN_CHUNK):
                    chunk = batch[at : at + _IN_CHUNK]
                    self.db.execute(
                        f"DELETE FROM mention_keywords WHERE keyword IN ({marks(keywords)})"
                        f" AND mention_id IN ({marks(chunk)})",
                        [*keywords, *chunk],
                    )
                    deleted += self.db.execute(
                        f"DELETE FROM mentions WHERE id IN ({marks(chunk)}) AND NOT EXISTS"
                        " (SELECT 1 FROM mention_keywords k WHERE k.mention_id = mentions.id)",
                        chunk,
                    ).rowcount
        return Pruned(mentions=deleted, unlinked=len(ids) - deleted)

    def _count_only_named(self, ids: Sequence[int], keywords: Sequence[str]) -> int:
        """How many of ``ids`` name no keyword but ``keywords`` (a prune would delete them)."""
        count = 0
        for at in range(0, len(ids), _IN_CHUNK):
            chunk = ids[at : at + _IN_CHUNK]
            count += int(
                next(
                    self._rows(
                        f"SELECT count(*) FROM mentions m WHERE m.id IN ({marks(chunk)})"
                        " AND NOT EXISTS (SELECT 1 FROM mention_keywords o WHERE"
                        f" o.mention_id = m.id AND o.keyword NOT IN ({marks(keywords)}))",
                        [*chunk, *keywords],
                    )
                )[0]
            )
        return count

    # -- space -------------------------------------------------------------------------------

    def reclaim_space(
        self, *, convert: bool, wait: bool = True, compact_index: bool = False
    ) -> Reclaimed:
        """Give freed pages back to the file system, so the file shrinks.

        In incremental mode that is cheap (``incremental_vacuum`` moves the last pages into
        the free ones). Otherwise, with ``convert``, one full ``VACUUM`` rewrites the file in
        incremental mode (it needs free disk space about the database's size, for a while);
        without, nothing moves and freed pages wait to be reused. ``compact_index`` (and the
        conversion) first rewrites the full-text index without its deleted rows (FTS5 only
        marks them: after a big prune the index would keep its size). ``wait`` lets the final
        checkpoint wait for readers so the WAL file is emptied too (a scan does not wait).
        """
        before = self._disk_size()
        converted = False
        if self.postgres:
            with self._guard("give freed space back to the disk"):
                pgspace.vacuum(self.db)
            return Reclaimed(before, self._disk_size())
        with self._guard("give freed space back to the disk"):
            incremental = self._pragma("auto_vacuum") == _INCREMENTAL
            if compact_index or (convert and not incremental):
                with self.db.atomic():
                    self.db.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('optimize')")
            if incremental:
                if self._pragma("freelist_count"):
                    # executescript steps the pragma to its end: one execute() frees one page
                    self.db.conn.executescript("PRAGMA incremental_vacuum")
            elif convert:
                self.db.execute(f"PRAGMA auto_vacuum = {_INCREMENTAL}")
                self.db.conn.executescript("VACUUM")
                converted = True
            mode = "TRUNCATE" if wait else "PASSIVE"
            self.db.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()
        return Reclaimed(before, self._disk_size(), converted)

    def _pragma(self, name: str) -> int:
        return int(self.db.execute(f"PRAGMA {name}").fetchone()[0])

    def _disk_size(self) -> int:
        if self.postgres:
            return pgspace.database_bytes(self.db)
        return sum(_file_size(Path(f"{self.path}{suffix}")) for suffix in ("", "-wal"))

    # -- statistics --------------------------------------------------------------------------

    def database_size(self) -> tuple[int, int]:
        """The database's bytes on disk (file and WAL) and how many mentions it holds."""
        mentions = int(next(self._rows("SELECT count(*) FROM mentions"))[0])
        return self._disk_size(), mentions

    def database_stats(self) -> DatabaseStats:
        """Sizes, pages and, per table (its indexes included), rows and bytes. Bytes come from
        SQLite's ``dbstat``; where this SQLite lacks it, they are 0. On PostgreSQL, from its
        catalogue (``store.pgspace``)."""
        if self.postgres:
            return self._pg_stats()
        with self._guard("read the database's statistics"):
            objects = self.db.execute(
                "SELECT name, tbl_name, type, sql FROM sqlite_master"
                " WHERE type IN ('table', 'index')"
            ).fetchall()
            virtual = [n for n, _, t, sql in objects if t == "table" and _is_virtual(sql)]
            owner = {name: _owner(table, virtual) for name, table, _, _ in objects}
            sizes: dict[str, int] = {}
            for name, size in _page_bytes(self.db.conn):
                table = owner.get(name, name)
                sizes[table] = sizes.get(table, 0) + size
            tables = []
            for name, _, kind, _ in objects:
                if kind != "table" or owner[name] != name:
                    continue
                counted = f"{name}_docsize" if name in virtual else name
                rows = self.db.execute(f'SELECT count(*) FROM "{counted}"').fetchone()[0]
                tables.append(TableSize(name, int(rows), sizes.get(name, 0)))
            tables.sort(key=lambda t: (-t.bytes, t.name))
            mentions = next((t.rows for t in tables if t.name == "mentions"), 0)
            return DatabaseStats(
                path=Path(self.path),
                file_bytes=_file_size(Path(self.path)),
                wal_bytes=_file_size(Path(f"{self.path}-wal")),
                page_size=self._pragma("page_size"),
                free_pages=self._pragma("freelist_count"),
                incremental=self._pragma("auto_vacuum") == _INCREMENTAL,
                mentions=mentions,
                tables=tuple(tables),
            )

    def _pg_stats(self) -> DatabaseStats:
        with self._guard("read the database's statistics"):
            tables = [TableSize(*row) for row in pgspace.table_sizes(self.db)]
            tables.sort(key=lambda t: (-t.bytes, t.name))
            return DatabaseStats(
                path=Path(str(self.path)),
                file_bytes=pgspace.database_bytes(self.db),
                wal_bytes=0,
                page_size=pgspace.block_size(self.db),
                free_pages=0,
                incremental=True,
                mentions=next((t.rows for t in tables if t.name == "mentions"), 0),
                tables=tuple(tables),
            )


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _is_virtual(sql: str | None) -> bool:
    return (sql or "").upper().startswith("CREATE VIRTUAL TABLE")


def _owner(table: str, virtual: Sequence[str]) -> str:
    """The table an object's bytes count for: an FTS shadow table counts for its index."""
    return next((v for v in virtual if table.startswith(f"{v}_")), table)


def _page_bytes(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Bytes per table or index, from the ``dbstat`` virtual table ([] without it)."""
    try:
        return conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat WHERE aggregate = TRUE GROUP BY name"
        ).fetchall()
    except sqlite3.OperationalError:
        return []
