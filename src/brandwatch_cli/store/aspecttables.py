"""Where a mention's aspects are kept (issue 14), on both engines, and their stored forms.

``mention_aspects`` holds one row per mention and aspect it talks about, with the sentiment of
its clauses about it: ``mentions --aspect`` looks mentions up by aspect, reports group them by
keyword and aspect. ``mentions.aspects`` holds the same as a JSON object (``{"delivery":
0.52}``, keys sorted, two decimals), which exports stream as they are. Both are written
together, by a scan and by ``rescore``; NULL in ``mentions.aspects``: never read (a mention
stored before aspects existed, until ``rescore``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: ``store.schema.m016_aspects``, on SQLite.
SQLITE_TABLES = (
    "ALTER TABLE mentions ADD COLUMN aspects TEXT",
    """CREATE TABLE mention_aspects (
        mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
        aspect TEXT NOT NULL,
        sentiment REAL NOT NULL,
        PRIMARY KEY (mention_id, aspect)
    ) WITHOUT ROWID""",
    "CREATE INDEX mention_aspects_aspect ON mention_aspects (aspect, mention_id, sentiment)",
)

#: The same on PostgreSQL (``store.pgschema``).
PG_TABLES = """
ALTER TABLE mentions ADD COLUMN aspects TEXT COLLATE "C";
CREATE TABLE mention_aspects (
    mention_id BIGINT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    aspect TEXT COLLATE "C" NOT NULL,
    sentiment DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (mention_id, aspect)
);
CREATE INDEX mention_aspects_aspect ON mention_aspects (aspect, mention_id, sentiment);
"""


def create_tables(db: Any) -> None:
    """``m016_aspects`` on SQLite, inside the migration's transaction."""
    for sql in SQLITE_TABLES:
        db.execute(sql)


def aspects_json(aspects: Mapping[str, float]) -> str:
    """What ``mentions.aspects`` and exports hold: ``{"delivery": 0.52}``, keys sorted."""
    return json.dumps({name: round(aspects[name], 2) for name in sorted(aspects)})


def aspect_rows(mention_id: int, aspects: Mapping[str, float]) -> list[tuple[int, str, float]]:
    """A mention's ``mention_aspects`` rows."""
    return [(mention_id, name, round(score, 4)) for name, score in sorted(aspects.items())]


INSERT_ASPECTS = (
    "INSERT INTO mention_aspects (mention_id, aspect, sentiment) VALUES (?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)
