"""Themes (issue 14 part 1): planted phrases are found, grouped, counted exactly over the whole
period whatever the sample, trended, and a keyword's own words are never a theme."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from brandwatch_cli.insight import themes as themes_module
from brandwatch_cli.insight.phrases import PhraseCounts, count_phrases, document_log_odds
from brandwatch_cli.insight.themes import (
    find_themes,
    own_terms,
    spellings,
    trend,
)
from brandwatch_cli.models import (
    Item,
    Keyword,
    KeywordMatch,
    MentionFilter,
    Sentiment,
    SourceOutcome,
)
from brandwatch_cli.models.findings import FALLING, NEW, RISING, STABLE
from brandwatch_cli.store import MentionStore, NewMention

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WEEK = MentionFilter(since=NOW - timedelta(days=7), until=NOW)
FILLER = [
    "on en parle au bureau ce matin",
    "the weather was nice today",
    "quelle journée chargée",
    "good weekend everyone",
    "rien de spécial à signaler",
    "I read the news over coffee",
    "la rentrée approche vite",
    "prices of everything keep going up",
]
KEYWORDS = (
    Keyword("Acme", ("Acme", "Acme Corp")),
    Keyword("Globex", (), query='"Globex Corporation" OR globex'),
)


def planted_corpus(path: Path, *, per_day: int = 48) -> Counter[str]:
    """Two weeks of mentions (the week before NOW and the one before it), half Acme, half
    Globex, on filler talk, with planted phrases:

    - Acme this week: "colis perdu" with "livraison" (1 in 4, negative about Acme), "appli
      plante" (1 in 6), new this week; "service client" every week (1 in 5);
    - Globex both weeks: "battery life" (1 in 4); "écran cassé" last week only (1 in 3).

    Returns how many mentions hold each planted phrase, per "keyword phrase week"."""
    rng = random.Random(7)
    planted: Counter[str] = Counter()
    mentions = []
    n = 0
    for day in range(14):
        this_week = day >= 7
        week = "now" if this_week else "before"
        start = NOW - timedelta(days=14 - day) + timedelta(minutes=10)
        for i in range(per_day):
            n += 1
            name = "Acme" if i % 2 == 0 else "Globex"
            j = i // 2
            parts = [rng.choice(FILLER), rng.choice(FILLER)]
            own = "Acme" if name == "Acme" else rng.choice(["Globex", "Globex Corporation"])
            acme_sentiment = 0.6
            if name == "Acme":
                if this_week and j % 4 == 0:
                    parts.append("mon colis perdu, la livraison est un vrai désastre")
                    planted[f"Acme colis perdu {week}"] += 1
                    acme_sentiment = -0.7
                if this_week and j % 6 == 1:
                    parts.append("l'appli plante à chaque commande")
                    planted[f"Acme appli plante {week}"] += 1
                if j % 5 == 2:
                    parts.append("le service client répond vite")
                    planted[f"Acme service client {week}"] += 1
            else:
                if j % 4 == 3:
                    parts.append("great battery life on this one")
                    planted[f"Globex battery life {week}"] += 1
                if not this_week and j % 3 == 0:
                    parts.append("écran cassé dès le premier jour")
                    planted[f"Globex ecran casse {week}"] += 1
            rng.shuffle(parts)
            text = f"{own} : " + ". ".join(parts) + "."
            label = "negative" if acme_sentiment < 0 else "positive"
            mentions.append(
                NewMention(
                    Item(
                        f"e{n}",
                        f"https://n.example/{n}",
                        f"{own} news {n}",
                        text,
                        published_at=start + timedelta(minutes=i * (1400 // per_day)),
                    ),
                    (KeywordMatch(name, (own,), ("title",)),),
                    None,
                    None,
                    # the mention's own score is positive: themes read the keyword's
                    Sentiment(0.5, "positive", "vader"),
                    "fr",
                    keyword_sentiment={name: Sentiment(acme_sentiment, label, "vader")},
                )
            )
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        store.save_batch(scan, "news", mentions, SourceOutcome("news", "ok"), NOW)
    return planted


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Counter[str]]:
    path = tmp_path / "mentions.db"
    return path, planted_corpus(path)


def found_themes(path: Path, **options: object):  # type: ignore[no-untyped-def]
    with MentionStore.open(path) as store:
        return find_themes(store, WEEK, now=NOW, keywords=KEYWORDS, **options)  # type: ignore[arg-type]


def by_phrase(found, keyword):  # type: ignore[no-untyped-def]
    return {theme.phrase: theme for theme in found.themes[keyword]}


def theme_with(found, keyword, words):  # type: ignore[no-untyped-def]
    """The theme of ``keyword`` whose phrase, or one of its related phrases, has ``words``."""
    (theme,) = [
        theme
        for theme in found.themes[keyword]
        if any(words in phrase for phrase in (theme.phrase, *theme.related))
    ]
    return theme


def test_planted_themes_are_found_grouped_counted_and_trended(corpus):
    path, planted = corpus
    found = found_themes(path)
    acme = by_phrase(found, "Acme")
    assert found.mentions == {"Acme": 168, "Globex": 168}
    lost = acme["colis perdu"]
    assert lost.count == planted["Acme colis perdu now"] == 42
    assert lost.share == pytest.approx(42 / 168)
    assert lost.trend == NEW and lost.previous == 0
    assert "livraison" in lost.related  # co-occurs: one theme, not two
    assert lost.sentiment == pytest.approx(-1.0)  # Acme's own sentiment, not the mention's
    assert len(lost.examples) == 2
    assert all("colis perdu" in row["text"] for row in lost.examples)
    crash = acme["appli plante"]
    assert crash.count == planted["Acme appli plante now"] and crash.trend == NEW
    # every week, and only Acme's: still a theme; all its words co-occur, so one theme
    service = theme_with(found, "Acme", "service client")
    assert (service.count, service.previous) == (
        planted["Acme service client now"],
        planted["Acme service client before"],
    )
    assert service.trend == STABLE and 0 < service.sentiment < 1  # some lost a parcel too
    assert theme_with(found, "Globex", "battery life").trend == STABLE
    globex = found.themes["Globex"]
    assert not any("cass" in t.phrase for t in globex)  # last week's only: not a theme now


def test_a_keywords_own_words_are_never_a_theme(corpus):
    path, _ = corpus
    found = found_themes(path)
    words = {
        word
        for themes in found.themes.values()
        for theme in themes
        for phrase in (theme.phrase, *theme.related)
        for word in phrase.split()
    }
    assert words.isdisjoint({"acme", "corp", "globex", "corporation"})
    assert own_terms(KEYWORDS[1]) == ["Globex", "Globex Corporation", "globex"]


def test_counts_are_exact_over_the_period_whatever_the_sample(corpus):
    path, planted = corpus
    with MentionStore.open(path) as store:
        small = themes_module.keyword_themes(
            store,
            KEYWORDS[0],
            themes_module.Selections(
                WEEK, MentionFilter(since=NOW - timedelta(days=14), until=WEEK.since)
            ),
            everyone=336,
            sample=60,  # about a third of Acme's mentions are read...
            background=60,
        )
    lost = {t.phrase: t for t in small}["colis perdu"]
    assert lost.count == planted["Acme colis perdu now"]  # ... all of them are counted
    assert lost.share == pytest.approx(42 / 168)


def test_source_and_period_filters_bound_the_counts(corpus):
    path, _ = corpus
    with MentionStore.open(path) as store:
        none = find_themes(
            store,
            MentionFilter(since=WEEK.since, until=NOW, sources=("elsewhere",)),
            now=NOW,
            keywords=KEYWORDS,
        )
        # four days, the last two of last week and the first two of this one
        straddling = find_themes(
            store,
            MentionFilter(since=NOW - timedelta(days=9), until=NOW - timedelta(days=5)),
            now=NOW,
            keywords=KEYWORDS,
        )
    assert none.mentions == {"Acme": 0, "Globex": 0} and not any(none.themes.values())
    assert straddling.mentions == {"Acme": 96, "Globex": 96}
    lost = {t.phrase: t for t in straddling.themes["Acme"]}["colis perdu"]
    assert (lost.count, lost.previous, lost.trend) == (12, 0, NEW)  # 2 days of 24, 1 in 4


def test_trend_rules():
    assert trend(10, 0) == NEW and trend(10, 1) == NEW and trend(40, 4) == NEW
    assert trend(2, 0) == STABLE  # too few to call new
    assert trend(40, 20) == RISING  # +100 %, 2.6 standard deviations
    assert trend(12, 8) == STABLE  # +50 % but within the noise
    assert trend(1040, 1000) == STABLE  # beyond the noise but +4 %
    assert trend(10, 30) == FALLING and trend(28, 30) == STABLE


def test_spellings_cover_the_plurals_the_phrase_finder_merges():
    assert spellings("colis perdu") == ["colis perdu", "colis perdus"]
    assert "deliveries" in spellings("delivery") and "delivery" in spellings("delivery")
    assert spellings("livraison", ["livraisons"]) == ["livraison", "livraisons"]


def test_document_log_odds_is_fair_to_longer_texts():
    short = count_phrases(["prix", "prix", "prix", "merci"])
    long = count_phrases(
        [
            "prix du jour lumière soleil",
            "prix vent neige pluie",
            "prix orage nuage brume",
            "colis perdu chez nous",
        ]
    )
    scores = document_log_odds(long, short, ["prix", "colis perdu"])
    assert abs(scores["prix"]) < 0.5  # 3 of 4 mentions in both: no difference
    assert scores["colis perdu"] > 0
    assert document_log_odds(PhraseCounts(), PhraseCounts(), ["x"]) == {"x": 0.0}


def small_brand(path: Path) -> None:
    """One keyword alone: 34 mentions last week (2 with "colis perdu"), 56 this week (15)."""
    rng = random.Random(3)
    mentions = []
    for n, (days_back, lost) in enumerate(
        [(10, i < 2) for i in range(34)] + [(3, i < 15) for i in range(56)]
    ):
        parts = [
            rng.choice(FILLER),
            rng.choice(FILLER),
            f"écrit par {rng.choice(['Eva', 'Noé'])} hier",
        ]
        if lost:
            parts.append("mon colis perdu depuis dix jours")
        mentions.append(
            NewMention(
                Item(
                    f"s{n}",
                    f"https://n.example/s{n}",
                    f"Acme {n}",
                    ". ".join(parts),
                    published_at=NOW - timedelta(days=days_back, minutes=n),
                ),
                (KeywordMatch("Acme", ("Acme",), ("title",)),),
                None,
                None,
                Sentiment(-0.5 if lost else 0.3, "negative" if lost else "positive", "fr"),
                "fr",
            )
        )
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        store.save_batch(scan, "news", mentions, SourceOutcome("news", "ok"), NOW)


def test_a_small_brand_alone_still_has_its_themes(tmp_path):
    path = tmp_path / "m.db"
    small_brand(path)
    with MentionStore.open(path) as store:
        week = find_themes(store, WEEK, now=NOW, keywords=KEYWORDS[:1]).themes["Acme"]
        assert [(t.phrase, t.count, t.previous, t.trend) for t in week][:1] == [
            ("colis perdu", 15, 2, RISING)
        ]
        # two weeks with nothing before and nobody else: no lone word ("hier", a signature)
        fortnight = MentionFilter(since=NOW - timedelta(days=14), until=NOW)
        found = find_themes(store, fortnight, now=NOW, keywords=KEYWORDS[:1]).themes["Acme"]
        assert found and all(" " in t.phrase for t in found)
        assert not any(t.phrase in ("hier", "eva") for t in found)


def test_postgresql_counts_the_same_by_checking_rows_or_listing_hits(corpus, monkeypatch):
    """PostgreSQL counts a phrase in a few keyword rows by checking each row's mention, in
    many by listing the phrase's hits from the full-text index: the same counts either way."""
    from brandwatch_cli.store import themes as store_themes

    path, _ = corpus
    with MentionStore.open(path) as store:
        if not store.postgres:
            pytest.skip("one way only on SQLite")

    def counts():  # type: ignore[no-untyped-def]
        found = found_themes(path)
        return {
            (keyword, t.phrase): (t.count, t.previous, t.sentiment)
            for keyword, themes in found.themes.items()
            for t in themes
        }

    checked = counts()
    monkeypatch.setattr(store_themes, "CHECKED_ROWS", 0)
    assert counts() == checked
    assert ("Acme", "colis perdu") in checked


