"""Keeping every mention's relevance current (issue 15): the models (the database's, and each
keyword's with enough labels of its own) trained again when their labels changed, and the
mentions scored past a watermark, in batches (a stopped pass resumes).

Run at the end of a scan's fetches and of a worker's rounds (their new mentions first, before
rules and spikes: neither sees noise), by ``rescore``, and right after ``mark --relevant/
--irrelevant``, ``review``, ``mute`` and ``unmute``; scans and marks with a budget (the rest
waits for the next scan or ``rescore``). What the scores were computed with (the
model's fingerprint, the threshold, the mutes) is the pass's key: a new key starts it again
from the first mention, so that a new model, threshold or mute applies to the past.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from brandwatch_cli.insight.relevance import (
    LABELS,
    VERSION,
    Example,
    Mute,
    RelevanceModel,
    RelevanceModels,
    missing,
    muted,
    score,
    train,
)
from brandwatch_cli.models import Config
from brandwatch_cli.store import MentionStore
from brandwatch_cli.store.relevance import MODEL, SCORED

BATCH = 1000
#: Stored mentions ``mark --relevant/--irrelevant`` (and ``review``) rescore at once, and a scan
#: or a worker round besides its new ones; ``rescore`` does the rest in one go.
MARK_BUDGET = 5000
SCAN_BUDGET = 50_000
#: A mention is read as at scan: this much of its text.
TEXT_CHARS = 10_000


@dataclass(frozen=True)
class RelevanceUpdate:
    """What a pass did: the models in use (none: too few labels), mentions scored, whether
    mentions are left for a later pass, and the labels still needed per kind."""

    models: RelevanceModels
    scored: int
    pending: bool
    needed: Mapping[str, int]


def example(row: Mapping[str, Any]) -> Example:
    """A stored mention as the model reads it."""
    keywords = tuple(k for k in (row.get("keywords") or "").split(";") if k)
    return Example(
        (row.get("title") or "")[:TEXT_CHARS],
        (row.get("text") or "")[:TEXT_CHARS],
        row.get("source") or "",
        row.get("domain"),
        row.get("author"),
        keywords,
    )


def current_models(store: MentionStore, now: datetime) -> tuple[RelevanceModels, dict[str, int]]:
    """The database's model and each keyword's (see ``insight.relevance``), trained now when
    their labels changed and stored; how many labels of each kind the database still needs."""
    rows = store.relevance_examples()
    needed = missing([row["label"] for row in rows])
    if needed:
        if store.relevance_state().keys() - {SCORED}:
            store.drop_relevance_models([])
        return RelevanceModels(), needed
    by_keyword: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        for keyword in example(row).keywords:
            by_keyword.setdefault(keyword, []).append(row)
    scopes = {MODEL: rows} | {
        f"{MODEL}:{keyword}": own
        for keyword, own in sorted(by_keyword.items())
        # every label is this keyword's: the database's model is its own
        if len(own) < len(rows) and not missing([row["label"] for row in own])
    }
    stored = store.relevance_state()
    models: dict[str, RelevanceModel] = {}
    for scope, own in scopes.items():
        digest = hashlib.sha256(VERSION.encode())
        for row in own:
            digest.update(repr((row["id"], row["label"], row["keywords"])).encode())
        fingerprint = digest.hexdigest()[:12]
        if scope in stored and stored[scope][0] == fingerprint:
            models[scope] = RelevanceModel.from_json(stored[scope][1])
            continue
        model = train([(example(row), row["label"]) for row in own], fingerprint)
        store.save_relevance_state(scope, fingerprint, model.to_json(), model.examples, now)
        models[scope] = model
    if stored.keys() - {SCORED} - scopes.keys():
        store.drop_relevance_models(list(scopes))
    keywords = {scope.split(":", 1)[1]: m for scope, m in models.items() if scope != MODEL}
    return RelevanceModels(models[MODEL], keywords), {}


#: The watermark's fingerprint after the mentions' keywords changed: never a pass's own, so
#: the next pass starts from the first mention.
RESTART = "restart"


def restart_relevance(store: MentionStore, now: datetime) -> None:
    """Make the next pass score every mention again (their keywords changed), keeping the
    scores they have until then; nothing where nothing was ever scored."""
    if SCORED in store.relevance_state():
        store.save_relevance_state(SCORED, RESTART, "", 0, now)


def update_relevance(
    store: MentionStore,
    config: Config,
    now: datetime | None = None,
    *,
    fresh_after: int | None = None,
    budget: int | None = None,
    batch: int = BATCH,
    on_batch: Callable[[int, int], None] | None = None,
) -> RelevanceUpdate:
    """Train if needed, then score the mentions the watermark has not reached (at most
    ``budget`` of them); ``on_batch(done, total)`` reports progress. ``fresh_after``: a
    scan's new mentions (ids above it) are scored first, whatever the budget, so that rules
    and spikes never see one unscored while an older pass is unfinished."""
    now = now or datetime.now(UTC)
    models, needed = current_models(store, now)
    mutes = [Mute(**row) for row in _mute_rows(store)]
    threshold = config.relevance_threshold
    key = hashlib.sha256(repr((models.fingerprint, threshold, mutes)).encode()).hexdigest()[:12]
    state = store.relevance_state().get(SCORED)
    if not models and not mutes:
        # Nothing scores: mentions are unscored and not noise unless labelled. A database
        # that never had a model or a mute keeps no watermark (nothing to resume).
        if state is not None:
            store.clear_relevance()
        return RelevanceUpdate(models, 0, False, needed)
    last = store.last_mention_id()
    watermark = state[2] if state is not None and state[0] == key else 0
    if state is None or state[0] != key:
        store.save_relevance_state(SCORED, key, "", 0, now)
    done = 0
    if fresh_after is not None and fresh_after > watermark:
        done += _score_past(store, models, mutes, threshold, key, fresh_after, watermark, batch)
    total = max(last - watermark, 0)
    while budget is None or done < budget:
        rows = store.mentions_to_score(watermark, batch)
        if not rows:
            break
        watermark = rows[-1]["id"]
        store.save_relevance(_scores(rows, models, mutes, threshold), key, watermark)
        done += len(rows)
        if on_batch:
            on_batch(min(done, total), total)
    pending = bool(store.mentions_to_score(watermark, 1))
    return RelevanceUpdate(models, done, pending, needed)


def _score_past(
    store: MentionStore,
    models: RelevanceModels,
    mutes: list[Mute],
    threshold: float,
    key: str,
    after: int,
    watermark: int,
    batch: int,
) -> int:
    """Score the mentions above ``after``, the watermark left where it is."""
    done = 0
    while rows := store.mentions_to_score(after, batch):
        store.save_relevance(_scores(rows, models, mutes, threshold), key, watermark)
        after = rows[-1]["id"]
        done += len(rows)
    return done


def _scores(
    rows: list[dict[str, Any]], models: RelevanceModels, mutes: list[Mute], threshold: float
) -> list[tuple[int, float | None, str | None]]:
    """Each mention's ``(id, relevance, noise reason)``."""
    scores: list[tuple[int, float | None, str | None]] = []
    for row in rows:
        mention = example(row)
        relevance = score(models, mention)
        reason = None
        if muted(mutes, mention):
            reason = "muted"
        elif relevance is not None and relevance < threshold:
            reason = "model"
        scores.append((row["id"], relevance, reason))
    return scores


def _mute_rows(store: MentionStore) -> list[dict[str, Any]]:
    fields = ("id", "source", "domain", "author", "phrase", "keyword")
    return [{f: row[f] for f in fields} for row in store.mutes()]


__all__ = [
    "LABELS",
    "MARK_BUDGET",
    "SCAN_BUDGET",
    "RelevanceUpdate",
    "current_models",
    "example",
    "update_relevance",
]
