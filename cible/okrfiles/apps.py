from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OkrFilesConfig(AppConfig):
    name = "cible.okrfiles"
    verbose_name = _("OKRs as code")
