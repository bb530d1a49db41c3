"""SQL on a company database named in `CIBLE_SOURCE_DATABASES`: one row of one column.

Cible connects with the driver itself (not as one of its own databases) and only ever
reads, whatever the query says:

- SQLite: the file opened with `mode=ro`, `query_only` on, and an authorizer that allows
  reading and nothing else (no ATTACH of another file, no PRAGMA);
- PostgreSQL: every transaction read-only (`default_transaction_read_only` and a
  `BEGIN READ ONLY`), one statement per query (the extended protocol refuses
  `COMMIT; ...`), and a `statement_timeout`.

The role in the URL should still be one that may only SELECT what the sources need.
"""

import sqlite3
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import psycopg
from django.conf import settings

from cible.sources.config import ENGINES
from cible.sources.readers import SourceError, timeout, to_value

if TYPE_CHECKING:
    from cible.sources.models import DataSource

# What a SQLite query may do: read tables, call functions, recurse (WITH RECURSIVE).
SQLITE_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
SQLITE_ALLOWED.add(getattr(sqlite3, "SQLITE_RECURSIVE", 33))
# The progress handler looks at the clock every this many virtual machine steps.
SQLITE_STEPS = 10_000


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def one_value(description: Any, rows: list[Any]) -> object:
    """The single cell of a single-row, single-column result."""
    if not description:
        raise SourceError("no_row")
    if len(description) != 1:
        raise SourceError("many_columns", count=len(description))
    if not rows:
        raise SourceError("no_row")
    if len(rows) > 1:
        raise SourceError("many_rows")
    return rows[0][0]


def _sqlite_authorizer(action: int, *args: Any) -> int:
    return sqlite3.SQLITE_OK if action in SQLITE_ALLOWED else sqlite3.SQLITE_DENY


def query_sqlite(config: dict[str, Any], query: str, seconds: int) -> object:
    uri = "file:" + quote(str(config["NAME"])) + "?mode=ro"
    deadline = time.monotonic() + seconds
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=seconds)
    except sqlite3.Error as error:
        raise SourceError("query_failed", reason=_first_line(error)) from None
    try:
        connection.execute("PRAGMA query_only = ON")
        connection.set_authorizer(_sqlite_authorizer)
        # A non-zero answer interrupts the query: SQLite has no statement timeout.
        connection.set_progress_handler(lambda: time.monotonic() > deadline, SQLITE_STEPS)
        cursor = connection.execute(query)
        return one_value(cursor.description, cursor.fetchmany(2))
    except sqlite3.Error as error:
        reason = _first_line(error)
        if reason == "interrupted":
            raise SourceError("timeout", seconds=seconds) from None
        raise SourceError("query_failed", reason=reason) from None
    finally:
        connection.close()


def _postgres_options(config: dict[str, Any], seconds: int) -> dict[str, Any]:
    options = dict(config.get("OPTIONS") or {})
    server = f"-c default_transaction_read_only=on -c statement_timeout={seconds * 1000}"
    options["options"] = f"{options.get('options', '')} {server}".strip()
    values = {
        "dbname": config.get("NAME"),
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
        "host": config.get("HOST"),
        "port": config.get("PORT"),
    }
    return {k: v for k, v in values.items() if v} | options | {"connect_timeout": seconds}


def query_postgresql(config: dict[str, Any], query: str, seconds: int) -> object:
    try:
        with psycopg.connect(**_postgres_options(config, seconds)) as connection:
            connection.read_only = True  # each transaction starts with BEGIN READ ONLY
            with connection.cursor() as cursor:
                # Binary results go through the extended protocol: one statement only.
                cursor.execute(query, binary=True)
                rows = cursor.fetchmany(2) if cursor.description else []
                value = one_value(cursor.description, rows)
            connection.rollback()
            return value
    except psycopg.errors.QueryCanceled:
        raise SourceError("timeout", seconds=seconds) from None
    except psycopg.Error as error:
        raise SourceError("query_failed", reason=_first_line(error)) from None


def read(source: "DataSource") -> Decimal:
    config = settings.SOURCE_DATABASES.get(source.database)
    if config is None:
        raise SourceError("unknown_database", database=source.database)
    run = query_sqlite if ENGINES.get(config["ENGINE"]) == "sqlite" else query_postgresql
    return to_value(run(config, source.query, timeout()))
