"""Reading stored mentions back: ``mentions``, ``export`` and ``search``."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from brandwatch_cli.cli.common import (
    load,
    machine_output,
    not_onto_the_config,
    quiet_broken_pipe,
    selection,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import (
    MAX_LIMIT,
    AspectOption,
    AssigneeOption,
    ConfigOption,
    DbOption,
    ExportFormat,
    KeywordOption,
    ListFormat,
    ListFormatOption,
    NoiseOption,
    OverdueOption,
    SentimentOption,
    SinceOption,
    SourceOption,
    StatusOption,
    TagOption,
    TzOption,
    UntilOption,
    WithNoiseOption,
)
from brandwatch_cli.errors import ConfigError, StoreError
from brandwatch_cli.models import MentionRow


def mentions(
    config: ConfigOption = None,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    keyword: KeywordOption = None,
    source: SourceOption = None,
    sentiment: SentimentOption = None,
    status: StatusOption = None,
    assignee: AssigneeOption = None,
    tag: TagOption = None,
    overdue: OverdueOption = False,
    fmt: ListFormatOption = ListFormat.table,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=MAX_LIMIT, help="Show at most N.")
    ] = 50,
    tz: TzOption = None,
    aspect: AspectOption = None,
    noise: NoiseOption = False,
    with_noise: WithNoiseOption = False,
) -> None:
    """List stored mentions, newest first. The probably-noise bucket (mentions below the
    relevance threshold, labelled irrelevant or muted) is left out: --noise lists it."""
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db, db_alone=True)
    zone = time_zone(cfg, tz)
    now = utc_now()
    with MentionStore.open(db_path, create=False) as store:
        chosen = selection(
            cfg,
            store,
            since,
            until,
            keyword,
            source,
            sentiment,
            status,
            now=now,
            tz=zone,
            aspect=aspect,
            assignee=assignee,
            tag=tag,
            overdue=overdue,
            noise=noise,
            with_noise=with_noise,
        )
        print_mentions(store.iter_mentions(chosen, limit), fmt, zone, overdue_now(cfg, now))


def overdue_now(config: Any, now: datetime) -> Callable[[MentionRow], bool]:
    """Which listed mentions are overdue at ``now``, by the config's ``reply_within:``."""
    from brandwatch_cli.insight.triage import is_overdue, reply_limits

    limits = reply_limits(config.keywords)
    return lambda row: bool(limits) and is_overdue(row, limits, now)


def print_mentions(
    rows: Iterable[MentionRow],
    fmt: ListFormat,
    tz: tzinfo = UTC,
    overdue: Callable[[MentionRow], bool] | None = None,
) -> None:
    """Mentions as a table (plain tab-separated lines when piped) with times on ``tz``'s
    clocks and ``overdue`` ones flagged, or CSV or JSON Lines (times in UTC, as exported)."""
    with quiet_broken_pipe():
        if fmt is ListFormat.table:
            from brandwatch_cli.output import terminal as render  # Rich: for people only

            shown = render.mentions(rows, render.console(), tz, overdue)
        else:
            from brandwatch_cli.output import export as exporter

            machine_output()
            shown = exporter.write(rows, sys.stdout, fmt.value)
    if not shown and fmt is ListFormat.table:
        typer.echo("No mentions match.", err=True)


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
    assignee: AssigneeOption = None,
    tag: TagOption = None,
    overdue: OverdueOption = False,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, max=MAX_LIMIT, help="At most N.")
    ] = None,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            help="CSV for spreadsheets: UTF-8 with a BOM, and cells that could run as a formula"
            " (= + - @) start with '. Plain CSV is for pipelines.",
        ),
    ] = False,
    delimiter: Annotated[
        str, typer.Option("--delimiter", help="CSV separator: , (default) ; or tab.")
    ] = ",",
    tz: TzOption = None,
    aspect: AspectOption = None,
    noise: NoiseOption = False,
    with_noise: WithNoiseOption = False,
) -> None:
    """Write stored mentions as CSV or JSON Lines, newest first, one row per mention. Times
    are written in UTC (ISO 8601 with the offset) whatever the zone; --tz reads the dates of
    --since and --until."""
    from brandwatch_cli.output import export as exporter
    from brandwatch_cli.output.files import write_output
    from brandwatch_cli.output.wording import mentions_text
    from brandwatch_cli.store import MentionStore

    separator = {"tab": "\t", "\\t": "\t"}.get(delimiter, delimiter)
    if separator not in (",", ";", "\t"):
        raise ConfigError(f"--delimiter {delimiter!r}: use , ; or tab")
    if fmt is not ExportFormat.csv and (excel or separator != ","):
        raise ConfigError("--excel and --delimiter go with --format csv")
    cfg, db_path = load(config, db, db_alone=True)
    not_onto_the_config(cfg, output)
    zone = time_zone(cfg, tz)
    now = utc_now()
    with MentionStore.open(db_path, create=False) as store:
        chosen = selection(
            cfg,
            store,
            since,
            until,
            keyword,
            source,
            sentiment,
            status,
            now=now,
            tz=zone,
            aspect=aspect,
            assignee=assignee,
            tag=tag,
            overdue=overdue,
            noise=noise,
            with_noise=with_noise,
        )
        rows = store.iter_mention_rows(chosen, limit)

        def write(handle: Any) -> int:
            return exporter.write_rows(rows, handle, fmt.value, excel=excel, delimiter=separator)

        if output is None:
            with quiet_broken_pipe():
                machine_output()
                write(sys.stdout)
            return
        count = write_output(output, write)
    typer.echo(f"Wrote {mentions_text(count)} to {output}", err=True)


