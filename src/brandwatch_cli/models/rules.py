"""Alert rules (issue 15): what the config's ``rules:`` asks for, and what a rule found.

Values only: ``config.rules`` reads them, ``insight.rules`` decides which mentions match,
``scan`` and the CLI act on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta, tzinfo

#: The condition keys of a rule's ``when:``, in the order the README lists them.
CONDITION_KEYS = (
    "keyword",
    "label",
    "sentiment_at_most",
    "followers_at_least",
    "engagement_at_least",
    "rating_at_most",
    "source",
    "source_type",
    "language",
    "aspect",
    "term",
    "relevance_at_least",
)


@dataclass(frozen=True)
class RuleCondition:
    """A rule's ``when:``: every condition given must hold; a tuple holds when any of its
    values does; an empty tuple or None is no condition."""

    keywords: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    sentiment_at_most: float | None = None
    followers_at_least: float | None = None
    engagement_at_least: float | None = None
    rating_at_most: float | None = None
    sources: tuple[str, ...] = ()
    source_types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    aspects: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    relevance_at_least: float | None = None


@dataclass(frozen=True)
class QuietHours:
    """``quiet_hours: {from: "22:00", to: "07:00", tz: Europe/Paris}``: from ``start`` to
    ``end`` on the clocks of ``tz`` (over midnight when ``end`` is not after ``start``)."""

    start: time
    end: time
    tz: tzinfo


@dataclass(frozen=True)
class AlertRule:
    """One entry of ``rules:``: a condition and what to do with each new mention it holds for."""

    name: str
    when: RuleCondition
    #: Names of the config's ``notify:`` channels to tell.
    notify: tuple[str, ...] = ()
    status: str | None = None
    tags: tuple[str, ...] = ()
    assign: str | None = None
    #: After a notification, further matches wait this long and go out together.
    cooldown: timedelta | None = None
    #: When notifications are held for the next digest (None: never).
    quiet_hours: QuietHours | None = None
    #: Notify even in quiet hours.
    urgent: bool = False


@dataclass(frozen=True)
class RuleHit:
    """A rule that holds for a stored mention, and why (``rules test``, a held match)."""

    rule: str
    mention_id: int
    title: str
    why: str
    matched_at: str | None = None  # ISO 8601 UTC, when the store recorded it
