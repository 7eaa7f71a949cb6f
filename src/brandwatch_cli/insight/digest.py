"""What a digest says: what arrived since the last one, what to answer, what is on fire.

A digest covers mentions by when they were fetched (what arrived), not when they were
published: a mention published three days ago but found today is news to the reader. With
``--since last`` it covers exactly what no earlier ``--since last`` digest covered: the
watermark is stored only once the digest was written (and sent, when asked), so a missed or
failed run leaves nothing out and a successful one sends nothing twice. The very first such
digest covers the last 24 hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo

from brandwatch_cli.insight import spikes
from brandwatch_cli.insight.report import (
    Counts,
    KeywordStats,
    Period,
    counts_from,
    keyword_table,
    themes_section,
)
from brandwatch_cli.insight.themes import READERS
from brandwatch_cli.insight.triage import Backlog, build_backlog, keyword_scores, scored_as
from brandwatch_cli.models import (
    Keyword,
    MentionFilter,
    MentionRow,
    RuleHit,
    SourceProblemRow,
    Spike,
    SpikeRule,
    Theme,
)
from brandwatch_cli.store import MentionStore
from brandwatch_cli.times import period_before

FIRST_DIGEST = timedelta(hours=24)
TOP_PER_KEYWORD = 5


@dataclass(frozen=True)
class Digest:
    period: Period  # what arrived (fetched) in this window
    previous: Period  # the same length just before, for comparison
    generated_at: datetime
    total: Counts
    previous_total: Counts
    keywords: tuple[KeywordStats, ...]
    alerts: tuple[Spike, ...]
    reply_first: tuple[MentionRow, ...]  # negative, not yet handled, most negative first
    top: dict[str, tuple[MentionRow, ...]]  # keyword -> its most heard new mentions
    problems: tuple[SourceProblemRow, ...]  # sources failing, rate limited or backing off
    tz: tzinfo = UTC  # whose clocks the times are shown on
    #: keyword -> the phrases that characterise what arrived, strongest first.
    themes: dict[str, tuple[Theme, ...]] = field(default_factory=dict)
    #: Unhandled negative mentions from before the window, and overdue counts.
    backlog: Backlog = field(default_factory=Backlog)
    #: Alert rules' matches that quiet hours held for this digest (issue 15).
    held: tuple[RuleHit, ...] = ()

    @property
    def new_problems(self) -> tuple[SourceProblemRow, ...]:
        """Sources that started failing within this digest's period: the others were in an
        earlier digest already."""
        # Times are stored to the second: a failure in the second the last digest was made
        # was in that digest.
        since = self.period.since.astimezone(UTC).isoformat(timespec="seconds")
        return tuple(p for p in self.problems if p["failing_since"] and p["failing_since"] > since)

    @property
    def empty(self) -> bool:
        """Nothing new to tell: no new mention, no alert, no source that started failing
        since the last digest (one failing for days was told then), no mention that fell
        overdue since then, no alert rule's match held by quiet hours. A backlog alone is
        old news: it does not make a digest."""
        return (
            not self.total.mentions
            and not self.alerts
            and not self.new_problems
            and not self.backlog.newly_overdue
            and not self.held
        )


@dataclass(frozen=True)
class Window:
    """Exactly which mentions a digest covers, and the period shown for it."""

    period: Period
    selection: MentionFilter
    last_id: int  # the newest mention when the digest started: the next one starts after it


def digest_window(store: MentionStore, since: datetime | None, now: datetime) -> Window:
    """From ``since`` (by fetch time), or, with ``since`` None, everything stored after the
    last ``--since last`` digest (by mention id: exact, whatever the clocks say)."""
    last_id = store.last_mention_id()
    if since is not None:
        selection = MentionFilter(since=since, by_fetch=True, up_to_id=last_id)
        return Window(Period(since, now), selection, last_id)
    mark = store.watermark()
    if mark is None:
        start = now - FIRST_DIGEST
        selection = MentionFilter(since=start, by_fetch=True, up_to_id=last_id)
    else:
        start = datetime.fromisoformat(mark[1])
        selection = MentionFilter(after_id=mark[0], up_to_id=last_id)
    return Window(Period(min(start, now), now), selection, last_id)


def current_spikes(
    store: MentionStore, keywords: Sequence[str], rule: SpikeRule, now: datetime
) -> list[Spike]:
    """Keywords whose latest window stands out from their own history, explained (see
    ``insight.spikes``)."""
    return spikes.current_spikes(store, keywords, rule, now)


def build_digest(
    store: MentionStore,
    window: Window,
    *,
    keywords: Sequence[str],
    rule: SpikeRule,
    now: datetime,
    top: int = 10,
    tz: tzinfo = UTC,
    keyword_terms: Sequence[Keyword] = (),
    reply_keywords: Sequence[Keyword] = (),
) -> Digest:
    """``reply_keywords``: the configured keywords, whose ``reply_within`` says what is
    overdue."""
    period = window.period
    previous = Period(period_before(period.since, period.until), period.since)
    current = window.selection
    before = MentionFilter(since=previous.since, until=previous.until, by_fetch=True)
    # Totals and keyword figures only: read from the indexes, without copying the windows.
    with (
        store.period_view(current, direct=True) as view,
        store.period_view(before, direct=True) as earlier,
    ):
        keyword_stats = keyword_table(view, earlier, keywords, include_earlier=False)
        total, previous_total = counts_from(view.totals()), counts_from(earlier.totals())
    open_items = replace(current, statuses=("new", "todo"))
    heard = [k.keyword for k in keyword_stats if k.now.mentions]
    with store.readers(READERS) as readers:
        # begun first: on other connections when big, while this one computes the rest
        themes = themes_section(
            store, current, before, keyword_stats, total, keyword_terms, readers
        )
        top_by_keyword = {
            name: tuple(_about_keyword(row, name) for row in rows)
            for name, rows in store.most_heard_by_keyword(
                open_items, heard, TOP_PER_KEYWORD
            ).items()
        }
        return Digest(
            period=period,
            previous=previous,
            generated_at=now,
            total=total,
            previous_total=previous_total,
            keywords=keyword_stats,
            alerts=tuple(current_spikes(store, keywords, rule, now)),
            reply_first=tuple(store.most_negative(open_items, top)),
            top=top_by_keyword,
            problems=tuple(store.source_problems()),
            tz=tz,
            backlog=build_backlog(store, reply_keywords, period.since, now),
            held=tuple(store.held_rule_matches(period.since, now)),
            themes=themes(),  # waited for last: every other section is computed meanwhile
        )


def _about_keyword(row: MentionRow, keyword: str) -> MentionRow:
    """``row`` with its sentiment about ``keyword`` (what the text says where it names it), as
    it is listed under that keyword; as it is when none is stored for the keyword."""
    score = keyword_scores(row).get(keyword)
    return row if score is None else scored_as(row, score)


@dataclass(frozen=True)
class DigestRun:
    """A digest built but not yet recorded: what it covers, and whether it may move the
    watermark once it went out."""

    digest: Digest
    window: Window
    since_last: bool  # ``--since last``: from the watermark, which it moves once delivered


def next_digest(
    store: MentionStore,
    since: datetime | None,
    *,
    keywords: Sequence[str],
    rule: SpikeRule,
    now: datetime,
    tz: tzinfo = UTC,
    keyword_terms: Sequence[Keyword] = (),
    reply_keywords: Sequence[Keyword] = (),
) -> DigestRun:
    """The digest of what arrived from ``since``, or, with ``since`` None, of everything no
    earlier ``--since last`` digest covered (see ``digest_window``); times shown in ``tz``."""
    window = digest_window(store, since, now)
    data = build_digest(
        store,
        window,
        keywords=keywords,
        rule=rule,
        now=now,
        tz=tz,
        keyword_terms=keyword_terms,
        reply_keywords=reply_keywords,
    )
    return DigestRun(data, window, since_last=since is None)


def record_digest(
    store: MentionStore, run: DigestRun, *, fmt: str, output: str | None, reached: bool
) -> None:
    """Log ``run`` once it was written. ``reached``: someone has it (it was printed or saved,
    and at least one channel took it when it was sent); only then does a ``--since last``
    digest move the watermark, so one that no channel took is covered again by the next."""
    period = run.window.period
    store.record_digest(
        created=run.digest.generated_at,
        since=period.since,
        until=period.until,
        fmt=fmt,
        output=output,
        mentions=run.digest.total.mentions,
        watermark=run.since_last and reached,
        last_id=run.window.last_id,
    )
