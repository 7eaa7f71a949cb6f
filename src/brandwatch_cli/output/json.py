"""The report as JSON, for scripts: ``brandwatch report --format json``.

JSON (``report_json``), version 1. Keys are only ever added; a changed meaning gets a new
``version``. Everything is plain JSON (``json.dumps`` works as is); strings are as stored.

- ``version`` (int): 1.
- ``period``, ``previous_period`` (object): ``since``, ``until`` (string): ISO 8601 in UTC
  with an explicit offset (``2026-11-20T12:00:00+00:00``); ``since`` is included, ``until``
  is not. The previous period has the same length and ends where ``period`` begins.
- ``bucket`` (string): the calendar unit of one ``trend`` point, on the calendar of
  ``timezone``: ``"hour"``, ``"day"``, ``"week"`` (Monday 00:00 to the next Monday),
  ``"month"`` or ``"year"``: the finest that covers the whole period in at most 400 points.
  ``"week"``, ``"month"`` and ``"year"`` were added within version 1 (``"year"`` only for
  periods over 33 years).
- ``timezone`` (string, added within version 1): the IANA name of the zone whose calendar
  the buckets follow (``"UTC"`` unless ``timezone:`` or ``--tz`` named another, such as
  ``"Europe/Paris"``: then a day bucket starts at Paris midnight, and the last Sunday of
  March lasts 23 hours). Times in this structure are still written in UTC.
- ``total`` (object): every mention of the period, each counted once.

  - ``mentions``, ``previous_mentions`` (int): in the period, in the previous one.
  - ``change`` (number or null): ``(mentions - previous_mentions) / previous_mentions``
    (0.5 is +50 %); null when the previous period had none.
  - ``positive``, ``neutral``, ``negative`` (int): mentions with that sentiment label.
  - ``shares`` (object): ``positive``, ``neutral``, ``negative`` as fractions of
    ``mentions`` (0 when there are none).
  - ``average``, ``previous_average`` (number or null): mean sentiment, -1..+1, of the
    mentions in a language we score; null when there were none.
  - ``average_change`` (number or null): ``average - previous_average``, a difference in
    points rather than a fraction (averages cross zero); null if either is null.

- ``keywords`` (array, in report order: the selected or configured keywords, then others by
  name): every key of ``total``, plus ``keyword`` (string) and ``share_of_voice`` (number:
  the keyword's fraction of all keyword mentions in the period; a mention naming two
  keywords counts for both).
- ``trend`` (object): keyword -> array of ``{"start": string (ISO 8601 UTC, bucket start),
  "mentions": int, "negative": int}``, one per bucket in time order, quiet buckets as zeros.
  The buckets cover the whole period: the first holds ``period.since``, the last the
  period's last second. ``start`` is the bucket's calendar start (the hour, the day, the
  Monday, the 1st of the month, January 1st, in ``timezone``, written in UTC), so the first
  bucket may start before ``period.since`` and the last end after ``period.until``; they
  count only the mentions inside the period. Each keyword's ``mentions`` and ``negative``
  add up to its entry in ``keywords``.
- ``total_trend`` (array): the same buckets for all mentions, each counted once (a mention
  naming two keywords is in two keyword trends but once here): ``mentions`` and ``negative``
  add up to ``total``'s.
- ``sources``, ``domains``, ``authors`` (most mentions first) and ``influencers`` (authors,
  most interactions first): arrays of ``{"name": string, "mentions": int, "interactions":
  number (likes, replies, shares... summed), "followers": number or null (the largest
  seen), "negative": int, "average": number or null}``.
- ``reply_first`` (array): the most negative mentions not yet handled (status ``new`` or
  ``todo``), most negative first. Each has every field of ``brandwatch export --format
  jsonl`` (``id`` int, ``source``, ``title``, ``url``, ``author``, ``published_at`` and
  ``fetched_at`` (ISO 8601 UTC strings or null), ``language``, ``sentiment`` (number),
  ``sentiment_label``, ``text``, ``sentiment_method``, ``status``, ``note``, ``copies``
  (int: how many other entries, at other URLs, carried the same story) and ``outlets`` (int:
  the story's reach, distinct domains across the mention and its copies; 1 for a story seen
  at one site, 0 when nothing has a link)), except that ``keywords`` is an array of strings,
  ``engagement`` is an object of counter name -> number (``{}`` when none),
  ``matched_terms`` an object of keyword -> array of the terms that matched and
  ``keyword_sentiment`` an object of keyword -> its sentiment in the mention, as in the JSONL
  export; ``domain`` is who published it (the link's host without ``www.``, or null),
  ``source_language`` the language the source declared (or null), ``assignee`` who is to
  answer it (or null), ``tags`` an array of its tags as written and ``relevance`` its
  relevance (number in [0, 1], or null while unscored: see README, Relevance). Most negative
  means most
  negative about one of its keywords (about the ``--keyword`` ones, when given). The terminal
  and Markdown reports show ``outlets`` in their reply-first rows. ``aspects`` is an object
  of aspect -> the sentiment of what the mention says of it, as in the JSONL export. Each
  also has ``overdue`` (boolean): still unanswered past its keywords' ``reply_within:``.
- ``overdue`` (int): the period's mentions (any sentiment) still ``new`` or ``todo`` past
  their keywords' ``reply_within:`` (0 without one; counted up to 10,000).
- ``aspects`` (array): per keyword whose mentions name an aspect, ``{"keyword": string,
  "aspects": [{"aspect": string, "mentions": int, "positive": int, "negative": int,
  "average": number or null, "praise": [ids], "complaints": [ids]}]}``, the most talked
  about aspect first; ``praise`` holds the (at most two) mentions saying the best of it,
  ``complaints`` those saying the worst, worst first.
- ``spikes`` (array, in time order): the hours (a period of up to two days), days (up to 92)
  or weeks of the period whose count stood out from its own baseline (at most 10, the least
  likely by chance). Each: ``keyword``, ``kind`` (``"spike"`` or ``"negative-spike"``),
  ``count`` (int), ``mean`` (the baseline's), ``threshold`` (the count it had to exceed),
  ``p_value`` (P(X >= count) for a Poisson count of that mean), ``baseline``
  (``"same-weekday"``, ``"same-hour"`` or ``"consecutive"``: which windows it was compared
  with), ``history`` (int: how many), ``window_hours``, ``ended`` (ISO 8601 UTC: the end of
  the window), and ``explanation``: ``terms`` (``[{"phrase", "score"}]``, the phrases most
  over-represented against the baseline, strongest first), ``sources`` and ``authors``
  (``[{"name", "mentions"}]``), ``sentiment`` (``{"positive", "neutral", "negative"}``
  counts of the keyword's mentions in the window), ``aspects`` (``[{"aspect", "mentions",
  "average"}]``) and ``examples`` (three mention ids).
- ``themes`` (array, added within version 1): each keyword's themes (at most 5, strongest
  first), keyword after keyword, as ``brandwatch themes --format json`` gives them
  (``output/themes.py``: ``keyword``, ``phrase``, ``count``, ``share``, ``sentiment``,
  ``trend``, ``previous``, ``score``, ``related``, ``examples``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from brandwatch_cli.insight.report import Counts, Ranked, Report, TrendPoint, change
from brandwatch_cli.models import MENTION_COLUMNS, MentionRow
from brandwatch_cli.output.aspects import aspects_json
from brandwatch_cli.output.sourcesjson import database_json
from brandwatch_cli.output.sourcesjson import sources_json as sources_json  # documented there
from brandwatch_cli.output.spikes import spike_json
from brandwatch_cli.output.themes import themes_json
from brandwatch_cli.output.triage import tag_list
from brandwatch_cli.output.wording import (
    LABELS,
    average_change,
    engagement,
    iso_utc,
    matched_terms,
)
from brandwatch_cli.times import zone_name

JSON_VERSION = 1


def _number(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


def _counts(now: Counts, before: Counts) -> dict[str, Any]:
    return {
        "mentions": now.mentions,
        "previous_mentions": before.mentions,
        "change": change(now.mentions, before.mentions),
        "positive": now.positive,
        "neutral": now.neutral,
        "negative": now.negative,
        "shares": {label: now.share(label) for label in LABELS},
        "average": _number(now.average),
        "previous_average": _number(before.average),
        "average_change": _number(average_change(now.average, before.average)),
    }


def _ranked(rows: Sequence[Ranked]) -> list[dict[str, Any]]:
    return [
        {
            "name": r.name,
            "mentions": r.mentions,
            "interactions": _number(r.interactions) or 0,
            "followers": _number(r.followers),
            "negative": r.negative,
            "average": _number(r.average),
        }
        for r in rows
    ]


def _point(point: TrendPoint) -> dict[str, Any]:
    return {"start": iso_utc(point.start), "mentions": point.mentions, "negative": point.negative}


def mention_json(row: MentionRow) -> dict[str, Any]:
    """A mention row as in the JSONL export, ``keywords`` split into a list."""
    record = {column: row.get(column) for column in MENTION_COLUMNS}
    record["keywords"] = [k for k in str(row.get("keywords") or "").split(";") if k]
    record["engagement"] = engagement(row.get("engagement"))
    record["matched_terms"] = matched_terms(row.get("matched_terms"))
    record["keyword_sentiment"] = engagement(row.get("keyword_sentiment"))  # name -> number
    record["aspects"] = engagement(row.get("aspects"))  # aspect -> number
    record["tags"] = tag_list(row.get("tags"))
    return record


def report_json(report: Report) -> dict[str, Any]:
    """The report as the JSON structure described in this module's docstring."""
    return {
        "version": JSON_VERSION,
        "period": {"since": iso_utc(report.period.since), "until": iso_utc(report.period.until)},
        "previous_period": {
            "since": iso_utc(report.previous.since),
            "until": iso_utc(report.previous.until),
        },
        "bucket": report.bucket,
        "timezone": zone_name(report.tz),
        "total": _counts(report.total, report.previous_total),
        "keywords": [
            {"keyword": k.keyword, **_counts(k.now, k.before), "share_of_voice": k.share_of_voice}
            for k in report.keywords
        ],
        "trend": {name: [_point(p) for p in points] for name, points in report.trend.items()},
        "total_trend": [_point(p) for p in report.total_trend],
        "sources": _ranked(report.sources),
        "domains": _ranked(report.domains),
        "authors": _ranked(report.authors),
        "influencers": _ranked(report.influencers),
        "reply_first": [
            {**mention_json(row), "overdue": row["id"] in report.overdue_ids}
            for row in report.reply_first
        ],
        "overdue": report.overdue,
        "aspects": aspects_json(report.aspects),
        "spikes": [spike_json(spike) for spike in report.spikes],
        "themes": themes_json(report.themes),
    }


def stats_json(
    path: str,
    sizes: tuple[int, int, int, int],
    incremental: bool,
    tables: Sequence[tuple[str, int, int]],
) -> dict[str, Any]:
    """``stats --format json``: ``version`` (1), ``path``, ``bytes`` (file and WAL),
    ``file_bytes``, ``wal_bytes``, ``page_size``, ``free_bytes`` (pages inside the file that
    later writes reuse), ``auto_vacuum`` (``incremental`` or ``none``), ``mentions``,
    ``bytes_per_mention`` (or null), and ``tables``: ``name``, ``rows``, ``bytes`` (its
    indexes included; an FTS index with its shadow tables), biggest first."""
    file_bytes, wal_bytes, page_size, free_pages = sizes
    mentions = next((rows for name, rows, _ in tables if name == "mentions"), 0)
    return {
        "version": 1,
        "path": path,
        **database_json(file_bytes + wal_bytes, mentions),
        "file_bytes": file_bytes,
        "wal_bytes": wal_bytes,
        "page_size": page_size,
        "free_bytes": free_pages * page_size,
        "auto_vacuum": "incremental" if incremental else "none",
        "tables": [{"name": n, "rows": r, "bytes": b} for n, r, b in tables],
    }
