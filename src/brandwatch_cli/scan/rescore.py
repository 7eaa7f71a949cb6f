"""Recomputing language and sentiment of stored mentions after an analyzer or lexicon change.

Streaming and resumable: mentions are read in batches of ids, each batch updated in one
transaction with the current analyzer version. A killed rescore resumes where it stopped, since
what it finished is no longer stale; running it twice does nothing the second time. Sentiment
is recomputed as a scan computes it: the mention's and each keyword's, from the stored matched
terms, and the rating of a source that has one; and so are its aspects, under the config's
``aspects:`` as it is now. A mention whose scoring fails stays stale
(counted in ``failed``) and the others go on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from brandwatch_cli import sentiment
from brandwatch_cli.analysis import (
    Models,
    combined_lexicon,
    mention_text,
    rating_scale,
    score_mention,
)
from brandwatch_cli.language import detect_language
from brandwatch_cli.models import Config, Item
from brandwatch_cli.store import MentionStore

BATCH = 500


@dataclass(frozen=True)
class RescoreResult:
    rescored: int
    #: Mentions whose own label or the label of one of their keywords changed.
    changed_labels: int
    #: Mentions whose scoring raised: left stale, for a later rescore.
    failed: int = 0
    #: Of ``changed_labels``, those whose own label stayed: only a keyword's changed.
    changed_keyword_labels: int = 0


def current_version(config: Config, models: Models | None = None) -> str:
    """What stored scores were computed with: the analyzers, every lexicon, the aspects
    (editing ``aspects:`` makes every mention stale, so that ``rescore`` applies it to the
    past) and the learned models (new corrections: ``rescore`` applies them too)."""
    lexicons = [config.lexicon, *(k.lexicon for k in config.keywords)]
    base = sentiment.version(lexicons)
    if config.aspects:
        aspects = repr([(a.name, a.terms, a.query, a.lexicon) for a in config.aspects])
        base = f"{base}-{hashlib.sha256(aspects.encode()).hexdigest()[:8]}"
    if models:
        learned = repr(sorted((language, m.fingerprint) for language, m in models.items()))
        base = f"{base}-{hashlib.sha256(learned.encode()).hexdigest()[:8]}"
    return base


def rescore(
    store: MentionStore,
    config: Config,
    *,
    batch: int = BATCH,
    on_batch: Callable[[int, int], None] | None = None,
    only: Sequence[int] | None = None,
) -> RescoreResult:
    """Rescore every stale mention (``only`` those of these ids, when given: re-matching's);
    ``on_batch(done, total)`` reports progress. The learned models are trained first if the
    corrections changed; a label set by hand stays."""
    from brandwatch_cli.scan.learning import current_models

    models = current_models(store, config.lexicon)
    version = current_version(config, models)
    chosen = None if only is None else sorted(set(only))
    total = store.count_stale(version) if chosen is None else len(chosen)
    done = changed = about_keyword = failed = 0
    last_id = 0
    keywords = list(config.keywords)
    scales = {s.name: rating_scale(s) for s in config.sources}
    while True:
        if chosen is None:
            rows = store.stale_mentions(version, last_id, batch)
        else:  # ids, a batch at a time; those deleted or not stale are skipped
            ids = [i for i in chosen if i > last_id][:batch]
            rows = store.stale_mentions(version, last_id, batch, ids=ids) if ids else []
            if ids and not rows:
                last_id = ids[-1]
                continue
        if not rows:
            break
        updates = []
        overrides = store.sentiment_overrides([row["id"] for row in rows])
        for row in rows:
            item = Item(
                "",
                None,
                row["title"],
                row["text"],
                language=row["source_language"],
                engagement=row["engagement"],
            )
            matches = row["matches"]
            try:
                language = detect_language(mention_text(item.title, item.text), hint=item.language)
                lexicon = combined_lexicon(config.lexicon, keywords, [m.keyword for m in matches])
                scale = scales.get(row["source"])
                result = score_mention(
                    item, matches, language, lexicon, scale, config.aspects, models
                )
            except Exception:  # one text's bug never stops the rest
                failed += 1
                continue
            own, per_keyword = result.sentiment, result.keywords
            wanted = overrides.get(row["id"])
            if wanted:
                own = sentiment.overridden(own, wanted)
                per_keyword = {k: sentiment.overridden(s, wanted) for k, s in per_keyword.items()}
            before = row["keyword_labels"]
            keyword_changed = any(s.label != before.get(k) for k, s in per_keyword.items())
            changed += own.label != row["sentiment_label"] or keyword_changed
            about_keyword += own.label == row["sentiment_label"] and keyword_changed
            updates.append((row["id"], language, own, per_keyword, result.aspects))
        store.save_analyses(version, updates)
        done += len(rows)
        last_id = rows[-1]["id"]
        if on_batch:
            on_batch(done, total)
    return RescoreResult(done - failed, changed, failed, about_keyword)
