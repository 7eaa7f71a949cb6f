"""Which redirects a fetch may follow.

A feed URL is the user's choice; where it redirects to is the server's. Two redirects are
refused: one that would carry credentials (a login body, basic auth) to another origin — httpx
re-sends the body on 307/308 — and one from a public host into the machine's own network
(loopback, private, link-local such as the cloud metadata address 169.254.169.254), unless the
config allows it for local testing (``allow_private_redirects: true``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import httpx

#: How long a redirect target's name may take to resolve before it is judged by its name alone.
RESOLVE_TIMEOUT_S = 2.0


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port: what "the same server" means for credentials."""
    return url.scheme, url.host.lower(), url.port


def private_literal(host: str) -> bool | None:
    """Whether ``host`` names this machine or a private network by itself (``localhost``, an
    IP literal); None when only DNS can tell."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return None
    return not address.is_global


async def host_is_private(host: str) -> bool:
    """Whether ``host`` is, or resolves to, an address that is not on the public internet.
    A name that does not resolve in time is not private: the request itself will fail."""
    literal = private_literal(host)
    if literal is not None:
        return literal
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_S):
            infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError, UnicodeError):
        return False
    return any(private_literal(str(info[4][0])) for info in infos)


def refusal(
    source: httpx.URL,
    target: httpx.URL,
    *,
    credentials: bool,
    source_private: bool,
    target_private: bool,
    allow_private: bool,
) -> str | None:
    """Why the redirect from ``source`` to ``target`` must not be followed, or None."""
    if credentials and origin(source) != origin(target):
        return (
            f"refusing to follow a redirect from {source.host} to {target.host}:"
            " the request carries credentials"
        )
    if target_private and not source_private and not allow_private:
        return (
            f"refusing a redirect from {source.host} to {target.host}, a private or local"
            " address (allow_private_redirects: true allows it)"
        )
    return None
