"""Feed text loses no words: the cases issue 10 found, through ``parse_feed`` and both paths."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from brandwatch_cli.models import Item
from brandwatch_cli.sources import feed
from brandwatch_cli.sources.fastfeed import parse_fast
from brandwatch_cli.sources.feed import parse_feed

URL = "https://feeds.example.com/feed"
ATOM = '<feed xmlns="http://www.w3.org/2005/Atom"{attrs}><entry>{entry}</entry></feed>'
RSS = (
    '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><item>{entry}</item>'
    "</channel></rss>"
)


def _atom(entry: str, attrs: str = "") -> bytes:
    return ATOM.format(attrs=attrs, entry=entry).encode()


def _rss(entry: str) -> bytes:
    return RSS.format(entry=entry).encode()


def _feedparser_path(content: bytes, monkeypatch: pytest.MonkeyPatch) -> list[Item]:
    monkeypatch.setattr(feed, "parse_fast", lambda *args: None)
    return feed.parse_feed(content, {}, URL)


XHTML = '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{}</div></content>'


@pytest.mark.parametrize(
    ("content", "text"),
    [
        # Paragraphs of Atom XHTML stay apart, and its scripts stay out.
        (_atom(XHTML.format("<p>Acme</p><p>rocks</p><script>x()</script>")), "Acme rocks"),
        # An XHTML prefix is the same HTML.
        (
            _atom(
                '<content type="xhtml"><h:div xmlns:h="http://www.w3.org/1999/xhtml">'
                "<h:p>Acme</h:p><h:style>p {}</h:style><h:p>rocks</h:p></h:div></content>"
            ),
            "Acme rocks",
        ),
        # Base64 content is decoded.
        (
            _atom('<content type="application/octet-stream">QWNtZSA8Yj5yb2NrczwvYj4=</content>'),
            "Acme rocks",
        ),
        # An entry whose only text is an image's alt text is kept.
        (_atom(XHTML.format('<img alt="Acme rocks" src="x.png"/>')), "Acme rocks"),
        # Blogger: a self-closed iframe, an object never closed, hide nothing after them.
        (
            _rss(
                "<description>&lt;iframe src='v'/&gt;Acme &lt;object&gt;&lt;param/&gt;"
                "rocks &lt;svg/&gt;hard</description>"
            ),
            "Acme rocks hard",
        ),
        # Plain text is not HTML: its brackets are words.
        (_atom('<content type="text">History of the &lt;blink&gt; tag</content>'), None),
    ],
    ids=lambda content: content.decode()[:120] if isinstance(content, bytes) else None,
)
def test_no_word_is_lost_on_either_path(content, text, monkeypatch):
    fast = parse_fast(content, {}, URL)
    (careful,) = _feedparser_path(content, monkeypatch)
    assert careful.text == (text or "History of the <blink> tag")
    assert fast is None or fast == [careful]


@pytest.mark.parametrize(
    "content",
    [
        # feedparser takes the last of several alternates, the last of several authors, no
        # link to a PDF, the summary's language only from the feed: the fast path must too, or
        # step aside.
        _atom(
            '<title>t</title><link rel="alternate" href="http://a/1"/>'
            '<link rel="alternate" href="http://a/2"/>'
        ),
        _atom('<title>t</title><link rel="alternate" type="application/pdf" href="http://a/1"/>'),
        _atom('<title>t</title><link rel="related" href="http://a/1"/>'),
        _atom("<title>t</title><author><name>A</name></author><author><name>B</name></author>"),
        _atom("<title>t</title><summary>s</summary>", attrs=' xml:lang="fr"').replace(
            b"<entry>", b'<entry xml:lang="de">'
        ),
        _atom("<title>AT&amp;amp;T</title>"),
        _atom('<title type="html"><b>Acme</b></title>'),
        _rss("<title>t</title><author>a@b (A)</author><dc:creator>C</dc:creator>"),
        _rss("<title>t</title><dc:creator>C</dc:creator><author>a@b (A)</author>"),
        _rss('<title>t</title><content:encoded xml:lang="en">Acme</content:encoded>'),
        _rss("<title>t</title><category>c<image><title>Other</title></image></category>"),
        _rss("<title>t</title><description>Acme <b>rocks</b></description>"),
    ],
    ids=lambda content: content.decode()[:120] if isinstance(content, bytes) else None,
)
def test_the_fast_path_agrees_with_feedparser_or_steps_aside(content, monkeypatch):
    fast = parse_fast(content, {}, URL)
    careful = _feedparser_path(content, monkeypatch)
    assert fast is None or fast == careful


def _json_feed(**item: str) -> bytes:
    document = {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", **item}]}
    return json.dumps(document).encode()


def test_json_feed_titles_escaped_as_html_are_decoded():
    (item,) = parse_feed(_json_feed(title="AT&amp;T &lt;3 Acme"), {}, URL)
    assert item.title == "AT&T <3 Acme"
    (item,) = parse_feed(_json_feed(title="Acme <3 & co"), {}, URL)
    assert item.title == "Acme <3 & co"  # plain text stays as written


@pytest.mark.parametrize(
    "date",
    ["Mon, 16 Nov 2026 09:15:00 GMT", "Mon, 16 Nov 2026 10:15:00 +0100", "2026-11-16T09:15Z"],
)
def test_json_feed_dates_in_rfc_822_are_read(date):
    (item,) = parse_feed(_json_feed(title="Acme", date_published=date), {}, URL)
    assert item.published_at == datetime(2026, 11, 16, 9, 15, tzinfo=UTC)
