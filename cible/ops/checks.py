"""Cible's own deployment checks (`cible check --deploy`)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

CONSOLE_MAIL = "django.core.mail.backends.console.EmailBackend"


@register(Tags.mail, deploy=True)
def check_mail_server(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Without CIBLE_EMAIL_HOST, mail is printed on the console, as the README says: a
    choice for a first install, not a broken one. Django's own check (mail.E001, silenced
    in that case) would fail the deployment over it; a warning says it instead."""
    backend = settings.MAILERS.get("default", {}).get("BACKEND")
    if backend != CONSOLE_MAIL:
        return []
    return [
        CheckWarning(
            "No mail server is set: mail (reminders, digests, password resets) is printed "
            "on the console and reaches nobody.",
            hint="Set CIBLE_EMAIL_HOST (and CIBLE_EMAIL_USER, CIBLE_EMAIL_PASSWORD).",
            id="cible.W001",
        )
    ]
