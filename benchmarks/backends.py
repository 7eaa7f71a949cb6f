"""The database engine a benchmark runs on: ``--backend sqlite|postgresql`` and ``--pg-url``.

On PostgreSQL without ``--pg-url``, a private throwaway server is started the way the tests
start theirs (``tests/pg.py``: as an unprivileged user, on a private port, fsync off) and
stopped at the end. With ``--pg-url URL`` the benchmark uses that server; its role must be
allowed to create databases where a benchmark needs empty ones of its own (``scan.py``'s
rounds, ``report.py``'s trigger cost), which it drops at the end.

The baseline on PostgreSQL is the same idea as on SQLite: read every mention row once
(``SELECT * FROM mentions``) through the store's own connection, streamed by a server-side
cursor (all rows fetched into Python, none kept).
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TESTS = Path(__file__).resolve().parents[1] / "tests"


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the engine under the store (default: sqlite)",
    )
    parser.add_argument(
        "--pg-url",
        help="a PostgreSQL database to use (default: a private throwaway server)",
    )


@contextmanager
def postgres_server(pg_url: str | None) -> Iterator[str]:
    """A PostgreSQL URL: ``pg_url`` as it is, or a fresh database on a private server that
    lives as long as the block."""
    if pg_url:
        yield pg_url
        return
    sys.path.insert(0, str(TESTS))
    from pg import start_server

    server = start_server()
    try:
        yield server.database(template=False)
    finally:
        server.stop()


def sibling(url: str, name: str) -> str:
    """The URL of database ``name`` on the same server, as the same role."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def empty_database(url: str) -> Iterator[str]:
    """A new, empty database on ``url``'s server, dropped after the block."""
    name = f"bw_bench_{uuid.uuid4().hex[:10]}"
    _admin(url, f"CREATE DATABASE {name}")
    try:
        yield sibling(url, name)
    finally:
        _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def read_every_row(store: Any) -> int:
    """The baseline: every mention row read once through the store's connection (SQLite:
    ``fetchall``, as before; PostgreSQL: streamed by a server-side cursor); the row count."""
    if not store.postgres:
        return len(store.db.conn.execute("SELECT * FROM mentions").fetchall())
    raw = store.db.conn.raw
    count = 0
    with raw.transaction(), raw.cursor(name="bw_baseline") as cursor:
        cursor.itersize = 10_000
        cursor.execute("SELECT * FROM mentions")
        while rows := cursor.fetchmany(10_000):
            count += len(rows)
    return count


def mention_count(store: Any) -> int:
    return int(store.db.conn.execute("SELECT count(*) FROM mentions").fetchone()[0])
