"""Whether an alert rule holds for a mention, and why: pure functions of the rule and the row.

A mention is a stored row (``models.MentionRow``: its JSON columns as stored) and, when
known, ``source_type`` (the type of its source in the config) and ``relevance`` (a score in
[0, 1]). A mention without a relevance score counts as relevant (1.0): until a relevance model
scores mentions, ``relevance_at_least`` holds for every one. Nothing here reads the database,
sends or changes anything.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from brandwatch_cli.insight.phrases import word_key, words
from brandwatch_cli.models import AlertRule, QuietHours, RuleCondition
from brandwatch_cli.sentiment import label as sentiment_label
from brandwatch_cli.store.values import engagement_figures
from brandwatch_cli.text import fold

#: What a mention without a relevance score counts as.
UNSCORED_RELEVANCE = 1.0

Mention = Mapping[str, Any]


def matches(rule: AlertRule, mention: Mention) -> bool:
    """Every condition of the rule's ``when:`` holds for ``mention``."""
    return reasons(rule.when, mention) is not None


def why(rule: AlertRule, mention: Mention) -> str:
    """What made the rule hold, one clause per condition (empty when it does not hold)."""
    found = reasons(rule.when, mention)
    return ", ".join(found) if found else ""


def reasons(when: RuleCondition, mention: Mention) -> list[str] | None:
    """One reason per condition of ``when``, or None as soon as one does not hold."""
    found: list[str] = []
    for check in _CHECKS:
        reason = check(when, mention)
        if reason is None:
            return None
        if reason:
            found.append(reason)
    return found


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    if not value:
        return {}
    loaded = json.loads(value)
    return loaded if isinstance(loaded, dict) else {}


def _keywords(mention: Mention) -> list[str]:
    return [k for k in (mention.get("keywords") or "").split(";") if k]


def _any(wanted: tuple[str, ...], have: str | None) -> bool:
    return have is not None and fold(have) in {fold(w) for w in wanted}


def _sentiment(when: RuleCondition, mention: Mention) -> str | None:
    """``keyword``, ``label`` and ``sentiment_at_most`` together: with ``keyword``, one of the
    rule's keywords the mention names must meet the label and the bound by its own sentiment in
    the mention (its ``keyword_sentiment``); without, the mention's sentiment must."""
    if not (when.keywords or when.labels or when.sentiment_at_most is not None):
        return ""
    if not when.keywords:
        score = float(mention.get("sentiment") or 0.0)
        return _sentiment_reason(when, score, mention.get("sentiment_label") or "", "")
    per_keyword = _json(mention.get("keyword_sentiment"))
    for keyword in _keywords(mention):
        if not _any(when.keywords, keyword):
            continue
        own = per_keyword.get(keyword)
        score = float(own) if isinstance(own, int | float) else float(mention["sentiment"] or 0)
        label = (
            sentiment_label(score) if isinstance(own, int | float) else mention["sentiment_label"]
        )
        reason = _sentiment_reason(when, score, label, keyword)
        if reason is not None:
            return reason
    return None


def _sentiment_reason(when: RuleCondition, score: float, label: str, keyword: str) -> str | None:
    if when.labels and label not in when.labels:
        return None
    if when.sentiment_at_most is not None and score > when.sentiment_at_most:
        return None
    parts = [f"keyword {keyword}"] if keyword else []
    if when.labels or when.sentiment_at_most is not None:
        parts.append(f"{label} ({score:+.2f})")
    return " ".join(parts)


def _number(mention: Mention, name: str) -> float | None:
    value = _json(mention.get("engagement")).get(name)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _followers(when: RuleCondition, mention: Mention) -> str | None:
    if when.followers_at_least is None:
        return ""
    followers = _number(mention, "followers")
    if followers is None or followers < when.followers_at_least:
        return None
    return f"followers {followers:,.0f} ≥ {when.followers_at_least:,.0f}"


def _engagement(when: RuleCondition, mention: Mention) -> str | None:
    if when.engagement_at_least is None:
        return ""
    interactions, _ = engagement_figures(_json(mention.get("engagement")))
    if interactions < when.engagement_at_least:
        return None
    return f"engagement {interactions:,.0f} ≥ {when.engagement_at_least:,.0f}"


def _rating(when: RuleCondition, mention: Mention) -> str | None:
    if when.rating_at_most is None:
        return ""
    rating = _number(mention, "rating")
    if rating is None or rating > when.rating_at_most:
        return None
    return f"rating {rating:g} ≤ {when.rating_at_most:g}"


def _source(when: RuleCondition, mention: Mention) -> str | None:
    if when.sources and mention.get("source") not in when.sources:
        return None
    if when.source_types and mention.get("source_type") not in when.source_types:
        return None
    parts = [f"source {mention.get('source')}"] if when.sources else []
    parts += [f"source type {mention.get('source_type')}"] if when.source_types else []
    return ", ".join(parts)


def _language(when: RuleCondition, mention: Mention) -> str | None:
    if not when.languages:
        return ""
    language = (mention.get("language") or "").lower()
    return f"language {language}" if language in when.languages else None


def _aspect(when: RuleCondition, mention: Mention) -> str | None:
    if not when.aspects:
        return ""
    talked = _json(mention.get("aspects"))
    found = [a for a in when.aspects if a in talked]
    return f"aspect {found[0]}" if found else None


def _term(when: RuleCondition, mention: Mention) -> str | None:
    """A term of the rule is one of the mention's matched terms, or words of its title or
    text (case and accents folded, whole words, plurals and elisions as in themes: "recall"
    finds "recalls", "rappel" finds "rappels")."""
    if not when.terms:
        return ""
    matched = {term_key(t) for terms in _json(mention.get("matched_terms")).values() for t in terms}
    said = f" {term_key(mention.get('title') or '')} {term_key(mention.get('text') or '')} "
    for term in when.terms:
        folded = term_key(term)
        if folded and (folded in matched or f" {folded} " in said):
            return f"term {term!r}"
    return None


def term_key(text: str) -> str:
    """Words as a ``term`` compares them (also a mute's ``--phrase``): folded, plurals and
    elisions merged, one space apart."""
    return " ".join(word_key(word) for word in words(text.replace("\u2019", "'")))


def _relevance(when: RuleCondition, mention: Mention) -> str | None:
    if when.relevance_at_least is None:
        return ""
    score = mention.get("relevance")
    relevance = UNSCORED_RELEVANCE if score is None else float(score)
    if relevance < when.relevance_at_least:
        return None
    return f"relevance {relevance:.2f}" + (" (not scored: relevant)" if score is None else "")


_CHECKS = (
    _sentiment,
    _followers,
    _engagement,
    _rating,
    _source,
    _language,
    _aspect,
    _term,
    _relevance,
)


def quiet_now(quiet: QuietHours | None, now: datetime) -> bool:
    """``now`` falls in the quiet hours (from ``start`` included to ``end`` excluded, on
    their zone's clocks; over midnight when ``end`` is not after ``start``)."""
    if quiet is None:
        return False
    clock: time = now.astimezone(quiet.tz).time().replace(tzinfo=None)
    if quiet.start < quiet.end:
        return quiet.start <= clock < quiet.end
    return clock >= quiet.start or clock < quiet.end
