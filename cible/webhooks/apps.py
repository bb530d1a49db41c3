from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "cible.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from cible.webhooks import receivers

        receivers.connect()
