"""Getting started: ``init`` writes a config, ``sources`` shows how each source is doing."""

from __future__ import annotations

from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

import typer

from brandwatch_cli.cli.common import load, quiet_broken_pipe, utc_now
from brandwatch_cli.cli.options import ConfigOption, DbOption
from brandwatch_cli.errors import BrandwatchError


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


def sources(
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Health of each configured source: last attempt and success, status or last error,
    consecutive failures, next attempt (while backing off), ETag held, mentions stored."""
    from brandwatch_cli.output import terminal as render
    from brandwatch_cli.store import queries
    from brandwatch_cli.store.mentions import MentionStore

    cfg, db_path = load(config, db)
    health: dict[str, dict[str, Any]] = {}
    if db_path.exists():  # before the first scan: the configured sources, never tried
        with MentionStore.open(db_path, create=False) as store:
            health = queries.source_health(store, utc_now() - timedelta(days=7))
    with quiet_broken_pipe():
        render.sources(cfg.sources, health, render.console())
