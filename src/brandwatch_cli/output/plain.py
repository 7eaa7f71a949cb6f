"""Text for pipes and cron mail: aligned columns, scan lines, spike alerts, the digest as text.

No colour and no Rich. Web text is put on one line without control characters here too: a
piped report still reaches a terminal eventually (``| less``, a mail client). Every command
imports this module, so what only the digest or an alert needs is imported when they run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from brandwatch_cli.models import MentionRow, SourceProblemRow
from brandwatch_cli.text import one_line, strip_controls
from brandwatch_cli.times import local_text

if TYPE_CHECKING:
    from brandwatch_cli.insight.digest import Digest
    from brandwatch_cli.models import KeywordChanges, ScanResult, Spike
    from brandwatch_cli.output.layout import Column


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    right: Sequence[str] = (),
    *,
    fit: tuple[Sequence[Column], int] | None = None,
) -> str:
    """Columns padded to their widest cell; columns named in ``right`` are right-aligned.
    ``fit``: the columns' layout and a width to fit in (see ``layout``): columns dropped, a
    text column wrapped, or one block per row."""
    cells = [[one_line(c) for c in row] for row in rows]
    if fit is not None:
        return _fitted(fit[0], cells, fit[1])
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        padded = (
            v.rjust(w) if h in right else v.ljust(w)
            for v, w, h in zip(values, widths, headers, strict=True)
        )
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, cells)])


def _fitted(columns: Sequence[Column], cells: list[list[str]], width: int) -> str:
    import textwrap

    from brandwatch_cli.output.layout import plan

    chosen = plan(
        columns, [[len(c) for c in row] for row in cells], width, gap=2, edge=-2, headers_wrap=False
    )
    kept = [columns[i] for i in chosen.kept]
    rows = [[row[i] for i in chosen.kept] for row in cells]
    if chosen.stacked:
        lines = []
        for row in rows:
            pairs = zip(kept, row, strict=True)
            lines += [cell for column, cell in pairs if column.kind == "name"]
            facts = " · ".join(
                f"{c.header} {cell}"
                for c, cell in zip(kept, row, strict=True)
                if c.kind != "name" and cell
            )
            lines += textwrap.wrap(facts, width, initial_indent="  ", subsequent_indent="  ")
        return "\n".join(lines)
    wrapped = [
        [
            textwrap.wrap(cell, w) or [""] if c.kind == "text" else [cell]
            for c, cell, w in zip(kept, row, chosen.widths, strict=True)
        ]
        for row in rows
    ]

    def line(values: Sequence[str]) -> str:
        padded = (
            v.rjust(w) if c.right else v.ljust(w)
            for v, w, c in zip(values, chosen.widths, kept, strict=True)
        )
        return "  ".join(padded).rstrip()

    drawn = [line([c.header for c in kept]), line(["-" * w for w in chosen.widths])]
    for parts_of_row in wrapped:
        for n in range(max(len(parts) for parts in parts_of_row)):
            drawn.append(line([parts[n] if n < len(parts) else "" for parts in parts_of_row]))
    return "\n".join(drawn)


def problem_line(source: str, status: str, error: str | None) -> str:
    """One stderr line per source that failed (an error) or was held back (a warning)."""
    level = "error" if status == "failed" else "warning"
    return strip_controls(f"{level}: source '{source}' {status}: {error}")


def failing_line(row: SourceProblemRow, tz: tzinfo = UTC) -> str:
    """A source in trouble, for cron's ``error:`` lines: ``source 'gone' has been failing since
    2026-11-20 08:00 UTC: HTTP 404 Not Found`` (on ``tz``'s clocks, named; or its status,
    without a failed scan on record: ``source 'api' rate limited: …``)."""
    error = row["last_error"] or "no answer"
    since = row["failing_since"]
    if since:
        try:
            when = local_text(datetime.fromisoformat(since), tz, zone_label=True)
        except ValueError:
            when = f"{since[:16].replace('T', ' ')} UTC"
        return strip_controls(f"source '{row['source']}' has been failing since {when}: {error}")
    return strip_controls(f"source '{row['source']}' {row['status'] or 'failing'}: {error}")


def changes_line(changes: KeywordChanges) -> str:
    """What re-matching did, on one line: ``+96 iPhone, −3 Globex (96 new mentions)``, or
    ``nothing to change``."""
    parts = [f"+{n} {name}" for name, n in sorted(changes.added.items()) if n]
    parts += [f"\u2212{n} {name}" for name, n in sorted(changes.removed.items()) if n]
    notes = []
    if changes.new_mentions:
        notes.append(
            f"{changes.new_mentions} new mention{'s' if changes.new_mentions != 1 else ''}"
        )
    if changes.deleted_mentions:
        notes.append(f"{changes.deleted_mentions} deleted")
    if changes.kept_unmatched:
        notes.append(f"{changes.kept_unmatched} triaged kept without keyword")
    line = ", ".join(parts) or "nothing to change"
    return one_line(line + (f" ({', '.join(notes)})" if notes else ""))


def size_text(size: int) -> str:
    """Bytes for people: 812 KB, 4.2 MB, 1.3 GB."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{max(size, 0) / 1024:.0f} KB"


