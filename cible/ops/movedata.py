"""Moving a whole instance to another database (SQLite to PostgreSQL, or back).

`cible backup` and `cible restore` copy a database as its own engine writes it, so they
cannot cross from one kind to the other. This copies every table of every installed app,
row by row through Django's fields (which turn each value into what the target engine
stores: booleans, moments in UTC, decimals, JSON), into a database that `migrate` has just
prepared. The rows keep their ids, so every link between them holds; PostgreSQL's
sequences are then moved past the highest id. The whole copy is one transaction on the
target. Afterwards each table is read back on both sides: the same number of rows and the
same checksum, or the move is reported as failed.

The copy skips the models' save(): no "last changed" time is stamped again, no signal
fires, nothing is recorded twice.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

import dj_database_url
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connections, models, transaction
from django.db.utils import load_backend
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.orgs.models import Organization

TARGET = "cible_move_target"
BATCH = 1000
MODULUS = 2**256


class MoveError(Exception):
    """The move cannot go ahead, or its check failed; the message says why."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    checksum: str


def models_to_copy() -> list[type[models.Model]]:
    """Every table the installed apps keep rows in, once each (many-to-many tables too)."""
    seen: set[str] = set()
    result = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.swapped or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        result.append(model)
    return sorted(result, key=lambda m: m._meta.db_table)


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def kind_of(alias: str) -> str:
    return str(connections[alias].vendor)


def safe_url(url: str) -> str:
    """The address without its password, to print."""
    config = dj_database_url.parse(url)
    if config.get("PASSWORD"):
        return url.replace(f":{config['PASSWORD']}@", ":***@", 1)
    return url


@contextmanager
def database(url: str, alias: str = TARGET) -> Iterator[str]:
    """A connection to the database at `url`, under `alias`, for the time of the block."""
    try:
        config = dj_database_url.parse(url)
    except ValueError as error:
        raise MoveError(_("This is not a database address: %(url)s") % {"url": url}) from error
    if not config.get("ENGINE"):
        raise MoveError(_("This is not a database address: %(url)s") % {"url": url})
    config = connections.configure_settings({"default": config})["default"]
    # A connection of its own, outside DATABASES: the project's settings stay as they are.
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    local: Any = connections._connections  # type: ignore[attr-defined]
    setattr(local, alias, wrapper)
    try:
        yield alias
    finally:
        wrapper.close()
        delattr(local, alias)


def _same_database(source: str, target: str) -> bool:
    a, b = connections[source].settings_dict, connections[target].settings_dict
    if kind_of(source) != kind_of(target):
        return False
    return (a.get("HOST") or "", a.get("PORT") or "", str(a["NAME"])) == (
        b.get("HOST") or "",
        b.get("PORT") or "",
        str(b["NAME"]),
    )


def prepare(target: str) -> None:
    """Create the tables in the target (migrate), which must hold no data yet."""
    try:
        call_command("migrate", database=target, interactive=False, verbosity=0)
    except DatabaseError as error:
        raise MoveError(
            _("Cannot prepare the target database: %(error)s") % {"error": error}
        ) from error
    if User.objects.using(target).exists() or Organization.objects.using(target).exists():
        raise MoveError(
            _("The target database already holds people or organisations: give an empty one.")
        )


def _normal(value: Any) -> Any:
    """A value as both engines give it back, for the checksum."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, UUID):
        return str(value)
    return json.dumps(value, sort_keys=True, default=str)


def check_table(model: type[models.Model], alias: str) -> TableCheck:
    """The table's row count and an order-free checksum of its rows (the sum of each row's
    hash): the engines do not sort text alike."""
    names = [f.attname for f in _fields(model)]
    rows = model._base_manager.using(alias).order_by().values_list(*names)
    total = count = 0
    for row in rows.iterator(chunk_size=BATCH * 2):
        text = json.dumps([_normal(v) for v in row], separators=(",", ":"))
        total = (total + int.from_bytes(hashlib.sha256(text.encode()).digest())) % MODULUS
        count += 1
    return TableCheck(model._meta.db_table, count, f"{total:064x}")


def _copy_table(model: type[models.Model], source: str, target: str) -> int:
    connection = connections[target]
    fields = _fields(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    rows = (
        model._base_manager.using(source).order_by("pk").values_list(*[f.attname for f in fields])
    )
    copied = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows.iterator(chunk_size=BATCH * 2):
            batch.append(
                [
                    f.get_db_prep_save(v, connection=connection)
                    for f, v in zip(fields, row, strict=True)
                ]
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                copied += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            copied += len(batch)
    return copied


def copy(source: str, target: str, progress: Any = None) -> list[TableCheck]:
    """Copy every table from `source` into the prepared, empty `target`; return the
    source's checks, read in the same transaction as the copy."""
    tables = models_to_copy()
    checks = []
    target_connection = connections[target]
    outermost = not connections[source].in_atomic_block
    with transaction.atomic(using=source), transaction.atomic(using=target):
        if outermost and kind_of(source) == "postgresql":
            # One snapshot of the source for every table, while the server may still write.
            with connections[source].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with target_connection.cursor() as cursor:
            # What migrate itself writes (content types, permissions) is replaced by the
            # source's, with the source's ids.
            for model in reversed(tables):
                cursor.execute(
                    f"DELETE FROM {target_connection.ops.quote_name(model._meta.db_table)}"
                )
        for model in tables:
            try:
                _copy_table(model, source, target)
            except DatabaseError as error:
                raise MoveError(
                    _("The target refused the rows of %(table)s: %(error)s")
                    % {"table": model._meta.db_table, "error": error}
                ) from error
            checks.append(check_table(model, source))
            if progress is not None:
                progress(model._meta.db_table)
        with target_connection.cursor() as cursor:
            for statement in target_connection.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(statement)
    return checks


def verify(checks: list[TableCheck], target: str) -> list[str]:
    """The tables that differ in the target from the source's checks (none: all alike)."""
    by_table = {m._meta.db_table: m for m in models_to_copy()}
    return [check.table for check in checks if check_table(by_table[check.table], target) != check]


def move(source: str, url: str, progress: Any = None) -> list[TableCheck]:
    """The whole move: prepare the target, copy, check every table."""
    with database(url) as target:
        try:
            connections[target].ensure_connection()
        except DatabaseError as error:
            raise MoveError(
                _("Cannot connect to %(url)s: %(error)s") % {"url": safe_url(url), "error": error}
            ) from error
        if _same_database(source, target):
            raise MoveError(_("The target is the database Cible runs on: give another one."))
        prepare(target)
        checks = copy(source, target, progress)
        different = verify(checks, target)
    if different:
        raise MoveError(
            _("The copy differs from the original in: %(tables)s.")
            % {"tables": ", ".join(different)}
        )
    return checks
