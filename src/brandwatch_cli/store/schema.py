"""The database schema, as numbered migrations applied in order when a database is opened.

Append only: a released migration is never edited, a change is a new function below.
"""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit


def _import_sqlite_utils() -> None:
    """Import sqlite-utils without its optional numpy support, which we never use: when numpy
    is installed (language detection needs it) it would cost ~0.15 s of CPU at every start,
    even for a scan that detects nothing. numpy stays importable for whoever needs it."""
    if "numpy" in sys.modules:
        import sqlite_utils

        return
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


_import_sqlite_utils()

from sqlite_utils import Database as Database  # noqa: E402 - re-exported for the store
from sqlite_utils.migrations import Migrations  # noqa: E402

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


@migrations()
def m002_source_state(db: Database) -> None:
    """Per-source health and politeness state (issue: sources and fetching)."""
    db.execute("ALTER TABLE mentions ADD COLUMN engagement TEXT")
    db.execute(
        """
        CREATE TABLE source_state (
            source TEXT PRIMARY KEY,
            type TEXT,
            last_attempt TEXT,
            last_success TEXT,
            status TEXT,
            last_error TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_attempt TEXT,
            moved_to TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE http_cache (
            source TEXT NOT NULL,
            url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            content_hash TEXT,
            keywords_hash TEXT,
            PRIMARY KEY (source, url)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE source_cursors (
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (source, key)
        )
        """
    )


@migrations()
def m003_languages(db: Database) -> None:
    """Language and sentiment per language (issue: precise matching, bilingual sentiment).

    ``source_language`` keeps the language the source declared (a hint for re-detection);
    ``sentiment_method`` says which analyzer scored the mention (``none``: a language we do not
    score); ``sentiment_version`` says with which analyzers and lexicons, so ``rescore`` knows
    what is stale.
    """
    db.execute("ALTER TABLE mentions ADD COLUMN source_language TEXT")
    db.execute("ALTER TABLE mentions ADD COLUMN sentiment_method TEXT NOT NULL DEFAULT 'vader'")
    db.execute("ALTER TABLE mentions ADD COLUMN sentiment_version TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE mentions SET source_language = language")


#: Engagement numbers that count as interactions with a mention (followers and ratings do not).
INTERACTIONS = ("points", "score", "comments", "favourites", "reblogs", "quotes", "votes")


@migrations()
def m004_workflow(db: Database) -> None:
    """Reply-first workflow, full-text search, digests (issue: insight and action).

    ``status`` starts ``new``; ``domain``, ``interactions`` and ``followers`` are derived once
    at insert so reports rank sources, domains and authors without parsing JSON per row.
    """
    db.execute(
        "ALTER TABLE mentions ADD COLUMN status TEXT NOT NULL DEFAULT 'new'"
        " CHECK (status IN ('new', 'todo', 'replied', 'ignored'))"
    )
    db.execute("ALTER TABLE mentions ADD COLUMN note TEXT")
    db.execute("ALTER TABLE mentions ADD COLUMN status_at TEXT")
    db.execute("ALTER TABLE mentions ADD COLUMN domain TEXT")
    db.execute("ALTER TABLE mentions ADD COLUMN interactions REAL NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE mentions ADD COLUMN followers REAL")
    rows = db.execute("SELECT id, url, engagement FROM mentions").fetchall()
    db.conn.executemany(
        "UPDATE mentions SET domain = ?, interactions = ?, followers = ? WHERE id = ?",
        [
            (url_domain(url), *engagement_numbers(engagement), mention_id)
            for mention_id, url, engagement in rows
        ],
    )
    db.execute("CREATE INDEX mentions_fetched_at ON mentions (fetched_at)")
    db.execute("CREATE INDEX mentions_source_mentioned ON mentions (source, mentioned_at)")
    db["mentions"].enable_fts(  # type: ignore[union-attr]
        ["title", "text", "author"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )
    db.execute(
        """
        CREATE TABLE digests (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            since TEXT NOT NULL,
            until TEXT NOT NULL,
            format TEXT NOT NULL,
            output TEXT,
            mentions INTEGER NOT NULL,
            watermark INTEGER NOT NULL DEFAULT 0,
            last_id INTEGER
        )
        """
    )
    db.execute(
        """
        CREATE TABLE alerts_sent (
            keyword TEXT NOT NULL,
            kind TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (keyword, kind, sent_at)
        )
        """
    )


def url_domain(url: str | None) -> str | None:
    """The host of a mention's link, without ``www.``: who published it."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def engagement_numbers(engagement: str | None) -> tuple[float, float | None]:
    """(interactions, followers) from a stored engagement JSON object."""
    if not engagement:
        return 0.0, None
    try:
        values = json.loads(engagement)
    except ValueError:
        return 0.0, None
    if not isinstance(values, dict):
        return 0.0, None
    numbers = {k: v for k, v in values.items() if isinstance(v, int | float)}
    followers = numbers.get("followers")
    return float(sum(numbers.get(k, 0) for k in INTERACTIONS)), followers


@migrations()
def m006_entries(db: Database) -> None:
    """Every fetched entry, matched or not, kept for a retention window so that a keyword
    added later finds what was fetched before it (issue: re-matching and backfill).

    ``keyword_state`` holds a hash of each keyword's matching definition as the stored
    associations last reflected it; a scan re-matches what differs from the config.
    """
    db.execute(
        """
        CREATE TABLE entries (
            source TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            author TEXT,
            published_at TEXT,
            fetched_at TEXT NOT NULL,
            source_language TEXT,
            engagement TEXT,
            PRIMARY KEY (source, entry_id)
        )
        """
    )
    db.execute("CREATE INDEX entries_fetched_at ON entries (fetched_at)")
    db.execute(
        """
        CREATE TABLE keyword_state (
            keyword TEXT PRIMARY KEY,
            definition TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
