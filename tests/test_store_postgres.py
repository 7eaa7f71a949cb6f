"""PostgreSQL as the database (issue 13): how a user names it, what is never printed, the
driver's absence, and runs coordinated in the database rather than with lock files."""

from __future__ import annotations

import json
import sys

import psycopg
import pytest

from brandwatch_cli.store import MentionStore
from brandwatch_cli.store.locks import held
from brandwatch_cli.store.postgres import translate
from helpers import rss

ITEMS = [
    {"title": "Acme launches a rocket", "link": "https://a.example/1", "description": "Acme!"},
    {"title": "Acme opens in Lyon", "link": "https://a.example/2", "description": "Café Acme"},
]


def mentions_in(url: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT count(*) FROM mentions").fetchone()[0])


def config(tmp_path, database: str) -> str:
    (tmp_path / "feed.xml").write_text(rss(ITEMS), encoding="utf-8")
    path = tmp_path / "brandwatch.yaml"
    path.write_text(
        f"database: '{database}'\nkeywords:\n  - Acme\nsources:\n"
        f"  - name: local\n    url: '{tmp_path / 'feed.xml'}'\n",
        encoding="utf-8",
    )
    return str(path)


def test_the_config_the_db_option_and_the_variable_each_name_a_postgresql_database(
    cli, tmp_path, pg_server, monkeypatch
):
    by_config, by_option, by_variable = (pg_server.database() for _ in range(3))
    path = config(tmp_path, by_config)
    assert cli("scan", "-c", path).exit_code == 0
    assert mentions_in(by_config) == 2
    assert cli("scan", "-c", path, "--db", by_option).exit_code == 0
    assert mentions_in(by_option) == 2
    monkeypatch.setenv("BRANDWATCH_DATABASE_URL", by_variable)
    assert cli("scan", "-c", path).exit_code == 0
    assert mentions_in(by_variable) == 2
    listed = cli("mentions", "-c", path, "--format", "jsonl")
    assert listed.exit_code == 0 and listed.stdout.count("\n") == 2
    found = cli("search", "cafe", "-c", path, "--format", "jsonl")
    assert "Acme opens in Lyon" in found.stdout
    assert not list(tmp_path.glob("*.db*"))  # no SQLite file on the side
    for url in (by_config, by_option, by_variable):
        pg_server.drop(url)


def test_a_password_is_refused_in_the_config_and_never_printed(cli, tmp_path, pg_server):
    secret = "s3cr3t-pw"
    written = config(tmp_path, f"postgresql://bob:{secret}@127.0.0.1:{pg_server.port}/x")
    refused = cli("scan", "-c", written)
    assert refused.exit_code == 2
    assert "password" in refused.stderr and secret not in refused.stderr + refused.stdout
    (tmp_path / "brandwatch.yaml").unlink()  # --db alone, no config
    wrong = cli("mentions", "--db", f"postgresql://bob:{secret}@127.0.0.1:1/nowhere")
    assert wrong.exit_code == 3, wrong.stderr
    assert "cannot connect to PostgreSQL" in wrong.stderr
    assert secret not in wrong.stderr + wrong.stdout
    assert "Traceback" not in wrong.stderr


def test_without_the_driver_the_error_names_the_extra(cli, pg_url, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setitem(sys.modules, "psycopg", None)  # as if never installed
        result = cli("mentions", "--db", pg_url)
    assert result.exit_code == 3
    assert "pip install 'brandwatch-cli[postgres]'" in result.stderr


def test_a_second_scan_anywhere_waits_for_the_lock_in_the_database(cli, tmp_path, pg_url):
    path = config(tmp_path, pg_url)
    with held(pg_url, "scan", "scan", wait=0):  # another machine's scan, as far as it knows
        busy = cli("scan", "-c", path, "--wait", "0.5")
    assert busy.exit_code == 4, busy.stderr
    assert "another scan is running (brandwatch scan (pid" in busy.stderr
    assert cli("scan", "-c", path, "--wait", "0.5").exit_code == 0  # released with its session
    assert mentions_in(pg_url) == 2


def test_writers_on_two_connections_take_turns_and_ids_stay_unique(pg_url):
    from datetime import UTC, datetime

    first, second = MentionStore.open(pg_url), MentionStore.open(pg_url)
    try:
        scans = [store.start_scan(datetime.now(UTC)) for store in (first, second, first)]
        assert scans == sorted(set(scans))
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("CAFE", ["Acme opens in Lyon"]),
        ('"opens in"', ["Acme opens in Lyon"]),
        ("title:rocket", ["Acme launches a rocket"]),
        ("text:rocket", []),
        ("rock*", ["Acme launches a rocket"]),
        ("lyon OR rocket", ["Acme launches a rocket", "Acme opens in Lyon"]),
        ("acme NOT lyon", ["Acme launches a rocket"]),
    ],
)
def test_search_syntax_means_the_same_on_postgresql(cli, tmp_path, pg_url, query, titles):
    path = config(tmp_path, pg_url)
    assert cli("scan", "-c", path).exit_code == 0
    found = cli("search", query, "-c", path, "--format", "jsonl")
    assert found.exit_code == 0, found.stderr
    assert sorted(json.loads(line)["title"] for line in found.stdout.splitlines()) == titles


