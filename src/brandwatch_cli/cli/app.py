"""The ``brandwatch`` command: option parsing, one library call, rendering, exit codes.

Commands live in ``cli`` (set-up, listing, export), ``cli_scan``, ``cli_analysis`` (check,
sentiment, rescore) and ``cli_insight`` (report, digest, mark, search), all on one app.

Exit codes: 0 success; 1 a source failed (the others' mentions are stored) or another
runtime error; 2 usage or configuration error; 3 database error; 4 another run holds the lock;
5 an alert named by --fail-on fired; 6 a notification could not be delivered; 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

import typer

from brandwatch_cli import __version__
from brandwatch_cli.errors import BrandwatchError, ConfigError
from brandwatch_cli.text import one_line

# httpx imports its own command-line client whenever click, pygments and rich are installed
# (they are: typer brings them), ~30 ms of every fetching command's start-up for code this
# process never runs; a None entry makes that import fail, and httpx then skips it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

EXIT_OK, EXIT_SOURCE_FAILED, EXIT_INTERRUPTED = 0, 1, 130
EXIT_ALERT, EXIT_NOTIFY_FAILED = 5, 6

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


class ListFormat(StrEnum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"


class Status(StrEnum):
    new = "new"
    todo = "todo"
    replied = "replied"
    ignored = "ignored"


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
StatusOption = Annotated[
    list[Status] | None,
    typer.Option("--status", help="Only mentions with this status: new, todo, replied, ignored."),
]
ListFormatOption = Annotated[
    ListFormat,
    typer.Option("--format", "-f", help="table (a plain listing when piped), csv or jsonl."),
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
    from brandwatch_cli.config.load import load_config, resolve_config_path

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
    status: Sequence[Status] | None = None,
    search: str | None = None,
    now: datetime | None = None,
) -> Any:
    """The filter the options describe; relative times count from ``now`` (the command's one
    "now", so that ``--since 48h`` is exactly 48 hours long)."""
    from brandwatch_cli.cli.periods import parse_moment
    from brandwatch_cli.store import queries

    now = now or _now()
    start = parse_moment(since, now) if since else None
    end = parse_moment(until, now, "--until") if until else None
    if start is not None and start >= (end or now):
        said = f"--until {until}" if until else "now"
        raise ConfigError(
            f"--since {since} ({start:%Y-%m-%d %H:%M}) is not before {said}"
            f" ({(end or now):%Y-%m-%d %H:%M} UTC): nothing can fall in that period"
        )
    names = {k.name.casefold(): k.name for k in config.keywords}
    for stored in queries.stored_keywords(store):
        names.setdefault(stored.casefold(), stored)
    _known_names("--keyword", keyword or (), list(names.values()), casefold=True)
    if source:
        known_sources = [s.name for s in config.sources]
        _known_names("--source", source, known_sources + queries.stored_sources(store))
    return queries.MentionFilter(
        since=start,
        until=end,
        keywords=tuple(names.get(k.casefold(), k) for k in keyword or ()),
        sources=tuple(source or ()),
        sentiment=sentiment.value if sentiment else None,
        statuses=tuple(s.value for s in status or ()),
        search=search,
    )


def _known_names(
    option: str, given: Sequence[str], known: list[str], *, casefold: bool = False
) -> None:
    """A filter naming nothing configured or stored is a typo, not "no mentions": exit 2."""
    import difflib

    def norm(name: str) -> str:
        return name.casefold() if casefold else name

    known = sorted(set(known))
    what = option.removeprefix("--")
    for name in given:
        if norm(name) not in {norm(k) for k in known}:
            near = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"known: {', '.join(known)}"
            raise ConfigError(
                f"{option} {name!r}: no such {what} in the config or database ({hint})"
            )


@contextmanager
def _quiet_broken_pipe() -> Iterator[None]:
    """``brandwatch export | head -1``: stop quietly when the reader goes away; any other
    failure to write stdout is one line, not a traceback."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None
    except OSError as exc:  # stdout redirected to a full disk, a closed terminal...
        raise BrandwatchError(f"cannot write the output: {exc.strerror or exc}") from None


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


@contextmanager
def _progress_bar(label: str) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr when it is a terminal, else nothing; yields
    ``update(done, total, description="")``."""
    if not sys.stderr.isatty():
        yield lambda done, total, description="": None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from brandwatch_cli.output import terminal as render

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
            progress.update(task, completed=done, total=total, description=one_line(description))

        yield update


@app.command()
def sources(
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Health of each configured source: last attempt and success, status or last error,
    consecutive failures, next attempt (while backing off), ETag held, mentions stored."""
    from brandwatch_cli.output import terminal as render
    from brandwatch_cli.store import queries
    from brandwatch_cli.store.mentions import MentionStore

    cfg, db_path = _load(config, db)
    health: dict[str, dict[str, Any]] = {}
    if db_path.exists():  # before the first scan: the configured sources, never tried
        with MentionStore.open(db_path, create=False) as store:
            health = queries.source_health(store, _now() - timedelta(days=7))
    with _quiet_broken_pipe():
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
    status: StatusOption = None,
    fmt: ListFormatOption = ListFormat.table,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N.")] = 50,
) -> None:
    """List stored mentions, newest first."""
    from brandwatch_cli.store import queries
    from brandwatch_cli.store.mentions import MentionStore

    cfg, db_path = _load(config, db)
    with MentionStore.open(db_path, create=False) as store:
        selection = _selection(cfg, store, since, until, keyword, source, sentiment, status)
        print_mentions(queries.iter_mentions(store, selection, limit), fmt)


def print_mentions(rows: Iterable[dict[str, Any]], fmt: ListFormat) -> None:
    """Mentions as a table (plain tab-separated lines when piped), CSV or JSON Lines."""
    from brandwatch_cli.output import export as exporter
    from brandwatch_cli.output import terminal as render

    with _quiet_broken_pipe():
        if fmt is ListFormat.table:
            shown = render.mentions(rows, render.console())
        else:
            shown = exporter.write(rows, sys.stdout, fmt.value)
    if not shown and fmt is ListFormat.table:
        typer.echo("No mentions match.", err=True)


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
    status: StatusOption = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most N.")] = None,
) -> None:
    """Write stored mentions as CSV or JSON Lines, newest first, one row per mention."""
    from brandwatch_cli.output import export as exporter
    from brandwatch_cli.output.files import write_output
    from brandwatch_cli.store import queries
    from brandwatch_cli.store.mentions import MentionStore

    cfg, db_path = _load(config, db)
    with MentionStore.open(db_path, create=False) as store:
        selection = _selection(cfg, store, since, until, keyword, source, sentiment, status)
        rows = queries.iter_mentions(store, selection, limit)
        if output is None:
            with _quiet_broken_pipe():
                exporter.write(rows, sys.stdout, fmt.value)
            return
        count = write_output(output, lambda handle: exporter.write(rows, handle, fmt.value))
    typer.echo(f"Wrote {count} mentions to {output}", err=True)


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
        if _is_usage_error(exc):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if _state["debug"]:
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _is_usage_error(exc: Exception) -> bool:
    """A bad option, value or command: click's own exceptions, or the copies typer carries
    since 0.29 (not subclasses of click's). Either kind shows itself and names its exit code
    (2 for usage errors)."""
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)


def _error(message: str) -> None:
    _error_line(f"error: {message}")


def _error_line(line: str) -> None:
    from brandwatch_cli.text import strip_controls

    sys.stderr.write(strip_controls(line) + "\n")
    sys.stderr.flush()


from brandwatch_cli.cli import (  # noqa: E402, F401 - register their commands on the app
    analysis,
    insight,
    scan,
)
