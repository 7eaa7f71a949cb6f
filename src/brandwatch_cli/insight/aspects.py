"""What a keyword's mentions praise and complain about, aspect by aspect (issue 14).

Counts come from the store, grouped by keyword and aspect in SQL; the examples are the
mentions that say the best and the worst of each. No formatting here (``output.aspects``).
"""

from __future__ import annotations

from collections.abc import Sequence

from brandwatch_cli.models import AspectFigure, MentionFilter
from brandwatch_cli.store import MentionStore

#: Example mentions per side (praise, complaints) of each aspect.
EXAMPLES = 2


def aspect_figures(
    store: MentionStore, selection: MentionFilter, keywords: Sequence[str]
) -> dict[str, tuple[AspectFigure, ...]]:
    """keyword -> its aspects in ``selection``, the most talked about first (then by name);
    a keyword whose mentions name no aspect is left out."""
    counts = store.aspect_counts(selection, keywords)
    examples = store.aspect_examples(selection, keywords, EXAMPLES, counts)
    found: dict[str, list[AspectFigure]] = {}
    for row in counts:
        praise, complaints = examples.get((row["keyword"], row["aspect"]), ([], []))
        found.setdefault(row["keyword"], []).append(
            AspectFigure(
                aspect=row["aspect"],
                mentions=row["mentions"],
                positive=row["positive"],
                negative=row["negative"],
                average=row["average"],
                praise=tuple(praise),
                complaints=tuple(complaints),
            )
        )
    return {
        keyword: tuple(sorted(figures, key=lambda f: (-f.mentions, f.aspect)))
        for keyword in keywords
        if (figures := found.get(keyword))
    }