def acme_lost_parcels(path: Path, count: int) -> None:
    """``count`` more Acme mentions this week, each with "colis perdu", stored last."""
    mentions = [
        NewMention(
            Item(
                f"late{n}",
                f"https://late.example/{n}",
                f"Acme late {n}",
                "Acme : encore un colis perdu, la livraison est un désastre.",
                published_at=NOW - timedelta(hours=n + 1),
            ),
            (KeywordMatch("Acme", ("Acme",), ("title",)),),
            None,
            None,
            Sentiment(-0.5, "negative", "vader"),
            "fr",
        )
        for n in range(count)
    ]
    with MentionStore.open(path) as store:
        scan = store.start_scan(NOW)
        store.save_batch(scan, "late", mentions, SourceOutcome("late", "ok"), NOW)


def test_keywords_read_on_other_connections_give_the_same_themes(corpus, monkeypatch):
    """Keywords with enough mentions are each read on a thread's own connection: the same
    themes, counts and examples as one connection reading them in turn."""
    from brandwatch_cli.insight.report import build_report

    path, _ = corpus
    threads: list[str] = []
    sibling = MentionStore.sibling

    def spy(store: MentionStore) -> MentionStore:
        threads.append(threading.current_thread().name)
        return sibling(store)

    monkeypatch.setattr(MentionStore, "sibling", spy)

    def both() -> tuple[object, object]:
        with MentionStore.open(path) as store:
            report = build_report(store, WEEK, now=NOW, keyword_terms=KEYWORDS)
        return found_themes(path), report

    monkeypatch.setattr(themes_module, "PARALLEL_FROM", 10**9)
    alone = both()
    assert threads == []
    monkeypatch.setattr(themes_module, "PARALLEL_FROM", 1)
    assert both() == alone
    assert threads and all(name.startswith("brandwatch-reader") for name in threads)
    assert by_phrase(alone[0], "Acme")["colis perdu"].count == 42


