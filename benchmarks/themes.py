"""Benchmark: are planted themes found? And what do real feeds talk about?

1. A generated corpus (French and English, three keywords, everyday filler talk) with themes
   planted per keyword and week, written through the real store: for each planted theme,
   whether ``brandwatch themes`` puts it in the keyword's top 10 (as a theme or a related
   phrase) with the planted trend, and that no keyword's own words are a theme. Exit 1 if a
   planted theme is missed or a keyword names itself.
2. A sanity look at the real-world feeds of ``../shared/data/feeds`` (read-only; skipped when
   absent): scanned by the real ``brandwatch scan`` with a few common words as keywords, and
   each keyword's top themes over everything they hold, printed for a person to read.

    python benchmarks/themes.py [--per-week 600] [--words Apple Google ...]
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from brandwatch_cli.insight.themes import find_themes
from brandwatch_cli.models import (
    Item,
    Keyword,
    KeywordMatch,
    MentionFilter,
    Sentiment,
    SourceOutcome,
)
from brandwatch_cli.store import MentionStore, NewMention

FEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "feeds"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
KEYWORDS = (
    Keyword("Acme", ("Acme", "Acme Corp")),
    Keyword("Globex", ("Globex", "Globex Corporation")),
    Keyword("Initech", (), query="Initech OR initech.fr"),
)
FILLER = (
    "on en parle au bureau ce matin", "the weather was nice today", "quelle journée chargée",
    "good weekend everyone", "rien de spécial à signaler", "I read the news over coffee",
    "la rentrée approche vite", "prices of everything keep going up", "the meeting ran late",
    "nouvelle saison de la série", "traffic was awful again", "on verra bien demain",
    "ma sœur a adoré le film", "just got back from holiday", "il pleut encore sur Paris",
    "the match last night was intense", "je cherche un bon restaurant", "what a week it has been",
    "les enfants sont en vacances", "my coffee went cold again", "grosse fatigue ce soir",
    "can't wait for the weekend", "petit tour au marché", "new podcast episode is out",
)  # fmt: skip
#: keyword -> (the sentence planted, the phrase to find, share last week, share this week,
#: the trend expected)
PLANTED = {
    "Acme": [
        ("mon colis perdu depuis dix jours", "colis perdu", 0.05, 0.15, "rising"),
        ("l'appli plante à chaque paiement", "appli plante", 0.0, 0.08, "new"),
        ("le service client reste injoignable", "service client", 0.10, 0.10, "stable"),
    ],
    "Globex": [
        ("great battery life on the new model", "battery life", 0.12, 0.12, "stable"),
        ("customer support never answered my email", "customer support", 0.0, 0.10, "new"),
    ],
    "Initech": [
        ("les prix en hausse encore une fois", "prix en hausse", 0.04, 0.14, "rising"),
        ("écran cassé à la livraison", "écran cassé", 0.15, 0.04, "falling"),
    ],
}


def generated(path: Path, per_week: int, rng: random.Random) -> None:
    """Two weeks of ``per_week`` mentions per keyword, filler with the planted sentences."""
    mentions = []
    n = 0
    for week, start in (("before", NOW - timedelta(days=14)), ("now", NOW - timedelta(days=7))):
        for keyword in KEYWORDS:
            for i in range(per_week):
                n += 1
                parts = rng.sample(FILLER, 3)
                negative = False
                for sentence, _, before, now, _ in PLANTED[keyword.name]:
                    if rng.random() < (now if week == "now" else before):
                        parts.append(sentence)
                        negative = negative or "perdu" in sentence or "cassé" in sentence
                rng.shuffle(parts)
                name = rng.choice(keyword.terms or ("Initech",))
                text = f"{name} : " + ". ".join(parts) + "."
                score = -0.6 if negative else rng.uniform(-0.3, 0.8)
                label = "negative" if score <= -0.05 else "positive" if score >= 0.05 else "neutral"
                moment = start + timedelta(seconds=int(i * 7 * 86400 / per_week) + 1)
                mentions.append(
                    NewMention(
                        Item(f"e{n}", f"https://g.example/{n}", f"{name} post {n}", text,
                             published_at=moment),
                        (KeywordMatch(keyword.name, (name,), ("text",)),),
                        None,
                        None,
                        Sentiment(score, label, "vader"),
                        "fr",
                    )
                )  # fmt: skip
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        store.save_batch(scan, "gen", mentions, SourceOutcome("gen", "ok"), NOW)


def planted_check(per_week: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "themes.db"
        generated(path, per_week, random.Random(14))
        with MentionStore.open(path) as store:
            started = time.perf_counter()
            week = MentionFilter(since=NOW - timedelta(days=7), until=NOW)
            found = find_themes(store, week, now=NOW, keywords=KEYWORDS)
            seconds = time.perf_counter() - started
    print(f"generated corpus: {per_week:,} mentions per keyword and week, 3 keywords, 2 weeks;")
    print(f"themes of every keyword this week in {seconds * 1000:.0f} ms")
    ok = True
    for keyword in KEYWORDS:
        themes = found.themes[keyword.name]
        for _, phrase, _, _, expected in PLANTED[keyword.name]:
            rank = next(  # the phrase, or a longer one holding it, as a theme or related to one
                (
                    i
                    for i, t in enumerate(themes, 1)
                    if any(phrase in shown for shown in (t.phrase, *t.related))
                ),
                None,
            )
            theme = themes[rank - 1] if rank else None
            hit = rank is not None and (expected == "falling" or theme.trend == expected)  # type: ignore[union-attr]
            if expected == "falling":  # a fading phrase is not a theme of this week
                hit = rank is None
                said = "not a theme this week" if hit else f"#{rank} (should have faded)"
            else:
                said = (
                    f"#{rank} as {theme.phrase!r}, {theme.count} mentions, {theme.trend}"
                    if theme
                    else "missed"
                )
            ok &= hit
            print(f"  [{'ok' if hit else 'MISS'}] {keyword.name}: {phrase!r} ({expected}): {said}")
        words = {w.lower() for term in (keyword.name, *keyword.terms) for w in term.split()}
        named = [t.phrase for t in themes if words & set(t.phrase.lower().split())]
        ok &= not named
        print(
            f"  [{'ok' if not named else 'MISS'}] {keyword.name}: its own name is no theme"
            + (f" ({named})" if named else "")
        )
    return ok


def sanity_look(feeds: Path, words: list[str]) -> None:
    """Scan the shared feeds with ``words`` as keywords (the real command) and print each
    one's top themes over everything stored."""
    manifest = feeds / "MANIFEST.csv"
    if not manifest.exists():
        print(f"\n{feeds}: absent, no sanity look")
        return
    with manifest.open(encoding="utf-8") as handle:
        files = [row["file"] for row in csv.DictReader(handle)]
    brandwatch = str(Path(sys.executable).with_name("brandwatch"))
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "brandwatch.yaml"
        sources = "".join(
            f"  - name: f{i}\n    url: '{feeds / name}'\n" for i, name in enumerate(files)
        )
        keywords = "".join(f"  - {word}\n" for word in words)
        config.write_text(
            f"database: {Path(folder) / 'feeds.db'}\nkeywords:\n{keywords}sources:\n{sources}",
            encoding="utf-8",
        )
        subprocess.run([brandwatch, "scan", "-c", str(config)], capture_output=True, check=False)
        shown = subprocess.run(
            [brandwatch, "themes", "-c", str(config), "--since", "1990-01-01", "--top", "6"],
            capture_output=True,
            text=True,
            check=False,
            env={"COLUMNS": "120", "PATH": ""},
        )
    print(f"\nsanity look: {len(files)} real-world feeds, keywords {', '.join(words)}")
    print(shown.stdout or shown.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-week", type=int, default=600)
    parser.add_argument("--feeds", type=Path, default=FEEDS)
    parser.add_argument("--words", nargs="*", default=["Apple", "Google", "Microsoft", "Linux"])
    args = parser.parse_args()
    ok = planted_check(args.per_week)
    sanity_look(args.feeds, args.words)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
