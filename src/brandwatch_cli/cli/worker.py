"""``brandwatch worker``: glue between options, the worker's rounds, alerts and exit codes."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from brandwatch_cli.cli import status_codes
from brandwatch_cli.cli.common import (
    error_line,
    load,
    run_lock,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import ConfigOption, DbOption, QuietOption, TzOption
from brandwatch_cli.cli.rules import run_rules
from brandwatch_cli.cli.scan import current_spikes, notify_spikes
from brandwatch_cli.errors import ConfigError
from brandwatch_cli.output import plain as plaintext

#: How often a long-running worker applies the config's ``retention:``.
RETENTION_EVERY = timedelta(hours=1)


def worker(
    config: ConfigOption = None,
    db: DbOption = None,
    once: Annotated[bool, typer.Option("--once", help="Fetch what is due now, then exit.")] = False,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency", min=1, max=256, help="Requests at once [default: config, 16]."
        ),
    ] = None,
    quiet: QuietOption = False,
    notify: Annotated[
        bool, typer.Option("--notify", help="Send new spike alerts to the config's 'notify' URLs.")
    ] = False,
    tz: TzOption = None,
    lease: Annotated[
        float,
        typer.Option("--lease", min=1, max=86400, hidden=True, help="Seconds a claim lasts."),
    ] = 120.0,
) -> None:
    """Fetch the sources that are due, sharing them with the other workers of the database.

    A source is due when its 'interval:' (default 15m) has passed since its last fetch. Runs
    until SIGTERM or Ctrl-C (exit 0; unfinished fetches are left due for another worker), or
    one round with --once. Quiet unless something is wrong: one line on stderr per failing
    source. --once exits 1 when a source failed, 6 when a notification could not be
    delivered; a worker does not wait for a running scan, nor a scan for workers.
    """
    import asyncio

    from brandwatch_cli.scan.engine import scan_pool
    from brandwatch_cli.scan.relevance import SCAN_BUDGET, update_relevance
    from brandwatch_cli.scan.worker import run_worker
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db)
    time_zone(cfg, tz)  # a wrong name fails first, as everywhere
    if notify and not cfg.notify:
        raise ConfigError("--notify needs a 'notify:' list of notification URLs in the config")
    seen = {"failed": False, "undelivered": False}
    try:
        with MentionStore.open(db_path) as store:
            _upkeep(store, cfg, db_path, rematching=True)
            retained = [utc_now()]
            seen_id = [store.last_mention_id()]

            def after_round(result: Any) -> None:
                for outcome in result.failed:
                    error_line(
                        plaintext.problem_line(outcome.source, outcome.status, outcome.error)
                    )
                if not quiet:
                    for outcome in result.held_back:
                        line = plaintext.problem_line(outcome.source, outcome.status, outcome.error)
                        error_line(line)
                seen["failed"] = seen["failed"] or bool(result.failed)
                # before spikes and rules, which leave noise out
                update_relevance(store, cfg, fresh_after=seen_id[0], budget=SCAN_BUDGET)
                spikes = current_spikes(store, cfg) if notify and result.new_mentions else []
                if spikes and not notify_spikes(store, cfg, spikes):
                    seen["undelivered"] = True
                newest = store.last_mention_id()
                if not run_rules(store, cfg, seen_id[0]):
                    seen["undelivered"] = True
                seen_id[0] = newest
                if utc_now() - retained[0] >= RETENTION_EVERY:
                    _upkeep(store, cfg, db_path, rematching=False)
                    retained[0] = utc_now()

            with scan_pool(cfg, store, cfg.sources) as executor:
                asyncio.run(
                    run_worker(
                        cfg,
                        store,
                        executor,
                        once=once,
                        after_round=after_round,
                        lease_s=lease,
                        concurrency=concurrency,
                    )
                )
    except KeyboardInterrupt:
        raise typer.Exit(status_codes.SUCCESS) from None  # stopped as asked, leases released
    if seen["failed"]:
        raise typer.Exit(status_codes.ERROR)
    if seen["undelivered"]:
        raise typer.Exit(status_codes.NOTIFY_FAILED)
    raise typer.Exit(status_codes.SUCCESS)


def _upkeep(store: Any, cfg: Any, db_path: Path | str, *, rematching: bool) -> None:
    """What a scan does around its fetches, done by one worker at a time and never beside a
    scan (which does it itself): at start, re-matching after a keyword change and dropping
    entries past retention; then, now and then, the config's ``retention:``."""
    from brandwatch_cli.errors import Busy
    from brandwatch_cli.scan.rematch import rematch

    now: datetime = utc_now()
    try:
        with run_lock(db_path, "scan", "scan", 0):
            if rematching:
                store.drop_entries_before(now - timedelta(days=cfg.retention.entries_days))
                rematch(store, cfg, now)
            elif store.apply_retention(cfg.retention, now):
                store.reclaim_space(convert=False, wait=False)
    except Busy:
        pass  # a scan, or another worker, is at it
