"""What a report says, computed from the store; rendering lives in ``render``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from brandwatch_cli import queries
from brandwatch_cli.queries import MentionFilter
from brandwatch_cli.store import MentionStore

MAX_FILLED_DAYS = 92


@dataclass(frozen=True)
class KeywordSummary:
    """How much, and how warmly, one keyword was talked about in the period."""

    keyword: str
    mentions: int
    positive: int
    neutral: int
    negative: int
    average: float | None
    share_of_voice: float


@dataclass(frozen=True)
class Report:
    since: datetime
    until: datetime
    total: int
    keywords: tuple[KeywordSummary, ...]
    days: tuple[dict[str, Any], ...]
    sources: tuple[dict[str, Any], ...]
    reply_first: tuple[dict[str, Any], ...]


def build_report(
    store: MentionStore,
    selection: MentionFilter,
    *,
    now: datetime,
    configured_keywords: Sequence[str] = (),
    top: int = 10,
) -> Report:
    """Aggregate the mentions ``selection`` covers. ``since`` defaults to seven days ago.

    Share of voice is each keyword's share of all keyword mentions in the period (a mention
    naming two keywords counts for both), so the shares add up to 100%.
    """
    since = selection.since or now - timedelta(days=7)
    until = selection.until or now
    selection = replace(selection, since=since)
    rows = {row["keyword"]: row for row in queries.keyword_stats(store, selection)}
    names = list(rows)
    wanted = selection.keywords or tuple(configured_keywords)
    names += [name for name in wanted if name not in rows]
    voice = sum(row["mentions"] for row in rows.values())
    summaries = tuple(
        KeywordSummary(
            keyword=name,
            mentions=int(rows.get(name, {}).get("mentions") or 0),
            positive=int(rows.get(name, {}).get("positive") or 0),
            neutral=int(rows.get(name, {}).get("neutral") or 0),
            negative=int(rows.get(name, {}).get("negative") or 0),
            average=rows.get(name, {}).get("average"),
            share_of_voice=(rows[name]["mentions"] / voice) if name in rows and voice else 0.0,
        )
        for name in names
    )
    return Report(
        since=since,
        until=until,
        total=queries.count_mentions(store, selection),
        keywords=summaries,
        days=_every_day(queries.daily_counts(store, selection), since, until),
        sources=tuple(queries.top_sources(store, selection, top)),
        reply_first=tuple(queries.most_negative(store, selection, top)),
    )


def _every_day(
    rows: Sequence[dict[str, Any]], since: datetime, until: datetime
) -> tuple[dict[str, Any], ...]:
    """Daily rows with the quiet days filled in as zeros (for periods up to ~3 months)."""
    first, last = since.date(), until.date()
    if (last - first).days > MAX_FILLED_DAYS:
        return tuple(rows)
    by_day = {row["day"]: row for row in rows}
    days = []
    day = first
    while day <= last:
        key = day.isoformat()
        days.append(by_day.get(key, {"day": key, "mentions": 0, "negative": 0}))
        day += timedelta(days=1)
    return tuple(days)
