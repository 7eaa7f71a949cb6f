"""Sending a digest or an alert to people: e-mail, Slack, Teams, Discord, Telegram, webhooks.

Through apprise (https://github.com/caronc/apprise), which knows 100+ services by URL
(``mailtos://user:pass@example.com?to=team@example.com``, ``slack://T/B/C``,
``json://hooks.example.com/brandwatch``). Each URL is tried on its own: one broken channel is
reported and never keeps the others from being told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from brandwatch_cli.text import clean_text

#: apprise body formats, by ours.
BODY_FORMATS = {"text": "text", "markdown": "markdown", "html": "html"}


@dataclass(frozen=True)
class Delivery:
    """What happened to one notification URL (shown without its secrets)."""

    target: str
    ok: bool
    error: str = ""


def redact(url: str) -> str:
    """A notification URL without credentials or tokens: ``mailtos://…@example.com``."""
    scheme, _, rest = url.partition("://")
    host = rest.split("@")[-1].split("/")[0].split("?")[0]
    return f"{scheme}://…@{host}" if "@" in rest or "/" in rest else f"{scheme}://{host}"


def send(urls: Sequence[str], title: str, body: str, body_format: str = "text") -> list[Delivery]:
    """Send to each URL; never raises for a channel's failure."""
    import apprise  # imported here: heavy, and only notifying needs it

    deliveries = []
    for url in urls:
        target = redact(url)
        channel = apprise.Apprise()
        if not channel.add(url):
            deliveries.append(Delivery(target, False, "not a notification URL apprise knows"))
            continue
        with apprise.LogCapture(level=apprise.logging.WARNING) as log:  # type: ignore[no-untyped-call]
            ok = bool(
                channel.notify(
                    title=title,
                    body=body,
                    body_format=BODY_FORMATS.get(body_format, "text"),
                )
            )
            messages = log.getvalue()
        reason = clean_text(messages.strip().splitlines()[-1]) if messages.strip() else ""
        deliveries.append(Delivery(target, ok, "" if ok else reason or "not delivered"))
    return deliveries
