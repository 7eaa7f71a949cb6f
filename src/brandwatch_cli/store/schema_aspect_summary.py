"""The report's aspects from the period summary (issue 12 after issue 14): per UTC quarter
hour (``summary_aspects``) and per UTC day (``summary_aspect_days``), keyword and aspect, how
many mentions talk about it, how many praise or blame it, and their sentiments summed, kept by
``store.summary``'s refresh like the other summary tables. A period reads its whole days, then
the whole quarter hours of its partial days, then the mentions of its ragged edges: a month
of quarter hours alone was 94,000 rows to add up.

A month's aspects section read each aspect row of the period with its mention and keywords:
7 s at a million mentions, one in four naming an aspect, where the rest of the report reads
buckets. The summary makes it one read of the period's quarter hours plus its ragged edges;
an index by (aspect, sentiment) lets its examples, the best and worst said of each aspect, be
found from either end of the scale instead of ranking the period's rows (``store.aspects``).

An aspect row written or deleted marks its mention's quarter hour (triggers), so ``rescore``
changing what a mention says of an aspect, without changing its sentiment, is summarised
again; a batch marks its own quarter hours itself (m013: rows of the ids it recorded in
``fts_deferred`` are skipped).
"""

from __future__ import annotations

from brandwatch_cli.store.driver import Database
from brandwatch_cli.store.values import bucket_of

#: ``sentiment.label``'s thresholds, as ``store.aspects`` counts praise and complaints.
POSITIVE, NEGATIVE = 0.05, -0.05


def aspect_sums(bucket: str, rows: str) -> str:
    """The summed columns of ``summary_aspects`` (bucket, keyword, aspect, mentions, positive,
    negative, sentiment_sum) over the aspect rows ``a`` of mentions ``m`` joined to their
    keyword rows ``k`` (``rows``: the FROM and WHERE), grouped."""
    return f"""SELECT {bucket} AS bucket, k.keyword, a.aspect, count(*) AS mentions,
        sum(a.sentiment >= {POSITIVE}) AS positive, sum(a.sentiment <= {NEGATIVE}) AS negative,
        sum(a.sentiment) AS sentiment_sum {rows} GROUP BY 1, 2, 3"""


def with_aspects(mentions: str, alias: str = "m") -> str:
    """``mentions`` (a table or ``table alias``) joined to each mention's aspect rows ``a`` and
    keyword rows ``k``: what aspect figures are summed over."""
    return f"""{mentions} CROSS JOIN mention_aspects a ON a.mention_id = {alias}.id
        CROSS JOIN mention_keywords k ON k.mention_id = {alias}.id"""


#: What the migration fills the table with: every named mention outside the noise bucket.
_ALL = f"FROM {with_aspects('mentions m')} WHERE m.noise = 0"

_DEFERRED = "SELECT 1 FROM fts_deferred WHERE new.mention_id BETWEEN first AND last"

#: On PostgreSQL the aspect rows' triggers run m010's function for keyword rows: it marks the
#: quarter hour of the row's ``mention_id`` (old and new), skipping a batch's own new rows.
PG_M022 = f"""
CREATE TABLE summary_aspects (
    bucket TEXT COLLATE "C" NOT NULL, keyword TEXT COLLATE "C" NOT NULL,
    aspect TEXT COLLATE "C" NOT NULL, mentions INTEGER NOT NULL, positive INTEGER NOT NULL,
    negative INTEGER NOT NULL, sentiment_sum DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (bucket, keyword, aspect)
);
INSERT INTO summary_aspects
    SELECT {bucket_of("m.mentioned_at")}, k.keyword, a.aspect, count(*),
        sum((a.sentiment >= {POSITIVE})::int), sum((a.sentiment <= {NEGATIVE})::int),
        sum(a.sentiment) {_ALL.replace("CROSS JOIN", "JOIN")} GROUP BY 1, 2, 3;
CREATE TABLE summary_aspect_days (
    day TEXT COLLATE "C" NOT NULL, keyword TEXT COLLATE "C" NOT NULL,
    aspect TEXT COLLATE "C" NOT NULL, mentions INTEGER NOT NULL, positive INTEGER NOT NULL,
    negative INTEGER NOT NULL, sentiment_sum DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (day, keyword, aspect)
);
INSERT INTO summary_aspect_days
    SELECT substr(bucket, 1, 10) || 'T00:00:00+00:00', keyword, aspect, sum(mentions),
        sum(positive), sum(negative), sum(sentiment_sum) FROM summary_aspects GROUP BY 1, 2, 3;
CREATE INDEX mention_aspects_sentiment ON mention_aspects (aspect, sentiment, mention_id);
CREATE TRIGGER summary_aspect_added AFTER INSERT ON mention_aspects
    FOR EACH ROW EXECUTE FUNCTION bw_keyword_marks();
CREATE TRIGGER summary_aspect_removed AFTER DELETE ON mention_aspects
    FOR EACH ROW EXECUTE FUNCTION bw_keyword_marks();
CREATE TRIGGER summary_aspect_changed AFTER UPDATE ON mention_aspects
    FOR EACH ROW EXECUTE FUNCTION bw_keyword_marks();
"""


def m022_aspect_summary(db: Database) -> None:
    """``summary_aspects`` and ``summary_aspect_days``, filled from the stored aspects, and the
    triggers that mark an
    aspect row's quarter hour (see the module's docstring)."""
    mark = "INSERT OR IGNORE INTO summary_dirty (bucket)"
    quarter = bucket_of("m.mentioned_at")
    for sql in (
        """CREATE TABLE summary_aspects (
            bucket TEXT NOT NULL, keyword TEXT NOT NULL, aspect TEXT NOT NULL,
            mentions INTEGER NOT NULL, positive INTEGER NOT NULL, negative INTEGER NOT NULL,
            sentiment_sum REAL NOT NULL, PRIMARY KEY (bucket, keyword, aspect)
        ) WITHOUT ROWID""",
        f"INSERT INTO summary_aspects {aspect_sums(quarter, _ALL)}",
        """CREATE TABLE summary_aspect_days (
            day TEXT NOT NULL, keyword TEXT NOT NULL, aspect TEXT NOT NULL,
            mentions INTEGER NOT NULL, positive INTEGER NOT NULL, negative INTEGER NOT NULL,
            sentiment_sum REAL NOT NULL, PRIMARY KEY (day, keyword, aspect)
        ) WITHOUT ROWID""",
        """INSERT INTO summary_aspect_days
            SELECT substr(bucket, 1, 10) || 'T00:00:00+00:00', keyword, aspect, sum(mentions),
                sum(positive), sum(negative), sum(sentiment_sum)
            FROM summary_aspects GROUP BY 1, 2, 3""",
        "CREATE INDEX mention_aspects_sentiment ON mention_aspects (aspect, sentiment, mention_id)",
        f"""CREATE TRIGGER summary_aspect_added AFTER INSERT ON mention_aspects
        WHEN NOT EXISTS ({_DEFERRED})
        BEGIN {mark} SELECT {quarter} FROM mentions m WHERE m.id = new.mention_id; END""",
        f"""CREATE TRIGGER summary_aspect_removed AFTER DELETE ON mention_aspects
        BEGIN {mark} SELECT {quarter} FROM mentions m WHERE m.id = old.mention_id; END""",
        f"""CREATE TRIGGER summary_aspect_changed AFTER UPDATE ON mention_aspects
        BEGIN {mark} SELECT {quarter} FROM mentions m WHERE m.id = old.mention_id;
            {mark} SELECT {quarter} FROM mentions m WHERE m.id = new.mention_id; END""",
    ):
        db.execute(sql)
