"""The connection under every part of the store: opening, closing, and guarded reads.

SQLite through sqlite-utils, in WAL mode with a busy timeout so a report can read while a scan
writes. Every SQLite failure (disk full, locked, corrupt) reaches callers as one readable
StoreError. It holds no query of its own: those live with their domain, in the mixins.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self
from urllib.parse import quote

from brandwatch_cli import __version__
from brandwatch_cli.errors import StoreError
from brandwatch_cli.models import MentionFilter
from brandwatch_cli.store.driver import Database, migrations
from brandwatch_cli.store.postgres import (
    PgDatabase,
    driver_errors,
    is_url,
    reason,
)
from brandwatch_cli.store.readers import Readers
from brandwatch_cli.store.schema import known_migrations
from brandwatch_cli.text import redacted_url

BUSY_TIMEOUT_S = 30.0
#: Where a database lives: a SQLite file, or a ``postgresql://`` URL.
Target = Path | str
#: Serialises writers on PostgreSQL, as SQLite's one write lock does (pgschema's namespace).
WRITE_LOCK = 0x6277_0002


def iso(moment: datetime | None) -> str | None:
    """The one timestamp format stored: ISO 8601 in UTC with an explicit offset."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class StoreBase:
    """An open, migrated mention database. Use as a context manager, or call ``close``."""

    def __init__(self, db: Database | PgDatabase, path: Path | str) -> None:
        self.db: Any = db
        #: The file, or the URL without its password: what error messages name.
        self.path = path
        #: Opened ``mode=ro`` because this user cannot write the file or its folder.
        self.read_only = False
        #: PostgreSQL, not SQLite: the few methods whose SQL cannot be shared look here.
        self.postgres = isinstance(db, PgDatabase)
        # psycopg only where it is used: importing it costs a SQLite user's start-up
        self._errors: tuple[type[BaseException], ...] = (
            (sqlite3.Error, *driver_errors()) if self.postgres else (sqlite3.Error,)
        )

    @staticmethod
    def exists(target: Target) -> bool:
        """Whether there is a database to read there (a PostgreSQL URL: assumed, it is
        created by its administrator and migrated by the first command)."""
        return is_url(target) or Path(target).exists()

    @classmethod
    def open(cls, path: Target, *, create: bool = True) -> Self:
        """Open (and migrate) the database at ``path`` (a file, or a ``postgresql://`` URL);
        StoreError if that is impossible."""
        if is_url(path):
            return cls._open_postgres(str(path))
        path = Path(path)
        if not create and not path.exists():
            raise StoreError(f"{path}: no mention database yet (run `brandwatch scan` first)")
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not a mention database file")
        if path.exists() and not os.access(path, os.R_OK):
            raise StoreError(f"{path}: cannot read the mention database (permission denied)")
        if not create and not _writable(path):
            return cls._open_read_only(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
            db = Database(conn, execute_plugins=False)
            _refuse_foreign(db, path)  # before WAL mode: that rewrites the file's header
            if not db.execute("PRAGMA page_count").fetchone()[0]:  # a new, empty file
                # before WAL mode and the first table, or it is ignored (see store.retention);
                # never on an existing file: setting it writes, even when unchanged
                db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            _refuse_newer(db, path)
            if migrations.pending(db):
                _migrate(db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open the mention database ({exc})") from None
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the mention database ({exc})") from None
        return cls(db, path)

    @classmethod
    def _open_postgres(cls, url: str) -> Self:
        from brandwatch_cli.store.pgschema import migrate

        db = PgDatabase(url)
        try:
            migrate(db)
        except (*driver_errors(), RuntimeError) as exc:  # type: ignore[misc]
            db.close()
            raise StoreError(
                f"{redacted_url(url)}: cannot prepare the mention database ({reason(exc)})"
            ) from None
        return cls(db, redacted_url(url))

    @classmethod
    def _open_read_only(cls, path: Path) -> Self:
        """Open a database this user may read but not write (the cron user owns it, analysts
        read it): ``mode=ro``, no migration; commands that only read work, writers get one
        readable StoreError at their first write instead of SQLite's "readonly database"."""
        try:
            conn = _connect_read_only(path)
            db = Database(conn, execute_plugins=False)
            _refuse_foreign(db, path)
            _refuse_newer(db, path)
            applied = {m.name for m in migrations.applied(db)}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open the mention database ({exc})") from None
        missing = sorted(known_migrations() - applied)
        if missing:
            conn.close()
            raise StoreError(
                f"{path}: read-only for you, and written by an older brandwatch: its schema"
                f" lacks {', '.join(missing)}; run any command once as a user who can write it"
            )
        store = cls(db, path)
        store.read_only = True
        return store

    def close(self) -> None:
        self.db.close()

    def sibling(self) -> Self:
        """Another connection to this database, for a thread of its own (``readers``):
        migrated already by this one, read-only when this one is; usable from any thread."""
        if self.postgres:
            return type(self)(PgDatabase(self.db.url), self.path)
        path = Path(self.path)
        with self._guard("open another connection"):
            if self.read_only:
                conn = _connect_read_only(path, check_same_thread=False)
            else:
                conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        store = type(self)(Database(conn, execute_plugins=False), path)
        store.read_only = self.read_only
        return store

    def readers(self, workers: int) -> Readers[Self]:
        """Threads reading beside this connection, each through a ``sibling`` (see
        ``store.readers``): none started until a task is given."""
        return Readers(self, workers)

    def interrupt(self) -> None:
        """Stop the statement this connection runs (from another thread): it fails."""
        if self.postgres:
            self.db.conn.raw.cancel()
        else:
            self.db.conn.interrupt()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn SQLite failures (disk full, locked, corrupt) into one readable StoreError."""
        try:
            yield
        except self._errors as exc:
            if self.read_only and "readonly" in str(exc):
                raise StoreError(
                    f"{self.path}: cannot {action}: the database is read-only for you"
                    " (permission denied)"
                ) from None
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"{self.path}: cannot {action}: {reason}") from None

    @contextmanager
    def _writing(self, action: str) -> Iterator[None]:
        """One write transaction, its lock taken at the start (``BEGIN IMMEDIATE``): a writer
        that reads first would otherwise fail at once ("database is locked") when another
        process wrote meanwhile, instead of waiting its turn like readers do."""
        if self.read_only:
            raise StoreError(
                f"{self.path}: cannot {action}: the database is read-only for you"
                " (permission denied)"
            )
        with self._guard(action):
            if self.db.conn.in_transaction:  # nested: a savepoint inside the caller's
                with self.db.atomic():
                    yield
                return
            self.db.conn.execute("BEGIN IMMEDIATE")
            if self.postgres:  # one writer at a time, as on SQLite (ids are max + 1)
                self.db.conn.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK])
            try:
                yield
                self._before_commit()
                self.db.conn.execute("COMMIT")
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                raise

    def _before_commit(self) -> None:
        """What every write transaction does last (the summary mixin keeps its figures right)."""

    def _columns(self, table: str) -> set[str]:
        """The names of a table's columns (a read-only database may predate some)."""
        with self._guard("read mentions"):
            if self.postgres:
                return set(self.db.columns(table))
            return {column.name for column in self.db.table(table).columns}

    def last_mention_id(self) -> int:
        """The largest mention id stored (0: none): where a pass by id ends."""
        return int(next(self._rows("SELECT coalesce(max(id), 0) FROM mentions"))[0])

    def first_id(self, selections: Sequence[MentionFilter]) -> int:
        """A lower bound of the ids ``selections`` hold, so that a keyword with years of
        mentions is read from its period on: a mention's time (``mentioned_at``) is never
        after its fetch, so whatever a period holds was fetched within it or later. 0 when
        the periods go back to the first mention stored (nothing to skip)."""
        starts = [s.since for s in selections if s.after_id is None]
        if any(start is None for start in starts):
            return 0
        after = [s.after_id + 1 for s in selections if s.after_id is not None]
        first_fetch = next(self._rows("SELECT min(fetched_at) FROM mentions"))[0]
        earliest = min(iso(start) or "" for start in starts) if starts else None
        if earliest is not None and (first_fetch is None or earliest <= first_fetch):
            return 0
        if earliest is not None:
            # the fetch index: min(id) would otherwise walk the ids from the first one
            # (PostgreSQL ignores the hint; "+id" keeps it off the primary key too)
            sql = "SELECT min(+id) FROM mentions INDEXED BY mentions_fetched WHERE fetched_at >= ?"
            after.append(int(next(self._rows(sql, [earliest]))[0] or 0))
        return min(after)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """Stream the rows of a read query; SQLite failures become StoreError."""
        with self._guard("read mentions"):
            # A plain loop, not ``yield from``: closing this generator must not close the cursor
            # of a connection that may already be closed.
            for row in self.db.conn.execute(sql, list(params)):  # noqa: UP028
                yield row

    def _streamed(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """``_rows`` for listings that may run to millions of rows: memory stays flat on
        PostgreSQL too (a server-side cursor); the caller must not write meanwhile."""
        if not self.postgres:
            yield from self._rows(sql, params)
            return
        with self._guard("read mentions"):
            yield from self.db.conn.stream(sql, list(params))

    def _dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """All rows of a read query, as dicts keyed by column name."""
        with self._guard("read mentions"):
            cursor = self.db.conn.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor]


def _migrate(db: Database) -> None:
    """Apply the pending migrations in one transaction that takes the write lock first, so
    that processes opening a new database at once (workers started together) take turns:
    the later ones find nothing left to do instead of failing on "table already exists"."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)  # each migration in a savepoint of this transaction
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


def _connect_read_only(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """A ``mode=ro`` connection. SQLite reads a WAL database through its ``-shm`` index, which
    a reader that cannot write the folder cannot create: when no writer has it open (no
    ``-wal`` file), the file is read as ``immutable`` instead (nobody is changing it)."""
    base = f"file:{quote(str(path.absolute()))}?mode=ro"
    conn = sqlite3.connect(
        base, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=check_same_thread
    )
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if path.with_name(path.name + "-wal").exists():
            raise
    return sqlite3.connect(
        base + "&immutable=1",
        uri=True,
        timeout=BUSY_TIMEOUT_S,
        check_same_thread=check_same_thread,
    )


def _writable(path: Path) -> bool:
    """Whether this user can write the database and its folder (SQLite writes its journal and
    WAL files beside it): when not, read commands open it read-only."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _refuse_foreign(db: Database, path: Path) -> None:
    """StoreError when the file holds tables but none of brandwatch's migrations: another
    program's database (``--db`` naming the wrong file) is left as it is, byte for byte."""
    if migrations.applied(db):
        return
    names = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    ).fetchall()
    tables = [name for (name,) in names if name != migrations.migrations_table]
    if tables:
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        raise StoreError(
            f"{path}: not a brandwatch database (it holds another program's tables: {shown});"
            " left as it is: give --db a new file or a brandwatch database"
        )


def _refuse_newer(db: Database, path: Path) -> None:
    """StoreError when the database has migrations this version does not know: a newer
    brandwatch wrote it, and writing to it with an older one could corrupt what it added."""
    unknown = [m.name for m in migrations.applied(db) if m.name not in known_migrations()]
    if unknown:
        raise StoreError(
            f"{path} was written by a newer brandwatch than this one ({__version__}): its"
            f" schema has {', '.join(unknown)}, which this version does not know; upgrade"
            " brandwatch-cli to use it"
        )
