from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cible.orgs.models import Organization


class Kind(models.TextChoices):
    REMINDER = "reminder", _("Check-in reminder")
    DIGEST = "digest", _("Weekly digest")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Nothing to send")
    FAILED = "failed", _("Failed")


class Round(models.Model):
    """An organisation's reminders (or digests) for one check-in day, planned once: the
    unique row is what keeps two schedulers from planning the same week twice."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    period = models.CharField(_("check-in day"), max_length=10)
    planned_at = models.DateTimeField(_("planned"), default=timezone.now)

    class Meta:
        verbose_name = _("round of notifications")
        verbose_name_plural = _("rounds of notifications")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organization", "kind", "period"], name="one_round_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.kind} {self.period}"


class Delivery(models.Model):
    """One reminder or digest to one person for one check-in day.

    The row is claimed before the mail goes out and marked once it has, and the unique
    constraint lets no second row exist: a restarted or duplicated worker never sends it
    twice. A failed send stays pending with its error until it is retried, and is marked
    failed after the last attempt.
    """

    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="deliveries", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="deliveries",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # The ISO date of the check-in day, in the organisation's time zone.
    period = models.CharField(_("check-in day"), max_length=10)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While set and in the future, a queued task or a worker owns the row.
    leased_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organization", "user", "kind", "period"], name="one_delivery_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in DeliveryStatus]),
                name="delivery_status_valid",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} → {self.user}"
