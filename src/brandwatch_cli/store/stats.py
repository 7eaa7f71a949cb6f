"""Aggregates over stored mentions, for reports, digests and alerts.

Each is one SQL query over the period summary (``store.summary``) and the mentions at the
period's edges, or over the mentions' indexes when a filter is finer than the summary; its cost
follows the period's buckets, not its mentions (``benchmarks/report.py``). Per-keyword figures
read each keyword's own sentiment in the mention (``mention_keywords``), totals and rankings
the mention's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
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
from brandwatch_cli.store.base import iso
from brandwatch_cli.store.filters import NOT_NOISE, marks, where
from brandwatch_cli.store.summary import (
    NAMED,
    QUARTER,
    SummaryMixin,
    ceil_day,
    ceil_quarter,
    counts_sql,
    floor_day,
    floor_quarter,
    names_sql,
)
from brandwatch_cli.store.values import bucket_of
from brandwatch_cli.times import calendar_start


class PeriodView:
    """The figures of the mentions a selection covers: from the period summary for the whole
    quarter hours (days, for rankings) inside the period plus the mentions of its ragged edges,
    or, for filters the summary cannot answer (status, search, sentiment, keyword, source, by
    fetch time, after a digest's mark), from the mentions alone over their indexes. Either way
    each answer is one aggregate query: memory does not grow with the period.

    A context manager: its reads share one snapshot of the database (a read transaction), so
    a scan writing meanwhile cannot make the summary and the mentions disagree.

    ``direct``: what the summary cannot answer is read straight from the mentions' indexes
    for each figure, instead of from a copy made once (``_copy``): for a view asked for its
    totals and keyword figures only (a digest's), which the indexes answer without a copy.
    """

    def __init__(
        self, store: SummaryMixin, selection: MentionFilter, *, summary: bool, direct: bool = False
    ) -> None:
        self.store = store
        self.selection = selection
        self.use_summary = summary
        self.direct = direct
        self.quarters: tuple[str, str] | None = None  # the summary's [start, end) of buckets
        self.days: tuple[str, str] | None = None
        self.owns_transaction = False
        self.copy: str | None = None  # see _copy
        self.floor: int | None = None  # see _hashed

    _count = 0

    def __enter__(self) -> PeriodView:
        store, selection = self.store, self.selection
        summarised = (
            self.use_summary
            and selection.since is not None
            and selection.until is not None
            and not (selection.keywords or selection.sources or selection.statuses)
            and not (selection.sentiment or selection.search or selection.by_fetch)
            and selection.after_id is None
            and selection.noise == "exclude"
            and store._summary_ready()
        )
        with store._guard("read mentions"):
            if not store.db.conn.in_transaction:
                store.db.conn.execute("BEGIN")
                self.owns_transaction = True
            if summarised and selection.up_to_id is not None:
                (last,) = store.db.execute("SELECT max(id) FROM mentions").fetchone()
                summarised = (last or 0) <= selection.up_to_id
            if summarised:  # nothing marked in this snapshot (another writer may have)
                summarised = store._summary_clean()
        if summarised:
            assert selection.since is not None and selection.until is not None
            since, until = selection.since.replace(microsecond=0), selection.until
            self.quarters = (iso(ceil_quarter(since)) or "", iso(floor_quarter(until)) or "")
            self.days = (iso(ceil_day(since)) or "", iso(floor_day(until)) or "")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.copy is not None:
            with self.store._guard("read mentions"):
                self.store.db.execute(f"DROP TABLE {self.copy}")
        if self.owns_transaction:
            with self.store._guard("read mentions"):
                self.store.db.conn.execute("COMMIT")

    def _raw_parts(
        self, span: tuple[str, str] | None, *, named: bool = True
    ) -> list[tuple[str, list[Any]]]:
        """WHERE clauses (over ``mentions m``) for what the summary's ``span`` leaves out: the
        edges before and after it, or, without a span, the whole selection. ``named=False``
        leaves out "names a keyword", for a query that joins the keyword rows anyway."""
        selection = self.selection
        if span is None or span[0] >= span[1]:
            pieces = [selection]
        else:
            pieces = []
            if iso(selection.since) < span[0]:  # type: ignore[operator]
                pieces.append(replace(selection, until=datetime.fromisoformat(span[0])))
            if span[1] < iso(selection.until):  # type: ignore[operator]
                pieces.append(replace(selection, since=datetime.fromisoformat(span[1])))
        parts = []
        for piece in pieces:
            clause, params = where(piece, postgres=self.store.postgres)
            if named:
                clause = f"{clause} {'AND' if clause else 'WHERE'} {NAMED}"
            parts.append((clause, params))
        return parts

    def _copy(self) -> str:
        """The mentions the summary cannot answer for (the edges outside its whole days, at
        most two days of them, or the whole selection when it cannot be used), copied once
        into a temporary table (on disk unless configured otherwise): one read of the
        mentions for every figure, instead of one each. Named ``m`` in queries, like
        ``mentions``."""
        if self.copy is None:
            PeriodView._count += 1
            copy = f"temp.period_{PeriodView._count}"
            parts = self._raw_parts(self._span(self.days)) or [("WHERE 1 = 0", [])]
            selects = " UNION ALL ".join(
                "SELECT m.id, m.mentioned_at, m.source, m.domain, m.author, m.interactions,"
                " m.followers, m.sentiment, m.sentiment_label, m.sentiment_method"
                f" FROM mentions m {clause}"
                for clause, _ in parts
            )
            with self.store._guard("read mentions"):
                self.store.db.execute(
                    f"CREATE TABLE {copy} AS {selects}",
                    [value for _, values in parts for value in values],
                )
            self.copy = copy
        return self.copy

    def summary_parts(
        self,
    ) -> tuple[tuple[str, str] | None, list[tuple[str, str]], list[tuple[str, list[Any]]]]:
        """For a figure kept per day and per quarter hour in summary tables of its own
        (``store.aspects``): the whole days [start, end) the summary answers for (None: none),
        the quarter hours of its partial days, and the WHERE clauses over ``mentions m`` of
        what the summary leaves out (the edges, or the whole selection)."""
        quarters, days = self._span(self.quarters), self._span(self.days)
        if quarters is None or days is None:
            return None, [quarters] if quarters else [], self._raw_parts(quarters, named=False)
        partial = [
            span for span in ((quarters[0], days[0]), (days[1], quarters[1])) if span[0] < span[1]
        ]
        return days, partial, self._raw_parts(quarters, named=False)

    def _span(self, span: tuple[str, str] | None) -> tuple[str, str] | None:
        return span if span is not None and span[0] < span[1] else None

    def _keyword_filter(self) -> tuple[str, list[Any]]:
        keywords = self.selection.keywords
        if not keywords:
            return "", []
        return f" AND k.keyword IN ({marks(keywords)})", list(keywords)

    def _counts(self, per_keyword: bool, by_bucket: bool) -> tuple[str, list[Any]]:
        """The union of summary rows and raw aggregates (columns: bucket, keyword, mentions,
        positive, neutral, negative, scored, sentiment_sum) for keyword rows or totals."""
        selects: list[str] = []
        params: list[Any] = []
        span = self._span(self.quarters)
        bucket = bucket_of("m.mentioned_at") if by_bucket else "''"
        bucket += " AS bucket"
        if span is not None:
            selects.append(
                "SELECT bucket, keyword, mentions, positive, neutral, negative, scored,"
                " sentiment_sum FROM summary_keywords WHERE bucket >= ? AND bucket < ?"
                f" AND keyword {'!=' if per_keyword else '='} ''"
            )
            params += span
        join, join_params = self._keyword_filter()
        # The summary's edges (under half an hour) straight from the mentions; without the
        # summary, the copy of the selection.
        sources: list[tuple[str, str, list[Any]]] = []
        if self.quarters is None and not self.direct:
            sources.append((self._copy(), "", []))
        else:
            floor = self._hashed()
            parts = self._raw_parts(span, named=not (per_keyword or floor))
            if floor and not per_keyword:  # NAMED, as one set of the window's keyword rows
                parts = [
                    (f"{clause} AND m.id IN ({_NAMED_FROM})", [*values, floor])
                    for clause, values in parts
                ]
            if floor:
                join, join_params = f"{join} AND k.mention_id >= ?", [*join_params, floor]
            sources += [("mentions", clause, values) for clause, values in parts]
        for table, clause, values in sources:
            if per_keyword:
                selects.append(
                    f"SELECT {bucket}, k.keyword AS keyword, {counts_sql('k')} FROM {table} m"
                    f" CROSS JOIN mention_keywords k ON k.mention_id = m.id{join} {clause}"
                    " GROUP BY 1, 2"
                )
                params += [*join_params, *values]
            else:
                selects.append(
                    f"SELECT {bucket}, '' AS keyword, {counts_sql('m')} FROM {table} m {clause}"
                    " GROUP BY 1"
                )
                params += values
        return " UNION ALL ".join(selects), params

    def _hashed(self) -> int:
        """On PostgreSQL, for a ``direct`` view of a window by fetch time or id (a digest's): a
        lower bound of its ids (``first_id``), from which its mentions are joined to their
        keyword rows as one range of ``mention_keywords_by_mention``, hashed, instead of one
        probe of that index per mention (16,700 a day at 1M: 85-100 ms a statement, 40-50 by
        hashing). 0: not such a view, or no bound (the plain probes then)."""
        selection = self.selection
        windowed = selection.by_fetch or selection.after_id is not None
        if not (self.store.postgres and self.direct and windowed):
            return 0
        if self.floor is None:
            self.floor = self.store.first_id([selection])
        return self.floor

    def keyword_stats(self) -> dict[str, KeywordCountsRow]:
        """Per keyword: mentions, positive/neutral/negative counts, average sentiment (of the
        keyword in each mention).

        Mentions of languages we do not score (method ``none``) count in volume, not in
        averages.
        """
        union, params = self._counts(per_keyword=True, by_bucket=False)
        rows = self.store._dicts(
            f"SELECT keyword, {_MERGED} FROM ({union}) GROUP BY keyword", params
        )
        return {row["keyword"]: cast(KeywordCountsRow, row) for row in rows}

    def totals(self) -> CountsRow:
        """Every mention once, with its own sentiment."""
        union, params = self._counts(per_keyword=False, by_bucket=False)
        (row,) = self.store._dicts(f"SELECT {_MERGED} FROM ({union})", params)
        row["mentions"] = row["mentions"] or 0
        return cast(CountsRow, row)

    def trend(self, unit: TrendBucket, tz: tzinfo = UTC) -> list[TrendRow]:
        """Mentions and negative mentions per calendar bucket of ``unit`` in ``tz`` (weeks
        start on Monday), keyed by the bucket's start converted to UTC: per keyword, then
        (keyword NULL) all mentions, each counted once as ``totals`` counts them. Quiet buckets
        have no row. Counted per UTC quarter hour, then folded into the local units: every
        zone's hours and days start on a quarter hour, in summer and in winter."""
        folded: dict[tuple[str | None, str], list[int]] = {}
        starts: dict[str, str] = {}
        # UTC hours, days and months are prefixes of the quarter hours: folded in SQL (a
        # month's 2,880 quarter hours per keyword are not each carried into Python)
        prefix = _UTC_PREFIX.get(unit) if tz is UTC else None
        bucket = f"substr(bucket, 1, {prefix[0]}) || '{prefix[1]}'" if prefix else "bucket"
        for per_keyword in (True, False):
            union, params = self._counts(per_keyword=per_keyword, by_bucket=True)
            sql = f"""SELECT {bucket} AS start, keyword, sum(mentions), sum(negative)
                FROM ({union}) GROUP BY 1, 2"""
            for bucket_start, keyword, mentions, negative in self.store._rows(sql, params):
                start = bucket_start if prefix else starts.get(bucket_start)
                if start is None:
                    start = starts[bucket_start] = local_start(bucket_start, unit, tz)
                point = folded.setdefault((keyword if per_keyword else None, start), [0, 0])
                point[0] += mentions
                point[1] += negative or 0
        return [
            {"keyword": keyword, "start": start, "mentions": point[0], "negative": point[1]}
            for (keyword, start), point in folded.items()
        ]

    def ranking(self, column: str, order: str, limit: int) -> list[RankingRow]:
        """Top values of ``column`` (source, domain or author) by ``order`` (mentions or
        interactions): how much each says, how warmly, how much it is heard."""
        return self.rankings(column, (order,), limit)[order]

    def rankings(
        self, column: str, orders: Sequence[str], limit: int
    ) -> dict[str, list[RankingRow]]:
        """``ranking`` by each of ``orders`` at once: the values of ``column`` are summed once
        (authors by mentions and by interactions: the period's authors grouped once, not
        twice)."""
        assert column in ("source", "domain", "author")
        assert orders and all(order in ("mentions", "interactions") for order in orders)  # in SQL
        selects: list[str] = []
        params: list[Any] = []
        span = self._span(self.days)
        if span is not None:
            selects.append(
                "SELECT name, mentions, interactions, followers, negative, scored, sentiment_sum"
                " FROM summary_names WHERE kind = ? AND day >= ? AND day < ?"
            )
            params += [column, *span]
        selects.append(
            f"SELECT {names_sql(column)} FROM {self._copy()} m"
            f" WHERE m.{column} IS NOT NULL AND m.{column} != '' GROUP BY 1"
        )
        grouped = f"""SELECT name, sum(mentions) AS mentions, sum(interactions) AS interactions,
                max(followers) AS followers, sum(negative) AS negative,
                sum(sentiment_sum) / sum(scored) AS average
            FROM ({" UNION ALL ".join(selects)}) GROUP BY name"""
        tops = " UNION ALL ".join(
            f"SELECT * FROM (SELECT '{order}' AS ranked_by, * FROM ranked"
            f" ORDER BY {order} DESC, mentions DESC, name LIMIT ?)"
            for order in orders
        )
        rows = self.store._dicts(
            f"WITH ranked AS MATERIALIZED ({grouped}) {tops}",
            [*params, *(limit for _ in orders)],
        )
        found: dict[str, list[RankingRow]] = {order: [] for order in orders}
        for row in rows:
            found[row.pop("ranked_by")].append(cast(RankingRow, row))
        return found


def local_start(bucket: str, unit: TrendBucket, tz: tzinfo) -> str:
    """The start, as a naive UTC ``YYYY-MM-DDTHH:MM:SS``, of the calendar ``unit`` in ``tz``
    holding the UTC quarter hour ``bucket`` (as ``insight.buckets.bucket_start`` computes it
    in UTC). Wall-clock arithmetic on an aware time keeps DST right: a local midnight is
    converted with the offset in force at that midnight."""
    if tz is UTC and unit in _UTC_PREFIX:  # the common case, without datetime arithmetic
        size, tail = _UTC_PREFIX[unit]
        return bucket[:size] + tail
    try:
        start = calendar_start(datetime.fromisoformat(bucket), unit, tz)
    except OverflowError:  # year 1 west of Greenwich: no local calendar before it
        return local_start(bucket, unit, UTC)
    return start.replace(tzinfo=None).isoformat(timespec="seconds")


#: A UTC bucket's start, from a quarter hour's: the characters kept, what follows them.
_UTC_PREFIX = {"hour": (13, ":00:00"), "day": (10, "T00:00:00"), "month": (7, "-01T00:00:00")}
_UTC_PREFIX["year"] = (4, "-01-01T00:00:00")

#: The ids of the mentions that name a keyword, from a lower bound of a window's ids on
#: (``PeriodView._hashed``): NAMED for a whole window at once.
_NAMED_FROM = "SELECT e.mention_id FROM mention_keywords e WHERE e.mention_id >= ?"

#: Merging summed columns (``_counts``) into a CountsRow.
_MERGED = """sum(mentions) AS mentions, sum(positive) AS positive, sum(neutral) AS neutral,
    sum(negative) AS negative, sum(sentiment_sum) / sum(scored) AS average"""


class StatsMixin(SummaryMixin):
    """Counts over periods and windows, and the sources in trouble."""

    def period_view(
        self, selection: MentionFilter, *, summary: bool = True, direct: bool = False
    ) -> PeriodView:
        """The mentions ``selection`` covers, to aggregate (a context manager, see PeriodView).
        ``summary=False``: from the mentions alone (what the tests compare the summary with);
        ``direct``: without a copy of what the summary leaves out (see PeriodView)."""
        return PeriodView(self, selection, summary=summary, direct=direct)

    def window_counts(
        self,
        keywords: Sequence[str],
        now: datetime,
        window: timedelta,
        windows: int,
        stride: timedelta | None = None,
    ) -> dict[str, tuple[list[int], list[int]]]:
        """Per keyword, mentions and negative mentions in each of ``windows`` windows ending at
        ``now`` (index 0 is the current window [now - window, now), 1 the one before, ...):
        the summary's quarter hours that lie inside one window, the mentions of those a window
        boundary cuts. Whole seconds: the same answer both ways, to the second.

        ``stride`` (a whole number of windows apart, e.g. a week for daily windows): window i
        is [now - i * stride - window, now - i * stride), the same weekday or hour each time;
        what falls between windows is not counted."""
        now = now.astimezone(UTC).replace(microsecond=0)
        stride = stride or window
        since = now - stride * (windows - 1) - window
        counts = {name: ([0] * windows, [0] * windows) for name in keywords}
        # The window of a moment: how many strides lie wholly between it and now; it lies in
        # that window when its offset within the stride is under the window's length.
        offset = "(CAST(strftime('%s', ?) AS INTEGER) - CAST(strftime('%s', {0}) AS INTEGER) - 1)"
        ago = f"CAST({offset} / ? AS INTEGER)"
        inside = f" AND {offset} % ? < ?" if stride != window else ""
        step = int(stride.total_seconds())  # whole seconds: integer division on both engines
        gap = [iso(now), step, int(window.total_seconds())] if inside else []
        with self.period_view(MentionFilter(since=since, until=now)) as view:
            rows: list[tuple[str, int, int, int | None]] = []
            raw = [(since, now)]
            if view.quarters is not None and view.quarters[0] < view.quarters[1]:
                start, end = (datetime.fromisoformat(bound) for bound in view.quarters)
                ends = [now - stride * i for i in range(windows)]
                bounds = sorted({*ends, *(end - window for end in ends)})
                cut = [
                    b - timedelta(seconds=(b - start).total_seconds() % QUARTER.total_seconds())
                    for b in bounds
                    if start < b < end and (b - start) % QUARTER
                ]
                raw = [(since, start), *((q, q + QUARTER) for q in sorted(set(cut))), (end, now)]
                rows += self._rows(
                    f"""SELECT keyword, {ago.format("bucket")}, sum(mentions), sum(negative)
                    FROM summary_keywords WHERE bucket >= ? AND bucket < ? AND keyword != ''
                    AND bucket NOT IN ({marks(cut)}){inside.format("bucket")} GROUP BY 1, 2""",
                    [iso(now), step, *view.quarters, *(iso(q) for q in cut), *gap],
                )
            for low, high in raw:
                if low < high:
                    rows += self._rows(
                        f"""SELECT k.keyword, {ago.format("m.mentioned_at")}, count(*),
                            sum(k.sentiment_label = 'negative')
                        FROM mentions m CROSS JOIN mention_keywords k ON k.mention_id = m.id
                        WHERE m.mentioned_at >= ? AND m.mentioned_at < ? AND {NOT_NOISE}
                        {inside.format("m.mentioned_at")} GROUP BY 1, 2""",
                        [iso(now), step, iso(low), iso(high), *gap],
                    )
        for keyword, index, mentions, negative in rows:
            if keyword in counts and 0 <= index < windows:
                volume, negatives = counts[keyword]
                volume[index] += mentions
                negatives[index] += negative or 0
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
