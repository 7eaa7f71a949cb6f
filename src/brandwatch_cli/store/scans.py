"""What a scan writes: its log, new mentions, the entries it fetched, each source's memory;
and rescoring.

Uniqueness of a mention is enforced by the database: a unique key on (source, entry_id), on
the canonical URL and on the content fingerprint. A new entry that belongs to a stored story
(``StoriesMixin.find_story``) adds no mention: it is recorded as a copy, or, published earlier
than the story's face, becomes the face. Each source's batch is one transaction, so a killed
scan leaves whole batches only; and since batches are written one at a time and each decides
against what is stored, the face is the same whichever order the sources finish in.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from brandwatch_cli.dedupe import face_key
from brandwatch_cli.models import Item, KeywordMatch, Sentiment, SourceOutcome, Validators
from brandwatch_cli.runtime import no_cycle_collection
from brandwatch_cli.store.aspecttables import INSERT_ASPECTS, aspect_rows, aspects_json
from brandwatch_cli.store.base import iso
from brandwatch_cli.store.batches import (
    BatchesMixin,
    NewMention,
    face_values,
    keyword_rows,
)
from brandwatch_cli.store.driver import Database
from brandwatch_cli.store.filters import marks
from brandwatch_cli.store.stories import NewCopy, StoredStory

_IN_CHUNK = 500


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


class ScansMixin(BatchesMixin):
    """What a scan writes and reads back: its log, each source's memory, new mentions; and
    the rescoring of stored mentions."""

    # -- scans -------------------------------------------------------------------------------

    def start_scan(self, now: datetime) -> int:
        """Record a scan as running; a scan killed before ``finish_scan`` stays visible."""
        with self._writing("record the scan"):
            cursor = self.db.execute(
                "INSERT INTO scans (started_at) VALUES (?) RETURNING id", [iso(now)]
            )
            (scan_id,) = cursor.fetchone()
        return int(scan_id)

    def finish_scan(self, scan_id: int, now: datetime, status: str) -> None:
        with self._writing("record the scan"):
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
        # an upsert of these columns only: a replace would also wipe what others keep in the
        # row (``failure_reported_at``: a long failure would be reported again every scan)
        updates = ", ".join(f"{name} = excluded.{name}" for name in names[1:])
        self.db.execute(
            f"INSERT INTO source_state ({', '.join(names)}) VALUES ({marks})"
            f" ON CONFLICT (source) DO UPDATE SET {updates}",
            values,
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

    def known(self, source: str, keys: Sequence[tuple[str, str | None]]) -> set[int]:
        """Indexes of ``keys`` (entry id, canonical URL) whose page is stored: this source's
        entry, or the URL, as a mention or as a copy of one.

        A shared fingerprint is not enough: that entry may be a copy to record, or an earlier
        copy to become the face. Only spares the scan from scoring what it already has.
        """
        entry_ids = [k[0] for k in keys]
        urls = [k[1] for k in keys if k[1]]
        found_ids = set()
        found_urls = set()
        for table in ("mentions", "story_copies"):
            found_ids |= self._existing(table, "entry_id", entry_ids, source)
            found_urls |= self._existing(table, "canonical_url", urls)
        return {
            index
            for index, (entry_id, url) in enumerate(keys)
            if entry_id in found_ids or url in found_urls
        }

    def _existing(
        self, table: str, column: str, values: Sequence[str], source: str | None = None
    ) -> set[str]:
        assert table in ("mentions", "story_copies")
        assert column in ("entry_id", "canonical_url")
        found: set[str] = set()
        for start in range(0, len(values), _IN_CHUNK):
            chunk = list(values[start : start + _IN_CHUNK])
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {column} FROM {table} WHERE {column} IN ({marks})"
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
        ranks: Mapping[str, int] | None = None,
        entries: Sequence[Item] = (),
    ) -> int:
        """Store one source's mentions, its scan-log line, its state and the ``entries`` it
        fetched (kept for re-matching) in one transaction.

        Returns how many mentions were new (with ``outcome.new_mentions``: those earlier
        batches of a streamed source stored, see ``save_mentions``). New stories are written
        in bulk (``BatchesMixin``). A mention of a stored story is recorded as its
        copy, or becomes its face when published earlier (ties: the source first in
        ``ranks``, the config order; sources not in it come last); with its own copies.
        """
        fetched = iso(fetched_at) or ""
        with self._writing(f"save mentions from '{source}'"):
            new = self._save_all(source, list(mentions), fetched, ranks or {})
            new += outcome.new_mentions  # counted by earlier batches of the same source
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

    def save_mentions(
        self,
        source: str,
        mentions: Sequence[NewMention],
        fetched_at: datetime,
        ranks: Mapping[str, int] | None = None,
        entries: Sequence[Item] = (),
    ) -> int:
        """One batch of a source read in several (a big local file): its mentions and
        ``entries`` in one transaction, decided as ``save_batch`` decides; the source's
        scan-log line and state come with its last ``save_batch``. Returns how many were new."""
        fetched = iso(fetched_at) or ""
        with self._writing(f"save mentions from '{source}'"):
            new = self._save_all(source, mentions, fetched, ranks or {})
            if entries:
                write_entries(self.db, source, entries, fetched_at)
        return new

    def _save_all(
        self, source: str, mentions: Sequence[NewMention], fetched: str, ranks: Mapping[str, int]
    ) -> int:
        """New stories in bulk, then one by one those that join a story (stored, or written
        just before): inside the caller's transaction."""
        with no_cycle_collection():
            alone = self.new_faces(source, mentions)
            new = self.insert_faces(
                source, [m for m, a in zip(mentions, alone, strict=True) if a], fetched
            )
        for mention, is_new in zip(mentions, alone, strict=True):
            if not is_new:
                new += self.save_mention(source, mention, fetched, ranks)
        return new

    def save_mention(
        self, source: str, mention: NewMention, fetched: str, ranks: Mapping[str, int]
    ) -> int:
        """Save one mention inside the caller's transaction: 1 when it is a new story, 0 when
        it joined a stored one (as a copy, or as its earlier face). The scan and re-matching
        both save through it; a mention made from a stored entry keeps that entry's
        ``fetched_at``."""
        item = mention.item
        if mention.fetched_at is not None:
            fetched = iso(mention.fetched_at) or fetched
        story = self.find_story(
            source, item.entry_id, mention.canonical_url, mention.fingerprint, mention.shingles
        )
        if story is None:
            values = face_values(source, mention)
            published = values["published_at"]
            values["fetched_at"] = fetched
            values["mentioned_at"] = min(published, fetched) if published else fetched
            row = self.db.execute(
                f"INSERT INTO mentions ({', '.join(values)}) VALUES ({marks(values)})"
                " ON CONFLICT DO NOTHING RETURNING id",
                list(values.values()),
            ).fetchone()
            if row is None:  # a unique key find_story does not look at
                return 0
            self._insert_keywords(row[0], mention)
            self.index_story(row[0], mention.shingles, replace=False)
            self.add_copies(row[0], source, mention.copies, fetched)
            return 1
        if not story.same_page:
            rank = ranks.get(source, len(ranks))
            earlier = face_key(iso(item.published_at), rank) < face_key(
                story.published_at, ranks.get(story.source, len(ranks))
            )
            if not (earlier and self._swap_face(story, source, mention)):
                self.add_copies(
                    story.id,
                    source,
                    [NewCopy(item, mention.canonical_url, mention.fingerprint)],
                    fetched,
                )
        self.add_copies(story.id, source, mention.copies, fetched)
        return 0

    def _swap_face(self, story: StoredStory, source: str, mention: NewMention) -> bool:
        """Make an earlier copy the face of a stored story: it takes the row (and is scored
        by its own text) while the former face becomes a copy. The id, status, note and
        arrival time stay. False when the copy's keys collide with another mention."""
        (face,) = self._dicts(
            "SELECT source, entry_id, url, canonical_url, fingerprint, published_at, fetched_at"
            " FROM mentions WHERE id = ?",
            [story.id],
        )
        values = face_values(source, mention)
        published = values["published_at"]
        try:
            with self.db.atomic():  # PostgreSQL aborts the whole transaction otherwise
                self.db.execute(
                    f"UPDATE mentions SET {', '.join(f'{name} = ?' for name in values)},"
                    " mentioned_at = CASE WHEN ? < fetched_at THEN ? ELSE fetched_at END"
                    " WHERE id = ?",
                    [*values.values(), published, published, story.id],
                )
        except self._errors as exc:
            if not _unique_violation(exc):
                raise
            return False
        self.record_copy(
            story.id,
            face["source"],
            face["entry_id"],
            face["url"],
            face["canonical_url"],
            face["fingerprint"],
            face["published_at"],
            face["fetched_at"],
        )
        self.db.execute("DELETE FROM mention_keywords WHERE mention_id = ?", [story.id])
        self.db.execute("DELETE FROM mention_aspects WHERE mention_id = ?", [story.id])
        self._insert_keywords(story.id, mention)
        self.index_story(story.id, mention.shingles, replace=True)
        return True

    def _insert_keywords(self, mention_id: int, mention: NewMention) -> None:
        """The mention's keyword rows, and its aspect rows (a new face: none stored)."""
        self.db.conn.executemany(
            "INSERT INTO mention_keywords (keyword, mention_id, terms, fields, sentiment,"
            " sentiment_label) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            keyword_rows(mention_id, mention),
        )
        self.db.conn.executemany(INSERT_ASPECTS, aspect_rows(mention_id, mention.aspects))

    # -- rescoring ---------------------------------------------------------------------------

    def stale_mentions(
        self, version: str, after_id: int, limit: int, ids: Sequence[int] | None = None
    ) -> list[dict[str, Any]]:
        """Up to ``limit`` mentions scored under another version, by id after ``after_id``
        (among ``ids`` when given): what analysis reads of each, its keywords as
        KeywordMatch values (``matches``) and the label stored for each (``keyword_labels``)."""
        among = "" if ids is None else f" AND m.id IN ({marks(ids)})"
        rows = self._dicts(
            f"""
            SELECT m.id, m.source, m.title, m.text, m.source_language, m.sentiment_label,
                m.engagement,
                (SELECT json_group_array(json_array(keyword, json(terms), fields, sentiment_label))
                    FROM mention_keywords WHERE mention_id = m.id) AS matches
            FROM mentions m WHERE m.id > ? AND m.sentiment_version != ?{among}
            ORDER BY m.id LIMIT ?
            """,
            [after_id, version, *(ids or ()), limit],
        )
        for row in rows:
            keywords = json.loads(row["matches"] or "[]")
            row["matches"] = [
                KeywordMatch(keyword, tuple(terms), tuple(f for f in places.split(",") if f))
                for keyword, terms, places, _ in keywords
            ]
            row["keyword_labels"] = {keyword: label for keyword, _, _, label in keywords}
            row["engagement"] = _engagement(row["engagement"])
        return rows

    def count_stale(self, version: str) -> int:
        rows = self._rows("SELECT count(*) FROM mentions WHERE sentiment_version != ?", [version])
        return int(next(rows)[0])

    def save_analyses(
        self,
        version: str,
        rows: Sequence[
            tuple[int, str | None, Sentiment, Mapping[str, Sentiment], Mapping[str, float]]
        ],
    ) -> None:
        """New language and sentiment for mentions, for each of their keywords and aspects
        (their aspects are replaced), in one transaction."""
        with self._writing("save rescored mentions"):
            self.db.conn.executemany(
                "UPDATE mentions SET language = ?, sentiment = ?, sentiment_label = ?,"
                " sentiment_method = ?, sentiment_version = ?, aspects = ? WHERE id = ?",
                [
                    (language, s.score, s.label, s.method, version, aspects_json(a), mention_id)
                    for mention_id, language, s, _, a in rows
                ],
            )
            self.db.conn.executemany(
                "DELETE FROM mention_aspects WHERE mention_id = ?", [(row[0],) for row in rows]
            )
            self.db.conn.executemany(
                INSERT_ASPECTS, [r for row in rows for r in aspect_rows(row[0], row[4])]
            )
            self.db.conn.executemany(
                "UPDATE mention_keywords SET sentiment = ?, sentiment_label = ?"
                " WHERE mention_id = ? AND keyword = ?",
                [
                    (*_score(s), mention_id, keyword)
                    for mention_id, _, _, per_keyword, _ in rows
                    for keyword, s in per_keyword.items()
                ],
            )


def _unique_violation(exc: BaseException) -> bool:
    """Whether a failed write broke a unique key (sqlite3's IntegrityError, psycopg's
    UniqueViolation, SQLSTATE 23505)."""
    return isinstance(exc, sqlite3.IntegrityError) or getattr(exc, "sqlstate", None) == "23505"


def _score(sentiment: Sentiment) -> tuple[float, str]:
    return sentiment.score, sentiment.label


def _engagement(raw: str | None) -> dict[str, Any]:
    """A stored engagement JSON object as a dict ({} for anything else)."""
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


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
