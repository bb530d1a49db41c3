import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import override

from cible.okrfiles.apply import apply_document
from cible.okrfiles.commandline import add_language, get_organization, located, read_text
from cible.okrfiles.plan import PlanRefused, describe, digest, read_file


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Apply an OKR file to a live organisation, in one transaction recorded in the "
            "audit trail. With --plan, only if neither the organisation nor the file changed "
            "since that plan was made."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The OKR file, or - for standard input."))
        parser.add_argument("--org", required=True, help=_("The organisation's short name (slug)."))
        parser.add_argument(
            "--plan",
            metavar="PLANFILE",
            help=_("A plan written by “cible plan --out”: apply only what it showed."),
        )
        add_language(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with override(options["language"]):
            self._apply(options["file"], options["org"], options["plan"])

    def _expected(self, plan_name: str, slug: str, text: str) -> str:
        """The fingerprint of the plan file, which must be of this file and organisation."""
        try:
            saved = json.loads(Path(plan_name).read_text(encoding="utf-8"))
            fingerprint, file, org = saved["fingerprint"], saved["file"], saved["organization"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(
                _("%(file)s is not a plan written by “cible plan --out”.") % {"file": plan_name}
            ) from error
        if org != slug:
            raise CommandError(_("This plan is for the organisation “%(slug)s”.") % {"slug": org})
        if file != digest(text):
            raise CommandError(_("The file changed since the plan was made: make a new plan."))
        return str(fingerprint)

    def _apply(self, name: str, slug: str, plan_name: str | None) -> None:
        text = read_text(name)
        org = get_organization(slug)
        expected = self._expected(plan_name, slug, text) if plan_name else None
        try:
            plan = apply_document(org, read_file(text), None, expected)
        except PlanRefused as error:
            for problem in error.problems:
                self.stderr.write(located(name, problem))
            raise CommandError(str(error)) from error
        for line in describe(plan):
            self.stdout.write(line)
        if plan.changes:
            self.stdout.write(self.style.SUCCESS(_("Applied to “%(slug)s”.") % {"slug": slug}))
        else:
            self.stdout.write(_("Nothing to change in “%(slug)s”.") % {"slug": slug})
