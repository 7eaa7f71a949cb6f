"""Aggregates over stored mentions, for reports, digests and alerts.

Each is one or two SQL queries over indexed columns (``mentioned_at``, the keyword key); a
report over 100,000 mentions stays well under a second (``benchmarks/report.py``). Per-keyword
figures read each keyword's own sentiment in the mention (``mention_keywords``), totals and
rankings the mention's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, cast

from brandwatch_cli.models import (
    CountsRow,
    KeywordCountsRow,
    MentionFilter,
    RankingRow,
    SourceProblemRow,
    TrendBucket,
    TrendRow,
)
from brandwatch_cli.store.base import StoreBase, iso
from brandwatch_cli.store.filters import marks, where
from brandwatch_cli.times import calendar_start


class PeriodView:
    """The mentions a selection covers, copied once into a temporary table.

    A report asks a dozen questions of the same mentions; reading them once (one range scan of
    the ``mentioned_at`` index) and aggregating the compact copy is several times faster than
    a dozen range scans. Use as a context manager: the copy is dropped on exit.
    """

    _count = 0

    def __init__(self, store: StoreBase, selection: MentionFilter) -> None:
        PeriodView._count += 1
        self.store = store
        self.selection = selection
        self.table = f"temp.period_{PeriodView._count}"

    def __enter__(self) -> PeriodView:
        clause, params = where(self.selection)
        # A triaged mention that no keyword names any more (re-matching keeps it) is in no
        # figure; every other mention names at least one keyword.
        clause = f"{clause} {'AND' if clause else 'WHERE'} EXISTS"
        clause += " (SELECT 1 FROM mention_keywords e WHERE e.mention_id = m.id)"
        with self.store._guard("prepare the report"):
            self.store.db.execute("PRAGMA temp_store = MEMORY")
            self.store.db.execute(
                f"""
                CREATE TABLE {self.table} AS
                SELECT m.id, m.source, m.domain, m.author, m.sentiment, m.sentiment_label,
                    m.sentiment_method, m.interactions, m.followers, m.mentioned_at
                FROM mentions m {clause}
                """,
                params,
            )
        return self

    def __exit__(self, *exc: object) -> None:
        with self.store._guard("clean up the report"):
            self.store.db.execute(f"DROP TABLE IF EXISTS {self.table}")

    def _keyword_join(self) -> tuple[str, list[Any]]:
        join = "JOIN mention_keywords k ON k.mention_id = p.id"
        if not self.selection.keywords:
            return join, []
        keywords = self.selection.keywords
        return f"{join} AND k.keyword IN ({marks(keywords)})", list(keywords)

    def keyword_stats(self) -> dict[str, KeywordCountsRow]:
        """Per keyword: mentions, positive/neutral/negative counts, average sentiment.

        Mentions of languages we do not score (method ``none``) count in volume, not in
        averages.
        """
        join, params = self._keyword_join()
        rows = self.store._dicts(
            f"""
            SELECT k.keyword, {_KEYWORD_AGGREGATES} FROM {self.table} p {join}
            GROUP BY k.keyword
            """,
            params,
        )
        return {row["keyword"]: cast(KeywordCountsRow, row) for row in rows}

    def totals(self) -> CountsRow:
        (row,) = self.store._dicts(f"SELECT {_AGGREGATES} FROM {self.table} p")
        return cast(CountsRow, row)

    def trend(self, unit: TrendBucket, tz: tzinfo = UTC) -> list[TrendRow]:
        """Mentions and negative mentions per calendar bucket of ``unit`` in ``tz`` (weeks start
        on Monday), keyed by the bucket's first instant in UTC (``YYYY-MM-DDTHH:MM:SS``): per
        keyword, then (keyword NULL) all mentions, each counted once as ``totals`` counts
        them. Quiet buckets have no row."""
        join, params = self._keyword_join()
        local = tz is not UTC
        # UTC buckets are grouped in SQL; another zone's are folded here from quarter hours
        # (every zone's offset today is a whole number of quarter hours).
        start = _QUARTER_HOUR if local else _BUCKET_START[unit]
        # Each mention's bucket is computed once, then counted per keyword and overall.
        rows = self.store._dicts(
            f"""
            WITH b AS (
                SELECT p.id, {start} AS start,
                    p.sentiment_label = 'negative' AS negative
                FROM {self.table} p
            )
            SELECT k.keyword, p.start, count(*) AS mentions,
                sum(k.sentiment_label = 'negative') AS negative
            FROM b p {join}
            GROUP BY k.keyword, p.start
            UNION ALL
            SELECT NULL, start, count(*), sum(negative) FROM b GROUP BY start
            """,
            params,
        )
        if not local:
            return cast(list[TrendRow], rows)
        return self._fold(rows, unit, tz)

    def _fold(self, rows: list[dict[str, Any]], unit: TrendBucket, tz: tzinfo) -> list[TrendRow]:
        """Quarter-hour rows summed into ``tz``'s calendar buckets. A quarter hour that starts
        before the period is placed by the period's start, which it holds."""
        since = self.selection.since
        first = since.astimezone(UTC) if since is not None else None
        starts: dict[str, str] = {}
        folded: dict[tuple[str | None, str], list[int]] = {}
        for row in rows:
            quarter = row["start"]
            if quarter not in starts:
                moment = datetime.fromisoformat(quarter).replace(tzinfo=UTC)
                if first is not None and moment < first:
                    moment = first
                bucket = calendar_start(moment, unit, tz)
                starts[quarter] = bucket.replace(tzinfo=None).isoformat(timespec="seconds")
            counts = folded.setdefault((row["keyword"], starts[quarter]), [0, 0])
            counts[0] += row["mentions"]
            counts[1] += row["negative"] or 0
        return [
            TrendRow(keyword=keyword, start=start, mentions=mentions, negative=negative)
            for (keyword, start), (mentions, negative) in folded.items()
        ]

    def ranking(self, column: str, order: str, limit: int) -> list[RankingRow]:
        """Top values of ``column`` (source, domain or author) by ``order`` (mentions or
        interactions): how much each says, how warmly, how much it is heard."""
        assert column in ("source", "domain", "author")
        assert order in ("mentions", "interactions")
        rows = self.store._dicts(
            f"""
            SELECT p.{column} AS name, count(*) AS mentions,
                sum(p.interactions) AS interactions, max(p.followers) AS followers,
                sum(p.sentiment_label = 'negative') AS negative,
                avg(CASE WHEN p.sentiment_method NOT IN ('none', 'error') THEN p.sentiment END)
                    AS average
            FROM {self.table} p WHERE p.{column} IS NOT NULL AND p.{column} != ''
            GROUP BY p.{column} ORDER BY {order} DESC, mentions DESC, name LIMIT ?
            """,
            [limit],
        )
        return cast(list[RankingRow], rows)


