from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "cible.orgs"
    verbose_name = _("Organisations and teams")

    def ready(self) -> None:
        # Connects the single sign-on signals (joining an organisation by e-mail domain).
        from cible.orgs import sso  # noqa: F401
