"""What the database keeps: ``rematch`` stored mentions to the keywords as configured now,
``prune`` what is older than a date or the config's ``retention:``, ``stats`` what it all
costs on disk. ``rematch`` and ``prune`` take the scan's lock: they never run beside a scan;
``stats`` only reads."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import typer

from brandwatch_cli.cli.common import (
    load,
    machine_output,
    quiet_broken_pipe,
    run_lock,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import ConfigOption, DbOption, TzOption, WaitOption
from brandwatch_cli.errors import ConfigError, Interrupted
from brandwatch_cli.models import Retention
from brandwatch_cli.output import plain as plaintext
from brandwatch_cli.output.plain import size_text


class StatsFormat(StrEnum):
    table = "table"
    json = "json"


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
    from brandwatch_cli.scan.rematch import finish_scoring
    from brandwatch_cli.scan.rematch import rematch as run_rematch
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db)
    changes = None
    try:
        with (
            run_lock(db_path, "scan", "scan or rematch", wait),
            MentionStore.open(db_path, create=False) as store,
        ):
            changes = run_rematch(
                store, cfg, utc_now(), dry_run=dry_run, everything=everything, score=False
            )
            if not dry_run:  # this re-match's, and any a stopped run left
                finish_scoring(store, cfg)
    except KeyboardInterrupt:
        if changes is None:
            raise Interrupted("rematch interrupted; nothing was changed") from None
        raise Interrupted(
            f"rematch interrupted while scoring the re-matched mentions: the re-match is"
            f" saved ({plaintext.changes_line(changes)}); the next scan, rematch or"
            " `brandwatch rescore` scores the mentions left"
        ) from None
    with quiet_broken_pipe():
        typer.echo(plaintext.changes_line(changes))
    if dry_run and changes:
        typer.echo("(dry run: nothing was changed)", err=True)


def prune(
    before: Annotated[
        str | None,
        typer.Option(
            "--before",
            help="Remove what is older: 30d, 12w or an ISO date (as --since)."
            " Without it, apply the config's retention: now.",
        ),
    ] = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option(
            "--keyword", "-k", help="Only this keyword's mentions (repeatable; needs --before)."
        ),
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    dry_run: DryRunOption = False,
    wait: WaitOption = 10.0,
    tz: TzOption = None,
) -> None:
    """Delete mentions published, and entries fetched, before a date; with --keyword, only
    that keyword's mentions (a mention naming other keywords too only loses that one).
    Without --before, apply the config's retention: (what each scan does at its end). Then
    give the freed space back to the disk; a database from before incremental vacuum is
    converted once, by a full VACUUM."""
    from brandwatch_cli.cli.periods import parse_moment
    from brandwatch_cli.store import MentionStore
    from brandwatch_cli.times import local_text

    if keyword and before is None:
        raise ConfigError("--keyword needs --before: retention applies to every keyword")
    cfg, db_path = load(config, db, db_alone=True)
    zone = time_zone(cfg, tz)
    now = utc_now()
    moment = parse_moment(before, now, "--before", zone) if before is not None else None
    names: list[str] = []
    try:
        with (
            run_lock(db_path, "scan", "scan or prune", wait),
            MentionStore.open(db_path, create=False) as store,
        ):
            if moment is None:
                pruned = store.apply_retention(cfg.retention, now, dry_run=dry_run)
            else:
                names = _keyword_names(keyword or (), [k.name for k in cfg.keywords], store)
                pruned = store.prune(moment, names, dry_run=dry_run)
            reclaimed = None
            if not dry_run:
                reclaimed = store.reclaim_space(convert=True, compact_index=pruned.mentions > 0)
    except KeyboardInterrupt:
        raise Interrupted("prune interrupted; what it removed before is gone") from None
    verb = "Would remove" if dry_run else "Removed"
    if moment is None:
        line = f"{verb} {_retention_text(pruned, cfg.retention, now)}"
    else:
        when = local_text(moment, zone, zone_label=True)
        line = f"{verb} {_before_text(pruned, names, dry_run=dry_run)} from before {when}"
    with quiet_broken_pipe():
        typer.echo(line)
        if reclaimed is not None:
            typer.echo(_space_text(reclaimed))


def stats(
    config: ConfigOption = None,
    db: DbOption = None,
    fmt: Annotated[
        StatsFormat, typer.Option("--format", "-f", help="table (for people) or json.")
    ] = StatsFormat.table,
) -> None:
    """The database's size, the free space inside it, rows and bytes per table, and bytes
    per mention. Works on a copy (--db alone) and on a database you can only read."""
    from brandwatch_cli.store import MentionStore

    _, db_path = load(config, db, db_alone=True)
    with MentionStore.open(db_path, create=False) as store:
        facts = store.database_stats()
        shown = str(store.path)  # a URL without its password
        postgres = store.postgres
    sizes = (facts.file_bytes, facts.wal_bytes, facts.page_size, facts.free_pages)
    tables = [(t.name, t.rows, t.bytes) for t in facts.tables]
    with quiet_broken_pipe():
        if fmt is StatsFormat.json:
            from brandwatch_cli.output.json import stats_json

            machine_output()
            document = stats_json(shown, sizes, facts.incremental, tables)
            sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        else:
            lines = plaintext.stats_lines(
                shown, sizes, facts.incremental, tables, postgres=postgres
            )
            typer.echo("\n".join(lines))


def _before_text(pruned: Any, names: Sequence[str], *, dry_run: bool) -> str:
    what = _count(pruned.mentions, "mention")
    if names:
        what += f" of {', '.join(names)}"
        if pruned.unlinked:
            also = _count(pruned.unlinked, "other mention")
            verb = "take" if dry_run else "took"  # after "Would remove" or "Removed"
            name = "names" if pruned.unlinked == 1 else "name"
            what += f" (and {verb} {', '.join(names)} off {also} that {name} other keywords)"
        return what
    return what + f" and {_count(pruned.entries, 'entry', 'entries')}"


def _retention_text(pruned: Any, rule: Retention, now: datetime) -> str:
    """What applying ``retention:`` removed, each kind with its cutoff and setting."""

    def day(days: int) -> str:
        return f"{now - timedelta(days=days):%Y-%m-%d}"

    parts = []
    if rule.mentions_days is not None:
        parts.append(
            f"{_count(pruned.mentions, 'mention')} (published before {day(rule.mentions_days)},"
            f" mentions_days: {rule.mentions_days})"
        )
    parts.append(
        f"{_count(pruned.entries, 'entry', 'entries')} (fetched before"
        f" {day(rule.entries_days)}, entries_days: {rule.entries_days})"
    )
    parts.append(
        f"{_count(pruned.scan_logs, 'scan-log row')} (before {day(rule.scan_logs_days)},"
        f" scan_logs_days: {rule.scan_logs_days})"
    )
    text = ", ".join(parts[:-1]) + f" and {parts[-1]}"
    if rule.mentions_days is None:
        text += "; mentions are kept (no retention: mentions_days)"
    return text


def _space_text(reclaimed: Any) -> str:
    sizes = f"{size_text(reclaimed.before)} -> {size_text(reclaimed.after)}"
    if reclaimed.converted:
        return (
            f"Database converted to incremental vacuum (one full VACUUM, only this once): {sizes};"
            " from now on prunes and scans give freed space back to the disk as they go"
        )
    return f"Database: {sizes}"


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
