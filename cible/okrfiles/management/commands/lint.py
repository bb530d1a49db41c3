from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import override

from cible.okrfiles.commandline import add_language, located, read_text
from cible.okrfiles.lint import findings
from cible.okrfiles.schema import read


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Check OKR files: the format (every problem with its line) and the quality coach's "
            "advice, as FILE:LINE: level: message. Exit status 1 when there is an error; "
            "warnings are advice."
        )

    # Reads files only: no database, no system checks, so it runs anywhere (CI).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help=_("OKR files."))
        add_language(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"] or settings.LANGUAGE_CODE
        errors = warnings = 0
        with override(language):
            for name in options["files"]:
                document, problems = read(read_text(name))
                for problem in problems:
                    self.stdout.write(located(name, problem))
                errors += len(problems)
                if problems or document is None:
                    continue
                for finding in findings(document, language):
                    self.stdout.write(located(name, finding.problem, finding.level))
                    errors += finding.level == "error"
                    warnings += finding.level == "warning"
            summary = _("Errors: %(errors)d, warnings: %(warnings)d.") % {
                "errors": errors,
                "warnings": warnings,
            }
        if errors:
            raise CommandError(summary)
        self.stdout.write(summary)
