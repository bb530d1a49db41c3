from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "cible.kpis"
    verbose_name = _("KPIs")

    def ready(self) -> None:
        from cible.kpis import guardrails

        guardrails.connect()
