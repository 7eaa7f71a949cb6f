"""Telling people what was heard: ``report`` (a period against the one before) and
``digest`` (the news since the last one, for cron)."""

from __future__ import annotations

import json
import sys
from datetime import datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from brandwatch_cli.cli import status_codes
from brandwatch_cli.cli.common import (
    error_line,
    fired,
    load,
    machine_output,
    not_onto_the_config,
    period_starts_before,
    quiet_broken_pipe,
    report_deliveries,
    run_lock,
    selection,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import (
    ConfigOption,
    DbOption,
    FailOnOption,
    KeywordOption,
    SinceOption,
    SourceOption,
    TzOption,
    UntilOption,
    WaitOption,
    WithNoiseOption,
)
from brandwatch_cli.errors import ConfigError
from brandwatch_cli.output import plain as plaintext

if TYPE_CHECKING:  # imported when drawn: a report without --chart never loads them
    from brandwatch_cli.insight.report import Report


class ReportFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    html = "html"


class DigestFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"


def report(
    config: ConfigOption = None,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    keyword: KeywordOption = None,
    source: SourceOption = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="table, markdown, json or html (a page to send)."),
    ] = ReportFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Also draw the trend for slides: FILE.svg or FILE.png."),
    ] = None,
    tz: TzOption = None,
    with_noise: WithNoiseOption = False,
) -> None:
    """A period against the one before: volume, sentiment, share of voice, trend, who talks
    (sources, domains, authors, influencers), and the negative mentions to answer first.
    The period is the 7 days before --until (now) unless --since says otherwise. The
    probably-noise bucket is left out unless --with-noise."""
    from brandwatch_cli.insight.report import build_report
    from brandwatch_cli.insight.triage import with_overdue
    from brandwatch_cli.store import MentionStore

    if chart is not None and chart.suffix.lower() not in (".svg", ".png"):
        raise ConfigError(f"--chart {chart}: name a .svg (vector) or .png (image) file")
    cfg, db_path = load(config, db, db_alone=True)
    not_onto_the_config(cfg, output, chart)
    zone = time_zone(cfg, tz)
    now = utc_now()
    with MentionStore.open(db_path, create=False) as store:
        chosen = selection(
            cfg, store, since, until, keyword, source, None, now=now, tz=zone, with_noise=with_noise
        )
        data = build_report(
            store,
            chosen,
            now=now,
            configured_keywords=[k.name for k in cfg.keywords],
            tz=zone,
            keyword_terms=cfg.keywords,
            spike_rule=cfg.alerts,
        )
        data = with_overdue(data, store, cfg.keywords, chosen, now)
        if data.total.mentions == 0:
            _explain_empty(store, data.period.since, data.period.until, zone)
    if chart is not None:
        _draw_chart(chart, data)
    if output is not None:
        from brandwatch_cli.output.files import write_output

        write_output(output, lambda handle: _write_report(fmt, data, handle))
        from brandwatch_cli.output.wording import mentions_text

        error_line(f"Wrote the report ({mentions_text(data.total.mentions)}) to {output}")
        return
    with quiet_broken_pipe():
        if fmt is not ReportFormat.table:
            machine_output()
        _write_report(fmt, data, sys.stdout)


def _write_report(fmt: ReportFormat, data: Report, handle: IO[str]) -> int:
    """The report in ``fmt`` on ``handle``: a file, or stdout (a table is then drawn for the
    terminal, or at the piped width)."""
    if fmt is ReportFormat.json:
        from brandwatch_cli.output.json import report_json

        return handle.write(json.dumps(report_json(data), ensure_ascii=False, indent=2) + "\n")
    if fmt is ReportFormat.markdown:
        from brandwatch_cli.output.markdown import report_markdown

        return handle.write(report_markdown(data))
    if fmt is ReportFormat.html:
        from brandwatch_cli.output.report_html import report_html

        return handle.write(report_html(data))
    from brandwatch_cli.output import terminal as render

    render.render_report(data, render.console(handle))
    return 0


