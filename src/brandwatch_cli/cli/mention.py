"""One mention: ``show`` (everything stored about it) and ``open`` (its link in a browser)."""

from __future__ import annotations

import sys
from datetime import tzinfo
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from brandwatch_cli.cli.common import (
    error_line,
    load,
    machine_output,
    quiet_broken_pipe,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import MAX_ID, ConfigOption, DbOption, TzOption
from brandwatch_cli.errors import ConfigError
from brandwatch_cli.text import one_line, web_link

if TYPE_CHECKING:
    from brandwatch_cli.models import MentionDetail


class ShowFormat(StrEnum):
    text = "text"
    json = "json"


MentionId = Annotated[
    int, typer.Argument(max=MAX_ID, help="A mention id (from `mentions` or `export`).")
]


def show(
    mention_id: MentionId,
    config: ConfigOption = None,
    db: DbOption = None,
    fmt: Annotated[
        ShowFormat,
        typer.Option("--format", "-f", help="text (plain when piped) or json."),
    ] = ShowFormat.text,
    tz: TzOption = None,
) -> None:
    """Everything about one mention: full text, keywords with the terms that matched and
    where, sentiment and how it was read, engagement, copies, status history."""
    import json

    from brandwatch_cli.output import mention as render
    from brandwatch_cli.output import terminal

    detail, zone = _read(mention_id, config, db, tz)
    with quiet_broken_pipe():
        if fmt is ShowFormat.json:
            payload = render.mention_detail_json(detail)
            machine_output()
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
            return
        out = terminal.console()
        if out.is_terminal:
            render.render_mention_detail(detail, out, zone)
        else:
            sys.stdout.write(render.mention_detail_text(detail, zone))


def open_link(mention_id: MentionId, config: ConfigOption = None, db: DbOption = None) -> None:
    """Open a mention's link in the web browser (on a machine without one, print it)."""
    import webbrowser

    url = _read(mention_id, config, db)[0].mention["url"]
    link = web_link(url)
    if link is None:
        why = f"its link is not an http(s) URL: {one_line(url)}" if url else "it has no link"
        raise ConfigError(f"cannot open mention {mention_id}: {why}")
    try:
        opened = webbrowser.open(link)
    except webbrowser.Error:
        opened = False
    if not opened:
        with quiet_broken_pipe():
            typer.echo(link)
        error_line("warning: no web browser could be opened here; the link is on stdout")
        return
    typer.echo(f"Opened {link}", err=True)


def _read(
    mention_id: int, config: Path | None, db: str | None, tz: str | None = None
) -> tuple[MentionDetail, tzinfo]:
    """The mention and the zone to show it in, or a usage error: an id that names no mention
    is a typo (exit 2)."""
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db, db_alone=True)
    zone = time_zone(cfg, tz)
    with MentionStore.open(db_path, create=False) as store:
        detail = store.mention(mention_id)
    if detail is None:
        raise ConfigError(f"no mention with id {mention_id} (ids are listed by `mentions`)")
    return _with_deadline(detail, cfg.keywords), zone


def _with_deadline(detail: MentionDetail, keywords: Any) -> MentionDetail:
    """``detail`` with when it should be answered by, and whether that has passed."""
    from dataclasses import replace

    from brandwatch_cli.insight.triage import is_overdue, reply_by, reply_limits

    limits = reply_limits(keywords)
    now = utc_now()
    return replace(
        detail,
        reply_by=reply_by(detail.mention, limits),
        overdue=is_overdue(detail.mention, limits, now),
    )
