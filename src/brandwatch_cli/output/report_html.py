"""The report as one HTML page to send: ``brandwatch report --format html -o report.html``.

Everything is in the file: the stylesheet is inline, the charts are inline SVG (``svg``), there
is no script, no image, no font and nothing to fetch, and a Content-Security-Policy says so to
the browser that opens it (a mail client, a phone, a printer). Links to mentions are the only
URLs, and only http(s) ones; every piece of web text is escaped (``markup``).

Sections, in order: headline (totals against the previous period), keywords and share of
voice, trend (all mentions, then each keyword), spikes and why, themes, aspects (praise and
complaints), who talks (sources, domains, authors, influencers), reply first. Every section is
always there; one with nothing to show says so in one line. Pure: a ``Report`` in, a str out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from brandwatch_cli import __version__
from brandwatch_cli.insight.report import Counts, Ranked, Report, TrendPoint
from brandwatch_cli.models import NEGATIVE, AspectFigure, MentionRow, Spike, Theme
from brandwatch_cli.output.chart import ticks
from brandwatch_cli.output.markup import h, link
from brandwatch_cli.output.svg import PALETTE, Line, share_chart, split_bar, trend_chart
from brandwatch_cli.output.triage import overdue_text
from brandwatch_cli.output.wording import (
    LABELS,
    average_change_text,
    average_text,
    change_text,
    count_text,
    engagement_text,
    headline,
    link_line,
    mention_sentiment,
    mention_title,
    peak,
    percent,
    period_text,
    ranked_for_reply,
    spike_text,
    stored_when,
    when,
)
from brandwatch_cli.text import web_link
from brandwatch_cli.times import zone_name

#: What the page may load: nothing but its own inline styles (and data: images, of which it
#: has none). A mention link is navigation, which this does not restrict.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
TOTAL_COLOUR = "#333333"
#: The section headings, in page order (a test checks the rendered page has each).
HEADINGS = (
    "Keywords and share of voice",
    "Trend",
    "Spikes",
    "Themes",
    "Aspects",
    "Who talks",
    "Reply first",
)

STYLE = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#eef2f6;color:#1f2933;
font:15px/1.5 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:60rem;margin:0 auto;padding:12px 10px 24px}
header,section{background:#fff;border-radius:8px;padding:14px 16px;margin:0 0 12px}
h1{font-size:1.35rem;line-height:1.25;margin:0 0 4px;color:#102a43}
h2{font-size:1.15rem;margin:0 0 10px;color:#102a43}
h3{font-size:1rem;margin:18px 0 6px;color:#243b53}
h4{font-size:.95rem;margin:10px 0 4px}
p{margin:0 0 8px}
.muted,figcaption,.facts{color:#52606d}
.headline{font-weight:600;margin-top:8px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0 0 8px}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{padding:5px 8px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top;
white-space:nowrap}
th{background:#f5f7fa;font-weight:600}
td:first-child{white-space:normal;min-width:7em;overflow-wrap:anywhere}
td.text{white-space:normal;min-width:14em}
.num{text-align:right;font-variant-numeric:tabular-nums}
svg.chart{display:block;width:100%;height:auto;max-width:44rem}
svg.share{max-width:30rem}
svg.split{display:inline-block;width:7.5em;height:.8em;vertical-align:middle}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,20rem),1fr));gap:14px}
figure{margin:0 0 10px}
figcaption{font-size:.9rem}
.positive{color:#1b7f3b}.neutral{color:#7a5b00}.negative{color:#b42318}
a{color:#0b5cad;overflow-wrap:anywhere}
.mention{margin:0 0 10px;padding:0 0 8px;border-bottom:1px solid #e4e7eb}
.facts{font-size:.88rem;overflow-wrap:anywhere}
.spike{border-left:4px solid #b42318;padding:2px 0 2px 12px;margin:0 0 16px}
.spike dt{font-weight:600;margin-top:6px}.spike dd{margin:0 0 4px}
ul{margin:0 0 8px;padding-left:1.2rem}
.sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,18rem),1fr));gap:0 18px}
footer{font-size:.85rem;color:#52606d;text-align:center}
@media print{body{background:#fff;font-size:10.5pt}main{max-width:none;padding:0}
header,section{padding:0;margin:0 0 14pt;border-radius:0}.scroll{overflow:visible}
th,td{white-space:normal}figure,tr,.mention,.spike{break-inside:avoid}
h2,h3{break-after:avoid}a{color:inherit}}
"""


