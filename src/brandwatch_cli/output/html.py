"""The digest as one HTML file for mail clients: table layout, inline styles, no script, no
external resource.

Web text is escaped (``markup.h``), quotes included, after control characters are stripped;
only http(s) URLs become links (``markup.link``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from brandwatch_cli.models import MentionRow
from brandwatch_cli.output.markup import h, link
from brandwatch_cli.output.rules import held_html
from brandwatch_cli.output.spikes import spike_html
from brandwatch_cli.output.themes import HEADERS as THEME_HEADERS
from brandwatch_cli.output.themes import theme_cells
from brandwatch_cli.output.wording import (
    KEYWORD_COLUMNS,
    PROBLEM_COLUMNS,
    digest_context,
    digest_headline,
    digest_title,
    keyword_cells,
    link_line,
    mention_facts,
    mention_sentiment,
    mention_title,
    problem_cells,
    ranked_for_reply,
    top_mentions,
)
from brandwatch_cli.text import web_link

if TYPE_CHECKING:
    from brandwatch_cli.insight.digest import Digest

FONT = "font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.45;color:#1f2933"
CELL = "padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top"
HEAD = f"{CELL};background:#f5f7fa;font-weight:bold"
H2 = "margin:20px 0 8px;font-size:17px;color:#102a43"
LINK = "color:#0b5cad;text-decoration:underline"
SENTIMENT_COLOURS = {"positive": "#1b7f3b", "neutral": "#7a5b00", "negative": "#b42318"}


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Cells are HTML already escaped by the caller."""
    head = "".join(f'<th style="{HEAD}">{h(name)}</th>' for name in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="{CELL}">{c}</td>' for c in row) + "</tr>" for row in rows
    )
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"'
        f' style="border-collapse:collapse;width:100%;{FONT}"><tr>{head}</tr>{body}</table>'
    )


def _mention(row: MentionRow, more: str = "") -> str:
    colour = SENTIMENT_COLOURS.get(str(row.get("sentiment_label")), "#1f2933")
    url = row.get("url")
    other = f'<br><span style="color:#52606d">{h(link_line(url))}</span>'
    facts = mention_facts(row, sentiment=False) + (f" · {more}" if more else "")
    return (
        f'<div style="margin:0 0 10px">{link(mention_title(row), url, LINK)}<br>'
        f'<span style="color:{colour};font-weight:bold">{h(mention_sentiment(row))}</span>'
        f' <span style="color:#52606d">{h(facts)}</span>'
        + (other if url and not web_link(url) else "")
        + "</div>"
    )


def digest_html(digest: Digest) -> str:
    """One self-contained HTML document that reads well in a mail client."""
    from brandwatch_cli.output import triage

    headline = h(digest_headline(digest))
    parts = [
        f'<p style="margin:0 0 4px;color:#52606d">{h(digest_context(digest))}</p>',
        f'<p style="margin:8px 0;font-size:16px;font-weight:bold">{headline}</p>',
    ]
    if digest.empty:
        parts.append("<p>Nothing new: no mentions, no alerts, no source problems.</p>")
    parts.append(f'<h2 style="{H2}">Alerts</h2>')
    alerts = [spike_html(s, digest.tz) for s in digest.alerts]
    parts.append(
        f'<ul style="margin:0;padding-left:20px">{"".join(alerts)}</ul>'
        if alerts
        else "<p>None.</p>"
    )
    if digest.keywords:
        cells = [[h(c) for c in row] for row in keyword_cells(digest)]
        parts += [f'<h2 style="{H2}">Keywords</h2>', _table(KEYWORD_COLUMNS, cells)]
    parts.append(f'<h2 style="{H2}">Reply first</h2>')
    overdue = triage.overdue_text(digest.backlog.overdue)
    parts += [f'<p style="color:#b42318;font-weight:bold">{h(overdue)}</p>'] if overdue else []
    ranked = ranked_for_reply(digest.reply_first)
    parts += [_mention(row) for row in ranked] or ["<p>Nothing to answer.</p>"]
    parts.append(f'<h2 style="{H2}">{h(triage.BACKLOG_TITLE)}</h2>')
    parts += [_mention(row, age) for row, age in triage.backlog_entries(digest)] or (
        [] if digest.backlog.rows else ["<p>None.</p>"]
    )
    parts += [f"<p>{h(t)}</p>" for t in [triage.backlog_more(digest)] if t]
    parts += held_html(digest.held, H2, digest.tz)
    parts.append(f'<h2 style="{H2}">Top new mentions</h2>')
    for keyword, rows in top_mentions(digest):
        parts.append(f'<h3 style="margin:12px 0 6px;font-size:15px">{h(keyword)}</h3>')
        parts += [_mention(row) for row in rows]
    if not top_mentions(digest):
        parts.append("<p>None.</p>")
    if any(digest.themes.values()):
        parts.append(f'<h2 style="{H2}">Themes</h2>')
        for keyword, found in digest.themes.items():
            if found:
                theme_rows = [[h(cell) for cell in theme_cells(theme)] for theme in found]
                parts.append(f'<h3 style="margin:12px 0 6px;font-size:15px">{h(keyword)}</h3>')
                parts.append(_table(THEME_HEADERS, theme_rows))
    if digest.problems:
        cells = [[h(c) for c in row] for row in problem_cells(digest.problems, digest.tz)]
        parts += [f'<h2 style="{H2}">Source problems</h2>', _table(PROBLEM_COLUMNS, cells)]
    title = h(digest_title(digest))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>\n"
        '<body style="margin:0;padding:0;background:#eef2f6">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"'
        ' style="background:#eef2f6"><tr><td align="center" style="padding:16px 8px">'
        '<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0"'
        f' style="width:100%;max-width:640px;background:#ffffff;{FONT}">'
        f'<tr><td style="padding:20px 24px">'
        f'<h1 style="margin:0 0 8px;font-size:20px;color:#102a43">{title}</h1>\n'
        + "\n".join(parts)
        + "\n</td></tr></table></td></tr></table></body></html>\n"
    )