#: The calendar start of the bucket holding ``p.mentioned_at`` (stored in UTC), as
#: ``insight.buckets.bucket_start`` computes it: ``weekday 1`` moves forward to a Monday, so
#: six days back first lands on the Monday of the same ISO week.
_BUCKET_START: dict[TrendBucket, str] = {
    "hour": "strftime('%Y-%m-%dT%H:00:00', p.mentioned_at)",
    "day": "strftime('%Y-%m-%dT00:00:00', p.mentioned_at)",
    "week": "strftime('%Y-%m-%dT00:00:00', p.mentioned_at, '-6 days', 'weekday 1')",
    "month": "strftime('%Y-%m-01T00:00:00', p.mentioned_at)",
    "year": "strftime('%Y-01-01T00:00:00', p.mentioned_at)",
}
#: The quarter hour holding ``p.mentioned_at``, in UTC.
_QUARTER_HOUR = (
    "strftime('%Y-%m-%dT%H:', p.mentioned_at)"
    " || printf('%02d:00', CAST(strftime('%M', p.mentioned_at) AS INTEGER) / 15 * 15)"
)

_AGGREGATES = """count(*) AS mentions, sum(p.sentiment_label = 'positive') AS positive,
    sum(p.sentiment_label = 'neutral') AS neutral,
    sum(p.sentiment_label = 'negative') AS negative,
    avg(CASE WHEN p.sentiment_method NOT IN ('none', 'error') THEN p.sentiment END) AS average"""
