"""The database schema: numbered migrations applied in order on open; append only."""

from __future__ import annotations

from brandwatch_cli.dedupe import prefix_keys, shingles
from brandwatch_cli.store.aspecttables import create_tables
from brandwatch_cli.store.driver import Database, migrations
from brandwatch_cli.store.values import bucket_of, engagement_numbers, shingle_blob, url_domain


def known_migrations() -> set[str]:
    """The names of every migration this version defines (``m001_mentions`` ...)."""
    return {n for n, v in globals().items() if callable(v) and n[0] == "m" and n[1:4].isdigit()}


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


@migrations()
def m005_keyword_sentiment(db: Database) -> None:
    """Sentiment per keyword of a mention (issue 10: mention-level sentiment).

    What a mention says of each keyword it names ("Acme is great, Globex is awful"); per-keyword
    figures (reports, share of voice, digests, alerts) read it. Existing rows start with their
    mention's score until ``rescore`` reads them again.
    """
    db.execute("ALTER TABLE mention_keywords ADD COLUMN sentiment REAL NOT NULL DEFAULT 0")
    db.execute(
        "ALTER TABLE mention_keywords ADD COLUMN sentiment_label TEXT NOT NULL DEFAULT 'neutral'"
        " CHECK (sentiment_label IN ('positive', 'neutral', 'negative'))"
    )
    db.execute(
        """
        UPDATE mention_keywords SET
            sentiment = (SELECT m.sentiment FROM mentions m WHERE m.id = mention_id),
            sentiment_label = (SELECT m.sentiment_label FROM mentions m WHERE m.id = mention_id)
        WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.id = mention_id)
        """
    )


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


