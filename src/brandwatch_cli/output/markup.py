"""Web text made inert in HTML, SVG and Markdown: the one home of the escaping the digest
(``html``, ``markdown``), the report page (``report_html``), the charts (``chart``, ``svg``) and
the sections (``aspects``, ``spikes``, ``themes``) share.

Text from the web (titles, authors, sources, phrases, keyword names) goes through ``h`` at the
point where it is written into markup, whether as element text or as an attribute value: its
control characters and line breaks are removed first (``text.one_line``), then what XML cannot
hold at all (lone surrogates, which no UTF-8 file can store either), then ``&``, ``<``, ``>``
and both quotes are escaped. Only an http(s) URL becomes a link (``link``); any other
(``javascript:``, ``data:``, a relative path) stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import quote

from brandwatch_cli.text import one_line, web_link

#: What XML (and so SVG) cannot hold, beyond the control characters ``one_line`` removes.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>|~"})


def drawable(value: object) -> str:
    """Text from the web fit to draw: one line, no control, bidi-override or unpaired
    character. Not escaped (the PNG chart draws it as it is)."""
    return _NOT_XML.sub("", one_line("" if value is None else value))


def h(value: object) -> str:
    """Untrusted text as HTML or SVG text or attribute value: cleaned, then all escaped."""
    return escape(drawable(value), quote=True)


def link(text: object, url: object, style: str = "") -> str:
    """A link to ``url`` when it is an http(s) URL, else ``text`` alone; both escaped. The
    page that opens it learns nothing of the report's (``noopener noreferrer``)."""
    target = web_link(url)
    if target is None:
        return h(text)
    styled = f' style="{h(style)}"' if style else ""
    return f'<a href="{h(target)}" rel="noopener noreferrer"{styled}>{h(text)}</a>'


def md(value: object) -> str:
    """Web text as inert Markdown on one line: no link, emphasis, tag, code or cell break."""
    return one_line("" if value is None else value).translate(_MARKDOWN_SPECIAL)


def md_link(text: str, url: object) -> str:
    """``[text](url)`` for an http(s) URL; any other URL is escaped text after ``text``."""
    target = web_link(url)
    if target is None:
        return md(text) + (f" (not a web link: {md(url)})" if url else "")
    return f"[{md(text)}]({quote(target, safe=':/?#[]@!$&*+,;=%~-._')})"


def md_table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: int = 0) -> str:
    """A GFM table of already-escaped cells; columns from index ``right`` on align right."""
    align = ["---" if i < right or not right else "--:" for i in range(len(headers))]
    lines = [headers, align, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