def entries_line(count: int, size: int, days: int) -> str:
    """The ``sources`` footer: how many fetched entries are kept for re-matching, and their
    size."""
    if days == 0:
        return f"entries kept for re-matching: none (retention: entries_days: 0); {count:,} stored"
    return (
        f"entries kept for re-matching: {count:,} ({size_text(size)}), "
        f"each for {days} day{'s' if days != 1 else ''} after it was last fetched"
    )


def retention_line(mentions: int, entries: int, scan_logs: int) -> str:
    """What a scan's ``retention:`` removed at its end (said only when it removed something)."""
    parts = [
        (mentions, "mention", "mentions"),
        (entries, "entry", "entries"),
        (scan_logs, "scan-log row", "scan-log rows"),
    ]
    said = [f"{n:,} {one if n == 1 else many}" for n, one, many in parts if n]
    return f"retention: removed {', '.join(said)}"


def database_line(size: int, mentions: int) -> str:
    """The ``sources`` line on the database: its size and bytes per mention."""
    each = f", {size // mentions:,} bytes per mention" if mentions else ""
    return f"database: {size_text(size)}, {mentions:,} mentions{each} (details: brandwatch stats)"


def stats_lines(
    path: str,
    sizes: tuple[int, int, int, int],
    incremental: bool,
    tables: Sequence[tuple[str, int, int]],
    *,
    postgres: bool = False,
) -> list[str]:
    """``stats`` for people: the file, its space, mentions, then rows and bytes per table
    (``sizes``: file bytes, WAL bytes, page size, free pages). On PostgreSQL the size is the
    database's and its upkeep autovacuum's: no file, WAL or incremental vacuum of SQLite's."""
    file_bytes, wal_bytes, page_size, free_pages = sizes
    total = file_bytes + wal_bytes
    mentions = next((rows for name, rows, _ in tables if name == "mentions"), 0)
    free = free_pages * page_size
    vacuum = (
        "incremental (prunes and scans give freed space back to the disk)"
        if incremental
        else "none yet (the next `brandwatch prune` converts the file, once, so it shrinks)"
    )
    size = (
        f"{size_text(total)} (file {size_text(file_bytes)},"
        f" WAL {size_text(wal_bytes)}); {size_text(free)} free inside"
    )
    if postgres:
        size = f"{size_text(total)} (pg_database_size, the server's own tables included)"
        vacuum = "autovacuum (prune runs VACUUM on the big tables)"
    per_mention = f" ({total // mentions:,} bytes per mention)" if mentions else ""
    lines = [
        f"database  {path}",
        f"size      {size}",
        f"vacuum    {vacuum}",
        f"mentions  {mentions:,}{per_mention}",
        "",
    ]
    rows = [(name, f"{count:,}", size_text(size)) for name, count, size in tables]
    return [*lines, table(("table", "rows", "size"), rows, right=("rows", "size"))]


