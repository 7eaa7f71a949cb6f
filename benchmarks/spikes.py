"""Benchmark: explained spikes (issue 14) and how sensitive the spike rule's settings are.

1. A planted spike. Six weeks of generated mentions of one brand (French and English filler,
   busier weekdays than weekends, busier days than nights) are written through the real store,
   then one day gets extra mentions carrying a planted term ("rappel produit" in French,
   "recall" in English). The digest's alerts and the report's spikes must list the planted term
   first in their explanation (issue 14: "A spike planted in a generated history is reported
   with its planted term first").
2. False alarms and detection, on simulated daily counts (no store: the rule is a pure
   function of the counts): false alarms per month on flat Poisson noise at 1, 5 and 50
   mentions a day, the share of 3x and 5x days caught, for the old rule (k * max(sd,
   sqrt(mean)) and min_count) and the new one (plus the Poisson tail), each setting moved on
   its own; and on quiet brands (1-3 a day) whose weekends are half their weekdays, old rule
   on the days just before against the new one on the same weekday.

    python benchmarks/spikes.py [--trials 20000]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from brandwatch_cli.insight.digest import build_digest, digest_window
from brandwatch_cli.insight.report import build_report
from brandwatch_cli.insight.spikes import find_spike, threshold
from brandwatch_cli.models import (
    VOLUME,
    Item,
    KeywordMatch,
    MentionFilter,
    Sentiment,
    SourceOutcome,
    SpikeRule,
)
from brandwatch_cli.store import MentionStore, NewMention

NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # a Monday: the spike day is the Sunday before
KEYWORD = "Acme"
FILLER_FR = [
    "Le café {k} était bon ce matin",
    "{k} ouvre une nouvelle boutique à Lyon",
    "Livraison {k} un peu lente cette semaine",
    "Service client {k} très aimable au téléphone",
    "J'ai testé la nouvelle carte fidélité {k}",
    "Les prix {k} ont encore augmenté",
    "Application {k} enfin mise à jour",
    "Vendeur {k} de bon conseil en magasin",
]
FILLER_EN = [
    "Tried the new {k} blend, decent enough",
    "{k} shop in town opens at nine",
    "The {k} app update looks nice",
    "Delivery from {k} arrived on time",
    "{k} customer service was quick to answer",
    "Prices at {k} went up again",
]
PLANTED_FR = [
    "{k} annonce un rappel produit sur un lot de biscuits",
    "Rappel produit chez {k}, vérifiez vos placards",
    "Encore un rappel produit {k} : remboursement en magasin",
    "Le rappel produit {k} concerne trois lots",
]
PLANTED_EN = [
    "{k} issues a recall of a batch of biscuits",
    "Product recall at {k}: check your cupboards",
    "Another {k} recall, refunds in store",
]


def daily_mean(day: datetime, base: float) -> float:
    """Weekdays busier than weekends."""
    return base * (0.6 if day.weekday() >= 5 else 1.15)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (inversion; the means here are small)."""
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def generated(days: int, base: float, planted: int, rng: random.Random) -> list[NewMention]:
    """``days`` of filler ending at NOW, ``planted`` mentions of the planted term on the last."""
    mentions = []
    for day in range(days, 0, -1):
        start = NOW - timedelta(days=day)
        count = poisson(rng, daily_mean(start, base))
        texts = [(rng.choice(FILLER_FR + FILLER_EN), None) for _ in range(count)]
        if day == 1:
            texts += [(rng.choice(PLANTED_FR + PLANTED_EN), "negative") for _ in range(planted)]
        for template, label in texts:
            hour = min(23, max(0, round(rng.gauss(14, 4))))  # days busier than nights
            at = start + timedelta(hours=hour, seconds=rng.randrange(3600))
            score = -0.5 if label else rng.choice((0.5, 0.0, 0.0, -0.4))
            mentions.append(mention(len(mentions), template.format(k=KEYWORD), at, score, rng))
    return mentions


def mention(n: int, text: str, at: datetime, score: float, rng: random.Random) -> NewMention:
    label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
    language = "fr" if any(w in text for w in (" le ", " la ", "Le ", "La ", " un ")) else "en"
    url = f"https://site{n % 7}.example/{n}"
    item = Item(f"e{n}", url, text, "", f"author{rng.randrange(40)}", at, language)
    return NewMention(
        item,
        [KeywordMatch(KEYWORD, (KEYWORD,), ("title",))],
        url,
        None,
        Sentiment(score, label, "fr" if language == "fr" else "vader"),
        language,
        fetched_at=at,
    )


