from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    name = "cible.inbound"
    verbose_name = _("Check-ins by e-mail")