def test_other_connections_leave_out_what_the_callers_snapshot_lacks(corpus, monkeypatch):
    """A theme read on another connection counts only the mentions stored up to the last
    id the caller saw: a scan storing more meanwhile changes no section of a report."""
    path, _ = corpus
    with MentionStore.open(path) as store:
        seen = store.last_mention_id()
    acme_lost_parcels(path, 5)
    monkeypatch.setattr(themes_module, "PARALLEL_FROM", 1)
    assert by_phrase(found_themes(path), "Acme")["colis perdu"].count == 47
    with MentionStore.open(path) as store:
        monkeypatch.setattr(store, "last_mention_id", lambda: seen)  # the caller's snapshot
        found = find_themes(store, WEEK, now=NOW, keywords=KEYWORDS)
    assert by_phrase(found, "Acme")["colis perdu"].count == 42


def sampled(path: Path, now: int, before: int) -> tuple[list[int], list[int]]:
    """The ids of Acme's sample of ``now`` mentions this week and ``before`` the week before."""
    previous = MentionFilter(since=NOW - timedelta(days=14), until=WEEK.since)
    with (
        MentionStore.open(path) as store,
        store.keyword_mentions("Acme", WEEK, previous) as mentions,
    ):
        picked = mentions.samples(now, before)
    return [i for i, _ in picked[0]], [i for i, _ in picked[1]]


