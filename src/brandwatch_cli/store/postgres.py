"""PostgreSQL under the store: a connection that speaks the store's SQL.

The mixins write their SQL once, in the subset SQLite and PostgreSQL share, with ``?``
placeholders. ``translate`` turns what differs into PostgreSQL (placeholders, ``INSERT OR
IGNORE``/``OR REPLACE``, SQLite's null-safe ``IS``/``IS NOT``, its index hints, a few function
names), once per distinct statement; what cannot be translated (full-text search, triggers,
vacuum, sizes) has its own method in the mixin concerned, chosen by ``store.postgres``.
psycopg is imported here only: the ``[postgres]`` extra.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from brandwatch_cli.errors import StoreError
from brandwatch_cli.text import redacted_url, url_password

#: The primary key of each table written with ``INSERT OR REPLACE`` (its conflict target).
_KEYS = {
    "source_state": ("source",),
    "http_cache": ("source", "url"),
    "scan_sources": ("scan_id", "source"),
    "mention_keywords": ("keyword", "mention_id"),
    "source_cursors": ("source", "key"),
    "keyword_state": ("keyword",),
}
#: Settings that tune SQLite and mean nothing to PostgreSQL.
_IGNORED_PRAGMAS = re.compile(r"\s*PRAGMA\s+(cache_size|foreign_keys|synchronous)\b", re.I)
#: Same function, another name.
_RENAMED = {
    "group_concat": "string_agg",
    "json_group_array": "json_agg",
    "json_array": "json_build_array",
}
#: Session settings: no JIT compilation (a plan misestimated as millions of rows would spend
#: a second compiling a query that reads a few thousand), and index probes priced as what they
#: are on a database held in memory or on SSD, so that joining a few thousand rows probes
#: an index instead of hashing a whole table (the summary's refresh, at every write).
_SESSION = "-c jit=off -c random_page_cost=1.1"
_QUOTED = re.compile(r"('(?:[^']|'')*')")


def is_url(target: object) -> bool:
    """Whether a ``--db``/``database:`` value names a PostgreSQL database, not a file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """The store's SQL (SQLite's dialect where it differs) as PostgreSQL runs it."""
    pieces = _QUOTED.split(_epochs(_sum_truths(_alias_subqueries(sql))))
    for i in range(0, len(pieces), 2):  # outside string literals only
        pieces[i] = _translate_code(pieces[i])
    text = "".join(
        piece if i % 2 == 0 else piece.replace("%", "%%") for i, piece in enumerate(pieces)
    )
    head = text.lstrip()
    if re.match(r"INSERT\s+OR\s+IGNORE\b", head, re.I):
        text = re.sub(r"INSERT\s+OR\s+IGNORE\b", "INSERT", text, count=1, flags=re.I)
        text = text.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    elif re.match(r"INSERT\s+OR\s+REPLACE\b", head, re.I):
        text = _upsert(text)
    return text


#: ``CAST(strftime('%s', x) AS INTEGER)``: a time's Unix seconds, with ``x`` a column or ``?``.
_EPOCH = re.compile(r"CAST\(\s*strftime\('%s',\s*([\w.?]+)\s*\)\s+AS\s+INTEGER\s*\)", re.I)


def _epochs(sql: str) -> str:
    """A time's Unix seconds (the spike history's windows, for every summary row) in
    PostgreSQL's own arithmetic instead of the schema's PL/pgSQL ``strftime``, which costs
    a function call a row: the same floor of the epoch, as a bigint. ``date_part`` is a
    double (exact for microseconds at these magnitudes) where ``extract`` is a numeric
    since PostgreSQL 14, whose arithmetic made the digest's 98 days of history 1.7x slower."""
    return _EPOCH.sub(r"floor(date_part('epoch', CAST(\1 AS timestamptz)))::bigint", sql)


_SUBQUERY = re.compile(r"\b(FROM|JOIN)\s*\(\s*(SELECT|WITH)\b", re.I)
_ALIASED = re.compile(r"\s*(AS\b|[A-Za-z_]\w*)", re.I)
_NOT_ALIAS = re.compile(
    r"\s*(WHERE|GROUP|ORDER|LIMIT|UNION|JOIN|CROSS|LEFT|INNER|ON|HAVING|EXCEPT|INTERSECT)\b", re.I
)


def _alias_subqueries(sql: str) -> str:
    """Name every subquery in FROM/JOIN (PostgreSQL before 16 requires it; SQLite doesn't)."""
    out = []
    at = 0
    count = 0
    for found in _SUBQUERY.finditer(sql):
        if found.start() < at:
            continue
        i = _closing(sql, sql.index("(", found.start()))
        rest = sql[i + 1 :]
        named = _ALIASED.match(rest) and not _NOT_ALIAS.match(rest)
        if not named:
            count += 1
            out.append(sql[at : i + 1] + f" AS bw_sub{count}")
            at = i + 1
    out.append(sql[at:])
    return "".join(out)


