"""Loading the config: defaults, options, and the YAML 1.1 traps it avoids."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from brandwatch_cli.config.load import load_config
from brandwatch_cli.errors import ConfigError
from brandwatch_cli.models import USER_AGENT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "brandwatch.yaml"
    path.write_text(text)
    return path


def test_defaults(tmp_path):
    config = load_config(write(tmp_path, "keywords: [Acme]\nsources:\n  - {name: a, url: x.xml}\n"))
    assert config.database == tmp_path / "mentions.db"
    assert config.timeout == 20
    assert config.concurrency == 16
    assert config.http.per_host == 2 and config.http.retries == 2
    assert config.http.user_agent == USER_AGENT
    assert config.http.max_bytes == 20 * 1024 * 1024
    (source,) = config.sources
    assert (source.type, source.timeout, source.keywords, source.about) == ("feed", 20, (), None)


def test_politeness_options(tmp_path):
    config = load_config(
        write(
            tmp_path,
            "user_agent: acme-listening/1.0 (ops@acme.example)\nmax_response_mb: 2.5\n"
            "concurrency: 4\nper_host: 1\nretries: 0\ntimeout: 7\n"
            "keywords: [Acme, Globex]\n"
            "sources:\n  - {name: a, url: x.xml, keywords: [Globex], about: Acme, timeout: 3}\n",
        )
    )
    assert config.http.user_agent == "acme-listening/1.0 (ops@acme.example)"
    assert config.http.max_bytes == int(2.5 * 1024 * 1024)
    assert (config.concurrency, config.http.per_host, config.http.retries) == (4, 1, 0)
    (source,) = config.sources
    assert (source.timeout, source.keywords, source.about) == (3, ("Globex",), "Acme")
    assert [k.name for k in config.keywords_for(source)] == ["Globex"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("concurrency: 0", "'concurrency' must be a whole number from 1 to 256"),
        ("per_host: two", "'per_host' must be a whole number from 1 to 64"),
        ("max_response_mb: -1", "'max_response_mb' must be more than 0 and at most 1024"),
        ("max_response_mb: 0", "'max_response_mb' must be more than 0 and at most 1024"),
        ("max_response_mb: 1025", "'max_response_mb' must be more than 0 and at most 1024"),
        ("user_agent: ''", "'user_agent' must be a non-empty string"),
    ],
)
def test_bad_politeness_options(tmp_path, line, message):
    path = write(tmp_path, f"{line}\nkeywords: [Acme]\nsources:\n  - {{name: a, url: x.xml}}\n")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_max_response_mb_excludes_zero_and_includes_1024(tmp_path):
    """The message says "more than 0 and at most 1024" because that is what is accepted."""
    sources = "keywords: [Acme]\nsources:\n  - {name: a, url: x.xml}\n"
    for value, size in (("1024", 1024 * 1024 * 1024), ("0.5", 512 * 1024)):
        config = load_config(write(tmp_path, f"max_response_mb: {value}\n{sources}"))
        assert config.http.max_bytes == size
    with pytest.raises(ConfigError, match=r"brandwatch.yaml:1: 'max_response_mb' must be more"):
        load_config(write(tmp_path, f"max_response_mb: 0\n{sources}"))


def test_yaml_1_1_traps_are_avoided(tmp_path):
    from brandwatch_cli.config.yamlfile import load_yaml

    path = write(tmp_path, "country: no\nanswer: yes\nflag: true\napp: 0123\nport: 8080\n")
    assert dict(load_yaml(path)) == {
        "country": "no",
        "answer": "yes",
        "flag": True,
        "app": "0123",
        "port": 8080,
    }


def test_option_types_are_named_in_words(tmp_path, monkeypatch):
    from brandwatch_cli import sources

    monkeypatch.setitem(sources.SOURCE_TYPES, "cursor", "test_scan_engine:CursorSource")
    path = write(tmp_path, "keywords: [Acme]\nsources:\n  - {name: q, type: cursor, fail: yes}\n")
    with pytest.raises(ConfigError, match="'fail' of source 'q' must be true or false"):
        load_config(path)


def test_every_registered_source_type_is_configurable(tmp_path):
    """Each registry line names a real class whose minimal config entry validates."""
    from brandwatch_cli.sources import SOURCE_TYPES, source_class

    required = {"app_store": ", app_id: 284882215"}  # options a type cannot do without
    entries = []
    for n, name in enumerate(SOURCE_TYPES):
        cls = source_class(name)
        assert all(isinstance(kind, type | tuple) for kind in cls.OPTIONS.values()), name
        url = ", url: data.csv" if cls.NEEDS_URL else ""
        entries.append(f"  - {{name: s{n}, type: {name}{url}{required.get(name, '')}}}")
    config = load_config(write(tmp_path, "keywords: [Acme]\nsources:\n" + "\n".join(entries)))
    assert [s.type for s in config.sources] == list(SOURCE_TYPES)


@pytest.mark.parametrize("name", ["config.example.yaml", "examples/brandwatch.yaml"])
def test_shipped_configs_are_valid(name):
    config = load_config(Path(__file__).resolve().parents[1] / name)
    assert config.keywords and config.sources


def test_keyword_options(tmp_path):
    config = load_config(
        write(
            tmp_path,
            "sentiment:\n  lexicon: {killer: 2.0}\n"
            "keywords:\n"
            "  - name: Café Lumière\n"
            "    query: '\"Café Lumière\" OR cafelumiere NOT recrutement'\n"
            "    languages: [fr, EN]\n"
            "  - name: Orange\n"
            "    terms: [Orange]\n"
            "    case_sensitive: true\n"
            "    require_any: [opérateur, forfait]\n"
            "    sentiment: {lexicon: {bombe: 2.5, lent: -2}}\n"
            "sources:\n  - {name: a, url: x.xml}\n",
        )
    )
    cafe, orange = config.keywords
    assert cafe.query == '"Café Lumière" OR cafelumiere NOT recrutement'
    assert cafe.terms == () and cafe.languages == ("fr", "en")
    assert orange.case_sensitive and orange.require_any == ("opérateur", "forfait")
    assert orange.lexicon == (("bombe", 2.5), ("lent", -2.0))
    assert config.lexicon == (("killer", 2.0),)


@pytest.mark.parametrize(
    ("keyword", "message"),
    [
        (
            "{name: X, query: '(acme OR globex'}",
            "brandwatch.yaml:2: query of keyword 'X', column 1: this ( is never closed",
        ),
        ("{name: X, query: 'NOT acme'}", "query of keyword 'X', column 1: NOT only excludes"),
        ("{name: X, query: acme, terms: [a]}", "give either 'terms' or 'query'"),
        ("{name: X, languages: [french]}", "'french' is not a two-letter ISO 639-1 code"),
        ("{name: X, case_sensitive: yes}", "'case_sensitive' of 'X' must be true or false"),
        ("{name: X, sentiment: {lexicon: {bad: 9}}}", "valence of 'bad' must be a number from -4"),
        ("{name: X, sentiment: {lexikon: {}}}", "unknown key 'lexikon'"),
        ("{name: X, requires_any: [a]}", "(did you mean 'require_any'?)"),
        ("'Foo;Bar'", "brandwatch.yaml:2: keyword name 'Foo;Bar' cannot contain ';'"),
    ],
)
def test_keyword_errors_point_at_the_line(tmp_path, keyword, message):
    path = write(tmp_path, f"keywords:\n  - {keyword}\nsources:\n  - {{name: a, url: x.xml}}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)


#: A bad value for each source type that checks its options: the source entry (on lines 3
#: onwards of the file), the line the error names and the message after ``file:line: ``.
BAD_OPTION_VALUES = {
    "reddit mode": (
        "  - name: r\n    type: reddit\n    mode: bogus\n",
        5,
        "source 'r': option 'mode' must be 'search' or 'new', not 'bogus'",
    ),
    "reddit new without subreddit": (
        "  - name: r\n    type: reddit\n    mode: new\n",
        5,
        "source 'r': option 'mode: new' needs a 'subreddit'",
    ),
    "reddit comments without subreddit": (
        "  - name: r\n    type: reddit\n    comments: true\n",
        5,
        "source 'r': option 'comments: true' needs a 'subreddit'",
    ),
    "reddit subreddit": (
        "  - name: r\n    type: reddit\n    subreddit: r/no spaces\n",
        5,
        "source 'r': option 'subreddit': 'r/no spaces' is not a name like 'france+paris'",
    ),
    "app_store without app_id": (
        "  - name: ios\n    type: app_store\n    country: fr\n",
        3,
        "source 'ios' needs 'app_id': the number after 'id' in the app's App Store link"
        " (https://apps.apple.com/us/app/.../id284882215 -> app_id: 284882215)",
    ),
    "app_store max_pages": (
        "  - name: ios\n    type: app_store\n    max_pages: 11\n    app_id: 284882215\n",
        5,
        "'max_pages' of source 'ios' must be from 1 to 10, not 11"
        " (Apple serves at most 10 pages of reviews)",
    ),
    "hackernews max_pages": (
        "  - name: hn\n    type: hackernews\n    max_pages: 0\n",
        5,
        "'max_pages' of source 'hn' must be at least 1, not 0",
    ),
    "mastodon tags": (
        "  - name: fedi\n    type: mastodon\n    tags: ['#ok', not ok]\n",
        5,
        "source 'fedi': option 'tags': not hashtags (letters, digits, _): 'not ok'",
    ),
    "bluesky lang": (
        "  - name: sky\n    type: bluesky\n    lang: English!\n",
        5,
        "'lang' of source 'sky' must be a language code such as 'en', not 'English!'",
    ),
    "google_news locale": (
        "  - name: gn\n    type: google_news\n    locale: french\n",
        5,
        "source 'gn': option 'locale' must be a language and a country such as 'en-US' or"
        " 'fr-FR', not 'french'",
    ),
    "google_news when": (
        "  - name: gn\n    type: google_news\n    when: soon\n",
        5,
        "source 'gn': option 'when' must be a number of days or like '12h'/'7d', not 'soon'",
    ),
    "gdelt language": (
        "  - name: press\n    type: gdelt\n    language: xx\n",
        5,
        "'language' of source 'press': unknown language 'xx' (use an ISO 639-1 code such as"
        " fr, or GDELT's name such as french)",
    ),
    "gdelt min_interval": (
        "  - name: press\n    type: gdelt\n    min_interval: -1\n",
        5,
        "'min_interval' of source 'press' must be from 0 to 60 seconds",
    ),
    "csv delimiter": (
        "  - name: shop\n    type: csv\n    delimiter: ';;'\n    url: export.csv\n",
        5,
        "source 'shop': option 'delimiter' must be one character such as ';' or 'tab', not ';;'",
    ),
    "csv encoding": (
        "  - name: shop\n    type: csv\n    encoding: klingon\n    url: export.csv\n",
        5,
        "source 'shop': option 'encoding': unknown encoding 'klingon'",
    ),
}


@pytest.mark.parametrize("command", ["check", "scan"])
@pytest.mark.parametrize(
    ("entry", "line", "message"), BAD_OPTION_VALUES.values(), ids=BAD_OPTION_VALUES.keys()
)
def test_a_bad_option_value_is_a_config_error_on_its_line(
    cli, tmp_path, command, entry, line, message
):
    """``check`` catches what ``scan`` would: exit 2, one line naming the file, the line and
    the source, before the database is even opened (so no failure, no backoff is recorded)."""
    path = write(tmp_path, f"keywords: [Acme]\nsources:\n{entry}")
    result = cli(command, "-c", path)
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}:{line}: {message}\n"
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == [path]  # no mentions.db, no lock file


def test_the_first_bad_source_is_reported_and_good_ones_do_not_hide_it(tmp_path):
    path = write(
        tmp_path,
        "keywords: [Acme]\nsources:\n  - {name: a, url: x.xml}\n"
        "  - {name: r, type: reddit, mode: new}\n",
    )
    with pytest.raises(ConfigError, match=r"brandwatch\.yaml:4: source 'r': option 'mode: new'"):
        load_config(path)


def test_valid_option_values_of_every_type_load(cli, tmp_path):
    """Every option a type checks, set to a value it accepts (not just the defaults)."""
    path = write(
        tmp_path,
        "keywords: [Acme]\nsources:\n"
        "  - {name: feed, url: x.xml}\n"
        "  - {name: r1, type: reddit, mode: new, subreddit: r/france+paris, comments: true,"
        " max_pages: 1}\n"
        "  - {name: r2, type: reddit, mode: search}\n"
        "  - {name: ios, type: app_store, app_id: ' 284882215 ', country: FR, max_pages: 10}\n"
        "  - {name: hn, type: hackernews, tags: [story, show_hn], max_pages: 1}\n"
        "  - {name: fedi, type: mastodon, tags: ['#acme', AcmeSupport], max_pages: 1}\n"
        "  - {name: sky, type: bluesky, lang: fr, max_pages: 50}\n"
        "  - {name: gn, type: google_news, locale: fr_FR, when: 12h}\n"
        "  - {name: gn2, type: google_news, when: 7}\n"
        "  - {name: press, type: gdelt, language: french, country: FR, min_interval: 0}\n"
        "  - {name: shop, type: csv, url: export.csv, text: Commentaire, delimiter: tab,"
        " encoding: cp1252, date_format: '%d/%m/%Y', language: fr}\n",
    )
    config = load_config(path)
    assert len(config.sources) == 11
    assert config.sources[-1].options["delimiter"] == "tab"  # as written; the source maps it
    result = cli("check", "-c", path)
    assert result.exit_code == 0, result.stderr
    assert "11 sources" in result.stdout


def test_credentials_in_the_environment_are_not_checked_with_the_config(cli, tmp_path, monkeypatch):
    """The environment of a cron scan may differ from the one ``check`` runs in."""
    for name in (
        "BRANDWATCH_BLUESKY_HANDLE",
        "BRANDWATCH_BLUESKY_APP_PASSWORD",
        "BRANDWATCH_REDDIT_CLIENT_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRANDWATCH_REDDIT_CLIENT_ID", "id-without-its-secret")
    path = write(
        tmp_path,
        "keywords: [Acme]\nsources:\n  - {name: sky, type: bluesky}\n  - {name: r, type: reddit}\n",
    )
    assert cli("check", "-c", path).exit_code == 0


def test_a_feed_only_config_imports_no_other_source_type(tmp_path):
    """Checking option values imports only the types the config uses: start-up stays quick."""
    from brandwatch_cli.sources import SOURCE_TYPES

    path = write(tmp_path, "keywords: [Acme]\nsources:\n  - {name: a, url: x.xml}\n")
    script = (
        "import sys; from pathlib import Path; from brandwatch_cli.config.load import load_config;"
        f"load_config(Path({str(path)!r})); print('\\n'.join(sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    type_modules = {target.partition(":")[0] for target in SOURCE_TYPES.values()}
    assert type_modules & set(result.stdout.split()) == {"brandwatch_cli.sources.feed"}


def test_spike_settings_load_and_bad_ones_name_their_line(tmp_path):
    sources = "keywords: [Acme]\nsources:\n  - {name: a, url: x.xml}\n"
    alerts = "alerts:\n  p_value: 0.0001\n  min_history: 4\n  seasonal: false\n"
    rule = load_config(write(tmp_path, alerts + sources)).alerts
    assert (rule.p_value, rule.min_history, rule.seasonal) == (0.0001, 4, False)
    for line, message in (
        ("  p_value: 0.9", r"brandwatch.yaml:2: 'p_value' must be a number from 1e-09 to 0.5"),
        ("  min_history: 1", r"brandwatch.yaml:2: 'min_history' must be a whole number from 2"),
        ("  seasonal: maybe", r"brandwatch.yaml:2: 'seasonal' must be true or false"),
    ):
        with pytest.raises(ConfigError, match=message):
            load_config(write(tmp_path, f"alerts:\n{line}\n{sources}"))
