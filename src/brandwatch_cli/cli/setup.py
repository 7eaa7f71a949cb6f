"""Getting started: ``init`` writes a config, ``sources`` shows how each source is doing."""

from __future__ import annotations

import sys
from datetime import timedelta
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer

from brandwatch_cli.cli.common import load, machine_output, quiet_broken_pipe, time_zone, utc_now
from brandwatch_cli.cli.options import ConfigOption, DbOption, TzOption
from brandwatch_cli.errors import BrandwatchError, ConfigError
from brandwatch_cli.models import SourceHealthRow
from brandwatch_cli.output import plain as plaintext
from brandwatch_cli.text import one_line


class SourcesFormat(StrEnum):
    table = "table"
    json = "json"


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
    fmt: Annotated[
        SourcesFormat, typer.Option("--format", "-f", help="table (for people) or json.")
    ] = SourcesFormat.table,
    tz: TzOption = None,
) -> None:
    """Health of each configured source: last attempt and success, status or last error,
    consecutive failures, next attempt (while backing off), ETag held, mentions stored; then
    how many fetched entries are kept for re-matching, and their size; and the database's size
    and bytes per mention."""
    from brandwatch_cli.runtime import no_cycle_collection

    # 5,000 sources make some 100,000 objects (config, states, cells), none in a cycle: the
    # collector would walk them again and again, as it would the store's modules imported here
    with no_cycle_collection():
        _show_sources(config, db, fmt, tz)


def _show_sources(config: Path | None, db: str | None, fmt: SourcesFormat, tz: str | None) -> None:
    from brandwatch_cli.insight.sources import advice
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db)
    zone = time_zone(cfg, tz)
    health: dict[str, SourceHealthRow] = {}
    kept = database = (0, 0)
    if MentionStore.exists(db_path):  # before the first scan: the sources, never tried
        with MentionStore.open(db_path, create=False) as store:
            health = store.source_health(utc_now() - timedelta(days=7))
            kept = store.entries_size()
            database = store.database_size()
    now = utc_now()
    advised = {name: advice(row, now) for name, row in health.items()}
    if fmt is SourcesFormat.json:
        from brandwatch_cli.output.jsontext import indented
        from brandwatch_cli.output.sourcesjson import sources_json

        days = cfg.retention.entries_days
        document = sources_json(cfg.sources, health, advised, kept, days, database)
        with quiet_broken_pipe():
            machine_output()
            sys.stdout.write(indented(document) + "\n")
        return
    from brandwatch_cli.output.console import console
    from brandwatch_cli.output.sourcestable import sources as sources_table

    with quiet_broken_pipe():
        out = console()
        sources_table(cfg.sources, health, out, zone)
        out.print(plaintext.entries_line(*kept, cfg.retention.entries_days), markup=False)
        out.print(plaintext.database_line(*database), markup=False)
        for name, sentence in advised.items():
            if sentence:  # whole, never cut to the table's width: the URL is what to paste
                out.print(one_line(f"source '{name}' {sentence}"), markup=False, soft_wrap=True)
