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

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from brandwatch_cli.errors import StoreError
from brandwatch_cli.models import MentionFilter
from brandwatch_cli.store.base import StoreBase, iso
from brandwatch_cli.store.schema_aspect_summary import aspect_sums, with_aspects
from brandwatch_cli.store.values import bucket_of

#: The grains of ``summary_keywords`` and ``summary_names``.
QUARTER = timedelta(minutes=15)
DAY = timedelta(days=1)
#: A write that marked more buckets than this (two days of quarter hours) leaves the refresh
#: to the next reader: an import spread over years would otherwise recompute whole days per
#: batch.
REFRESH_ON_WRITE = 192

#: Whether the mention's sentiment counts in averages (languages we do not score do not).
SCORED = "m.sentiment_method NOT IN ('none', 'error')"


def counts_sql(alias: str, scored: str = SCORED) -> str:
    """Volume and sentiment of mentions (``m``) or of keyword rows (``k``), as summed columns:
    mentions, positive, neutral, negative, scored, sentiment_sum. ``scored``: whether the
    mention is scored (``summary_rows`` has it as a column: compared with TRUE, so that
    PostgreSQL sums it as an integer)."""
    return f"""count(*) AS mentions, sum({alias}.sentiment_label = 'positive') AS positive,
        sum({alias}.sentiment_label = 'neutral') AS neutral,
        sum({alias}.sentiment_label = 'negative') AS negative, sum({scored}) AS scored,
        sum(CASE WHEN {scored} THEN {alias}.sentiment END) AS sentiment_sum"""


def names_sql(column: str, alias: str = "m") -> str:
    """What a ranking sums per ``column`` (source, domain, author) of mentions ``m`` (or of
    ``summary_rows``): mentions, interactions, followers, negative, scored, sentiment_sum."""
    assert column in ("source", "domain", "author")
    scored = SCORED if alias == "m" else f"{alias}.scored = TRUE"
    return f"""{alias}.{column} AS name, count(*) AS mentions,
        sum({alias}.interactions) AS interactions, max({alias}.followers) AS followers,
        sum({alias}.sentiment_label = 'negative') AS negative, sum({scored}) AS scored,
        sum(CASE WHEN {scored} THEN {alias}.sentiment END) AS sentiment_sum"""


