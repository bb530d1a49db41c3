from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    name = "cible.inbound"
    verbose_name = _("Check-ins by chat and e-mail")

    def ready(self) -> None:
        from cible.inbound import receivers
        from cible.notifications import signals

        signals.chat_buttons.connect(receivers.chat_buttons, dispatch_uid="inbound.chat_buttons")
