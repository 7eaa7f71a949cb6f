"""A MentionFilter as SQL: the WHERE clause it means, and a user's search as an FTS5 query.

Every value reaches SQLite as a parameter; only fixed fragments are formatted into SQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sized
from dataclasses import replace
from typing import Any

from brandwatch_cli.errors import StoreError
from brandwatch_cli.models import MentionFilter
from brandwatch_cli.store.base import iso


def where(
    selection: MentionFilter, *, search_first: bool = True, postgres: bool = False
) -> tuple[str, list[Any]]:
    """A WHERE clause over ``mentions m`` and its parameters ("" when it selects all).

    ``postgres``: the search reads the ``search`` column (see ``pg_tsquery``).
    ``search_first=False`` keeps SQLite from starting at the full-text hits (``+m.id``): for a
    word found in most mentions, walking an ordered index and checking each row against the
    set of hits beats looking up and sorting every hit."""
    clauses: list[str] = []
    params: list[Any] = []
    moment = "m.fetched_at" if selection.by_fetch else "m.mentioned_at"
    if selection.since is not None:
        clauses.append(f"{moment} >= ?")
        params.append(iso(selection.since))
    if selection.until is not None:
        clauses.append(f"{moment} < ?")
        params.append(iso(selection.until))
    if selection.after_id is not None:
        clauses.append("m.id > ?")
        params.append(selection.after_id)
    if selection.up_to_id is not None:
        # "+": a snapshot's bound, never selective: the id index would read every mention.
        clauses.append("+m.id <= ?")
        params.append(selection.up_to_id)
    if selection.statuses:
        # One status, or triaged ones only (few: every mention starts ``new``), is read from
        # the (status, mentioned_at) index; ``new`` with others is most mentions: walked in
        # period order (``+``: no index) rather than gathered and sorted.
        mixed = len(selection.statuses) > 1 and "new" in selection.statuses
        column = "+m.status" if mixed else "m.status"
        clauses.append(f"{column} IN ({marks(selection.statuses)})")
        params.extend(selection.statuses)
    if selection.search and postgres:
        clauses.append(f"m.search @@ {PG_QUERY}")
        params.append(pg_tsquery(selection.search))
    elif selection.search:
        hit = "m.id" if search_first else "+m.id"
        clauses.append(f"{hit} IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)")
        params.append(fts_query(selection.search))
    if selection.sources:
        clauses.append(f"m.source IN ({marks(selection.sources)})")
        params.extend(selection.sources)
    if selection.sentiment and not selection.keywords:
        clauses.append("m.sentiment_label = ?")
        params.append(selection.sentiment)
    if selection.keywords:
        # with keywords, a sentiment is the one about them, as per-keyword figures count it
        about = " AND f.sentiment_label = ?" if selection.sentiment else ""
        clauses.append(
            "EXISTS (SELECT 1 FROM mention_keywords f WHERE f.mention_id = m.id"
            f" AND f.keyword IN ({marks(selection.keywords)}){about})"
        )
        params.extend(selection.keywords)
        if selection.sentiment:
            params.append(selection.sentiment)
    if selection.aspects:
        clauses.append(
            "EXISTS (SELECT 1 FROM mention_aspects fa WHERE fa.mention_id = m.id"
            f" AND fa.aspect IN ({marks(selection.aspects)}))"
        )
        params.extend(selection.aspects)
    if selection.assignees or selection.tags or selection.overdue is not None:
        clause, values = triage_where(selection)
        clauses.append(clause)
        params.extend(values)
    if selection.noise != "include":
        clauses.append(NOT_NOISE if selection.noise == "exclude" else "m.noise = 1")
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


#: Not in the "probably noise" bucket (``store.relevance``).
NOT_NOISE = "+m.noise = 0"

#: Statuses that still wait for an answer.
UNHANDLED = ("new", "todo")


def on_keyword_rows(selection: MentionFilter) -> bool:
    """Whether ``selection`` (its keywords aside) bounds nothing but times and ids, which the
    keyword rows hold themselves (``m021_keyword_times``)."""
    bounds = replace(
        selection, since=None, until=None, by_fetch=False, after_id=None, up_to_id=None
    )
    return replace(bounds, keywords=(), noise="exclude") == MentionFilter()


def keyword_row_bounds(
    selection: MentionFilter, *, ids: str = "k.mention_id"
) -> tuple[str, list[Any]]:
    """A selection's times and ids as conditions on the keyword row ``k``'s own (``ids``: how
    its mention id is written)."""
    moment = "k.fetched_at" if selection.by_fetch else "k.mentioned_at"
    clauses, params = ["1 = 1"], []
    for clause, value in (
        (f"{moment} >= ?", iso(selection.since)),
        (f"{moment} < ?", iso(selection.until)),
        (f"{ids} > ?", selection.after_id),
        (f"{ids} <= ?", selection.up_to_id),
    ):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    return " AND ".join(clauses), params


def tag_key(tag: str) -> str:
    """A tag as filters compare it: case folded, runs of spaces as one."""
    return " ".join(tag.casefold().split())


def triage_where(selection: MentionFilter) -> tuple[str, list[Any]]:
    """The team-triage part of a filter: assignees, tags (folded), overdue mentions."""
    clauses: list[str] = []
    params: list[Any] = []
    if selection.assignees:
        names = [name for name in selection.assignees if name is not None]
        either = [f"m.assignee IN ({marks(names)})"] if names else []
        either += ["m.assignee IS NULL"] if None in selection.assignees else []
        clauses.append(f"({' OR '.join(either)})")
        params.extend(names)
    if selection.tags:
        keys = sorted({tag_key(tag) for tag in selection.tags})
        clauses.append(
            "EXISTS (SELECT 1 FROM mention_tags t WHERE t.mention_id = m.id"
            f" AND t.tag IN ({marks(keys)}))"
        )
        params.extend(keys)
    if selection.overdue is not None:
        # Keywords grouped by cutoff: one default reply_within is one comparison.
        by_cutoff: dict[str, list[str]] = {}
        for keyword, cutoff in selection.overdue:
            by_cutoff.setdefault(iso(cutoff) or "", []).append(keyword)
        late = " OR ".join(
            f"(o.keyword IN ({marks(names)}) AND m.fetched_at < ?)" for names in by_cutoff.values()
        )
        clauses.append(
            f"m.status IN ({marks(UNHANDLED)}) AND EXISTS (SELECT 1 FROM mention_keywords o"
            f" WHERE o.mention_id = m.id AND ({late}))"
            if by_cutoff
            else "1 = 0"
        )
        if by_cutoff:
            params.extend(UNHANDLED)
            for moment, names in by_cutoff.items():
                params.extend([*names, moment])
    return " AND ".join(clauses), params


def marks(values: Sized) -> str:
    """One ``?`` placeholder per value, comma-separated."""
    return ", ".join("?" * len(values))


_FTS_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
#: The columns a search may name (``title:apple``); the full-text index has these three.
SEARCH_COLUMNS = ("title", "text", "author")


def searchable_words(text: str) -> list[str]:
    """The words the full-text index would look for in ``text`` (operators and column names
    aside): FTS5 keeps letters and digits only, so ``C++`` is the one-letter word ``c``."""
    words = []
    for piece in _FTS_TOKEN.findall(text):
        if piece in _FTS_OPERATORS or (
            piece.endswith(":") and piece[:-1].lower() in SEARCH_COLUMNS
        ):
            continue  # an operator, or a column name before a phrase (``title: "a b"``)
        column, colon, rest = piece.partition(":")
        piece = rest if colon and column.lower() in SEARCH_COLUMNS else piece
        words += re.findall(r"\w+", piece)
    return words


def fts_query(text: str) -> str:
    """A user's search as an FTS5 query: plain words are quoted (so ``e-mail`` or ``l'appli``
    search themselves instead of tripping FTS5's syntax), while ``"phrases"``, ``AND``/``OR``/
    ``NOT``, ``prefix*``, parentheses and ``NEAR(a b, 10)`` keep their FTS5 meaning. A comma
    outside NEAR is only punctuation ("colis perdu, remboursement"). ``title:``, ``text:`` and
    ``author:`` before a word or a phrase search that column only. An unbalanced quote is
    left for FTS5 to report."""
    if text.count('"') % 2:
        return text
    parts: list[str] = []
    column = ""
    depth = 0  # parentheses open inside the innermost NEAR(, or 0 outside any NEAR
    for piece in _FTS_TOKEN.findall(text):
        if piece == "NEAR(":
            depth = 1
        elif piece == "(" and depth:
            depth += 1
        elif piece == ")" and depth:
            depth -= 1
        if piece == "," and not depth:
            continue
        prefix, colon, rest = piece.partition(":")
        if colon and prefix.lower() in SEARCH_COLUMNS:
            if not rest:  # ``title:"a phrase"``: the phrase is the next piece
                column = f"{prefix.lower()}:"
                continue
            parts.append(f'{prefix.lower()}:"{rest}"')
            continue
        if column:
            parts.append(column + (piece if piece.startswith('"') else f'"{piece}"'))
            column = ""
            continue
        bare = (
            piece.startswith('"')
            or piece in _FTS_OPERATORS
            or piece in ("NEAR(", "(", ")", ",")
            or (piece.endswith("*") and piece[:-1].isalnum())
            or (piece.isdigit() and parts[-1:] == [","])  # NEAR's distance
        )
        parts.append(piece if bare else f'"{piece}"')
    return " ".join(parts)


#: A ``pg_tsquery`` string as PostgreSQL's full-text query.
PG_QUERY = "to_tsquery('simple', ?)"
_PG_WEIGHTS = {"title": "A", "text": "B", "author": "C"}


def fold(word: str) -> str:
    """A word as the full-text index keeps it: lower case, accents removed (FTS5's
    ``remove_diacritics``, PostgreSQL's ``unaccent``)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def pg_tsquery(text: str) -> str:
    """A user's search (the syntax ``fts_query`` reads) as a PostgreSQL ``tsquery``: words
    folded and quoted, ``"a phrase"`` as ``a <-> phrase``, ``AND``/``OR``/``NOT`` as ``&``/
    ``|``/``& !``, ``prefix*`` as ``prefix:*``, ``title:word`` as ``word:A`` (the column's
    weight). ``NEAR(a b, N)`` becomes ``a & b``: PostgreSQL has no "within N words"."""
    out: list[str] = []
    pending = ""  # the operator before the next operand
    column = ""

    def operand(term: str) -> None:
        nonlocal pending, column
        if out and out[-1] not in ("(", "!") and not pending:
            pending = "&"
        if pending:
            out.append(pending)
            pending = ""
        out.append(term)
        column = ""

    def lexemes(piece: str, weight: str) -> str:
        prefix = piece.endswith("*")
        words = [fold(w) for w in re.findall(r"\w+", piece)]
        if not words:
            return ""
        marks = [f"'{w}'" + (":" + weight if weight else "") for w in words]
        if prefix:
            marks[-1] = f"'{words[-1]}':*" + weight
        joined = " <-> ".join(marks)
        return f"({joined})" if len(marks) > 1 else joined

    if text.count('"') % 2:
        raise StoreError('cannot read the search: unterminated string (a lone ")')
    if text.count("(") != text.count(")"):
        raise StoreError("cannot read the search: unbalanced parentheses")
    near: dict[str, str] = {}

    def proximity(group: re.Match[str]) -> str:
        marker = f"\x00{len(near)}"
        near[marker] = _pg_near(group.group(1))
        return f" {marker} "

    text = re.sub(r"NEAR\(([^()]*)\)", proximity, text)
    # What came before, to refuse an operator where FTS5 does (first, last, after another
    # or an opening parenthesis, before a closing one), with its words: the same query
    # is an error on both engines, never another search ("NOT acme" was "acme").
    before = "start"
    for piece in _FTS_TOKEN.findall(text):
        if piece in near:
            before = "operand"
            if near[piece]:
                operand(near[piece])
            continue
        if piece in ("AND", "OR", "NOT"):
            if before in ("start", "operator", "open"):
                raise StoreError(f'cannot read the search: syntax error near "{piece}"')
            before = "operator"
            if out:
                pending = {"AND": "&", "OR": "|", "NOT": "& !"}[piece]
            continue
        if piece in ("NEAR(", "(", ")") or piece == ",":
            if piece == ")":
                if before == "operator":
                    raise StoreError('cannot read the search: syntax error near ")"')
                before = "operand"
                out.append(")")
            elif piece != ",":
                before = "open"
                operand("(")
            continue
        if piece.isdigit() and out and out[-1] != "(" and text.find("NEAR(") >= 0:
            continue  # NEAR's distance
        prefix, colon, rest = piece.partition(":")
        if colon and prefix.lower() in SEARCH_COLUMNS:
            if not rest:
                column = _PG_WEIGHTS[prefix.lower()]
                continue
            piece, column = rest, _PG_WEIGHTS[prefix.lower()]
        term = lexemes(piece.strip('"'), column)
        column = ""
        before = "operand"
        if term:
            operand(term)
    if before == "operator":
        raise StoreError('cannot read the search: syntax error near ""')
    query = " ".join(out).replace("( ", "(").replace(" )", ")")
    return query or "''"


def _pg_near(inside: str) -> str:
    """``NEAR(a b, N)``: ``a`` and ``b`` at most N words apart (10 by default), in either
    order, as PostgreSQL's distance operators (``a <2> b`` is exactly two apart) spell it.
    More than two words: all of them, anywhere."""
    words_part, _, distance = inside.rpartition(",")
    if not words_part or not distance.strip().isdigit():
        words_part, distance = inside, "10"
    words = [fold(w) for w in re.findall(r"\w+", words_part)]
    if len(words) != 2:
        return "(" + " & ".join(f"'{w}'" for w in words) + ")" if words else ""
    a, b = words
    gaps = range(1, min(int(distance), 50) + 2)
    return "(" + " | ".join(f"'{x}' <{k}> '{y}'" for k in gaps for x, y in ((a, b), (b, a))) + ")"


#: Phrases, NEAR groups, parentheses, commas, and words (anything else up to those).
_FTS_TOKEN = re.compile(r'"[^"]*"|NEAR\(|[(),]|[^\s"(),]+')
