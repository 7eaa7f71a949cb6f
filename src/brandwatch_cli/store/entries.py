"""Fetched entries kept for re-matching, the keyword definitions the associations reflect,
and re-matching's writes (pruning is in ``retention``).

Every entry a scan parses (matched or not) is kept ``retention.entries_days`` after it was
last fetched, so that a keyword added later finds what was fetched before it. What matches is
decided by the scan package; this module only stores the entries, hands them back, and applies
a ``RematchPlan`` in one transaction (or rolls it back, for a dry run).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from brandwatch_cli.errors import StoreError
from brandwatch_cli.models import Item, KeywordChanges, KeywordMatch
from brandwatch_cli.store import pgspace
from brandwatch_cli.store.base import iso
from brandwatch_cli.store.batches import NewMention
from brandwatch_cli.store.filters import marks
from brandwatch_cli.store.scans import ScansMixin
from brandwatch_cli.store.schema_rescore_marks import REMATCHED

_IN_CHUNK = 500


@dataclass(frozen=True)
class StoredEntry:
    """An entry as a scan fetched it, with where and when."""

    source: str
    item: Item
    fetched_at: datetime


@dataclass(frozen=True)
class StoredMention:
    """A stored mention as re-matching reads it: its text, language, triage status, and its
    keywords (name -> match)."""

    id: int
    source: str
    title: str
    text: str
    language: str | None
    status: str
    keywords: Mapping[str, KeywordMatch]


@dataclass(frozen=True)
class RematchPlan:
    """What re-matching decided: mentions to create, associations to add, rewrite (same
    keyword, other terms) or drop, keywords whose associations all go, and the keyword
    definitions the store then reflects."""

    definitions: Mapping[str, str]
    new_mentions: Sequence[tuple[str, NewMention]] = ()
    add: Sequence[tuple[int, KeywordMatch]] = ()
    rewrite: Sequence[tuple[int, KeywordMatch]] = ()
    drop: Sequence[tuple[int, str]] = ()
    removed_keywords: Sequence[str] = ()


class _DryRun(Exception):
    """Raised inside the transaction of a dry run, to roll it back."""


class EntriesMixin(ScansMixin):
    """Stored entries, keyword state and re-matching's writes."""

    # -- entries -----------------------------------------------------------------------------

    def drop_entries_before(self, before: datetime) -> int:
        """Delete entries last fetched before ``before`` (a range of the fetched_at index)."""
        with self._writing("drop old entries"):
            cursor = self.db.execute("DELETE FROM entries WHERE fetched_at < ?", [iso(before)])
        return max(int(cursor.rowcount), 0)

    def stored_entries(
        self, since: datetime, after: int, limit: int
    ) -> list[tuple[int, StoredEntry]]:
        """Up to ``limit`` entries fetched since ``since``, by row number after ``after``."""
        rows = self._rows(
            """
            SELECT rowid, source, entry_id, url, title, text, author, published_at, fetched_at,
                source_language, engagement
            FROM entries WHERE rowid > ? AND fetched_at >= ? ORDER BY rowid LIMIT ?
            """,
            [after, iso(since), limit],
        )
        found = []
        for row in rows:
            rowid, source, entry_id, url, title, text, author, published, fetched = row[:9]
            language, engagement = row[9:]
            item = Item(
                entry_id,
                url,
                title,
                text,
                author,
                datetime.fromisoformat(published) if published else None,
                language,
                json.loads(engagement) if engagement else {},
            )
            found.append((int(rowid), StoredEntry(source, item, datetime.fromisoformat(fetched))))
        return found

    def entries_size(self) -> tuple[int, int]:
        """How many entries are kept, and the bytes their table and indexes take on disk
        (their text's length where SQLite has no ``dbstat``)."""
        count = int(next(self._rows("SELECT count(*) FROM entries"))[0])
        if self.postgres:
            with self._guard("read the entries' size"):
                return count, pgspace.table_bytes(self.db, "entries")
        try:
            size = next(
                self._rows(
                    "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN"
                    " ('entries', 'entries_fetched_at', 'sqlite_autoindex_entries_1')"
                )
            )[0]
        except StoreError:  # no dbstat in this SQLite build
            size = next(
                self._rows(
                    "SELECT coalesce(sum(length(title) + length(text) + length(url)), 0)"
                    " FROM entries"
                )
            )[0]
        return count, int(size)

    # -- keyword state and re-matching -------------------------------------------------------

    def keyword_definitions(self) -> dict[str, str] | None:
        """Per keyword, the hash of the definition the stored associations reflect; None
        before the first re-matching (a database from before it, or a new one)."""
        rows = {
            str(k): str(v) for k, v in self._rows("SELECT keyword, definition FROM keyword_state")
        }
        return rows or None

    def stored_mentions(self, after: int, limit: int) -> list[StoredMention]:
        """Up to ``limit`` mentions by id after ``after``, with their keywords."""
        rows = self._rows(
            """
            SELECT m.id, m.source, m.title, m.text, m.language, m.status,
                (SELECT json_group_array(json_array(keyword, terms, fields))
                    FROM mention_keywords WHERE mention_id = m.id)
            FROM mentions m WHERE m.id > ? ORDER BY m.id LIMIT ?
            """,
            [after, limit],
        )
        found = []
        for mention_id, source, title, text, language, status, keywords in rows:
            matches = {
                name: KeywordMatch(name, tuple(json.loads(terms)), _fields(fields))
                for name, terms, fields in json.loads(keywords or "[]")
            }
            found.append(StoredMention(mention_id, source, title, text, language, status, matches))
        return found

    def apply_rematch(
        self, plan: RematchPlan, now: datetime, *, commit: bool = True
    ) -> KeywordChanges:
        """Apply ``plan`` in one transaction, or only count what it would do (``commit``
        False: rolled back). A mention left with no keyword is deleted unless it was triaged
        (status not ``new``): that one is kept, outside every keyword's figures."""
        changes = KeywordChanges()
        try:
            with self._writing("re-match stored mentions"):
                changes = self._apply(plan, now)
                if not commit:
                    raise _DryRun
        except _DryRun:
            pass
        return changes

    def awaiting_rescore(self) -> list[int]:
        """The ids of the mentions re-matching changed and did not score again yet (a run
        stopped in between), in order; read from their own index: nearly always none."""
        # the value written out: a partial index serves only the condition it was made with
        sql = f"SELECT id FROM mentions WHERE sentiment_version = '{REMATCHED}' ORDER BY id"
        return [int(row[0]) for row in self._rows(sql)]

    def _apply(self, plan: RematchPlan, now: datetime) -> KeywordChanges:
        added: Counter[str] = Counter()
        removed: Counter[str] = Counter()
        touched: set[int] = {mention_id for mention_id, _ in plan.drop}
        for keyword in plan.removed_keywords:
            ids = [r[0] for r in self.db.execute(_KEYWORD_MENTIONS, [keyword])]
            touched.update(ids)
            removed[keyword] += len(ids)
            self.db.execute("DELETE FROM mention_keywords WHERE keyword = ?", [keyword])
        removed.update(keyword for _, keyword in plan.drop)
        self.db.conn.executemany(
            "DELETE FROM mention_keywords WHERE mention_id = ? AND keyword = ?", plan.drop
        )
        added.update(match.keyword for _, match in plan.add)
        # A keyword added or rewritten starts with its mention's sentiment; the mention is
        # left stale so that ``rescore`` (which re-matching runs next on those mentions)
        # reads what it says of that keyword.
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO mention_keywords (keyword, mention_id, terms, fields,"
            " sentiment, sentiment_label) SELECT ?, id, ?, ?, sentiment, sentiment_label"
            " FROM mentions WHERE id = ?",
            [
                (m.keyword, json.dumps(list(m.terms)), ",".join(m.fields), mention_id)
                for mention_id, m in (*plan.add, *plan.rewrite)
            ],
        )
        self.db.conn.executemany(  # and so is one that lost a keyword: its own score changes
            "UPDATE mentions SET sentiment_version = ? WHERE id = ?",
            [(REMATCHED, mention_id) for mention_id, _ in (*plan.add, *plan.rewrite)]
            + [(REMATCHED, mention_id) for mention_id in sorted(touched)],
        )
        new = 0
        by_source: dict[str, list[NewMention]] = {}
        for source, mention in plan.new_mentions:
            by_source.setdefault(source, []).append(mention)
        for source, mentions in by_source.items():
            for mention in mentions:  # a copy of a stored story joins it, as in a scan
                if self.save_mention(source, mention, iso(now) or "", {}):
                    new += 1
                    added.update(m.keyword for m in mention.matches)
        deleted, kept = self._drop_unmatched(sorted(touched))
        self.db.execute("DELETE FROM keyword_state")
        self.db.conn.executemany(
            "INSERT INTO keyword_state (keyword, definition, updated_at) VALUES (?, ?, ?)",
            [(name, value, iso(now)) for name, value in plan.definitions.items()],
        )
        return KeywordChanges(dict(added), dict(removed), new, deleted, kept)

    def _drop_unmatched(self, ids: Sequence[int]) -> tuple[int, int]:
        """Delete the mentions among ``ids`` left with no keyword, unless triaged; returns
        (deleted, kept)."""
        deleted = kept = 0
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = list(ids[start : start + _IN_CHUNK])
            rows = self.db.execute(
                f"SELECT id, status FROM mentions WHERE id IN ({marks(chunk)}) AND NOT EXISTS"
                " (SELECT 1 FROM mention_keywords k WHERE k.mention_id = mentions.id)",
                chunk,
            ).fetchall()
            doomed = [(mention_id,) for mention_id, status in rows if status == "new"]
            kept += len(rows) - len(doomed)
            deleted += len(doomed)
            self.db.conn.executemany("DELETE FROM mentions WHERE id = ?", doomed)
        return deleted, kept


_KEYWORD_MENTIONS = "SELECT mention_id FROM mention_keywords WHERE keyword = ?"


def _fields(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split(",") if part)
