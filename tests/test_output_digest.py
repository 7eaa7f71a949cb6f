"""Digest renderers (plain text, Markdown, mail HTML) on Digest values built by hand, including
mention text and source errors written to attack each format."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from brandwatch_cli.insight.digest import Digest
from brandwatch_cli.insight.report import Counts, KeywordStats, Period
from brandwatch_cli.models import MENTION_COLUMNS, NEGATIVE, VOLUME, Spike
from brandwatch_cli.output.html import digest_html
from brandwatch_cli.output.markdown import digest_markdown
from brandwatch_cli.output.plain import digest_text

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
HOSTILE = (
    '<script>alert(1)</script> "><img src=x onerror=alert(1)> \x1b[31mred\x1b[0m'
    " [click](http://evil) | col | *bold* line\nbreak"
)
RECALL = "https://news.example.com/recall?a=1&b=2"


def mention(mention_id: int, title: str, url: str | None, **fields: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(MENTION_COLUMNS)
    row |= {
        "id": mention_id,
        "source": "hackernews",
        "keywords": "Acme",
        "title": title,
        "url": url,
        "published_at": "2026-11-20T09:30:00+00:00",
        "fetched_at": "2026-11-20T10:00:00+00:00",
        "sentiment": -0.85,
        "sentiment_label": "negative",
        "text": "body",
        "engagement": '{"score": 12, "comments": 3}',
        "status": "new",
        "copies": 2,
        "outlets": 3,
    }
    row.update(fields)
    return row


def make_digest(**changes: object) -> Digest:
    digest = Digest(
        period=Period(NOW - timedelta(hours=24), NOW),
        previous=Period(NOW - timedelta(hours=48), NOW - timedelta(hours=24)),
        generated_at=NOW,
        total=Counts(42, 17, 15, 10, 0.12),
        previous_total=Counts(35, 14, 14, 7, 0.15),
        keywords=(
            KeywordStats("Acme", Counts(30, 10, 10, 10, -0.05), Counts(20, 8, 8, 4, 0.1), 0.75),
        ),
        alerts=(
            Spike("Acme", NEGATIVE, 14, 2.14, 8.27, 14),
            Spike("Globex", VOLUME, 25, 6.0, 14.2, 3),
        ),
        reply_first=(
            mention(7, "Recall announced", RECALL),
            mention(
                8,
                HOSTILE,
                "javascript:alert(1)",
                source="evil\x1b[2J",
                engagement='{"<b>\\u001b[5mvotes": 2}',
            ),
        ),
        top={
            "Acme": (
                mention(
                    11,
                    "Acme ships v2",
                    "https://blog.example.org/v2",
                    sentiment=0.6,
                    sentiment_label="positive",
                    engagement='{"likes": 340}',
                ),
                mention(12, '"><img src=x onerror=alert(1)>', "data:text/html,<script>x</script>"),
            )
        },
        problems=(
            {
                "source": "mastodon",
                "status": "rate limited",
                "last_error": "<b>HTTP 429</b>\x1b[31m",
                "failures": 3,
                "next_attempt": "2026-11-20T13:00:00+00:00",
                "last_success": None,
            },
        ),
    )
    return replace(digest, **changes)


def empty_digest() -> Digest:
    nothing = Counts(0, 0, 0, 0, None)
    return make_digest(
        total=nothing,
        previous_total=nothing,
        keywords=(),
        alerts=(),
        reply_first=(),
        top={},
        problems=(),
    )


# Plain text -------------------------------------------------------------------------------


def test_text_has_headline_alerts_reply_first_top_and_problems():
    text = digest_text(make_digest())
    assert text.startswith("Brand mentions digest, 2026-11-19 12:00 → 2026-11-20 12:00 UTC\n")
    assert "compared with 2026-11-18 12:00 → 2026-11-19 12:00 UTC" in text
    assert (
        "42 new mentions (+20% vs 35) · average sentiment +0.12 (-0.03 vs +0.15)"
        " · positive 40% · neutral 36% · negative 24%\n"
    ) in text
    assert (
        "! Acme: negative spike: 14 negative mentions in the last 24 h, usually 2.1"
        " (threshold 8.3, 14 windows of history)"
    ) in text
    assert (
        "! Globex: spike: 25 mentions in the last 24 h, usually 6.0 (threshold 14.2, 3 windows"
        in text
    )
    assert re.search(r"Acme\s+30\s+\+50%\s+75%\s+33%\s+33%\s+33%\s+-0\.05", text)
    assert (
        "  #7 Recall announced\n"
        "     -0.85 negative · hackernews · score 12 · comments 3 · status new\n"
        f"     {RECALL}\n"
    ) in text
    assert "  Acme\n    - Acme ships v2\n      +0.60 positive · hackernews · likes 340" in text
    assert "https://blog.example.org/v2" in text
    for heading in ("Alerts", "Keywords", "Top new mentions", "Source problems"):
        assert f"\n{heading}\n{'=' * len(heading)}\n" in text
    assert re.search(r"mastodon\s+rate limited\s+3\s+2026-11-20 13:00\s+<b>HTTP 429</b>", text)


def test_text_strips_escapes_and_shows_other_urls_as_text():
    text = digest_text(make_digest())
    assert "\x1b" not in text
    assert "red [click](http://evil) | col | *bold* line break" in text
    assert "not a web link: javascript:alert(1)" in text
    assert "not a web link: data:text/html,<script>x</script>" in text
    assert "evil · <b>votes 2 · status new" in text


# Markdown ---------------------------------------------------------------------------------


def test_markdown_has_every_section():
    text = digest_markdown(make_digest())
    assert text.startswith("# Brand mentions digest, 2026-11-19 12:00 → 2026-11-20 12:00 UTC\n")
    assert "**42 new mentions (+20% vs 35) · average sentiment +0.12" in text
    assert "- **Acme**: negative spike: 14 negative mentions in the last 24 h, usually 2.1" in text
    assert "| Acme | 30 | +50% | 75% | 33% | 33% | 33% | -0.05 |" in text
    assert (
        "| 7 | -0.85 negative | hackernews | [Recall announced](https://news.example.com/recall"
        "?a=1&b=2) | score 12 · comments 3 | 3 | new |"
    ) in text
    assert "### Acme\n\n- [Acme ships v2](https://blog.example.org/v2) · +0.60 positive" in text
    assert "| mastodon | rate limited | 3 | 2026-11-20 13:00 | \\<b\\>HTTP 429\\</b\\> |" in text


def test_markdown_escapes_mention_text_and_links_only_http():
    text = digest_markdown(make_digest())
    row = next(line for line in text.splitlines() if line.startswith("| 8 |"))
    assert len(re.split(r"(?<!\\)\|", row)) == 9  # seven cells: `| col |` split nothing
    assert "\\<script\\>" in row and "\\[click\\](http://evil)" in row and "line break" in row
    assert "| evil |" in row and "| \\<b\\>votes 2 | 3 | new |" in row
    assert "<script" not in text.replace("\\<script", "") and "\x1b" not in text
    assert "](javascript:" not in text and "](data:" not in text
    assert '\\"\\>\\<img' not in text and '"\\>\\<img src=x onerror=alert(1)\\>' in text


# HTML -------------------------------------------------------------------------------------


class Parsed(HTMLParser):
    """Every tag with its attributes, and the text a reader sees."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(document)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_has_every_section():
    html = digest_html(make_digest())
    page = Parsed(html)
    text = " ".join(" ".join(page.text).split())
    assert "Brand mentions digest, 2026-11-19 12:00 → 2026-11-20 12:00 UTC" in text
    assert (
        "42 new mentions (+20% vs 35) · average sentiment +0.12 (-0.03 vs +0.15) · positive 40%"
        in text
    )
    assert "Acme : negative spike: 14 negative mentions in the last 24 h, usually 2.1" in text
    assert "Acme 30 +50% 75% 33% 33% 33% -0.05" in text  # the keyword table
    assert "Recall announced -0.85 negative hackernews · score 12 · comments 3 · status new" in text
    assert "Acme ships v2 +0.60 positive hackernews · likes 340" in text
    assert "mastodon rate limited 3 2026-11-20 13:00 <b>HTTP 429</b>" in text
    headings = [t for t, _ in page.tags if t in ("h1", "h2", "h3")]
    assert headings == ["h1", "h2", "h2", "h2", "h2", "h2", "h3", "h2"]  # backlog after reply


