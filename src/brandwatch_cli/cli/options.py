"""The options several commands share, and the choices they take.

Defined once so that ``--since`` reads the same, with the same help, wherever it appears.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Sentiment(StrEnum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


class ListFormat(StrEnum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"


class Status(StrEnum):
    new = "new"
    todo = "todo"
    replied = "replied"
    ignored = "ignored"


class FailOn(StrEnum):
    spike = "spike"
    negative_spike = "negative-spike"
    source_errors = "source-errors"


#: --limit above this is a typo (SQLite's integers end at 2**63).
MAX_LIMIT = 10**12

#: The largest row id a database can hold (SQLite's and PostgreSQL's 64-bit integers): an id
#: beyond it names nothing and is a usage error, not a crash converting it.
MAX_ID = 2**63 - 1

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="Config file [default: $BRANDWATCH_CONFIG or ./brandwatch.yaml]."
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database file or postgresql:// URL, overriding $BRANDWATCH_DATABASE_URL and the"
        " config's 'database'.",
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Start of the period: 30m (m is minutes), 24h, 7d, 2w, 3mo, 1y, today, yesterday,"
        " a month (2026-11) or an ISO date; days and months start at midnight in --tz.",
    ),
]
TzOption = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="Time zone of the dates you type and the times shown, an IANA name such as"
        " Europe/Paris [default: $BRANDWATCH_TZ, else the config's 'timezone', else UTC].",
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option("--until", help="End of the period (exclusive), same forms as --since."),
]
KeywordOption = Annotated[
    list[str] | None, typer.Option("--keyword", "-k", help="Only this keyword (repeatable).")
]
SourceOption = Annotated[
    list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
]
AspectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--aspect",
        help="Only mentions talking about this aspect: price, delivery, customer_service..."
        " (repeatable: any of them).",
    ),
]
SentimentOption = Annotated[
    Sentiment | None, typer.Option("--sentiment", help="Only mentions with this label.")
]
StatusOption = Annotated[
    list[Status] | None,
    typer.Option("--status", help="Only mentions with this status: new, todo, replied, ignored."),
]
AssigneeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--assignee", help="Only mentions assigned to NAME, any case; none: to nobody (repeatable)."
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option("--tag", help="Only mentions with this tag, any case (repeatable: any of them)."),
]
OverdueOption = Annotated[
    bool,
    typer.Option(
        "--overdue", help="Only mentions still new or todo past their keyword's reply_within."
    ),
]
NoiseOption = Annotated[
    bool,
    typer.Option(
        "--noise",
        help="Only the probably-noise bucket (below the relevance threshold, labelled"
        " irrelevant or muted), left out by default.",
    ),
]
WithNoiseOption = Annotated[
    bool,
    typer.Option(
        "--with-noise",
        help="Include the probably-noise bucket (left out by default: see `mentions --noise`).",
    ),
]
ListFormatOption = Annotated[
    ListFormat,
    typer.Option("--format", "-f", help="table (a plain listing when piped), csv or jsonl."),
]
FailOnOption = Annotated[
    list[FailOn] | None,
    typer.Option(
        "--fail-on",
        help="Exit 5 when this happens: spike, negative-spike or source-errors (repeatable).",
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
WaitOption = Annotated[
    float,
    typer.Option("--wait", min=0, help="Seconds to wait for another run to finish [10]."),
]
