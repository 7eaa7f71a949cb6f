"""Output files: atomic for regular files, links followed, pipes and devices written into."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from brandwatch_cli.errors import BrandwatchError
from brandwatch_cli.output.files import write_output


def test_a_regular_file_is_replaced_whole(tmp_path):
    out = tmp_path / "digest.txt"
    out.write_text("old")
    assert write_output(out, lambda handle: handle.write("new digest")) == len("new digest")
    assert out.read_text() == "new digest"
    assert [p.name for p in tmp_path.iterdir()] == ["digest.txt"]


def test_a_writer_that_fails_halfway_leaves_the_old_file(tmp_path):
    out = tmp_path / "export.csv"
    out.write_text("old rows")

    def half(handle):
        handle.write("half of the new ")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_output(out, half)
    assert out.read_text() == "old rows"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


def test_a_symbolic_link_is_followed_and_kept(tmp_path):
    real = tmp_path / "reports" / "latest.md"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    write_output(link, lambda handle: handle.write("new"))
    assert link.is_symlink() and real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_link_to_a_file_not_there_yet_creates_it(tmp_path):
    link = tmp_path / "latest.csv"
    link.symlink_to(tmp_path / "exports" / "2026-11-23.csv")
    (tmp_path / "exports").mkdir()
    write_output(link, lambda handle: handle.write("id,source"))
    assert link.is_symlink()
    assert (tmp_path / "exports" / "2026-11-23.csv").read_text() == "id,source"


def test_a_named_pipe_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "digest.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_output(fifo, lambda handle: handle.write(b"\x89PNG..."), binary=True)
    reader.join(timeout=10)
    assert received == [b"\x89PNG..."]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("where", ["missing-folder/out.csv", "."])
def test_an_unwritable_path_is_one_clear_error(tmp_path, where):
    target = tmp_path / where
    with pytest.raises(BrandwatchError, match=f"{Path(target).name}: cannot write"):
        write_output(target, lambda handle: handle.write("x"))


def test_export_refuses_to_overwrite_the_database_it_reads(cli, tmp_path):
    from helpers import db_rows, rss, write_config

    (tmp_path / "feed.xml").write_text(
        rss([{"title": "Acme news", "link": "https://x.example/1", "description": "Acme"}])
    )
    config = write_config(tmp_path, [("local", str(tmp_path / "feed.xml"))])
    assert cli("scan", "-c", config).exit_code == 0
    database = tmp_path / "mentions.db"
    before = database.read_bytes()
    result = cli("export", "-c", config, "-o", database)
    assert result.exit_code == 2
    assert "is an SQLite database: not overwriting it" in result.stderr
    assert database.read_bytes() == before and db_rows(database) == [(1,)]
    copy = tmp_path / "other.db"
    copy.write_bytes(before)  # any SQLite file, not only the one in use
    assert cli("export", "-c", config, "-o", copy).exit_code == 2
    assert copy.read_bytes() == before
