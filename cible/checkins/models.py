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


class ReviewKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly meeting")
    MONTHLY = "monthly", _("Monthly review")
    QUARTERLY = "quarterly", _("Quarterly review")


class Review(models.Model):
    """A team's (or the company's, without a team) meeting about its OKRs: the weekly
    check-in meeting, the monthly review or the end-of-cycle retrospective."""

    organization = models.ForeignKey(
        "orgs.Organization", models.CASCADE, related_name="reviews", verbose_name=_("organisation")
    )
    cycle = models.ForeignKey(
        "okrs.Cycle", models.CASCADE, related_name="reviews", verbose_name=_("cycle")
    )
    team = models.ForeignKey(
        "orgs.Team",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("team"),
    )
    kind = models.CharField(_("kind"), max_length=9, choices=ReviewKind.choices)
    held_on = models.DateField(_("date"), default=timezone.localdate)
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    worked = models.TextField(_("what worked"), blank=True)
    did_not_work = models.TextField(_("what did not work"), blank=True)
    learned = models.TextField(_("what we learn"), blank=True)
    celebrate = models.TextField(_("what we celebrate"), blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind__in=["weekly", "monthly", "quarterly"]), name="review_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"
