"""Keeping relevance current (scan.relevance): a pass over stored mentions stops at its budget
and resumes at its watermark; a scan's new mentions are scored first, before an unfinished
pass reaches them; without a model or a mute, nothing is kept."""

from __future__ import annotations

from datetime import UTC, datetime

from brandwatch_cli.config.load import load_config
from brandwatch_cli.scan.relevance import update_relevance
from brandwatch_cli.store import MentionStore
from helpers import rss, write_config

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_new_mentions_first_then_the_rest_where_it_stopped(cli, feed_server, tmp_path):
    items = [
        {"title": f"Acme {'lemon cake' if n % 2 else 'toaster'} {n}", "guid": f"g{n}"}
        for n in range(40)
    ]
    feed_server.serve("/f.xml", rss(items))
    path = write_config(tmp_path, [("news", feed_server.url("/f.xml"))], keywords="  - Acme\n")
    assert cli("scan", "-c", path).exit_code == 0
    config = load_config(path)
    with MentionStore.open(config.database) as store:
        assert update_relevance(store, config, NOW).scored == 0
        assert store.relevance_state() == {}  # no model, no mute: no watermark
        store.add_mute({"phrase": "lemon cake"}, NOW, "test")
        first = update_relevance(store, config, NOW, budget=10, batch=10)
        assert (first.scored, first.pending) == (10, True)
        assert store.noise_counts() == {"muted": 5}
        # a scan's new mentions (here: ids above 30) come first, the watermark stays
        fresh = update_relevance(store, config, NOW, fresh_after=30, budget=0, batch=10)
        assert fresh.scored == 10 and fresh.pending
        muted = {row[0] for row in store.db.execute("SELECT id FROM mentions WHERE noise = 1")}
        assert {i for i in muted if i > 30} == {i for i in range(31, 41) if i % 2 == 0}
        assert not {i for i in muted if 10 < i <= 30}
        rest = update_relevance(store, config, NOW)
        assert not rest.pending and store.noise_counts() == {"muted": 20}
        store.remove_mute(store.mutes()[0]["id"])
        update_relevance(store, config, NOW)
        assert store.noise_counts() == {} and store.relevance_state() == {}


def test_a_keyword_edit_makes_every_mention_scored_again(cli, feed_server, tmp_path):
    """A mention's relevance is read with its keywords' models: after a rematch changed the
    keywords, the next pass starts from the first mention, the old scores kept meanwhile."""
    items = [{"title": f"Acme {'lemon cake' if n % 2 else 'toaster'} {n}", "guid": f"g{n}"}
             for n in range(10)]  # fmt: skip
    feed_server.serve("/f.xml", rss(items))
    path = write_config(tmp_path, [("news", feed_server.url("/f.xml"))], keywords="  - Acme\n")
    assert cli("scan", "-c", path).exit_code == 0
    config = load_config(path)
    with MentionStore.open(config.database) as store:
        store.add_mute({"phrase": "lemon cake"}, NOW, "test")
        assert not update_relevance(store, config, NOW).pending
        assert store.relevance_state()["scored"][2] == 10  # the watermark: every mention
    edited = write_config(
        tmp_path, [("news", feed_server.url("/f.xml"))], keywords="  - Acme\n  - toaster\n"
    )
    assert cli("rematch", "-c", edited).exit_code == 0
    with MentionStore.open(config.database) as store:
        assert store.relevance_state()["scored"][2] == 0  # to be scored again
        assert store.noise_counts() == {"muted": 5}  # meanwhile as they were
        again = update_relevance(store, load_config(edited), NOW)
        assert again.scored == 10 and store.noise_counts() == {"muted": 5}