class SearchOrder(StrEnum):
    newest = "newest"
    relevance = "relevance"


def search(
    query: Annotated[
        str,
        typer.Argument(
            help="Words to find (SQLite FTS5 syntax); title:, text: or author: before a word"
            " or a phrase searches that field only."
        ),
    ],
    config: ConfigOption = None,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    keyword: KeywordOption = None,
    source: SourceOption = None,
    sentiment: SentimentOption = None,
    status: StatusOption = None,
    assignee: AssigneeOption = None,
    tag: TagOption = None,
    overdue: OverdueOption = False,
    fmt: ListFormatOption = ListFormat.table,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=MAX_LIMIT, help="Show at most N.")
    ] = 50,
    sort: Annotated[
        SearchOrder,
        typer.Option(
            "--sort",
            help="newest first, or relevance: best match first, with the text around the words"
            " found (in the table; CSV and JSONL keep the export's columns).",
        ),
    ] = SearchOrder.newest,
    tz: TzOption = None,
    aspect: AspectOption = None,
    noise: NoiseOption = False,
    with_noise: WithNoiseOption = False,
) -> None:
    """Full-text search of stored mentions (title, text, author), newest first.

    Accent- and case-insensitive; "quoted phrases", OR, NOT, prefix* as in SQLite FTS5;
    title:word, author:"a name".
    """
    from brandwatch_cli.store import MentionStore, searchable_words

    words = searchable_words(query)
    if all(len(word) < 2 for word in words):
        found = ", ".join(repr(w.lower()) for w in words) or "nothing"
        raise ConfigError(
            f"search {query!r} looks for {found}: the index keeps letters and digits only, so"
            ' search a longer word, or a phrase around it ("C++ developer")'
        )
    cfg, db_path = load(config, db, db_alone=True)
    zone = time_zone(cfg, tz)
    now = utc_now()
    with MentionStore.open(db_path, create=False) as store:
        chosen = selection(
            cfg,
            store,
            since,
            until,
            keyword,
            source,
            sentiment,
            status,
            search=query,
            now=now,
            tz=zone,
            aspect=aspect,
            assignee=assignee,
            tag=tag,
            overdue=overdue,
            noise=noise,
            with_noise=with_noise,
        )
        ranked = sort is SearchOrder.relevance
        hits = iter(
            store.search_hits(chosen, limit) if ranked else store.iter_mentions(chosen, limit)
        )
        try:
            first = next(hits, None)  # FTS5 refuses a bad query at the first step
        except StoreError as exc:  # the query, not the database: SQLite's FTS5 refused it
            reason = str(exc).rsplit(": ", 1)[-1]
            raise ConfigError(f"search {query!r} is not a valid search: {reason}") from None
        # Streamed: a million hits are printed one by one, never held in memory.
        listed = itertools.chain([first], hits) if first is not None else []
        print_mentions(listed, fmt, zone, overdue_now(cfg, now))
