"""``brandwatch themes``: what each keyword's mentions talk about in a period (issue 14)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from brandwatch_cli.cli.common import (
    error_line,
    load,
    machine_output,
    quiet_broken_pipe,
    selection,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import (
    ConfigOption,
    DbOption,
    KeywordOption,
    SinceOption,
    SourceOption,
    TzOption,
    UntilOption,
)


class ThemesFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


def themes(
    config: ConfigOption = None,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    keyword: KeywordOption = None,
    source: SourceOption = None,
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, max=100, help="Themes per keyword [10].")
    ] = 10,
    fmt: Annotated[
        ThemesFormat, typer.Option("--format", "-f", help="table, markdown or json.")
    ] = ThemesFormat.table,
    tz: TzOption = None,
) -> None:
    """The phrases that characterise each keyword's mentions in the period, against the
    previous period and the other keywords: count, share, net sentiment, trend (new, rising,
    stable, falling) and example mentions. The period is the 7 days before --until (now)
    unless --since says otherwise."""
    from brandwatch_cli.insight.report import Period
    from brandwatch_cli.insight.themes import find_themes
    from brandwatch_cli.output import themes as render
    from brandwatch_cli.output.wording import period_text
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db, db_alone=True)
    zone = time_zone(cfg, tz)
    now = utc_now()
    with MentionStore.open(db_path, create=False) as store:
        chosen = selection(cfg, store, since, until, keyword, source, None, now=now, tz=zone)
        found = find_themes(store, chosen, now=now, keywords=cfg.keywords, top=top, tz=zone)
    when = period_text(Period(found.since, found.until), zone)
    for name, count in found.mentions.items():
        if not found.themes.get(name):
            said = "no mentions" if not count else f"{count:,} mentions, no theme stands out"
            error_line(f"note: {name}: {said} in {when}")
    with quiet_broken_pipe():
        if fmt is ThemesFormat.json:
            machine_output()
            text = json.dumps(render.themes_json(found.themes), ensure_ascii=False, indent=2)
            sys.stdout.write(text + "\n")
        elif fmt is ThemesFormat.markdown:
            machine_output()
            from brandwatch_cli.output.markdown import themes_lines

            lines = [f"# Themes, {when}", "", *themes_lines(found.themes, level=2)]
            sys.stdout.write("\n".join(lines) + "\n")
        else:
            from brandwatch_cli.output.terminal import console

            out = console()
            if any(found.themes.values()):
                out.print(f"Themes, {when}", markup=False, highlight=False)
            render.render(found.themes, out, found.mentions)
