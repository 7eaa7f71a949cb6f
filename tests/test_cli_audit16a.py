"""A new user's audit (round 16, part a: issues 5 and 10, the core of 2): each test is a
defect the tool had, driven through the real entry point."""

from __future__ import annotations

import pytest

from helpers import ACME_BOTH_WAYS, scanned_feed

ITEMS = ACME_BOTH_WAYS

#: Beyond SQLite's (and PostgreSQL's bigint) 64-bit integers.
HUGE_ID = str(2**70)


@pytest.fixture
def scanned(cli, feed_server, tmp_path):
    return scanned_feed(cli, feed_server, tmp_path, ITEMS)


@pytest.mark.parametrize(
    "command",
    [
        ("show", HUGE_ID),
        ("open", HUGE_ID),
        ("mark", HUGE_ID, "--status", "todo"),
        ("mark", "1", HUGE_ID, "--status", "todo"),
        ("unmute", HUGE_ID),
    ],
)
def test_an_id_beyond_64_bits_is_a_usage_error_not_an_internal_error(cli, scanned, command):
    """README: `show` and `open` exit 2 for an id that names no mention, and `mark` with one
    marks none. An id past 2**63 - 1 crashed them with "internal error: OverflowError" and
    exit 1."""
    result = cli(*command, "-c", scanned)
    assert result.exit_code == 2, result.stderr
    assert "internal error" not in result.stderr
    assert result.stderr.strip()
    marked = cli("mentions", "--status", "todo", "-c", scanned)
    assert marked.stdout.strip() == ""


@pytest.mark.parametrize("since", ["0d", "0h", "2999-01-01"])
def test_a_digest_period_that_ends_before_it_starts_is_a_usage_error(cli, scanned, since):
    """As for `report` and `mentions` (closing note of stop 7: "a period that ends before it
    starts, including --since in the future, is a usage error"), a digest `--since` that is
    not before now printed a digest of an empty or backwards window ("2999-01-01 00:00 →
    2026-…", compared with a period starting in 3…) and exited 0."""
    result = cli("digest", "--since", since, "-c", scanned)
    assert result.exit_code == 2, result.stdout
    assert "is not before now" in result.stderr
    assert result.stdout == ""
