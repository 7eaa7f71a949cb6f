"""Reads spread over threads (``store.readers``): each thread reads through a connection of
its own, failures reach the caller, leaving on an error stops what still runs, and every
connection is closed at the end."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from brandwatch_cli.errors import StoreError
from brandwatch_cli.store import MentionStore
from brandwatch_cli.store import base as store_base

#: A statement that runs for hours unless interrupted.
ENDLESS = {
    False: """WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1e12)
        SELECT count(*) FROM c""",
    True: "SELECT count(*) FROM generate_series(1, 1000000000000)",
}


def test_tasks_read_on_connections_of_their_own_closed_at_the_end(tmp_path: Path) -> None:
    with MentionStore.open(tmp_path / "m.db") as store:
        used: list[MentionStore] = []

        def task(reader: MentionStore) -> tuple[str, int]:
            used.append(reader)
            return threading.current_thread().name, reader.last_mention_id()

        with store.readers(2) as readers:
            done = [readers.submit(task) for _ in range(6)]
            results = [future.result() for future in done]
        assert [last for _, last in results] == [0] * 6
        assert all(name.startswith("brandwatch-reader") for name, _ in results)
        connections = {id(reader) for reader in used}
        assert 1 <= len(connections) <= 2 and id(store) not in connections
        for reader in used:
            with pytest.raises(StoreError):
                reader.last_mention_id()  # closed with the pool
        assert store.last_mention_id() == 0  # the caller's own is still open


def test_a_failing_task_raises_its_store_error_to_the_caller(tmp_path: Path) -> None:
    with MentionStore.open(tmp_path / "m.db") as store, store.readers(2) as readers:
        failed = readers.submit(lambda reader: list(reader._rows("SELECT * FROM nowhere")))
        with pytest.raises(StoreError, match="cannot read mentions"):
            failed.result()


def test_leaving_on_an_error_interrupts_the_statements_still_running(tmp_path: Path) -> None:
    started = threading.Event()
    with MentionStore.open(tmp_path / "m.db") as store:

        def endless(reader: MentionStore) -> object:
            started.set()
            return list(reader._rows(ENDLESS[reader.postgres]))

        tasks = []

        def interrupted() -> None:
            with store.readers(2) as readers:
                tasks.extend(readers.submit(endless) for _ in range(4))
                assert started.wait(30)
                raise KeyboardInterrupt  # Ctrl-C while a task runs

        with pytest.raises(KeyboardInterrupt):
            interrupted()
        assert isinstance(tasks[0].exception(timeout=0), StoreError)
        assert all(task.cancelled() or task.exception(timeout=0) for task in tasks)


@pytest.mark.sqlite_only  # permissions of a database file
def test_a_read_only_stores_readers_are_read_only(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    MentionStore.open(tmp_path / "m.db").close()
    monkeypatch.setattr(store_base, "_writable", lambda path: False)
    with MentionStore.open(tmp_path / "m.db", create=False) as store:
        assert store.read_only
        with store.readers(1) as readers:
            reader = readers.submit(lambda reader: reader).result()
            assert reader.read_only
            with pytest.raises(StoreError, match="read-only for you"):
                readers.submit(lambda reader: reader.start_scan(datetime.now(UTC))).result()