#: Only mentions naming at least one keyword are in any figure (re-matching keeps a triaged
#: mention that no keyword names any more).
NAMED = "EXISTS (SELECT 1 FROM mention_keywords e WHERE e.mention_id = m.id)"
#: What the summary counts: named mentions outside the noise bucket (``store.relevance``; the
#: trigger marks a quarter hour whose mention enters or leaves it). The unary ``+`` keeps the
#: flag out of index choice: SQLite otherwise builds an automatic index on it over every
#: mention at each refresh (writes fell from thousands of mentions a second to a crawl).
SUMMARISED = f"+m.noise = 0 AND {NAMED}"


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

    #: Inside ``summary_deferred``: write transactions leave their marks to its end.
    _refresh_deferred = False

    @contextmanager
    def summary_deferred(self) -> Iterator[None]:
        """Many write transactions in a row (a scan's sources, one each) leave the quarter
        hours they mark to one refresh at the end, instead of each refreshing its own before
        it commits (a dozen statements per source: a sixth of a cold scan's writing). Marks
        commit with each transaction: a run killed midway leaves them to the next reader,
        which refreshes them (``_summary_ready``), as after any big write."""
        if self._refresh_deferred:  # nested: the outer one refreshes
            yield
            return
        self._refresh_deferred = True
        try:
            yield
        finally:
            self._refresh_deferred = False
        if not self.read_only:  # whatever their number: the sources were one write
            with self._writing("refresh the report summary"):
                self.refresh_summary(days=False)

    def refresh_summary(self, *, days: bool = True) -> int:
        """Recompute from the mentions the summary rows of every marked quarter hour and, with
        ``days``, the rankings of every marked day; the number of quarter hours and days
        recomputed. Call inside a write transaction.

        The mentions concerned are read once, into a temporary table the aggregates read: by
        the ``mentioned_at`` index when they are few, in table order when they are a good part
        of the table (after the migration, or an import of years of history)."""
        run = self.db.execute
        (quarters,) = run("SELECT count(*) FROM summary_dirty").fetchone()
        run(
            "INSERT OR IGNORE INTO summary_dirty_days"
            " SELECT DISTINCT substr(bucket, 1, 10) || 'T00:00:00+00:00' FROM summary_dirty"
        )
        (marked_days,) = run("SELECT count(*) FROM summary_dirty_days").fetchone()
        if not quarters and not (days and marked_days):
            return 0
        run("DROP TABLE IF EXISTS temp.summary_rows")
        if days:
            spans, marked = "summary_dirty_days", marked_days
            start, end, grain = (
                "d.day",
                "'+1 day'",
                "substr(m.mentioned_at, 1, 10) || 'T00:00:00+00:00'",
            )
        else:
            spans, marked = "summary_dirty", quarters
            start, end, grain = "d.bucket", "'+15 minutes'", bucket_of("m.mentioned_at")
        if marked * 4 >= self._span_count(days):
            source = f"mentions m WHERE {grain} IN (SELECT * FROM {spans}) AND {SUMMARISED}"
        else:
            source = self._spans_source(spans, start, end)
        run(
            f"""CREATE TEMP TABLE summary_rows AS SELECT {bucket_of("m.mentioned_at")} AS bucket,
                substr(m.mentioned_at, 1, 10) || 'T00:00:00+00:00' AS day, m.id, m.source,
                m.domain, m.author, m.interactions, m.followers, m.sentiment,
                m.sentiment_label, {SCORED} AS scored
            FROM {source}"""
        )
        if quarters:
            self._refresh_quarters()
        if days:
            self._refresh_days()
        run("DROP TABLE temp.summary_rows")
        return int(quarters) + (int(marked_days) if days else 0)

    def _spans_source(self, spans: str, start: str, end: str) -> str:
        """The mentions (``m``) of the marked spans, read span by span over the
        ``mentioned_at`` index. PostgreSQL reads them through a LATERAL subquery: as a plain
        join its planner guesses millions of rows from the ranges and then hashes the whole
        ``mention_keywords`` table for NAMED at every refresh, instead of probing its index."""
        until = f"strftime('%Y-%m-%dT%H:%M:%S+00:00', {start}, {end})"
        if self.postgres:
            return f"""{spans} d CROSS JOIN LATERAL (SELECT * FROM mentions m
                WHERE m.mentioned_at >= {start} AND m.mentioned_at < {until} AND {SUMMARISED}) m"""
        return f"""{spans} d CROSS JOIN mentions m ON m.mentioned_at >= {start}
            AND m.mentioned_at < {until} WHERE {SUMMARISED}"""

    def _refresh_quarters(self) -> None:
        run = self.db.execute
        run("DELETE FROM summary_keywords WHERE bucket IN (SELECT bucket FROM summary_dirty)")
        marked = "r.bucket IN (SELECT bucket FROM summary_dirty)"
        run(
            f"""INSERT INTO summary_keywords
            SELECT r.bucket, '', {counts_sql("r", "r.scored = TRUE")}, min(r.id)
            FROM temp.summary_rows r WHERE {marked} GROUP BY r.bucket"""
        )
        run(
            f"""INSERT INTO summary_keywords
            SELECT r.bucket, k.keyword, {counts_sql("k", "r.scored = TRUE")}, min(r.id)
            FROM temp.summary_rows r CROSS JOIN mention_keywords k ON k.mention_id = r.id
            WHERE {marked} GROUP BY r.bucket, k.keyword"""
        )
        run("DELETE FROM summary_aspects WHERE bucket IN (SELECT bucket FROM summary_dirty)")
        aspects = f"FROM {with_aspects('temp.summary_rows r', 'r')} WHERE {marked}"
        run(f"INSERT INTO summary_aspects {aspect_sums('r.bucket', aspects)}")
        run("DELETE FROM summary_dirty")

    def _refresh_days(self) -> None:
        run = self.db.execute
        run(
            "DELETE FROM summary_names WHERE kind IN ('source', 'domain', 'author')"
            " AND day IN (SELECT day FROM summary_dirty_days)"
        )
        for column in ("source", "domain", "author"):
            run(
                f"""INSERT INTO summary_names SELECT '{column}', r.day, {names_sql(column, "r")}
                FROM temp.summary_rows r WHERE r.{column} IS NOT NULL AND r.{column} != ''
                GROUP BY r.day, r.{column}"""
            )
        run("DELETE FROM summary_aspect_days WHERE day IN (SELECT day FROM summary_dirty_days)")
        aspects = f"""FROM {with_aspects("temp.summary_rows r", "r")}
            WHERE r.day IN (SELECT day FROM summary_dirty_days)"""
        run(f"INSERT INTO summary_aspect_days {aspect_sums('r.day', aspects)}")
        run("DELETE FROM summary_dirty_days")

    def _span_count(self, days: bool) -> int:
        """How many days (or quarter hours) the mentions span, from the oldest to the newest."""
        # Two subqueries: SQLite reads one end of the index for a lone min() or max() only.
        first, last = self.db.execute(
            "SELECT (SELECT min(mentioned_at) FROM mentions),"
            " (SELECT max(mentioned_at) FROM mentions)"
        ).fetchone()
        if first is None:
            return 1
        span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
        return int(span / (DAY if days else QUARTER)) + 1

    def _before_commit(self) -> None:
        """A write that touched few buckets refreshes them in its own transaction (readers then
        find the summary ready); one that touched many leaves them to the next reader. Inside
        ``summary_deferred``, every one leaves them to its end."""
        if self._refresh_deferred:
            return
        marked = self.db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM summary_dirty LIMIT ?)", [REFRESH_ON_WRITE + 1]
        ).fetchone()[0]
        if 0 < marked <= REFRESH_ON_WRITE:
            self.refresh_summary(days=False)

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

    def summarised_first_id(self, selections: Sequence[MentionFilter]) -> int | None:
        """A lower bound of the ids of the keyword rows ``selections`` hold, from the first id
        the summary keeps per quarter hour (``m025_summary_first_ids``): the smallest of the
        quarter hours from the earliest start on. None when the summary cannot tell: a
        selection by fetch time or by id, or with the noise bucket (which it leaves out), or
        the summary waiting for a refresh."""
        if not selections or any(
            s.since is None or s.by_fetch or s.after_id is not None or s.noise != "exclude"
            for s in selections
        ):
            return None
        if not self._summary_clean():
            return None
        earliest = iso(floor_quarter(min(s.since for s in selections if s.since is not None)))
        (first, unknown), *_ = self.db.execute(
            """SELECT min(first_id), count(*) - count(first_id) FROM summary_keywords
            WHERE keyword = '' AND bucket >= ?""",
            [earliest],
        ).fetchall()
        if unknown:
            return None
        if first is None:  # nothing from there on: any id above the last one
            (last,) = self.db.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()
            return int(last) + 1
        return int(first)

    def _summary_clean(self) -> bool:
        marked = self.db.execute(
            "SELECT 1 FROM summary_dirty UNION ALL SELECT 1 FROM summary_dirty_days LIMIT 1"
        )
        return marked.fetchone() is None