def test_html_is_self_contained_inline_styled_and_width_limited():
    html = digest_html(make_digest())
    page = Parsed(html)
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "style", "link", "img", "iframe", "object", "embed", "form"}
    for tag, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on")], tag
        assert "src" not in attrs and "srcset" not in attrs
        assert "url(" not in (attrs.get("style") or "")
    hrefs = [attrs["href"] for tag, attrs in page.tags if "href" in attrs]
    assert hrefs == [RECALL, "https://blog.example.org/v2"]  # only the http(s) mention links
    assert any("max-width:640px" in (attrs.get("style") or "") for _, attrs in page.tags)
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html


def test_html_escapes_every_piece_of_mention_text():
    html = digest_html(make_digest())
    assert "<script" not in html and "<img" not in html and "<b>HTTP" not in html
    assert "\x1b" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x" in html
    assert "evil · &lt;b&gt;votes 2" in html
    text = "".join(Parsed(html).text)
    shown = HOSTILE.replace("\x1b[31m", "").replace("\x1b[0m", "").replace("\n", " ")
    assert shown in text  # shown, as text, without the escape sequences
    assert "not a web link: javascript:alert(1)" in text
    assert "not a web link: data:text/html,<script>x</script>" in text


@pytest.mark.parametrize("render", [digest_text, digest_markdown, digest_html])
def test_empty_digest_says_nothing_new(render):
    out = render(empty_digest())
    assert "Nothing new: no mentions, no alerts, no source problems." in out
    assert "0 new mentions (none in the previous period) · no sentiment average" in out
    assert "hackernews" not in out and "mastodon" not in out


