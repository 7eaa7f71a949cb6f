"""Shared scanning in the store and the worker's schedule: who is due, who holds what, and
which alert one worker may send (``store.leases``, ``scan.worker``, ``store.workflow``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from brandwatch_cli.models import NEGATIVE, VOLUME, SourceOutcome, Spike, SpikeRule
from brandwatch_cli.scan.worker import JITTER, every_seconds
from brandwatch_cli.store import MentionStore, SourceMemory, SourceState, iso

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LEASE = 60.0


@pytest.fixture
def stores(tmp_path):
    """Two connections to one database file: two workers."""
    first = MentionStore.open(tmp_path / "m.db")
    second = MentionStore.open(tmp_path / "m.db")
    yield first, second
    first.close()
    second.close()


def test_the_jitter_is_fixed_per_name_within_a_tenth_and_spreads_sources():
    interval = timedelta(minutes=15)
    values = [every_seconds(f"source-{n}", interval) for n in range(200)]
    assert all(900 <= value <= 900 * (1 + JITTER) for value in values)
    assert every_seconds("source-7", interval) == values[7]  # the same at every start
    assert len(set(values)) > 50  # not all due in the same second
    assert every_seconds("a", timedelta(seconds=1)) >= 1


def test_a_due_source_goes_to_one_worker_until_its_lease_lapses(stores):
    first, second = stores
    first.schedule_sources({"a": 900, "b": 900}, NOW)
    assert first.claim_due("w1", NOW, LEASE, 1) == ["a"]
    assert second.claim_due("w2", NOW, LEASE, 10) == ["b"]  # a is held
    assert second.claim_due("w2", NOW, LEASE, 10) == []
    # w1 dies holding 'a': once the lease lapses, the next claim takes it.
    later = NOW + timedelta(seconds=LEASE)
    assert second.claim_due("w2", later - timedelta(seconds=1), LEASE, 10) == []
    assert second.claim_due("w2", later, LEASE, 10) == ["a", "b"]  # b's lease lapsed too
    assert first.leases() == [
        ("a", "w2", iso(later + timedelta(seconds=LEASE))),
        ("b", "w2", iso(later + timedelta(seconds=LEASE))),
    ]


def test_a_renewed_lease_is_not_taken_and_a_lost_one_cannot_be_released(stores):
    first, second = stores
    first.schedule_sources({"a": 900}, NOW)
    assert first.claim_due("w1", NOW, LEASE, 5) == ["a"]
    first.renew("w1", NOW + timedelta(seconds=40), LEASE)
    assert second.claim_due("w2", NOW + timedelta(seconds=70), LEASE, 5) == []
    assert second.claim_due("w2", NOW + timedelta(seconds=100), LEASE, 5) == ["a"]
    # w1 comes back from a long pause: its release leaves w2's lease alone.
    first.release("w1", ["a"], {"a": NOW + timedelta(hours=1)})
    assert first.leases() == [("a", "w2", iso(NOW + timedelta(seconds=160)))]


def test_a_released_source_is_due_again_after_its_interval_an_abandoned_one_at_once(stores):
    first, second = stores
    first.schedule_sources({"a": 900, "b": 900}, NOW)
    assert first.claim_due("w1", NOW, LEASE, 5) == ["a", "b"]
    first.release("w1", ["a"], {"a": NOW + timedelta(seconds=900)})
    first.release("w1", ["b"])  # stopped before its fetch was stored
    soon = NOW + timedelta(seconds=5)
    assert second.claim_due("w2", soon, LEASE, 5) == ["b"]
    second.release("w2", ["b"], {"b": soon + timedelta(seconds=900)})
    # A round starting later reschedules from the store: 'a' keeps its due time.
    second.schedule_sources({"a": 900, "b": 900}, soon)
    assert second.next_claimable() == NOW + timedelta(seconds=900)
    assert second.claim_due("w2", NOW + timedelta(seconds=899), LEASE, 5) == []
    assert second.claim_due("w2", NOW + timedelta(seconds=900), LEASE, 5) == ["a"]


def _save_state(store, name, attempted, next_attempt=None):
    scan = store.start_scan(attempted)
    state = SourceState(name, "feed", last_attempt=iso(attempted), next_attempt=next_attempt)
    store.save_batch(scan, name, (), SourceOutcome(name, "ok"), attempted, SourceMemory(state))


def test_scan_fetches_backoff_and_interval_changes_move_the_schedule(stores):
    store, _ = stores
    store.schedule_sources({"a": 900, "b": 900, "c": 900}, NOW)
    # `scan` fetched 'a' (no lease involved): due an interval after that fetch.
    _save_state(store, "a", NOW + timedelta(seconds=10))
    # 'b' failed twice and backs off for an hour: not due before that, whatever its interval.
    _save_state(store, "b", NOW, next_attempt=iso(NOW + timedelta(hours=1)))
    store.schedule_sources({"a": 900, "b": 900, "c": 900}, NOW)
    assert store.claim_due("w", NOW + timedelta(seconds=20), LEASE, 9) == ["c"]
    store.release("w", ["c"], {"c": NOW + timedelta(hours=5)})
    assert store.claim_due("w", NOW + timedelta(seconds=910), LEASE, 9) == ["a"]
    store.release("w", ["a"], {"a": NOW + timedelta(hours=5)})
    assert store.claim_due("w", NOW + timedelta(minutes=59), LEASE, 9) == []
    assert store.claim_due("w", NOW + timedelta(minutes=60), LEASE, 9) == ["b"]
    store.release("w", ["b"], {"b": NOW + timedelta(hours=5)})
    # A shorter interval in the config reschedules from the last fetch; a removed source goes.
    store.schedule_sources({"a": 60, "b": 900}, NOW + timedelta(hours=1))
    assert store.claim_due("w", NOW + timedelta(hours=1), LEASE, 9) == ["a"]
    assert [row[0] for row in store.leases()] == ["a", "b"]


def test_a_source_never_fetched_is_due_at_once_a_new_due_time_never_moves_back(stores):
    first, second = stores
    second.schedule_sources({"a": 900}, NOW)
    assert first.claim_due("w1", NOW, LEASE, 5) == ["a"]
    first.release("w1", ["a"], {"a": NOW + timedelta(seconds=900)})
    # A worker that read the store before that release schedules with what it read: the
    # fetch it did not see must not become due again.
    second.schedule_sources({"a": 900}, NOW)
    assert second.claim_due("w2", NOW + timedelta(seconds=1), LEASE, 5) == []


def _spike(keyword, kind=VOLUME):
    return Spike(keyword, kind, 30, 5.0, 12.0, 14)


def test_one_of_two_workers_claims_a_spike_and_a_failed_send_gives_it_back(stores):
    first, second = stores
    rule = SpikeRule(window=timedelta(hours=24))
    spikes = [_spike("Acme"), _spike("Acme", NEGATIVE)]
    assert first.claim_alerts(spikes, NOW, rule.window) == spikes
    assert second.claim_alerts(spikes, NOW, rule.window) == []
    first.unclaim_alerts(spikes[1:], NOW)  # that notification reached no one
    assert second.claim_alerts(spikes, NOW + timedelta(minutes=5), rule.window) == spikes[1:]
    # Sent again once its window has passed, not before.
    assert first.claim_alerts(spikes[:1], NOW + timedelta(hours=23), rule.window) == []
    assert first.claim_alerts(spikes[:1], NOW + timedelta(hours=24), rule.window) == spikes[:1]


@pytest.mark.sqlite_only  # no PostgreSQL database predates m014
def test_alerts_sent_before_the_upgrade_are_not_sent_again(tmp_path):
    import sqlite3

    from sqlite_utils import Database

    from brandwatch_cli.store.schema import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m014_source_leases")
    old.execute(
        "INSERT INTO alerts_sent (keyword, kind, sent_at, count) VALUES (?, ?, ?, ?)",
        ["Acme", VOLUME, iso(NOW - timedelta(hours=2)), 30],
    )
    old.conn.commit()
    old.close()
    with MentionStore.open(path) as store:
        assert store.claim_alerts([_spike("Acme")], NOW, timedelta(hours=24)) == []
        assert store.claim_alerts([_spike("Globex")], NOW, timedelta(hours=24)) != []
    assert sqlite3.connect(path).execute("SELECT count(*) FROM source_leases").fetchone() == (0,)
