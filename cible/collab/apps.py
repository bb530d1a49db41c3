from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollabConfig(AppConfig):
    name = "cible.collab"
    verbose_name = _("Comments and inbox")

    def ready(self) -> None:
        from cible.collab import receivers

        receivers.connect()
