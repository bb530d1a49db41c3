from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cible.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Connects the single sign-on signals (joining an organisation by e-mail domain).
        from cible.accounts import sso  # noqa: F401
