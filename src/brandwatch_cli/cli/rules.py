"""``brandwatch rules test``, and the rules' run after a scan or a worker round: glue between
options, ``insight.rule_runs``, the notifications and exit codes."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from brandwatch_cli.cli.common import (
    error_line,
    load,
    quiet_broken_pipe,
    report_deliveries,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import ConfigOption, DbOption, SinceOption, TzOption
from brandwatch_cli.errors import ConfigError


class RulesFormat(StrEnum):
    table = "table"
    json = "json"


#: What ``rules test`` replays without ``--since``.
DEFAULT_SINCE = "7d"


def rules_test(
    config: ConfigOption = None,
    db: DbOption = None,
    since: SinceOption = None,
    rule: Annotated[
        list[str] | None, typer.Option("--rule", help="Only this rule (repeatable).")
    ] = None,
    fmt: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="table or json.")
    ] = RulesFormat.table,
    tz: TzOption = None,
) -> None:
    """Replay the config's rules over the stored mentions (those of the last 7 days, or
    --since) and print what would have fired: rule, mention id, title and why. Nothing is
    sent, recorded or changed. Exit 0."""
    from dataclasses import replace

    from brandwatch_cli.cli.common import selection
    from brandwatch_cli.insight.rule_runs import replay
    from brandwatch_cli.output import plain as plaintext
    from brandwatch_cli.output import rules as words
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db)
    zone = time_zone(cfg, tz)
    names = [r.name for r in cfg.rules]
    for name in rule or ():
        if name not in names:
            known = ", ".join(names) or "the config has no 'rules:'"
            raise ConfigError(f"--rule: no rule named {name!r} ({known})")
    with MentionStore.open(db_path, create=False) as store:
        chosen = selection(cfg, store, since or DEFAULT_SINCE, None, None, None, None, tz=zone)
        hits = replay(store, cfg, replace(chosen, by_fetch=True), tuple(rule or ()))
    with quiet_broken_pipe():
        if fmt is RulesFormat.json:
            sys.stdout.write(words.fired_json(hits) + "\n")
        elif hits:
            sys.stdout.write(plaintext.table(words.FIRED_COLUMNS, words.fired_rows(hits)) + "\n")
    if not cfg.rules:
        error_line("warning: the config has no 'rules:': nothing to replay")
    elif fmt is RulesFormat.table:
        error_line(f"{len(hits)} match{'es' if len(hits) != 1 else ''}; nothing was sent")


def run_rules(store: Any, cfg: Any, after_id: int) -> bool:
    """The rules over the mentions stored after ``after_id`` (their actions applied once),
    then every rule's waiting matches sent; False when a notification did not go out (its
    matches wait for the next run)."""
    if not cfg.rules:
        return True
    from brandwatch_cli import notify
    from brandwatch_cli.insight.rule_runs import apply_rules, deliver
    from brandwatch_cli.output.rules import rule_message

    now = utc_now()
    apply_rules(store, cfg, after_id, now)
    deliveries: list[Any] = []

    def send(rule: Any, hits: Any) -> bool:
        title, body = rule_message(rule.name, hits)
        urls = [cfg.channels[name] for name in rule.notify]
        sent = notify.send(urls, title, body, timeout=cfg.notify_timeout)
        deliveries.extend(sent)
        return any(d.reached for d in sent)

    deliver(store, cfg, now, send)
    report_deliveries(deliveries)
    return all(d.ok for d in deliveries)
