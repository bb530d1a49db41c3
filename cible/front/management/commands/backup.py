from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cible.lib.backup import BackupError, backup, target_path


def human_size(size: int) -> str:
    amount = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{size} bytes"  # pragma: no cover


class Command(BaseCommand):
    help = (
        "Back up the database into a file: an online copy on SQLite (safe while the server"
        " runs), pg_dump's custom format on PostgreSQL. Default: "
        "CIBLE_DATA_DIR/backups/cible-<timestamp>.sqlite3 (or .dump)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", type=Path, help="The backup file, or a folder to put it in."
        )
        parser.add_argument(
            "--force", action="store_true", help="Overwrite PATH when it already exists."
        )

    def handle(self, *args: Any, path: Path | None, force: bool, **options: Any) -> None:
        db = settings.DATABASES["default"]
        now = timezone.localtime()
        try:
            target = target_path(db, path, Path(settings.DATA_DIR), now, force=force)
            outcome = backup(db, target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        kind = "SQLite" if outcome.kind == "sqlite" else "PostgreSQL"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {kind} database {outcome.database} to {outcome.path}"
                f" ({human_size(outcome.size)})."
            )
        )