def copy_lines(
    source: str,
    target: str,
    tables: Sequence[tuple[str, int, int, int, int, int, bool]],
    *,
    append: bool = False,
) -> list[str]:
    """``db copy``'s report: per table (name, source rows, target rows before, copied,
    skipped, target rows after, whether they add up), and a closing line."""
    rows = []
    for name, source_rows, before, copied, skipped, after, ok in tables:
        check = "ok" if ok else "MISMATCH"
        numbers = (source_rows, before, copied, skipped, after) if append else (source_rows, after)
        rows.append((name, *(f"{n:,}" for n in numbers), check))
    headers: tuple[str, ...] = ("table", "source", "target", "check")
    if append:
        headers = ("table", "source", "before", "copied", "skipped", "target", "check")
    right = [h for h in headers if h not in ("table", "check")]
    copied = sum(t[3] for t in tables)
    skipped = sum(t[4] for t in tables)
    wrong = [t[0] for t in tables if not t[6]]
    last = f"Copied {copied:,} rows from {source} into {target}"
    if skipped:
        last += f"; skipped {skipped:,} the target already had (or whose mention it had)"
    last += f"; {', '.join(wrong)} do not add up" if wrong else "; every table adds up"
    return [table(headers, rows, right=right), last + ". The summary was recomputed."]


SUMMARY_COLUMNS = ("source", "status", "entries", "matched", "new", "time", "error")


def summary_line(result: ScanResult) -> str:
    counts: dict[str, int] = {}
    for outcome in result.outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    details = ", ".join(f"{n} {status}" for status, n in counts.items() if status != "ok")
    return (
        f"{result.new_mentions} new mention{'s' if result.new_mentions != 1 else ''} from "
        f"{len(result.outcomes)} source{'s' if len(result.outcomes) != 1 else ''}"
        + (f"; {details}" if details else "")
    )


def summary_rows(result: ScanResult) -> list[tuple[str, ...]]:
    return [
        (
            o.source,
            o.status,
            str(o.entries),
            str(o.matched),
            str(o.new_mentions),
            f"{o.duration_s:.1f}s",
            o.error or "",
        )
        for o in result.outcomes
    ]


def spike_line(spike: Spike) -> str:
    """One alert line, the same in ``scan --notify`` and the digest: ``Acme: spike: 25
    mentions in the last 24 h, usually 6.0 (threshold 14.2, 3 windows of history)``."""
    from brandwatch_cli.output.wording import spike_text

    return f"{one_line(spike.keyword)}: {spike_text(spike)}"


# The digest -------------------------------------------------------------------------------


def digest_layouts() -> tuple[tuple[Column, ...], tuple[Column, ...]]:
    """The digest's keyword and source-problem tables at a given width; dropped when short of
    width, first to last: neutral, positive, average, change, share of voice, negative; next
    attempt, failures. (A function: a scan, which imports this module, never needs them.)"""
    from brandwatch_cli.output.layout import Column

    keywords = (
        Column("keyword", "name"),
        Column("new", right=True),
        Column("change", drop=4, right=True),
        Column("share of voice", drop=5, right=True),
        Column("positive", drop=2, right=True),
        Column("neutral", drop=1, right=True),
        Column("negative", drop=6, right=True),
        Column("average", drop=3, right=True),
    )
    problems = (
        Column("source", "name"),
        Column("status"),
        Column("failures", drop=2, right=True),
        Column("next attempt", drop=1),
        Column("last error", "text"),
    )
    return keywords, problems


