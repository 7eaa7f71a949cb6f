"""What the database keeps: ``rematch`` stored mentions to the keywords as configured now,
``prune`` what is older than a date. Both take the scan's lock: they never run beside a scan."""

from __future__ import annotations

from typing import Annotated

import typer

from brandwatch_cli.cli.common import (
    load,
    quiet_broken_pipe,
    stop_on_sigterm,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import ConfigOption, DbOption, TzOption, WaitOption
from brandwatch_cli.errors import ConfigError, Interrupted
from brandwatch_cli.output import plain as plaintext

DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Count what would change; change nothing.")
]


def rematch(
    config: ConfigOption = None,
    db: DbOption = None,
    dry_run: DryRunOption = False,
    everything: Annotated[
        bool,
        typer.Option(
            "--all", help="Re-match every keyword, changed or not (e.g. after upgrading)."
        ),
    ] = False,
    wait: WaitOption = 10.0,
) -> None:
    """Re-match stored mentions, and the entries fetched within the retention window, against
    the keywords as configured now; print the associations added and removed per keyword
    (`+96 iPhone, −3 Globex`). A scan does this by itself when the keywords changed."""
    from brandwatch_cli.lock import exclusive, lock_file
    from brandwatch_cli.scan.rematch import rematch as run_rematch
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db)
    stop_on_sigterm()
    try:
        with (
            exclusive(lock_file(db_path, "scan"), "scan or rematch", wait),
            MentionStore.open(db_path, create=False) as store,
        ):
            changes = run_rematch(store, cfg, utc_now(), dry_run=dry_run, everything=everything)
    except KeyboardInterrupt:
        raise Interrupted("rematch interrupted; nothing was changed") from None
    with quiet_broken_pipe():
        typer.echo(plaintext.changes_line(changes))
    if dry_run and changes:
        typer.echo("(dry run: nothing was changed)", err=True)


def prune(
    before: Annotated[
        str,
        typer.Option(
            "--before", help="Remove what is older: 30d, 12w or an ISO date (as --since)."
        ),
    ],
    keyword: Annotated[
        list[str] | None,
        typer.Option("--keyword", "-k", help="Only this keyword's mentions (repeatable)."),
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    dry_run: DryRunOption = False,
    wait: WaitOption = 10.0,
    tz: TzOption = None,
) -> None:
    """Delete mentions published, and entries fetched, before a date; with --keyword, only
    that keyword's mentions (a mention naming other keywords too only loses that one)."""
    from brandwatch_cli.cli.periods import parse_moment
    from brandwatch_cli.lock import exclusive, lock_file
    from brandwatch_cli.store import MentionStore
    from brandwatch_cli.times import local_text

    cfg, db_path = load(config, db)
    zone = time_zone(cfg, tz)
    moment = parse_moment(before, utc_now(), "--before", zone)
    with (
        exclusive(lock_file(db_path, "scan"), "scan or prune", wait),
        MentionStore.open(db_path, create=False) as store,
    ):
        names = _keyword_names(keyword or (), [k.name for k in cfg.keywords], store)
        deleted, unlinked, entries = store.prune(moment, names, dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    what = _count(deleted, "mention")
    if names:
        what += f" of {', '.join(names)}"
        if unlinked:
            also = _count(unlinked, "other mention")
            what += f" (and took {', '.join(names)} off {also} that name other keywords)"
    else:
        what += f" and {_count(entries, 'entry', 'entries')}"
    with quiet_broken_pipe():
        typer.echo(f"{verb} {what} from before {local_text(moment, zone, zone_label=True)}")


def _keyword_names(
    given: tuple[str, ...] | list[str], configured: list[str], store: object
) -> list[str]:
    """The keyword names as stored or configured (any case); ConfigError for an unknown one."""
    known = {name.casefold(): name for name in configured}
    for name in store.stored_keywords():  # type: ignore[attr-defined]
        known.setdefault(name.casefold(), name)
    unknown = [name for name in given if name.casefold() not in known]
    if unknown:
        raise ConfigError(
            f"--keyword {unknown[0]!r}: no such keyword in the config or database"
            f" (known: {', '.join(sorted(known.values()))})"
        )
    return list(dict.fromkeys(known[name.casefold()] for name in given))


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"