def digest(
    config: ConfigOption = None,
    db: DbOption = None,
    since: Annotated[
        str,
        typer.Option(
            "--since",
            help="'last': everything no earlier --since last digest covered; or 24h, 7d...",
        ),
    ] = "last",
    fmt: Annotated[
        DigestFormat, typer.Option("--format", "-f", help="text, markdown or html.")
    ] = DigestFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
    skip_empty: Annotated[
        bool,
        typer.Option("--skip-empty", help="Print nothing and exit 0 when there is nothing new."),
    ] = False,
    notify: Annotated[
        bool, typer.Option("--notify", help="Also send it to the config's 'notify' URLs.")
    ] = False,
    fail_on: FailOnOption = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="No messages or warnings, only errors. The digest still goes to stdout unless"
            " --notify or --output delivers it.",
        ),
    ] = False,
    wait: WaitOption = 10.0,
    tz: TzOption = None,
) -> None:
    """The news since the last digest, for cron: headline numbers, alerts, what to answer
    first, top new mentions per keyword, sources in trouble."""
    from brandwatch_cli.cli.periods import parse_moment
    from brandwatch_cli.insight.digest import next_digest, record_digest
    from brandwatch_cli.output.html import digest_html
    from brandwatch_cli.output.markdown import digest_markdown
    from brandwatch_cli.output.plain import digest_text
    from brandwatch_cli.output.wording import mentions_text
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db)
    not_onto_the_config(cfg, output)
    if notify and not cfg.notify:
        raise ConfigError("--notify needs a 'notify:' list of notification URLs in the config")
    zone = time_zone(cfg, tz)
    now = utc_now()
    start = None if since.strip().lower() == "last" else parse_moment(since, now, tz=zone)
    period_starts_before(start, since, None, None, now, zone)
    with (
        run_lock(db_path, "digest", "digest", wait),
        MentionStore.open(db_path, create=False) as store,
    ):
        run = next_digest(
            store,
            start,
            keywords=[k.name for k in cfg.keywords],
            rule=cfg.alerts,
            now=now,
            tz=zone,
            keyword_terms=cfg.keywords,
            reply_keywords=cfg.keywords,
        )
        data = run.digest
        troubled = [plaintext.failing_line(p, zone) for p in data.problems]
        alarms = fired(fail_on, data.alerts, troubled)
        for line in alarms:
            error_line(line)
        failing = bool(alarms)
        if skip_empty and data.empty:
            record_digest(store, run, fmt=fmt.value, output=None, reached=True)
            raise typer.Exit(status_codes.ALERT_FIRED if failing else status_codes.SUCCESS)
        render = {
            DigestFormat.text: digest_text,
            DigestFormat.markdown: digest_markdown,
            DigestFormat.html: digest_html,
        }[fmt]
        body = render(data)
        if output is not None:
            _write_text(output, body)
        elif not (quiet and notify):  # quiet, the digest goes only where --notify sends it
            width = _screen_width() if fmt is DigestFormat.text else None
            with quiet_broken_pipe():
                sys.stdout.write(digest_text(data, width) if width else body)
        delivered = reached = True
        if notify:
            from brandwatch_cli import notify as notifier

            title = f"brandwatch digest: {mentions_text(data.total.mentions, 'new')}"
            deliveries = notifier.send(cfg.notify, title, body, fmt.value, cfg.notify_timeout)
            report_deliveries(deliveries)
            delivered = all(d.ok for d in deliveries)
            reached = any(d.reached for d in deliveries)
        # Written, and sent to someone when asked: only now may the watermark move.
        record_digest(
            store, run, fmt=fmt.value, output=str(output) if output else None, reached=reached
        )
    if output is not None and not quiet:
        new = mentions_text(data.total.mentions, "new")
        typer.echo(f"Wrote the digest ({new}) to {output}", err=True)
    if failing:
        raise typer.Exit(status_codes.ALERT_FIRED)
    if not delivered:
        raise typer.Exit(status_codes.NOTIFY_FAILED)


def _screen_width() -> int | None:
    """The width a text digest on stdout is wrapped to: ``$COLUMNS``, else the terminal's;
    None in a pipe or a cron mail, where lines are never broken."""
    import os
    import shutil

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _write_text(path: Path, text: str) -> None:
    from brandwatch_cli.output.files import write_output

    write_output(path, lambda handle: handle.write(text))


def _draw_chart(path: Path, data: Report) -> None:
    from brandwatch_cli.output.chart import trend_scene, trend_svg

    if path.suffix.lower() == ".svg":
        _write_text(path, trend_svg(data))
        return
    from brandwatch_cli.output.chart_png import system_font, trend_png
    from brandwatch_cli.output.files import write_output

    image = trend_png(trend_scene(data))
    write_output(path, lambda handle: handle.write(image), binary=True)
    if system_font() is None:
        error_line(
            f"warning: {path}: no DejaVu Sans, Liberation Sans or Arial font found; letters"
            " outside ASCII show as boxes (install one, or draw .svg)"
        )


def _explain_empty(store: Any, since: datetime, until: datetime, tz: tzinfo) -> None:
    """An empty report says why, on stderr: the stored mentions are outside the period (and
    which --since would take them in, a date of ``tz``'s calendar), or nothing is stored, or
    sources are failing."""
    from brandwatch_cli.store import iso

    count, oldest, newest = store.stored_span()
    if count and oldest and newest:
        first, last = (datetime.fromisoformat(t).astimezone(tz).date() for t in (oldest, newest))
        if newest < iso(since) or oldest >= iso(until):
            error_line(
                f"note: none of the {count:,} stored mentions fall in this period (they run from"
                f" {first} to {last}); try --since {first}"
            )
    elif not count:
        error_line("note: no mention is stored yet: run `brandwatch scan` first")
    health = store.source_health(since)
    failing = [name for name, row in health.items() if row.get("status") == "failed"]
    if failing:
        error_line(
            f"note: {len(failing)} source{'s' if len(failing) != 1 else ''} failed at the last"
            f" scan ({', '.join(sorted(failing))}): see `brandwatch sources`"
        )
