"""``brandwatch db``: the database as a whole. ``db copy`` copies every table into another
database (a SQLite file or PostgreSQL, either way), then prints and checks the row counts."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated

import typer

from brandwatch_cli.cli.common import (
    database_target,
    load,
    progress_bar,
    quiet_broken_pipe,
    run_lock,
)
from brandwatch_cli.cli.options import ConfigOption, DbOption, QuietOption, WaitOption
from brandwatch_cli.errors import ConfigError, Interrupted, StoreError
from brandwatch_cli.output import plain as plaintext

#: Rows per transaction of the target (store.copy.BATCH_ROWS, without importing the store).
DEFAULT_BATCH = 5000


def copy(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="The database to copy into: a SQLite file (created if missing) or a"
            " postgresql:// URL. It must hold no mentions, scans or entries, unless --append.",
        ),
    ],
    append: Annotated[
        bool,
        typer.Option(
            "--append",
            help="Add to a database that holds data: ids move past its own, rows it already"
            " has (same unique key) are skipped and counted.",
        ),
    ] = False,
    config: ConfigOption = None,
    db: DbOption = None,
    batch: Annotated[
        int, typer.Option("--batch", min=1, help="Rows per transaction of the target [5000].")
    ] = DEFAULT_BATCH,
    wait: WaitOption = 10.0,
    quiet: QuietOption = False,
) -> int:
    """Copy every table of the database (--db, $BRANDWATCH_DATABASE_URL or the config's) into
    another, SQLite to PostgreSQL or back, keeping ids; then print each table's rows in both
    and check them (exit 3 when they differ)."""
    from brandwatch_cli.store import MentionStore

    _, source = load(config, db, db_alone=True)
    target = database_target(to)
    assert target is not None
    try:
        with (
            MentionStore.open(source, create=False) as origin,
            MentionStore.open(target) as destination,
            run_lock(target, "scan", "scan or copy", wait),
            nullcontext(_silent) if quiet else progress_bar("copying") as update,
        ):
            if destination.is_database_of(origin):
                raise ConfigError(f"--to {destination.path}: that is the database being copied")
            tables = destination.copy_from(origin, append=append, batch_rows=batch, progress=update)
            names = (str(origin.path), str(destination.path))
    except KeyboardInterrupt:
        raise Interrupted(
            "copy interrupted; the target keeps the batches copied before"
            + ("" if append else " (delete it, or empty it, before copying again)")
        ) from None
    rows = [(t.name, t.source_rows, t.before, t.copied, t.skipped, t.after, t.ok) for t in tables]
    if not quiet:
        with quiet_broken_pipe():
            typer.echo("\n".join(plaintext.copy_lines(*names, rows, append=append)))
    wrong = [t.name for t in tables if not t.ok]
    if wrong:
        raise StoreError(
            f"{names[1]}: the row counts do not match the source's for {', '.join(wrong)}"
        )
    return 0


def _silent(done: int, total: int, description: str = "") -> None:
    """No progress line (--quiet)."""
