"""The csv source on local exports: column mapping, encodings, delimiters, dates, ids."""

from __future__ import annotations

import codecs
import csv
import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import SourceConfig
from brandwatch_cli.sources import build_source
from brandwatch_cli.sources.csv_file import layout_from_options, parse_csv
from brandwatch_cli.sources.response import Unchanged
from helpers import config_file, db_rows, run_source, scan_ok

DATA = Path(__file__).parent / "data" / "csv"
FEEDBACK = {
    "text": "comment",
    "title": "subject",
    "date": "created_at",
    "author": "customer",
    "id": "ticket_id",
    "link": "url",
    "rating": "rating",
}


def csv_source(url, **options):
    return build_source(SourceConfig("feedback", "csv", str(url), 5.0, options), [])


def parse(content: bytes, **options) -> list:
    return parse_csv(content, layout_from_options(options))


def test_a_utf8_export_with_a_bom_maps_every_column():
    # A relative path resolves against the fetcher's folder (the config's, in a scan).
    items = run_source(csv_source("feedback.csv", **FEEDBACK), base_dir=DATA)
    ids = [i.entry_id for i in items]
    assert ids[:5] == ["T-1001", "T-1002", "T-1002#2", "T-1003", "T-1005"] and len(ids) == 6
    first = items[0]
    assert first.title == "Delivery"
    assert first.text == "Acme delivered on time, great service!"  # quoted comma kept
    assert first.author == "Dana Scully"
    assert first.url == "https://support.example.com/tickets/T-1001"
    assert first.published_at == datetime(2026, 11, 16, 9, 15, tzinfo=UTC)
    assert first.engagement == {"rating": 5.0}
    assert first.language is None
    refund = items[1]
    assert refund.text == "The anvil arrived cracked. I want a refund, please."  # multi-line cell
    assert refund.url is None  # javascript: is not a web link
    assert refund.published_at == datetime(2026, 11, 16, 14, 30, tzinfo=UTC)  # naive = UTC
    assert items[2].published_at == datetime(2026, 11, 17, 7, 0, tzinfo=UTC)  # +01:00
    question = items[3]
    assert question.published_at is None  # "next tuesday": the row is kept, undated
    assert question.engagement == {}  # "n/a" is no rating
    assert question.author is None
    compliment = items[4]
    assert (compliment.title, compliment.text) == ("Compliment", "")  # a title alone is kept
    assert compliment.engagement == {"rating": 4.5}
    anonymous = items[5]
    assert anonymous.entry_id.startswith("sha256:")  # no id: a hash of the content
    assert anonymous.text == "Globex is cheaper"
    # Rows T-1004 (neither subject nor comment) and T-1006 (cut short) say nothing: dropped.


def test_french_excel_cp1252_with_semicolons_and_day_first_dates():
    items = run_source(
        csv_source(
            "avis_magasin_cp1252.csv",
            text="Commentaire",
            date="Date",
            author="Client",
            rating="note",  # header says "Note": names match ignoring case
            language="fr-FR",
        ),
        base_dir=DATA,
    )
    assert len(items) == 4
    assert items[0].text == "Très bien accueillie, vendeur compétent"
    assert items[0].author == "Hélène"
    assert items[0].engagement == {"rating": 4.5}  # decimal comma
    assert items[0].published_at == datetime(2026, 11, 16, 9, 5, tzinfo=UTC)
    assert items[1].text == "Produit cassé, déçue… remboursement refusé"
    assert items[1].published_at == datetime(2026, 11, 17, tzinfo=UTC)
    assert items[2].published_at == datetime(2026, 11, 18, 18, 40, 12, tzinfo=UTC)
    assert {i.language for i in items} == {"fr"}
    # Two identical answers are two customers, not one: distinct, stable ids.
    assert items[3].entry_id == items[2].entry_id + "#2"
    again = parse((DATA / "avis_magasin_cp1252.csv").read_bytes(), text="Commentaire", date="Date")
    assert [i.entry_id for i in again] == [i.entry_id for i in items]


