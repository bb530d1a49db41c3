from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import override

from cible.insights.tables import TABLES, csv_lines
from cible.insights.xlsx import write_xlsx
from cible.lib.http import parse_id
from cible.okrfiles import export
from cible.okrfiles.commandline import add_language, add_quiet, get_organization, progress_bar
from cible.okrs.models import Cycle
from cible.orgs.models import Membership, Organization, Role

FORMATS = ("yaml", "json", "csv", "xlsx")


def find_cycle(org: Organization, wanted: str) -> Cycle:
    cycles = Cycle.objects.filter(organization=org)
    cycle = cycles.filter(name=wanted).first()
    number = parse_id(wanted)
    if cycle is None and number is not None:
        cycle = cycles.filter(pk=number).first()
    if cycle is None:
        raise CommandError(
            _("The organisation has no cycle “%(cycle)s” (give its name or its number).")
            % {"cycle": wanted}
        )
    return cycle


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Export an organisation: the whole of it as an OKR file (yaml, json; see "
            "docs/okrs-as-code.md), or a cycle's OKR table (csv, xlsx)."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help=_("The organisation's short name (slug)."))
        parser.add_argument("--format", choices=FORMATS, default="yaml")
        parser.add_argument("--output", help=_("The file to write (default: standard output)."))
        parser.add_argument(
            "--cycle",
            help=_(
                "Only this cycle (its name or number); csv and xlsx default to the current one."
            ),
        )
        parser.add_argument(
            "--table",
            choices=sorted(TABLES),
            default="okrs",
            help=_("csv and xlsx: the OKRs or the check-ins."),
        )
        parser.add_argument(
            "--with-secrets",
            action="store_true",
            help=_("yaml and json: include the teams' chat webhook addresses."),
        )
        add_language(parser)
        add_quiet(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, output = options["format"], options["output"]
        if fmt == "xlsx" and not output:
            raise CommandError(_("An xlsx file is binary: name it with --output."))
        org = get_organization(options["org"])
        cycle = find_cycle(org, options["cycle"]) if options["cycle"] else None
        with override(options["language"]):
            if fmt in ("yaml", "json"):
                with progress_bar(0, _("Exporting"), options["quiet"]) as bar:

                    def counted(items: Any, total: int) -> Any:
                        bar.reset(total)
                        for item in items:
                            yield item
                            bar.update(1)

                    document = export.build(org, cycle, options["with_secrets"], counted)
                text = export.to_yaml(document) if fmt == "yaml" else export.to_json(document)
                self._write(text, output)
            else:
                self._table(org, cycle, options["table"], fmt, output)

    def _write(self, text: str, output: str | None, bom: bool = False) -> None:
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s")
                % {"file": output, "reason": error.strerror or error}
            ) from error

    def _table(
        self, org: Organization, cycle: Cycle | None, what: str, fmt: str, output: str | None
    ) -> None:
        cycle = cycle or Cycle.objects.current_for(org)
        if cycle is None:
            raise CommandError(_("The organisation has no cycle yet."))
        # The operator reads everything, private objectives included, as an owner would.
        reader = Membership(organization=org, role=Role.OWNER)
        table = TABLES[what](reader, cycle)
        if fmt == "csv":
            # The byte-order mark tells spreadsheets the file is UTF-8; a pipe needs none.
            text = "".join(csv_lines(table)).removeprefix("\ufeff")
            self._write(text, output, bom=output is not None)
            return
        assert output is not None
        try:
            with open(output, "wb") as out:
                write_xlsx(table, out)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s")
                % {"file": output, "reason": error.strerror or error}
            ) from error
