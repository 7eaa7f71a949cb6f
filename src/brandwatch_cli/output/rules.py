"""Alert rules in words: a rule's notification, ``rules test``'s table and JSON, and the
digest's "held by quiet hours" section (text, Markdown, HTML).

``rules test --format json`` (version 1): ``{"version": 1, "fired": [...]}``, one object per
(rule, mention) that would have fired, newest mention first: ``rule`` (string), ``id`` (int,
the mention), ``title`` (string), ``why`` (string: each condition of the rule and the value
that met it, such as ``keyword Acme negative (-0.62), followers 12,000 ≥ 10,000``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import UTC, datetime, tzinfo

from brandwatch_cli.models import AlertRule, RuleHit
from brandwatch_cli.output.markup import h, md
from brandwatch_cli.output.wording import duration_text
from brandwatch_cli.text import one_line
from brandwatch_cli.times import local_text, zone_name

HELD_TITLE = "Held by quiet hours"
FIRED_COLUMNS = ("rule", "id", "title", "why")


def rule_message(rule: str, hits: Sequence[RuleHit]) -> tuple[str, str]:
    """The title and text of one rule's notification about ``hits``."""
    count = f"{len(hits)} mention{'s' if len(hits) != 1 else ''}"
    title = f"brandwatch rule '{one_line(rule)}': {count}"
    body = "\n".join(
        f"#{hit.mention_id} {one_line(hit.title)} ({one_line(hit.why)})" for hit in hits
    )
    return title, body


def fired_rows(hits: Sequence[RuleHit]) -> list[tuple[str, ...]]:
    return [(hit.rule, str(hit.mention_id), hit.title, hit.why) for hit in hits]


def fired_json(hits: Sequence[RuleHit]) -> str:
    fired = [
        {"rule": hit.rule, "id": hit.mention_id, "title": hit.title, "why": hit.why} for hit in hits
    ]
    return json.dumps({"version": 1, "fired": fired}, ensure_ascii=False, indent=2)


def _when(hit: RuleHit, tz: tzinfo) -> str:
    if not hit.matched_at:
        return ""
    return local_text(datetime.fromisoformat(hit.matched_at), tz)


def held_plain(hits: Sequence[RuleHit], tz: tzinfo = UTC) -> list[str]:
    """The text digest's section (nothing when quiet hours held nothing)."""
    if not hits:
        return []
    lines = ["", HELD_TITLE, "-" * len(HELD_TITLE)]
    for hit in hits:
        lines.append(f"  #{hit.mention_id} {one_line(hit.title)}")
        lines.append(f"    rule {one_line(hit.rule)}, {_when(hit, tz)}: {one_line(hit.why)}")
    return lines


def held_markdown(hits: Sequence[RuleHit], tz: tzinfo = UTC) -> list[str]:
    if not hits:
        return []
    lines = ["", f"## {HELD_TITLE}", ""]
    lines += [
        f"- #{hit.mention_id} {md(hit.title)} · rule {md(hit.rule)}, {md(_when(hit, tz))}:"
        f" {md(hit.why)}"
        for hit in hits
    ]
    return lines


def held_html(hits: Sequence[RuleHit], heading_style: str, tz: tzinfo = UTC) -> list[str]:
    if not hits:
        return []
    items = "".join(
        f"<li>#{hit.mention_id} {h(hit.title)} · rule {h(hit.rule)}, {h(_when(hit, tz))}:"
        f" {h(hit.why)}</li>"
        for hit in hits
    )
    return [f'<h2 style="{heading_style}">{HELD_TITLE}</h2>', f"<ul>{items}</ul>"]


def rule_lines(rule: AlertRule) -> list[str]:
    """A rule as ``check`` shows it: its conditions as the config names them, then what it
    does (``when: keyword Acme, label negative, followers_at_least 10000``)."""
    when = []
    for field in fields(rule.when):
        value = getattr(rule.when, field.name)
        if value is None or value == ():
            continue
        shown = " or ".join(value) if isinstance(value, tuple) else f"{value:g}"
        name = field.name.removesuffix("s") if isinstance(value, tuple) else field.name
        when.append(f"{name} {shown}")
    does = [f"notify {', '.join(rule.notify)}"] if rule.notify else []
    does += [f"status {rule.status}"] if rule.status else []
    does += [f"tag {', '.join(rule.tags)}"] if rule.tags else []
    does += [f"assign {rule.assign}"] if rule.assign else []
    if rule.cooldown:
        does.append(f"cooldown {duration_text(rule.cooldown)}")
    if rule.urgent:
        does.append("urgent (even in quiet hours)")
    elif rule.quiet_hours:
        quiet = rule.quiet_hours
        span = f"{quiet.start:%H:%M}-{quiet.end:%H:%M} {zone_name(quiet.tz)}"
        does.append(f"held in quiet hours {span}")
    lines = [f"  when: {', '.join(when) or 'any new mention'}"]
    lines.append(f"  does: {'; '.join(does) or 'nothing'}")
    return [one_line(line) for line in lines]
