"""The ``mastodon`` source against a real HTTP server on 127.0.0.1 serving Mastodon-shaped pages."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from brandwatch_cli.errors import RateLimited, SourceError
from brandwatch_cli.models import USER_AGENT, Keyword, SourceConfig
from brandwatch_cli.sources import source_class
from brandwatch_cli.sources.mastodon import MastodonSource
from conftest import Route
from helpers import SHARED, config_file, db_rows, run_source, run_source_and_cursors, scan_ok

DATA = Path(__file__).parent / "data" / "mastodon"
RECORDED = SHARED / "data" / "api" / "mastodon"
ACME = Keyword("Acme", ("Acme",))
TAG_PATH = "/api/v1/timelines/tag/Acme"


def body(name: str) -> bytes:
    return (DATA / name).read_bytes()


def source(server, keywords=(ACME,), **options) -> MastodonSource:
    config = SourceConfig("fedi", "mastodon", server.base_url + "/", 5.0, options)
    return MastodonSource(config, keywords)


def sent(server, index=0):
    """(path, query parameters, headers) of one recorded request."""
    target, headers = server.requests[index]
    parts = urlsplit(target)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, headers


def page(first_id: int, count: int) -> bytes:
    """``count`` statuses with ids counting down from ``first_id``, newest first."""
    template = json.loads(body("tag_acme.json"))[0]
    statuses = []
    for offset in range(count):
        status = copy.deepcopy(template)
        status["id"] = str(first_id - offset)
        status["url"] = f"https://example.social/@alice/{first_id - offset}"
        statuses.append(status)
    return json.dumps(statuses).encode()


def test_registered_under_its_type_name():
    assert source_class("mastodon") is MastodonSource
    assert MastodonSource.NEEDS_URL is False


def test_tag_timeline_maps_every_field(feed_server):
    feed_server.serve(TAG_PATH, body("tag_acme.json"))
    items, cursors = run_source_and_cursors(source(feed_server))
    assert [i.entry_id for i in items] == [
        "113500000000000003",
        "113500000000000002",
        "113400000000000000",  # the boosted status, not the boost
    ]
    plain, warned, boosted = items
    assert plain.url == "https://example.social/@alice/113500000000000003"
    assert plain.title == ""
    assert plain.text == "Love my new #Acme anvil & toaster! Second paragraph"
    assert plain.author == "alice@example.social"
    assert plain.published_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert plain.language == "en"
    assert plain.engagement == {
        "favourites": 5,
        "reblogs": 2,
        "comments": 1,
        "quotes": 0,
        "followers": 120,
    }
    assert all(type(v) is int for v in plain.engagement.values())  # exported as 5, not 5.0
    assert warned.title == "Acme recall" and warned.text == "Mon grille-pain #Acme a brûlé"
    assert warned.url == "https://other.example/users/bob/statuses/9"  # no url: the uri
    assert warned.language == "fr"
    assert boosted.author == "carol@third.example"
    assert boosted.text == "Globex Corporation und #Acme fusionieren?"
    assert boosted.url == "https://third.example/@carol/77"
    assert boosted.published_at == datetime(2026, 11, 19, 8, 0, tzinfo=UTC)
    assert boosted.engagement == {"favourites": 30, "reblogs": 10, "comments": 4, "followers": 5000}
    assert cursors == {"#acme": "113500000000000003"}  # the newest timeline id, boosts included

    assert len(feed_server.requests) == 1  # a short page: nothing older to fetch
    path, params, headers = sent(feed_server)
    assert path == TAG_PATH
    assert params == {"limit": "40"}
    assert headers["user-agent"] == USER_AGENT
    assert "authorization" not in headers


def test_tags_come_from_keyword_terms_once_each(feed_server):
    feed_server.serve("/api/v1/timelines/tag/Caf%C3%A9Lumi%C3%A8re", b"[]")
    feed_server.serve("/api/v1/timelines/tag/cafe", b"[]")
    keywords = (
        Keyword("Café Lumière", ("Café Lumière", "#cafe")),
        Keyword("Café", ("CAFE", "café lumière")),  # same tags, another case: not read again
    )
    items, cursors = run_source_and_cursors(source(feed_server, keywords=keywords))
    assert items == [] and cursors == {}
    assert [urlsplit(p).path for p in feed_server.paths()] == [
        "/api/v1/timelines/tag/Caf%C3%A9Lumi%C3%A8re",
        "/api/v1/timelines/tag/cafe",
    ]


def test_listed_tags_are_read_once_whatever_the_keywords(feed_server):
    feed_server.serve("/api/v1/timelines/tag/acme", b"[]")
    feed_server.serve("/api/v1/timelines/tag/AcmeSupport", b"[]")
    keywords = (ACME, Keyword("Globex", ("Globex",)))
    run_source(source(feed_server, keywords=keywords, tags=("#acme", "AcmeSupport", "ACME")))
    assert [urlsplit(p).path for p in feed_server.paths()] == [
        "/api/v1/timelines/tag/acme",
        "/api/v1/timelines/tag/AcmeSupport",
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tags": ("acme", "not/a tag")}, "'not/a tag'"),
        ({"tags": ()}, "none given"),
        ({"max_pages": 0}, "'max_pages' of source 'fedi' must be at least 1, not 0"),
    ],
)
def test_option_problems_are_source_errors_before_any_request(feed_server, options, message):
    with pytest.raises(SourceError, match=message):
        run_source(source(feed_server, **options))
    assert feed_server.requests == []


def test_token_is_sent_as_bearer(feed_server):
    feed_server.serve(TAG_PATH, b"[]")
    run_source(source(feed_server), env={"BRANDWATCH_MASTODON_TOKEN": " tok-456 "})
    assert sent(feed_server)[2]["authorization"] == "Bearer tok-456"
    assert sent(feed_server)[2]["user-agent"] == USER_AGENT


def test_pages_back_with_max_id_until_a_short_page(feed_server):
    first, second = page(10_000_000_000_000_040, 40), page(10_000_000_000_000_000, 5)
    feed_server.serve_sequence(TAG_PATH, [Route(first), Route(second)])
    items, cursors = run_source_and_cursors(source(feed_server))
    assert len(items) == 45
    assert len(feed_server.requests) == 2
    assert sent(feed_server, 1)[1] == {"limit": "40", "max_id": "10000000000000001"}
    assert cursors == {"#acme": "10000000000000040"}


def test_page_cap(feed_server):
    feed_server.serve(TAG_PATH, page(500, 40))  # always a full page
    items = run_source(source(feed_server, max_pages=2))
    assert len(feed_server.requests) == 2
    assert len(items) == 40  # the same statuses twice: deduplicated


def test_cursor_is_stored_and_sent_as_since_id(feed_server):
    feed_server.serve(TAG_PATH, body("tag_acme.json"))
    cursors: dict[str, str] = {}
    run_source(source(feed_server), cursors=cursors)
    # ids compare as integers: "99..." is a smaller snowflake than "1135..." despite sorting after
    cursors["#acme"] = "99999999999999999"
    feed_server.requests.clear()
    items = run_source(source(feed_server), cursors=cursors)
    hour = 3_600_000 << 16  # an hour of snowflake ids: milliseconds << 16
    assert sent(feed_server)[1] == {"limit": "40", "since_id": str(99999999999999999 - hour)}
    assert len(items) == 3
    assert cursors == {"#acme": "113500000000000003"}
    feed_server.requests.clear()
    items = run_source(source(feed_server), cursors=cursors)
    # An hour before the newest id seen: a status that federates late (its id is its own
    # created_at) is still asked for; what comes twice is deduplicated downstream.
    assert sent(feed_server)[1]["since_id"] == str(113500000000000003 - hour)
    assert len(items) == 3  # all three are within that hour of the cursor
    assert cursors == {"#acme": "113500000000000003"}
    cursors["#acme"] = str(113500000000000003 + 2 * hour)
    assert run_source(source(feed_server), cursors=cursors) == []  # older than the hour


def test_empty_timeline(feed_server):
    feed_server.serve(TAG_PATH, b"[]")
    assert run_source_and_cursors(source(feed_server)) == ([], {})
    assert len(feed_server.requests) == 1


def test_429_with_retry_after_is_rate_limited(feed_server):
    feed_server.serve(TAG_PATH, status=429, headers={"Retry-After": "300"})
    with pytest.raises(RateLimited) as caught:
        run_source(source(feed_server))
    assert caught.value.retry_after == 300


def test_malformed_json_is_a_readable_source_error(feed_server):
    feed_server.serve(TAG_PATH, b'[{"id": "1",')
    with pytest.raises(SourceError, match=r"malformed JSON from 127\.0\.0\.1"):
        run_source(source(feed_server))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (body("error.json"), "Mastodon answered with an error: This API requires an authenticated"),
        (b'{"statuses": []}', "not a list of statuses"),
    ],
)
def test_unexpected_answers_are_source_errors(feed_server, answer, message):
    feed_server.serve(TAG_PATH, answer)
    with pytest.raises(SourceError, match=message):
        run_source(source(feed_server))


def test_missing_optional_fields_do_not_crash(feed_server):
    feed_server.serve(TAG_PATH, body("minimal.json"))
    items, cursors = run_source_and_cursors(source(feed_server))
    assert [i.entry_id for i in items] == ["5", "7"]
    bare, odd = items
    assert bare.text == "#Acme" and bare.url is None and bare.author is None
    assert bare.published_at is None and bare.language is None and bare.engagement == {}
    assert odd.title == "Acme CW" and odd.text == "" and odd.url is None  # javascript: refused
    assert cursors == {"#acme": "7"}


def shared(name: str) -> bytes:
    path = RECORDED / name
    if not path.is_file():
        pytest.skip(f"shared recording {name} not available")
    return path.read_bytes()


@pytest.mark.parametrize(
    "name", ["mastodonpy_test_hashtag_tl.json", "mastodonpy_test_public_tl_anonymous.json"]
)
def test_recorded_timelines(feed_server, name):
    recorded = json.loads(shared(name))
    feed_server.serve("/api/v1/timelines/tag/hoot", json.dumps(recorded))
    items, cursors = run_source_and_cursors(source(feed_server, tags=("hoot",)))
    assert [i.entry_id for i in items] == [s["id"] for s in recorded]
    for item, status in zip(items, recorded, strict=True):
        assert item.url == status["url"]
        assert item.text and "<" not in item.text
        assert item.author == status["account"]["acct"]
        assert item.language == status["language"]
        assert item.published_at and item.published_at.tzinfo is not None
        assert item.engagement["followers"] == status["account"]["followers_count"]
    assert cursors == {"#hoot": max((s["id"] for s in recorded), key=int)}


def test_end_to_end_scan_stores_mentions_with_engagement(cli, feed_server, tmp_path):
    statuses = json.loads(body("tag_acme.json"))
    recent = datetime.now(UTC) - timedelta(hours=2)
    for status in (statuses[0], statuses[1], statuses[2]["reblog"]):
        status["created_at"] = recent.isoformat().replace("+00:00", "Z")
    feed_server.serve("/api/v1/timelines/tag/Acme", json.dumps(statuses))
    feed_server.serve("/api/v1/timelines/tag/Globex", b"[]")
    config = config_file(
        tmp_path,
        f"  - name: fedi\n    type: mastodon\n    url: '{feed_server.base_url}'\n",
        keywords="  - Acme\n  - name: Globex\n    terms: [Globex]\n",
    )
    scan_ok(cli, config, 3)
    rows = db_rows(
        tmp_path / "mentions.db",
        "SELECT m.entry_id, m.engagement, group_concat(k.keyword, ';') FROM mentions m"
        " JOIN mention_keywords k ON k.mention_id = m.id GROUP BY m.id ORDER BY m.entry_id",
    )
    cursors = db_rows(tmp_path / "mentions.db", "SELECT key, value FROM source_cursors")
    assert [(r[0], json.loads(r[1]), set(r[2].split(";"))) for r in rows] == [
        (
            "113400000000000000",
            {"favourites": 30, "reblogs": 10, "comments": 4, "followers": 5000},
            {"Acme", "Globex"},
        ),
        (
            "113500000000000002",
            {"favourites": 1, "reblogs": 0, "comments": 0, "followers": 3},
            {"Acme"},
        ),
        (
            "113500000000000003",
            {"favourites": 5, "reblogs": 2, "comments": 1, "quotes": 0, "followers": 120},
            {"Acme"},
        ),
    ]
    assert cursors == [("#acme", "113500000000000003")]
    assert sorted(urlsplit(p).path for p in feed_server.paths()) == [
        "/api/v1/timelines/tag/Acme",
        "/api/v1/timelines/tag/Globex",
    ]


def test_absurd_counts_from_a_hostile_instance_are_left_out(feed_server):
    status = (
        '[{"id": "113500000000000009", "created_at": "2026-11-20T10:00:00Z",'
        ' "content": "<p>Acme</p>", "url": "https://m.example/@a/9",'
        ' "favourites_count": 1' + "0" * 400 + ', "reblogs_count": 1e400,'
        ' "replies_count": -3, "quotes_count": NaN,'
        ' "account": {"acct": "a", "followers_count": 12}}]'
    )
    feed_server.serve(TAG_PATH, status.encode())
    (item,) = run_source(source(feed_server))
    assert item.engagement == {"followers": 12}  # 10**400, inf, a negative, NaN: all dropped
