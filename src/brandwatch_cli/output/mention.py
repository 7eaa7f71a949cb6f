"""One mention in full, for ``brandwatch show``: Rich sections on a terminal, plain text when
piped, and JSON for scripts.

The three say the same things, in the same order: the facts (source, link, author, dates,
language, sentiment and how it was read, engagement, status), each keyword with the terms that
matched and where, the whole text, the other sources' copies of the story, and the status
history. Every string from the web is escaped by the medium that shows it: ``safe`` (a Rich
``Text``, control characters removed) on a terminal, ``one_line``/``strip_controls`` in plain
text; JSON carries it as stored.

``show --format json`` (``mention_detail_json``), version 1; keys are only ever added:

- ``version`` (int): 1.
- ``mention`` (object): the mention as one line of ``brandwatch export --format jsonl``
  (``keywords`` an array, ``engagement`` and ``matched_terms`` objects).
- ``language_source`` (string or null): ``"declared"`` when the source said the language,
  ``"detected"`` when brandwatch found it, null when the mention has none.
- ``matches`` (array, by keyword name): ``keyword`` (string), ``terms`` (array of the keyword's
  terms that matched), ``fields`` (array: ``"title"``, ``"text"`` or both: where they
  matched), ``sentiment`` (number), ``sentiment_label`` (string) and ``sentiment_of``
  (``"keyword"`` when the score is this keyword's own, ``"mention"`` when it is the mention's).
- ``copies`` (array): the same story from other sources: ``source``, ``url``, ``domain``,
  ``published_at`` (strings or null).
- ``status_history`` (array, oldest first): ``status`` (the mention's status after the
  action), ``note`` (string or null), ``at`` (ISO 8601 UTC), ``by`` (string or null: the user
  who marked it), ``what`` (``status``, ``assigned``, ``unassigned``, ``tagged``,
  ``untagged`` or ``note``) and ``value`` (the name or tag it concerns, or null). The first
  entry is the mention's arrival: ``new`` at its ``fetched_at``, by null; each action of a
  ``mark`` adds one.
- ``reply_by`` (ISO 8601 UTC or null): when the mention should have been answered by (its
  fetch time plus the shortest ``reply_within`` of its keywords; null without one), and
  ``overdue`` (boolean): still ``new`` or ``todo`` after that.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, tzinfo
from typing import Any

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text

from brandwatch_cli.models import KeywordHit, MentionDetail, StatusChange, StoryCopy
from brandwatch_cli.output.aspects import aspects_text
from brandwatch_cli.output.console import safe
from brandwatch_cli.output.json import mention_json
from brandwatch_cli.output.layout import Column, plan
from brandwatch_cli.output.terminal import SENTIMENT_STYLES
from brandwatch_cli.output.triage import action_text, tags_text
from brandwatch_cli.output.wording import (
    average_text,
    engagement_text,
    link_line,
    mention_title,
    stored_when,
)
from brandwatch_cli.text import one_line, strip_controls, web_link
from brandwatch_cli.times import local_text

JSON_VERSION = 1
#: Width of the text's lines in plain output (it is stored as one line).
TEXT_WIDTH = 100

METHODS = {
    "vader": "VADER, English",
    "fr": "brandwatch's French analyzer",
    "emoji": "emoticons and emoji only: a language not scored word by word",
    "none": "not scored: a language we do not read",
}
KEYWORD_HEADERS = ("keyword", "terms", "where", "sentiment")
COPY_HEADERS = ("source", "domain", "published", "link")
HISTORY_HEADERS = ("when", "what", "by", "note")


# What is said, the same in every medium (plain strings, not yet escaped) ----------------------


def label_of(score: float) -> str:
    """The label of a score, with the analyzers' thresholds (``sentiment.label``'s)."""
    return "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"


def keyword_sentiment(detail: MentionDetail, hit: KeywordHit) -> tuple[float, str, str]:
    """(score, label, whose) for one keyword: its own score when stored, else the mention's."""
    if hit.sentiment is not None:
        return hit.sentiment, hit.sentiment_label or label_of(hit.sentiment), "keyword"
    row = detail.mention
    return row["sentiment"], row["sentiment_label"], "mention"


def language_source(detail: MentionDetail) -> str | None:
    language = detail.mention["language"]
    if not language:
        return None
    return "declared" if language == detail.source_language else "detected"


def facts(detail: MentionDetail, tz: tzinfo = UTC) -> list[tuple[str, str]]:
    """(label, value) lines about the mention, times on ``tz``'s clocks; empty values are
    left out."""
    row = detail.mention
    language = row["language"]
    method = row["sentiment_method"]
    said = {"declared": "declared by the source", "detected": "detected"}
    lines = [
        ("source", row["source"]),
        ("link", link_line(row["url"])),
        ("author", row["author"] or ""),
        ("published", _at(row["published_at"], tz)),
        ("fetched", _at(row["fetched_at"], tz)),
        (
            "language",
            f"{language} ({said[language_source(detail) or 'detected']})"
            if language
            else "none (no words to read)",
        ),
        ("sentiment", f"{average_text(row['sentiment'])} {row['sentiment_label']}"),
        ("read by", f"{method} ({METHODS[method]})" if method in METHODS else method),
        ("engagement", engagement_text(row["engagement"])),
        ("aspects", aspects_text(row.get("aspects"))),
        ("relevance", relevance_text(detail)),
        ("status", status_text(detail, tz)),
        ("assignee", row["assignee"] or ""),
        ("tags", tags_text(row["tags"])),
        ("reply by", _reply_by_text(detail, tz)),
        ("note", row["note"] or ""),
    ]
    return [(label, value) for label, value in lines if value]


