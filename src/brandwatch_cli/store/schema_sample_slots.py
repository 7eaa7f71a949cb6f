"""The keyword rows by sample slot (issue 12 after issue 14), kept out of ``store.schema``
(500 lines): ``schema_late`` registers it, under the name PostgreSQL's is kept
(``pgschema.PG_MIGRATIONS``).

A themes sample (``store.themes``) keeps the keyword rows of a period whose id hashes to one of
the first sample slots. Tested row by row, that read every row of the period: at a million
mentions, a fifth of a month's report for samples of a few hundred rows per keyword. This
index holds the keyword rows by keyword and slot, then id, with what a sample reads of them,
so that a sample seeks each slot it takes from the period's first id on and reads about the
rows it keeps (Globex's week at a million: 8 ms -> 0.4 ms). The slot's expression is written
here exactly as ``store.themes.SLOT`` writes it: an engine uses an index of an expression only
for that expression.
"""

from __future__ import annotations

from brandwatch_cli.store.driver import Database

#: The index, the same on both engines (``SLOT`` of ``mention_id``).
SLOTS_INDEX = """
CREATE INDEX mention_keywords_slots ON mention_keywords
    (keyword, (((mention_id * 2654435761) % 4294967291) % 65536), mention_id, mentioned_at,
    sentiment_label)
"""
PG_M024 = SLOTS_INDEX


def m024_sample_slots(db: Database) -> None:
    """``mention_keywords_slots`` (see the module's docstring)."""
    db.execute(SLOTS_INDEX)
