"""Values that cross module boundaries: what the config asks for and what sources yield."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Any

from brandwatch_cli import __version__
from brandwatch_cli.models.findings import AspectFigure, SpikeExplanation, Theme
from brandwatch_cli.models.rows import (
    MENTION_COLUMNS,
    CountsRow,
    KeywordCountsRow,
    KeywordHit,
    MentionDetail,
    MentionFilter,
    MentionRow,
    RankingRow,
    SourceHealthRow,
    SourceProblemRow,
    StatusChange,
    StoryCopy,
    TrendBucket,
    TrendRow,
    TriageActions,
)
from brandwatch_cli.models.rules import (
    CONDITION_KEYS,
    AlertRule,
    QuietHours,
    RuleCondition,
    RuleHit,
)

#: What ``rows`` and ``findings`` define belongs here too: import every crossing value from here.
__all__ = [
    "CONDITION_KEYS",
    "MENTION_COLUMNS",
    "AlertRule",
    "AspectFigure",
    "CountsRow",
    "KeywordCountsRow",
    "KeywordHit",
    "MentionDetail",
    "MentionFilter",
    "MentionRow",
    "QuietHours",
    "RankingRow",
    "RuleCondition",
    "RuleHit",
    "SourceHealthRow",
    "SourceProblemRow",
    "SpikeExplanation",
    "StatusChange",
    "StoryCopy",
    "Theme",
    "TrendBucket",
    "TrendRow",
    "TriageActions",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})

USER_AGENT = f"brandwatch-cli/{__version__} (+https://pypi.org/project/brandwatch-cli/)"

#: Engagement numbers a source may report, by name. Reports rank authors and mentions by them.
ENGAGEMENT_KEYS = (
    "points",  # Hacker News points
    "score",  # Reddit score
    "comments",  # comments / replies count
    "favourites",  # Mastodon favourites, Bluesky likes
    "reblogs",  # Mastodon reblogs, Bluesky reposts
    "quotes",  # Bluesky quotes
    "followers",  # the author's followers
    "rating",  # a review's rating: App Store stars (1-5), a CSV column (its ``rating_scale``)
    "votes",  # helpfulness votes on a review
)


@dataclass(frozen=True)
class HttpPolicy:
    """How politely and how persistently to fetch; set from the config."""

    user_agent: str = USER_AGENT
    max_bytes: int = 20 * 1024 * 1024
    per_host: int = 2
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 30.0
    #: Follow redirects from a public host to loopback, private or link-local addresses.
    allow_private_redirects: bool = False


@dataclass(frozen=True)
class Validators:
    """What a server told us last time about a URL, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


@dataclass(frozen=True)
class Keyword:
    """A brand (or competitor) to listen for.

    It matches when its ``query`` holds (or, without a query, when any of its ``terms``
    appears) outside every ``exclude`` phrase, and, when ``require_any`` is given, one of those
    context words appears too. ``languages`` keeps only mentions in those languages;
    ``lexicon`` overrides sentiment valences for mentions of this keyword.
    """

    name: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    query: str | None = None
    case_sensitive: bool = False
    require_any: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    lexicon: tuple[tuple[str, float], ...] = ()
    #: A mention of it still new or todo this long after it was fetched is overdue.
    reply_within: timedelta | None = None


@dataclass(frozen=True)
class Aspect:
    """Something customers talk about (price, delivery...): a mention talks about it when a
    clause names one of its ``terms`` (words or phrases, ``rembours*`` a prefix) or satisfies
    its ``query``. ``lexicon``: what words mean when said of it ("long" of a wait)."""

    name: str
    terms: tuple[str, ...] = ()
    query: str | None = None
    lexicon: tuple[tuple[str, float], ...] = ()


#: A source's ``interval:`` when the config gives none.
DEFAULT_INTERVAL = timedelta(minutes=15)


@dataclass(frozen=True)
class SourceConfig:
    """One entry of the config's ``sources:`` list, validated.

    ``keywords`` names the keywords a query-based source searches for (all when empty);
    ``about`` names a keyword every item of the source is attributed to, named or not (a
    brand's own app reviews or survey answers rarely repeat the brand's name).
    """

    name: str
    type: str
    url: str | None
    timeout: float
    options: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    line: int = 0
    keywords: tuple[str, ...] = ()
    about: str | None = None
    #: How often ``brandwatch worker`` fetches it (``scan`` fetches every source it is given).
    interval: timedelta = DEFAULT_INTERVAL


VOLUME = "spike"


NEGATIVE = "negative-spike"
#: A spike's baseline: the windows just before it, or the same hour of day / day of week.
CONSECUTIVE, SAME_HOUR, SAME_WEEKDAY = "consecutive", "same-hour", "same-weekday"


@dataclass(frozen=True)
class SpikeRule:
    """When a count is a spike; set by the config's ``alerts:`` block."""

    window: timedelta = timedelta(hours=24)
    baseline: int = 14
    k: float = 3.0
    min_count: int = 5
    min_history: int = 3
    #: A count is a spike only when P(X >= count | Poisson(baseline mean)) is below this.
    p_value: float = 0.001
    #: Compare with the same hour of day / day of week where the history allows.
    seasonal: bool = True


