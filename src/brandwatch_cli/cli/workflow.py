"""Acting on what was heard: ``mark`` mentions (status, assignee, tags, a note), each action
kept in their history with who did it."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from brandwatch_cli.cli.common import load, utc_now
from brandwatch_cli.cli.options import MAX_ID, ConfigOption, DbOption, Sentiment, Status
from brandwatch_cli.errors import ConfigError, Interrupted
from brandwatch_cli.models import TriageActions
from brandwatch_cli.text import clean_text, one_line


def mark(
    ids: Annotated[
        list[int], typer.Argument(max=MAX_ID, help="Mention ids (from `mentions` or `export`).")
    ],
    status: Annotated[
        Status | None, typer.Option("--status", help="todo, replied, ignored (or new again).")
    ] = None,
    assign: Annotated[
        str | None, typer.Option("--assign", help="Who is to answer them (replaces anyone else).")
    ] = None,
    unassign: Annotated[bool, typer.Option("--unassign", help="Assign them to nobody.")] = False,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Add this tag (repeatable; free text).")
    ] = None,
    untag: Annotated[
        list[str] | None, typer.Option("--untag", help="Remove this tag, whatever its case.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with them.")] = None,
    sentiment: Annotated[
        Sentiment | None,
        typer.Option(
            "--sentiment",
            help="Set their label: positive, neutral or negative (kept by rescore; a training"
            " example).",
        ),
    ] = None,
    relevant: Annotated[
        bool,
        typer.Option(
            "--relevant", help="About us: never noise (a label the relevance model learns from)."
        ),
    ] = False,
    irrelevant: Annotated[
        bool,
        typer.Option(
            "--irrelevant",
            help="Not about us (Orange the fruit): noise from now on, and a label the"
            " relevance model learns from.",
        ),
    ] = False,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who marks [default: $BRANDWATCH_USER, else the login name]."),
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Triage mentions: set their status, assign them, tag them, correct their sentiment,
    add a note. Digests and reports stop listing handled ones (replied, ignored) as needing an
    answer; every action is kept in the mention's history (`show`), with when and by whom."""
    from brandwatch_cli.store import MentionStore

    if relevant and irrelevant:
        raise ConfigError("--relevant and --irrelevant exclude each other: give one")
    if note is not None:  # text from a user, as hostile as text from the web: stored clean
        note = clean_text(note)
        if not note:  # as --tag '' is: never a silently lost note
            raise ConfigError("--note needs a non-empty value")
    actions = TriageActions(
        status=status.value if status else None,
        assign=_name(assign, "--assign"),
        unassign=unassign,
        tags=tuple(_name(t, "--tag") or "" for t in tag or ()),
        untags=tuple(_name(t, "--untag") or "" for t in untag or ()),
        note=note,
        sentiment=sentiment.value if sentiment else None,
        relevance="relevant" if relevant else "irrelevant" if irrelevant else None,
    )
    if actions.assign is not None and actions.assign.casefold() == "none":
        raise ConfigError("--assign none: to assign mentions to nobody, use --unassign")
    if actions.assign is not None and actions.unassign:
        raise ConfigError("--assign and --unassign exclude each other: give one")
    both = {t.casefold() for t in actions.tags} & {t.casefold() for t in actions.untags}
    if both:
        raise ConfigError(f"--tag and --untag both name {sorted(both)[0]!r}: give one")
    if not actions:  # a usage error, with the usage line, as a missing argument is
        import click

        raise click.UsageError(
            "nothing to do: give --status, --assign, --unassign, --tag, --untag, --sentiment,"
            " --relevant, --irrelevant or --note"
        )
    cfg, db_path = load(config, db, db_alone=True)
    who = _name(by, "--by") if by is not None else user_name()
    missing: list[int] | None = None
    try:
        with MentionStore.open(db_path, create=False) as store:
            missing = store.triage(ids, actions, utc_now(), by=who)
            if actions.relevance and not missing:
                from brandwatch_cli.scan.relevance import MARK_BUDGET, update_relevance

                update_relevance(store, cfg, utc_now(), budget=MARK_BUDGET)
    except KeyboardInterrupt:
        kept = "nothing was marked" if missing is None else "the mentions are marked"
        raise Interrupted(f"mark interrupted; {kept}") from None
    if missing:
        named = ", ".join(map(str, missing[:_NAMED]))  # one readable line, however many
        more = f" and {len(missing) - _NAMED:,} more" if len(missing) > _NAMED else ""
        raise ConfigError(  # a wrong command-line value, as for `show` and `open`: exit 2
            f"no mention with id {named}{more}; nothing was marked"
        )
    done = len(set(ids))
    typer.echo(f"Marked {done} mention{'s' if done != 1 else ''} {_summary(actions)}", err=True)


#: How many missing ids an error names before "and N more".
_NAMED = 10


def _name(value: str | None, option: str) -> str | None:
    """A name or tag as typed, on one line; an empty one is a usage error."""
    if value is None:
        return None
    cleaned = one_line(value).strip()
    if not cleaned:
        raise ConfigError(f"{option} needs a non-empty value")
    return cleaned


def _summary(actions: TriageActions) -> str:
    """``replied, assigned to alice, tagged urgent, with a note``."""
    parts = [actions.status] if actions.status else []
    if actions.unassign:
        parts.append("unassigned")
    if actions.assign:
        parts.append(f"assigned to {actions.assign}")
    parts += [f"untagged {t}" for t in actions.untags] + [f"tagged {t}" for t in actions.tags]
    if actions.sentiment:
        parts.append(f"{actions.sentiment} (sentiment)")
    if actions.relevance:
        parts.append(actions.relevance)
    if actions.note:
        parts.append("with a note")
    return ", ".join(p for p in parts if p)


def user_name() -> str | None:
    """Who marks, for the status history: ``$BRANDWATCH_USER`` (a shared account, a bot),
    else the login name; None when neither is known (a container without a passwd entry)."""
    import getpass

    name = os.environ.get("BRANDWATCH_USER", "").strip()
    if not name:
        try:
            name = getpass.getuser()
        except (OSError, KeyError, ImportError):
            name = ""
    return one_line(name).strip() or None
