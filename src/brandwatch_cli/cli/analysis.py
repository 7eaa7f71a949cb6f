"""Commands about reading texts right: ``check`` and ``sentiment``.

Glue only, like every command: parse options, call the library, render, pick the exit code.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from brandwatch_cli.cli import status_codes
from brandwatch_cli.cli.common import (
    error_line,
    language_code,
    load,
    machine_output,
    quiet_broken_pipe,
    report_deliveries,
)
from brandwatch_cli.cli.options import ConfigOption
from brandwatch_cli.errors import ConfigError
from brandwatch_cli.output import plain as plaintext
from brandwatch_cli.text import one_line
from brandwatch_cli.times import zone_name

SENTIMENT_COLUMNS = ("language", "sentiment", "sentiment_label", "text", "sentiment_method")


class TextFormat(StrEnum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"


def check(
    config: ConfigOption = None,
    test: Annotated[
        str | None, typer.Option("--test", "-t", help="Show whether and why this text matches.")
    ] = None,
    title: Annotated[
        str, typer.Option("--title", help="With --test: a title to match along with the text.")
    ] = "",
    notify: Annotated[
        bool, typer.Option("--notify", help="Also send a test message to every notify URL.")
    ] = False,
) -> None:
    """Validate the config and every query; show what each keyword matches.

    With --test TEXT, show for each keyword whether TEXT matches, and why or why not.
    """
    from brandwatch_cli.analysis import mention_text
    from brandwatch_cli.language import detect_language
    from brandwatch_cli.matching.matcher import Matcher, keyword_node
    from brandwatch_cli.matching.querylang import describe, format_query
    from brandwatch_cli.output.rules import rule_lines
    from brandwatch_cli.text import counted
    from brandwatch_cli.times import duration_text

    cfg, _ = load(config, None)
    _check_notify(cfg, send=notify)
    _warn_about(cfg)
    with quiet_broken_pipe():
        out = sys.stdout
        zone = "" if cfg.timezone is UTC else f", dates and times in {zone_name(cfg.timezone)}"
        counts = (
            f"{counted(len(cfg.keywords), 'keyword')}, {counted(len(cfg.sources), 'source')}{zone}"
        )
        out.write(f"{cfg.path}: valid, {counts}\n")
        for keyword in cfg.keywords:
            node = keyword_node(keyword)
            out.write(f"\n{one_line(keyword.name)}\n")
            out.write(f"  query: {one_line(format_query(node))}\n")
            out.write(f"  matches: {one_line(describe(node))}\n")
            for label, values in (
                ("excluded inside", keyword.exclude),
                ("needs one of", keyword.require_any),
                ("languages", keyword.languages),
            ):
                if values:
                    out.write(f"  {label}: {one_line(', '.join(values))}\n")
            if keyword.case_sensitive:
                out.write("  case-sensitive\n")
            if keyword.lexicon:
                words = ", ".join(f"{w} {v:+g}" for w, v in keyword.lexicon)
                out.write(f"  sentiment overrides: {one_line(words)}\n")
            if keyword.reply_within:
                out.write(f"  reply within: {duration_text(keyword.reply_within)}\n")
        if cfg.aspects:
            out.write(f"\naspects: {one_line(', '.join(a.name for a in cfg.aspects))}\n")
        for rule in cfg.rules:
            out.write(f"\nrule {one_line(rule.name)}\n")
            out.write("".join(f"{line}\n" for line in rule_lines(rule)))
        if test is None:
            return
        language = detect_language(mention_text(title, test))
        out.write(f"\ntest text (language: {language or 'unknown'}):\n")
        for explanation in Matcher(cfg.keywords).explain(title, test):
            keyword = next(k for k in cfg.keywords if k.name == explanation.keyword)
            matched, reason = explanation.matched, explanation.reason
            if matched and keyword.languages and language not in keyword.languages:
                matched = False
                reason += f", but the language {language or 'unknown'} is not one of"
                reason += f" {', '.join(keyword.languages)}"
            mark = "MATCH   " if matched else "no match"
            out.write(f"  {mark} {one_line(keyword.name)}: {one_line(reason)}\n")


def sentiment(
    texts: Annotated[
        list[str] | None, typer.Argument(help="Texts to score; without any, one per stdin line.")
    ] = None,
    language: Annotated[
        str | None,
        typer.Option("--language", "-l", help="Read every text as this language (en, fr...)."),
    ] = None,
    fmt: Annotated[
        TextFormat, typer.Option("--format", "-f", help="table, csv or jsonl.")
    ] = TextFormat.table,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Apply this config's sentiment lexicon overrides, global and of the keywords"
            " a text names, and the model learned from its database's corrections, as scan"
            " does [$BRANDWATCH_CONFIG or ./brandwatch.yaml if present].",
        ),
    ] = None,
) -> None:
    """Score texts: language, sentiment (compound in [-1, 1]), label, text, in input order."""
    from brandwatch_cli import sentiment as analyzers
    from brandwatch_cli.analysis import combined_lexicon, kept_matches, mention_text
    from brandwatch_cli.language import detect_language
    from brandwatch_cli.matching.matcher import cached_matcher

    language = language_code(language)
    cfg, db_path = _optional_config(config)
    models = _learned_models(cfg, db_path)
    forced = language.lower() if language else None
    lines = texts if texts else _stdin_lines()

    def lexicon_for(text: str, lang: str | None) -> tuple[tuple[str, float], ...]:
        """As scan reads a mention: the global overrides, and those of each keyword the
        text names whose ``languages`` allow ``lang``."""
        if cfg is None:
            return ()
        by_name = {k.name: k for k in cfg.keywords}
        found = kept_matches(cached_matcher(cfg.keywords).match("", text), by_name, lang)
        return combined_lexicon(cfg.lexicon, cfg.keywords, [m.keyword for m in found])

    def rows() -> Iterator[dict[str, Any]]:
        for line in lines:
            text = mention_text("", line)
            lang = forced or detect_language(text)
            result = analyzers.analyze(text, lang, lexicon_for(line, lang))
            if lang in models:
                from brandwatch_cli.sentiment.learned import adjusted

                result = adjusted(models[lang], text, result)
            yield {
                "language": lang,
                "sentiment": round(result.score, 4),
                "sentiment_label": result.label,
                "text": line,
                "sentiment_method": result.method,
            }

    with quiet_broken_pipe():
        if fmt is not TextFormat.table:
            machine_output()
        if fmt is TextFormat.jsonl:
            for row in rows():
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif fmt is TextFormat.csv:
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(SENTIMENT_COLUMNS)
            for row in rows():
                writer.writerow(["" if row[c] is None else row[c] for c in SENTIMENT_COLUMNS])
        else:
            table = [
                [
                    r["language"] or "-",
                    f"{r['sentiment']:+.3f}",
                    r["sentiment_label"],
                    r["text"],
                    r["sentiment_method"],
                ]
                for r in rows()
            ]
            sys.stdout.write(plaintext.table(SENTIMENT_COLUMNS, table, right=("sentiment",)) + "\n")


def _optional_config(explicit: Path | None) -> tuple[Any, Any]:
    """The config named by -c or $BRANDWATCH_CONFIG (which must load), else ./brandwatch.yaml
    when there is one, and its database: scoring a text needs no config, but one's lexicon
    and its database's learned models change the scores."""
    from brandwatch_cli.config.load import CONFIG_ENV, resolve_config_path

    path = resolve_config_path(explicit)
    if explicit is None and not os.environ.get(CONFIG_ENV) and not path.exists():
        return None, None
    return load(path, None)