@dataclass(frozen=True)
class Spike:
    """One keyword's count that stands out from its own history."""

    keyword: str
    kind: str  # VOLUME or NEGATIVE
    count: int
    mean: float
    threshold: float
    history: int  # how many windows the baseline had
    window: timedelta = timedelta(hours=24)  # how long the counted window is
    #: Why: filled by ``insight.spikes.explain`` where the mentions are at hand.
    explanation: SpikeExplanation | None = None
    #: P(X >= count) for a Poisson count of the baseline's mean (None: not computed).
    p_value: float | None = None
    #: Which windows the baseline is: CONSECUTIVE, SAME_HOUR or SAME_WEEKDAY.
    baseline_kind: str = CONSECUTIVE
    #: When the counted window ended; None: now (an alert), else a past window (a report's).
    ended: datetime | None = None

    @property
    def window_text(self) -> str:
        """The window for people: "24 h", "1 h", "7 days"."""
        hours = self.window.total_seconds() / 3600
        if hours >= 48 and hours % 24 == 0:
            return f"{hours / 24:g} days"
        return f"{hours:g} h" if hours >= 1 else f"{hours * 60:g} min"


@dataclass(frozen=True)
class Retention:
    """How long what a scan stores is kept; the config's ``retention:`` block, applied at the
    end of each scan and by ``prune``. Mentions are kept for ever unless ``mentions_days``."""

    entries_days: int = 30
    mentions_days: int | None = None
    scan_logs_days: int = 90


@dataclass(frozen=True)
class Config:
    """The whole validated configuration file."""

    path: Path
    database: Path | str  # a SQLite file, or a postgresql:// URL
    timeout: float
    keywords: tuple[Keyword, ...]
    sources: tuple[SourceConfig, ...]
    http: HttpPolicy = field(default_factory=HttpPolicy)
    concurrency: int = 16
    #: Global sentiment overrides: word -> valence (-4..+4).
    lexicon: tuple[tuple[str, float], ...] = ()
    #: apprise notification URLs for ``--notify``.
    notify: tuple[str, ...] = ()
    #: Seconds a notification channel may take to answer.
    notify_timeout: float = 15.0
    alerts: SpikeRule = field(default_factory=SpikeRule)
    retention: Retention = field(default_factory=Retention)
    #: Whose calendar periods and trends follow, and whose clocks times are shown on.
    timezone: tzinfo = UTC
    #: What mentions are about (``aspects:``, over the built-in ones); none: no aspects read.
    aspects: tuple[Aspect, ...] = ()
    #: ``notify:`` given as a mapping: channel name -> URL (``notify`` has every URL).
    channels: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    #: ``rules:``: what to do with each new mention that matches (issue 15).
    rules: tuple[AlertRule, ...] = ()
    #: ``relevance: threshold:``: a scored mention below it is noise (issue 15).
    relevance_threshold: float = 0.5

    def keywords_for(self, source: SourceConfig) -> tuple[Keyword, ...]:
        """The keywords a query-based source searches for."""
        if not source.keywords:
            return self.keywords
        return tuple(k for k in self.keywords if k.name in source.keywords)


#: Above this, a count from a service is nonsense (or hostile: 10**400 is valid JSON).
MAX_COUNT = 10**15


def engagement(**counts: object) -> dict[str, float]:
    """The usable numbers among what a service gave: missing, a string, a bool, NaN, absurd or
    negative values are left out (only a ``score``, a vote balance, may be negative); ints
    stay ints, so exports show 5, not 5.0."""
    kept: dict[str, float] = {}
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        low = -MAX_COUNT if name == "score" else 0
        if low <= value <= MAX_COUNT:  # False for NaN too
            kept[name] = value
    return kept


@dataclass(frozen=True)
class Item:
    """One entry as a source publishes it, text already cleaned to plain one-line strings."""

    entry_id: str
    url: str | None
    title: str
    text: str
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    #: Numbers from ENGAGEMENT_KEYS the source reports for this item.
    engagement: Mapping[str, float] = field(default_factory=dict)  # a dict: items are pickled


@dataclass(frozen=True)
class KeywordMatch:
    """One keyword found in a mention: which of its terms, and in which fields."""

    keyword: str
    terms: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Sentiment:
    """A score in [-1, 1], its label, and which analyzer gave it."""

    score: float
    label: str
    method: str


@dataclass(frozen=True)
class SourceOutcome:
    """One source's line in the scan log."""

    source: str
    status: str
    entries: int = 0
    matched: int = 0
    new_mentions: int = 0
    error: str | None = None
    duration_s: float = 0.0
    #: For a source skipped while it backs off: the status that started the backoff
    #: ("failed" or "rate limited"); not stored in the scan log.
    held_by: str | None = None


OK = "ok"


UNCHANGED = "unchanged"


FAILED = "failed"


RATE_LIMITED = "rate limited"


SKIPPED = "skipped"


@dataclass(frozen=True)
class KeywordChanges:
    """What re-matching stored entries and mentions against changed keywords did (or would do):
    associations added and removed per keyword, mentions created and deleted."""

    added: Mapping[str, int] = field(default_factory=dict)
    removed: Mapping[str, int] = field(default_factory=dict)
    new_mentions: int = 0
    deleted_mentions: int = 0
    #: Mentions left with no keyword but kept because someone triaged them.
    kept_unmatched: int = 0
    #: Ids of the stored mentions whose keywords changed: scored again after the re-match.
    rescore: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.deleted_mentions)


@dataclass(frozen=True)
class ScanResult:
    """What a scan did, source by source, in config order."""

    scan_id: int
    outcomes: tuple[SourceOutcome, ...]
    #: What the scan's re-matching changed, when the keywords had changed since the last one.
    rematched: KeywordChanges = field(default_factory=KeywordChanges)

    @property
    def new_mentions(self) -> int:
        return sum(o.new_mentions for o in self.outcomes)

    @property
    def failed(self) -> tuple[SourceOutcome, ...]:
        """Sources that could not be read: the scan exits 1."""
        return tuple(o for o in self.outcomes if o.status == FAILED)

    @property
    def held_back(self) -> tuple[SourceOutcome, ...]:
        """Sources rate limited or skipped while backing off: worth a warning, not an error."""
        return tuple(o for o in self.outcomes if o.status in (RATE_LIMITED, SKIPPED))