def test_excel_unicode_text_is_utf16_with_tabs():
    content = (DATA / "survey_utf16.txt").read_bytes()
    first, second = parse(content, text="answer", id="respondent", date="Submitted")
    assert first.entry_id == "R1"
    assert first.text == "L'appli Acme plante à chaque mise à jour 😡"
    assert second.text == "Rien à signaler"
    assert second.published_at == datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


def test_a_column_named_text_needs_no_option_and_one_column_keeps_its_commas():
    items = parse((DATA / "comments_one_column.csv").read_bytes())
    assert [i.text for i in items] == [
        "Acme support was slow, rude, and unhelpful; never again | 1 star",
        "Great anvils, fair prices",
    ]


def test_columns_called_as_fields_are_read_without_options():
    data = b"Text,Title,Date,Author,Rating,Notes\nAcme nul,Avis,2026-11-30T10:00:00Z,Jean,1,x\n"
    (item,) = parse(data)
    assert (item.text, item.title, item.author) == ("Acme nul", "Avis", "Jean")
    assert item.published_at == datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert item.engagement == {"rating": 1.0}
    (named,) = parse(data, rating="Notes", title="Notes")  # an option still decides
    assert named.title == "x" and named.engagement == {}  # "x" is no rating


def test_the_header_decides_between_delimiters_the_sniffer_confuses():
    content = b"id;comment, if any\n1;Slow, late\n2;Fine, thanks\n"
    assert csv.Sniffer().sniff(content.decode(), delimiters=",;").delimiter == ","  # wrong
    items = parse(content, text="comment, if any", id="id")
    assert [(i.entry_id, i.text) for i in items] == [("1", "Slow, late"), ("2", "Fine, thanks")]


def test_explicit_delimiter_encoding_and_date_format():
    content = "when|what\n03/04/2026|Acme rocks\n".encode("latin-1")
    (item,) = parse(
        content, text="what", date="when", delimiter="|", encoding="latin-1", date_format="%m/%d/%Y"
    )
    assert item.published_at == datetime(2026, 3, 4, tzinfo=UTC)
    (day_first,) = parse(content, text="what", date="when")
    assert day_first.published_at == datetime(2026, 4, 3, tzinfo=UTC)
    for tab in ("\\t", "tab", "TAB"):  # YAML '\t' (single quotes) is a backslash and a t
        tabbed = parse(b"text\tdate\nHello, you\t2026-01-02\n", delimiter=tab)
        assert tabbed[0].text == "Hello, you"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-16T09:15:00Z", datetime(2026, 11, 16, 9, 15, tzinfo=UTC)),
        ("2026-11-16T10:15:00+01:00", datetime(2026, 11, 16, 9, 15, tzinfo=UTC)),
        ("2026-11-16", datetime(2026, 11, 16, tzinfo=UTC)),
        ("16/11/2026", datetime(2026, 11, 16, tzinfo=UTC)),
        ("6/1/2026 7:05", datetime(2026, 1, 6, 7, 5, tzinfo=UTC)),
        ("16/11/2026 09:15:30", datetime(2026, 11, 16, 9, 15, 30, tzinfo=UTC)),
        ("31/02/2026", None),
        ("yesterday", None),
    ],
)
def test_dates(value, expected):
    (item,) = parse(f"text,date\nAcme,{value}\n".encode(), date="date")
    assert item.published_at == expected


def test_a_missing_column_is_named_with_the_header_listed():
    with pytest.raises(SourceError) as caught:
        run_source(csv_source("feedback.csv", text="comment", date="Created"), base_dir=DATA)
    message = str(caught.value)
    assert "column 'Created' (option 'date') is not in the header" in message
    assert "'ticket_id', 'created_at', 'channel'" in message


def test_without_a_text_option_a_text_column_is_required():
    with pytest.raises(SourceError, match="no 'text' option and no column named 'text'"):
        parse((DATA / "survey_utf16.txt").read_bytes())


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"delimiter": ";;"}, "delimiter"),
        ({"delimiter": ""}, "delimiter"),  # what the config loader leaves of "\t"
        ({"delimiter": '"'}, "delimiter"),
        ({"encoding": "klingon"}, "encoding"),
        ({"language": "French!"}, "language"),
        ({"date_format": "dd/mm/yyyy"}, "date_format"),
        ({"author": ""}, "author"),
    ],
)
def test_bad_options_fail_at_fetch_time_naming_the_option(options, named):
    source = csv_source(DATA / "feedback.csv", text="comment", **options)
    with pytest.raises(SourceError, match=f"option '{named}'"):
        run_source(source, base_dir=DATA)


