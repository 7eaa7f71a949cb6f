"""Alert rules' migration (issue 15), kept out of ``store.schema`` (500 lines): ``schema``
registers it after its own, under the same name PostgreSQL's is kept
(``pgschema.PG_MIGRATIONS``).

``rule_matches`` has one row per (rule, mention) that matched: inserting it is the claim that
makes a rule act on a mention once, whichever worker found it. Its ``state`` says what became
of the notification: ``pending`` (to send, or waiting out a cooldown), ``sending`` (claimed
by a process that is sending it), ``sent``, ``held`` (quiet hours: for the next digest), or
``done`` (a rule that notifies nobody). ``rule_sends`` keeps when each rule last notified, so
that its cooldown holds across processes.
"""

from __future__ import annotations

from brandwatch_cli.store.driver import Database

#: The same on PostgreSQL.
PG_M018 = """
CREATE TABLE rule_matches (
    rule TEXT COLLATE "C" NOT NULL,
    mention_id BIGINT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    matched_at TEXT COLLATE "C" NOT NULL,
    why TEXT NOT NULL,
    state TEXT COLLATE "C" NOT NULL,
    sent_at TEXT COLLATE "C",
    PRIMARY KEY (rule, mention_id)
);
CREATE INDEX rule_matches_mention ON rule_matches (mention_id);
CREATE INDEX rule_matches_state ON rule_matches (state, rule, matched_at);
CREATE TABLE rule_sends (rule TEXT COLLATE "C" PRIMARY KEY, sent_at TEXT COLLATE "C" NOT NULL);
"""


def m018_rules(db: Database) -> None:
    """Which rules matched which mentions, and when each rule last notified."""
    for sql in (
        """CREATE TABLE rule_matches (
            rule TEXT NOT NULL,
            mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
            matched_at TEXT NOT NULL,
            why TEXT NOT NULL,
            state TEXT NOT NULL,
            sent_at TEXT,
            PRIMARY KEY (rule, mention_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX rule_matches_mention ON rule_matches (mention_id)",
        "CREATE INDEX rule_matches_state ON rule_matches (state, rule, matched_at)",
        "CREATE TABLE rule_sends (rule TEXT PRIMARY KEY, sent_at TEXT NOT NULL)",
    ):
        db.execute(sql)