_SUM = re.compile(r"\bsum\(", re.I)
#: A comparison at the top level of an expression (literals and parentheses taken out).
_COMPARISON = re.compile(r"[=<>]|\b(IN|IS|LIKE|GLOB|BETWEEN|NOT|AND|OR)\b", re.I)


def _closing(sql: str, opening: int) -> int:
    """The index of the parenthesis closing the one at ``opening`` (quotes skipped)."""
    depth, quote = 0, False
    for i in range(opening, len(sql)):
        char = sql[i]
        if char == "'":
            quote = not quote
        elif not quote and char == "(":
            depth += 1
        elif not quote and char == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(sql) - 1


def _sum_truths(sql: str) -> str:
    """``sum(a = b)`` (SQLite sums truths as 0/1) as ``sum((a = b)::int)``: PostgreSQL's own
    integer sum, with the same NULLs (skipped; no rows is NULL), instead of the schema's
    ``sum(boolean)`` aggregate, whose SQL step function costs microseconds a row."""
    out, at = [], 0
    for found in _SUM.finditer(sql):
        if found.start() < at:
            continue
        opening = found.end() - 1
        closing = _closing(sql, opening)
        inner = sql[opening + 1 : closing]
        bare = re.sub(r"'(?:[^']|'')*'", "''", inner)
        while "(" in bare:  # nested groups, innermost first
            bare = re.sub(r"\([^()]*\)", "", bare)
        if re.match(r"\s*CASE\b", bare, re.I) or not _COMPARISON.search(bare):
            continue
        out.append(f"{sql[at : opening + 1]}({_sum_truths(inner)})::int)")
        at = closing + 1
    out.append(sql[at:])
    return "".join(out)


def _translate_code(code: str) -> str:
    code = code.replace("%", "%%").replace("?", "%s")
    code = re.sub(r"\bBEGIN\s+IMMEDIATE\b", "BEGIN", code)
    code = re.sub(r"\btemp\.", "pg_temp.", code)
    code = re.sub(r"\bIN\s*\(\s*\)", "IN (SELECT NULL WHERE FALSE)", code)  # an empty list
    # SQLite's planner hints: a CROSS JOIN with ON is an inner join in a fixed order
    code = re.sub(r"\bCROSS\s+JOIN\b(?=[^()]*?\bON\b)", "JOIN", code)
    code = re.sub(r"\s(NOT\s+INDEXED|INDEXED\s+BY\s+\w+)\b", "", code)
    code = re.sub(r"\bAS\s+INTEGER\)", "AS BIGINT)", code)
    code = re.sub(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", "IS DISTINCT FROM ", code)
    code = re.sub(
        r"\bIS\s+(?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", "IS NOT DISTINCT FROM ", code
    )
    # SQLite's index hint ``+column`` (a unary plus PostgreSQL refuses on text)
    code = re.sub(r"(^|[\s(,])\+(?=[A-Za-z_][\w]*\.[A-Za-z_])", r"\1", code)
    for old, new in _RENAMED.items():
        code = re.sub(rf"\b{old}\(", f"{new}(", code)
    return _JSON_OF_COLUMN.sub(lambda found: _MINIFIED.format(found.group(1)), code)


#: ``json(column)``: SQLite's ``json()`` of stored JSON text, which it writes minified.
_JSON_OF_COLUMN = re.compile(r"\bjson\(\s*([A-Za-z_][\w.]*)\s*\)")
#: The same in PostgreSQL, typed ``json`` (kept as text, not quoted again by the JSON
#: aggregates); PostgreSQL's own ``json`` cast keeps the spaces Python's ``json.dumps`` wrote
#: between a list's strings (the stored ``terms``). Those are ``", "`` and nothing else, unless
#: a string holds an escaped quote: then whitespace outside strings goes by a regular
#: expression (strings kept as written), which costs 8 us a row against 0.2 us.
_MINIFIED = (
    r"""(CASE WHEN strpos({0}, '\"') = 0 THEN replace({0}, '", "', '","') """
    r"""ELSE regexp_replace({0}, '("(?:[^"\\]|\\.)*")|[ \t\n\r]+', '\1', 'g') END)::json"""
)


def _upsert(text: str) -> str:
    """``INSERT OR REPLACE INTO t (a, b) ...`` as ``INSERT ... ON CONFLICT (key) DO UPDATE``."""
    found = re.match(r"\s*INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)", text, re.I)
    if found is None or found.group(1) not in _KEYS:
        raise StoreError(f"cannot translate for PostgreSQL: {text[:80]}")
    table, columns = found.group(1), [c.strip() for c in found.group(2).split(",")]
    key = _KEYS[table]
    rest = [c for c in columns if c not in key]
    action = (
        "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in rest) if rest else "DO NOTHING"
    )
    text = re.sub(r"INSERT\s+OR\s+REPLACE\b", "INSERT", text, count=1, flags=re.I)
    return f"{text.rstrip().rstrip(';')} ON CONFLICT ({', '.join(key)}) {action}"


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "PostgreSQL needs the psycopg driver: pip install 'brandwatch-cli[postgres]'"
        ) from None
    return psycopg