def digest_text(digest: Digest, width: int | None = None) -> str:
    """The digest for a terminal or a cron mail: headings underlined, tables aligned. With a
    ``width`` (a terminal), tables are fitted to it and longer lines wrapped under their own
    indentation; without (mail, files, pipes), lines are never broken."""
    from brandwatch_cli.output import triage
    from brandwatch_cli.output import wording as w
    from brandwatch_cli.output.spikes import spike_plain

    keywords_layout, problems_layout = digest_layouts()
    keywords_fit = (keywords_layout, width) if width else None
    problems_fit = (problems_layout, width) if width else None

    lines = [w.digest_title(digest), w.digest_context(digest), "", w.digest_headline(digest), ""]
    if digest.empty:
        lines += ["Nothing new: no mentions, no alerts, no source problems.", ""]
    lines += _heading("Alerts")
    lines += [line for s in digest.alerts for line in spike_plain(s, "  ! ", " " * 6, digest.tz)]
    lines += [] if digest.alerts else ["  none"]
    if digest.keywords:
        lines += [
            "",
            *_heading("Keywords"),
            table(
                w.KEYWORD_COLUMNS, w.keyword_cells(digest), w.KEYWORD_COLUMNS[1:], fit=keywords_fit
            ),
        ]
    lines += ["", *_heading("Reply first (most negative, not yet handled)")]
    lines += [f"  ! {t}" for t in [triage.overdue_text(digest.backlog.overdue)] if t]
    lines += [
        line
        for row in w.ranked_for_reply(digest.reply_first)
        for line in _text_mention(row, f"#{row.get('id')}")
    ] or ["  nothing to answer"]
    lines += ["", *_heading(triage.BACKLOG_TITLE)]
    for row, age in triage.backlog_entries(digest):
        title, facts, *link = _text_mention(row, f"#{row.get('id')}")
        lines += [title, f"{facts} · {age}", *link]
    lines += [f"  {t}" for t in [triage.backlog_more(digest)] if t] or (
        [] if digest.backlog.rows else ["  none"]
    )
    from brandwatch_cli.output.rules import held_plain

    lines += held_plain(digest.held, digest.tz)
    lines += ["", *_heading("Top new mentions")]
    for keyword, rows in w.top_mentions(digest):
        lines.append(f"  {one_line(keyword)}")
        lines += [line for row in rows for line in _text_mention(row, "-", indent=4)]
    if not w.top_mentions(digest):
        lines.append("  none")
    if any(digest.themes.values()):
        from brandwatch_cli.output.themes import plain_lines

        lines += ["", *_heading("Themes"), *plain_lines(digest.themes)]
    if digest.problems:
        lines += [
            "",
            *_heading("Source problems"),
            table(
                w.PROBLEM_COLUMNS,
                w.problem_cells(digest.problems, digest.tz),
                ("failures",),
                fit=problems_fit,
            ),
        ]
    text = "\n".join(lines)
    return (_wrapped(text, width) if width else text) + "\n"


def _wrapped(text: str, width: int) -> str:
    """Each line wrapped to ``width``, its continuation under the text after its indentation
    and mark (``  #35 ``, ``    - ``)."""
    import re
    import textwrap

    out = []
    for line in text.split("\n"):
        if line and set(line) == {"="}:  # a heading's underline
            out.append(line[:width])
            continue
        lead = re.match(r"\s*(?:#\S+ |[-!] )?", line)
        indent = " " * (lead.end() if lead and lead.end() < width // 2 else 0)
        out += textwrap.wrap(
            line, width, subsequent_indent=indent, break_on_hyphens=False, drop_whitespace=True
        ) or [""]
    return "\n".join(out)


def _heading(title: str) -> list[str]:
    return [title, "=" * len(title)]


def _text_mention(row: MentionRow, mark: str, indent: int = 2) -> list[str]:
    from brandwatch_cli.output import wording as w

    pad = " " * (indent + len(mark) + 1)
    lines = [f"{' ' * indent}{mark} {w.mention_title(row)}", f"{pad}{w.mention_facts(row)}"]
    link = w.link_line(row.get("url"))
    return [*lines, f"{pad}{link}"] if link else lines
