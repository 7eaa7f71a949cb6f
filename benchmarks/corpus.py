"""A generated feed corpus served over loopback with a fixed latency, for benchmarks.

``python benchmarks/corpus.py serve DIR --hosts 25 --latency 0.1`` serves the files under DIR
(by their path relative to DIR) spread over 127.0.0.1 .. 127.0.0.<hosts> (one small asyncio
server per address, port 8800), each response delayed by ``latency`` seconds, with ETag /
If-None-Match support so a warm rescan gets 304s. It prints one line, ``ready``, once every
address listens. Runs in its own process, so serving costs no CPU in the process being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from urllib.parse import unquote

PORT = 8800
WORDS = [
    "market",
    "product",
    "launch",
    "customer",
    "service",
    "quality",
    "price",
    "review",
    "great",
    "terrible",
    "support",
    "update",
    "delivery",
    "store",
    "online",
    "app",
    "phone",
    "battery",
    "screen",
    "design",
    "team",
    "growth",
    "quarter",
    "revenue",
    "profit",
    "city",
    "people",
    "week",
    "today",
    "report",
    "analysts",
    "expect",
    "new",
    "plan",
    "users",
    "love",
    "hate",
    "slow",
    "fast",
    "cheap",
    "expensive",
    "problem",
    "issue",
    "fixed",
    "broken",
    "release",
    "version",
    "feature",
    "security",
    "privacy",
    "data",
]
BRANDS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli")


def feed_urls(feeds: int, hosts: int) -> list[str]:
    """Where feed ``n`` is served: spread round-robin over the loopback addresses."""
    return [f"http://127.0.0.{n % hosts + 1}:{PORT}/feed{n}.xml" for n in range(feeds)]


def generate(folder: Path, feeds: int, items: int, seed: int = 42) -> None:
    """Write ``feeds`` RSS 2.0 files of ``items`` entries each; about 1 in 8 names a brand."""
    rng = random.Random(seed)
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(feeds):
        entries = []
        for i in range(items):
            words = [rng.choice(WORDS) for _ in range(rng.randint(40, 120))]
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 11))).capitalize()
            if rng.random() < 0.125:
                brand = rng.choice(BRANDS)
                words.insert(rng.randrange(len(words)), brand)
                if rng.random() < 0.5:
                    title = f"{brand} {title.lower()}"
            body = (
                "<p>"
                + escape(" ".join(words[:30]))
                + "</p><p>"
                + escape(" ".join(words[30:]))
                + "</p>"
            )
            published = now - timedelta(minutes=rng.randint(0, 60 * 24 * 14))
            entries.append(
                "<item>"
                f"<title>{escape(title)}</title>"
                f"<link>https://site{n}.example.com/{n}/{i}?utm_source=rss</link>"
                f'<guid isPermaLink="false">feed{n}-item{i}</guid>'
                f"<pubDate>{format_datetime(published)}</pubDate>"
                f"<author>writer{rng.randint(1, 50)}@site{n}.example.com (Writer {i % 7})</author>"
                f"<description>{escape(body)}</description>"
                "</item>"
            )
        document = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Site {n}</title><link>https://site{n}.example.com/</link>"
            f"<description>Generated feed {n}</description><language>en</language>"
            + "".join(entries)
            + "</channel></rss>\n"
        )
        (folder / f"feed{n}.xml").write_text(document, encoding="utf-8")


def _content_type(path: str) -> str:
    """By extension, without a charset: a real-world file declares its own encoding."""
    if path.endswith(".json"):
        return "application/feed+json"
    return "text/csv" if path.endswith(".csv") else "application/xml"


async def serve(folder: Path, hosts: int, latency: float) -> None:
    bodies = {
        f"/{p.relative_to(folder).as_posix()}": p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    etags = {path: '"' + hashlib.sha1(body).hexdigest()[:16] + '"' for path, body in bodies.items()}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                lines = request.decode("latin-1").split("\r\n")
                path = unquote(lines[0].split(" ")[1])
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                await asyncio.sleep(latency)
                body = bodies.get(path)
                if body is None:
                    status, payload, extra = "404 Not Found", b"", ""
                elif headers.get("if-none-match") == etags[path]:
                    status, payload, extra = "304 Not Modified", b"", f"ETag: {etags[path]}\r\n"
                else:
                    status, payload, extra = "200 OK", body, f"ETag: {etags[path]}\r\n"
                writer.write(
                    (
                        f"HTTP/1.1 {status}\r\nContent-Type: {_content_type(path)}"
                        f"\r\nContent-Length: {len(payload)}\r\n{extra}\r\n"
                    ).encode()
                    + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    servers = [
        await asyncio.start_server(handle, f"127.0.0.{n + 1}", PORT, backlog=256)
        for n in range(hosts)
    ]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("generate")
    make.add_argument("folder", type=Path)
    make.add_argument("--feeds", type=int, default=200)
    make.add_argument("--items", type=int, default=50)
    run = sub.add_parser("serve")
    run.add_argument("folder", type=Path)
    run.add_argument("--hosts", type=int, default=25)
    run.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.folder, args.feeds, args.items)
    else:
        try:
            asyncio.run(serve(args.folder, args.hosts, args.latency))
        except KeyboardInterrupt:
            sys.exit(0)


if __name__ == "__main__":
    main()
