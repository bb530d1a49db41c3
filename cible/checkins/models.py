from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cible.okrs.models import KeyResult, value_field


class CheckIn(models.Model):
    """One reading of a KR. Never rewritten: a correction is a newer check-in."""

    key_result = models.ForeignKey(
        KeyResult, models.CASCADE, related_name="check_ins", verbose_name=_("key result")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="check_ins",
        verbose_name=_("author"),
    )
    value = value_field(_("value"))
    confidence = models.PositiveSmallIntegerField(_("confidence"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    blockers = models.TextField(_("blockers"), blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=10),
                name="checkin_confidence_0_10",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["key_result", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.value}"