def relevance_text(detail: MentionDetail) -> str:
    """``0.83``, or ``0.00 (labelled irrelevant by bob)``; empty while unscored."""
    score = detail.mention.get("relevance")
    label = next((c for c in reversed(detail.history) if c.what == "relevance"), None)
    if label is not None:
        by = f" by {label.by}" if label.by else ""
        return f"{score if score is not None else 0:.2f} (labelled {label.value}{by})"
    return "" if score is None else f"{score:.2f}"


def status_text(detail: MentionDetail, tz: tzinfo = UTC) -> str:
    """``replied since 2026-11-21 10:00 UTC by alice``; ``new since <fetched>`` when unmarked."""
    last = next((c for c in reversed(detail.history) if c.what == "status"), None)
    if last is None:
        return f"{detail.mention['status']} since {_at(detail.mention['fetched_at'], tz)}"
    return f"{last.status} since {_at(last.at, tz)}" + (f" by {last.by}" if last.by else "")


def _reply_by_text(detail: MentionDetail, tz: tzinfo) -> str:
    """``2026-11-21 14:00 CET (overdue)``; "" without a ``reply_within``."""
    if detail.reply_by is None:
        return ""
    return _at(detail.reply_by.isoformat(), tz) + (" (overdue)" if detail.overdue else "")


def history(detail: MentionDetail) -> list[StatusChange]:
    """The status history, starting with the mention's arrival."""
    arrival = StatusChange("new", None, detail.mention["fetched_at"], None)
    return [arrival, *detail.history]


def where_text(hit: KeywordHit) -> str:
    return " and ".join(hit.fields) or "-"


def terms_text(hit: KeywordHit) -> str:
    return ", ".join(f'"{term}"' for term in hit.terms)


def _iso(value: object) -> str | None:
    """A time for JSON: stored ISO strings as they are, a datetime in ISO 8601."""
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else None if value is None else str(value)


def _at(value: object, tz: tzinfo) -> str:
    """A stored time on ``tz``'s clocks, with the zone's abbreviation: ``2026-11-21 11:00 CET``."""
    if not value:
        return ""
    try:
        return local_text(datetime.fromisoformat(str(value)), tz, zone_label=True)
    except ValueError:
        return stored_when(value)


def _change_cells(change: StatusChange, first: bool, tz: tzinfo) -> list[str]:
    """A row of the status history; the first is the mention's arrival, by no one."""
    if first:
        return [_at(change.at, tz), change.status, "", "arrived"]
    return [_at(change.at, tz), action_text(change), change.by or "(unknown)", change.note or ""]


def _copy_cells(copy: StoryCopy, tz: tzinfo) -> list[str]:
    return [copy.source, copy.domain or "", _at(copy.published_at, tz), link_line(copy.url)]


# JSON -----------------------------------------------------------------------------------------


def mention_detail_json(detail: MentionDetail) -> dict[str, Any]:
    """The structure described in this module's docstring."""
    matches = []
    for hit in detail.keywords:
        score, label, whose = keyword_sentiment(detail, hit)
        matches.append(
            {
                "keyword": hit.keyword,
                "terms": list(hit.terms),
                "fields": list(hit.fields),
                "sentiment": score,
                "sentiment_label": label,
                "sentiment_of": whose,
            }
        )
    return {
        "version": JSON_VERSION,
        "mention": mention_json(detail.mention),
        "language_source": language_source(detail),
        "matches": matches,
        "copies": [
            {
                "source": c.source,
                "url": c.url,
                "domain": c.domain,
                "published_at": _iso(c.published_at),
            }
            for c in detail.copies
        ],
        "status_history": [
            {
                "status": c.status,
                "note": c.note,
                "at": c.at,
                "by": c.by,
                "what": c.what,
                "value": c.value,
            }
            for c in history(detail)
        ],
        "reply_by": _iso(detail.reply_by.astimezone(UTC)) if detail.reply_by else None,
        "overdue": detail.overdue,
    }


# Plain text -----------------------------------------------------------------------------------


