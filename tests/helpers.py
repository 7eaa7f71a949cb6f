"""Small builders shared by tests: config files, feed documents, one fetch of a source, and
the end-to-end steps (scan through the CLI, read the database) the source tests share."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from brandwatch_cli.models import HttpPolicy, Item, Validators
from brandwatch_cli.sources.context import FetchContext
from brandwatch_cli.sources.http import Fetcher, HttpClient

if TYPE_CHECKING:
    from brandwatch_cli.sources import Source
    from conftest import CliResult

#: Material nobody on the team wrote (../shared next to the checkout); tests skip when absent.
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

#: The moment source tests fetch at, unless they say otherwise.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def config_file(folder: Path, sources: str, keywords: str = "  - Acme\n", extra: str = "") -> Path:
    """``folder/brandwatch.yaml``, its database in ``folder``; ``sources`` and ``keywords`` are
    the YAML lines of those lists, ``extra`` more top-level settings."""
    lines = [
        f"database: {folder / 'mentions.db'}",
        extra.rstrip("\n"),
        "keywords:",
        keywords.rstrip(),
        "sources:",
        sources.rstrip(),
    ]
    path = folder / "brandwatch.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_config(
    folder: Path,
    sources: list[tuple[str, str]],
    keywords: str = "  - Acme\n  - name: Globex\n    terms: [Globex, Globex Corporation]\n"
    "    exclude: [Globex Cinema]\n",
    extra: str = "",
) -> Path:
    """A config file in ``folder`` with the given (name, url) feed sources and a 5 s timeout."""
    entries = "".join(f"  - name: {name}\n    url: '{url}'\n" for name, url in sources)
    return config_file(folder, entries, keywords, extra="timeout: 5\n" + extra)


def scan_ok(cli: Callable[..., CliResult], config: Path, new_mentions: int) -> CliResult:
    """``brandwatch scan -c config``, checked to succeed with ``new_mentions`` new mentions."""
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stderr
    assert f"{new_mentions} new mentions" in result.stdout, result.stdout
    return result


def db_rows(path: Path | str, sql: str = "SELECT count(*) FROM mentions") -> list[tuple[Any, ...]]:
    """The rows ``sql`` selects from the database at ``path`` (closed again afterwards)."""
    with closing(connect(path)) as conn:
        return [tuple(row) for row in conn.execute(sql).fetchall()]


def search_ids(path: Path | str, word: str) -> list[int]:
    """The ids of the mentions the full-text index finds ``word`` in, read from the index
    itself (FTS5's table on SQLite, the ``search`` column on PostgreSQL)."""
    if str(path).startswith("postgresql://") or Path(str(path)).absolute() in ON_POSTGRES:
        sql = "SELECT id FROM mentions WHERE search @@ to_tsquery('simple', ?)"
    else:
        sql = "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?"
    with closing(connect(path)) as conn:
        return sorted(row[0] for row in conn.execute(sql, [word]).fetchall())


#: Databases the PostgreSQL run of a test opened in place of a file (conftest's ``backend``).
ON_POSTGRES: dict[Path, str] = {}


def connect(path: Path | str) -> Any:
    """A DB-API connection to the database a test opened at ``path``: the SQLite file, or,
    in the PostgreSQL run, the PostgreSQL database standing in for it (the store's own
    dialect translation applies, so a test's SQL serves both)."""
    url = str(path) if str(path).startswith("postgresql://") else None
    url = url or ON_POSTGRES.get(Path(str(path)).absolute())
    if url is None:
        return sqlite3.connect(path)
    import psycopg

    from brandwatch_cli.store.postgres import PgConnection

    class TestConnection(PgConnection):
        def commit(self) -> None:
            pass

        def __enter__(self) -> TestConnection:
            return self

        def __exit__(self, *exc: object) -> None:
            self.close()

    return TestConnection(psycopg.connect(url, autocommit=True))


def run_sources(
    sources: Sequence[Source],
    *,
    now: datetime = NOW,
    cursors: dict[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    base_dir: Path = Path("."),
    timeout: float = 5.0,
    validators: Mapping[str, Validators] | None = None,
    learned: dict[str, Validators] | None = None,
) -> list[Sequence[Item]]:
    """Fetch each source in turn through one HttpClient (fast retries), shared as in a scan,
    with a Fetcher and a FetchContext each. ``cursors`` is shared and updated in place;
    ``learned`` receives the validators the fetches learned, even when one fails."""
    shared = {} if cursors is None else cursors

    async def fetch_all() -> list[Sequence[Item]]:
        results: list[Sequence[Item]] = []
        async with HttpClient(HttpPolicy(backoff=0.01)) as http:
            for source in sources:
                fetcher = Fetcher(http, base_dir, timeout, validators=validators or {})
                ctx = FetchContext(fetcher, now=now, cursors=shared, env=env or {})
                try:
                    results.append(await source.fetch(ctx))
                finally:
                    if learned is not None:
                        learned.update(fetcher.learned)
        return results

    return asyncio.run(fetch_all())


def run_source(source: Source, **options: Any) -> Sequence[Item]:
    """The items of one fetch of ``source`` (options as for ``run_sources``)."""
    return run_sources([source], **options)[0]


def run_source_and_cursors(
    source: Source, *, cursors: dict[str, str] | None = None, **options: Any
) -> tuple[Sequence[Item], dict[str, str]]:
    """One fetch of ``source``: its items and the cursors after it (``cursors`` if given,
    updated in place, else a new dict)."""
    cursors = {} if cursors is None else cursors
    return run_source(source, cursors=cursors, **options), cursors


def rss(items: list[dict[str, str]], title: str = "Test feed") -> str:
    """A small RSS 2.0 document."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://example.com/</link>",
    ]
    for item in items:
        parts.append("<item>")
        for key, value in item.items():
            parts.append(f"<{key}>{value}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def as_reader() -> list[str]:
    """The command prefix that makes permission bits bind: as root, the same user without the
    capabilities that override them (``setpriv``); otherwise nothing."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permission bits would not bind")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def scanned_feed(
    cli: Any,
    feed_server: Any,
    folder: Path,
    items: list[dict[str, str]],
    keywords: str = "  - Acme\n",
) -> Path:
    """A config of one feed ("news") serving ``items`` and naming ``keywords`` (YAML list
    lines; Acme by default), scanned once."""
    feed_server.serve("/f.xml", rss(items))
    config = write_config(folder, [("news", feed_server.url("/f.xml"))], keywords=keywords)
    assert cli("scan", "-c", config).exit_code == 0
    return config


#: Two mentions of Acme, one each way: the smallest feed an audit's commands act on.
ACME_BOTH_WAYS = [
    {"title": "Acme is terrible, the worst", "link": "https://n.example/1"},
    {"title": "Acme is great", "link": "https://n.example/2"},
]
#: A mention that loves Globex and hates Acme: negative overall, positive about Globex, what
#: every per-keyword figure must tell apart (issue 10: sentiment about the brand).
GLOBEX_REVIEW = {
    "title": "Globex review",
    "description": "I love my Globex. But Acme is the worst company ever, I hate it.",
}
#: Both keywords, as ``write_config``'s ``keywords``.
ACME_GLOBEX = "  - Acme\n  - Globex\n"
