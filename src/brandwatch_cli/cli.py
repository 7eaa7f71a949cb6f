"""The ``brandwatch`` command: option parsing, one library call, rendering, exit codes.

Exit codes: 0 success; 1 a source failed (the others' mentions are stored) or another
runtime error; 2 usage or configuration error; 3 database error; 130 interrupted.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from brandwatch_cli import __version__, plaintext
from brandwatch_cli.errors import BrandwatchError, Interrupted

EXIT_OK, EXIT_SOURCE_FAILED, EXIT_INTERRUPTED = 0, 1, 130

app = typer.Typer(
    name="brandwatch",
    help="Hear every mention of your brand: scan feeds, store mentions once, report and export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
_state = {"debug": False}


class Sentiment(StrEnum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="Config file [default: $BRANDWATCH_CONFIG or ./brandwatch.yaml]."
    ),
]
DbOption = Annotated[
    Path | None, typer.Option("--db", help="Database file, overriding the config's 'database'.")
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Start of the period: 24h, 7d, 2w or an ISO date.")
]
UntilOption = Annotated[
    str | None,
    typer.Option("--until", help="End of the period (exclusive), same forms as --since."),
]
KeywordOption = Annotated[
    list[str] | None, typer.Option("--keyword", "-k", help="Only this keyword (repeatable).")
]
SourceOption = Annotated[
    list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
]
SentimentOption = Annotated[
    Sentiment | None, typer.Option("--sentiment", help="Only mentions with this label.")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"brandwatch {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    _state["debug"] = debug


def _now() -> datetime:
    return datetime.now(UTC)


def _load(config_path: Path | None, db: Path | None) -> tuple[Any, Path]:
    from brandwatch_cli.config import load_config, resolve_config_path

    config = load_config(resolve_config_path(config_path))
    return config, (db if db is not None else config.database)


def _selection(
    config: Any,
    store: Any,
    since: str | None,
    until: str | None,
    keyword: list[str] | None,
    source: list[str] | None,
    sentiment: Sentiment | None,
) -> Any:
    from brandwatch_cli import queries
    from brandwatch_cli.timespec import parse_moment

    now = _now()
    names = {k.name.casefold(): k.name for k in config.keywords}
    for stored in queries.stored_keywords(store):
        names.setdefault(stored.casefold(), stored)
    return queries.MentionFilter(
        since=parse_moment(since, now) if since else None,
        until=parse_moment(until, now, "--until") if until else None,
        keywords=tuple(names.get(k.casefold(), k) for k in keyword or ()),
        sources=tuple(source or ()),
        sentiment=sentiment.value if sentiment else None,
    )


@contextmanager
def _quiet_broken_pipe() -> Iterator[None]:
    """``brandwatch export | head -1``: stop quietly when the reader goes away."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter config.")] = Path(
        "brandwatch.yaml"
    ),
) -> None:
    """Write a commented starter config (never overwrites an existing file)."""
    starter = files("brandwatch_cli").joinpath("data/starter.yaml").read_text(encoding="utf-8")
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(starter)
    except FileExistsError:
        raise BrandwatchError(f"{path} already exists; not overwriting it") from None
    except OSError as exc:
        raise BrandwatchError(f"{path}: cannot write ({exc.strerror})") from None
    typer.echo(f"Wrote {path}. Edit its keywords and sources, then run: brandwatch scan", err=True)


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
            "--concurrency", min=1, max=256, help="Sources fetched at once [default: config, 16]."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Also fetch sources that are backing off.")
    ] = False,
) -> None:
    """Fetch every source, store new mentions of the keywords, print a summary.

    Exit 0 when no source failed, 1 when any failed (the others' mentions are stored).
    Sources rate limited or backing off after failures are reported on stderr as warnings.
    """
    from brandwatch_cli.scan import run_scan, select_sources
    from brandwatch_cli.store import MentionStore

    cfg, db_path = _load(config, db)
    selected = select_sources(cfg, source or ())
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with MentionStore.open(db_path) as store, _scan_progress(len(selected)) as advance:
            result = run_scan(
                cfg,
                store,
                sources=selected,
                concurrency=concurrency,
                force=force or bool(source),
                on_source_done=advance,
            )
    except KeyboardInterrupt:
        raise Interrupted(
            "scan interrupted; mentions from sources already finished are kept"
        ) from None
    _print_summary(result)
    for outcome in (*result.failed, *result.held_back):
        _error_line(plaintext.problem_line(outcome.source, outcome.status, outcome.error))
    raise typer.Exit(EXIT_SOURCE_FAILED if result.failed else EXIT_OK)


def _print_summary(result: Any) -> None:
    """A Rich table on a terminal; aligned plain text (no Rich import) for pipes and cron."""
    if sys.stdout.isatty():
        from brandwatch_cli import render

        render.scan_summary(result, render.console())
        return
    right = ("entries", "matched", "new", "time")
    rows = plaintext.summary_rows(result)
    sys.stdout.write(plaintext.table(plaintext.SUMMARY_COLUMNS, rows, right) + "\n")
    sys.stdout.write(plaintext.summary_line(result) + "\n")