def reason(exc: BaseException) -> str:
    """What went wrong, on one line: the server's message and its hint, if any (not the
    statement and caret PostgreSQL adds on the following lines), else the first line."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if primary:
        hint = getattr(diag, "message_hint", None)
        return f"{primary}; {hint}" if hint else str(primary)
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def driver_errors() -> tuple[type[BaseException], ...]:
    """psycopg's base error, when the driver is there (else nothing to catch)."""
    try:
        import psycopg
    except ImportError:
        return ()
    return (psycopg.Error,)


class _Cursor:
    """A psycopg cursor shaped like sqlite3's, as far as the store uses one."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        if self._cursor.description:
            yield from self._cursor


class PgConnection:
    """The connection the mixins see as ``db.conn``: sqlite3's calls, PostgreSQL's engine."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(self.raw.info.transaction_status != TransactionStatus.IDLE)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        if _IGNORED_PRAGMAS.match(sql):
            return _Cursor(self.raw.cursor())
        statement = translate(sql)
        try:
            return _Cursor(self.raw.execute(statement, _values(params)))
        except Exception as exc:
            exc.add_note(f"SQL: {statement}")  # shown by --debug's traceback only
            raise

    def executemany(self, sql: str, rows: Any) -> _Cursor:
        cursor = self.raw.cursor()
        statement = translate(sql)
        try:
            cursor.executemany(statement, [_values(row) for row in rows])
        except Exception as exc:
            exc.add_note(f"SQL: {statement}")
            raise
        return _Cursor(cursor)

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 2000) -> Iterator[Any]:
        """The rows of a read query through a server-side cursor, ``size`` at a time (a plain
        execute receives the whole result before its first row: a million rows in memory).
        Inside the caller's transaction, or a read transaction of its own."""
        statement = translate(sql)
        with self.raw.transaction(), self.raw.cursor(name=f"bw_stream_{id(self):x}") as cursor:
            cursor.itersize = size
            try:
                cursor.execute(statement, _values(params))
            except Exception as exc:
                exc.add_note(f"SQL: {statement}")
                raise
            yield from cursor

    def executescript(self, sql: str) -> None:
        self.raw.execute(sql)

    def close(self) -> None:
        self.raw.close()


def _values(params: Sequence[Any]) -> list[Any]:
    """Parameters as PostgreSQL compares them with the columns: booleans as 0/1 (SQLite's
    integers), bytes as they are."""
    return [int(p) if isinstance(p, bool) else p for p in params]


class PgDatabase:
    """What the store calls ``db`` (a sqlite-utils Database for SQLite), over PostgreSQL."""

    def __init__(self, url: str, *, application_name: str = "brandwatch") -> None:
        psycopg = _driver()
        self.url = url
        try:
            raw = psycopg.connect(
                url,
                autocommit=True,
                connect_timeout=10,
                application_name=application_name,
                options=_SESSION,
            )
        except psycopg.Error as exc:
            why = reason(exc)
            secret = url_password(url)
            if secret:  # libpq quotes a value it cannot read, a password too
                for form in {secret, unquote(secret)}:
                    why = why.replace(form, "(password)")
            raise StoreError(f"{redacted_url(url)}: cannot connect to PostgreSQL ({why})") from None
        _load_numbers_as_python(raw)
        self.conn = PgConnection(raw)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        return self.conn.execute(sql, params)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A savepoint inside the open transaction (or a transaction of its own)."""
        if not self.conn.in_transaction:
            with self.conn.raw.transaction():
                yield
            return
        self.conn.raw.execute("SAVEPOINT bw_atomic")
        try:
            yield
        except BaseException:
            self.conn.raw.execute("ROLLBACK TO SAVEPOINT bw_atomic")
            raise
        self.conn.raw.execute("RELEASE SAVEPOINT bw_atomic")

    def columns(self, table: str) -> list[str]:
        rows = self.conn.raw.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in rows]

    def close(self) -> None:
        self.conn.close()


def _load_numbers_as_python(raw: Any) -> None:
    """``numeric`` (what PostgreSQL's ``sum`` of bigints and ``avg`` return) as int or float,
    as SQLite gives them, never Decimal."""
    from psycopg.adapt import Loader

    class NumberLoader(Loader):
        def load(self, data: Any) -> int | float:
            text = bytes(data)
            if b"." in text or b"e" in text.lower() or b"N" in text:
                return float(text)
            return int(text)

    raw.adapters.register_loader("numeric", NumberLoader)
    from psycopg.types.string import TextLoader

    for name in ("json", "jsonb"):  # JSON as text, as SQLite's json functions give it
        raw.adapters.register_loader(name, TextLoader)
