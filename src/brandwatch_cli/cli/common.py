"""What the commands share: loading the config, reading filters, writing to stdout and stderr,
progress bars, signals, and the --fail-on test.

Glue only: no command lives here, and nothing here imports the app.
"""

from __future__ import annotations

import codecs
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

import typer

from brandwatch_cli.cli import status_codes
from brandwatch_cli.cli.options import FailOn, Sentiment, Status
from brandwatch_cli.errors import BrandwatchError, ConfigError
from brandwatch_cli.text import one_line

#: What a terminal that cannot show our symbols gets instead (the rest becomes "?").
_ASCII_FALLBACKS = {
    "→": "->",
    "←": "<-",
    "·": "-",
    "█": "#",
    "▒": "+",
    "…": "...",
    "Δ": "d",
    "—": "-",
    "–": "-",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "✓": "v",
}


def _fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_ASCII_FALLBACKS.get(c, "?") for c in bad), error.end


codecs.register_error("brandwatch-fallback", _fallback)


def _is_utf8(stream: Any) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "") in (
        "utf8",
        "utf8sig",
    )


def tolerant_streams() -> None:
    """On a terminal or pipe that is not UTF-8 (a latin-1 locale), text for people degrades
    (ASCII fallbacks, "?") instead of crashing every command."""
    for stream in (sys.stdout, sys.stderr):
        if not _is_utf8(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="brandwatch-fallback")


def machine_output() -> None:
    """CSV, JSON Lines, JSON and Markdown on stdout are UTF-8 whatever the locale: scripts and
    spreadsheets read them as UTF-8, and a latin-1 export would be silently wrong."""
    if not _is_utf8(sys.stdout) and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.flush()
        sys.stdout.reconfigure(encoding="utf-8", errors="strict")


def utc_now() -> datetime:
    return datetime.now(UTC)


#: A team's database for every command, unless --db names another (issue 13).
DATABASE_ENV = "BRANDWATCH_DATABASE_URL"


def database_target(value: str | Path | None) -> Path | str | None:
    """``--db``'s value: a ``postgresql://`` URL as it is, anything else a file path."""
    if value is None or isinstance(value, Path):
        return value
    if value.startswith(("postgresql://", "postgres://")):
        return value
    return Path(value).expanduser()


def load(
    config_path: Path | None, db: str | Path | None, *, db_alone: bool = False
) -> tuple[Any, Any]:
    """The config, and the database it names unless ``--db`` names another.

    With ``db_alone`` (commands that only read, or mark, what is stored), ``--db`` without any
    config file to find is enough: the database holds what reading needs (the keywords and
    sources it has stored), so a copy of a team's database opens on a laptop as it is.
    """
    from brandwatch_cli.config.load import DEFAULT_TIMEOUT, load_config, resolve_config_path
    from brandwatch_cli.models import Config

    path = resolve_config_path(config_path)
    target = database_target(db if db is not None else os.environ.get(DATABASE_ENV) or None)
    if db_alone and target is not None and config_path is None and not path.exists():
        empty = Config(path=path, database=target, timeout=DEFAULT_TIMEOUT, keywords=(), sources=())
        return empty, target
    config = load_config(path)
    return config, (target if target is not None else config.database)


def run_lock(target: Path | str, run: str, what: str, wait: float) -> Any:
    """One ``run`` (scan, digest) at a time on this database: a lock file beside a SQLite
    file, an advisory lock in a PostgreSQL database (seen from every machine)."""
    if isinstance(target, str):
        from brandwatch_cli.store.locks import held

        return held(target, run, what, wait)
    from brandwatch_cli.lock import exclusive, lock_file

    return exclusive(lock_file(target, run), what, wait)


#: A person's time zone, for every command, unless --tz says otherwise.
TZ_ENV = "BRANDWATCH_TZ"


