from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "cible.insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from cible.insights import receivers

        receivers.connect()
