from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "cible.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from cible.ops import checks  # noqa: F401  (registers the deployment checks)
        from cible.ops.metrics import count_check_in
        from cible.ops.middleware import forget_request_id

        # Counts only while metrics are on (checked at each check-in).
        post_save.connect(count_check_in, sender="checkins.CheckIn", dispatch_uid="cible.metrics")
        request_finished.connect(forget_request_id, dispatch_uid="cible.request_id")
