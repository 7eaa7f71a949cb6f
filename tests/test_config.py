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