def time_zone(config: Any, given: str | None) -> tzinfo:
    """Whose calendar and clocks: ``--tz``, else ``$BRANDWATCH_TZ``, else the config's
    ``timezone``, else UTC. A name that is no zone is a usage error naming where it came from."""
    from brandwatch_cli.times import zone

    env = os.environ.get(TZ_ENV, "")
    for value, origin in ((given, "--tz"), (env if env.strip() else None, f"${TZ_ENV}")):
        if value is not None:
            try:
                return zone(value)
            except ValueError as exc:
                raise ConfigError(f"{origin}: {exc}") from None
    zone_of_config: tzinfo = getattr(config, "timezone", UTC)
    return zone_of_config


def selection(
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
    tz: tzinfo = UTC,
    aspect: Sequence[str] | None = None,
    *,
    assignee: Sequence[str] | None = None,
    tag: Sequence[str] | None = None,
    overdue: bool = False,
    noise: bool = False,
    with_noise: bool = False,
) -> Any:
    """The filter the options describe; relative times count from ``now`` (the command's one
    "now", so that ``--since 48h`` is exactly 48 hours long), named days and dates are
    ``tz``'s; the triage options as ``_with_triage`` reads them; the noise bucket left out
    unless ``noise`` (only it) or ``with_noise`` (it too)."""
    from brandwatch_cli.cli.periods import parse_moment
    from brandwatch_cli.models import MentionFilter

    if noise and with_noise:
        raise ConfigError("--noise lists only the noise bucket, --with-noise adds it: give one")
    now = now or utc_now()
    start = parse_moment(since, now, tz=tz) if since else None
    end = parse_moment(until, now, "--until", tz) if until else None
    period_starts_before(start, since, end, until, now, tz)
    keywords = keyword_names(keyword or (), config, store)
    if source:
        source_names(source, config, store)
    configured = {a.name.casefold(): a.name for a in getattr(config, "aspects", ())}
    aspect = [configured.get(name.casefold(), name) for name in aspect or ()]  # any case
    stored = [n for n in aspect if n not in configured.values() and store.has_aspect(n)]
    _known_names("--aspect", aspect, [*configured.values(), *stored])
    chosen = MentionFilter(
        since=start,
        until=end,
        keywords=keywords,
        sources=tuple(source or ()),
        sentiment=sentiment.value if sentiment else None,
        statuses=tuple(s.value for s in status or ()),
        search=search,
        aspects=tuple(aspect or ()),
        noise="only" if noise else "include" if with_noise else "exclude",
    )
    if assignee or tag or overdue:
        return _with_triage(chosen, config, store, assignee, tag, overdue, now)
    return chosen


def period_starts_before(
    start: datetime | None,
    since: str | None,
    end: datetime | None,
    until: str | None,
    now: datetime,
    tz: tzinfo,
) -> None:
    """A period must start before it ends (``--until``, else now): ``--since 0d`` or a date
    in the future leaves nothing to read, and is a usage error on every command."""
    from brandwatch_cli.times import local_text

    if start is not None and start >= (end or now):
        said = f"--until {until}" if until else "now"
        raise ConfigError(
            f"--since {since} ({local_text(start, tz)}) is not before {said}"
            f" ({local_text(end or now, tz, zone_label=True)}): nothing can fall in that period"
        )


def keyword_names(given: Sequence[str], config: Any, store: Any) -> tuple[str, ...]:
    """``--keyword`` values as the config (else the database) spells them, any case; one that
    names neither is a typo: exit 2, with the nearest known name."""
    names = {k.name.casefold(): k.name for k in config.keywords}
    for stored in store.stored_keywords():
        names.setdefault(stored.casefold(), stored)
    _known_names("--keyword", given, list(names.values()), casefold=True)
    return tuple(names[name.casefold()] for name in given)


def not_onto_the_config(config: Any, *outputs: Path | None) -> None:
    """An output file that is the config in use would replace it (``export -o
    brandwatch.yaml``): exit 2 before anything is read or recorded, as onto the database."""
    import os

    for output in outputs:
        if output is None or not config.path.exists():
            continue
        try:
            same = os.path.samefile(output, config.path)
        except OSError:  # the output does not exist yet
            continue
        if same:
            raise ConfigError(
                f"{output} is the config file in use: not overwriting it with the output"
            )


