"""Which spikes to alert about, and alerting about each one once.

A spike is sent again only after its window: the same keyword running hot all day is one
alert, not one per scan. A spike counts as sent only once a channel took it, so an alert that
reached no one is tried again by the next scan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from brandwatch_cli.insight.digest import current_spikes
from brandwatch_cli.models import Spike, SpikeRule
from brandwatch_cli.store.mentions import MentionStore


def current_alerts(
    store: MentionStore, keywords: Sequence[str], rule: SpikeRule, now: datetime
) -> list[Spike]:
    """The spikes of ``keywords`` now: the alerts a digest shows, and the ones a scan sends."""
    return current_spikes(store, keywords, rule, now)


def send_once(
    store: MentionStore,
    spikes: Sequence[Spike],
    rule: SpikeRule,
    now: datetime,
    send: Callable[[Sequence[Spike]], bool],
) -> None:
    """Hand ``send`` the spikes not already sent within their window (nothing when there are
    none); ``send`` says whether any channel took them, and only then are they remembered."""
    fresh = store.unsent(spikes, now, rule.window)
    if fresh and send(fresh):
        store.record_sent(fresh, now)
