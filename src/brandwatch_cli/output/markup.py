"""Web text made inert in HTML and SVG: the one home of the escaping the digest (``html``),
the report page (``report_html``) and the charts (``chart``, ``svg``) share.

Text from the web (titles, authors, sources, phrases, keyword names) goes through ``h`` at the
point where it is written into markup, whether as element text or as an attribute value: its
control characters and line breaks are removed first (``text.one_line``), then what XML cannot
hold at all (lone surrogates, which no UTF-8 file can store either), then ``&``, ``<``, ``>``
and both quotes are escaped. Only an http(s) URL becomes a link (``link``); any other
(``javascript:``, ``data:``, a relative path) stays text.
"""

from __future__ import annotations

import re
from html import escape

from brandwatch_cli.text import one_line, web_link

#: What XML (and so SVG) cannot hold, beyond the control characters ``one_line`` removes.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


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
