"""What themes read (``insight.themes``): one keyword's mentions in a period and the period
before, samples of their texts to find candidate phrases on, and the exact count of a phrase
among them from the full-text index.

``KeywordMentions`` reads the keyword's mentions of both periods (id, which period, the
keyword's own sentiment label) from its keyword rows, which hold their mention's times
(``m021_keyword_times``): a phrase costs one full-text query, each hit looked up in the
keyword rows' narrow index rather than in the mentions. A selection the keyword rows cannot
answer (sources, statuses) is copied once into a temporary table, each mention read.

A sample is deterministic and spread over the whole selection: the mentions whose id hashes
to one of the first slots of ``SLOTS`` (``SLOT``: one in n takes the first ``SLOTS / n``,
whatever the pattern of ids, where a plain ``id % n`` would miss every mention of a source
whose ids alternate with another's), read in id order, up to a limit, so that a week is not
represented by its last hour and the same database gives the same sample. The keyword rows
are indexed by their slot (``m024_sample_slots``): a sample of a big period seeks its slots
from the period's first id on, reading the rows it keeps rather than every row of the period.
Only titles and the start of texts are read (``SAMPLE_TEXT`` characters).

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
from brandwatch_cli.store.filters import fold, keyword_row_bounds, marks, on_keyword_rows, where
from brandwatch_cli.store.queries import QueriesMixin
from brandwatch_cli.store.summary import SummaryMixin

#: Characters of a mention's text a sample reads: enough for what it is about.
SAMPLE_TEXT = 1500
#: An id's sample slot (a multiplicative hash: Knuth's constant, modulo a prime under 2**32,
#: then ``SLOTS``), written as the index of m024_sample_slots has it: a query must spell it so.
SLOTS = 65536
SLOT = f"((({{id}} * 2654435761) % 4294967291) % {SLOTS})"
#: A sample seeks its slots in the index when they are at most this share of the rows it
#: would otherwise read (a seek costs a few rows' reading).
SEEK_SHARE = 1 / 8
#: A sampled mention: its id, title and the start of its text.
Row = tuple[int, str]
#: PostgreSQL: up to this many keyword rows of both periods, a phrase's count checks each
#: row's mention rather than listing the phrase's hits (``KeywordMentions._checked_tally``).
CHECKED_ROWS = 100_000
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
    filters ignored), for themes. A context manager: its reads share one snapshot.

    Selections bounded by times and ids alone (a report's, a digest's, ``themes`` without
    ``--source``) are read from the keyword rows themselves, which hold their mention's times
    (``m021_keyword_times``): in id order from the first id the periods can hold, never a
    mention row. Others (sources, statuses) are copied once into a temporary table, each
    mention's row read for what the selection asks of it; the table goes at the end."""

    _count = itertools.count(1)

    def __init__(
        self,
        store: ThemesMixin,
        keyword: str,
        current: MentionFilter,
        previous: MentionFilter,
        first_id: int | None = None,
        sizes: tuple[int, int] | None = None,
    ) -> None:
        self.store = store
        self.keyword = keyword
        self.selections = (current, previous)
        self.table: str | None = None  # the temporary table, when there is one
        #: What the reads start from: rows of (id, now: 1 or 0, label), and its parameters.
        self.rows = ""
        self.params: list[Any] = []
        self.owns_transaction = False
        self.known_sizes = sizes
        self.sizes = (0, 0)  # the keyword's mentions now, before
        self.first_id = first_id  # no mention of theirs has a smaller id (None: to find)

    def __enter__(self) -> KeywordMentions:
        store = self.store
        with store._guard("read mentions"):
            if not store.db.conn.in_transaction:
                store.db.conn.execute("BEGIN")
                self.owns_transaction = True
        if self.first_id is None:
            self.first_id = store.keyword_first_id(self.selections)
        if all(on_keyword_rows(selection) for selection in self.selections):
            self.rows, self.params = self._keyword_rows(self.first_id)
            if self.known_sizes is not None:
                self.sizes = self.known_sizes
                return self
        else:
            self.rows = self.table = f"temp.theme_mentions_{next(self._count)}"
            self._copy()
        counted = dict(
            store._rows(f"SELECT t.now, count(*) FROM {self.rows} t GROUP BY t.now", self.params)
        )
        self.sizes = (int(counted.get(1, 0)), int(counted.get(0, 0)))
        return self

    def _keyword_rows(
        self, first_id: int, *, indexed: bool = True, slots: int = 0
    ) -> tuple[str, list[Any]]:
        """The keyword rows of both periods by their own times, from ``first_id`` on (not
        read in id order from there when not ``indexed``: a tally looks up its hits); with
        ``slots``, only those of an id in the first ``slots`` sample slots (``SLOT``), sought
        slot by slot in their index when few enough, else tested on each row (first: the
        times cost more)."""
        bound = "k.mention_id" if indexed else "+k.mention_id"
        (now, now_params), (before, before_params) = (
            keyword_row_bounds(selection, ids=bound) for selection in self.selections
        )
        picked, picked_params = "", []
        if slots and slots < SLOTS:
            if slots <= SEEK_SHARE * sum(self.sizes):
                picked = f" AND {SLOT.format(id='k.mention_id')} IN ({_below(self.store.postgres)})"
            else:  # "+": the slots' index would read every row of all time below them
                picked = f" AND {SLOT.format(id='+k.mention_id')} < ?"
            picked_params = [slots]
        picked += _noise(self.selections[0], bound)
        rows = f"""(SELECT k.mention_id AS id, CASE WHEN {now} THEN 1 ELSE 0 END AS now,
            k.sentiment_label AS label FROM mention_keywords k
            WHERE k.keyword = ? AND {bound} >= ?{picked} AND (({now}) OR ({before})))"""
        params = [*now_params, self.keyword, first_id, *picked_params, *now_params, *before_params]
        return rows, params

    def _copy(self) -> None:
        """One pass over the keyword's rows for both periods, from the first id they can hold,
        each mention's row read for the selection's conditions, into the temporary table."""
        store = self.store
        with store._guard("read mentions"):
            store.db.execute(
                f"CREATE TABLE {self.table} (id INTEGER PRIMARY KEY, now INTEGER NOT NULL,"
                " label TEXT NOT NULL)"
            )
        (now, now_params), (before, before_params) = (
            store._conditions(selection, joined="") for selection in self.selections
        )
        store._execute(
            f"""INSERT INTO {self.table} (id, now, label)
            SELECT k.mention_id, CASE WHEN {now} THEN 1 ELSE 0 END, k.sentiment_label
            FROM mention_keywords k CROSS JOIN mentions m ON m.id = k.mention_id
            WHERE k.keyword = ? AND k.mention_id >= ? AND (({now}) OR ({before}))""",
            [*now_params, self.keyword, self.first_id, *now_params, *before_params],
        )

    def __exit__(self, *exc: object) -> None:
        with self.store._guard("read mentions"):
            if self.table is not None:
                self.store.db.execute(f"DROP TABLE {self.table}")
            if self.owns_transaction:
                self.store.db.conn.execute("COMMIT")

    def samples(self, now: int, before: int) -> tuple[list[Row], list[Row]]:
        """Up to ``now`` of the keyword's mentions in the period and ``before`` in the previous
        one, each spread over its period (one pass over the keyword's rows for both):
        (id, title and the start of the text), by id."""
        if now <= 0 and before <= 0:
            return [], []
        slots_now = _slots(self.sizes[0], now)
        slots_before = _slots(self.sizes[1], before)
        # a period none is wanted of is picked as sparsely as the other (and left out)
        slots = [slots_now or slots_before or SLOTS, slots_before or slots_now or SLOTS]
        source, params = self.rows, self.params
        if self.table is None:
            source, params = self._keyword_rows(self.first_id or 0, slots=max(slots))
        slot = SLOT.format(id="t.id")
        sql = f"""SELECT t.id, t.now, {slot} < ?, {slot} < ? FROM {source} t
            WHERE {slot} < ? OR {slot} < ?"""
        found = sorted(self.store._rows(sql, [*slots, *params, *slots]))
        ids = (
            [i for i, is_now, picked, _ in found if is_now == 1 and picked][:now],
            [i for i, is_now, _, picked in found if is_now == 0 and picked][: max(before, 0)],
        )
        texts = self._texts([*ids[0], *ids[1]])
        return [(i, texts[i]) for i in ids[0]], [(i, texts[i]) for i in ids[1]]

    def _texts(self, ids: Sequence[int]) -> dict[int, str]:
        """Title and the start of the text of each mention of ``ids``."""
        found: dict[int, str] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            sql = f"""SELECT m.id, m.title, substr(m.text, 1, {SAMPLE_TEXT}) FROM mentions m
                WHERE m.id IN ({marks(chunk)})"""
            found.update((i, f"{title}\n{text}") for i, title, text in self.store._rows(sql, chunk))
        return found

    def tally(self, spellings: Sequence[str]) -> PhraseTally:
        """Exactly how many of the keyword's mentions hold one of ``spellings`` (phrases) in
        their title or text, now and before."""
        hits, query = self.store._phrase_hits(spellings)
        source, params = self.rows, self.params
        if self.store.postgres and self.table is None and sum(self.sizes) <= CHECKED_ROWS:
            return self._checked_tally(query)
        if self.table is None:  # each hit looked up, rather than every row checked
            source, params = self._keyword_rows(self.first_id or 0, indexed=False)
        sql = f"""SELECT t.now, count(*), sum(t.label = 'positive'), sum(t.label = 'negative')
            FROM {source} t WHERE t.id IN ({hits}) GROUP BY t.now"""
        found = {row[0]: row[1:] for row in self.store._rows(sql, [*params, query, self.first_id])}
        return _tally(found)

    def _checked_tally(self, query: str) -> PhraseTally:
        """``tally`` on PostgreSQL, each of the keyword's rows of the periods checked against
        its mention's ``search`` column (about 11 us a row). Its full-text index would list
        every hit of the phrase in the whole table first, recheck each from its row (GIN keeps
        no word positions) and only then keep those from ``first_id`` on: the cost of the
        table's hits (0.9 s for a phrase in one mention in 25 at a million), not the period's
        (``coalesce`` keeps the planner, which misjudges phrases as rare, off that index)."""
        source, params = self._keyword_rows(self.first_id or 0)
        sql = f"""SELECT t.now, count(*), sum(t.label = 'positive'), sum(t.label = 'negative')
            FROM {source} t CROSS JOIN mentions m ON m.id = t.id
            WHERE coalesce(m.search, '') @@ to_tsquery('simple', ?) GROUP BY t.now"""
        return _tally({row[0]: row[1:] for row in self.store._rows(sql, [*params, query])})


