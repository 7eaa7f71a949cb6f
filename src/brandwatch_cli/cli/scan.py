"""``brandwatch scan`` and ``rescore``: glue between options, the run, the summary, alerts and
exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated, Any

import typer

from brandwatch_cli.cli import status_codes
from brandwatch_cli.cli.common import (
    error_line,
    fired,
    load,
    progress_bar,
    quiet_broken_pipe,
    report_deliveries,
    run_lock,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import (
    ConfigOption,
    DbOption,
    FailOnOption,
    QuietOption,
    TzOption,
    WaitOption,
)
from brandwatch_cli.cli.rules import run_rules
from brandwatch_cli.errors import ConfigError, Interrupted
from brandwatch_cli.output import plain as plaintext

#: How long a source fails before a quiet scan says so (once per this period).
FAILING_TOO_LONG = timedelta(days=1)


def scan(
    config: ConfigOption = None,
    db: DbOption = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="Scan only this source (repeatable)."),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency", min=1, max=256, help="Requests at once [default: config, 16]."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Also fetch sources that are backing off.")
    ] = False,
    quiet: QuietOption = False,
    notify: Annotated[
        bool, typer.Option("--notify", help="Send new spike alerts to the config's 'notify' URLs.")
    ] = False,
    fail_on: FailOnOption = None,
    wait: WaitOption = 10.0,
    tz: TzOption = None,
) -> None:
    """Fetch every source, store new mentions of the keywords, print a summary.

    Exit 0 when no source failed, 1 when any failed (the others' mentions are stored), 4 when
    another scan is running, 5 when a --fail-on condition holds. Sources rate limited or
    backing off are reported on stderr as warnings (not with --quiet).
    """
    from brandwatch_cli.models import FAILED
    from brandwatch_cli.scan.engine import run_scan, select_sources
    from brandwatch_cli.scan.relevance import SCAN_BUDGET, update_relevance
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db)
    zone = time_zone(cfg, tz)  # for the times in its messages: a wrong name fails first
    selected = select_sources(cfg, source or ())
    if notify and not cfg.notify:
        raise ConfigError("--notify needs a 'notify:' list of notification URLs in the config")
    with run_lock(db_path, "scan", "scan", wait):
        try:
            with MentionStore.open(db_path) as store:
                before = store.last_mention_id()
                with _scan_progress(len(selected), quiet) as (advance, reading):
                    result = run_scan(
                        cfg,
                        store,
                        sources=selected,
                        concurrency=concurrency,
                        force=force or bool(source),
                        on_source_done=advance,
                        on_progress=reading,
                    )
                # before spikes and rules, which leave noise out
                update_relevance(store, cfg, fresh_after=before, budget=SCAN_BUDGET)
                pruned = store.apply_retention(cfg.retention, utc_now())
                if pruned:  # a database from before incremental vacuum waits for `prune`
                    store.reclaim_space(convert=False, wait=False)
                spikes = current_spikes(store, cfg) if notify or fail_on else []
                # Quiet (cron), a source backing off says nothing at each scan: once a day,
                # one that has been failing for a day says so.
                long_failures = store.long_failures(utc_now(), FAILING_TOO_LONG) if quiet else []
                delivered = notify_spikes(store, cfg, spikes) if notify else True
                delivered = run_rules(store, cfg, before) and delivered
        except KeyboardInterrupt:
            raise Interrupted(
                "scan interrupted; mentions from sources already finished are kept"
            ) from None
    if not quiet:
        try:
            with quiet_broken_pipe():
                _print_summary(result)
                if pruned:
                    counts = (pruned.mentions, pruned.entries, pruned.scan_logs)
                    sys.stdout.write(plaintext.retention_line(*counts) + "\n")
        except typer.Exit:
            pass  # the reader left (`| head`): the exit code still says how the scan went
    failures = [plaintext.problem_line(o.source, o.status, o.error) for o in result.failed]
    for line in failures:
        error_line(line)
    if not quiet:
        for outcome in result.held_back:
            error_line(plaintext.problem_line(outcome.source, outcome.status, outcome.error))
    failed_now = {o.source for o in result.failed}
    for row in long_failures:
        if row["source"] not in failed_now:  # a failure of this scan is said above
            error_line(f"error: {plaintext.failing_line(row, zone)}")
    # A source backing off after failures is still a source in trouble (rate limits are not).
    troubled = [line.removeprefix("error: ") for line in failures] + [
        f"source '{o.source}' {o.error}" for o in result.held_back if o.held_by == FAILED
    ]
    alarms = fired(fail_on, spikes, troubled)
    for line in alarms:
        if line not in failures:  # a failed source's line is already there
            error_line(line)
    if alarms:
        raise typer.Exit(status_codes.ALERT_FIRED)
    if result.failed:
        raise typer.Exit(status_codes.ERROR)
    raise typer.Exit(status_codes.SUCCESS if delivered else status_codes.NOTIFY_FAILED)


def current_spikes(store: Any, cfg: Any) -> list[Any]:
    """The spikes of the config's keywords now."""
    from brandwatch_cli.insight import alerts

    return alerts.current_alerts(store, [k.name for k in cfg.keywords], cfg.alerts, utc_now())


def notify_spikes(store: Any, cfg: Any, spikes: Sequence[Any]) -> bool:
    """Send the spikes not already sent (by this run or another: a worker); True unless a
    delivery failed."""
    from brandwatch_cli import notify
    from brandwatch_cli.insight import alerts
    from brandwatch_cli.output.spikes import spike_notice

    deliveries: list[Any] = []

    def send(fresh: Sequence[Any]) -> bool:
        lines = [spike_notice(spike) for spike in fresh]
        title = f"brandwatch alert: {len(fresh)} spike{'s' if len(fresh) != 1 else ''}"
        sent = notify.send(cfg.notify, title, "\n".join(lines), timeout=cfg.notify_timeout)
        deliveries.extend(sent)
        return any(d.reached for d in sent)

    alerts.send_once(store, spikes, cfg.alerts, utc_now(), send)
    report_deliveries(deliveries)
    return all(d.ok for d in deliveries)


def _print_summary(result: Any) -> None:
    """A Rich table on a terminal; aligned plain text (no Rich import) for pipes and cron."""
    if sys.stdout.isatty():
        from brandwatch_cli.output import terminal as render

        render.scan_summary(result, render.console())
    else:
        right = ("entries", "matched", "new", "time")
        rows = plaintext.summary_rows(result)
        sys.stdout.write(plaintext.table(plaintext.SUMMARY_COLUMNS, rows, right) + "\n")
        sys.stdout.write(plaintext.summary_line(result) + "\n")
    if result.rematched:
        sys.stdout.write(f"re-matched: {plaintext.changes_line(result.rematched)}\n")


@contextmanager
def _scan_progress(
    total: int, quiet: bool
) -> Iterator[tuple[Callable[[Any], None], Callable[[str, int, int, int], None]]]:
    """The sources done, and how far a big local file read in batches has got."""
    if quiet:
        yield (lambda outcome: None), (lambda source, rows, read, size: None)
        return
    done = [0]
    with progress_bar("scanning") as update:

        def advance(outcome: Any) -> None:
            done[0] += 1
            update(done[0], total, outcome.source)

        def reading(source: str, rows: int, read: int, size: int) -> None:
            share = min(100, read * 100 // max(size, 1))
            update(done[0], total, f"{source}: {rows:,} rows read ({share}%)")

        yield advance, reading


def rescore(
    config: ConfigOption = None,
    db: DbOption = None,
    batch: Annotated[int, typer.Option("--batch", min=1, max=100_000, help="Rows per step.")] = 500,
    wait: WaitOption = 10.0,
) -> None:
    """Recompute language and sentiment of stored mentions after the analyzer or a lexicon
    changed, and their relevance after the labels, threshold or mutes changed. Works in
    batches; a stopped rescore resumes where it stopped."""
    from brandwatch_cli.scan.relevance import update_relevance
    from brandwatch_cli.scan.rescore import rescore as run_rescore
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db)
    try:
        with (
            run_lock(db_path, "scan", "scan or rescore", wait),
            MentionStore.open(db_path, create=False) as store,
            progress_bar("rescoring") as bar,
        ):
            result = run_rescore(store, cfg, batch=batch, on_batch=bar)
            update_relevance(store, cfg, batch=batch, on_batch=bar)
    except KeyboardInterrupt:
        raise Interrupted(
            "rescore interrupted; the batches done are kept, run it again to finish"
        ) from None
    typer.echo(
        f"Rescored {result.rescored} mention{'s' if result.rescored != 1 else ''};"
        f" {result.changed_labels} changed label"
        + (
            f" ({result.changed_keyword_labels} only about a keyword)"
            if result.changed_keyword_labels
            else ""
        ),
        err=True,
    )
    if result.failed:
        typer.echo(
            f"warning: {result.failed} mention{'s' if result.failed != 1 else ''} could not be"
            " scored and stay as they were (run rescore again after an upgrade)",
            err=True,
        )