#: The same per keyword: what each mention says of the keyword.
_KEYWORD_AGGREGATES = """count(*) AS mentions, sum(k.sentiment_label = 'positive') AS positive,
    sum(k.sentiment_label = 'neutral') AS neutral,
    sum(k.sentiment_label = 'negative') AS negative,
    avg(CASE WHEN p.sentiment_method NOT IN ('none', 'error') THEN k.sentiment END) AS average"""


class StatsMixin(StoreBase):
    """Counts over periods and windows, and the sources in trouble."""

    def period_view(self, selection: MentionFilter) -> PeriodView:
        """The mentions ``selection`` covers, to aggregate (a context manager, see PeriodView)."""
        return PeriodView(self, selection)

    def window_counts(
        self, keywords: Sequence[str], now: datetime, window: timedelta, windows: int
    ) -> dict[str, tuple[list[int], list[int]]]:
        """Per keyword, mentions and negative mentions in each of ``windows`` windows ending at
        ``now`` (index 0 is the current window, 1 the one before, ...)."""
        seconds = window.total_seconds()
        since = now - window * windows
        rows = self._dicts(
            """
            SELECT k.keyword,
                CAST((julianday(?) - julianday(m.mentioned_at)) * 86400 / ? AS INTEGER) AS ago,
                count(*) AS mentions, sum(k.sentiment_label = 'negative') AS negative
            FROM mentions m JOIN mention_keywords k ON k.mention_id = m.id
            WHERE m.mentioned_at >= ? AND m.mentioned_at < ?
            GROUP BY k.keyword, ago
            """,
            [iso(now), seconds, iso(since), iso(now)],
        )
        counts = {name: ([0] * windows, [0] * windows) for name in keywords}
        for row in rows:
            if row["keyword"] in counts and 0 <= row["ago"] < windows:
                volume, negative = counts[row["keyword"]]
                volume[row["ago"]] = row["mentions"]
                negative[row["ago"]] = row["negative"] or 0
        return counts

    def monitoring_start(self) -> datetime | None:
        """When the first scan began: windows before it are not history."""
        value = next(self._rows("SELECT min(started_at) FROM scans"))[0]
        return datetime.fromisoformat(value) if value else None

    def long_failures(self, now: datetime, after: timedelta) -> list[SourceProblemRow]:
        """Sources failing for longer than ``after`` (since they last worked, or since their
        first failure) that no scan has reported in the last ``after``; those returned are
        marked reported now. For cron: said once a day, loud enough, never every hour."""
        cutoff = iso(now - after) or ""
        with self._writing("record failure reports"):
            rows = [
                row
                for row in self.source_problems()
                if row["status"] == "failed"
                and row["failing_since"] is not None
                and row["failing_since"] <= cutoff
            ]
            reported = dict(
                self.db.execute(
                    "SELECT source, failure_reported_at FROM source_state"
                    " WHERE failure_reported_at IS NOT NULL"
                ).fetchall()
            )
            due = [r for r in rows if (reported.get(r["source"]) or "") <= cutoff]
            self.db.conn.executemany(
                "UPDATE source_state SET failure_reported_at = ? WHERE source = ?",
                [(iso(now), r["source"]) for r in due],
            )
        return due

    def source_problems(self) -> list[SourceProblemRow]:
        """Sources whose last attempt failed, was rate limited, or that are backing off; with
        when each started failing (its first failed scan since it last worked)."""
        rows = self._dicts(
            """
            SELECT s.source, s.status, s.last_error, s.failures, s.next_attempt, s.last_success,
                (SELECT min(l.finished_at) FROM scan_sources l
                    WHERE l.source = s.source AND l.status = 'failed'
                    AND l.finished_at > coalesce(s.last_success, '')) AS failing_since
            FROM source_state s WHERE s.status IN ('failed', 'rate limited') OR s.failures > 0
            ORDER BY s.failures DESC, s.source
            """
        )
        return cast(list[SourceProblemRow], rows)
