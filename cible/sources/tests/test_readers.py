"""The readers alone: values, JSON paths, CSV columns, the file folder, SQL read-only."""

import os
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from cible.sources.config import parse_databases
from cible.sources.models import DataSource
from cible.sources.readers import SourceError, to_value
from cible.sources.readers.csv_table import last_value, read_file, resolve_file
from cible.sources.readers.json_url import PathError, parse_path, value_in
from cible.sources.readers.sql_query import query_postgresql, query_sqlite

from .conftest import Server


def code_of(call, *args: object) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SourceError) as caught:
        call(*args)
    return caught.value.code


# Values


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (42, Decimal("42")),
        (Decimal("0.1"), Decimal("0.1")),
        (2.5, Decimal("2.5")),
        (" 1200.75 ", Decimal("1200.75")),
        ("-3", Decimal("-3")),
        ("1e3", Decimal("1000")),
        (Decimal("0.123456"), Decimal("0.1235")),
    ],
)
def test_it_reads_numbers(raw: object, expected: Decimal) -> None:
    assert to_value(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, "no_value"),
        ("  ", "no_value"),
        (True, "not_a_number"),
        (False, "not_a_number"),
        ("12 %", "not_a_number"),
        ("NaN", "not_a_number"),
        ([1], "not_a_number"),
        ({"a": 1}, "not_a_number"),
        (Decimal("NaN"), "not_finite"),
        (Decimal("Infinity"), "not_finite"),
        (float("inf"), "not_finite"),
        (float("nan"), "not_finite"),
        (Decimal("1e20"), "too_many_digits"),
        ("1e9999", "too_many_digits"),
    ],
)
def test_it_refuses_what_is_not_a_finite_number(raw: object, code: str) -> None:
    assert code_of(to_value, raw) == code


# JSON paths


def test_it_parses_paths() -> None:
    assert parse_path("data.items[0].count") == ["data", "items", 0, "count"]
    assert parse_path("$.total") == ["total"]
    assert parse_path('["sales.eu"][-1]') == ["sales.eu", -1]
    assert parse_path("") == []


@pytest.mark.parametrize("path", ["a..b", ".a", "a.", "a[x]", "a[0]b", "a[", "a]"])
def test_it_refuses_malformed_paths(path: str) -> None:
    with pytest.raises(PathError):
        parse_path(path)


def test_it_follows_the_path_in_the_document() -> None:
    text = '{"data": {"items": [{"count": 17}, {"count": 3}]}, "sales.eu": [1, 2.25]}'
    assert value_in(text, "data.items[0].count") == Decimal(17)
    assert value_in(text, "data.items.1.count") == Decimal(3)
    assert value_in(text, '["sales.eu"][-1]') == Decimal("2.25")
    assert value_in("12.5", "") == Decimal("12.5")


def test_a_missing_step_is_named() -> None:
    with pytest.raises(SourceError) as caught:
        value_in('{"data": {"items": []}}', "data.items[0].count")
    assert caught.value.code == "missing_path"
    assert caught.value.params == {"path": "data.items[0]"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{not json", "bad_json"),
        ('{"v": NaN}', "not_finite"),
        ('{"v": Infinity}', "not_finite"),
        ('{"v": true}', "not_a_number"),
        ('{"v": null}', "no_value"),
        ('{"v": "n/a"}', "not_a_number"),
        ('{"v": {"w": 1}}', "not_a_number"),
        ('{"w": 1}', "missing_path"),
    ],
)
def test_bad_documents_fail(text: str, code: str) -> None:
    assert code_of(value_in, text, "v") == code


# CSV


def test_it_reads_the_last_row_with_a_value() -> None:
    text = "week,signups,notes\n1,10,a\n2,14,\n3,,late\n"
    assert last_value(text, "signups") == "14"
    assert last_value(text, " Signups ") == "14"


def test_it_reads_semicolons_and_quotes() -> None:
    text = 'semaine;"inscrits, total"\n1;"1200"\n2;"1300.5"\n'
    assert last_value(text, "inscrits, total") == "1300.5"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("week,signups\n", "empty_column"),
        ("week,signups\n1,\n", "empty_column"),
        ("week,visits\n1,4\n", "no_column"),
    ],
)
def test_bad_tables_fail(text: str, code: str) -> None:
    assert code_of(last_value, text, "signups") == code


def test_files_are_read_from_the_folder_only(files: Path, tmp_path: Path) -> None:
    (files / "kpi.csv").write_text("a\n1\n")
    (files / "team").mkdir()
    (files / "team" / "kpi.csv").write_text("a\n2\n")
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n666\n")
    os.symlink(secret, files / "link.csv")

    assert read_file("kpi.csv") == b"a\n1\n"
    assert read_file("team/kpi.csv") == b"a\n2\n"
    for name in ("../secret.csv", str(secret), "link.csv", "team/../../secret.csv"):
        assert code_of(resolve_file, name) == "outside_folder", name
    assert code_of(read_file, "missing.csv") == "no_file"
    assert code_of(read_file, "team") == "no_file"