def report_html(report: Report) -> str:
    """The whole page, ready to write to a file or to mail."""
    title = f"Brand mentions, {period_text(report.period, report.tz)}"
    body = [
        _headline(report, title),
        _keywords(report),
        _trend(report),
        _spikes(report.spikes, report.tz),
        _themes(report.themes),
        _aspects(report.aspects),
        _who_talks(report),
        _reply_first(
            ranked_for_reply(report.reply_first, [k.keyword for k in report.keywords]),
            report.tz,
            report.overdue,
        ),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{h(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + f"\n<footer>brandwatch-cli {h(__version__)} · one self-contained file: nothing in it"
        " is loaded from the web · times on "
        f"{h(zone_name(report.tz))}</footer>\n</main>\n</body>\n</html>\n"
    )


# Pieces -----------------------------------------------------------------------------------


def _section(key: str, heading: str, parts: Sequence[str]) -> str:
    return f'<section id="{key}">\n<h2>{h(heading)}</h2>\n' + "\n".join(parts) + "\n</section>"


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], text: frozenset[int] = frozenset()
) -> str:
    """Cells are HTML already escaped by the caller. The first column names the row; the
    ``text`` columns are running text that wraps; the others are figures, aligned right. The
    table scrolls sideways on a narrow screen rather than squeezing."""

    def kind(index: int) -> str:
        return "" if index == 0 else ' class="text"' if index in text else ' class="num"'

    head = "".join(f"<th{kind(i)}>{h(name)}</th>" for i, name in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{kind(i)}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _sentiment(value: float | None) -> str:
    if value is None:
        return "-"
    label = "positive" if value >= 0.05 else "negative" if value <= -0.05 else "neutral"
    return f'<span class="{label}">{value:+.2f}</span>'


def _counts_bar(counts: Counts, label: str = "") -> str:
    return split_bar(counts.positive, counts.neutral, counts.negative, label=label)


def _mention(row: MentionRow, tz: tzinfo) -> str:
    """A mention as a linked title over its facts; a URL that is no web link is shown as
    text, never linked."""
    label = str(row.get("sentiment_label") or "")
    facts = [
        f"#{h(row.get('id'))}",
        f'<span class="{h(label) if label in LABELS else "label"}">'
        f"{h(mention_sentiment(row))}</span>",
        h(row.get("source")),
        h(stored_when(row.get("published_at") or row.get("fetched_at"), tz)),
    ]
    if row.get("author"):
        facts.append(f"by {h(row.get('author'))}")
    if engagement_text(row.get("engagement")):
        facts.append(h(engagement_text(row.get("engagement"))))
    if row.get("outlets"):
        facts.append(f"{h(row.get('outlets'))} outlets")
    if row.get("status"):
        facts.append(f"status {h(row.get('status'))}")
    url = row.get("url")
    other = f'<div class="facts">{h(link_line(url))}</div>' if url and not web_link(url) else ""
    return (
        f'<div class="mention">{link(mention_title(row), url)}'
        f'<div class="facts">{" · ".join(facts)}</div>{other}</div>'
    )


# Sections ---------------------------------------------------------------------------------


def _headline(report: Report, title: str) -> str:
    total = report.total
    return (
        f"<header>\n<h1>{h(title)}</h1>\n"
        f'<p class="muted">Compared with {h(period_text(report.previous, report.tz))}.</p>\n'
        f'<p class="headline">{h(headline(total, report.previous_total))}</p>\n'
        f"<p>{_counts_bar(total, 'all mentions')} "
        + " · ".join(
            f'<span class="{label}">{label} {percent(total.share(label))}</span>'
            for label in LABELS
        )
        + "</p>\n</header>"
    )


def _keywords(report: Report) -> str:
    if not report.keywords:
        return _section("keywords", HEADINGS[0], ["<p>No keywords.</p>"])
    chart = share_chart(
        [
            (k.keyword, k.share_of_voice, k.share_of_voice * k.now.share("negative"))
            for k in report.keywords
        ],
        title="Share of voice per keyword (red: its negative mentions)",
    )
    headers = ["keyword", "mentions", "share of voice", "change", *LABELS, "split"]
    rows = [
        [
            h(k.keyword),
            str(k.now.mentions),
            percent(k.share_of_voice),
            h(change_text(k.now.mentions, k.before.mentions)),
            *(percent(k.now.share(label)) for label in LABELS),
            _counts_bar(k.now, k.keyword),
            _sentiment(k.now.average),
            h(average_change_text(k.now.average, k.before.average)),
        ]
        for k in report.keywords
    ]
    table = _table([*headers, "average", "Δ"], rows)
    caption = "Each keyword's share of all keyword mentions; in red, its negative ones."
    return _section(
        "keywords",
        HEADINGS[0],
        [f"<figure>{chart}<figcaption>{caption}</figcaption></figure>", table],
    )


def _trend(report: Report) -> str:
    tz, bucket = report.tz, report.bucket
    heading = f"{HEADINGS[1]} per {bucket}"
    series: list[tuple[str, Sequence[TrendPoint], str]] = []
    if report.total_trend:
        series.append(("All mentions", report.total_trend, TOTAL_COLOUR))
    series += [
        (name, points, PALETTE[i % len(PALETTE)])
        for i, (name, points) in enumerate(report.trend.items())
        if points
    ]
    if not series:
        return _section("trend", heading, ["<p>No mentions to chart in this period.</p>"])
    first = series[0][1]
    span = f"{when(first[0].start, bucket, tz=tz)} → {when(first[-1].start, bucket, tz=tz)}"
    axis = "week, from Monday" if bucket == "week" else bucket
    figures = []
    for name, points, colour in series:
        chart = trend_chart(
            [
                Line(f"{name}: mentions", tuple(p.mentions for p in points), colour),
                Line("negative", tuple(p.negative for p in points), colour, dashed=True),
            ],
            ticks(points, bucket, tz),
            title=f"{name}: mentions per {bucket}, {span}",
            x_label=f"{axis} ({zone_name(tz)})",
            y_label=f"mentions per {bucket}",
        )
        best = peak(points)
        facts = (
            f"{sum(p.mentions for p in points)} mentions,"
            f" {sum(p.negative for p in points)} negative"
        )
        if best:
            facts += f"; peak {when(best.start, bucket, tz=tz)}: {best.mentions}"
        caption = f"<b>{h(name)}</b>: {h(facts)}"
        figures.append(f"<figure>{chart}<figcaption>{caption}</figcaption></figure>")
    intro = f'<p class="muted">{h(span)}. Solid line: mentions; dashed: negative ones.</p>'
    return _section("trend", heading, [intro, '<div class="charts">', *figures, "</div>"])


def _pairs(pairs: Sequence[tuple[str, int]]) -> str:
    return " · ".join(f"{h(name)} ({count})" for name, count in pairs) or "-"


def _spikes(spikes: Sequence[Spike], tz: tzinfo) -> str:
    if not spikes:
        return _section("spikes", HEADINGS[2], ["<p>No spike in this period.</p>"])
    parts = []
    for spike in spikes:
        what = "Negative spike" if spike.kind == NEGATIVE else "Spike"
        lines = [f"<h3>{h(spike.keyword)}: {what}</h3>", f"<p>{h(spike_text(spike, tz))}</p>"]
        why = spike.explanation
        if why is None:
            lines.append('<p class="muted">Not explained: its mentions were not read.</p>')
        else:
            terms = " · ".join(f"{h(term)} (z {z:.1f})" for term, z in why.terms) or "-"
            aspects = " · ".join(
                f"{h(name)}: {count}, average {h(average_text(avg))}"
                for name, count, avg in why.aspects
            )
            total = why.positive + why.neutral + why.negative
            split = split_bar(why.positive, why.neutral, why.negative, label=spike.keyword)
            lines += [
                "<dl>",
                f"<dt>Words that stand out against the baseline</dt><dd>{terms}</dd>",
                f"<dt>Sentiment of its {total} mentions</dt><dd>{split} positive"
                f" {why.positive} · neutral {why.neutral} · negative {why.negative}</dd>",
                f"<dt>Top sources</dt><dd>{_pairs(why.sources)}</dd>",
                f"<dt>Top authors</dt><dd>{_pairs(why.authors)}</dd>",
                f"<dt>Aspects involved</dt><dd>{aspects or '-'}</dd>",
                "<dt>Representative mentions</dt><dd>",
                *(_mention(row, tz) for row in why.examples),
                "</dd></dl>",
            ]
        parts.append('<div class="spike">' + "\n".join(lines) + "</div>")
    return _section("spikes", HEADINGS[2], parts)


def _examples(rows: Sequence[MentionRow]) -> str:
    return "<br>".join(link(mention_title(row), row.get("url")) for row in rows)


def _theme_row(theme: Theme) -> list[str]:
    related = f'<br><span class="muted">with {h(", ".join(theme.related))}</span>'
    return [
        f"<b>{h(theme.phrase)}</b>" + (related if theme.related else ""),
        str(theme.count),
        percent(theme.share),
        _sentiment(theme.sentiment),
        f"{h(theme.trend)} ({theme.previous} before)",
        _examples(theme.examples),
    ]


def _themes(themes: dict[str, tuple[Theme, ...]]) -> str:
    if not any(themes.values()):
        return _section("themes", HEADINGS[3], ["<p>No theme stands out in this period.</p>"])
    parts = [
        '<p class="muted">What each keyword\'s mentions talk about more than before and more'
        " than the other keywords' (sentiment: net, positive minus negative).</p>"
    ]
    headers = ["theme", "mentions", "share", "sentiment", "trend", "examples"]
    for keyword, rows in themes.items():
        parts.append(f"<h3>{h(keyword)}</h3>")
        if not rows:
            parts.append("<p>No theme stands out.</p>")
            continue
        parts.append(_table(headers, [_theme_row(t) for t in rows], frozenset({4, 5})))
    return _section("themes", HEADINGS[3], parts)


def _aspect_examples(figures: Sequence[AspectFigure], praise: bool) -> str:
    items = [
        f"<li><b>{h(f.aspect)}</b>: {link(mention_title(row), row.get('url'))}</li>"
        for f in figures
        for row in (f.praise if praise else f.complaints)
    ]
    return f"<ul>{''.join(items)}</ul>" if items else "<p>None.</p>"


def _aspects(aspects: dict[str, tuple[AspectFigure, ...]]) -> str:
    if not any(aspects.values()):
        return _section("aspects", HEADINGS[4], ["<p>No aspect was talked about.</p>"])
    parts = []
    headers = ["aspect", "mentions", "praise", "complaints", "average", "split"]
    for keyword, figures in aspects.items():
        parts.append(f"<h3>{h(keyword)}</h3>")
        if not figures:
            parts.append("<p>No aspect was talked about.</p>")
            continue
        rows = [
            [
                h(f.aspect),
                str(f.mentions),
                str(f.positive),
                str(f.negative),
                _sentiment(f.average),
                split_bar(
                    f.positive,
                    max(0, f.mentions - f.positive - f.negative),
                    f.negative,
                    label=f.aspect,
                ),
            ]
            for f in figures
        ]
        parts += [
            _table(headers, rows),
            '<div class="sides"><div><h4>What they praise</h4>'
            f"{_aspect_examples(figures, True)}</div>"
            "<div><h4>What they complain about</h4>"
            f"{_aspect_examples(figures, False)}</div></div>",
        ]
    return _section("aspects", HEADINGS[4], parts)


def _ranked(title: str, rows: Sequence[Ranked], people: bool) -> list[str]:
    if not rows:
        return [f"<h3>{h(title)}</h3>", "<p>None in this period.</p>"]
    headers = ["name", "mentions", "negative", "average", "interactions"]
    cells = [
        [
            h(r.name),
            str(r.mentions),
            str(r.negative),
            _sentiment(r.average),
            count_text(r.interactions),
        ]
        + ([count_text(r.followers)] if people else [])
        for r in rows
    ]
    return [f"<h3>{h(title)}</h3>", _table([*headers, "followers"][: 6 if people else 5], cells)]


def _who_talks(report: Report) -> str:
    return _section(
        "who-talks",
        HEADINGS[5],
        _ranked("Top sources", report.sources, False)
        + _ranked("Top domains", report.domains, False)
        + _ranked("Top authors (by mentions)", report.authors, True)
        + _ranked("Influencers (authors by interactions)", report.influencers, True),
    )


def _reply_first(rows: Sequence[MentionRow], tz: tzinfo, overdue: int = 0) -> str:
    late = [f"<p><b>{h(overdue_text(overdue))}</b></p>"] if overdue else []
    if not rows:
        return _section(
            "reply-first", HEADINGS[6], [*late, "<p>No negative mentions waiting for a reply.</p>"]
        )
    intro = '<p class="muted">The most negative mentions not yet replied to or ignored.</p>'
    mentions = [_mention(row, tz) for row in rows]
    return _section("reply-first", HEADINGS[6], [intro, *late, *mentions])
