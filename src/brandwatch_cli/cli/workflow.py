"""Acting on what was heard: ``mark`` mentions as to do, replied or ignored."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from brandwatch_cli.cli.common import load, utc_now
from brandwatch_cli.cli.options import ConfigOption, DbOption, Status
from brandwatch_cli.errors import ConfigError
from brandwatch_cli.text import one_line


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
    from brandwatch_cli.store import MentionStore

    _, db_path = load(config, db, db_alone=True)
    with MentionStore.open(db_path, create=False) as store:
        missing = store.set_status(ids, status.value, note, utc_now(), by=user_name())
    if missing:
        raise ConfigError(  # a wrong command-line value, as for `show` and `open`: exit 2
            f"no mention with id {', '.join(map(str, missing))}; nothing was marked"
        )
    done = len(set(ids))
    typer.echo(f"Marked {done} mention{'s' if done != 1 else ''} {status.value}", err=True)


def user_name() -> str | None:
    """Who marks, for the status history: ``$BRANDWATCH_USER`` (a shared account, a bot),
    else the login name; None when neither is known (a container without a passwd entry)."""
    import getpass

    name = os.environ.get("BRANDWATCH_USER", "").strip()
    if not name:
        try:
            name = getpass.getuser()
        except (OSError, KeyError, ImportError):
            name = ""
    return one_line(name).strip() or None