def planted_spike(folder: Path) -> bool:
    """Part 1: True when the digest and the report both put the planted term first."""
    rng = random.Random(14)
    mentions = generated(42, 40, 70, rng)
    with MentionStore.open(folder / "planted.db") as store:
        scan = store.start_scan(NOW - timedelta(days=42))
        for source in range(7):
            batch = [m for m in mentions if m.item.url.startswith(f"https://site{source}.")]  # type: ignore[union-attr]
            store.save_batch(scan, f"source{source}", batch, SourceOutcome("x", "ok"), NOW)
        store.finish_scan(scan, NOW, "ok")
        started = time.perf_counter()
        window = digest_window(store, NOW - timedelta(days=1), NOW)
        digest = build_digest(store, window, keywords=[KEYWORD], rule=SpikeRule(), now=NOW)
        digest_ms = (time.perf_counter() - started) * 1000
        selection = MentionFilter(since=NOW - timedelta(days=7), until=NOW)
        report = build_report(store, selection, now=NOW, configured_keywords=[KEYWORD])
    print(f"1. {len(mentions):,} mentions over 42 days, 70 planted on the last day")
    ok = True
    for where, spikes in (("digest", digest.alerts), ("report", report.spikes)):
        for spike in spikes:
            why = spike.explanation
            terms = [term for term, _ in why.terms] if why else []
            first = terms[0] if terms else None
            good = first in ("rappel produit", "recall")
            ok &= good
            print(
                f"  [{'ok' if good else 'MISS'}] {where} {spike.kind}: {spike.count} against"
                f" {spike.mean:.1f} ({spike.baseline_kind}, p = {spike.p_value:.1e});"
                f" terms: {', '.join(terms[:5])}"
            )
        if not spikes:
            ok = False
            print(f"  [MISS] {where}: no spike found")
    print(f"  the digest with its explained alerts took {digest_ms:.0f} ms")
    return ok


# Part 2: the rule on simulated counts ---------------------------------------------------


def old_rule(rule: SpikeRule) -> Callable[[int, Sequence[int]], bool]:
    def fires(current: int, history: Sequence[int]) -> bool:
        return current >= rule.min_count and current > threshold(history, rule.k)[1]

    return fires


def new_rule(rule: SpikeRule) -> Callable[[int, Sequence[int]], bool]:
    def fires(current: int, history: Sequence[int]) -> bool:
        return find_spike(KEYWORD, VOLUME, current, history, rule) is not None

    return fires


def rates(
    fires: Callable[[int, Sequence[int]], bool],
    mean: float,
    baseline: int,
    trials: int,
    rng: random.Random,
) -> tuple[float, float, float]:
    """(false alarms per 30 days on flat noise, share of 3x days caught, of 5x days)."""
    false = caught3 = caught5 = 0
    for _ in range(trials):
        history = [poisson(rng, mean) for _ in range(baseline)]
        false += fires(poisson(rng, mean), history)
        caught3 += fires(poisson(rng, 3 * mean), history)
        caught5 += fires(poisson(rng, 5 * mean), history)
    return 30 * false / trials, caught3 / trials, caught5 / trials


def sensitivity(trials: int) -> None:
    rng = random.Random(1)
    default = SpikeRule()
    settings: list[tuple[str, SpikeRule, bool]] = [
        ("old rule (k=3, min_count=5)", default, False),
        ("new rule (defaults)", default, True),
        ("p_value 0.01", replace(default, p_value=0.01), True),
        ("p_value 0.0001", replace(default, p_value=0.0001), True),
        ("k 2", replace(default, k=2.0), True),
        ("k 4", replace(default, k=4.0), True),
        ("min_count 3", replace(default, min_count=3), True),
        ("min_count 10", replace(default, min_count=10), True),
        ("baseline 7", replace(default, baseline=7), True),
        ("baseline 28", replace(default, baseline=28), True),
    ]
    print(f"2. daily counts, {trials:,} simulated days per cell: false alarms a month on flat")
    print("   Poisson noise / share of 3x days caught / share of 5x days caught")
    print("| setting | λ = 1 a day | λ = 5 | λ = 50 |")
    print("|---|---|---|---|")
    for name, rule, new in settings:
        fires = (new_rule if new else old_rule)(rule)
        cells = []
        for mean in (1, 5, 50):
            false, three, five = rates(fires, mean, rule.baseline, trials, rng)
            cells.append(f"{false:.2f} / {three:.0%} / {five:.0%}")
        print(f"| {name} | {' | '.join(cells)} |")


def quiet_brands(trials: int) -> None:
    """Small brands with quiet weekends: false alarms a month, old against new."""
    rng = random.Random(2)
    rule = SpikeRule()
    print("3. quiet brands, weekends at half the weekdays: false alarms a month")
    print("| weekday mean | old: 14 days before, k rule | new: same weekday, + Poisson |")
    print("|---|---|---|")
    for base in (1.0, 2.0, 3.0):
        old = new = 0
        for _ in range(trials):
            weekday = rng.randrange(7)
            means = [
                base * (0.5 if (weekday - i) % 7 >= 5 else 1.0)
                for i in range(7 * rule.baseline + 1)
            ]
            counts = [poisson(rng, m) for m in means]
            old += old_rule(rule)(counts[0], counts[1 : rule.baseline + 1])
            new += new_rule(rule)(counts[0], counts[7::7][: rule.baseline])
        print(f"| {base:g} | {30 * old / trials:.3f} | {30 * new / trials:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ok = planted_spike(Path(folder))
    sensitivity(args.trials)
    quiet_brands(args.trials)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
