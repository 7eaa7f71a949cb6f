"""Each keyword row's mention times (issue 12 after issue 14), kept out of ``store.schema``
(500 lines): ``schema`` registers it after its own, under the name PostgreSQL's is kept
(``pgschema.PG_MIGRATIONS``).

Themes read one keyword's mentions of a period and the period before, for every keyword of a
report. ``mention_keywords`` held the keyword but not the time, so that read looked up every
one of the keyword's mentions in ``mentions`` (a big row per mention, texts included) only to
test its time: a third of a second per keyword at a million mentions. Copies of
``mentioned_at`` and ``fetched_at`` in the keyword row, and a narrow index (keyword,
mention_id, mentioned_at, sentiment_label), make that read one range of one index, in id order
from the first id the periods can hold, and counting a phrase one look-up in it per full-text
hit (twice as fast as in the table's own rows, which carry the matched terms; an index by time
would give a period's exact range but make those look-ups the table's). A digest's periods
(by fetch time, up to a mention id) read the table's own rows, in the same order.

The copies are the database's own business, whatever writes: a keyword row inserted without
its times takes them from its mention (a trigger), and a mention whose times change moves its
keyword rows' with it (another), so that rematch, copy, a new face of a story and any later
path stay right. Store code that knows the times (``store.batches``) writes them and spares
the trigger its look-up. Deleting needs nothing: keyword rows go with their mention.
"""

from __future__ import annotations

from brandwatch_cli.store.driver import Database

#: The same on PostgreSQL (a BEFORE trigger sets the new row's times itself).
PG_M021 = """
ALTER TABLE mention_keywords ADD COLUMN mentioned_at TEXT COLLATE "C";
ALTER TABLE mention_keywords ADD COLUMN fetched_at TEXT COLLATE "C";
UPDATE mention_keywords k SET mentioned_at = m.mentioned_at, fetched_at = m.fetched_at
    FROM mentions m WHERE m.id = k.mention_id;
CREATE INDEX mention_keywords_time
    ON mention_keywords (keyword, mention_id, mentioned_at, sentiment_label);
CREATE FUNCTION bw_keyword_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.mentioned_at IS NULL OR NEW.fetched_at IS NULL THEN
        SELECT mentioned_at, fetched_at INTO NEW.mentioned_at, NEW.fetched_at
            FROM mentions WHERE id = NEW.mention_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER keyword_time_added BEFORE INSERT ON mention_keywords
    FOR EACH ROW EXECUTE FUNCTION bw_keyword_time();
CREATE FUNCTION bw_mention_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mention_keywords SET mentioned_at = NEW.mentioned_at, fetched_at = NEW.fetched_at
        WHERE mention_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER keyword_time_moved AFTER UPDATE OF mentioned_at, fetched_at ON mentions
    FOR EACH ROW WHEN (OLD.mentioned_at IS DISTINCT FROM NEW.mentioned_at
        OR OLD.fetched_at IS DISTINCT FROM NEW.fetched_at)
    EXECUTE FUNCTION bw_mention_time();
"""


def m021_keyword_times(db: Database) -> None:
    """``mention_keywords.mentioned_at`` and ``fetched_at``, the index and the triggers that
    keep them (see the module's docstring)."""
    for sql in (
        "ALTER TABLE mention_keywords ADD COLUMN mentioned_at TEXT",
        "ALTER TABLE mention_keywords ADD COLUMN fetched_at TEXT",
        """UPDATE mention_keywords SET (mentioned_at, fetched_at) = (SELECT m.mentioned_at,
            m.fetched_at FROM mentions m WHERE m.id = mention_keywords.mention_id)""",
        "CREATE INDEX mention_keywords_time"
        " ON mention_keywords (keyword, mention_id, mentioned_at, sentiment_label)",
        """CREATE TRIGGER keyword_time_added AFTER INSERT ON mention_keywords
            WHEN new.mentioned_at IS NULL OR new.fetched_at IS NULL
            BEGIN UPDATE mention_keywords SET (mentioned_at, fetched_at) =
                (SELECT m.mentioned_at, m.fetched_at FROM mentions m WHERE m.id = new.mention_id)
                WHERE keyword = new.keyword AND mention_id = new.mention_id; END""",
        """CREATE TRIGGER keyword_time_moved AFTER UPDATE OF mentioned_at, fetched_at ON mentions
            WHEN old.mentioned_at IS NOT new.mentioned_at OR old.fetched_at IS NOT new.fetched_at
            BEGIN UPDATE mention_keywords SET mentioned_at = new.mentioned_at,
                fetched_at = new.fetched_at WHERE mention_id = new.id; END""",
    ):
        db.execute(sql)
