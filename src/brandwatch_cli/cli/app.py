"""The ``brandwatch`` command: the Typer app, its commands in the order ``--help`` lists them,
and ``main``, where an error becomes one line on stderr and an exit code.

Each command is glue (parse options, call the library, render, pick the exit code) and lives
in a module by theme: ``setup`` (init, sources), ``listing`` (mentions, export, search),
``scan`` (scan, rescore), ``worker``, ``analysis`` (check, sentiment), ``insight`` (report, digest),
``themes``, ``workflow`` (mark), ``relevance`` (review, mute, unmute), ``mention`` (show, open),
``retention`` (rematch, prune, stats) and ``database`` (the ``db`` group: copy), ``rules`` (the
``rules`` group: test). They share ``options`` and ``common`` and never import this module. The
exit codes are in ``status_codes``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated

import typer
from typer.core import TyperGroup

from brandwatch_cli import __version__
from brandwatch_cli.cli import (
    analysis,
    coercion,
    corrections,
    database,
    insight,
    listing,
    mention,
    relevance,
    retention,
    rules,
    scan,
    setup,
    status_codes,
    themes,
    worker,
    workflow,
)
from brandwatch_cli.cli.common import error_line, stop_on_sigterm, tolerant_streams
from brandwatch_cli.errors import BrandwatchError

# httpx imports its own command-line client whenever click, pygments and rich are installed
# (they are: typer brings them), ~30 ms of every fetching command's start-up for code this
# process never runs; a None entry makes that import fail, and httpx then skips it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
coercion.install()  # plain option values read without importing pydantic

#: Command groups, listed in --help right after the command named here (Typer lists groups
#: after every command otherwise).
_GROUP_AFTER = {"db": "stats", "rules": "themes", "corrections": "sentiment"}


class _HelpOrder(TyperGroup):
    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        names = [name for name in super().list_commands(ctx) if name not in _GROUP_AFTER]
        for group, anchor in _GROUP_AFTER.items():
            names.insert(names.index(anchor) + 1, group)
        return names


_HELP = "Hear every mention of your brand: scan feeds, store mentions once, report and export."


def _typer(cls: type[TyperGroup]) -> typer.Typer:
    return typer.Typer(
        cls=cls,
        name="brandwatch",
        help=_HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


app = _typer(_HelpOrder)
_state = {"debug": False}

for _command in (
    setup.init,
    setup.sources,
    retention.stats,
    listing.mentions,
    listing.export,
    scan.scan,
    worker.worker,
    analysis.check,
    analysis.sentiment,
    scan.rescore,
    insight.report,
    insight.digest,
    themes.themes,
    workflow.mark,
    relevance.review,
    relevance.mute,
    relevance.unmute,
    listing.search,
    mention.show,
):
    app.command()(_command)
app.command("open")(mention.open_link)  # a command named after Python's builtin
app.command()(retention.rematch)
app.command()(retention.prune)


def _group(name: str, help_text: str, commands: dict[str, Callable[..., object]]) -> None:
    """A command group (``brandwatch db copy``): its subcommands, listed in help as given."""
    group = typer.Typer(
        name=name,
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
    )
    for command, function in commands.items():
        group.command(command)(function)
    app.add_typer(group)


_group(
    "db",
    "The database as a whole: copy it into another (SQLite or PostgreSQL).",
    {"copy": database.copy},
)
_group(
    "rules",
    "Alert rules: replay them over stored mentions (see Alert rules in the README).",
    {"test": rules.rules_test},
)
_group(
    "corrections",
    "Sentiment corrections: labelled texts a per-language model learns from.",
    {
        "import": corrections.import_file,
        "list": corrections.list_corrections,
        "stats": corrections.stats,
    },
)


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


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command ``args`` run, when it is one (not a group): Typer builds
    every registered command's options from its signature and type hints before running one,
    ~50 ms of every command's start-up (issue 12). Help, groups and typos get the whole app."""
    name = next((arg for arg in args if arg != "--debug"), "")  # --help, --version: the app's
    chosen = [
        info
        for info in app.registered_commands
        if (info.name or getattr(info.callback, "__name__", "").lower().replace("_", "-")) == name
    ]
    if len(chosen) != 1 or app.registered_callback is None:
        return app
    alone = _typer(TyperGroup)
    alone.registered_commands = chosen
    alone.registered_callback = app.registered_callback
    return alone


def main() -> None:
    """Console-script entry point: expected errors become one line on stderr and an exit code.
    SIGTERM (a cron timeout, systemd, ``kill``) stops every command as Ctrl-C does: exit 130,
    what was committed kept, an open transaction undone (the README's exit codes)."""
    tolerant_streams()
    stop_on_sigterm()
    for arg in sys.argv[1:]:
        if any("\udc80" <= char <= "\udcff" for char in arg):  # bytes the locale could not read
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            _error(f"argument {shown!r} is not valid text (UTF-8): retype it")
            sys.exit(status_codes.USAGE_ERROR)
    try:
        code = _app_for(sys.argv[1:])(standalone_mode=False)
    except BrandwatchError as exc:
        if _state["debug"]:
            raise
        _error(str(exc))
        sys.exit(status_codes.for_error(exc))
    except (KeyboardInterrupt, typer.Abort):
        _error("interrupted")
        sys.exit(status_codes.INTERRUPTED)
    except Exception as exc:
        if _is_usage_error(exc):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if _state["debug"]:
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        sys.exit(status_codes.ERROR)
    if code == status_codes.INTERRUPTED:  # Ctrl-C inside a command: typer returns its code
        _error("interrupted")
    sys.exit(code if isinstance(code, int) else status_codes.SUCCESS)


def _is_usage_error(exc: Exception) -> bool:
    """A bad option, value or command: click's own exceptions, or the copies typer carries
    since 0.29 (not subclasses of click's). Either kind shows itself and names its exit code
    (2 for usage errors)."""
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)


def _error(message: str) -> None:
    error_line(f"error: {message}")