def source_names(given: Sequence[str], config: Any, store: Any) -> None:
    """``--source`` values name a source of the config or the database, else exit 2."""
    known = [s.name for s in config.sources] + store.stored_sources()
    _known_names("--source", given, known)


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
def quiet_broken_pipe() -> Iterator[None]:
    """``brandwatch export | head -1``: stop quietly when the reader goes away; any other
    failure to write stdout is one line, not a traceback."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(status_codes.SUCCESS) from None
    except OSError as exc:  # stdout redirected to a full disk, a closed terminal...
        raise BrandwatchError(f"cannot write the output: {exc.strerror or exc}") from None


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[..., None]]:
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


def error_line(line: str) -> None:
    """One line on stderr, terminal control characters removed (a line break inside the
    message, from a library's multi-line error, becomes a space: words are not glued)."""
    from brandwatch_cli.text import one_line

    sys.stderr.write(one_line(line) + "\n")
    sys.stderr.flush()


def stop_on_sigterm() -> None:
    """From now on SIGTERM (a cron timeout, systemd stop) stops the run as Ctrl-C does."""
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM stops the run through Ctrl-C's handler: while a scan runs that is asyncio's,
    which cancels the scan task so each source unwinds cleanly (a KeyboardInterrupt raised
    here could land inside the event loop's own machinery, leaving a task with an unretrieved
    exception and a traceback on stderr). Where SIGINT is ignored (a background job), it is a
    plain KeyboardInterrupt."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    else:
        raise KeyboardInterrupt


def fired(
    fail_on: Sequence[FailOn] | None, spikes: Sequence[Any], troubled: Sequence[str]
) -> list[str]:
    """One ``error:`` line per --fail-on condition that holds (none: nothing fired), so that
    cron, which mails output and not exit codes, tells someone why: a spike's sentence, or a
    source in trouble (``troubled``: lines such as ``source 'gone' failing since …``)."""
    from brandwatch_cli.output.plain import spike_line

    wanted = set(fail_on or ())
    lines = [
        f"error: {spike_line(spike)}"
        for spike in spikes
        if (spike.kind == "spike" and FailOn.spike in wanted)
        or (spike.kind == "negative-spike" and FailOn.negative_spike in wanted)
    ]
    if FailOn.source_errors in wanted:
        lines += [f"error: {line}" for line in troubled]
    return lines


def report_deliveries(deliveries: Sequence[Any]) -> None:
    """One error line per notification that did not go out."""
    for delivery in deliveries:
        if not delivery.ok:
            error_line(f"error: notification to {delivery.target} failed: {delivery.error}")


def _with_triage(
    chosen: Any,
    config: Any,
    store: Any,
    assignee: Sequence[str] | None,
    tag: Sequence[str] | None,
    overdue: bool,
    now: datetime,
) -> Any:
    """``chosen`` narrowed by ``--assignee`` (any case; ``none``: nobody), ``--tag`` and
    ``--overdue`` (by the config's ``reply_within:``; a database alone has none: nothing is
    overdue, which a warning says)."""
    from dataclasses import replace

    from brandwatch_cli.insight.triage import overdue_filter, reply_limits

    names: list[str | None] = []
    stored = store.assignees() if assignee else []
    for given in assignee or ():
        wanted = given.strip().casefold()
        if wanted == "none":
            names.append(None)
        else:  # every spelling stored; the name as typed when nobody has it (no match)
            names += [n for n in stored if n.casefold() == wanted] or [given.strip()]
    chosen = replace(chosen, assignees=tuple(dict.fromkeys(names)), tags=tuple(tag or ()))
    if not overdue:
        return chosen
    if not reply_limits(config.keywords):
        error_line("warning: --overdue: no keyword has a 'reply_within:' here: none is overdue")
    return overdue_filter(config.keywords, now, chosen)


def language_code(value: str | None, option: str = "--language") -> str | None:
    """A ``--language`` value, lower case: a two-letter ISO 639-1 code, else a usage error."""
    from brandwatch_cli.text import ISO_639_1

    if value is None:
        return None
    if value.lower() not in ISO_639_1:
        raise ConfigError(f"{option} {value!r} is not a two-letter ISO 639-1 code (en, fr...)")
    return value.lower()
