"""``brandwatch scan``: glue between options, the scan, the summary, alerts and exit codes."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer

from brandwatch_cli.cli.app import (
    EXIT_ALERT,
    EXIT_NOTIFY_FAILED,
    EXIT_OK,
    EXIT_SOURCE_FAILED,
    ConfigOption,
    DbOption,
    _error_line,
    _load,
    _now,
    _progress_bar,
    _quiet_broken_pipe,
    app,
)
from brandwatch_cli.errors import ConfigError, Interrupted
from brandwatch_cli.output import plain as plaintext


class FailOn(StrEnum):
    spike = "spike"
    negative_spike = "negative-spike"
    source_errors = "source-errors"


FailOnOption = Annotated[
    list[FailOn] | None,
    typer.Option(
        "--fail-on",
        help="Exit 5 when this happens: spike, negative-spike or source-errors (repeatable).",
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
WaitOption = Annotated[
    float,
    typer.Option("--wait", min=0, help="Seconds to wait for another run to finish [10]."),
]


@app.command()
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
) -> None:
    """Fetch every source, store new mentions of the keywords, print a summary.

    Exit 0 when no source failed, 1 when any failed (the others' mentions are stored), 4 when
    another scan is running, 5 when a --fail-on condition holds. Sources rate limited or
    backing off are reported on stderr as warnings (not with --quiet).
    """
    from brandwatch_cli.lock import exclusive
    from brandwatch_cli.models import FAILED
    from brandwatch_cli.scan.engine import run_scan, select_sources
    from brandwatch_cli.store import MentionStore

    cfg, db_path = _load(config, db)
    selected = select_sources(cfg, source or ())
    if notify and not cfg.notify:
        raise ConfigError("--notify needs a 'notify:' list of notification URLs in the config")
    signal.signal(signal.SIGTERM, _interrupt)
    with exclusive(db_path.with_name(db_path.name + ".scan.lock"), "scan", wait):
        try:
            with MentionStore.open(db_path) as store:
                with _scan_progress(len(selected), quiet) as advance:
                    result = run_scan(
                        cfg,
                        store,
                        sources=selected,
                        concurrency=concurrency,
                        force=force or bool(source),
                        on_source_done=advance,
                    )
                spikes = _spikes(store, cfg) if notify or fail_on else []
                delivered = _notify_spikes(store, cfg, spikes) if notify else True
        except KeyboardInterrupt:
            raise Interrupted(
                "scan interrupted; mentions from sources already finished are kept"
            ) from None
    if not quiet:
        try:
            with _quiet_broken_pipe():
                _print_summary(result)
        except typer.Exit:
            pass  # the reader left (`| head`): the exit code still says how the scan went
    for outcome in result.failed:
        _error_line(plaintext.problem_line(outcome.source, outcome.status, outcome.error))
    if not quiet:
        for outcome in result.held_back:
            _error_line(plaintext.problem_line(outcome.source, outcome.status, outcome.error))
    # A source backing off after failures is still a source in trouble (rate limits are not).
    troubled = result.failed or any(o.held_by == FAILED for o in result.held_back)
    if _fails(fail_on, spikes, bool(troubled)):
        raise typer.Exit(EXIT_ALERT)
    if result.failed:
        raise typer.Exit(EXIT_SOURCE_FAILED)
    raise typer.Exit(EXIT_OK if delivered else EXIT_NOTIFY_FAILED)


def _spikes(store: Any, cfg: Any) -> list[Any]:
    from brandwatch_cli.insight.digest import current_spikes

    return current_spikes(store, [k.name for k in cfg.keywords], cfg.alerts, _now())


def _notify_spikes(store: Any, cfg: Any, spikes: Sequence[Any]) -> bool:
    """Send spikes not already sent within their window; True unless a delivery failed."""
    from brandwatch_cli import notify

    now = _now()
    fresh = store.unsent(spikes, now, cfg.alerts.window)
    if not fresh:
        return True
    lines = [plaintext.spike_line(spike) for spike in fresh]
    title = f"brandwatch alert: {len(fresh)} spike{'s' if len(fresh) != 1 else ''}"
    deliveries = notify.send(cfg.notify, title, "\n".join(lines))
    if any(d.ok for d in deliveries):
        store.record_sent(fresh, now)
    report_deliveries(deliveries)
    return all(d.ok for d in deliveries)


def report_deliveries(deliveries: Sequence[Any]) -> None:
    for delivery in deliveries:
        if not delivery.ok:
            _error_line(f"error: notification to {delivery.target} failed: {delivery.error}")


def _fails(fail_on: Sequence[FailOn] | None, spikes: Sequence[Any], source_errors: bool) -> bool:
    """Whether a --fail-on condition holds."""
    wanted = set(fail_on or ())
    kinds = {spike.kind for spike in spikes}
    return bool(
        (FailOn.spike in wanted and "spike" in kinds)
        or (FailOn.negative_spike in wanted and "negative-spike" in kinds)
        or (FailOn.source_errors in wanted and source_errors)
    )


def _print_summary(result: Any) -> None:
    """A Rich table on a terminal; aligned plain text (no Rich import) for pipes and cron."""
    if sys.stdout.isatty():
        from brandwatch_cli.output import terminal as render

        render.scan_summary(result, render.console())
        return
    right = ("entries", "matched", "new", "time")
    rows = plaintext.summary_rows(result)
    sys.stdout.write(plaintext.table(plaintext.SUMMARY_COLUMNS, rows, right) + "\n")
    sys.stdout.write(plaintext.summary_line(result) + "\n")


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM (a cron timeout, systemd stop) stops the scan as Ctrl-C does, through the same
    handler: while the scan runs that is asyncio's, which cancels the scan task so each source
    unwinds cleanly (a KeyboardInterrupt raised here could land inside the event loop's own
    machinery, leaving a task with an unretrieved exception and a traceback on stderr).
    Where SIGINT is ignored (a background job), it is a plain KeyboardInterrupt."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    else:
        raise KeyboardInterrupt


@contextmanager
def _scan_progress(total: int, quiet: bool) -> Iterator[Callable[[Any], None]]:
    if quiet:
        yield lambda outcome: None
        return
    done = [0]
    with _progress_bar("scanning") as update:

        def advance(outcome: Any) -> None:
            done[0] += 1
            update(done[0], total, outcome.source)

        yield advance
