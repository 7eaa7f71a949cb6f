"""Alert rules' conditions, key by key: a pure function of the rule and the stored row."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from brandwatch_cli.insight.rules import matches, quiet_now, why
from brandwatch_cli.models import AlertRule, QuietHours, RuleCondition


def mention(**changes: Any) -> dict[str, Any]:
    """A stored row as ``iter_mentions`` gives it: negative about Acme, neutral about Globex."""
    row: dict[str, Any] = {
        "id": 7,
        "source": "reviews",
        "source_type": "app_store",
        "keywords": "Acme;Globex",
        "title": "Rappel produit chez Acme",
        "text": "Le service client ne répond pas.",
        "language": "fr",
        "sentiment": -0.3,
        "sentiment_label": "negative",
        "engagement": json.dumps({"followers": 12000, "points": 30, "comments": 5, "rating": 2}),
        "matched_terms": json.dumps({"Acme": ["Acme"], "Globex": ["Globex Corp"]}),
        "keyword_sentiment": json.dumps({"Acme": -0.62, "Globex": 0.0}),
        "aspects": json.dumps({"customer_service": -0.5}),
    }
    row.update(changes)
    return row


def rule(**when: Any) -> AlertRule:
    return AlertRule("r", RuleCondition(**when), status="todo")


def test_keyword_holds_when_the_mention_names_any_of_them() -> None:
    assert matches(rule(keywords=("Acme",)), mention())
    assert matches(rule(keywords=("Initech", "globex")), mention())  # any case
    assert not matches(rule(keywords=("Initech",)), mention())


def test_label_without_keyword_reads_the_mention_s_own_label() -> None:
    assert matches(rule(labels=("negative",)), mention())
    assert not matches(rule(labels=("positive", "neutral")), mention())


def test_label_with_keyword_reads_that_keyword_s_own_sentiment() -> None:
    assert matches(rule(keywords=("Acme",), labels=("negative",)), mention())
    assert not matches(rule(keywords=("Globex",), labels=("negative",)), mention())
    assert matches(rule(keywords=("Globex",), labels=("neutral",)), mention())


def test_sentiment_at_most_per_keyword_or_for_the_mention() -> None:
    assert matches(rule(sentiment_at_most=-0.3), mention())
    assert not matches(rule(sentiment_at_most=-0.31), mention())
    assert matches(rule(keywords=("Acme",), sentiment_at_most=-0.6), mention())
    assert not matches(rule(keywords=("Globex",), sentiment_at_most=-0.6), mention())


def test_a_keyword_without_its_own_sentiment_falls_back_to_the_mention_s() -> None:
    row = mention(keyword_sentiment=None)
    assert matches(rule(keywords=("Globex",), labels=("negative",)), row)


def test_followers_at_least() -> None:
    assert matches(rule(followers_at_least=10000), mention())
    assert not matches(rule(followers_at_least=12001), mention())
    assert not matches(rule(followers_at_least=0), mention(engagement=None))  # unknown


def test_engagement_at_least_sums_the_interactions_not_followers_or_rating() -> None:
    assert matches(rule(engagement_at_least=35), mention())
    assert not matches(rule(engagement_at_least=36), mention())


def test_rating_at_most() -> None:
    assert matches(rule(rating_at_most=2), mention())
    assert not matches(rule(rating_at_most=1), mention())
    assert not matches(rule(rating_at_most=5), mention(engagement='{"points": 3}'))


def test_source_and_source_type() -> None:
    assert matches(rule(sources=("news", "reviews")), mention())
    assert not matches(rule(sources=("news",)), mention())
    assert matches(rule(source_types=("app_store",)), mention())
    assert not matches(rule(source_types=("feed",)), mention())


def test_language() -> None:
    assert matches(rule(languages=("en", "fr")), mention())
    assert not matches(rule(languages=("en",)), mention())
    assert not matches(rule(languages=("en",)), mention(language=None))


def test_aspect() -> None:
    assert matches(rule(aspects=("price", "customer_service")), mention())
    assert not matches(rule(aspects=("price",)), mention())
    assert not matches(rule(aspects=("price",)), mention(aspects="{}"))


def test_term_is_a_matched_term_or_a_whole_word_of_the_text_folded() -> None:
    assert matches(rule(terms=("RAPPEL",)), mention())  # a word of the title, any case
    assert matches(rule(terms=("repond",)), mention())  # accents folded
    assert matches(rule(terms=("globex corp",)), mention())  # a matched term
    assert matches(rule(terms=("recall", "service client")), mention())  # any, phrases too
    assert not matches(rule(terms=("recall",)), mention())
    assert not matches(rule(terms=("rapp",)), mention())  # whole words only
    recalled = mention(title="Acme recalls 12,000 toasters", text="L’appli annonce des rappels")
    assert matches(rule(terms=("recall",)), recalled)  # plurals merged, as in themes
    assert matches(rule(terms=("rappel",)), recalled)
    assert matches(rule(terms=("application",)), recalled) is False
    assert matches(rule(terms=("appli",)), recalled)  # the elision cut


def test_relevance_at_least_counts_an_unscored_mention_as_relevant() -> None:
    assert matches(rule(relevance_at_least=0.9), mention())
    assert "not scored" in why(rule(relevance_at_least=0.9), mention())
    assert matches(rule(relevance_at_least=0.5), mention(relevance=0.5))
    assert not matches(rule(relevance_at_least=0.5), mention(relevance=0.4))


def test_every_condition_given_must_hold() -> None:
    angry = rule(keywords=("Acme",), labels=("negative",), followers_at_least=10000)
    assert matches(angry, mention())
    assert not matches(angry, mention(engagement='{"followers": 50}'))
    assert not matches(angry, mention(keywords="Globex"))


def test_why_says_which_values_met_each_condition() -> None:
    angry = rule(keywords=("Acme",), labels=("negative",), followers_at_least=10000)
    assert why(angry, mention()) == "keyword Acme negative (-0.62), followers 12,000 ≥ 10,000"
    assert why(angry, mention(keywords="Globex")) == ""


PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("utc_clock", "quiet"),
    [("20:59", False), ("21:00", True), ("23:30", True), ("05:59", True), ("06:00", False)],
)
def test_quiet_hours_over_midnight_on_their_zone_s_clocks(utc_clock: str, quiet: bool) -> None:
    hours = QuietHours(time(22, 0), time(7, 0), PARIS)  # Paris is UTC+1 in December
    hour, minute = map(int, utc_clock.split(":"))
    assert quiet_now(hours, datetime(2026, 12, 7, hour, minute, tzinfo=UTC)) is quiet


def test_quiet_hours_within_a_day() -> None:
    hours = QuietHours(time(12, 0), time(14, 0), UTC)
    assert quiet_now(hours, datetime(2026, 12, 7, 13, 0, tzinfo=UTC))
    assert not quiet_now(hours, datetime(2026, 12, 7, 14, 0, tzinfo=UTC))
    assert not quiet_now(None, datetime(2026, 12, 7, 13, 0, tzinfo=UTC))
