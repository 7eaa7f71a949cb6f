"""A real PostgreSQL server for the tests: started once per session on a private port and
socket, as an unprivileged user (PostgreSQL refuses to run as root), and stopped at the end.

Each test gets its own database, copied from a migrated template (``CREATE DATABASE ...
TEMPLATE``: milliseconds, not a migration per test). Where no server is installed the
PostgreSQL tests skip, except in CI (``CI=true``), where they must run: they fail instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TEMPLATE = "bw_template"


def _binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: PATH first, then Debian's layout."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests must run in CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PgServer:
    """A running server; ``database()`` gives a fresh, migrated database's URL."""

    port: int
    folder: Path
    run_as: list[str]
    bin: Path
    made: list[str] = field(default_factory=list)

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def database(self, *, template: bool = True) -> str:
        name = f"bw_{uuid.uuid4().hex[:12]}"
        self.admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {TEMPLATE}" if template else ""))
        self.made.append(name)
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        subprocess.run(
            [
                *self.run_as,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server() -> PgServer:
    """Start a server (see the module's docstring); skip or fail when impossible."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test]')")
    binaries = _binaries()
    if binaries is None:
        _unavailable("no PostgreSQL server here (initdb/pg_ctl not found)")
    assert binaries is not None
    folder = Path(tempfile.mkdtemp(prefix="bw-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = "postgres" if _user_exists("postgres") else "nobody"
        owner = pwd.getpwnam(user)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        os.chmod(folder, 0o700)
        run_as = [
            "setpriv",
            f"--reuid={owner.pw_uid}",
            f"--regid={owner.pw_gid}",
            "--clear-groups",
            "--",
        ]
    port = _free_port()
    data = folder / "data"
    init = subprocess.run(
        [
            *run_as,
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if init.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"initdb failed: {init.stderr.strip()[-300:]}")
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    started = subprocess.run(
        [
            *run_as,
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode:
        log = (folder / "log").read_text() if (folder / "log").exists() else started.stderr
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"PostgreSQL did not start: {log.strip()[-300:]}")
    server = PgServer(port, folder, run_as, binaries)
    from brandwatch_cli.store import MentionStore

    server.admin(f"CREATE DATABASE {TEMPLATE}")
    MentionStore.open(server.url(TEMPLATE)).close()  # the migrations, once
    return server


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def server_fixture() -> Iterator[PgServer]:
    server = start_server()
    try:
        yield server
    finally:
        server.stop()
