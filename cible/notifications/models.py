from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cible.orgs.models import Organization, Team


class Kind(models.TextChoices):
    REMINDER = "reminder", _("Check-in reminder")
    DIGEST = "digest", _("Weekly digest")
    # One message per team to its chat webhook: the reminder and the digest together.
    CHAT = "chat", _("Team chat message")


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
    """One reminder or digest to one person (by e-mail), or one chat message to one team
    (by its webhook), for one check-in day.

    The row is claimed before the message goes out and marked once it has, and the unique
    constraints let no second row exist: a restarted or duplicated worker never sends it
    twice. A failed send stays pending with its error until it is retried, and is marked
    failed after the last attempt.
    """

    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="deliveries", verbose_name=_("organisation")
    )
    # The recipient: a person for a mail, a team for a chat message (never both).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("person"),
    )
    team = models.ForeignKey(
        Team,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("team"),
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
            models.UniqueConstraint(
                fields=["organization", "team", "kind", "period"],
                name="one_team_delivery_per_period",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=Kind.CHAT, team__isnull=False, user__isnull=True)
                    | (~models.Q(kind=Kind.CHAT) & models.Q(user__isnull=False, team__isnull=True))
                ),
                name="delivery_one_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in DeliveryStatus]),
                name="delivery_status_valid",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} → {self.recipient}"

    @property
    def recipient(self) -> str:
        """Who it goes to, for logs and the admin: never the webhook's address (a secret)."""
        if self.team_id is not None:
            return f"team {self.team} (#{self.team_id})" if self.team else f"team #{self.team_id}"
        return self.user.email if self.user else ""
