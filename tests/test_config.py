"""Loading the config: defaults, options, and the YAML 1.1 traps it avoids."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandwatch_cli.config import load_config
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
        ("max_response_mb: -1", "'max_response_mb' must be from 0 to 1024"),
        ("user_agent: ''", "'user_agent' must be a non-empty string"),
    ],
)
def test_bad_politeness_options(tmp_path, line, message):
    path = write(tmp_path, f"{line}\nkeywords: [Acme]\nsources:\n  - {{name: a, url: x.xml}}\n")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_yaml_1_1_traps_are_avoided(tmp_path):
    from brandwatch_cli.yamlfile import load_yaml

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

    monkeypatch.setitem(sources.SOURCE_TYPES, "cursor", "test_scan:CursorSource")
    path = write(tmp_path, "keywords: [Acme]\nsources:\n  - {name: q, type: cursor, fail: yes}\n")
    with pytest.raises(ConfigError, match="'fail' of source 'q' must be true or false"):
        load_config(path)


def test_every_registered_source_type_is_configurable(tmp_path):
    """Each registry line names a real class whose minimal config entry validates."""
    from brandwatch_cli.sources import SOURCE_TYPES, source_class

    entries = []
    for n, name in enumerate(SOURCE_TYPES):
        cls = source_class(name)
        assert all(isinstance(kind, type | tuple) for kind in cls.OPTIONS.values()), name
        url = ", url: data.csv" if cls.NEEDS_URL else ""
        entries.append(f"  - {{name: s{n}, type: {name}{url}}}")
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
    ],
)
def test_keyword_errors_point_at_the_line(tmp_path, keyword, message):
    path = write(tmp_path, f"keywords:\n  - {keyword}\nsources:\n  - {{name: a, url: x.xml}}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
