"""The command palette (Ctrl/Cmd-K) matches words anywhere in team names and in people's
names, and e-mail addresses by their start (`icontains` and `istartswith`, compared as
`UPPER(column::text)`). Objective titles have their trigram index already (okrs 0005); on
PostgreSQL these give the teams and the people theirs, so that a palette query at 10,000
people reads the index, not every row. Without `pg_trgm` they are left out with a warning
(the palette works the same, slower); SQLite gets none."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger("cible.migrations")

INDEXES = (
    ("orgs_team_name_trgm", "orgs_team", "name"),
    ("accounts_user_name_trgm", "accounts_user", "name"),
    ("accounts_user_email_trgm", "accounts_user", "email"),
)


def create_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning("Palette indexes left out: the extension pg_trgm is missing (%s)", error)
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
    dependencies = [
        ("accounts", "0001_initial"),
        ("orgs", "0004_team_chat_webhook"),
        ("okrs", "0005_search_trigram_indexes"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
