"""Commands for acting on what was heard: ``report``, ``digest``, ``mark`` and ``search``."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from brandwatch_cli.cli.app import (
    EXIT_ALERT,
    EXIT_NOTIFY_FAILED,
    ConfigOption,
    DbOption,
    KeywordOption,
    ListFormat,
    ListFormatOption,
    SentimentOption,
    SinceOption,
    SourceOption,
    Status,
    StatusOption,
    UntilOption,
    _error_line,
    _load,
    _now,
    _quiet_broken_pipe,
    _selection,
    app,
    print_mentions,
)
from brandwatch_cli.cli.scan import FailOnOption, QuietOption, WaitOption, _fails, report_deliveries
from brandwatch_cli.errors import BrandwatchError, ConfigError, StoreError

if TYPE_CHECKING:  # imported when drawn: a report without --chart never loads them
    from brandwatch_cli.insight.report import Report


class ReportFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


class DigestFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"


@app.command()
def report(
    config: ConfigOption = None,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    keyword: KeywordOption = None,
    source: SourceOption = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="table, markdown or json.")
    ] = ReportFormat.table,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Also draw the trend for slides: FILE.svg or FILE.png."),
    ] = None,
) -> None:
    """A period against the one before: volume, sentiment, share of voice, trend, who talks
    (sources, domains, authors, influencers), and the negative mentions to answer first.
    The period is the 7 days before --until (now) unless --since says otherwise."""
    from brandwatch_cli.insight.report import build_report
    from brandwatch_cli.store.mentions import MentionStore

    if chart is not None and chart.suffix.lower() not in (".svg", ".png"):
        raise ConfigError(f"--chart {chart}: name a .svg (vector) or .png (image) file")
    cfg, db_path = _load(config, db)
    now = _now()
    with MentionStore.open(db_path, create=False) as store:
        selection = _selection(cfg, store, since, until, keyword, source, None, now=now)
        data = build_report(
            store, selection, now=now, configured_keywords=[k.name for k in cfg.keywords]
        )
    if chart is not None:
        _draw_chart(chart, data)
    with _quiet_broken_pipe():
        if fmt is ReportFormat.json:
            from brandwatch_cli.output.json import report_json

            sys.stdout.write(json.dumps(report_json(data), ensure_ascii=False, indent=2) + "\n")
        elif fmt is ReportFormat.markdown:
            from brandwatch_cli.output.markdown import report_markdown

            sys.stdout.write(report_markdown(data))
        else:
            from brandwatch_cli.output import terminal as render

            render.render_report(data, render.console())


@app.command()
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
    quiet: QuietOption = False,
    wait: WaitOption = 10.0,
) -> None:
    """The news since the last digest, for cron: headline numbers, alerts, what to answer
    first, top new mentions per keyword, sources in trouble."""
    from brandwatch_cli.cli.periods import parse_moment
    from brandwatch_cli.insight.digest import build_digest, digest_window
    from brandwatch_cli.lock import exclusive
    from brandwatch_cli.output.html import digest_html
    from brandwatch_cli.output.markdown import digest_markdown
    from brandwatch_cli.output.plain import digest_text
    from brandwatch_cli.store.mentions import MentionStore

    cfg, db_path = _load(config, db)
    if notify and not cfg.notify:
        raise ConfigError("--notify needs a 'notify:' list of notification URLs in the config")
    now = _now()
    since_last = since.strip().lower() == "last"
    start = None if since_last else parse_moment(since, now)
    with (
        exclusive(db_path.with_name(db_path.name + ".digest.lock"), "digest", wait),
        MentionStore.open(db_path, create=False) as store,
    ):
        window = digest_window(store, start, now)
        period = window.period
        data = build_digest(
            store,
            window,
            keywords=[k.name for k in cfg.keywords],
            rule=cfg.alerts,
            now=now,
        )
        failing = _fails(fail_on, data.alerts, bool(data.problems))
        if skip_empty and data.empty:
            store.record_digest(
                created=now,
                since=period.since,
                until=period.until,
                fmt=fmt.value,
                output=None,
                mentions=0,
                watermark=since_last,
                last_id=window.last_id,
            )
            raise typer.Exit(EXIT_ALERT if failing else 0)
        render = {
            DigestFormat.text: digest_text,
            DigestFormat.markdown: digest_markdown,
            DigestFormat.html: digest_html,
        }[fmt]
        body = render(data)
        if output is not None:
            _write_text(output, body)
        elif not (quiet and notify):  # quiet, the digest goes only where --notify sends it
            with _quiet_broken_pipe():
                sys.stdout.write(body)
        delivered = reached = True
        if notify:
            from brandwatch_cli import notify as notifier

            title = f"brandwatch digest: {data.total.mentions} new mentions"
            deliveries = notifier.send(cfg.notify, title, body, fmt.value)
            report_deliveries(deliveries)
            delivered = all(d.ok for d in deliveries)
            reached = any(d.ok for d in deliveries)
        # Written (and sent to someone, when asked): only now does the watermark move. If no
        # channel took it, the next digest covers these mentions again: nothing is lost.
        store.record_digest(
            created=now,
            since=period.since,
            until=period.until,
            fmt=fmt.value,
            output=str(output) if output else None,
            mentions=data.total.mentions,
            watermark=since_last and reached,
            last_id=window.last_id,
        )
    if output is not None and not quiet:
        typer.echo(f"Wrote the digest ({data.total.mentions} new mentions) to {output}", err=True)
    if failing:
        raise typer.Exit(EXIT_ALERT)
    if not delivered:
        raise typer.Exit(EXIT_NOTIFY_FAILED)


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
        _error_line(
            f"warning: {path}: no DejaVu Sans, Liberation Sans or Arial font found; letters"
            " outside ASCII show as boxes (install one, or draw .svg)"
        )


@app.command()
def mark(
    ids: Annotated[list[int], typer.Argument(help="Mention ids (from `mentions` or `export`).")],
    status: Annotated[
        Status, typer.Option("--status", help="todo, replied, ignored (or new again).")
    ],
    note: Annotated[str | None, typer.Option("--note", help="A note kept with them.")] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Mark mentions as to do, replied or ignored: digests and reports stop listing handled
    ones as needing an answer."""
    from brandwatch_cli.store.mentions import MentionStore

    _, db_path = _load(config, db)
    with MentionStore.open(db_path, create=False) as store:
        missing = store.set_status(ids, status.value, note, _now())
    if missing:
        raise BrandwatchError(
            f"no mention with id {', '.join(map(str, missing))}; nothing was marked"
        )
    done = len(set(ids))
    typer.echo(f"Marked {done} mention{'s' if done != 1 else ''} {status.value}", err=True)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find (SQLite FTS5 syntax).")],
    config: ConfigOption = None,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    keyword: KeywordOption = None,
    source: SourceOption = None,
    sentiment: SentimentOption = None,
    status: StatusOption = None,
    fmt: ListFormatOption = ListFormat.table,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N.")] = 50,
) -> None:
    """Full-text search of stored mentions (title, text, author), newest first.

    Accent- and case-insensitive; "quoted phrases", OR, NOT, prefix* as in SQLite FTS5.
    """
    from brandwatch_cli.store import queries
    from brandwatch_cli.store.mentions import MentionStore

    cfg, db_path = _load(config, db)
    with MentionStore.open(db_path, create=False) as store:
        selection = _selection(
            cfg, store, since, until, keyword, source, sentiment, status, search=query
        )
        try:
            rows: Any = list(queries.iter_mentions(store, selection, limit))
        except StoreError as exc:  # the query, not the database: SQLite's FTS5 refused it
            reason = str(exc).rsplit(": ", 1)[-1]
            raise ConfigError(f"search {query!r} is not a valid search: {reason}") from None
        print_mentions(rows, fmt)
