"""A spike and why, in every format (output/spikes.py and the digest/report calls to it), with
web text written to attack each format."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from brandwatch_cli.models import NEGATIVE, SAME_WEEKDAY, VOLUME, Spike, SpikeExplanation
from brandwatch_cli.output.html import digest_html
from brandwatch_cli.output.json import report_json
from brandwatch_cli.output.markdown import digest_markdown, report_markdown
from brandwatch_cli.output.plain import digest_text
from brandwatch_cli.output.spikes import spike_json, spike_notice
from brandwatch_cli.output.terminal import console, render_report
from test_output_digest import HOSTILE, Parsed, make_digest, mention
from test_output_report import make_report

ENDED = datetime(2026, 11, 19, tzinfo=UTC)
WHY = SpikeExplanation(
    terms=(("rappel produit", 9.1), ("lot", 4.2), ("remboursement", 3.3), ("usine", 2.0)),
    sources=(("forum", 20), ("news", 3)),
    authors=(("p0", 10), ("p1", 9)),
    positive=1,
    neutral=5,
    negative=18,
    aspects=(("refund", 6, -0.52),),
    examples=(
        mention(31, "Rappel produit chez Acme", "https://forum.example/31"),
        mention(32, HOSTILE, "javascript:alert(1)"),
        mention(33, "Acme rappel produit, lot 42", "https://forum.example/33"),
    ),
)
SPIKE = Spike(
    "Acme",
    NEGATIVE,
    18,
    2.5,
    9.0,
    6,
    p_value=0.00001,
    baseline_kind=SAME_WEEKDAY,
    explanation=WHY,
)


def test_the_digest_text_says_why_under_each_alert():
    text = digest_text(make_digest(alerts=(SPIKE,)))
    assert (
        "  ! Acme: negative spike: 18 negative mentions in the last 24 h, usually 2.5"
        " (threshold 9.0, the same weekday of 6 previous weeks)\n"
        "      why: “rappel produit”, “lot”, “remboursement”, “usine”\n"
        "      sources: forum (20), news (3)\n"
        "      authors: p0 (10), p1 (9)\n"
        "      sentiment: 1 positive, 5 neutral, 18 negative\n"
        "      aspects: refund (6, -0.52)\n"
        "      - Rappel produit chez Acme  https://forum.example/31\n"
    ) in text
    alerts = text[text.index("Alerts") : text.index("Keywords")]
    assert "\x1b" not in alerts and "javascript:" not in alerts  # only web links are shown
    assert "<script>alert(1)</script>" in alerts  # plain text: shown as it is, on one line


def test_the_digest_markdown_links_the_examples_and_escapes_web_text():
    text = digest_markdown(make_digest(alerts=(SPIKE,)))
    assert "- **Acme**: negative spike: 18 negative mentions in the last 24 h" in text
    assert "  - why: “rappel produit”, “lot”, “remboursement”, “usine”" in text
    assert "  - [Rappel produit chez Acme](https://forum.example/31)" in text
    assert "](javascript:" not in text and "<script>" not in text and "[click](http" not in text


def test_the_digest_html_lists_why_with_safe_links():
    html = digest_html(make_digest(alerts=(SPIKE,)))
    page = Parsed(html)
    text = " ".join(" ".join(page.text).split())
    assert "why: “rappel produit”, “lot”, “remboursement”, “usine”" in text
    assert "sentiment: 1 positive, 5 neutral, 18 negative" in text
    links = [attrs.get("href") for tag, attrs in page.tags if tag == "a"]
    assert "https://forum.example/31" in links and "https://forum.example/33" in links
    assert not any(str(link).startswith("javascript") for link in links)
    assert not any(tag in ("script", "img") for tag, _ in page.tags)


def test_a_notification_is_short_top_terms_split_and_one_link():
    notice = spike_notice(SPIKE)
    assert notice == (
        "Acme: negative spike: 18 negative mentions in the last 24 h, usually 2.5 (threshold"
        " 9.0, the same weekday of 6 previous weeks) — why: rappel produit, lot, remboursement;"
        " 1 positive, 5 neutral, 18 negative; https://forum.example/31"
    )
    assert spike_notice(replace(SPIKE, explanation=None)).endswith("previous weeks)")


def test_the_report_shows_its_spikes_in_every_format():
    spike = replace(SPIKE, kind=VOLUME, count=30, ended=ENDED, baseline_kind="consecutive")
    report = make_report(spikes=(spike,))
    markdown = report_markdown(report)
    assert "## Spikes\n\n- **Acme**: spike: 30 mentions on 2026-11-18, usually 2.5" in markdown
    buffer = io.StringIO()
    render_report(report, console(buffer))
    shown = buffer.getvalue()
    assert "Spikes in the period" in shown and "! Acme: spike: 30 mentions on 2026-11-18" in shown
    assert "why: “rappel produit”" in shown and "\x1b[2J" not in shown
    # piped or in a file, no hyperlink survives: each example's address is written out whole
    assert "    - Rappel produit chez Acme  https://forum.example/31\n" in shown
    assert "  javascript:alert(1)\n" not in shown  # not a web link: not written as one
    data = json.loads(json.dumps(report_json(report)))
    assert data["spikes"] == [spike_json(spike)]
    assert data["spikes"][0]["ended"] == "2026-11-19T00:00:00+00:00"
    assert data["spikes"][0]["explanation"]["terms"][0] == {
        "phrase": "rappel produit",
        "score": 9.1,
    }
    assert data["spikes"][0]["explanation"]["examples"] == [31, 32, 33]
    assert "None." in report_markdown(make_report())


def test_an_hourly_report_spike_names_its_hour():
    spike = Spike("Acme", VOLUME, 12, 1.0, 6.0, 14, timedelta(hours=1), ended=ENDED)
    assert "12 mentions in the 1 h from 2026-11-18 23:00, usually 1.0" in spike_notice(spike)
