"""Recomputing language and sentiment of stored mentions after an analyzer or lexicon change.

Streaming and resumable: mentions are read in batches of ids, each batch updated in one
transaction with the current analyzer version. A killed rescore resumes where it stopped, since
what it finished is no longer stale; running it twice does nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from brandwatch_cli import sentiment
from brandwatch_cli.analysis import combined_lexicon, mention_text
from brandwatch_cli.language import detect_language
from brandwatch_cli.models import Config
from brandwatch_cli.store import MentionStore

BATCH = 500
_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class RescoreResult:
    rescored: int
    changed_labels: int


def current_version(config: Config) -> str:
    return sentiment.version([config.lexicon, *(k.lexicon for k in config.keywords)])


def rescore(
    store: MentionStore,
    config: Config,
    *,
    batch: int = BATCH,
    on_batch: Callable[[int, int], None] | None = None,
) -> RescoreResult:
    """Rescore every stale mention; ``on_batch(done, total)`` reports progress."""
    version = current_version(config)
    total = store.count_stale(version)
    done = changed = 0
    last_id = 0
    keywords = list(config.keywords)
    while True:
        rows = store.stale_mentions(version, last_id, batch)
        if not rows:
            break
        updates = []
        for row in rows:
            text = mention_text(row["title"], row["text"])
            language = detect_language(text, hint=row["source_language"])
            names = (row["keywords"] or "").split(_SEPARATOR)
            lexicon = combined_lexicon(config.lexicon, keywords, names)
            result = sentiment.analyze(text, language, lexicon)
            changed += result.label != row["sentiment_label"]
            updates.append((row["id"], language, result))
        store.save_analyses(version, updates)
        done += len(rows)
        last_id = rows[-1]["id"]
        if on_batch:
            on_batch(done, total)
    return RescoreResult(done, changed)
