"""The lock file beside the database: never followed through a link, failures are one line."""

from __future__ import annotations

import pytest

from brandwatch_cli.errors import Busy, StoreError
from brandwatch_cli.lock import exclusive, lock_file
from helpers import rss, write_config


def test_a_symlink_planted_as_the_lock_is_refused_and_its_target_untouched(cli, tmp_path):
    config = write_config(tmp_path, [("local", str(tmp_path / "feed.xml"))], keywords="  - Acme\n")
    (tmp_path / "feed.xml").write_text(rss([{"title": "Acme news", "link": "https://x.example/1"}]))
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    (tmp_path / "mentions.db.scan.lock").symlink_to(precious)
    result = cli("scan", "-c", config)
    assert result.exit_code == 3
    assert result.stderr.startswith("error: refusing the lock file ")
    assert "symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert precious.read_text() == "keep me"


def test_a_lock_that_cannot_be_created_is_a_store_error_naming_the_file(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    lock = exclusive(lock_file(blocker / "mentions.db", "scan"), "scan")
    with pytest.raises(StoreError, match=r"cannot create the lock file .*not-a-folder"), lock:
        pass


def test_a_held_lock_makes_the_next_holder_wait_then_give_up(tmp_path):
    path = lock_file(tmp_path / "mentions.db", "scan")
    assert path.name == "mentions.db.scan.lock"
    busy = pytest.raises(Busy, match=r"another scan is running \(pid \d+")
    with exclusive(path, "scan"), busy, exclusive(path, "scan", wait=0.2):
        pass
    with exclusive(path, "scan", wait=0):
        assert "pid" in path.read_text()
