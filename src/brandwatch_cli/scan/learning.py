"""Each language's learned sentiment model, (re)trained from the database's corrections when
they changed: at the start of ``scan``, ``rescore`` and ``sentiment -c`` (issue 15).

A language gets a model once its corrections are enough (``sentiment.learned.enough``),
learned from its latest ``MAX_EXAMPLES``; the model is kept in the database with the
fingerprint of what it learned from, so an unchanged set is read back, not trained again.
Corrections without a language teach nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from brandwatch_cli import sentiment
from brandwatch_cli.sentiment import Lexicon
from brandwatch_cli.store import MentionStore

if TYPE_CHECKING:
    from brandwatch_cli.sentiment.learned import LearnedModel

#: A correction is read as a mention is: this much of its text.
TEXT_CHARS = 10_000
#: A language's model learns from its latest corrections, this many at most: seconds of
#: training, whatever was imported (a 60,000-row import would take minutes and 800 MB).
MAX_EXAMPLES = 5_000


def current_models(
    store: MentionStore, lexicon: Lexicon, now: datetime | None = None, *, save: bool = True
) -> dict[str, LearnedModel]:
    """Per language, the model its corrections give, read with the config's global
    ``lexicon`` (trained now if they changed; stored unless ``save`` is false)."""
    by_language: dict[str, list[tuple[str, str]]] = {}
    for text, label, language in store.training_examples():
        if language:
            by_language.setdefault(language, []).append((text[:TEXT_CHARS], label))
    stored = store.stored_models()
    if not by_language and not stored:  # nothing to learn: numpy is not even imported
        return {}
    from brandwatch_cli.sentiment.learned import LearnedModel, enough, fingerprint, train

    models: dict[str, LearnedModel] = {}
    trained: list[tuple[str, str, str, int]] = []
    salt = sentiment.version([lexicon])
    for language, every in sorted(by_language.items()):
        rows = every[-MAX_EXAMPLES:]
        if not enough([label for _, label in rows]):
            continue
        wanted = fingerprint(rows, salt)
        if language in stored and stored[language][0] == wanted:
            models[language] = LearnedModel.from_json(stored[language][1])
            continue
        examples = [
            (text, label, sentiment.analyze(text, language, lexicon).score) for text, label in rows
        ]
        model = train(language, examples, wanted)
        models[language] = model
        trained.append((language, model.fingerprint, model.to_json(), model.examples))
    if save and (trained or set(stored) - set(models)):
        store.save_models(trained, sorted(models), now or datetime.now(UTC))
    return models
