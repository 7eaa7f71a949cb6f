"""Local files are not web responses: a local feed has its source's own bound, not
``max_response_mb``'s."""

from __future__ import annotations

from helpers import config_file, db_rows, rss


def feed_file(folder, items=3, padding=700_000):
    """A local RSS file of ``items`` Acme stories, made big by one long description."""
    entries = [
        {"title": f"Acme story {n}", "link": f"https://example.com/{n}", "guid": f"g{n}"}
        for n in range(items)
    ]
    entries[0]["description"] = "padding " * (padding // 8)
    (folder / "big.xml").write_text(rss(entries), encoding="utf-8")


def test_a_local_feed_over_the_response_limit_is_read(cli, tmp_path):
    feed_file(tmp_path)
    config = config_file(
        tmp_path, "  - name: big\n    url: big.xml\n", extra="max_response_mb: 0.5"
    )
    result = cli("scan", "-c", config)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert db_rows(tmp_path / "mentions.db") == [(3,)]


def test_a_local_feed_over_its_own_bound_is_refused(cli, tmp_path):
    feed_file(tmp_path)
    config = config_file(tmp_path, "  - name: big\n    url: big.xml\n    max_size_mb: 0.5\n")
    result = cli("scan", "-c", config)
    assert "file larger than the 0.5 MB limit (option 'max_size_mb')" in result.stdout
    assert db_rows(tmp_path / "mentions.db") == [(0,)]
