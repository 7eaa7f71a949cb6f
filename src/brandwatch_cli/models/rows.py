"""Rows the store hands out and the columns exports promise: what crosses from the store to
insight and output."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NotRequired, Required, TypedDict

#: Columns of ``mentions`` / ``export``, in order. Scripts rely on this order: append only.
MENTION_COLUMNS = (
    "id",
    "source",
    "keywords",
    "title",
    "url",
    "author",
    "published_at",
    "fetched_at",
    "language",
    "sentiment",
    "sentiment_label",
    "text",
    "sentiment_method",
    "engagement",
    "status",
    "note",
    "matched_terms",
    "copies",
    "outlets",
    "keyword_sentiment",
    "domain",
    "source_language",
    "aspects",
    "assignee",
    "tags",
    "relevance",
)


@dataclass(frozen=True)
class MentionFilter:
    """Which mentions a listing, export, report or digest covers. Empty tuples mean "all".

    Only says what is wanted; the store turns it into SQL.
    """

    since: datetime | None = None
    until: datetime | None = None
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    #: A label: the mention's own; with ``keywords``, the one about any of them.
    sentiment: str | None = None
    statuses: tuple[str, ...] = ()
    #: SQLite FTS5 query over title, text and author.
    search: str | None = None
    #: Bound ``fetched_at`` instead of ``mentioned_at``: what arrived, not what was published.
    by_fetch: bool = False
    #: Only mentions stored after ``after_id`` and up to ``up_to_id`` (ids only grow).
    after_id: int | None = None
    up_to_id: int | None = None
    #: Mentions talking about any of these aspects (``mentions --aspect``).
    aspects: tuple[str, ...] = ()
    #: Assigned to one of these names (as stored); None in it: assigned to nobody.
    assignees: tuple[str | None, ...] = ()
    #: Tagged with any of these, whatever their case.
    tags: tuple[str, ...] = ()
    #: Only overdue mentions: still new or todo, fetched before the cutoff of one of their
    #: keywords (keyword, now - its ``reply_within``); None: no such filter.
    overdue: tuple[tuple[str, datetime], ...] | None = None
    #: The "probably noise" bucket (``store.relevance``): ``exclude`` it (what every reader
    #: sees by default), list ``only`` it (``mentions --noise``), or ``include`` it.
    noise: Literal["exclude", "only", "include"] = "exclude"


# Rows the store hands out. Plain dicts at run time (output code indexes them by column name);
# these types only tell mypy and readers which keys there are. Times are ISO 8601 strings.


class MentionRow(TypedDict):
    """One stored mention, with the MENTION_COLUMNS keys in that order."""

    id: int
    source: str
    keywords: str | None  # its keywords, sorted, joined by ";"
    title: str
    url: str | None
    author: str | None
    published_at: str | None
    fetched_at: str
    language: str | None
    sentiment: float
    sentiment_label: str
    text: str
    sentiment_method: str
    engagement: str | None  # a JSON object
    status: str
    note: str | None
    matched_terms: str  # a JSON object: keyword -> the terms of it that matched
    copies: int  # other entries (at other URLs) that carried the same story
    outlets: int  # distinct domains across the story's face and its copies
    keyword_sentiment: str | None  # a JSON object: keyword -> its sentiment in this mention
    domain: str | None  # who published it: the link's host without www.
    source_language: str | None  # the language the source declared, if any
    aspects: str  # a JSON object: aspect -> the sentiment of what the mention says of it
    assignee: str | None  # who is to answer it (``mark --assign``)
    tags: str | None  # a JSON list of its tags as written; None when it has none
    relevance: float | None  # P(about us) from the relevance model, or its label's 1.0/0.0
    #: ``search --sort relevance`` only: the text around the words found (not exported).
    snippet: NotRequired[str]


@dataclass(frozen=True)
class StoryCopy:
    """Another place a stored story was published: a copy that is not its face."""

    source: str
    url: str | None
    domain: str | None
    published_at: str | None  # ISO 8601 UTC, as stored


class CountsRow(TypedDict):
    """Volume and sentiment of a set of mentions (sums are None over no mention)."""

    mentions: int
    positive: int | None
    neutral: int | None
    negative: int | None
    average: float | None  # None when no mention was scored


class KeywordCountsRow(CountsRow):
    keyword: str


class RankingRow(TypedDict):
    """A source, domain or author: how much it says, how warmly, how much it is heard."""

    name: str
    mentions: int
    interactions: float | None
    followers: float | None
    negative: int | None
    average: float | None


#: The calendar unit of one trend point (``insight.buckets``).
TrendBucket = Literal["hour", "day", "week", "month", "year"]


class TrendRow(TypedDict):
    """Mentions in one calendar bucket of a period: one keyword's, or (keyword None) all of
    them, each mention once."""

    keyword: str | None
    start: str  # the bucket's first instant (its zone's calendar) in UTC, ``YYYY-MM-DDTHH:MM:SS``
    mentions: int
    negative: int | None


class SourceHealthRow(TypedDict, total=False):
    """A source's stored state and mentions; only the counts for a source with mentions but
    no state (one renamed in the config)."""

    source: Required[str]
    type: str | None
    last_attempt: str | None
    last_success: str | None
    status: str | None
    last_error: str | None
    failures: int
    next_attempt: str | None
    moved_to: str | None
    etag: int  # 1 when an ETag is held
    mentions: Required[int]
    recent: Required[int]  # mentions in the last days asked for


class SourceProblemRow(TypedDict):
    """A source whose last attempt failed, was rate limited, or that is backing off."""

    source: str
    status: str | None
    last_error: str | None
    failures: int
    next_attempt: str | None
    last_success: str | None
    failing_since: str | None  # its first failed scan since it last worked


# One mention, everything about it: ``brandwatch show``. Times are ISO 8601 strings.


@dataclass(frozen=True)
class KeywordHit:
    """One keyword of a mention: which of its terms matched, in which fields (``title``,
    ``text``), and the keyword's own sentiment when the store keeps one per keyword (None:
    only the mention's own score applies)."""

    keyword: str
    terms: tuple[str, ...]
    fields: tuple[str, ...]
    sentiment: float | None = None
    sentiment_label: str | None = None


