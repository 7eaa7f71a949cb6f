"""Sending a digest or an alert to people: e-mail, Slack, Teams, Discord, Telegram, webhooks.

Through apprise (https://github.com/caronc/apprise), which knows 100+ services by URL
(``mailtos://user:pass@example.com?to=team@example.com``, ``slack://T/B/C``,
``json://hooks.example.com/brandwatch``). Each URL is tried on its own: one broken channel is
reported and never keeps the others from being told.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from brandwatch_cli.text import clean_text

#: apprise body formats, by ours.
BODY_FORMATS = {"text": "text", "markdown": "markdown", "html": "html"}
#: Seconds a channel may take to answer: apprise's own 4 s counts a slow webhook that did
#: receive the message as failed, and the next digest would send it again.
DEFAULT_TIMEOUT = 15.0
#: The request went out but no answer came in time (a read timeout, not a connect one).
_READ_TIMED_OUT_RE = re.compile(r"read timed out|ReadTimeout", re.IGNORECASE)


@dataclass(frozen=True)
class Delivery:
    """What happened to one notification URL (shown without its secrets)."""

    target: str
    ok: bool
    error: str = ""
    #: It timed out after sending: the message may have arrived, so it is not sent again.
    maybe: bool = False

    @property
    def reached(self) -> bool:
        """Delivered, or possibly delivered: either way, not to be sent again."""
        return self.ok or self.maybe


def redact(url: str) -> str:
    """A notification URL without credentials or tokens: ``mailtos://…@example.com``; a
    "host" that is no host name (``slack://TOKEN``) is a secret too."""
    scheme, _, rest = url.partition("://")
    host = rest.split("@")[-1].split("/")[0].split("?")[0]
    if "." not in host and host.split(":")[0] != "localhost":
        return f"{scheme}://…"
    return f"{scheme}://…@{host}" if "@" in rest or "/" in rest else f"{scheme}://{host}"


def with_timeout(url: str, timeout: float) -> str:
    """``url`` with apprise's connect and read timeouts (``cto``, ``rto``) set to ``timeout``
    seconds, unless the URL sets them itself."""
    given = {key for key, _ in parse_qsl(urlsplit(url).query)}
    extra = "&".join(f"{key}={timeout:g}" for key in ("cto", "rto") if key not in given)
    if not extra:
        return url
    return f"{url}{'&' if '?' in url else '?'}{extra}"


def secrets_of(url: str) -> list[str]:
    """The parts of a notification URL that may be secret (tokens, passwords, user names)."""
    parts = urlsplit(url)
    words = re.split(r"[/:@?&=]+", f"{parts.netloc} {parts.path} {parts.query}".replace(" ", "/"))
    host = parts.hostname or ""
    return sorted(
        {w for w in words if len(w) >= 6 and w not in host and w not in ("cto", "rto")},
        key=len,
        reverse=True,
    )


def without_secrets(message: str, url: str) -> str:
    """``message`` with every secret part of ``url`` replaced by ``…``."""
    for secret in secrets_of(url):
        message = message.replace(secret, "…")
    return message


def send(
    urls: Sequence[str],
    title: str,
    body: str,
    body_format: str = "text",
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Delivery]:
    """Send to each URL; never raises for a channel's failure."""
    import apprise  # imported here: heavy, and only notifying needs it

    deliveries = []
    for url in urls:
        target = redact(url)
        channel = apprise.Apprise()
        if not channel.add(with_timeout(url, timeout)):
            deliveries.append(Delivery(target, False, "not a notification URL apprise knows"))
            continue
        with apprise.LogCapture(  # type: ignore[no-untyped-call]
            level=apprise.logging.DEBUG, fmt="%(levelname)s|%(message)s"
        ) as log:
            ok = bool(
                channel.notify(
                    title=title,
                    body=body,
                    body_format=BODY_FORMATS.get(body_format, "text"),
                )
            )
            messages = log.getvalue()
        warnings = [
            line.split("|", 1)[1]
            for line in messages.splitlines()
            if line.startswith(("WARNING|", "ERROR|", "CRITICAL|"))
        ]
        reason = without_secrets(clean_text(warnings[-1]), url) if warnings else ""
        if ok:
            deliveries.append(Delivery(target, True))
        elif _READ_TIMED_OUT_RE.search(messages):
            deliveries.append(
                Delivery(
                    target,
                    False,
                    f"no answer within {timeout:g} s; it may have been delivered, so it is not"
                    " sent again",
                    maybe=True,
                )
            )
        else:
            deliveries.append(Delivery(target, False, reason or "not delivered"))
    return deliveries


def problems(urls: Sequence[str]) -> list[str]:
    """What is wrong with each notification URL, read offline (apprise parses it, nothing is
    sent): one line per URL it cannot use."""
    import apprise

    found = []
    for url in urls:
        if apprise.Apprise.instantiate(url) is None:
            found.append(f"{redact(url)}: not a notification URL apprise can use")
    return found
