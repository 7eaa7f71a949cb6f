"""The period summary (migration m010): figures per UTC quarter hour and per day, kept right
whatever writes, so that a report's cost follows its number of buckets, not of mentions.

Triggers on ``mentions`` and ``mention_keywords`` only mark the quarter hours a write touches
(``summary_dirty``); ``refresh_summary`` recomputes those (and their days' rankings) from the
mentions. A write transaction refreshes before it commits when it touched few buckets (a scan);
one that touched many (an import of years of history) leaves them to the next reader, which
refreshes them all at once. A reader that cannot write reads the mentions instead.

This module holds the aggregates both ways share: the summary is the raw aggregate grouped by
bucket, so the two can only disagree on what a test would see.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from brandwatch_cli.errors import StoreError
from brandwatch_cli.store.base import StoreBase

#: The grains of ``summary_keywords`` and ``summary_names``.
QUARTER = timedelta(minutes=15)
DAY = timedelta(days=1)
#: A write that marked more buckets than this (two days of quarter hours) leaves the refresh
#: to the next reader: an import spread over years would otherwise recompute whole days per
#: batch.
REFRESH_ON_WRITE = 192

#: Whether the mention's sentiment counts in averages (languages we do not score do not).
SCORED = "m.sentiment_method NOT IN ('none', 'error')"


def counts_sql(alias: str) -> str:
    """Volume and sentiment of mentions (``m``) or of keyword rows (``k``), as summed columns:
    mentions, positive, neutral, negative, scored, sentiment_sum."""
    return f"""count(*) AS mentions, sum({alias}.sentiment_label = 'positive') AS positive,
        sum({alias}.sentiment_label = 'neutral') AS neutral,
        sum({alias}.sentiment_label = 'negative') AS negative, sum({SCORED}) AS scored,
        sum(CASE WHEN {SCORED} THEN {alias}.sentiment END) AS sentiment_sum"""


def names_sql(column: str) -> str:
    """What a ranking sums per ``column`` (source, domain, author) of mentions ``m``: mentions,
    interactions, followers, negative, scored, sentiment_sum."""
    assert column in ("source", "domain", "author")
    return f"""m.{column} AS name, count(*) AS mentions, sum(m.interactions) AS interactions,
        max(m.followers) AS followers, sum(m.sentiment_label = 'negative') AS negative,
        sum({SCORED}) AS scored, sum(CASE WHEN {SCORED} THEN m.sentiment END) AS sentiment_sum"""


#: Only mentions naming at least one keyword are in any figure (re-matching keeps a triaged
#: mention that no keyword names any more).
NAMED = "EXISTS (SELECT 1 FROM mention_keywords e WHERE e.mention_id = m.id)"


def floor_quarter(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return moment - timedelta(minutes=moment.minute % 15)


def ceil_quarter(moment: datetime) -> datetime:
    start = floor_quarter(moment)
    return start if start == moment.astimezone(UTC).replace(microsecond=0) else start + QUARTER


def floor_day(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def ceil_day(moment: datetime) -> datetime:
    start = floor_day(moment)
    return start if start == moment.astimezone(UTC).replace(microsecond=0) else start + DAY


class SummaryMixin(StoreBase):
    """Keeping the period summary right, and knowing when it may be read."""

    def refresh_summary(self) -> int:
        """Recompute the summary rows of every marked bucket (and of their days) from the
        mentions; the number of buckets recomputed. Call inside a write transaction."""
        (dirty,) = self.db.execute("SELECT count(*) FROM summary_dirty").fetchone()
        if not dirty:
            return 0
        quarter_end = "strftime('%Y-%m-%dT%H:%M:%S+00:00', d.bucket, '+15 minutes')"
        in_bucket = f"m.mentioned_at >= d.bucket AND m.mentioned_at < {quarter_end}"
        run = self.db.execute
        run("DELETE FROM summary_keywords WHERE bucket IN (SELECT bucket FROM summary_dirty)")
        run(
            f"""INSERT INTO summary_keywords SELECT d.bucket, k.keyword, {counts_sql("k")}
            FROM summary_dirty d CROSS JOIN mentions m ON {in_bucket}
            CROSS JOIN mention_keywords k ON k.mention_id = m.id GROUP BY d.bucket, k.keyword"""
        )
        run(
            f"""INSERT INTO summary_keywords SELECT d.bucket, '', {counts_sql("m")}
            FROM summary_dirty d CROSS JOIN mentions m ON {in_bucket} WHERE {NAMED}
            GROUP BY d.bucket"""
        )
        run("CREATE TEMP TABLE IF NOT EXISTS summary_days (day TEXT PRIMARY KEY)")
        run("DELETE FROM temp.summary_days")
        run(
            "INSERT INTO temp.summary_days"
            " SELECT DISTINCT substr(bucket, 1, 10) || 'T00:00:00+00:00' FROM summary_dirty"
        )
        run(
            "DELETE FROM summary_names WHERE kind IN ('source', 'domain', 'author')"
            " AND day IN (SELECT day FROM temp.summary_days)"
        )
        day_end = "strftime('%Y-%m-%dT%H:%M:%S+00:00', d.day, '+1 day')"
        for column in ("source", "domain", "author"):
            run(
                f"""INSERT INTO summary_names SELECT '{column}', d.day, {names_sql(column)}
                FROM temp.summary_days d CROSS JOIN mentions m
                    ON m.mentioned_at >= d.day AND m.mentioned_at < {day_end}
                WHERE m.{column} IS NOT NULL AND m.{column} != '' AND {NAMED}
                GROUP BY d.day, m.{column}"""
            )
        run("DELETE FROM summary_dirty")
        return int(dirty)

    def _before_commit(self) -> None:
        """A write that touched few buckets refreshes them in its own transaction (readers then
        find the summary ready); one that touched many leaves them to the next reader."""
        marked = self.db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM summary_dirty LIMIT ?)", [REFRESH_ON_WRITE + 1]
        ).fetchone()[0]
        if 0 < marked <= REFRESH_ON_WRITE:
            self.refresh_summary()

    def _summary_ready(self) -> bool:
        """Whether the summary may be read now: nothing marked, or refreshed just now. False
        when it is stale and this reader cannot write (a read-only database, a busy writer):
        the caller then reads the mentions."""
        if self.db.conn.in_transaction:
            return self._summary_clean()
        if self._summary_clean():
            return True
        try:
            with self._writing("refresh the report summary"):
                self.refresh_summary()
        except StoreError:  # read-only, or locked for 30 s: the mentions still answer
            return False
        return True

    def _summary_clean(self) -> bool:
        return self.db.execute("SELECT 1 FROM summary_dirty LIMIT 1").fetchone() is None