@dataclass(frozen=True)
class StatusChange:
    """One action of a ``mark``: ``what`` it did (``status``, ``assigned``, ``unassigned``,
    ``tagged``, ``untagged``, ``note``) and its ``value`` (the name or tag; None for a status),
    the mention's status after it, its note, when and by whom (None before history was kept or
    when no user name was known)."""

    status: str
    note: str | None
    at: str
    by: str | None
    what: str = "status"
    value: str | None = None


@dataclass(frozen=True)
class TriageActions:
    """What one ``mark`` does to each of its mentions; each action is one history row."""

    status: str | None = None
    assign: str | None = None
    unassign: bool = False
    tags: tuple[str, ...] = ()
    untags: tuple[str, ...] = ()
    note: str | None = None
    #: A label set by hand (``positive``, ``neutral``, ``negative``): see store.corrections.
    sentiment: str | None = None
    #: ``relevant`` or ``irrelevant`` (``mark --relevant/--irrelevant``): see store.relevance.
    relevance: str | None = None

    def __bool__(self) -> bool:
        return bool(
            self.status
            or self.assign
            or self.unassign
            or self.tags
            or self.untags
            or self.note
            or self.sentiment
            or self.relevance
        )


@dataclass(frozen=True)
class MentionDetail:
    """Everything stored about one mention, for ``show``: the row as exported, its keywords,
    the other sources' copies of the story, and its status marks, oldest first."""

    mention: MentionRow
    keywords: tuple[KeywordHit, ...]
    copies: tuple[StoryCopy, ...]
    history: tuple[StatusChange, ...]
    #: The language the source declared (the mention's own is detected when they differ).
    source_language: str | None = None
    #: When it should be answered by (its keywords' ``reply_within:``), and whether it is late.
    reply_by: datetime | None = None
    overdue: bool = False
