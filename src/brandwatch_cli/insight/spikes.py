"""Spike detection: is a keyword talked about (or complained about) far more than usual?

The rule, per keyword and separately for all mentions and for negative ones: the count in the
current window (the last ``window``, e.g. 24 hours, ending now) is a spike when

    count >= min_count   and   count > mean + k * max(sd, sqrt(mean))

where mean and sd are those of the same window over the ``baseline`` previous windows (by
default the 14 previous days). ``sqrt(mean)`` is the noise of a count (Poisson): it keeps a
perfectly flat history from calling 11 a spike after ten 10s. ``min_count`` keeps two
mentions from being a "spike" after a silent fortnight. Windows from before monitoring began
(the first scan) are not history: until ``min_history`` windows exist there is no alert.
Pure functions; the counts come from ``queries``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from brandwatch_cli.models import NEGATIVE, VOLUME, Spike, SpikeRule


def threshold(history: Sequence[int], k: float) -> tuple[float, float]:
    """(mean, threshold) of a baseline: mean + k * max(sd, sqrt(mean))."""
    mean = sum(history) / len(history)
    sd = math.sqrt(sum((x - mean) ** 2 for x in history) / len(history))
    return mean, mean + k * max(sd, math.sqrt(mean))


def find_spike(
    keyword: str, kind: str, current: int, history: Sequence[int], rule: SpikeRule
) -> Spike | None:
    """A Spike if ``current`` stands out from ``history`` under ``rule``, else None."""
    if len(history) < rule.min_history or current < rule.min_count:
        return None
    mean, limit = threshold(history, rule.k)
    if current <= limit:
        return None
    return Spike(keyword, kind, current, mean, limit, len(history), rule.window)


def find_spikes(
    counts: dict[str, tuple[int, list[int], int, list[int]]], rule: SpikeRule
) -> list[Spike]:
    """Spikes for every keyword: ``counts[keyword]`` is (current volume, volume history,
    current negatives, negative history)."""
    spikes = []
    for keyword, (volume, volumes, negative, negatives) in counts.items():
        for kind, current, history in ((VOLUME, volume, volumes), (NEGATIVE, negative, negatives)):
            spike = find_spike(keyword, kind, current, history, rule)
            if spike is not None:
                spikes.append(spike)
    return spikes
