"""Shared fixtures: a real HTTP server on 127.0.0.1, config files, and the real CLI entry point."""

from __future__ import annotations

import gzip
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import helpers
from pg import PgServer, server_fixture

DATA = Path(__file__).parent / "data"


@dataclass
class Route:
    """What the test server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    gzip: bool = False


@dataclass
class FeedServer:
    """A threaded HTTP server on 127.0.0.1 serving ``routes``; records every request.

    A route is a Route, or a list of Routes answered in turn (the last one repeats).
    ``routes`` match the full request path including the query string, or else the path alone.
    """

    base_url: str
    routes: dict[str, Route | list[Route]]
    requests: list[tuple[str, dict[str, str]]]
    in_flight: list[int] = field(default_factory=lambda: [0, 0])  # now, maximum
    connections: set[tuple[str, int]] = field(default_factory=set)  # client addresses seen

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def serve(self, path: str, body: bytes | str = b"", **options: object) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(data, **options)  # type: ignore[arg-type]
        return self.url(path)

    def serve_sequence(self, path: str, routes: list[Route]) -> str:
        self.routes[path] = list(routes)
        return self.url(path)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    routes: dict[str, Route | list[Route]] = {}
    requests: list[tuple[str, dict[str, str]]] = []
    stop = threading.Event()
    lock = threading.Lock()
    in_flight = [0, 0]
    connections: set[tuple[str, int]] = set()

    def pick(path: str) -> Route | None:
        with lock:
            route = routes.get(path, routes.get(path.split("?")[0]))
            if isinstance(route, list):
                return route.pop(0) if len(route) > 1 else route[0]
            return route

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.body = self.rfile.read(length) if length else b""
            self.do_GET()

        def do_GET(self) -> None:
            with lock:
                connections.add(self.client_address)
                in_flight[0] += 1
                in_flight[1] = max(in_flight[1], in_flight[0])
            try:
                self._answer()
            finally:
                with lock:
                    in_flight[0] -= 1

        def _answer(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            if self.command == "POST":
                headers["x-body"] = getattr(self, "body", b"").decode("utf-8", "replace")
            requests.append((self.path, headers))
            route = pick(self.path)
            if route is None:
                self.send_error(404, "Not Found")
                return
            if route.delay:
                stop.wait(route.delay)
            body = gzip.compress(route.body) if route.gzip else route.body
            try:
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield FeedServer(
            f"http://127.0.0.1:{server.server_address[1]}",
            routes,
            requests,
            in_flight,
            connections,
        )
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


#: Test modules run twice: against a SQLite file and against a real PostgreSQL server (issue
#: 13). In the PostgreSQL run, every database a test opens by path is a fresh PostgreSQL
#: database instead (same path, same database), so the same assertions hold for both engines;
#: a test about SQLite itself (files, WAL, permissions) is marked ``sqlite_only``.
BOTH_BACKENDS = {
    "test_store",
    "test_store_batches",
    "test_store_listing",
    "test_store_prune",
    "test_store_readers",
    "test_store_search",
    "test_store_stories",
    "test_store_summary",
    "test_store_write_paths",
    "test_store_zdbg",
    "test_insight_digest",
    "test_insight_themes",
    "test_cli_themes",
    "test_cli_corrections",
    "test_cli_relevance",
    "test_scan_relevance",
    "test_insight_sources",
    "test_insight_spikes",
    "test_insight_explain",
    "test_insight_buckets",
    "test_insight_report_trend",
    "test_cli_workflow",
    "test_cli_triage",
    "test_cli_rules",
    "test_cli_reading",
    "test_cli_periods",
    "test_scan_engine",
    "test_scan_rematch",
    "test_store_retention",
    "test_cli",
    "test_cli_mention",
    "test_cli_timezones",
    "test_output_export",
    "test_output_report",
    "test_analysis",
    "test_scan_worker",
    "test_store_aspects",
    "test_store_keyword_times",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module in BOTH_BACKENDS and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL server for the session (tests/pg.py)."""
    yield from server_fixture()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of its own for this test."""
    url = pg_server.database()
    yield url
    pg_server.drop(url)


@pytest.fixture(autouse=True)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The engine under test: "sqlite", or "postgresql" where the module runs on both."""
    name = getattr(request, "param", "sqlite")
    if name == "sqlite":
        yield name
        return
    server: PgServer = request.getfixturevalue("pg_server")
    from brandwatch_cli.store import MentionStore

    opened: dict[Path, str] = {}
    original = MentionStore.open.__func__  # type: ignore[attr-defined]

    def open_on_postgres(cls: type, path: object, *, create: bool = True) -> object:
        if isinstance(path, str) and path.startswith("postgresql://"):
            return original(cls, path, create=create)
        key = Path(str(path)).absolute()
        if key not in opened:
            if not create:
                return original(cls, path, create=create)  # "no mention database yet"
            opened[key] = server.database()
        return original(cls, opened[key], create=create)

    monkeypatch.setattr(MentionStore, "open", classmethod(open_on_postgres))
    monkeypatch.setattr(
        MentionStore, "exists", staticmethod(lambda path: Path(str(path)).absolute() in opened)
    )
    monkeypatch.setattr(helpers, "ON_POSTGRES", opened)
    yield name
    for url in opened.values():
        server.drop(url)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's config or writes outside its own folder."""
    monkeypatch.delenv("BRANDWATCH_CONFIG", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # piped tables are 160 wide unless a test says
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run the real ``brandwatch`` entry point in-process, stdout and stderr kept apart."""
    from brandwatch_cli.cli.app import main

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["brandwatch", *map(str, args)])
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
