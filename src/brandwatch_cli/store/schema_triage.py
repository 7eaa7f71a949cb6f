"""Team triage's migration (issue 15), kept out of ``store.schema``, which reached 500 lines:
``schema`` registers it after its own, under the same name PostgreSQL's is kept
(``pgschema.PG_MIGRATIONS``).

A mention gains an ``assignee`` and tags: ``mentions.tags`` keeps them as written (a JSON
list, NULL for none) for listings and exports; ``mention_tags`` keeps each one folded (case
and spacing) for filters. ``status_history`` becomes the history of every action: ``what``
(``status``, ``assigned``, ``unassigned``, ``tagged``, ``untagged``, ``note``) and its
``value`` (the name or the tag; NULL for a status, which ``status`` says). Rows written
before are status marks, as ``what``'s default says: they keep their meaning unchanged.
"""

from __future__ import annotations

from brandwatch_cli.store.driver import Database

#: The same on PostgreSQL (text compares byte-wise there too).
PG_M017 = """
ALTER TABLE mentions ADD COLUMN assignee TEXT COLLATE "C";
ALTER TABLE mentions ADD COLUMN tags TEXT COLLATE "C";
CREATE TABLE mention_tags (
    tag TEXT COLLATE "C" NOT NULL,
    mention_id BIGINT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, mention_id)
);
CREATE INDEX mention_tags_mention ON mention_tags (mention_id);
CREATE INDEX mentions_assignee ON mentions (assignee, mentioned_at) WHERE assignee IS NOT NULL;
ALTER TABLE status_history ADD COLUMN what TEXT COLLATE "C" NOT NULL DEFAULT 'status';
ALTER TABLE status_history ADD COLUMN value TEXT COLLATE "C";
"""


def m017_triage(db: Database) -> None:
    """Assignees, tags, and a history of every triage action (see the module's docstring)."""
    for sql in (
        "ALTER TABLE mentions ADD COLUMN assignee TEXT",
        "ALTER TABLE mentions ADD COLUMN tags TEXT",
        """CREATE TABLE mention_tags (
            tag TEXT NOT NULL,
            mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
            PRIMARY KEY (tag, mention_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX mention_tags_mention ON mention_tags (mention_id)",
        "CREATE INDEX mentions_assignee ON mentions (assignee, mentioned_at)"
        " WHERE assignee IS NOT NULL",
        "ALTER TABLE status_history ADD COLUMN what TEXT NOT NULL DEFAULT 'status'",
        "ALTER TABLE status_history ADD COLUMN value TEXT",
    ):
        db.execute(sql)
