"""Getting started: ``init`` writes a config, ``sources`` shows how each source is doing."""

from __future__ import annotations

from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer

from brandwatch_cli.cli.common import load, quiet_broken_pipe, utc_now
from brandwatch_cli.cli.options import ConfigOption, DbOption
from brandwatch_cli.errors import BrandwatchError, ConfigError
from brandwatch_cli.models import SourceHealthRow
from brandwatch_cli.output import plain as plaintext


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
        raise ConfigError(f"{path} already exists; not overwriting it") from None
    except OSError as exc:
        raise BrandwatchError(f"{path}: cannot write ({exc.strerror})") from None
    typer.echo(f"Wrote {path}. Edit its keywords and sources, then run: brandwatch scan", err=True)


def sources(
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Health of each configured source: last attempt and success, status or last error,
    consecutive failures, next attempt (while backing off), ETag held, mentions stored; then
    how many fetched entries are kept for re-matching, and their size."""
    from brandwatch_cli.output import terminal as render
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db)
    health: dict[str, SourceHealthRow] = {}
    kept = (0, 0)
    if db_path.exists():  # before the first scan: the configured sources, never tried
        with MentionStore.open(db_path, create=False) as store:
            health = store.source_health(utc_now() - timedelta(days=7))
            kept = store.entries_size()
    with quiet_broken_pipe():
        out = render.console()
        render.sources(cfg.sources, health, out)
        out.print(plaintext.entries_line(*kept, cfg.retention.entries_days), markup=False)
