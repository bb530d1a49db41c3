from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
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


class PromptReason(models.TextChoices):
    FORECAST = "forecast", _("Its forecast no longer reaches the target")
    GUARDRAIL = "guardrail", _("A guardrail is breached")
    DEPENDENCY = "dependency", _("At risk from a dependency")


class DecisionPrompt(models.Model):
    """A key result whose plan no longer holds, on the agenda of the next monthly review
    until someone who may edit it decides. At most one open prompt per key result and
    reason: finding the same again changes nothing."""

    organization = models.ForeignKey(
        "orgs.Organization", models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    key_result = models.ForeignKey(
        KeyResult, models.CASCADE, related_name="decision_prompts", verbose_name=_("key result")
    )
    reason = models.CharField(_("reason"), max_length=10, choices=PromptReason.choices)
    # What was found, in numbers and names, to say it in the reader's language:
    # forecast: low, high, target, end; guardrail: kpi, since; dependency: provider.
    facts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("found"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision prompt")
        verbose_name_plural = _("decision prompts")
        ordering = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["key_result", "reason"],
                condition=Q(decided_at__isnull=True),
                name="one_open_prompt_per_reason",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["forecast", "guardrail", "dependency"]),
                name="prompt_reason_valid",
            ),
        ]
        indexes: ClassVar = [
            models.Index(
                fields=["organization", "key_result"],
                condition=Q(decided_at__isnull=True),
                name="checkins_open_prompts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.reason}"

    @property
    def explanation(self) -> str:
        """What was found, in the reader's language (the facts are stored plain: numbers
        as "12.5", dates as "2026-12-31")."""
        facts = dict(self.facts)
        for name in ("low", "high", "target"):
            if name in facts:
                facts[name] = number_format(Decimal(facts[name]))
        for name in ("end", "since"):
            if name in facts:
                facts[name] = date_format(date.fromisoformat(facts[name]), "SHORT_DATE_FORMAT")
        if self.reason == PromptReason.FORECAST:
            return (
                _(
                    "At its pace, it is forecast at %(low)s to %(high)s on %(end)s: the target "
                    "%(target)s is out of that range."
                )
                % facts
            )
        if self.reason == PromptReason.GUARDRAIL:
            return (
                _(
                    "The KPI “%(kpi)s” it must not be reached at the expense of is out of its "
                    "healthy range since %(since)s."
                )
                % facts
            )
        return _("It depends on “%(provider)s”, which is off track.") % facts


class DecisionChoice(models.TextChoices):
    KEEP = "keep", _("Keep it and explain why")
    ADJUST = "adjust", _("Adjust the target")
    DROP = "drop", _("Drop it")
    REPLACE = "replace", _("Replace it with a new key result")


class Decision(models.Model):
    """What was decided about a key result whose plan no longer held: who, when, the
    choice, the reason, and the values before and after."""

    organization = models.ForeignKey(
        "orgs.Organization", models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    key_result = models.ForeignKey(
        KeyResult, models.CASCADE, related_name="decisions", verbose_name=_("key result")
    )
    prompt = models.ForeignKey(
        DecisionPrompt,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("prompt"),
    )
    choice = models.CharField(_("decision"), max_length=8, choices=DecisionChoice.choices)
    reason = models.TextField(_("reason"))
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(choice__in=["keep", "adjust", "drop", "replace"]),
                name="decision_choice_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.choice}"
