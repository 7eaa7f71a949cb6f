"""Migrations defined after ``store.schema`` reached 500 lines, registered here in order.

``schema`` imports this module after its own migrations (so these come after them) and
re-exports their names (so ``known_migrations`` and PostgreSQL's list see them). A new
migration is a function in a module of its own, imported and appended to ``LATE``.
"""

from __future__ import annotations

from brandwatch_cli.store.driver import migrations
from brandwatch_cli.store.schema_aspect_summary import m022_aspect_summary
from brandwatch_cli.store.schema_corrections import m019_corrections
from brandwatch_cli.store.schema_digest_ids import m023_digest_ids
from brandwatch_cli.store.schema_first_ids import m025_summary_first_ids
from brandwatch_cli.store.schema_keyword_times import m021_keyword_times
from brandwatch_cli.store.schema_relevance import m020_relevance
from brandwatch_cli.store.schema_rescore_marks import m026_rescore_marks
from brandwatch_cli.store.schema_rules import m018_rules
from brandwatch_cli.store.schema_sample_slots import m024_sample_slots
from brandwatch_cli.store.schema_triage import m017_triage

#: In the order they apply.
LATE = (
    m017_triage,
    m018_rules,
    m019_corrections,
    m020_relevance,
    m021_keyword_times,
    m022_aspect_summary,
    m023_digest_ids,
    m024_sample_slots,
    m025_summary_first_ids,
    m026_rescore_marks,
)
__all__ = [
    "LATE",
    "m017_triage",
    "m018_rules",
    "m019_corrections",
    "m020_relevance",
    "m021_keyword_times",
    "m022_aspect_summary",
    "m023_digest_ids",
    "m024_sample_slots",
    "m025_summary_first_ids",
    "m026_rescore_marks",
]

for step in LATE:
    migrations()(step)
