from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from cible.accounts.models import User
from cible.api.forms import MAX_LIFETIME_DAYS
from cible.api.models import Scope
from cible.api.tokens import create_token
from cible.okrfiles.commandline import add_language
from cible.orgs.models import Membership


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Make a personal API token for a member of an organisation, for a script or CI; "
            "the secret is printed once, on standard output."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("Make a new token."))
        create.add_argument("--user", required=True, help=_("The person's e-mail address."))
        create.add_argument("--org", required=True, help=_("The organisation's short name (slug)."))
        create.add_argument("--name", required=True, help=_("What the token is for."))
        create.add_argument(
            "--scope",
            choices=Scope.values,
            default=Scope.READ,
            help=_("read (the default) or write."),
        )
        create.add_argument(
            "--expires-on", metavar="YYYY-MM-DD", help=_("The last day the token works.")
        )
        add_language(create)

    def handle(self, *args: Any, **options: Any) -> None:
        with override(options["language"]):
            self.stdout.write(self._create(options))

    def _create(self, options: dict[str, Any]) -> str:
        email = str(options["user"]).strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(_("Nobody has the address %(email)s.") % {"email": email})
        slug = options["org"]
        if not Membership.objects.filter(user=user, organization__slug=slug).exists():
            raise CommandError(
                _("%(email)s is not a member of “%(slug)s”.") % {"email": email, "slug": slug}
            )
        expires_at = _end_of(options["expires_on"]) if options["expires_on"] else None
        try:
            _token, secret = create_token(
                user, str(options["name"]).strip(), options["scope"], expires_at
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return secret


def _end_of(text: str) -> datetime:
    """The end of the day given, which must come within five years."""
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("--expires-on: a date, YYYY-MM-DD.")) from error
    today = timezone.localdate()
    if not today < day <= today + timedelta(days=MAX_LIFETIME_DAYS):
        raise CommandError(_("--expires-on: a day after today, within five years."))
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