def mention_detail_text(detail: MentionDetail, tz: tzinfo = UTC) -> str:
    """For a pipe or a file: headings underlined, ``label: value`` lines, the text wrapped;
    times on ``tz``'s clocks."""
    from brandwatch_cli.output.plain import table

    row = detail.mention
    lines = [f"#{row['id']} {mention_title(row)}", ""]
    width = max(len(label) for label, _ in facts(detail, tz))
    lines += [f"{label + ':':<{width + 1}} {one_line(value)}" for label, value in facts(detail, tz)]
    lines += ["", *_heading("Keywords")]
    cells = [_hit_cells(detail, hit) for hit in detail.keywords]
    lines.append(table(KEYWORD_HEADERS, cells) if cells else "none")
    lines += ["", *_heading("Text")]
    text = strip_controls(row["text"] or "")
    lines += textwrap.wrap(text, TEXT_WIDTH, break_long_words=False, break_on_hyphens=False) or [
        "(no text)"
    ]
    lines += ["", *_heading("Copies")]
    copies = [_copy_cells(c, tz) for c in detail.copies]
    lines.append(table(COPY_HEADERS, copies) if copies else "none")
    lines += ["", *_heading("Status history")]
    changes = [_change_cells(c, i == 0, tz) for i, c in enumerate(history(detail))]
    lines.append(table(HISTORY_HEADERS, changes))
    return "\n".join(lines) + "\n"


def _heading(title: str) -> list[str]:
    return [title, "=" * len(title)]


def _hit_cells(detail: MentionDetail, hit: KeywordHit) -> list[str]:
    score, label, whose = keyword_sentiment(detail, hit)
    sentiment = f"{average_text(score)} {label}"
    if whose != "keyword":
        sentiment += " (the mention's)"
    return [hit.keyword, terms_text(hit), where_text(hit), sentiment]


# A terminal -----------------------------------------------------------------------------------


def render_mention_detail(detail: MentionDetail, out: Console, tz: tzinfo = UTC) -> None:
    """Rich sections: title, facts, keywords, text, copies, status history; times on
    ``tz``'s clocks."""
    row = detail.mention
    title = safe(mention_title(row), "bold")
    link = web_link(row["url"])
    if link:
        title.stylize(Style(link=link))
    out.print(Text.assemble((f"#{row['id']} ", "bold"), title))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column(overflow="fold")
    for label, value in facts(detail, tz):
        style = SENTIMENT_STYLES.get(row["sentiment_label"], "") if label == "sentiment" else ""
        cell = safe(value, style)
        if label == "link" and link:
            cell.stylize(Style(link=link))
        grid.add_row(label, cell)
    out.print(Padding(grid, (1, 0, 0, 0)))
    keywords = _keyword_table(detail, out.width - 2) if detail.keywords else None
    _section("Keywords", keywords, out)
    text = safe(row["text"] or "(no text)")
    _section("Text", text, out)
    _section("Copies", _table([_copy_cells(c, tz) for c in detail.copies], COPY_HEADERS), out)
    changes = [_change_cells(c, i == 0, tz) for i, c in enumerate(history(detail))]
    _section("Status history", _table(changes, HISTORY_HEADERS), out)


def _section(title: str, body: RenderableType | None, out: Console) -> None:
    out.print()
    out.print(Text(title, style="bold underline"))
    out.print(Padding(body if body is not None else Text("none", style="dim"), (0, 0, 0, 2)))


#: ``show``'s keyword table: the name whole, the terms wrapped, where they matched dropped
#: first when short of width; one block per keyword when even that does not fit.
KEYWORD_LAYOUT = (
    Column("keyword", "name"),
    Column("terms", "text", least=12),
    Column("where", drop=1),
    Column("sentiment"),
)


def _keyword_table(detail: MentionDetail, width: int) -> RenderableType:
    rows: list[list[Text]] = []
    for hit in detail.keywords:
        score, label, whose = keyword_sentiment(detail, hit)
        sentiment = Text(f"{average_text(score)} {label}", style=SENTIMENT_STYLES.get(label, ""))
        if whose != "keyword":
            sentiment.append(" (the mention's)", style="dim")
        rows.append([safe(hit.keyword), safe(terms_text(hit)), Text(where_text(hit)), sentiment])
    cells = [[cell_len(cell.plain) for cell in row] for row in rows]
    chosen = plan(KEYWORD_LAYOUT, cells, width, gap=2, edge=-2, headers_wrap=False)
    if chosen.stacked:
        blocks: list[RenderableType] = []
        for row in rows:
            blocks.append(row[0].copy())
            facts = Text(" · ").join(
                Text.assemble(f"{c.header} ", row[i]) for i, c in enumerate(KEYWORD_LAYOUT) if i
            )
            blocks.append(Padding(facts, (0, 0, 0, 2)))
        return Group(*blocks)
    table = Table(box=None, padding=(0, 2, 0, 0), pad_edge=False, header_style="dim")
    for i, column_width in zip(chosen.kept, chosen.widths, strict=True):
        table.add_column(KEYWORD_LAYOUT[i].header, width=column_width, overflow="fold")
    for row in rows:
        table.add_row(*(row[i] for i in chosen.kept))
    return table


def _table(rows: list[list[str]], headers: tuple[str, ...]) -> Table | None:
    if not rows:
        return None
    table = _plain_table(headers)
    for values in rows:
        table.add_row(*(safe(value) for value in values))
    return table


def _plain_table(headers: tuple[str, ...]) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), pad_edge=False, header_style="dim")
    for name in headers:
        table.add_column(name, overflow="fold")
    return table
