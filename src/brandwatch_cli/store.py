"""The mention database: schema, migrations and every write.

SQLite through sqlite-utils, in WAL mode with a busy timeout so a report can read while a scan
writes. Uniqueness of a mention is enforced by the database: a unique key on (source,
entry_id), on the canonical URL and on the content fingerprint; inserts that collide are
ignored. Each source's batch is one transaction, so a killed scan leaves whole batches only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from brandwatch_cli.errors import StoreError
from brandwatch_cli.matching import KeywordMatch
from brandwatch_cli.models import Item

BUSY_TIMEOUT_S = 30.0
_IN_CHUNK = 500

migrations = Migrations("brandwatch")


@migrations()
def m001_mentions(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE mentions (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            url TEXT,
            canonical_url TEXT,
            fingerprint TEXT,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            author TEXT,
            published_at TEXT,
            fetched_at TEXT NOT NULL,
            mentioned_at TEXT NOT NULL,
            language TEXT,
            sentiment REAL NOT NULL,
            sentiment_label TEXT NOT NULL
                CHECK (sentiment_label IN ('positive', 'neutral', 'negative'))
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX mentions_source_entry ON mentions (source, entry_id)")
    db.execute("CREATE UNIQUE INDEX mentions_canonical_url ON mentions (canonical_url)")
    db.execute("CREATE UNIQUE INDEX mentions_fingerprint ON mentions (fingerprint)")
    db.execute("CREATE INDEX mentions_mentioned_at ON mentions (mentioned_at)")
    db.execute(
        """
        CREATE TABLE mention_keywords (
            keyword TEXT NOT NULL,
            mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
            terms TEXT NOT NULL DEFAULT '[]',
            fields TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (keyword, mention_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX mention_keywords_mention ON mention_keywords (mention_id)")
    db.execute(
        """
        CREATE TABLE scans (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            new_mentions INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute(
        """
        CREATE TABLE scan_sources (
            scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
            source TEXT NOT NULL,
            status TEXT NOT NULL,
            entries INTEGER NOT NULL DEFAULT 0,
            matched INTEGER NOT NULL DEFAULT 0,
            new_mentions INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            duration_s REAL,
            finished_at TEXT NOT NULL,
            PRIMARY KEY (scan_id, source)
        )
        """
    )


def iso(moment: datetime | None) -> str | None:
    """The one timestamp format stored: ISO 8601 in UTC with an explicit offset."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class NewMention:
    """What the scan hands the store for one matched, scored item."""

    item: Item
    matches: Sequence[KeywordMatch]
    canonical_url: str | None
    fingerprint: str | None
    sentiment: float
    sentiment_label: str


@dataclass(frozen=True)
class SourceOutcome:
    """One source's line in the scan log."""

    source: str
    status: str
    entries: int = 0
    matched: int = 0
    new_mentions: int = 0
    error: str | None = None
    duration_s: float = 0.0


class MentionStore:
    """An open mention database. Use as a context manager, or call ``close``."""

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> MentionStore:
        """Open (and migrate) the database at ``path``; StoreError if that is impossible."""
        if not create and not path.exists():
            raise StoreError(f"{path}: no mention database yet (run `brandwatch scan` first)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
            db = Database(conn, execute_plugins=False)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            migrations.apply(db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open the mention database ({exc})") from None
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the mention database ({exc})") from None
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> MentionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn SQLite failures (disk full, locked, corrupt) into one readable StoreError."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot {action}: {exc}") from None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """Stream the rows of a read query; SQLite failures become StoreError."""
        with self._guard("read mentions"):
            # A plain loop, not ``yield from``: closing this generator must not close the cursor
            # of a connection that may already be closed.
            for row in self.db.conn.execute(sql, list(params)):  # noqa: UP028
                yield row

    def dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """All rows of a read query, as dicts keyed by column name."""
        with self._guard("read mentions"):
            cursor = self.db.conn.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor]

    # -- scans -------------------------------------------------------------------------------

    def start_scan(self, now: datetime) -> int:
        """Record a scan as running; a scan killed before ``finish_scan`` stays visible."""
        with self._guard("record the scan"), self.db.atomic():
            cursor = self.db.execute("INSERT INTO scans (started_at) VALUES (?)", [iso(now)])
        return int(cursor.lastrowid or 0)

    def finish_scan(self, scan_id: int, now: datetime, status: str) -> None:
        with self._guard("record the scan"), self.db.atomic():
            self.db.execute(
                """
                UPDATE scans SET finished_at = ?, status = ?, new_mentions = (
                    SELECT coalesce(sum(new_mentions), 0) FROM scan_sources WHERE scan_id = ?
                ) WHERE id = ?
                """,
                [iso(now), status, scan_id, scan_id],
            )

    # -- mentions ----------------------------------------------------------------------------

    def known(self, source: str, keys: Sequence[tuple[str, str | None, str | None]]) -> set[int]:
        """Indexes of ``keys`` (entry id, canonical URL, fingerprint) already stored.

        Only spares the scan from scoring what it already has; the unique keys decide.
        """
        found_ids = self._existing("entry_id", [k[0] for k in keys], source)
        found_urls = self._existing("canonical_url", [k[1] for k in keys if k[1]])
        found_prints = self._existing("fingerprint", [k[2] for k in keys if k[2]])
        return {
            index
            for index, (entry_id, url, print_) in enumerate(keys)
            if entry_id in found_ids or url in found_urls or print_ in found_prints
        }

    def _existing(self, column: str, values: Sequence[str], source: str | None = None) -> set[str]:
        assert column in ("entry_id", "canonical_url", "fingerprint")
        found: set[str] = set()
        for start in range(0, len(values), _IN_CHUNK):
            chunk = list(values[start : start + _IN_CHUNK])
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {column} FROM mentions WHERE {column} IN ({marks})"
            params: list[str] = chunk
            if source is not None:
                sql += " AND source = ?"
                params = [*chunk, source]
            with self._guard("read mentions"):
                found.update(row[0] for row in self.db.execute(sql, params))
        return found

    def save_batch(
        self,
        scan_id: int,
        source: str,
        mentions: Iterable[NewMention],
        outcome: SourceOutcome,
        fetched_at: datetime,
    ) -> int:
        """Store one source's mentions and its scan-log line in one transaction.

        Returns how many mentions were new; a mention colliding on any
        unique key is skipped (ON CONFLICT DO NOTHING: other constraint failures still raise).
        """
        fetched = iso(fetched_at)
        new = 0
        with self._guard(f"save mentions from '{source}'"), self.db.atomic():
            for mention in mentions:
                item = mention.item
                published = iso(item.published_at)
                mentioned = min(published, fetched) if published and fetched else fetched
                row = self.db.execute(
                    """
                    INSERT INTO mentions (
                        source, entry_id, url, canonical_url, fingerprint, title, text, author,
                        published_at, fetched_at, mentioned_at, language, sentiment,
                        sentiment_label
                    ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING RETURNING id
                    """,
                    [
                        source,
                        item.entry_id,
                        item.url,
                        mention.canonical_url,
                        mention.fingerprint,
                        item.title,
                        item.text,
                        item.author,
                        published,
                        fetched,
                        mentioned,
                        item.language,
                        mention.sentiment,
                        mention.sentiment_label,
                    ],
                ).fetchone()
                if row is None:
                    continue
                new += 1
                self.db.conn.executemany(
                    "INSERT INTO mention_keywords (keyword, mention_id, terms, fields)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [
                        (m.keyword, row[0], json.dumps(list(m.terms)), ",".join(m.fields))
                        for m in mention.matches
                    ],
                )
            self.db.execute(
                """
                INSERT OR REPLACE INTO scan_sources (scan_id, source, status, entries, matched,
                    new_mentions, error, duration_s, finished_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    scan_id,
                    source,
                    outcome.status,
                    outcome.entries,
                    outcome.matched,
                    new,
                    outcome.error,
                    round(outcome.duration_s, 3),
                    fetched,
                ],
            )
        return new
