"""Search matches words anywhere in objective titles and descriptions and in key result
titles (`icontains`: the search page, the API's `q`). On PostgreSQL, trigram indexes
(`pg_trgm`) serve those lookups instead of a read of every row: at 100,000 people, 220,000
objectives and 880,000 key results. Each index is on the very expression Django compares,
`UPPER(column::text)`.

Where the database role may not create the extension, the indexes are left out with a
warning: search works the same, only slower on a large organisation. SQLite gets none."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger("cible.migrations")

INDEXES = (
    ("okrs_objective_title_trgm", "okrs_objective", "title"),
    ("okrs_objective_description_trgm", "okrs_objective", "description"),
    ("okrs_keyresult_title_trgm", "okrs_keyresult", "title"),
)


def create_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning("Search indexes left out: the extension pg_trgm is missing (%s)", error)
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table}"
            f" USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("okrs", "0004_change_refs")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