def test_a_wrong_explicit_encoding_is_reported():
    with pytest.raises(SourceError, match=r"not utf-8 \(byte 0xe9 .*'encoding' option"):
        run_source(
            csv_source("avis_magasin_cp1252.csv", text="Commentaire", encoding="UTF-8"),
            base_dir=DATA,
        )


def test_identical_file_is_unchanged_and_an_edit_is_read(tmp_path):
    path = tmp_path / "feedback.csv"
    shutil.copy(DATA / "feedback.csv", path)
    learned: dict = {}
    assert len(run_source(csv_source(path, **FEEDBACK), base_dir=tmp_path, learned=learned)) == 6
    with pytest.raises(Unchanged):
        run_source(csv_source(path, **FEEDBACK), base_dir=tmp_path, validators=learned)
    with path.open("ab") as handle:
        handle.write(b"T-1007,2026-11-20,web,Dana Scully,Thanks,All sorted now,5,\r\n")
    items = run_source(csv_source(path, **FEEDBACK), base_dir=tmp_path, validators=learned)
    assert items[-1].entry_id == "T-1007"


def test_missing_empty_and_header_only_files(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        run_source(csv_source("nope.csv", text="comment"), base_dir=tmp_path)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(SourceError, match="empty file: no header row"):
        run_source(csv_source("empty.csv"), base_dir=tmp_path)
    (tmp_path / "header.csv").write_bytes(codecs.BOM_UTF8 + b"id;text\r\n")
    assert run_source(csv_source("header.csv"), base_dir=tmp_path) == []


def test_an_oversized_cell_is_a_readable_error():
    content = b'text\nfine\n"' + b"x" * 200_000 + b'"\n'
    with pytest.raises(SourceError, match="malformed CSV at line 3: field larger than field limit"):
        parse(content)


def test_a_large_export_is_read_in_one_linear_pass():
    rows = [
        f"{n};{1 + n % 28:02d}/11/2026 {n % 24:02d}:{n % 60:02d};"
        f'Client {n};"Bien, merci; {n}";{n % 5}'
        for n in range(100_000)
    ]
    content = ("id;date;client;commentaire;note\r\n" + "\r\n".join(rows)).encode("cp1252")
    started = time.monotonic()
    items = parse(content, text="commentaire", date="date", id="id", rating="note")
    elapsed = time.monotonic() - started
    assert len(items) == 100_000
    assert items[-1].text == "Bien, merci; 99999"
    assert items[-1].published_at == datetime(2026, 11, 12, 15, 39, tzinfo=UTC)
    assert elapsed < 30  # ~1.5 s here; quadratic work would take hours


def test_scan_through_the_cli_attributes_every_row_with_about(cli, tmp_path):
    shutil.copy(DATA / "avis_magasin_cp1252.csv", tmp_path / "avis.csv")
    config = config_file(
        tmp_path,
        "  - name: magasins\n    type: csv\n    url: avis.csv\n    about: Acme\n"
        "    text: Commentaire\n    date: Date\n    author: Client\n    rating: Note\n"
        "    language: fr\n",
        keywords="  - Acme\n  - name: Globex\n    terms: [Globex]\n",
    )
    scan_ok(cli, config, 4)
    rows = db_rows(
        tmp_path / "mentions.db",
        "SELECT m.text, m.author, m.language, m.engagement, group_concat(k.keyword)"
        " FROM mentions m JOIN mention_keywords k ON k.mention_id = m.id"
        " GROUP BY m.id ORDER BY m.id",
    )
    assert [row[4] for row in rows] == ["Acme"] * 4  # none names Acme: `about` attributes them
    assert rows[0][:3] == ("Très bien accueillie, vendeur compétent", "Hélène", "fr")
    assert json.loads(rows[0][3]) == {"rating": 4.5}

    second = cli("scan", "-c", config)
    assert second.exit_code == 0
    assert "1 unchanged" in second.stdout
