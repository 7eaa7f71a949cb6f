"""Why a spike happened (insight/spikes.explain): planted in a history written through the
real store, on both engines; and the like-with-like baseline over the store."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from brandwatch_cli.insight.report import build_report
from brandwatch_cli.insight.spikes import current_spikes
from brandwatch_cli.models import (
    CONSECUTIVE,
    NEGATIVE,
    SAME_WEEKDAY,
    VOLUME,
    Item,
    KeywordMatch,
    MentionFilter,
    Sentiment,
    SourceOutcome,
    SpikeRule,
)
from brandwatch_cli.store import MentionStore, NewMention

NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # a Monday, midnight: the window is Sunday
FILLER = [
    ("Le café Acme était bon ce matin", "positive"),
    ("Acme ouvre une boutique à Lyon", "neutral"),
    ("Tried the new Acme blend, decent enough", "positive"),
    ("Acme shop in town opens at nine", "neutral"),
    ("Livraison Acme un peu lente cette semaine", "negative"),
    ("The Acme app update looks nice", "positive"),
]
PLANTED = [
    ("Acme annonce un rappel produit sur un lot de café", "negative"),
    ("Rappel produit chez Acme : remboursez-moi vite", "negative"),
    ("Encore un rappel produit Acme, quelle honte", "negative"),
    ("Acme rappel produit, les clients inquiets", "negative"),
    ("Le rappel produit Acme touche trois pays", "neutral"),
]


def write(
    store: MentionStore,
    rows: list[tuple[datetime, str, str, str, str]],
    own: dict[str, str] | None = None,
) -> None:
    """(moment, text, label, source, author) rows as mentions of Acme, through the store;
    ``label`` is what they say of Acme, and their own label too unless ``own`` maps the label
    to another one (an article that likes the rest and not Acme)."""
    scan = store.start_scan(min(r[0] for r in rows))
    by_source: dict[str, list[NewMention]] = {}
    for n, (moment, text, label, source, author) in enumerate(rows):
        scores = {"positive": 0.6, "neutral": 0.0, "negative": -0.6}
        score = scores[label]
        whole = (own or {}).get(label, label)
        url = f"https://{source}.example/{n}"
        item = Item(f"e{n}", url, text, "", author, moment, "fr", {"points": n % 7})
        by_source.setdefault(source, []).append(
            NewMention(
                item,
                [KeywordMatch("Acme", ("Acme",), ("title",))],
                url,
                None,
                Sentiment(scores[whole], whole, "fr"),
                "fr",
                fetched_at=moment,
                aspects={"refund": -0.5} if "rappel" in text.lower() else {},
                keyword_sentiment={"Acme": Sentiment(score, label, "fr")},
            )
        )
    for source, batch in by_source.items():
        batch.sort(key=lambda m: m.item.published_at or NOW)
        store.save_batch(scan, source, batch, SourceOutcome(source, "ok"), NOW)
    store.finish_scan(scan, NOW, "ok")


def history(days: int, per_day: int, seed: int = 1) -> list[tuple[datetime, str, str, str, str]]:
    rng = random.Random(seed)
    rows = []
    for day in range(1, days + 1):
        start = NOW - timedelta(days=day)
        for _ in range(per_day + rng.choice((-1, 0, 1))):
            text, label = rng.choice(FILLER)
            at = start + timedelta(seconds=rng.randrange(86400))
            rows.append((at, text, label, rng.choice(("blog", "news")), f"a{rng.randrange(9)}"))
    return rows


def planted(count: int) -> list[tuple[datetime, str, str, str, str]]:
    rng = random.Random(5)
    start = NOW - timedelta(days=1)
    return [
        (start + timedelta(seconds=rng.randrange(86400)), *PLANTED[i % 5], "forum", f"p{i % 2}")
        for i in range(count)
    ]


def test_a_planted_spike_is_explained_by_its_term(tmp_path):
    with MentionStore.open(tmp_path / "m.db") as store:
        write(store, [*history(28, 4), *planted(20)])
        spikes = {s.kind: s for s in current_spikes(store, ["Acme"], SpikeRule(), NOW)}
        assert set(spikes) == {VOLUME, NEGATIVE}
        volume = spikes[VOLUME]
        assert volume.baseline_kind == SAME_WEEKDAY and volume.history == 3  # 4 weeks back
        why = volume.explanation
        assert why is not None
        assert why.terms[0][0] == "rappel produit"
        assert all("acme" not in term for term, _ in why.terms)  # the keyword's own name
        assert why.sources[0] == ("forum", 20)
        assert {name for name, _ in why.authors[:2]} == {"p0", "p1"}
        window = [r for r in history(28, 4) if r[0] >= NOW - timedelta(days=1)]
        labels = [r[2] for r in window] + [label for _, label in PLANTED] * 4
        assert (why.positive, why.neutral, why.negative) == (
            labels.count("positive"),
            labels.count("neutral"),
            labels.count("negative"),
        )
        assert why.aspects == (("refund", 20, -0.5),)  # what the planted mentions said
        assert len(why.examples) == 3
        for row in why.examples:
            assert "rappel produit" in row["title"].lower()
            assert str(row["url"]).startswith("https://forum.example/")
        # A negative spike is explained by the negative mentions: the same term leads.
        negative = spikes[NEGATIVE].explanation
        assert negative is not None and negative.terms[0][0] == "rappel produit"
        assert negative.sources[0] == ("forum", 16)
        assert negative.aspects == (("refund", 16, -0.5),)


def test_a_negative_spikes_aspects_are_those_of_the_mentions_negative_about_the_keyword(
    tmp_path,
):
    """Issue 10: a negative spike is of sentiment about the brand, not the article. Its
    aspects were those of the mentions whose own label was negative: articles that are
    positive overall but negative about Acme were left out, and negative articles that
    speak well of Acme were counted."""
    with MentionStore.open(tmp_path / "m.db") as store:
        flip = {"negative": "positive", "positive": "negative"}
        write(store, [*history(28, 4), *planted(20)], own=flip)
        spikes = {s.kind: s for s in current_spikes(store, ["Acme"], SpikeRule(), NOW)}
        negative = spikes[NEGATIVE].explanation
        assert negative is not None
        assert negative.aspects == (("refund", 16, -0.5),)


def test_a_negative_spike_without_usual_negatives_is_explained_against_every_mention(tmp_path):
    calm = [row for row in history(28, 4) if row[2] != "negative"]  # never a complaint before
    with MentionStore.open(tmp_path / "m.db") as store:
        write(store, [*calm, *planted(20)])
        spikes = {s.kind: s for s in current_spikes(store, ["Acme"], SpikeRule(), NOW)}
        negative = spikes[NEGATIVE]
        assert negative.mean == 0
        assert negative.explanation is not None
        assert negative.explanation.terms[0][0] == "rappel produit"


def test_the_report_shows_the_spike_day_with_its_explanation(tmp_path):
    with MentionStore.open(tmp_path / "m.db") as store:
        write(store, [*history(28, 4), *planted(20)])
        selection = MentionFilter(since=NOW - timedelta(days=7), until=NOW)
        report = build_report(store, selection, now=NOW, configured_keywords=["Acme"])
        assert [(s.kind, s.ended) for s in report.spikes] == [(NEGATIVE, NOW), (VOLUME, NOW)]
        assert all(
            s.explanation and s.explanation.terms[0][0] == "rappel produit" for s in report.spikes
        )


def test_the_baseline_compares_like_with_like_where_the_history_allows(tmp_path):
    """Sundays are busy: the Sunday just ended is usual against past Sundays, unusual against
    the days just before it. Without enough past Sundays, the days before are the baseline."""
    rng = random.Random(2)
    rows = []
    for day in range(1, 36):
        start = NOW - timedelta(days=day)
        busy = start.weekday() == 6
        for _ in range((12 if busy else 1) + (10 if day == 1 else 0)):
            at = start + timedelta(seconds=rng.randrange(86400))
            rows.append((at, "Acme ouvre le dimanche", "neutral", "news", "a"))
    with MentionStore.open(tmp_path / "m.db") as store:
        write(store, rows)
        assert current_spikes(store, ["Acme"], SpikeRule(), NOW) == []  # a Sunday like others
        naive = current_spikes(store, ["Acme"], SpikeRule(seasonal=False), NOW)
        assert [(s.kind, s.baseline_kind) for s in naive] == [(VOLUME, CONSECUTIVE)]
        short = SpikeRule(min_history=5)  # 5 past Sundays needed, 4 known: the days before
        found = current_spikes(store, ["Acme"], short, NOW)
        assert [(s.kind, s.baseline_kind) for s in found] == [(VOLUME, CONSECUTIVE)]