def test_stats_and_sources_read_postgresqls_own_sizes(cli, tmp_path, pg_url):
    path = config(tmp_path, pg_url)
    assert cli("scan", "-c", path).exit_code == 0
    shown = cli("stats", "-c", path, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    facts = json.loads(shown.stdout)
    tables = {t["name"]: t for t in facts["tables"]}
    assert tables["mentions"]["rows"] == 2 == facts["mentions"]
    assert tables["mentions"]["bytes"] > 0 and facts["bytes"] >= tables["mentions"]["bytes"]
    assert "s3cr" not in shown.stdout and pg_url.rsplit("/", 1)[1] in shown.stdout
    sources = cli("sources", "-c", path)
    assert sources.exit_code == 0 and "2 mentions" in sources.stdout, sources.stdout
    people = cli("stats", "-c", path).stdout.splitlines()
    # SQLite's file, WAL and incremental vacuum mean nothing here: what PostgreSQL does
    assert people[1].startswith("size      ") and "WAL" not in people[1], people
    assert "(pg_database_size" in people[1], people
    assert people[2] == "vacuum    autovacuum (prune runs VACUUM on the big tables)", people


def test_sums_of_truths_are_postgresql_integer_sums_with_sqlites_nulls(pg_url):
    """SQLite sums comparisons as 0/1; the translation casts them for PostgreSQL's own sum
    (the schema's sum(boolean) aggregate costs microseconds a row), NULLs kept as SQLite's."""
    sql = (
        "SELECT sum(v = 'a'), sum(v IN ('a', 'b')), sum(CASE WHEN v = 'a' THEN 2 END),"
        " sum(length(v) > 0) FROM (VALUES ('a'), ('b'), (NULL)) AS t(v) WHERE v {} 'z'"
    )
    translated = translate(sql.format("<"))
    assert "sum((v = 'a')::int)" in translated
    assert "sum((v IN ('a', 'b'))::int)" in translated
    assert "sum(CASE WHEN v = 'a' THEN 2 END)" in translated  # not a truth: left alone
    with MentionStore.open(pg_url) as store:
        assert store.db.execute(sql.format("<")).fetchone() == (1, 2, 2, 2)
        assert store.db.execute(sql.format("IS NULL OR v =")).fetchone() == (None,) * 4
        assert store.db.execute("SHOW jit").fetchone() == ("off",)


def test_unix_seconds_are_postgresql_arithmetic_with_sqlites_answers(pg_url):
    """The spike history's ``CAST(strftime('%s', x) AS INTEGER)`` runs as PostgreSQL's own
    epoch (the schema's PL/pgSQL strftime costs a call per summary row), with SQLite's
    answers: whole seconds floored, offsets honoured, a parameter or a column."""
    import sqlite3

    sql = (
        "SELECT CAST(strftime('%s', ?) AS INTEGER) - CAST(strftime('%s', t.v) AS INTEGER)"
        " FROM (SELECT ? AS v) AS t"
    )
    assert "strftime" not in translate(sql)
    pairs = [
        ("2026-11-23T08:00:00+00:00", "2026-11-22T08:00:00+00:00"),
        ("2026-11-23T08:00:00+00:00", "2026-11-22T09:30:00.900000+02:00"),
        ("1970-01-01T00:00:00+00:00", "1969-12-31T23:59:59.500000+00:00"),
        ("2026-11-23T08:00:00+00:00", "2026-11-22T08:00:00.999000+00:00"),
    ]
    expected = [sqlite3.connect(":memory:").execute(sql, pair).fetchone()[0] for pair in pairs]
    assert expected == [86400, 88200, 1, 86400]
    with MentionStore.open(pg_url) as store:
        assert [store.db.execute(sql, pair).fetchone()[0] for pair in pairs] == expected


def test_json_objects_are_written_as_sqlite_writes_them(pg_url):
    """Exports show these texts as they are: a whole sentiment is 0.0 on both engines."""
    import sqlite3

    sql = (
        "SELECT json_group_object(k, v) FROM (SELECT 'a' AS k, 0.0 AS v UNION ALL"
        " SELECT 'b', 0.62 UNION ALL SELECT 'c', -1.0 UNION ALL SELECT 'd', NULL) AS t"
    )
    expected = sqlite3.connect(":memory:").execute(sql).fetchone()[0]
    assert expected == '{"a":0.0,"b":0.62,"c":-1.0,"d":null}'
    with MentionStore.open(pg_url) as store:
        pg_sql = sql.replace("0.0 AS v", "0.0::double precision AS v")
        assert store.db.execute(pg_sql).fetchone()[0] == expected


def test_a_password_in_the_urls_query_is_refused_in_the_config_and_never_printed(
    cli, tmp_path, pg_url
):
    """libpq reads a password from ``?password=`` as from ``user:password@``: the same rules."""
    secret = "s3cr3t-query-pw"
    written = config(tmp_path, f"{pg_url}?sslmode=disable&password={secret}")
    refused = cli("scan", "-c", written)
    assert refused.exit_code == 2, refused.stderr
    assert "password" in refused.stderr and secret not in refused.stderr + refused.stdout
    (tmp_path / "brandwatch.yaml").unlink()
    for args in (
        ("stats", "--db", f"{pg_url}?password={secret}"),
        ("stats", "--db", pg_url.replace("postgres@", f"postgres:{secret}@")),
        ("stats", "--format", "json", "--db", pg_url.replace("postgres@", f"postgres:{secret}@")),
        ("sources", "--db", f"{pg_url}?password={secret}&application_name=x"),
        ("mentions", "--db", f"postgresql://bob@127.0.0.1:1/nowhere?password={secret}"),
        ("mentions", "--db", f"{pg_url}?password={secret}%ZZ"),  # libpq quotes what it refuses
        ("mentions", "--db", pg_url.replace("postgres@", f"postgres:{secret}%ZZ@")),
    ):
        result = cli(*args)
        assert result.stdout + result.stderr and secret not in result.stdout + result.stderr, args
    shown = cli("stats", "--db", f"{pg_url}?password={secret}&application_name=x")
    assert shown.exit_code == 0, shown.stderr
    assert f"{pg_url.rsplit('/', 1)[1]}?application_name=x" in shown.stdout


def test_a_url_naming_several_hosts_is_one_line_without_its_password(cli, pg_server):
    """libpq's failover form (``host1:port1,host2:port2``) is a URL like any other."""
    secret = "s3cr3t-multi-pw"
    url = f"postgresql://bob:{secret}@127.0.0.1:1,127.0.0.1:2/nowhere"
    result = cli("mentions", "--db", url)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.count("\n") == 1
    assert "internal error" not in result.stderr
    assert "postgresql://bob@127.0.0.1:1,127.0.0.1:2/nowhere: cannot connect" in result.stderr
    assert secret not in result.stderr + result.stdout


def test_a_role_that_may_only_read_reads_and_its_writes_fail_in_one_line(
    cli, tmp_path, pg_server, pg_url
):
    """An analyst's role with SELECT alone (the PostgreSQL form of a database file others own):
    reading commands work on a migrated database; a write is one line, exit 3."""
    path = config(tmp_path, pg_url)
    assert cli("scan", "-c", path).exit_code == 0
    role = f"reader_{pg_url.rsplit('_', 1)[1]}"
    pg_server.admin(f"CREATE ROLE {role} LOGIN")
    try:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
            conn.execute(f"REVOKE CREATE ON SCHEMA public FROM {role}, PUBLIC")
        reader = pg_url.replace("postgres@", f"{role}@")
        for command in (("mentions",), ("search", "cafe"), ("stats",), ("show", "1")):
            result = cli(*command, "--db", reader)
            assert result.exit_code == 0, (command, result.stderr)
        assert "Acme opens in Lyon" in cli("search", "cafe", "--db", reader).stdout
        refused = cli("mark", "1", "--status", "todo", "--db", reader)
        assert refused.exit_code == 3, refused.stderr
        assert refused.stderr.count("\n") == 1 and "permission denied" in refused.stderr
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")
        pg_server.admin(f"DROP ROLE {role}")


def test_a_database_brandwatch_may_not_prepare_is_one_readable_line(cli, pg_server):
    """PostgreSQL's multi-line errors (the statement, a caret, a hint) make one line that
    reads: the reason and its hint, not the SQL glued to it."""
    empty = pg_server.database(template=False)
    role = f"nobody_{empty.rsplit('_', 1)[1]}"
    pg_server.admin(f"CREATE ROLE {role} LOGIN")
    try:
        result = cli("mentions", "--db", empty.replace("postgres@", f"{role}@"))
        assert result.exit_code == 3, result.stderr
        assert result.stderr.count("\n") == 1
        assert "cannot prepare the mention database (permission denied" in result.stderr
        assert "LINE 1" not in result.stderr and "CREATE " not in result.stderr
        assert "HINT" not in result.stderr
    finally:
        pg_server.drop(empty)
        pg_server.admin(f"DROP ROLE {role}")


def test_stored_json_is_read_minified_as_sqlites_json_gives_it(pg_url):
    """``json(terms)``: the spaces ``json.dumps`` writes go, strings stay as written (an
    escaped quote, a comma and a space inside one included), on both engines."""
    import sqlite3

    stored = json.dumps(["Globex", 'say "a", "b"', "Café"])
    sql = "SELECT json_group_object('k', json(terms)) FROM (SELECT ? AS terms) AS t"
    expected = sqlite3.connect(":memory:").execute(sql, [stored]).fetchone()[0]
    assert expected == '{"k":["Globex","say \\"a\\", \\"b\\"","Caf\\u00e9"]}'
    with MentionStore.open(pg_url) as store:
        assert store.db.execute(sql.replace("?", "?::text"), [stored]).fetchone()[0] == expected
        plain = json.dumps(["Globex", "Globex Corporation"])
        assert store.db.execute(sql.replace("?", "?::text"), [plain]).fetchone()[0] == (
            '{"k":["Globex","Globex Corporation"]}'
        )
