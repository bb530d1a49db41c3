from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OkrsConfig(AppConfig):
    name = "cible.okrs"
    verbose_name = _("Objectives and key results")
