"""Exports: plain CSV for pipelines, --excel for spreadsheets (BOM, no live formulas)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from helpers import rss, write_config

HOSTILE = ['=HYPERLINK("http://evil.example","Acme")', "+cmd|' /C calc'!A0", "@SUM(1+1) Acme"]


@pytest.fixture
def config(cli, tmp_path):
    items = [
        {"title": title, "link": f"https://www.news.example/{n}", "description": "Acme"}
        for n, title in enumerate([*HOSTILE, "-2 Acme", "Acme café"])
    ]
    (tmp_path / "feed.xml").write_text(rss(items), encoding="utf-8")
    path = write_config(tmp_path, [("local", str(tmp_path / "feed.xml"))], keywords="  - Acme\n")
    assert cli("scan", "-c", path).exit_code == 0
    return path


def test_excel_export_neutralises_formulas_and_starts_with_a_bom(cli, config, tmp_path):
    out = tmp_path / "mentions.csv"
    assert cli("export", "-c", config, "--excel", "--delimiter", ";", "-o", out).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    titles = {row["title"] for row in rows}
    assert {"'" + title for title in HOSTILE} <= titles
    assert "'-2 Acme" in titles and "Acme café" in titles
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


def test_plain_csv_stays_exact_for_pipelines(cli, config):
    plain = cli("export", "-c", config).stdout
    assert not plain.startswith("\ufeff")
    titles = {row["title"] for row in csv.DictReader(io.StringIO(plain))}
    assert set(HOSTILE) <= titles


def test_export_has_the_publisher_domain_and_the_declared_language(cli, config):
    header = cli("export", "-c", config).stdout.splitlines()[0].split(",")
    assert header[20:22] == ["domain", "source_language"]  # appended, in this order
    assert header[22:25] == ["aspects", "assignee", "tags"]
    record = json.loads(cli("export", "-c", config, "-f", "jsonl").stdout.splitlines()[0])
    assert record["domain"] == "news.example"


def test_excel_options_need_csv_and_a_known_separator(cli, config):
    assert cli("export", "-c", config, "-f", "jsonl", "--excel").exit_code == 2
    bad = cli("export", "-c", config, "--delimiter", "|")
    assert bad.exit_code == 2 and "use , ; or tab" in bad.stderr
    tabbed = cli("export", "-c", config, "--delimiter", "tab").stdout
    assert "id\tsource\tkeywords" in tabbed


def test_the_json_cells_are_the_same_text_on_both_engines(cli, tmp_path):
    """A keyword matched by two terms: ``matched_terms`` is compact JSON, as SQLite writes it,
    whichever engine stores the mention (a diff of two exports shows only real changes)."""
    items = [{"title": "Globex Corporation and Café Globex", "link": "https://g.example/1"}]
    (tmp_path / "feed.xml").write_text(rss(items), encoding="utf-8")
    keywords = "  - name: Globex\n    terms: [Globex, Globex Corporation, Café Globex]\n"
    path = write_config(tmp_path, [("local", str(tmp_path / "feed.xml"))], keywords=keywords)
    assert cli("scan", "-c", path).exit_code == 0
    row = next(csv.DictReader(io.StringIO(cli("export", "-c", path).stdout)))
    assert row["matched_terms"] == (
        '{"Globex":["Globex","Globex Corporation","Caf\\u00e9 Globex"]}'
    ), row["matched_terms"]
