from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from cible.okrfiles.commandline import (
    add_language,
    add_quiet,
    get_organization,
    located,
    progress_bar,
    read_text,
)
from cible.okrfiles.importer import ImportRefused, import_document
from cible.okrfiles.schema import read


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Import an OKR file (YAML or JSON, see docs/okrs-as-code.md) into an empty "
            "organisation. The whole file is checked first: with any problem, nothing is imported."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The OKR file, or - for standard input."))
        parser.add_argument("--org", required=True, help=_("The organisation's short name (slug)."))
        parser.add_argument(
            "--create",
            action="store_true",
            help=_("Create the organisation, with this short name."),
        )
        add_language(parser)
        add_quiet(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with override(options["language"]):
            self._import(options["file"], options["org"], options["create"], options["quiet"])

    def _import(self, name: str, slug: str, create: bool, quiet: bool) -> None:
        document, problems = read(read_text(name))
        for problem in problems:
            self.stderr.write(located(name, problem))
        if problems or document is None:
            count = len(problems)
            raise CommandError(
                ngettext(
                    "%(count)d problem in the file: nothing was imported.",
                    "%(count)d problems in the file: nothing was imported.",
                    count,
                )
                % {"count": count}
            )
        org = None if create else get_organization(slug)
        with progress_bar(document.size(), _("Importing"), quiet) as bar:
            try:
                org, counts = import_document(document, org, slug if create else None, bar.update)
            except ImportRefused as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported into “%(slug)s”: people %(people)d, teams %(teams)d, cycles "
                    "%(cycles)d, objectives %(objectives)d, key results %(key_results)d, "
                    "check-ins %(check_ins)d, dependencies %(dependencies)d, reviews %(reviews)d."
                )
                % {"slug": org.slug, **vars(counts)}
            )
        )
