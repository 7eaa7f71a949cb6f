"""Teaching brandwatch what is noise: ``review`` (the mentions the relevance model is least
sure about, to label with ``mark --relevant/--irrelevant``), ``mute`` and ``unmute``."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from brandwatch_cli.cli.common import (
    error_line,
    keyword_names,
    load,
    machine_output,
    quiet_broken_pipe,
    source_names,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import MAX_ID, MAX_LIMIT, ConfigOption, DbOption, TzOption
from brandwatch_cli.cli.workflow import user_name
from brandwatch_cli.errors import ConfigError, Interrupted
from brandwatch_cli.text import one_line


class ReviewFormat(StrEnum):
    table = "table"
    json = "json"


def review(
    config: ConfigOption = None,
    db: DbOption = None,
    keyword: Annotated[
        str | None, typer.Option("--keyword", "-k", help="Only mentions of this keyword.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=MAX_LIMIT, help="Show at most N.")
    ] = 20,
    fmt: Annotated[
        ReviewFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ReviewFormat.table,
    tz: TzOption = None,
) -> None:
    """The unlabelled mentions the relevance model is least sure about first (relevance
    closest to 0.5), to label with `mark ID --relevant` or `--irrelevant`. Before the model
    exists (20 labels of each kind), says how many are still needed and lists the newest."""
    from brandwatch_cli.output import relevance as render
    from brandwatch_cli.scan.relevance import MARK_BUDGET, update_relevance
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db, db_alone=True)
    zone = time_zone(cfg, tz)
    with MentionStore.open(db_path, create=False) as store:
        if keyword is not None:
            (keyword,) = keyword_names([keyword], cfg, store)  # as the config spells it
        state = update_relevance(store, cfg, utc_now(), budget=MARK_BUDGET)
        rows = store.review_candidates(keyword, limit)
    if state.needed:
        error_line(render.needed_line(state.needed, listed=bool(rows)))
    elif not rows and fmt is ReviewFormat.table:  # as `mentions` says when none match
        error_line("No mentions to review.")
    with quiet_broken_pipe():
        if fmt is ReviewFormat.json:
            machine_output()
            sys.stdout.write(json.dumps(render.review_json(rows), ensure_ascii=False) + "\n")
            return
        for line in render.review_lines(rows, zone):
            sys.stdout.write(line + "\n")


def mute(
    source: Annotated[
        str | None, typer.Option("--source", help="Mentions from this source.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", help="Published on this domain (or a subdomain).")
    ] = None,
    author: Annotated[
        str | None, typer.Option("--author", help="By this author (case ignored).")
    ] = None,
    phrase: Annotated[
        str | None,
        typer.Option(
            "--phrase",
            help="Saying these words (whole words; case, accents and plurals ignored, as a"
            " rule's term).",
        ),
    ] = None,
    keyword: Annotated[
        str | None, typer.Option("--keyword", "-k", help="Only mentions of this keyword.")
    ] = None,
    listing: Annotated[bool, typer.Option("--list", help="List the mutes and their ids.")] = False,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who mutes [default: $BRANDWATCH_USER, else the login name]."),
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    tz: TzOption = None,
) -> None:
    """Send mentions to the noise bucket: those matching every option given, stored ones
    and those of later scans. Never deleted: `mentions --noise` lists them, `unmute ID`
    lets them back."""
    from brandwatch_cli.output import relevance as render
    from brandwatch_cli.scan.relevance import update_relevance
    from brandwatch_cli.store import MentionStore

    given = {"source": source, "domain": domain, "author": author, "phrase": phrase}
    cfg, db_path = load(config, db, db_alone=True)
    if listing:
        if any(given.values()) or keyword:
            raise ConfigError("--list takes no other option")
        with MentionStore.open(db_path, create=False) as store:
            mutes = store.mutes()
        with quiet_broken_pipe():
            for line in render.mute_lines(mutes, time_zone(cfg, tz)):
                sys.stdout.write(line + "\n")
        return
    values: dict[str, str | None] = {
        name: (one_line(value).strip() or None) if value is not None else None
        for name, value in {**given, "keyword": keyword}.items()
    }
    if not any(values[name] for name in given):
        raise ConfigError("mute needs --source, --domain, --author or --phrase (or --list)")
    if values["domain"] is not None:
        values["domain"] = _host(values["domain"])
    mute_id: int | None = None
    try:
        with MentionStore.open(db_path, create=False) as store:
            if values["keyword"] is not None:
                (values["keyword"],) = keyword_names([values["keyword"]], cfg, store)
            if values["source"] is not None:
                source_names([values["source"]], cfg, store)
            before = store.noise_counts().get("muted", 0)
            mute_id = store.add_mute(values, utc_now(), by if by is not None else user_name())
            update_relevance(store, cfg, utc_now())
            count = store.noise_counts().get("muted", 0)
    except KeyboardInterrupt:
        kept = "nothing was muted" if mute_id is None else f"mute {mute_id} is kept"
        raise Interrupted(f"mute interrupted; {kept}") from None
    error_line(f"Muted {mute_id}: {render.mute_text(values)}; {render.mute_count(before, count)}")


def _host(given: str) -> str:
    """``--domain`` as a mention's ``domain`` is: the host alone, lower case, without
    ``www.`` (what a user copies from a browser, ``https://www.example.com/page``, included)."""
    from brandwatch_cli.store.values import url_domain

    text = given.strip()
    host = (url_domain(text if "://" in text else f"http://{text}") or "").rstrip(".")
    if not host:
        raise ConfigError(f"--domain {given!r}: no domain in it (e.g. example.com)")
    return host


def unmute(
    mute_id: Annotated[int, typer.Argument(max=MAX_ID, help="The mute's id (from `mute --list`).")],
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Remove a mute: the mentions it held leave the noise bucket (unless the relevance
    model or a label puts them there)."""
    from brandwatch_cli.scan.relevance import update_relevance
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db, db_alone=True)
    with MentionStore.open(db_path, create=False) as store:
        if not store.remove_mute(mute_id):
            raise ConfigError(f"no mute with id {mute_id} (see `mute --list`)")
        update_relevance(store, cfg, utc_now())
    typer.echo(f"Unmuted {mute_id}", err=True)
