"""What a scan writes: its log, new mentions, the entries it fetched, each source's memory;
and rescoring.

Uniqueness of a mention is enforced by the database: a unique key on (source, entry_id), on
the canonical URL and on the content fingerprint; inserts that collide are ignored. Each
source's batch is one transaction, so a killed scan leaves whole batches only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from brandwatch_cli.models import Item, KeywordMatch, Sentiment, SourceOutcome, Validators
from brandwatch_cli.store.base import StoreBase, iso
from brandwatch_cli.store.schema import Database, engagement_numbers, url_domain

_IN_CHUNK = 500


@dataclass(frozen=True)
class NewMention:
    """What the scan hands the store for one matched, analysed item."""

    item: Item
    matches: Sequence[KeywordMatch]
    canonical_url: str | None
    fingerprint: str | None
    sentiment: Sentiment
    language: str | None
    sentiment_version: str = ""
    #: When its entry was fetched, for a mention made from a stored entry (default: now).
    fetched_at: datetime | None = None


@dataclass(frozen=True)
class SourceState:
    """What the database remembers about a source between scans."""

    source: str
    type: str | None = None
    last_attempt: str | None = None
    last_success: str | None = None
    status: str | None = None
    last_error: str | None = None
    failures: int = 0
    next_attempt: str | None = None
    moved_to: str | None = None


@dataclass(frozen=True)
class SourceMemory:
    """What a finished source attempt leaves for the next scan, saved with its mentions:
    validators new or changed since the last scan, and cursors (None when unchanged)."""

    state: SourceState
    validators: Mapping[str, Validators] = field(default_factory=dict)
    keywords_hash: str = ""
    cursors: Mapping[str, str] | None = None


class ScansMixin(StoreBase):
    """What a scan writes and reads back: its log, each source's memory, new mentions; and
    the rescoring of stored mentions."""

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

    # -- source state ------------------------------------------------------------------------

    def source_states(self) -> dict[str, SourceState]:
        names = [f.name for f in fields(SourceState)]
        rows = self._rows(f"SELECT {', '.join(names)} FROM source_state")
        return {row[0]: SourceState(*row) for row in rows}

    def all_validators(self) -> dict[tuple[str, str], dict[str, Validators]]:
        """Conditional-GET validators per (source, keywords hash), read in one query for the
        whole scan. A source uses them only under the hash of its current keywords (a body
        fetched for other keywords must be matched again)."""
        found: dict[tuple[str, str], dict[str, Validators]] = {}
        rows = self._rows(
            "SELECT source, keywords_hash, url, etag, last_modified, content_hash FROM http_cache"
        )
        for source, digest, url, etag, modified, content in rows:
            found.setdefault((source, digest), {})[url] = Validators(etag, modified, content)
        return found

    def all_cursors(self) -> dict[str, dict[str, str]]:
        """Every source's incremental-fetch cursors, read in one query for the whole scan."""
        found: dict[str, dict[str, str]] = {}
        for source, key, value in self._rows("SELECT source, key, value FROM source_cursors"):
            found.setdefault(source, {})[str(key)] = str(value)
        return found

    def _remember(self, memory: SourceMemory) -> None:
        state = memory.state
        names = [f.name for f in fields(SourceState)]
        marks = ", ".join("?" * len(names))
        values = [getattr(state, name) for name in names]
        self.db.execute(
            f"INSERT OR REPLACE INTO source_state ({', '.join(names)}) VALUES ({marks})", values
        )
        for url, known in memory.validators.items():
            self.db.execute(
                "INSERT OR REPLACE INTO http_cache (source, url, etag, last_modified,"
                " content_hash, keywords_hash) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    state.source,
                    url,
                    known.etag,
                    known.last_modified,
                    known.content_hash,
                    memory.keywords_hash,
                ],
            )
        if memory.cursors is not None:
            self.db.execute("DELETE FROM source_cursors WHERE source = ?", [state.source])
            self.db.conn.executemany(
                "INSERT INTO source_cursors (source, key, value) VALUES (?, ?, ?)",
                [(state.source, key, value) for key, value in memory.cursors.items()],
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
        memory: SourceMemory | None = None,
        entries: Sequence[Item] = (),
    ) -> int:
        """Store one source's mentions, its scan-log line, its state and the ``entries`` it
        fetched (kept for re-matching) in one transaction.

        Returns how many mentions were new; a mention colliding on any
        unique key is skipped (ON CONFLICT DO NOTHING: other constraint failures still raise).
        """
        fetched = iso(fetched_at)
        with self._guard(f"save mentions from '{source}'"), self.db.atomic():
            new = len(insert_mentions(self.db, source, mentions, fetched_at))
            if entries:
                write_entries(self.db, source, entries, fetched_at)
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
            if memory is not None:
                self._remember(memory)
        return new

    # -- rescoring ---------------------------------------------------------------------------

    def stale_mentions(self, version: str, after_id: int, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` mentions scored under another version, by id after ``after_id``."""
        return self._dicts(
            """
            SELECT m.id, m.title, m.text, m.source_language, m.sentiment_label,
                (SELECT group_concat(keyword, char(31)) FROM mention_keywords
                    WHERE mention_id = m.id) AS keywords
            FROM mentions m WHERE m.id > ? AND m.sentiment_version != ?
            ORDER BY m.id LIMIT ?
            """,
            [after_id, version, limit],
        )

    def count_stale(self, version: str) -> int:
        rows = self._rows("SELECT count(*) FROM mentions WHERE sentiment_version != ?", [version])
        return int(next(rows)[0])

    def save_analyses(
        self, version: str, rows: Sequence[tuple[int, str | None, Sentiment]]
    ) -> None:
        """New language and sentiment for mentions, in one transaction."""
        with self._guard("save rescored mentions"), self.db.atomic():
            self.db.conn.executemany(
                "UPDATE mentions SET language = ?, sentiment = ?, sentiment_label = ?,"
                " sentiment_method = ?, sentiment_version = ? WHERE id = ?",
                [
                    (language, s.score, s.label, s.method, version, mention_id)
                    for mention_id, language, s in rows
                ],
            )


def insert_mentions(
    db: Database, source: str, mentions: Iterable[NewMention], fetched_at: datetime
) -> list[tuple[int, NewMention]]:
    """Insert mentions of ``source`` with their keywords, inside the caller's transaction;
    returns the (id, mention) of those that were new. The scan and re-matching both save
    through it."""
    inserted = []
    for mention in mentions:
        item = mention.item
        engagement = json.dumps(dict(item.engagement)) if item.engagement else None
        published = iso(item.published_at)
        fetched = iso(mention.fetched_at or fetched_at)
        mentioned = min(published, fetched) if published and fetched else fetched
        row = db.execute(
            """
            INSERT INTO mentions (
                source, entry_id, url, canonical_url, fingerprint, title, text, author,
                published_at, fetched_at, mentioned_at, language, sentiment,
                sentiment_label, engagement, source_language, sentiment_method,
                sentiment_version, domain, interactions, followers
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
                mention.language,
                mention.sentiment.score,
                mention.sentiment.label,
                engagement,
                item.language,
                mention.sentiment.method,
                mention.sentiment_version,
                url_domain(item.url),
                *engagement_numbers(engagement),
            ],
        ).fetchone()
        if row is None:
            continue
        inserted.append((int(row[0]), mention))
        db.conn.executemany(
            "INSERT INTO mention_keywords (keyword, mention_id, terms, fields)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (m.keyword, row[0], json.dumps(list(m.terms)), ",".join(m.fields))
                for m in mention.matches
            ],
        )
    return inserted


def write_entries(db: Database, source: str, items: Iterable[Item], fetched_at: datetime) -> None:
    """Insert or refresh ``items`` of ``source`` (in bulk, inside the caller's transaction); an
    entry fetched again keeps its row, with its latest content and fetch time."""
    fetched = iso(fetched_at)
    db.conn.executemany(
        """
        INSERT INTO entries (source, entry_id, url, title, text, author, published_at,
            fetched_at, source_language, engagement)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (source, entry_id) DO UPDATE SET url = excluded.url,
            title = excluded.title, text = excluded.text, author = excluded.author,
            published_at = excluded.published_at, fetched_at = excluded.fetched_at,
            source_language = excluded.source_language, engagement = excluded.engagement
        """,
        [
            (
                source,
                item.entry_id,
                item.url,
                item.title,
                item.text,
                item.author,
                iso(item.published_at),
                fetched,
                item.language,
                json.dumps(dict(item.engagement)) if item.engagement else None,
            )
            for item in items
        ],
    )
