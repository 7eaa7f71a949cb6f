"""Which spikes to alert about, and alerting about each one once.

A spike is sent again only after its window: the same keyword running hot all day is one
alert, not one per scan. A spike counts as sent only once a channel took it, so an alert that
reached no one is tried again by the next scan. Whichever of several workers finds a spike,
one sends it: the "not sent yet" decision is a claim written in the database (``claim_alerts``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from brandwatch_cli.insight.digest import current_spikes
from brandwatch_cli.models import Spike, SpikeRule
from brandwatch_cli.store import MentionStore


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
    """Hand ``send`` the spikes not already sent within their window that this process could
    claim (nothing when there are none); ``send`` says whether any channel took them: then
    they are logged, else the claims are given back."""
    fresh = store.claim_alerts(spikes, now, rule.window)
    if not fresh:
        return
    if send(fresh):
        store.record_sent(fresh, now)
    else:
        store.unclaim_alerts(fresh, now)
