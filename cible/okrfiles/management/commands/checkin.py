import os
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import override

from cible.lib.http import parse_id
from cible.okrfiles.client import CheckInFailed, post_check_in
from cible.okrfiles.commandline import add_language
from cible.okrs import rules


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Check in a key result's value on a Cible server, through its API (for scripts and "
            "CI). The address and token also come from CIBLE_API_URL and CIBLE_API_TOKEN."
        )

    # Talks to a server, not to the database: no system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url",
            default=os.environ.get("CIBLE_API_URL"),
            help=_("The server's address, e.g. https://okr.example.com."),
        )
        parser.add_argument(
            "--token",
            default=os.environ.get("CIBLE_API_TOKEN"),
            help=_("A personal API token (better: CIBLE_API_TOKEN)."),
        )
        parser.add_argument("--org", required=True, help=_("The organisation's short name (slug)."))
        parser.add_argument("--kr", required=True, help=_("The key result's number."))
        parser.add_argument("--value", required=True, help=_("The new value."))
        parser.add_argument(
            "--confidence",
            help=_("From %(low)s to %(high)s.")
            % {"low": rules.CONFIDENCE_MIN, "high": rules.CONFIDENCE_MAX},
        )
        parser.add_argument("--comment")
        parser.add_argument("--blockers", help=_("What stands in the way, if anything."))
        parser.add_argument(
            "--idempotency-key",
            help=_(
                "Send the same key to retry a check-in safely: it is recorded once "
                "(default: a new key for each run)."
            ),
        )
        add_language(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with override(options["language"]):
            self._check_in(options)

    def _check_in(self, options: dict[str, Any]) -> None:
        if not options["url"]:
            raise CommandError(_("Give the server's address: --url or CIBLE_API_URL."))
        if not options["token"]:
            raise CommandError(_("Give an API token: --token or CIBLE_API_TOKEN."))
        kr = parse_id(options["kr"])
        if kr is None:
            raise CommandError(_("--kr: give the key result's number."))
        try:
            value = Decimal(options["value"])
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            raise CommandError(_("--value: enter a number."))
        try:
            rules.check_value(value)
        except ValidationError as error:
            raise CommandError(f"--value: {' '.join(error.messages)}") from error
        confidence = None
        if options["confidence"] is not None:
            confidence = parse_id(options["confidence"])
            try:
                rules.check_confidence(confidence)
            except ValidationError:
                confidence = None
            if confidence is None:
                raise CommandError(
                    _("--confidence: a whole number from %(low)s to %(high)s.")
                    % {"low": rules.CONFIDENCE_MIN, "high": rules.CONFIDENCE_MAX}
                )
        try:
            result = post_check_in(
                options["url"],
                options["token"],
                options["org"],
                kr,
                value,
                confidence,
                options["comment"],
                options["blockers"],
                options["idempotency_key"] or str(uuid.uuid4()),
            )
        except CheckInFailed as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(_("The check-in was not recorded.")) from error
        shown = result.get("value", format(value, "f"))
        self.stdout.write(
            self.style.SUCCESS(
                _("Checked in %(value)s on key result %(kr)s.") % {"value": shown, "kr": kr}
            )
        )
        # The server records a value that looks like a typing mistake and says why.
        for warning in result.get("warnings") or []:
            said = warning.get("message") if isinstance(warning, dict) else None
            if said:
                self.stderr.write(self.style.WARNING(_("Warning: %(message)s") % {"message": said}))
