"""Each summary row's first mention id (issue 12 after issue 14), kept out of ``store.schema``
(500 lines): ``schema_late`` registers it, under the name PostgreSQL's is kept
(``pgschema.PG_MIGRATIONS``).

Themes read a keyword's rows from the first id its periods can hold (``store.themes``). That
bound was found on the fetch-time index, one entry per mention of the period and after it:
19 ms of a week's report at a million mentions on SQLite, 0.12-0.18 s on PostgreSQL. Each
quarter hour of the summary now also keeps the smallest id of its mentions
(``summary_keywords.first_id``, set by ``store.summary``'s refresh), so the bound is the
smallest of the period's quarter hours' (``SummaryMixin.summarised_first_id``): a few hundred
summary rows. The upgrade marks every quarter hour for a refresh, which the next report runs
once (about 10 s at a million mentions); until then the bound is found as before.
"""

from __future__ import annotations

from brandwatch_cli.store.driver import Database

#: The same on PostgreSQL.
PG_M025 = """
ALTER TABLE summary_keywords ADD COLUMN first_id BIGINT;
INSERT INTO summary_dirty (bucket) SELECT DISTINCT bucket FROM summary_keywords
    ON CONFLICT DO NOTHING;
"""


def m025_summary_first_ids(db: Database) -> None:
    """``summary_keywords.first_id``, every quarter hour marked to be refreshed with it."""
    db.execute("ALTER TABLE summary_keywords ADD COLUMN first_id INTEGER")
    db.execute("INSERT OR IGNORE INTO summary_dirty SELECT DISTINCT bucket FROM summary_keywords")