@migrations()
def m007_story_copies(db: Database) -> None:
    """One story, its copies (issue 10, item 4).

    A story is one ``mentions`` row, its face: the earliest published copy. ``story_copies``
    keeps every other entry that carried it (its unique keys let a rescan recognise them);
    ``story_shingles`` holds each face's prefix shingle keys (``dedupe.prefix_keys``), the
    index that finds near-identical texts without reading every mention, and
    ``story_signatures`` its whole shingle set, to confirm a candidate without re-reading its
    text. Stored faces are indexed here, once.
    """
    db.execute(
        """
        CREATE TABLE story_copies (
            id INTEGER PRIMARY KEY,
            mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
            source TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            url TEXT,
            canonical_url TEXT,
            fingerprint TEXT,
            domain TEXT,
            published_at TEXT,
            fetched_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX story_copies_source_entry ON story_copies (source, entry_id)")
    db.execute("CREATE UNIQUE INDEX story_copies_canonical_url ON story_copies (canonical_url)")
    db.execute("CREATE INDEX story_copies_fingerprint ON story_copies (fingerprint)")
    db.execute("CREATE INDEX story_copies_mention ON story_copies (mention_id)")
    db.execute(
        """
        CREATE TABLE story_shingles (
            key INTEGER NOT NULL,
            mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
            PRIMARY KEY (key, mention_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX story_shingles_mention ON story_shingles (mention_id)")
    db.execute(
        """
        CREATE TABLE story_signatures (
            mention_id INTEGER PRIMARY KEY REFERENCES mentions (id) ON DELETE CASCADE,
            shingles BLOB NOT NULL
        )
        """
    )
    for mention_id, title, text in db.conn.execute("SELECT id, title, text FROM mentions"):
        keys = shingles(title, text)
        if keys:
            db.execute(
                "INSERT INTO story_signatures (mention_id, shingles) VALUES (?, ?)",
                [mention_id, shingle_blob(keys)],
            )
            db.conn.executemany(
                "INSERT INTO story_shingles (key, mention_id) VALUES (?, ?)",
                [(key, mention_id) for key in prefix_keys(keys)],
            )


@migrations()
def m008_status_history(db: Database) -> None:
    """Who marked a mention what, and when (issue: one mention in full, ``show``).

    ``mark`` adds a row in the same transaction as the status it sets. A mention marked before
    this migration gets one row for its current status, by nobody known.
    """
    db.execute(
        """
        CREATE TABLE status_history (
            id INTEGER PRIMARY KEY,
            mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            note TEXT,
            at TEXT NOT NULL,
            by TEXT
        )
        """
    )
    db.execute("CREATE INDEX status_history_mention ON status_history (mention_id, id)")
    db.execute(
        "INSERT INTO status_history (mention_id, status, note, at)"
        " SELECT id, status, note, status_at FROM mentions WHERE status_at IS NOT NULL"
        " ORDER BY id"
    )


@migrations()
def m009_failure_reports(db: Database) -> None:
    """When a quiet scan last said that a source has been failing for a day (issue: cron and
    alerts): ``--quiet`` says it once a day, not at every scan, and never not at all."""
    db.execute("ALTER TABLE source_state ADD COLUMN failure_reported_at TEXT")


@migrations()
def m010_period_summary(db: Database) -> None:
    """Figures per UTC quarter hour × keyword (``''``: every mention once) and per UTC day ×
    source/domain/author, so a report reads summary rows, not mentions (issue 12); triggers
    only mark the quarter hours a write touches, ``store.summary`` recomputes them."""
    db.execute(
        """CREATE TABLE summary_keywords (bucket TEXT NOT NULL, keyword TEXT NOT NULL,
            mentions INTEGER NOT NULL, positive INTEGER NOT NULL, neutral INTEGER NOT NULL,
            negative INTEGER NOT NULL, scored INTEGER NOT NULL, sentiment_sum REAL,
            PRIMARY KEY (bucket, keyword)) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE summary_names (
            kind TEXT NOT NULL CHECK (kind IN ('source', 'domain', 'author')),
            day TEXT NOT NULL, name TEXT NOT NULL, mentions INTEGER NOT NULL,
            interactions REAL NOT NULL, followers REAL, negative INTEGER NOT NULL,
            scored INTEGER NOT NULL, sentiment_sum REAL, PRIMARY KEY (kind, day, name)
        ) WITHOUT ROWID"""
    )
    # most_negative of a long period walks the negative keyword rows, most negative first.
    db.execute(
        "CREATE INDEX mention_keywords_negative ON mention_keywords (sentiment)"
        " WHERE sentiment_label = 'negative'"
    )
    db.execute("CREATE TABLE summary_dirty (bucket TEXT PRIMARY KEY) WITHOUT ROWID")
    #: Days whose rankings wait for a reader (a write refreshes only its quarter hours).
    db.execute("CREATE TABLE summary_dirty_days (day TEXT PRIMARY KEY) WITHOUT ROWID")
    mark = "INSERT OR IGNORE INTO summary_dirty (bucket)"
    of_mention = f"{mark} SELECT {bucket_of('m.mentioned_at')} FROM mentions m WHERE m.id ="
    names = "mentioned_at source domain author sentiment sentiment_label sentiment_method"
    watched = (*names.split(), "interactions", "followers")
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in watched)
    for sql in (
        f"""CREATE TRIGGER summary_keyword_added AFTER INSERT ON mention_keywords
        BEGIN {of_mention} new.mention_id; END""",
        # A deleted mention marks its own bucket: its cascaded keyword rows cannot find it.
        f"""CREATE TRIGGER summary_keyword_removed AFTER DELETE ON mention_keywords
        BEGIN {of_mention} old.mention_id; END""",
        f"""CREATE TRIGGER summary_keyword_changed
        AFTER UPDATE OF keyword, mention_id, sentiment, sentiment_label ON mention_keywords
        BEGIN {of_mention} old.mention_id; {of_mention} new.mention_id; END""",
        f"""CREATE TRIGGER summary_mention_removed AFTER DELETE ON mentions
        BEGIN {mark} VALUES ({bucket_of("old.mentioned_at")}); END""",
        f"""CREATE TRIGGER summary_mention_changed AFTER UPDATE OF {", ".join(watched)}
        ON mentions WHEN {changed}
        BEGIN {mark} VALUES ({bucket_of("old.mentioned_at")});
            {mark} VALUES ({bucket_of("new.mentioned_at")}); END""",
    ):
        db.execute(sql)
    db.execute(
        f"""{mark} SELECT DISTINCT {bucket_of("m.mentioned_at")} FROM mentions m
        WHERE EXISTS (SELECT 1 FROM mention_keywords k WHERE k.mention_id = m.id)"""
    )


@migrations()
def m011_bulk_writes(db: Database) -> None:
    """Full-text indexing of a batch in one statement (issue 12): a batch records its ids'
    range in ``fts_deferred`` (inside its transaction), the trigger skips them and the batch
    indexes them with one ``INSERT ... SELECT``; any other insert is indexed by the trigger."""
    db.execute("CREATE TABLE fts_deferred (first INTEGER NOT NULL, last INTEGER NOT NULL)")
    db.execute("DROP TRIGGER IF EXISTS mentions_ai")
    db.execute(
        """
        CREATE TRIGGER mentions_ai AFTER INSERT ON mentions
        WHEN NOT EXISTS (SELECT 1 FROM fts_deferred WHERE new.rowid BETWEEN first AND last)
        BEGIN
            INSERT INTO mentions_fts (rowid, title, text, author)
            VALUES (new.rowid, new.title, new.text, new.author);
        END
        """
    )


@migrations()
def m012_listing_indexes(db: Database) -> None:
    """Listings at a million mentions (issue 12): ``--status todo`` reads its few mentions
    newest first from ``(status, mentioned_at)``; each listed mention reads its keywords,
    terms and sentiment from one covering index instead of visiting the table (it replaces
    ``(mention_id)``, its prefix). Period, source and keyword filters had their indexes."""
    db.execute("CREATE INDEX mentions_status_mentioned ON mentions (status, mentioned_at)")
    db.execute(
        "CREATE INDEX mention_keywords_listing"
        " ON mention_keywords (mention_id, keyword, sentiment, terms)"
    )
    db.execute("DROP INDEX mention_keywords_mention")


@migrations()
def m013_write_indexes(db: Database) -> None:
    """A batch marks its summary quarter hours in one statement (issue 12: batched writes).
    m010's trigger looked up the mention of every keyword row; like m011's full-text trigger
    it now skips the ids a batch recorded in ``fts_deferred``, whose writer marks them
    itself. Any other insert still marks through the trigger."""
    mark = "INSERT OR IGNORE INTO summary_dirty (bucket)"
    db.execute("DROP TRIGGER IF EXISTS summary_keyword_added")
    db.execute(
        f"""CREATE TRIGGER summary_keyword_added AFTER INSERT ON mention_keywords
        WHEN NOT EXISTS (SELECT 1 FROM fts_deferred WHERE new.mention_id BETWEEN first AND last)
        BEGIN {mark} SELECT {bucket_of("m.mentioned_at")} FROM mentions m
            WHERE m.id = new.mention_id; END"""
    )


@migrations()
def m014_source_leases(db: Database) -> None:
    """Shared scanning (issue 13): sources' due times and workers' leases; alert claims."""
    for sql in (
        "CREATE TABLE source_leases (source TEXT PRIMARY KEY, worker TEXT, claimed_at TEXT,"
        " expires_at TEXT, due_at TEXT NOT NULL, every_s INTEGER NOT NULL)",
        "CREATE TABLE alert_claims (keyword TEXT NOT NULL, kind TEXT NOT NULL,"
        " sent_at TEXT NOT NULL, PRIMARY KEY (keyword, kind))",
        # seeded from the log of alerts sent, so that an upgrade sends nothing twice
        "INSERT INTO alert_claims SELECT keyword, kind, max(sent_at) FROM alerts_sent"
        " GROUP BY keyword, kind",
    ):
        db.execute(sql)


@migrations()
def m015_fast_digest(db: Database) -> None:
    """Covering indexes for a digest's window by fetch time, which the summary lacks (12)."""
    for sql in (
        "DROP INDEX mentions_fetched_at",
        "CREATE INDEX mentions_fetched ON mentions (fetched_at, status, sentiment_label,"
        " sentiment, sentiment_method, interactions, mentioned_at)",
        "DROP INDEX mention_keywords_listing",
        "CREATE INDEX mention_keywords_by_mention"
        " ON mention_keywords (mention_id, keyword, sentiment, sentiment_label, terms)",
    ):
        db.execute(sql)


@migrations()
def m016_aspects(db: Database) -> None:
    """Each mention's aspects and what it says of each (issue 14): ``store.aspecttables``."""
    create_tables(db)


# The later ones (m017_triage...), registered after these: this file reached 500 lines.
from brandwatch_cli.store.schema_late import *  # noqa: E402, F403 (every name of its __all__)