class ThemesMixin(QueriesMixin, SummaryMixin):
    """Samples and phrase counts for themes."""

    def keyword_first_id(self, selections: Sequence[MentionFilter]) -> int:
        """``first_id`` of keyword rows: the summary's bound when it has one (a few hundred of
        its rows), else the fetch index's (every mention fetched since)."""
        found = self.summarised_first_id(selections)
        return self.first_id(selections) if found is None else found

    def keyword_mentions(
        self,
        keyword: str,
        current: MentionFilter,
        previous: MentionFilter,
        first_id: int | None = None,
        sizes: tuple[int, int] | None = None,
    ) -> KeywordMentions:
        """``keyword``'s mentions in ``current`` and ``previous`` (see ``KeywordMentions``);
        ``first_id``: ``first_id((current, previous))`` when known already; ``sizes``: how
        many there are in each, when counted already (spares counting them again)."""
        return KeywordMentions(self, keyword, current, previous, first_id, sizes)

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
        last = self.last_mention_id()
        if selection.up_to_id is not None:
            last = min(last, selection.up_to_id)
        span = last - first_id + 1
        if span <= 0 or expected <= 0:
            return []
        tries = min(span, OTHERS_TRIES * limit, int(limit * span / expected) + 1)
        ids = sorted({first_id + i * span // tries for i in range(tries)})
        clause, params = self._conditions(selection)
        rows: list[tuple[int, str]] = []
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            # the ids looked up first: PostgreSQL's planner would rather walk the period's
            # time index and test each of its mentions against the list (12 ms a day at 1M,
            # against 1-2 ms); OFFSET 0 keeps it from merging the two
            picked = f"SELECT * FROM mentions WHERE id IN ({marks(chunk)})"
            source = f"({picked} OFFSET 0) m" if self.postgres else f"({picked}) m"
            sql = f"""SELECT m.id, m.title, substr(m.text, 1, {SAMPLE_TEXT}) FROM {source}
                WHERE 1 = 1{clause}
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


def _tally(found: dict[Any, tuple[Any, ...]]) -> PhraseTally:
    """A PhraseTally from rows of (now: 1 or 0) -> (mentions, positive, negative)."""
    mentions, positive, negative = (int(v or 0) for v in found.get(1, (0, 0, 0)))
    return PhraseTally(mentions, positive, negative, int(found.get(0, (0,))[0] or 0))


def _below(postgres: bool) -> str:
    """A query of the integers from 0 to below its one parameter."""
    if postgres:
        return "SELECT generate_series(0, ? - 1)"
    return """WITH RECURSIVE below(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM below
        WHERE v + 1 < ?) SELECT v FROM below"""


def _slots(size: int, wanted: int) -> int | None:
    """How many of the ``SLOTS`` sample slots pick about ``wanted`` of ``size`` rows (at least
    one in ``size // wanted``, as many as the division leaves); None: none is wanted."""
    if wanted <= 0:
        return None
    step = max(1, size // wanted)
    return -(-SLOTS // step)


def _noise(selection: MentionFilter, ids: str) -> str:
    """The noise bucket (``store.relevance``) as a condition on keyword rows: its mentions
    read once as a set from their partial index (``mentions_noise``; none at all where no
    model or mute put any there), rather than each keyword row's mention looked up."""
    if selection.noise == "include":
        return ""
    # named: SQLite would rather scan the digest's covering index, which also holds the flag
    bucket = "SELECT n.id FROM mentions n INDEXED BY mentions_noise WHERE n.noise = 1"
    return f" AND {ids} {'NOT IN' if selection.noise == 'exclude' else 'IN'} ({bucket})"


def _index_words(phrase: str) -> list[str]:
    """A phrase's words as the full-text index keeps them (folded letters and digits)."""
    return [fold(word) for word in re.findall(r"[^\W_]+", phrase)]
