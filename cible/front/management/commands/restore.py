import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from cible.lib.backup import BackupError, check_backup_file, database_label, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `cible backup`: in one transaction,"
        " all or nothing. Asks for confirmation unless --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask for confirmation (required when standard input is no terminal).",
        )

    def handle(self, *args: Any, path: Path, yes: bool, **options: Any) -> None:
        db = settings.DATABASES["default"]
        try:
            check_backup_file(db, path)
            label = database_label(db)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not yes:
            self.confirm(path, label)
        connections.close_all()
        try:
            outcome = restore(db, path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Restored {outcome.path} into the database {outcome.database}.")
        )
        if self.migrations_pending():
            self.stdout.write(
                "The backup comes from an older version of Cible: run `cible migrate` now."
            )

    def confirm(self, path: Path, label: str) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                "Restoring replaces everything in the database; standard input is not a"
                " terminal, so pass --yes to confirm. Nothing changed."
            )
        answer = input(
            f"Everything in the database {label} will be replaced by the content of {path}.\n"
            "Type 'yes' to continue: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled: nothing changed.")

    @staticmethod
    def migrations_pending() -> bool:
        connection = connections["default"]
        try:
            executor = MigrationExecutor(connection)
            return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        finally:
            connection.close()
