from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from cible.ops.movedata import MoveError, move, safe_url


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Copy the whole instance (every table of every app) into another, empty database, "
            "for instance from SQLite to PostgreSQL or back; check every table's row count "
            "and checksum, then say how to switch over. Stop the server first."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            required=True,
            metavar="DATABASE_URL",
            help=_("The target database, e.g. postgres://user:password@host:5432/cible."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["to"]
        verbose = options["verbosity"] > 1

        def progress(table: str) -> None:
            if verbose:
                self.stdout.write(_("Copied %(table)s.") % {"table": table})

        try:
            checks = move(DEFAULT_DB_ALIAS, url, progress)
        except MoveError as error:
            raise CommandError(str(error)) from error
        if verbose:
            for check in checks:
                self.stdout.write(f"{check.table}: {check.rows} {check.checksum[:16]}")
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Copied %(tables)d tables, %(rows)d rows: every table has the same rows "
                    "and checksum in %(url)s."
                )
                % {
                    "tables": len(checks),
                    "rows": sum(c.rows for c in checks),
                    "url": safe_url(url),
                }
            )
        )
        self.stdout.write(
            _(
                "To switch over: keep the server stopped, set CIBLE_DATABASE_URL=%(url)s "
                "where Cible reads its settings, and start it again. Keep the old database "
                "until you have checked the new one."
            )
            % {"url": safe_url(url)}
        )
