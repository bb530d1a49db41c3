"""Small query helpers."""

import copy
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet


def one_or_none[M: Model](qs: QuerySet[M]) -> M | None:
    """The row of a lookup by a unique key, or None. Unlike `first()`, it asks for no
    ordering: for one row, the ORDER BY that `first()` builds from the model's ordering
    at every call is wasted work on the hottest paths (a check-in through the API)."""
    return next(iter(qs.order_by()[:1]), None)


# A prepared query as built: its queryset and compiler, SQL, parameters, where each
# argument goes, and the converters of its columns.
type _Compiled = tuple[QuerySet[Any, Any], Any, str, tuple[Any, ...], list[int], Any]


class Prepared:
    """An ORM query whose SQL is built once and run again with other values, for the few
    hottest requests (an API check-in), where building the SQL of each query costs more
    Python than the database spends answering it.

    `build` makes the query from its arguments; `samples` are arguments of the right types
    that appear nowhere else in the query (negative ids, marked strings): the SQL is built
    from them on first use (once per database connection), and each later call puts its
    own arguments in their places (an argument the SQL does not hold is left out). The
    query must not depend on anything but its arguments (the time, the settings). The
    rows come back as the ORM would give them (models with their select_related
    relations, values lists), through Django's own iterables.
    """

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *samples: Any) -> None:
        self._build = build
        self._samples = samples

    def _compile(self, using: str) -> _Compiled:
        queryset = self._build(*self._samples).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()  # fills the compiler's select and column count
        slots: list[int] = []
        for value in params:
            matches = [i for i, sample in enumerate(self._samples) if value == sample]
            slots.append(matches[0] if matches else -1)
        used = [slot for slot in slots if slot >= 0]
        if len(used) != len(set(used)) or any(
            len([s for s in self._samples if s == sample]) > 1 for sample in self._samples
        ):
            raise ValueError(f"Prepared query: samples not distinct, or twice in {params}")
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(fields)
        return queryset, compiler, sql, tuple(params), slots, converters

    def queryset(self, *args: Any, using: str = DEFAULT_DB_ALIAS) -> QuerySet[Any, Any]:
        """The query for these arguments, its SQL already built: iterate it once."""
        # Built once for each connection (each thread has its own): the compiler and its
        # converters belong to the connection that built them.
        connection = connections[using]
        built: dict[Prepared, _Compiled] = connection.__dict__.setdefault("cible_prepared", {})
        entry = built.get(self)
        if entry is None:
            entry = built[self] = self._compile(using)
        template, compiler, sql, params, slots, converters = entry
        values = tuple(
            args[slot] if slot >= 0 else value for value, slot in zip(params, slots, strict=True)
        )
        run = copy.copy(compiler)
        run.as_sql = lambda *a, **k: (sql, values)
        run.get_converters = lambda expressions: converters
        queryset = template._chain()  # type: ignore[attr-defined]
        queryset.query.get_compiler = lambda *a, **k: run
        return queryset  # type: ignore[no-any-return]

    def one_or_none(self, *args: Any, using: str = DEFAULT_DB_ALIAS) -> Any:
        return next(iter(self.queryset(*args, using=using)), None)


def insert_row(model: type[Model], values: dict[str, Any], using: str = DEFAULT_DB_ALIAS) -> Any:
    """INSERT one row of `model` (attnames to values, each prepared by its field as the ORM
    would) and return its id, in one statement: what `save()` does for a new row, without
    building the SQL through the ORM."""
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in values]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({}) RETURNING {}".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),  # type: ignore[union-attr, arg-type]
        ", ".join(["%s"] * len(fields)),
        quote(model._meta.pk.column),  # type: ignore[union-attr, arg-type]
    )
    params = [
        field.get_db_prep_save(value, connection)  # type: ignore[union-attr, arg-type]
        for field, value in zip(fields, values.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def update_row(
    model: type[Model], pk: Any, values: dict[str, Any], using: str = DEFAULT_DB_ALIAS
) -> None:
    """UPDATE one row of `model` by its id, as `filter(pk=pk).update(**values)` would."""
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in values]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),  # type: ignore[union-attr, arg-type]
        quote(model._meta.pk.column),  # type: ignore[union-attr, arg-type]
    )
    params = [
        field.get_db_prep_save(value, connection)  # type: ignore[union-attr, arg-type]
        for field, value in zip(fields, values.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, pk])
