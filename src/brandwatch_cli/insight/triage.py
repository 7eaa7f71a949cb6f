"""What a team's triage says: which mentions are overdue (``reply_within:``), how many, and the
backlog a digest shows (unhandled negative mentions that arrived before it).

A mention is overdue when it is still ``new`` or ``todo`` longer after it was fetched than the
shortest ``reply_within`` of its keywords. Keywords without one never make a mention overdue,
so a config without ``reply_within`` asks the store nothing here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import cast

from brandwatch_cli.insight.report import Report
from brandwatch_cli.models import Keyword, MentionFilter, MentionRow
from brandwatch_cli.sentiment import label
from brandwatch_cli.store import UNHANDLED, MentionStore

#: Backlog mentions a digest lists, oldest first ("and N more" for the rest).
BACKLOG_SHOWN = 10
#: Counts of the backlog and of overdue mentions stop here (a database nobody triages holds
#: every negative mention in its backlog: the number past this says nothing more).
COUNT_CAP = 10_000


def keyword_scores(row: Mapping[str, object]) -> dict[str, float]:
    """A mention row's sentiment about each of its keywords (its ``keyword_sentiment``
    JSON); {} when it holds none."""
    scores = json.loads(str(row.get("keyword_sentiment") or "{}"))
    if not isinstance(scores, dict):
        return {}
    return {k: v for k, v in scores.items() if isinstance(v, int | float)}


def scored_as(row: MentionRow, score: float) -> MentionRow:
    """``row`` shown with ``score`` as its sentiment (and that score's label): what it says of
    one keyword, where it is listed or ranked for that keyword."""
    return cast(MentionRow, {**row, "sentiment": score, "sentiment_label": label(score)})


def reply_limits(keywords: Sequence[Keyword]) -> dict[str, timedelta]:
    """keyword name -> its ``reply_within``, for the keywords that have one."""
    return {k.name: k.reply_within for k in keywords if k.reply_within is not None}


def overdue_filter(
    keywords: Sequence[Keyword], now: datetime, base: MentionFilter | None = None
) -> MentionFilter:
    """``base`` (default: every mention) narrowed to the mentions overdue at ``now``."""
    cutoffs = tuple((name, now - limit) for name, limit in reply_limits(keywords).items())
    return replace(base or MentionFilter(), overdue=cutoffs)


def reply_by(row: MentionRow, limits: dict[str, timedelta]) -> datetime | None:
    """When the mention should have been answered by: its fetch time plus the shortest
    ``reply_within`` of its keywords; None when none of them has one."""
    names = [k for k in str(row.get("keywords") or "").split(";") if k in limits]
    if not names:
        return None
    fetched = datetime.fromisoformat(str(row["fetched_at"]))
    fetched = fetched if fetched.tzinfo else fetched.replace(tzinfo=UTC)
    return fetched + min(limits[name] for name in names)


def is_overdue(row: MentionRow, limits: dict[str, timedelta], now: datetime) -> bool:
    """Still unhandled past its ``reply_by``."""
    deadline = reply_by(row, limits)
    return deadline is not None and row["status"] in UNHANDLED and now >= deadline


def count_overdue(
    store: MentionStore,
    keywords: Sequence[Keyword],
    now: datetime,
    base: MentionFilter | None = None,
) -> int:
    """How many of ``base``'s mentions are overdue (up to COUNT_CAP); 0 without
    ``reply_within``."""
    if not reply_limits(keywords):
        return 0
    return store.count_mentions(overdue_filter(keywords, now, base), COUNT_CAP)


def with_overdue(
    report: Report,
    store: MentionStore,
    keywords: Sequence[Keyword],
    selection: MentionFilter,
    now: datetime,
) -> Report:
    """``report`` with its period's overdue mentions counted and its reply-first ones marked."""
    if not reply_limits(keywords):
        return report
    period = replace(selection, since=report.period.since, until=report.period.until)
    limits = reply_limits(keywords)
    return replace(
        report,
        overdue=count_overdue(store, keywords, now, period),
        overdue_ids=frozenset(r["id"] for r in report.reply_first if is_overdue(r, limits, now)),
    )


@dataclass(frozen=True)
class Backlog:
    """Unhandled negative mentions that arrived before a digest's window, oldest first."""

    rows: tuple[MentionRow, ...] = ()
    total: int = 0  # how many there are, up to COUNT_CAP
    #: The ids among ``rows`` that are overdue.
    overdue_ids: frozenset[int] = frozenset()
    #: Mentions overdue now (any sentiment), and how many of them fell due within the window.
    overdue: int = 0
    newly_overdue: int = 0

    @property
    def more(self) -> int:
        """Backlog mentions not listed."""
        return max(0, self.total - len(self.rows))


def build_backlog(
    store: MentionStore,
    keywords: Sequence[Keyword],
    since: datetime,
    now: datetime,
    shown: int | None = None,
) -> Backlog:
    """The backlog of a digest whose window starts at ``since``, and its overdue counts: those
    overdue now, and those that fell due since ``since`` (a digest with them is not empty);
    ``shown``: how many to list (BACKLOG_SHOWN)."""
    rows, total = store.backlog(since, shown or BACKLOG_SHOWN, COUNT_CAP)
    limits = reply_limits(keywords)
    overdue = count_overdue(store, keywords, now)
    already = count_overdue(store, keywords, since) if overdue else 0
    return Backlog(
        rows=tuple(rows),
        total=total,
        overdue_ids=frozenset(r["id"] for r in rows if is_overdue(r, limits, now)),
        overdue=overdue,
        newly_overdue=max(0, overdue - already),
    )
