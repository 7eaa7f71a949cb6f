"""What themes read (``insight.themes``): bounded samples of texts to find candidate phrases
on, and exact counts of a phrase over a whole selection from the full-text index.

A sample is deterministic and spread over the whole selection: the mentions whose id hashes
to 0 modulo n (``PICK``: one in n, whatever the pattern of ids, where a plain ``id % n`` would
miss every mention of a source whose ids alternate with another's), read in id order, up to a
limit, so that a week is not represented by its last hour and the same database gives the
same sample. Only titles and the start of texts
are read (``SAMPLE_TEXT`` characters).

A phrase is counted by the full-text index (SQLite's FTS5 table, PostgreSQL's ``search``
column), in titles and texts (not authors): its spellings ORed as quoted phrases, so a
mention counts once whichever it uses. The index ignores punctuation between a phrase's words,
which the phrase finder does not (a phrase never crosses a clause): over a whole period the
index may find a few more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from brandwatch_cli.models import MentionFilter, MentionRow
from brandwatch_cli.store.filters import fold, where
from brandwatch_cli.store.queries import QueriesMixin
from brandwatch_cli.store.summary import SCORED

#: Characters of a mention's text a sample reads: enough for what it is about.
SAMPLE_TEXT = 1500
#: One in ``?`` ids (a multiplicative hash: Knuth's constant, modulo a prime under 2**32).
PICK = "(({id} * 2654435761) % 4294967291) % ? = 0"


@dataclass(frozen=True)
class PhraseTally:
    """How many mentions of a keyword in a selection contain a phrase, and how they feel
    about the keyword (its own sentiment in each mention)."""

    mentions: int
    positive: int
    negative: int
    scored: int  # mentions whose language we score


class ThemesMixin(QueriesMixin):
    """Samples and phrase counts for themes."""

    def keyword_sample(
        self, selection: MentionFilter, keyword: str, limit: int, *, expected: int
    ) -> list[tuple[int, str]]:
        """Up to ``limit`` mentions of ``keyword`` in ``selection`` (its keyword filter
        ignored), spread evenly by id: (id, title and the start of the text). ``expected``:
        about how many the selection holds, which sets the spacing."""
        step = max(1, expected // max(limit, 1))
        clause, params = self._clause(selection)
        sql = f"""SELECT m.id, m.title, substr(m.text, 1, {SAMPLE_TEXT})
            FROM mention_keywords k CROSS JOIN mentions m ON m.id = k.mention_id
            WHERE k.keyword = ? AND {PICK.format(id="k.mention_id")}{clause}
            ORDER BY k.mention_id LIMIT ?"""
        rows = self._rows(sql, [keyword, step, *params, limit])
        return [(mention_id, f"{title}\n{text}") for mention_id, title, text in rows]

    def others_sample(
        self, selection: MentionFilter, keyword: str, limit: int, *, expected: int
    ) -> list[tuple[int, str]]:
        """``keyword_sample`` of the mentions in ``selection`` that name another keyword and
        not ``keyword``: what everyone else's mentions say meanwhile."""
        step = max(1, expected // max(limit, 1))
        clause, params = self._clause(selection)
        sql = f"""SELECT m.id, m.title, substr(m.text, 1, {SAMPLE_TEXT}) FROM mentions m
            WHERE {PICK.format(id="m.id")}{clause}
            AND EXISTS (SELECT 1 FROM mention_keywords e WHERE e.mention_id = m.id
                AND e.keyword <> ?)
            AND NOT EXISTS (SELECT 1 FROM mention_keywords e WHERE e.mention_id = m.id
                AND e.keyword = ?)
            ORDER BY m.id LIMIT ?"""
        rows = self._rows(sql, [step, *params, keyword, keyword, limit])
        return [(mention_id, f"{title}\n{text}") for mention_id, title, text in rows]

    def phrase_tally(
        self, selection: MentionFilter, keyword: str, spellings: Sequence[str]
    ) -> PhraseTally:
        """Exactly how many mentions of ``keyword`` in ``selection`` contain one of
        ``spellings`` (phrases) in their title or text, and their sentiment about it."""
        hit, query = self._phrase_hit(spellings)
        clause, params = self._clause(selection)
        sql = f"""SELECT count(*), sum(k.sentiment_label = 'positive'),
                sum(k.sentiment_label = 'negative'), sum({SCORED})
            FROM mentions m CROSS JOIN mention_keywords k
                ON k.mention_id = m.id AND k.keyword = ?
            WHERE {hit}{clause}"""
        row = next(self._rows(sql, [keyword, query, *params]))
        return PhraseTally(*(int(value or 0) for value in row))

    def phrase_examples(
        self, selection: MentionFilter, keyword: str, spellings: Sequence[str], limit: int = 2
    ) -> list[MentionRow]:
        """The ``limit`` most heard mentions of ``keyword`` in ``selection`` containing one of
        ``spellings`` (most interactions, then the newest)."""
        hit, query = self._phrase_hit(spellings)
        clause, params = self._clause(selection)
        sql = f"""SELECT m.id FROM mentions m
            WHERE {hit}{clause} AND EXISTS (SELECT 1 FROM mention_keywords k
                WHERE k.mention_id = m.id AND k.keyword = ?)
            ORDER BY m.interactions DESC, m.mentioned_at DESC, m.id DESC LIMIT ?"""
        ids = [row[0] for row in self._rows(sql, [query, *params, keyword, limit])]
        return self._mentions_by_id(ids)

    def _clause(self, selection: MentionFilter) -> tuple[str, list[Any]]:
        """``selection`` (its keywords aside) as `` AND ...`` conditions on ``mentions m``."""
        clause, params = where(replace(selection, keywords=()), postgres=self.postgres)
        return (" AND " + clause.removeprefix("WHERE ") if clause else ""), params

    def _phrase_hit(self, spellings: Sequence[str]) -> tuple[str, str]:
        """A condition on ``mentions m`` true when its title or text holds one of the
        phrases, and the full-text query it takes as its parameter."""
        phrases = [words for words in (_index_words(s) for s in spellings) if words]
        assert phrases, "a phrase to look for"
        if self.postgres:
            alternatives = (
                "(" + " <-> ".join(f"'{word}':AB" for word in words) + ")" for words in phrases
            )
            return "m.search @@ to_tsquery('simple', ?)", " | ".join(alternatives)
        quoted = " OR ".join('"' + " ".join(words) + '"' for words in phrases)
        return (
            "m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)",
            f"{{title text}} : ({quoted})",
        )


def _index_words(phrase: str) -> list[str]:
    """A phrase's words as the full-text index keeps them (folded letters and digits)."""
    return [fold(word) for word in re.findall(r"[^\W_]+", phrase)]