def _learned_models(cfg: Any, db_path: Any) -> dict[str, Any]:
    """The models learned from the corrections in the config's database (trained if they
    changed since the last scan, and kept for the next command where the database can be
    written); none without a database."""
    if cfg is None or db_path is None:
        return {}
    from brandwatch_cli.scan.learning import current_models
    from brandwatch_cli.store import MentionStore

    if not MentionStore.exists(db_path):
        return {}
    with MentionStore.open(db_path, create=False) as store:
        return current_models(store, cfg.lexicon, save=not store.read_only)


def _stdin_lines() -> Iterable[str]:
    for number, line in enumerate(sys.stdin):
        if number == 0:
            line = line.removeprefix("\ufeff")  # saved by Notepad or Excel
        yield line.rstrip("\r\n")


def _check_notify(cfg: Any, *, send: bool) -> None:
    """Notify URLs apprise cannot use are a config error (read offline); with ``send``, a
    test message goes to each, and one that fails ends the run with the notify exit code."""
    if not cfg.notify:
        if send:
            raise ConfigError("--notify needs a 'notify:' list of notification URLs in the config")
        return
    from brandwatch_cli import notify as notifier

    for at, url in enumerate(cfg.notify):
        problems = notifier.problems([url])
        if problems:
            from brandwatch_cli.config.rules import notify_lines

            lines = notify_lines(cfg.path)
            where = f"{cfg.path}:{lines[at]}" if at < len(lines) else f"{cfg.path}"
            raise ConfigError(f"{where}: 'notify': {problems[0]}")
    if not send:
        return
    deliveries = notifier.send(
        cfg.notify,
        "brandwatch test message",
        "brandwatch can reach this channel: digests and alerts will arrive here.",
        timeout=cfg.notify_timeout,
    )
    report_deliveries(deliveries)
    for delivery in deliveries:
        if delivery.ok:
            typer.echo(f"test message sent to {delivery.target}", err=True)
    if not all(d.ok for d in deliveries):
        raise typer.Exit(status_codes.NOTIFY_FAILED)


def _warn_about(cfg: Any) -> None:
    """What is valid but will not work as meant: one ``warning:`` line each, on stderr."""
    from brandwatch_cli.matching.term_warnings import broad_terms, misread_terms
    from brandwatch_cli.sources.bluesky import HANDLE_ENV, PASSWORD_ENV

    for keyword in cfg.keywords:
        for term in broad_terms(keyword):
            error_line(
                f"warning: keyword {keyword.name!r}: {term!r} alone will match nearly every text"
                " (use a longer term, a phrase, or a query with AND)"
            )
        for reason in misread_terms(keyword):
            error_line(f"warning: keyword {keyword.name!r}: {reason}")
    missing = [name for name in (HANDLE_ENV, PASSWORD_ENV) if not os.environ.get(name)]
    for source in cfg.sources:
        if source.type == "bluesky" and missing:
            error_line(
                f"warning: source {source.name!r} needs {' and '.join(missing)} in the"
                " environment of the scan (a Bluesky handle and an app password)"
            )
