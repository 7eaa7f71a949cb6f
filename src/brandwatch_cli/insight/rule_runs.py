"""Running the alert rules over new mentions, and their notifications (issue 15).

``apply_rules`` matches the mentions stored after an id (a scan's or a worker round's) and
records each (rule, mention) once: the process whose record it is applies the rule's status,
tag and assignment (history ``by`` ``rule:NAME``). ``deliver`` then sends each rule's waiting
matches in one message, unless the rule is cooling down (they wait for the end of the
cooldown: the next run after it sends them together) or in quiet hours (not urgent: they are
held for the next digest). A message that reached no channel leaves its matches waiting, to
be tried again by the next run. ``replay`` says what the rules would have done, doing nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from brandwatch_cli.insight.rules import quiet_now, reasons
from brandwatch_cli.models import (
    AlertRule,
    Config,
    MentionFilter,
    MentionRow,
    RuleHit,
    TriageActions,
)
from brandwatch_cli.store import MentionStore
from brandwatch_cli.text import mention_headline

#: Mention ids read at once by ``apply_rules``.
BATCH = 5000


def rule_hits(
    config: Config, rows: Iterable[MentionRow], only: Sequence[str] = ()
) -> list[RuleHit]:
    """Each (rule, mention) of ``rows`` a rule holds for (the rules named ``only``, if any)."""
    types = {s.name: s.type for s in config.sources}
    rules = [r for r in config.rules if not only or r.name in only]
    hits = []
    for row in rows:
        mention = {**row, "source_type": types.get(row["source"])}
        for rule in rules:
            found = reasons(rule.when, mention)
            if found is not None:
                title = mention_headline(row["title"], row.get("text"))
                hits.append(RuleHit(rule.name, row["id"], title, ", ".join(found)))
    return hits


def apply_rules(store: MentionStore, config: Config, after_id: int, now: datetime) -> list[RuleHit]:
    """Match the mentions stored after ``after_id``, record the new matches and apply their
    actions; returns the matches this process recorded. Read ``BATCH`` ids at a time: a first
    scan of a big file stores a million mentions."""
    if not config.rules:
        return []
    fresh = []
    newest = store.last_mention_id()
    for start in range(after_id, newest, BATCH):
        window = MentionFilter(after_id=start, up_to_id=min(start + BATCH, newest))
        rows = list(store.iter_mentions(window))
        fresh += _record(store, config, rule_hits(config, reversed(rows)), now)  # oldest first
    return fresh


def _record(
    store: MentionStore, config: Config, hits: Sequence[RuleHit], now: datetime
) -> list[RuleHit]:
    """Record ``hits`` and apply the actions of those this process recorded."""
    rules = {r.name: r for r in config.rules}
    recorded = set(
        store.record_rule_matches(
            [(h.rule, h.mention_id, h.why, bool(rules[h.rule].notify)) for h in hits], now
        )
    )
    fresh = [h for h in hits if (h.rule, h.mention_id) in recorded]
    for rule in config.rules:
        actions = TriageActions(status=rule.status, assign=rule.assign, tags=rule.tags)
        ids = [h.mention_id for h in fresh if h.rule == rule.name]
        if actions and ids:
            store.triage(ids, actions, now, by=f"rule:{rule.name}")
    return fresh


def deliver(
    store: MentionStore,
    config: Config,
    now: datetime,
    send: Callable[[AlertRule, Sequence[RuleHit]], bool],
) -> None:
    """Send each rule's waiting matches (see the module's docstring); ``send`` says whether
    any channel took the message."""
    rules = {r.name: r for r in config.rules if r.notify}
    for name in store.rules_waiting(now):
        rule = rules.get(name)
        if rule is None:  # a rule removed from the config, or that no longer notifies
            continue
        if quiet_now(rule.quiet_hours, now) and not rule.urgent:
            store.hold_rule_matches(name)
            continue
        if not store.claim_rule_send(name, now, rule.cooldown):
            continue  # cooling down: its matches wait for the end of the cooldown
        hits = store.take_rule_matches(name, now)
        if not hits:  # another process took them
            store.finish_rule_send(name, now, delivered=False)
            continue
        store.finish_rule_send(name, now, delivered=send(rule, hits))


def replay(
    store: MentionStore, config: Config, selection: MentionFilter, only: Sequence[str] = ()
) -> list[RuleHit]:
    """What the rules would have fired on the stored mentions ``selection`` holds, newest
    first; nothing is recorded, sent or changed."""
    return rule_hits(config, store.iter_mentions(selection), only)