@pytest.mark.parametrize("render", [digest_text, digest_markdown, digest_html])
def test_one_mention_is_singular(render):
    one = make_digest(total=Counts(1, 0, 0, 1, -0.5))
    assert "1 new mention (-97% vs 35) · average sentiment -0.50 (-0.65 vs +0.15)" in render(one)


@pytest.mark.parametrize(
    ("render", "shown"),
    [
        (digest_text, "! <i>x</i>|[a](http://evil): spike"),
        (digest_markdown, "- **\\<i\\>x\\</i\\>\\|\\[a\\](http://evil)**: spike"),
        (digest_html, "<b>&lt;i&gt;x&lt;/i&gt;|[a](http://evil)</b>: <span"),
    ],
)
def test_hostile_keyword_names_are_made_inert(render, shown):
    name = "<i>x</i>|[a](http://evil)\x1b[5m"
    digest = make_digest(alerts=(Spike(name, VOLUME, 9, 1.0, 4.0, 5),), top={name: ()})
    out = render(digest)
    assert "\x1b" not in out
    assert shown in out


def test_the_backlog_shows_the_sentiment_that_put_each_mention_there(cli, feed_server, tmp_path):
    """The digest's backlog lists older mentions "negative about one of their keywords"
    (README, Team triage) but showed each one's overall score: "Globex review" (loves
    Globex, hates Acme) waited at -0.14. It now shows the score that puts it there."""
    import json

    from helpers import ACME_GLOBEX, GLOBEX_REVIEW, connect, scanned_feed

    items = [{**GLOBEX_REVIEW, "guid": "1", "link": "https://n.example/1"}]
    config = scanned_feed(cli, feed_server, tmp_path, items, ACME_GLOBEX)
    row = json.loads(cli("export", "-c", config, "--format", "jsonl").stdout)
    own, about = row["sentiment"], row["keyword_sentiment"]["Acme"]
    with connect(tmp_path / "mentions.db") as conn:  # it arrived last week: backlog now
        conn.execute("UPDATE mentions SET fetched_at = '2026-01-01T00:00:00+00:00'")
    for fmt in ("text", "markdown", "html"):
        out = cli("digest", "-c", config, "--since", "24h", "-f", fmt).stdout
        backlog = out[out.index("Backlog") :]
        assert "Globex review" in backlog, fmt
        assert f"{about:+.2f}" in backlog and f"{own:+.2f}" not in backlog, fmt
