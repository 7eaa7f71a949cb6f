"""A source's batch of new mentions written at once: a few set-wise lookups, then one
``executemany`` per table, instead of a handful of statements per mention.

``new_faces`` splits a batch. A mention whose page (this source's entry id, or the canonical
URL), fingerprint or near-identical text is neither stored (as a face or a copy) nor shared
with an earlier mention of the batch is a new story: ``insert_faces`` writes those in bulk
(the mention rows, their keywords, their shingle index, their copies, and their full-text
index in one statement). The rest, a mention that joins a story, is for
``ScansMixin.save_mention`` one by one, after the bulk insert, so it also finds the faces just
written. Both run inside the caller's transaction; the decisions are those the one-by-one path
would take.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from heapq import nsmallest
from itertools import chain
from operator import itemgetter
from typing import Any

from brandwatch_cli.dedupe import prefix_size, similar, similar_sizes, similarity
from brandwatch_cli.models import Item, KeywordMatch, Sentiment
from brandwatch_cli.store.aspecttables import INSERT_ASPECTS, aspect_rows, aspects_json
from brandwatch_cli.store.base import iso
from brandwatch_cli.store.bulkwrite import triggers_suspended
from brandwatch_cli.store.filters import marks
from brandwatch_cli.store.stories import (
    HOT_KEY_FACES,
    HOT_KEYS,
    NEAR_CANDIDATES,
    NewCopy,
    StoriesMixin,
)
from brandwatch_cli.store.values import (
    blob_shingles,
    bucket_key,
    engagement_figures,
    sorted_blob,
    url_domain,
)

#: Values per ``IN (...)`` list: well under SQLite's limit on bound parameters.
IN_CHUNK = 500
#: A batch of this many new stories or more grows the connection's page cache ...
BIG_BATCH = 1000
#: ... to this many KiB (SQLite's default is 2,000 KiB), for the rest of the connection.
WRITE_CACHE_KIB = 65536


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
    #: ``dedupe.shingles`` of its title and text (empty: too short to compare).
    shingles: frozenset[int] = frozenset()
    #: Later copies of the same story in the same batch.
    copies: tuple[NewCopy, ...] = ()
    #: When its entry was fetched, for a mention made from a stored entry (default: now).
    fetched_at: datetime | None = None
    #: Per keyword name, what the mention says of it (a keyword missing here: ``sentiment``).
    keyword_sentiment: Mapping[str, Sentiment] = field(default_factory=dict)
    #: Why the mention could not be scored, if it could not.
    error: str | None = None
    #: Per aspect it talks about, the sentiment of what it says of it.
    aspects: Mapping[str, float] = field(default_factory=dict)

    @property
    def shingle_keys(self) -> tuple[int, ...]:
        """Its shingles in order: sorted once for its signature, its index keys and its
        prefix (a batch used to sort each twice)."""
        return self._sorted()[0]

    @property
    def prefix(self) -> tuple[int, ...]:
        """``dedupe.prefix_keys`` of its shingles."""
        return self._sorted()[1]

    def _sorted(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        # Kept beside the fields (not one of them: equality and ``replace`` ignore it), by
        # hand: ``functools.cached_property`` takes a lock at every read before Python 3.12.
        found: tuple[tuple[int, ...], tuple[int, ...]] | None = self.__dict__.get("_sorted_keys")
        if found is None:
            keys = tuple(sorted(self.shingles))
            found = (keys, keys[: prefix_size(len(keys))])
            object.__setattr__(self, "_sorted_keys", found)
        return found


class BatchesMixin(StoriesMixin):
    """Deciding which mentions of a batch are new stories, and writing those in bulk."""

    _cache_grown = False

    def new_faces(self, source: str, mentions: Sequence[NewMention]) -> list[bool]:
        """Per mention, whether it is a new story that shares nothing with what is stored
        or with an earlier mention of the batch (see the module docstring)."""
        prefixes = [m.prefix for m in mentions]
        alone = _alone_in_batch(mentions, prefixes)
        ids = self._stored("entry_id", [m.item.entry_id for m in mentions], source)
        urls = self._stored("canonical_url", [m.canonical_url for m in mentions if m.canonical_url])
        prints = self._stored("fingerprint", [m.fingerprint for m in mentions if m.fingerprint])
        for index, m in enumerate(mentions):
            if m.item.entry_id in ids or m.canonical_url in urls or m.fingerprint in prints:
                alone[index] = False
        texts = [(i, m.shingles, prefixes[i]) for i, m in enumerate(mentions) if alone[i]]
        for index in self.near_faces(texts):
            alone[index] = False
        return alone

    def _stored(self, column: str, values: Sequence[str], source: str | None = None) -> set[str]:
        """The ``values`` of ``column`` held by a face or a copy (of ``source``)."""
        assert column in ("entry_id", "canonical_url", "fingerprint")
        found: set[str] = set()
        unique = list(dict.fromkeys(values))
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            where = f"{column} IN ({marks(chunk)})" + (" AND source = ?" if source else "")
            params = [*chunk, source] if source else chunk
            sql = f"SELECT {column} FROM mentions WHERE {where}"
            sql += f" UNION SELECT {column} FROM story_copies WHERE {where}"
            found.update(row[0] for row in self.db.execute(sql, [*params, *params]))
        return found

    def near_faces(
        self, texts: Sequence[tuple[int, frozenset[int], Sequence[int]]]
    ) -> dict[int, int]:
        """For each (index, shingles, their prefix keys), the stored face it is near-identical
        to, if any, as ``find_story`` decides it (the ``NEAR_CANDIDATES`` faces sharing the
        most prefix keys, then the most similar, then the oldest), with one read of the index
        for all."""
        wanted = {index: prefix for index, _, prefix in texts if prefix}
        holders: dict[int, list[int]] = {}
        every = list(dict.fromkeys(key for keys in wanted.values() for key in keys))
        for start in range(0, len(every), IN_CHUNK):
            chunk = every[start : start + IN_CHUNK]
            for key, mention_id in self.db.execute(
                f"SELECT key, mention_id FROM story_shingles WHERE key IN ({marks(chunk)})"
                f" AND key NOT IN ({HOT_KEYS.format(marks(chunk))})",
                [*chunk, *chunk, HOT_KEY_FACES],
            ):
                holders.setdefault(key, []).append(mention_id)
        if not holders:
            return {}
        candidates: dict[int, list[int]] = {}
        for index, keys in wanted.items():
            counts = Counter(chain.from_iterable(holders[key] for key in keys if key in holders))
            if len(counts) <= NEAR_CANDIDATES:  # all of them, in any order: ``max`` decides
                candidates[index] = list(counts)
            elif counts:  # the most shared keys, then the oldest, as ``find_story`` ranks
                ranked = nsmallest(NEAR_CANDIDATES, counts.items(), key=_most_shared)
                candidates[index] = [m for m, _ in ranked]
        blobs = self._signatures({m for ids in candidates.values() for m in ids})
        signatures: dict[int, frozenset[int]] = {}
        shingled = {index: keys for index, keys, _ in texts}
        found = {}
        for index, ids in candidates.items():
            mine = shingled[index]
            size = len(mine)
            scored = []
            for m in ids:
                # Sizes alone rule most out (``similar``): a set is built for the others only.
                if not similar_sizes(size, len(blobs[m]) >> 3):
                    continue
                theirs = signatures.get(m)
                if theirs is None:
                    theirs = signatures[m] = blob_shingles(blobs[m])
                if similar(mine, theirs):
                    scored.append((similarity(mine, theirs), -m))
            best = max(scored, default=None)
            if best is not None:
                found[index] = -best[1]
        return found

    def _signatures(self, ids: Iterable[int]) -> dict[int, bytes]:
        """The stored shingle blobs of faces ``ids`` (8 bytes a shingle)."""
        wanted = list(ids)
        found = {}
        for start in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[start : start + IN_CHUNK]
            for mention_id, blob in self.db.execute(
                "SELECT mention_id, shingles FROM story_signatures"
                f" WHERE mention_id IN ({marks(chunk)})",
                chunk,
            ):
                found[mention_id] = blob
        return found

    def insert_faces(self, source: str, mentions: Sequence[NewMention], fetched: str) -> int:
        """Insert new stories (``new_faces`` said so) with their keywords, shingle index and
        copies, one statement per table; returns how many were inserted.

        Rows go in in their index's order (keyword rows by keyword, shingle keys by key), so
        each B-tree page is written once per batch rather than once per row, and the batch
        marks its summary quarter hours itself (``m013_write_indexes``). A big batch does so
        without the insert triggers whose work it does (``store.bulkwrite``)."""
        if not mentions:
            return 0
        self._roomy_cache(len(mentions))
        big = len(mentions) >= BIG_BATCH and not self.postgres
        with triggers_suspended(self.db) if big else nullcontext():
            return self._write_faces(source, mentions, fetched)

    def _write_faces(self, source: str, mentions: Sequence[NewMention], fetched: str) -> int:
        first = int(self.db.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0])
        rows = []
        times = []  # (mentioned_at, fetched_at) of each row
        for mention_id, mention in enumerate(mentions, first + 1):
            values = face_row(source, mention)
            arrived = iso(mention.fetched_at) if mention.fetched_at is not None else fetched
            published = values[_PUBLISHED]
            mentioned = min(published, arrived) if published else arrived
            rows.append((mention_id, *values, arrived, mentioned))
            times.append((mentioned, arrived))
        names = ["id", *FACE_COLUMNS, "fetched_at", "mentioned_at"]
        last = first + len(rows)
        # Indexed for search below, in one statement, not row by row (``m011_bulk_writes``);
        # the keyword rows of these ids mark no quarter hour one by one (``m013``).
        self.db.execute("INSERT INTO fts_deferred (first, last) VALUES (?, ?)", [first + 1, last])
        self.db.conn.executemany(
            f"INSERT INTO mentions ({', '.join(names)}) VALUES ({marks(names)})"
            " ON CONFLICT DO NOTHING",
            rows,
        )
        self._index_batch(first, last)
        # Every unique key was looked up; a row left out all the same (a key changed under
        # us is impossible inside the write lock) is simply not counted.
        stored = {
            row[0]
            for row in self.db.execute(
                "SELECT id FROM mentions WHERE id > ? AND id <= ?", [first, last]
            )
        }
        faces = [(first + n, m) for n, m in enumerate(mentions, 1) if first + n in stored]
        terms: dict[tuple[str, ...], str] = {}
        keywords = [
            (*row, *times[mention_id - first - 1])  # m021_keyword_times
            for mention_id, m in faces
            for row in keyword_rows(mention_id, m, terms)
        ]
        # By keyword, then id: the rows come in id order and the sort is stable (a repeated
        # keyword's first row stays first); a key of one string is cheaper than a tuple.
        keywords.sort(key=itemgetter(0))
        self.db.conn.executemany(
            "INSERT INTO mention_keywords (keyword, mention_id, terms, fields, sentiment,"
            " sentiment_label, mentioned_at, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            keywords,
        )
        self.db.conn.executemany(
            INSERT_ASPECTS,
            [
                row
                for mention_id, m in faces
                if m.aspects
                for row in aspect_rows(mention_id, m.aspects)
            ],
        )
        named = {row[1] for row in keywords}
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO summary_dirty (bucket) VALUES (?)",
            [(bucket,) for bucket in sorted({bucket_key(times[i - first - 1][0]) for i in named})],
        )
        self.db.execute("DELETE FROM fts_deferred")
        shingled = [(mention_id, m.shingle_keys, m.prefix) for mention_id, m in faces if m.shingles]
        self.db.conn.executemany(
            "INSERT INTO story_signatures (mention_id, shingles) VALUES (?, ?)",
            [(mention_id, sorted_blob(keys)) for mention_id, keys, _ in shingled],
        )
        # By key, then id, as above: ids come in order, a face's keys are distinct.
        index_rows = [(key, mention_id) for mention_id, _, prefix in shingled for key in prefix]
        index_rows.sort(key=itemgetter(0))
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO story_shingles (key, mention_id) VALUES (?, ?)", index_rows
        )
        self.add_many_copies(
            (mention_id, source, copy, iso(m.fetched_at) or fetched)
            for mention_id, m in faces
            for copy in m.copies
        )
        return len(faces)

    def _index_batch(self, first: int, last: int) -> None:
        """Index the batch's ids (``first`` excluded) for search in one statement. On
        PostgreSQL a trigger already did, row by row (cheap there); the ids written by hand
        move the id sequence past them instead."""
        if self.postgres:
            self.db.execute(
                "SELECT setval(pg_get_serial_sequence('mentions', 'id'), ?)", [max(last, 1)]
            )
            return
        self.db.execute(
            "INSERT INTO mentions_fts (rowid, title, text, author)"
            " SELECT id, title, text, author FROM mentions WHERE id > ? AND id <= ?",
            [first, last],
        )

    def _roomy_cache(self, rows: int) -> None:
        """A big batch rewrites pages all over the mentions' indexes and the shingle index:
        with SQLite's default 2 MB page cache each is read and written again and again.
        Once a connection has written one, it keeps a bigger cache (``WRITE_CACHE_KIB``)."""
        if rows >= BIG_BATCH and not self._cache_grown:
            self.db.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
            self._cache_grown = True


def _alone_in_batch(
    mentions: Sequence[NewMention], prefixes: Sequence[Sequence[int]]
) -> list[bool]:
    """Per mention, whether no other mention of the batch has its page (entry id, canonical
    URL), its fingerprint or a near-identical text (``group_stories``'s rules, in one pass).
    A pair already known not to be alone is not compared again."""
    alone = [True] * len(mentions)
    # Only a prefix key two of them hold can make a pair: found at C speed, the rest skipped.
    counted = Counter(chain.from_iterable(prefixes))
    shared = {key for key, count in counted.items() if count > 1}
    ids: dict[str, int] = {}
    urls: dict[str, int] = {}
    prints: dict[str, int] = {}
    by_prefix: dict[int, list[int]] = {}
    for index, m in enumerate(mentions):
        other = ids.setdefault(m.item.entry_id, index)
        if other != index:
            alone[index] = alone[other] = False
        if m.canonical_url:
            other = urls.setdefault(m.canonical_url, index)
            if other != index:
                alone[index] = alone[other] = False
        if m.fingerprint:
            other = prints.setdefault(m.fingerprint, index)
            if other != index:
                alone[index] = alone[other] = False
        if not shared:
            continue
        near: set[int] = set()
        for prefix in shared.intersection(prefixes[index]):
            rows = by_prefix.get(prefix)
            if rows is None:
                by_prefix[prefix] = [index]
            else:
                near.update(rows)
                rows.append(index)
        for row in near:
            if (alone[index] or alone[row]) and similar(m.shingles, mentions[row].shingles):
                alone[index] = alone[row] = False
    return alone


def keyword_rows(
    mention_id: int, mention: NewMention, terms: dict[tuple[str, ...], str] | None = None
) -> list[tuple[Any, ...]]:
    """A mention's ``mention_keywords`` rows: each keyword, its terms, where, its sentiment.
    ``terms``: the JSON of terms already written by this batch (most mentions of a keyword
    name the same terms)."""
    rows = []
    known = {} if terms is None else terms
    for match in mention.matches:
        sentiment = mention.keyword_sentiment.get(match.keyword, mention.sentiment)
        written = known.get(tuple(match.terms))
        if written is None:
            written = known[tuple(match.terms)] = json.dumps(list(match.terms))
        rows.append(
            (
                match.keyword,
                mention_id,
                written,
                ",".join(match.fields),
                sentiment.score,
                sentiment.label,
            )
        )
    return rows


#: The columns of ``mentions`` a face sets, in ``face_row``'s order (all but the arrival times).
FACE_COLUMNS = (
    "source",
    "entry_id",
    "url",
    "canonical_url",
    "fingerprint",
    "title",
    "text",
    "author",
    "published_at",
    "language",
    "sentiment",
    "sentiment_label",
    "engagement",
    "source_language",
    "sentiment_method",
    "sentiment_version",
    "domain",
    "interactions",
    "followers",
    "aspects",
)


_PUBLISHED = FACE_COLUMNS.index("published_at")


def face_values(source: str, mention: NewMention) -> dict[str, Any]:
    """The columns of ``mentions`` a face sets, by name (all but the arrival times)."""
    return dict(zip(FACE_COLUMNS, face_row(source, mention), strict=True))


def face_row(source: str, mention: NewMention) -> tuple[Any, ...]:
    """``face_values`` as a tuple in ``FACE_COLUMNS``' order: a batch writes thousands, and
    a dict per row cost more than the values in it."""
    item = mention.item
    engagement = item.engagement
    if engagement:
        interactions, followers = engagement_figures(engagement)
        stored = json.dumps(dict(engagement))
    else:
        interactions, followers, stored = 0.0, None, None
    sentiment = mention.sentiment
    return (
        source,
        item.entry_id,
        item.url,
        mention.canonical_url,
        mention.fingerprint,
        item.title,
        item.text,
        item.author,
        iso(item.published_at),
        mention.language,
        sentiment.score,
        sentiment.label,
        stored,
        item.language,
        sentiment.method,
        mention.sentiment_version,
        url_domain(item.url),
        interactions,
        followers,
        aspects_json(mention.aspects) if mention.aspects else "{}",
    )


def _most_shared(pair: tuple[int, int]) -> tuple[int, int]:
    return -pair[1], pair[0]
