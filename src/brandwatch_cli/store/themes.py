"""What themes read (``insight.themes``): one keyword's mentions in a period and the period
before, samples of their texts to find candidate phrases on, and the exact count of a phrase
among them from the full-text index.

``KeywordMentions`` copies the keyword's mentions of both periods once (id, which period, the
keyword's own sentiment label) into a temporary table: one read of the keyword's rows, after
which a phrase costs one full-text query, its hits checked against that small table rather
than each against the mentions.

A sample is deterministic and spread over the whole selection: the mentions whose id hashes
to 0 modulo n (``PICK``: one in n, whatever the pattern of ids, where a plain ``id % n`` would
miss every mention of a source whose ids alternate with another's), read in index order, up to a
limit, so that a week is not represented by its last hour and the same database gives the
same sample. Only titles and the start of texts are read (``SAMPLE_TEXT`` characters).

A phrase is looked for by the full-text index (SQLite's FTS5 table, PostgreSQL's ``search``
column) in titles and texts (not authors): its spellings ORed as quoted phrases, so a mention
counts once whichever it uses. The index ignores punctuation between a phrase's words, which
the phrase finder does not (a phrase never crosses a clause): over a whole period the index
may find a few more.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from brandwatch_cli.models import MentionFilter, MentionRow
from brandwatch_cli.store.base import iso
from brandwatch_cli.store.filters import fold, marks, where
from brandwatch_cli.store.queries import QueriesMixin

#: Characters of a mention's text a sample reads: enough for what it is about.
SAMPLE_TEXT = 1500
#: One in ``?`` ids (a multiplicative hash: Knuth's constant, modulo a prime under 2**32).
PICK = "(({id} * 2654435761) % 4294967291) % ? = 0"
#: The other keywords' sample looks up at most this many ids per mention wanted.
OTHERS_TRIES = 20


@dataclass(frozen=True)
class PhraseTally:
    """How many of a keyword's mentions hold a phrase, now and before, and how the ones now
    feel about the keyword (its own sentiment label in each mention)."""

    mentions: int
    positive: int
    negative: int
    previous: int  # in the previous period


class KeywordMentions:
    """One keyword's mentions in ``current`` and ``previous`` (two selections, their keyword
    filters ignored), for themes. A context manager: its reads share one snapshot, and its
    temporary table goes at the end."""

    _count = itertools.count(1)

    def __init__(
        self,
        store: ThemesMixin,
        keyword: str,
        current: MentionFilter,
        previous: MentionFilter,
        first_id: int | None = None,
    ) -> None:
        self.store = store
        self.keyword = keyword
        self.selections = (current, previous)
        self.table = f"temp.theme_mentions_{next(self._count)}"
        self.owns_transaction = False
        self.sizes = (0, 0)  # the keyword's mentions now, before
        self.first_id = first_id  # no mention of theirs has a smaller id (None: to find)

    def __enter__(self) -> KeywordMentions:
        store = self.store
        with store._guard("read mentions"):
            if not store.db.conn.in_transaction:
                store.db.conn.execute("BEGIN")
                self.owns_transaction = True
            store.db.execute(
                f"CREATE TABLE {self.table} (id INTEGER PRIMARY KEY, now INTEGER NOT NULL,"
                " label TEXT NOT NULL)"
            )
        # one pass over the keyword's rows for both periods, from the first id they can hold
        (now, now_params), (before, before_params) = (
            store._conditions(selection, joined="") for selection in self.selections
        )
        if self.first_id is None:
            self.first_id = store.first_id(self.selections)
        store._execute(
            f"""INSERT INTO {self.table} (id, now, label)
            SELECT k.mention_id, CASE WHEN {now} THEN 1 ELSE 0 END, k.sentiment_label
            FROM mention_keywords k CROSS JOIN mentions m ON m.id = k.mention_id
            WHERE k.keyword = ? AND k.mention_id >= ? AND (({now}) OR ({before}))""",
            [*now_params, self.keyword, self.first_id, *now_params, *before_params],
        )
        counted = dict(store._rows(f"SELECT now, count(*) FROM {self.table} GROUP BY now"))
        self.sizes = (int(counted.get(1, 0)), int(counted.get(0, 0)))
        return self

    def __exit__(self, *exc: object) -> None:
        with self.store._guard("read mentions"):
            self.store.db.execute(f"DROP TABLE {self.table}")
            if self.owns_transaction:
                self.store.db.conn.execute("COMMIT")

    def sample(self, limit: int, *, now: bool = True) -> list[tuple[int, str]]:
        """Up to ``limit`` of the keyword's mentions now (or before), spread over the period:
        (id, title and the start of the text)."""
        step = max(1, self.sizes[0 if now else 1] // max(limit, 1))
        sql = f"""SELECT m.id, m.title, substr(m.text, 1, {SAMPLE_TEXT})
            FROM {self.table} t CROSS JOIN mentions m ON m.id = t.id
            WHERE t.now = ? AND {PICK.format(id="t.id")} ORDER BY t.id LIMIT ?"""
        rows = self.store._rows(sql, [1 if now else 0, step, limit])
        return [(mention_id, f"{title}\n{text}") for mention_id, title, text in rows]

    def tally(self, spellings: Sequence[str]) -> PhraseTally:
        """Exactly how many of the keyword's mentions hold one of ``spellings`` (phrases) in
        their title or text, now and before."""
        hits, query = self.store._phrase_hits(spellings)
        sql = f"""SELECT t.now, count(*), sum(t.label = 'positive'), sum(t.label = 'negative')
            FROM {self.table} t WHERE t.id IN ({hits}) GROUP BY t.now"""
        found = {row[0]: row[1:] for row in self.store._rows(sql, [query, self.first_id])}
        mentions, positive, negative = (int(v or 0) for v in found.get(1, (0, 0, 0)))
        return PhraseTally(mentions, positive, negative, int(found.get(0, (0,))[0] or 0))


class ThemesMixin(QueriesMixin):
    """Samples and phrase counts for themes."""

    def keyword_mentions(
        self,
        keyword: str,
        current: MentionFilter,
        previous: MentionFilter,
        first_id: int | None = None,
    ) -> KeywordMentions:
        """``keyword``'s mentions in ``current`` and ``previous`` (see ``KeywordMentions``);
        ``first_id``: ``first_id((current, previous))`` when known already."""
        return KeywordMentions(self, keyword, current, previous, first_id)

    def others_sample(
        self,
        selection: MentionFilter,
        keyword: str,
        limit: int,
        *,
        expected: int,
        first_id: int = 0,
    ) -> list[tuple[int, str]]:
        """About ``limit`` of the mentions in ``selection`` that name another keyword and not
        ``keyword`` (what everyone else's mentions say meanwhile); ``expected``: about how
        many there are, all with an id from ``first_id`` on.

        Ids evenly spaced over that range are looked up, as many as should hold ``limit`` of
        them (at most ``OTHERS_TRIES`` times ``limit``): the cost of a sample, not of the
        period's mentions."""
        (last,) = next(self._rows("SELECT max(id) FROM mentions"))
        span = int(last or 0) - first_id + 1
        if span <= 0 or expected <= 0:
            return []
        tries = min(span, OTHERS_TRIES * limit, int(limit * span / expected) + 1)
        ids = sorted({first_id + i * span // tries for i in range(tries)})
        clause, params = self._conditions(selection)
        rows: list[tuple[int, str]] = []
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            sql = f"""SELECT m.id, m.title, substr(m.text, 1, {SAMPLE_TEXT}) FROM mentions m
                WHERE m.id IN ({marks(chunk)}){clause}
                AND EXISTS (SELECT 1 FROM mention_keywords e WHERE e.mention_id = m.id
                    AND e.keyword <> ?)
                AND NOT EXISTS (SELECT 1 FROM mention_keywords e WHERE e.mention_id = m.id
                    AND e.keyword = ?)"""
            found = self._rows(sql, [*chunk, *params, keyword, keyword])
            rows += [(mention_id, f"{title}\n{text}") for mention_id, title, text in found]
        return rows[:limit]

    def most_heard_of(self, ids: Sequence[int], limit: int = 2) -> list[MentionRow]:
        """The ``limit`` mentions of ``ids`` with the most interactions, then the newest."""
        if not ids:
            return []
        sql = f"""SELECT id FROM mentions WHERE id IN ({marks(ids)})
            ORDER BY interactions DESC, mentioned_at DESC, id DESC LIMIT ?"""
        return self._mentions_by_id([row[0] for row in self._rows(sql, [*ids, limit])])

    def _conditions(self, selection: MentionFilter, joined: str = " AND ") -> tuple[str, list[Any]]:
        """``selection`` (its keywords aside) as conditions on ``mentions m``, after
        ``joined`` ("" alone: ``1 = 1`` when it selects everything)."""
        clause, params = where(replace(selection, keywords=()), postgres=self.postgres)
        if not clause:
            return ("" if joined else "1 = 1"), params
        return joined + clause.removeprefix("WHERE "), params

    def first_id(self, selections: Sequence[MentionFilter]) -> int:
        """A lower bound of the ids ``selections`` hold, so that a keyword with years of
        mentions is read from its period on: a mention's time (``mentioned_at``) is never
        after its fetch, so whatever a period holds was fetched within it or later. 0 when
        the periods go back to the first mention stored (nothing to skip)."""
        starts = [s.since for s in selections if s.after_id is None]
        if any(start is None for start in starts):
            return 0
        after = [s.after_id + 1 for s in selections if s.after_id is not None]
        first_fetch = next(self._rows("SELECT min(fetched_at) FROM mentions"))[0]
        earliest = min(iso(start) or "" for start in starts) if starts else None
        if earliest is not None and (first_fetch is None or earliest <= first_fetch):
            return 0
        if earliest is not None:
            # the fetch index: min(id) would otherwise walk the ids from the first one
            sql = "SELECT min(id) FROM mentions INDEXED BY mentions_fetched WHERE fetched_at >= ?"
            after.append(int(next(self._rows(sql, [earliest]))[0] or 0))
        return min(after)

    def _execute(self, sql: str, params: Sequence[Any]) -> None:
        with self._guard("read mentions"):
            self.db.execute(sql, list(params))

    def _phrase_hits(self, spellings: Sequence[str]) -> tuple[str, str]:
        """A query of the ids of mentions whose title or text holds one of the phrases, from
        an id on, and the full-text query it takes as its first parameter (the id second)."""
        phrases = [words for words in (_index_words(s) for s in spellings) if words]
        assert phrases, "a phrase to look for"
        if self.postgres:
            alternatives = (
                "(" + " <-> ".join(f"'{word}':AB" for word in words) + ")" for words in phrases
            )
            hits = "SELECT id FROM mentions WHERE search @@ to_tsquery('simple', ?) AND id >= ?"
            return hits, " | ".join(alternatives)
        quoted = " OR ".join('"' + " ".join(words) + '"' for words in phrases)
        hits = "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? AND rowid >= ?"
        return hits, f"{{title text}} : ({quoted})"


def _index_words(phrase: str) -> list[str]:
    """A phrase's words as the full-text index keeps them (folded letters and digits)."""
    return [fold(word) for word in re.findall(r"[^\W_]+", phrase)]