def _interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


@contextmanager
def _progress_bar(label: str) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr when it is a terminal, else nothing; yields
    ``update(done, total, description="")``."""
    if not sys.stderr.isatty():
        yield lambda done, total, description="": None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from brandwatch_cli import render

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=render.console(sys.stderr),
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def update(done: int, total: int, description: str = "") -> None:
            progress.update(
                task, completed=done, total=total, description=plaintext.clean(description)
            )

        yield update


@contextmanager
def _scan_progress(total: int) -> Iterator[Callable[[Any], None]]:
    done = [0]
    with _progress_bar("scanning") as update:

        def advance(outcome: Any) -> None:
            done[0] += 1
            update(done[0], total, outcome.source)

        yield advance


@app.command()
def sources(
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Health of each configured source: last attempt and success, status or last error,
    consecutive failures, next attempt (while backing off), ETag held, mentions stored."""
    from brandwatch_cli import queries, render
    from brandwatch_cli.store import MentionStore

    cfg, db_path = _load(config, db)
    with MentionStore.open(db_path) as store, _quiet_broken_pipe():
        health = queries.source_health(store, _now() - timedelta(days=7))
        render.sources(cfg.sources, health, render.console())


@app.command()
def mentions(
    config: ConfigOption = None,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    keyword: KeywordOption = None,
    source: SourceOption = None,
    sentiment: SentimentOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N.")] = 50,
) -> None:
    """List stored mentions, newest first."""
    from brandwatch_cli import queries, render
    from brandwatch_cli.store import MentionStore

    cfg, db_path = _load(config, db)
    with MentionStore.open(db_path, create=False) as store, _quiet_broken_pipe():
        selection = _selection(cfg, store, since, until, keyword, source, sentiment)
        shown = render.mentions(queries.iter_mentions(store, selection, limit), render.console())
    if not shown:
        typer.echo("No mentions match.", err=True)


@app.command()
def report(
    config: ConfigOption = None,
    db: DbOption = None,
    since: SinceOption = "7d",
    until: UntilOption = None,
    keyword: KeywordOption = None,
    source: SourceOption = None,
) -> None:
    """Mentions per keyword, share of voice, mentions per day, top sources, what to answer first."""
    from brandwatch_cli import render
    from brandwatch_cli.report import build_report
    from brandwatch_cli.store import MentionStore

    cfg, db_path = _load(config, db)
    with MentionStore.open(db_path, create=False) as store, _quiet_broken_pipe():
        selection = _selection(cfg, store, since, until, keyword, source, None)
        data = build_report(
            store, selection, now=_now(), configured_keywords=[k.name for k in cfg.keywords]
        )
        render.report(data, render.console())


@app.command()
def export(
    config: ConfigOption = None,
    db: DbOption = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="csv or jsonl.")
    ] = ExportFormat.csv,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    keyword: KeywordOption = None,
    source: SourceOption = None,
    sentiment: SentimentOption = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most N.")] = None,
) -> None:
    """Write stored mentions as CSV or JSON Lines, newest first, one row per mention."""
    from brandwatch_cli import export as exporter
    from brandwatch_cli import queries
    from brandwatch_cli.store import MentionStore

    cfg, db_path = _load(config, db)
    with MentionStore.open(db_path, create=False) as store:
        selection = _selection(cfg, store, since, until, keyword, source, sentiment)
        rows = queries.iter_mentions(store, selection, limit)
        if output is None:
            with _quiet_broken_pipe():
                exporter.write(rows, sys.stdout, fmt.value)
            return
        count = _write_atomically(output, lambda handle: exporter.write(rows, handle, fmt.value))
    typer.echo(f"Wrote {count} mentions to {output}", err=True)


def _write_atomically(path: Path, write: Any) -> int:
    """Write via a temporary file renamed into place: a killed export never leaves half a file."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise BrandwatchError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            count = int(write(handle))
        os.replace(tmp, path)
    except OSError as exc:
        raise BrandwatchError(f"{path}: cannot write ({exc.strerror})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return count


def main() -> None:
    """Console-script entry point: expected errors become one line on stderr and an exit code."""
    try:
        code = app(standalone_mode=False)
    except BrandwatchError as exc:
        if _state["debug"]:
            raise
        _error(str(exc))
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        _error("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if _state["debug"]:
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _error(message: str) -> None:
    _error_line(f"error: {message}")


def _error_line(line: str) -> None:
    from brandwatch_cli.text import strip_controls

    sys.stderr.write(strip_controls(line) + "\n")
    sys.stderr.flush()


from brandwatch_cli import cli_analysis  # noqa: E402, F401 - registers check, sentiment, rescore