# SQL


def test_sqlite_returns_the_single_value(company_db: Path) -> None:
    config = {"NAME": str(company_db)}
    assert query_sqlite(config, "SELECT sum(amount) FROM orders", 3) == 242.5
    assert query_sqlite(config, "SELECT count(*) FROM orders", 3) == 3


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("SELECT amount FROM orders", "many_rows"),
        ("SELECT amount FROM orders WHERE id > 99", "no_row"),
        ("SELECT id, amount FROM orders WHERE id = 1", "many_columns"),
        ("SELECT nothing FROM nowhere", "query_failed"),
        ("DELETE FROM orders", "query_failed"),
        ("INSERT INTO orders (amount) VALUES (1)", "query_failed"),
        ("PRAGMA query_only = OFF", "query_failed"),
        ("ATTACH DATABASE 'other.sqlite3' AS other", "query_failed"),
        ("SELECT 1; DELETE FROM orders", "query_failed"),
        (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
            "SELECT count(*) FROM n",
            "timeout",
        ),
    ],
)
def test_sqlite_only_reads_one_value(company_db: Path, query: str, code: str) -> None:
    assert code_of(query_sqlite, {"NAME": str(company_db)}, query, 1) == code
    with sqlite3.connect(company_db) as check:
        assert check.execute("SELECT count(*) FROM orders").fetchone() == (3,)
    check.close()


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nothing.sqlite3"
    assert code_of(query_sqlite, {"NAME": str(path)}, "SELECT 1", 3) == "query_failed"
    assert not path.exists()


def test_the_database_must_be_configured(db, world) -> None:  # type: ignore[no-untyped-def]
    from cible.sources.readers.sql_query import read

    source = DataSource(kind="sql", database="crm", query="SELECT 1")
    assert code_of(read, source) == "unknown_database"


def test_the_setting_is_parsed() -> None:
    parsed = parse_databases(
        " sales=postgres://reader:pw@db.example:5433/sales?sslmode=require ; "
        "crm=sqlite:////srv/crm.sqlite3;"
    )
    assert parsed["sales"]["NAME"] == "sales"
    assert parsed["sales"]["OPTIONS"] == {"sslmode": "require"}
    assert parsed["crm"]["NAME"] == "/srv/crm.sqlite3"
    assert parse_databases("") == {}


@pytest.mark.parametrize(
    "text",
    [
        "sales",
        "=sqlite:////x",
        "a b=sqlite:////x",
        "a=mysql://u@h/d",
        "a=nope://x",
        "a=sqlite:////x;a=sqlite:////y",
    ],
)
def test_a_bad_setting_stops_the_start(text: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_databases(text)


def _postgres_config() -> dict[str, object]:
    settings_dict = connection.settings_dict
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": settings_dict["NAME"],
        "USER": settings_dict["USER"],
        "PASSWORD": settings_dict["PASSWORD"],
        "HOST": settings_dict["HOST"],
        "PORT": settings_dict["PORT"],
    }


@pytest.mark.django_db
def test_postgresql_reads_in_a_read_only_transaction() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL")
    config = _postgres_config()
    assert query_postgresql(config, "SELECT 41.5::numeric", 3) == Decimal("41.5")
    assert query_postgresql(config, "SELECT count(*) FROM pg_class WHERE false", 3) == 0
    for query in (
        "CREATE TABLE source_probe (id int)",
        "COMMIT; CREATE TABLE source_probe (id int)",
        "SELECT 1 FROM nowhere",
    ):
        assert code_of(query_postgresql, config, query, 3) == "query_failed", query
    assert code_of(query_postgresql, config, "SELECT pg_sleep(3)", 1) == "timeout"
    assert code_of(query_postgresql, config, "SELECT 1, 2", 3) == "many_columns"
    assert code_of(query_postgresql, config, "SELECT generate_series(1, 3)", 3) == "many_rows"


# URLs


def test_only_http_addresses_are_fetched(server: Server) -> None:
    from cible.sources.readers import fetch

    assert code_of(fetch, "file:///etc/passwd", "*/*") == "unreachable"
    server.set("/moved", b"", status=302, headers={"Location": "file:///etc/passwd"})
    assert code_of(fetch, server.url("/moved"), "*/*") == "unreachable"


def test_a_large_answer_is_refused(server: Server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from cible.sources import readers

    monkeypatch.setattr(readers, "MAX_BYTES", 1000)
    url = server.set("/big.json", b"1" * 5000)
    assert code_of(readers.fetch, url, "*/*") == "too_large"


def test_errors_never_quote_the_address(server: Server) -> None:
    from cible.sources.readers import fetch

    with pytest.raises(SourceError) as caught:
        fetch("http://user:token-123@127.0.0.1:1/secret?key=token-456", "*/*")
    assert "token" not in str(caught.value.params)
