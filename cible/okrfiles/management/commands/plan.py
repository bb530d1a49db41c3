import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import override

from cible.okrfiles.commandline import add_language, get_organization, located, read_text
from cible.okrfiles.plan import PlanRefused, describe, digest, make_plan, read_file

# The exit status when applying the file would change something (0: nothing would).
CHANGES = 2


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Show what applying an OKR file would change in a live organisation: created, "
            "changed (before -> after) and archived. Exit status 0 when nothing would "
            "change, 2 when something would, 1 when the file has problems."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The OKR file, or - for standard input."))
        parser.add_argument("--org", required=True, help=_("The organisation's short name (slug)."))
        parser.add_argument(
            "--out",
            metavar="PLANFILE",
            help=_("Write the plan there, for “cible apply --plan”."),
        )
        add_language(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with override(options["language"]):
            status = self._plan(options["file"], options["org"], options["out"])
        if status:
            raise SystemExit(status)

    def _plan(self, name: str, slug: str, out: str | None) -> int:
        text = read_text(name)
        org = get_organization(slug)
        try:
            plan = make_plan(org, read_file(text))
        except PlanRefused as error:
            for problem in error.problems:
                self.stderr.write(located(name, problem))
            raise CommandError(str(error)) from error
        for line in describe(plan):
            self.stdout.write(line)
        if out:
            data = {**plan.as_dict(), "file": digest(text)}
            try:
                Path(out).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(file)s: %(reason)s")
                    % {"file": out, "reason": error.strerror or error}
                ) from error
        return CHANGES if plan.changes else 0