def test_a_sample_seeks_its_slots_or_tests_each_row_alike(corpus, monkeypatch):
    """A big period's sample seeks its slots in the keyword rows' slot index, a small one's
    tests each row: the same mentions either way, spread over each period."""
    from brandwatch_cli.store import themes as store_themes

    path, _ = corpus
    monkeypatch.setattr(store_themes, "SEEK_SHARE", 0)  # never seek
    tested = sampled(path, 20, 10)
    monkeypatch.setattr(store_themes, "SEEK_SHARE", 10**9)  # always
    assert sampled(path, 20, 10) == tested
    now, before = tested
    assert 14 <= len(now) <= 20 and 7 <= len(before) <= 10
    # spread: ids from the whole week, not its start (Acme's this week: 169-336 of 672)
    assert max(now) - min(now) > 200
    assert sampled(path, 1000, 1000) == (
        list(range(337, 673, 2)),  # everything wanted: every Acme mention (ids alternate)
        list(range(1, 337, 2)),
    )


@pytest.mark.sqlite_only
def test_a_big_periods_sample_is_read_from_the_slot_index(corpus, monkeypatch):
    """The sample's query spells the slot as the index of m024 does (else SQLite would read
    every row of the period to test it)."""
    from brandwatch_cli.store import themes as store_themes

    path, _ = corpus
    monkeypatch.setattr(store_themes, "SEEK_SHARE", 10**9)
    statements: list[str] = []
    with MentionStore.open(path) as store:
        store.db.conn.set_trace_callback(statements.append)
        with store.keyword_mentions("Acme", WEEK, WEEK) as mentions:
            mentions.samples(10, 0)
        store.db.conn.set_trace_callback(None)
        (sample,) = [s for s in statements if "4294967291" in s]
        plan = " ".join(
            str(row[-1]) for row in store.db.conn.execute("EXPLAIN QUERY PLAN " + sample)
        )
    assert "mention_keywords_slots" in plan


