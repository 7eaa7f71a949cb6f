"""The words of team triage, the same in every medium (plain strings, not yet escaped): tags,
assignees, overdue marks, ages, history actions and the digest's backlog section.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from brandwatch_cli.insight.triage import COUNT_CAP
from brandwatch_cli.models import MentionRow, StatusChange
from brandwatch_cli.output.wording import ranked_for_reply
from brandwatch_cli.text import one_line

if TYPE_CHECKING:
    from brandwatch_cli.insight.digest import Digest

BACKLOG_TITLE = "Backlog (unhandled negative mentions from before, oldest first)"


def tag_list(raw: object) -> list[str]:
    """A stored ``tags`` JSON list as strings; [] for anything else."""
    try:
        values = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    return [str(v) for v in values] if isinstance(values, list) else []


def tags_text(raw: object) -> str:
    """``urgent, press`` (unescaped)."""
    return one_line(", ".join(tag_list(raw)))


def triage_text(row: MentionRow, overdue: bool = False) -> str:
    """``overdue · → alice · #urgent #press``: whether it is overdue, who answers it and its
    tags; "" when none of them."""
    parts = ["overdue"] if overdue else []
    parts += [f"→ {row['assignee']}"] if row.get("assignee") else []
    tags = tag_list(row.get("tags"))
    if tags:
        parts.append(" ".join(f"#{tag}" for tag in tags))
    return one_line(" · ".join(parts))


def age_text(age: timedelta) -> str:
    """``45 min``, ``5 h``, ``3 days``: how long a mention has waited, roughly."""
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def waited(row: MentionRow, now: datetime) -> str:
    """How long since the mention was fetched: ``3 days``."""
    try:
        fetched = datetime.fromisoformat(str(row.get("fetched_at")))
    except ValueError:
        return ""
    return age_text(now - (fetched if fetched.tzinfo else fetched.replace(tzinfo=UTC)))


def overdue_text(count: int) -> str:
    """``3 overdue (unanswered past their keyword's reply_within)``; "" for none."""
    if not count:
        return ""
    shown = f"{count:,}+" if count >= COUNT_CAP else f"{count:,}"
    return f"{shown} overdue (unanswered past their keyword's reply_within)"


def backlog_entries(digest: Digest) -> list[tuple[MentionRow, str]]:
    """The backlog's rows, each with ``waiting 3 days`` (and ``, overdue``), and with the
    sentiment that puts it there (``ranked_for_reply``)."""
    backlog = digest.backlog
    return [
        (
            row,
            f"waiting {waited(row, digest.generated_at)}"
            + (", overdue" if row["id"] in backlog.overdue_ids else ""),
        )
        for row in ranked_for_reply(backlog.rows)
    ]


def backlog_more(digest: Digest) -> str:
    """``and 25 more`` below the listed rows; "" when all are listed."""
    backlog = digest.backlog
    if not backlog.more:
        return ""
    return f"and {backlog.more:,}{'+' if backlog.total >= COUNT_CAP else ''} more"


def action_text(change: StatusChange) -> str:
    """A history row's action: the status set (``replied``), ``assigned alice``, ``tagged
    urgent``, ``untagged urgent``, ``unassigned bob``, ``note``."""
    if change.what == "status":
        return change.status
    return one_line(f"{change.what} {change.value}" if change.value else change.what)
