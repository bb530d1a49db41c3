from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "cible.api"
    verbose_name = _("API")

    def ready(self) -> None:
        from allauth.account.signals import password_changed, password_reset

        from cible.api.tokens import revoke_on_new_password

        password_changed.connect(revoke_on_new_password, dispatch_uid="cible.api.revoke_changed")
        password_reset.connect(revoke_on_new_password, dispatch_uid="cible.api.revoke_reset")