def test_the_keyword_rows_first_id_comes_from_the_summary_when_it_can_tell(corpus):
    """The themes' lower id bound is the summary's first id of the period's quarter hours:
    the smallest id of the mentions from that quarter hour on, found without the fetch index;
    when the summary cannot tell (waiting for a refresh, the noise bucket asked for, a
    selection by fetch time), the fetch index's bound as before."""
    from brandwatch_cli.store.summary import floor_quarter

    path, _ = corpus
    previous = MentionFilter(since=NOW - timedelta(days=9), until=WEEK.since)
    with MentionStore.open(path) as store:
        assert store._summary_ready()
        start = floor_quarter(previous.since).isoformat(timespec="seconds")
        (expected,) = store.db.execute(
            "SELECT min(id) FROM mentions WHERE mentioned_at >= ?", [start]
        ).fetchone()
        assert store.summarised_first_id([WEEK, previous]) == expected
        assert store.keyword_first_id([WEEK, previous]) == expected
        # tighter than the fetch index's here (everything was fetched in one scan: 0)
        assert store.first_id([WEEK, previous]) == 0 < expected
        # nothing from a quarter hour on: above every id
        later = MentionFilter(since=NOW + timedelta(days=1), until=NOW + timedelta(days=2))
        assert store.summarised_first_id([later]) == store.last_mention_id() + 1
        for cannot in (
            replace(WEEK, noise="include"),
            replace(WEEK, by_fetch=True),
            replace(WEEK, after_id=3),
            MentionFilter(until=NOW),
        ):
            assert store.summarised_first_id([cannot]) is None
            assert store.keyword_first_id([cannot]) == store.first_id([cannot])
        with store._writing("mark"):
            store.db.execute("INSERT INTO summary_dirty (bucket) VALUES (?)", [start])
        assert store.summarised_first_id([WEEK]) is None
