from django.apps import AppConfig
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext_lazy as _


class OkrsConfig(AppConfig):
    name = "cible.okrs"
    verbose_name = _("Objectives and key results")

    def ready(self) -> None:
        from cible.okrs import alignment, receivers

        receivers.connect()
        m2m_changed.connect(
            alignment.links_changed, sender=alignment.Links, dispatch_uid="cible.alignment"
        )
