"""What reports find in the mentions' words (issue 14): themes, aspects, why a spike happened.

Produced by ``insight`` (themes.py, aspects.py, spikes.py), drawn by every ``output`` format.
Example mentions are whole rows, so that any format can show a title and a link; machine
formats (JSON) give their ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from brandwatch_cli.models.rows import MentionRow

#: A theme's trend against the previous period of the same length.
NEW, RISING, STABLE, FALLING = "new", "rising", "stable", "falling"


@dataclass(frozen=True)
class Theme:
    """A phrase (1-3 words, folded) that characterises a keyword's mentions in a period."""

    phrase: str  # as people wrote it most often ("colis perdu")
    count: int  # mentions of the keyword in the period that contain it
    share: float  # count / the keyword's mentions in the period
    sentiment: float | None  # net: (positive - negative) / count; None if none was scored
    trend: str  # NEW, RISING, STABLE or FALLING
    previous: int  # mentions that contained it in the previous period
    score: float  # how characteristic: the weighted log-odds z-score, against the background
    examples: tuple[MentionRow, ...]  # two representative mentions
    related: tuple[str, ...] = ()  # phrases grouped with it because they co-occur


@dataclass(frozen=True)
class AspectFigure:
    """What a keyword's mentions say about one aspect (price, delivery...) in a period."""

    aspect: str
    mentions: int  # mentions talking about it
    positive: int  # ... with a positive passage about it
    negative: int  # ... with a negative one
    average: float | None  # mean of the aspect's passage sentiment
    praise: tuple[MentionRow, ...]  # the most positive examples
    complaints: tuple[MentionRow, ...]  # the most negative examples


@dataclass(frozen=True)
class SpikeExplanation:
    """Why a spike happened: what the spike window's mentions have that the baseline's lack."""

    terms: tuple[tuple[str, float], ...]  # over-represented phrases, strongest first (z-score)
    sources: tuple[tuple[str, int], ...]  # top sources in the window, by mentions
    authors: tuple[tuple[str, int], ...]  # top authors in the window, by mentions
    positive: int
    neutral: int
    negative: int
    aspects: tuple[tuple[str, int, float | None], ...]  # (aspect, mentions, average sentiment)
    examples: tuple[MentionRow, ...]  # three representative mentions, with their links
