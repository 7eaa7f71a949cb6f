"""``brandwatch corrections``: labelled texts that teach sentiment (issue 15): ``import`` a
CSV file of them, ``list`` the latest, ``stats`` per language and whether it has a model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from brandwatch_cli.cli.common import (
    language_code,
    load,
    quiet_broken_pipe,
    time_zone,
    utc_now,
)
from brandwatch_cli.cli.options import ConfigOption, DbOption, TzOption
from brandwatch_cli.errors import ConfigError, Interrupted
from brandwatch_cli.output import plain as plaintext
from brandwatch_cli.text import one_line

#: The largest file ``import`` reads.
MAX_BYTES = 50_000_000


def import_file(
    file: Annotated[Path, typer.Argument(help="A CSV file with a header: text,label[,language].")],
    language: Annotated[
        str | None,
        typer.Option("--language", "-l", help="The language of rows without one (else detected)."),
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Import the good rows even if some are bad.")
    ] = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Import labelled texts (positive, neutral, negative; or pos/neu/neg, 1/0/-1) as
    sentiment corrections: once a language has enough, a model learned from them adjusts its
    scores at the next scan or rescore."""
    from brandwatch_cli.cli.workflow import user_name
    from brandwatch_cli.language import detect_language
    from brandwatch_cli.sentiment.corrections import read_corrections
    from brandwatch_cli.store import MentionStore

    language = language_code(language)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(
                f"{file}: {size:,} bytes, more than the {MAX_BYTES:,} an import reads (split it)"
            )
        data = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read it ({exc.strerror or exc})") from None
    parsed = read_corrections(data, str(file), language and language.lower(), detect_language)
    for problem in parsed.problems[:50]:
        typer.echo(one_line(problem), err=True)
    if len(parsed.problems) > 50:
        typer.echo(f"... and {len(parsed.problems) - 50} more problems", err=True)
    if not parsed.complete:
        raise ConfigError(f"{file}: could not be read to the end; nothing was imported")
    if parsed.problems and not skip_bad:
        raise ConfigError(
            f"{file}: {len(parsed.problems)} bad row{'s' if len(parsed.problems) != 1 else ''};"
            " nothing was imported (fix them, or import the rest with --skip-bad)"
        )
    _, db_path = load(config, db, db_alone=True)
    try:
        with MentionStore.open(db_path) as store:  # labels may come before the first scan
            store.add_corrections(parsed.rows, utc_now(), user_name())
    except KeyboardInterrupt:
        raise Interrupted("import interrupted; nothing was imported") from None
    counts: dict[str, int] = {}
    for _, _, lang in parsed.rows:
        counts[lang or "unknown"] = counts.get(lang or "unknown", 0) + 1
    each = ", ".join(f"{n} {lang}" for lang, n in sorted(counts.items())) or "none"
    bad = len(parsed.problems)
    skipped = f"; {bad} bad row{'s' if bad != 1 else ''} skipped" if bad else ""
    noun = "correction" if len(parsed.rows) == 1 else "corrections"
    typer.echo(f"Imported {len(parsed.rows)} {noun} ({each}){skipped}", err=True)


def list_corrections(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many.")] = 20,
    config: ConfigOption = None,
    db: DbOption = None,
    tz: TzOption = None,
) -> None:
    """The latest corrections, newest first: when (on your clocks), from where (mark or
    import), the label."""
    from brandwatch_cli.output.wording import stored_when
    from brandwatch_cli.store import MentionStore

    cfg, db_path = load(config, db, db_alone=True)
    zone = time_zone(cfg, tz)
    with MentionStore.open(db_path, create=False) as store:
        rows = store.recent_corrections(limit)
    columns = ("id", "at", "source", "language", "label", "mention", "text")
    table = [
        [
            str(r["id"]),
            stored_when(r["at"], zone),
            str(r["source"]),
            str(r["language"] or "-"),
            str(r["label"]),
            str(r["mention_id"] or "-"),
            one_line(str(r["text"]))[:80],
        ]
        for r in rows
    ]
    with quiet_broken_pipe():
        sys.stdout.write(plaintext.table(columns, table, right=("id",)) + "\n")


def stats(
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Corrections per language and label, and whether each language has enough for a model
    (retrained at the next scan or rescore)."""
    from brandwatch_cli.sentiment.learned import LABELS, enough
    from brandwatch_cli.store import MentionStore

    _, db_path = load(config, db, db_alone=True)
    with MentionStore.open(db_path, create=False) as store:
        examples = store.training_examples()
        models = store.stored_models()
    per: dict[str, list[str]] = {}
    for _, label, lang in examples:
        per.setdefault(lang or "-", []).append(label)
    columns = ("language", *LABELS, "total", "model")
    table = [
        [
            lang,
            *(str(labels.count(label)) for label in LABELS),
            str(len(labels)),
            "yes" if lang in models else "enough" if enough(labels) else "not enough",
        ]
        for lang, labels in sorted(per.items())
    ]
    with quiet_broken_pipe():
        sys.stdout.write(plaintext.table(columns, table, right=(*LABELS, "total")) + "\n")
