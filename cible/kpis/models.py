"""KPIs: the health metrics a team (or the whole organisation) keeps within bounds all year,
beside the few changes its OKRs push this cycle, and the key results they guard.

A KPI's history spans cycles: no cycle owns it and none resets it. Its status is kept on the
row with its latest value, so a page listing many KPIs reads one row each.
"""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cible.kpis import rules
from cible.okrs.models import KeyResult, value_field
from cible.orgs.models import Organization, Team


class Direction(models.TextChoices):
    HIGHER = rules.HIGHER, _("Higher is better")
    LOWER = rules.LOWER, _("Lower is better")
    BAND = rules.BAND, _("Stay between")


class Status(models.TextChoices):
    UNKNOWN = rules.UNKNOWN, _("No value yet")
    HEALTHY = rules.HEALTHY, _("Healthy")
    WARNING = rules.WARNING, _("Warning")
    CRITICAL = rules.CRITICAL, _("Critical")


class Rhythm(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")


# Days after which a value is overdue, by rhythm (a grace of a few days past the rhythm).
RHYTHM_DAYS = {Rhythm.DAILY: 2, Rhythm.WEEKLY: 10, Rhythm.MONTHLY: 35, Rhythm.QUARTERLY: 100}


class ValueOrigin(models.TextChoices):
    HAND = "hand", _("Entered by hand")
    API = "api", _("API")
    CSV = "csv", _("CSV import")
    SOURCE = "source", _("Data source")
    KEY_RESULT = "key_result", _("Key result history")


class KPI(models.Model):
    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="kpis", verbose_name=_("organisation")
    )
    # None: the whole organisation's.
    team = models.ForeignKey(
        Team, models.CASCADE, null=True, blank=True, related_name="kpis", verbose_name=_("team")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    critical_low = value_field(_("critical below"), null=True, blank=True)
    healthy_low = value_field(_("healthy from"), null=True, blank=True)
    healthy_high = value_field(_("healthy up to"), null=True, blank=True)
    critical_high = value_field(_("critical above"), null=True, blank=True)
    rhythm = models.CharField(
        _("update rhythm"), max_length=10, choices=Rhythm.choices, default=Rhythm.WEEKLY
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_kpis",
        verbose_name=_("owner"),
    )
    archived = models.BooleanField(_("archived"), default=False)

    # The latest value and its status, kept by the service that records a value.
    last_value = value_field(_("latest value"), null=True, blank=True)
    last_measured_at = models.DateTimeField(_("latest value at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.UNKNOWN, blank=True
    )
    status_since = models.DateTimeField(_("status since"), null=True, blank=True)

    # A key result turned into this KPI at the end of its cycle.
    from_key_result = models.OneToOneField(
        KeyResult,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="became_kpi",
        verbose_name=_("from key result"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering: ClassVar = ["name", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["organization", "team", "archived"], name="kpi_org_team"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(direction__in=[d.value for d in Direction]), name="kpi_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(critical_low__isnull=True)
                | Q(healthy_low__isnull=True)
                | Q(critical_low__lte=models.F("healthy_low")),
                name="kpi_low_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(healthy_high__isnull=True)
                | Q(critical_high__isnull=True)
                | Q(healthy_high__lte=models.F("critical_high")),
                name="kpi_high_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(healthy_low__isnull=True)
                | Q(healthy_high__isnull=True)
                | Q(healthy_low__lte=models.F("healthy_high")),
                name="kpi_healthy_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("kpi_detail", args=[self.organization.slug, self.pk])

    @property
    def thresholds(self) -> rules.Thresholds:
        return rules.Thresholds(
            direction=self.direction,
            critical_low=self.critical_low,
            healthy_low=self.healthy_low,
            healthy_high=self.healthy_high,
            critical_high=self.critical_high,
        )

    def status_of(self, value: Decimal | None) -> str:
        return rules.status(self.thresholds, value)

    def clean(self) -> None:
        super().clean()
        rules.check_thresholds(
            self.direction,
            self.critical_low,
            self.healthy_low,
            self.healthy_high,
            self.critical_high,
        )


class KPIValue(models.Model):
    """One measurement. Never changed once stored; a correction is a new value."""

    kpi = models.ForeignKey(KPI, models.CASCADE, related_name="values", verbose_name=_("KPI"))
    value = value_field(_("value"))
    measured_at = models.DateTimeField(_("measured at"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    origin = models.CharField(
        _("origin"), max_length=10, choices=ValueOrigin.choices, default=ValueOrigin.HAND
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        ordering: ClassVar = ["measured_at", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["kpi", "measured_at"], name="kpivalue_kpi_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value}"


class Guardrail(models.Model):
    """A KPI a key result may not be reached at the expense of."""

    key_result = models.ForeignKey(
        KeyResult, models.CASCADE, related_name="guardrails", verbose_name=_("key result")
    )
    kpi = models.ForeignKey(KPI, models.CASCADE, related_name="guardrails", verbose_name=_("KPI"))
    # Since when the KPI is out of its healthy range while the key result progresses; None
    # while it holds. Kept by the service that records a KPI value or a check-in.
    breached_since = models.DateTimeField(_("breached since"), null=True, blank=True)
    # The key result's value when the KPI was last measured healthy (or when the guardrail
    # was set, if it has not been healthy since): what "the key result progresses" is
    # measured from (`cible.kpis.guardrails`).
    baseline = value_field(_("key result value when last healthy"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("guardrail")
        verbose_name_plural = _("guardrails")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["key_result", "kpi"], name="guardrail_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} ⟂ {self.key_result}"


class GuardrailBreach(models.Model):
    """One breach of a guardrail, from its start to its end: the cycle report lists them."""

    guardrail = models.ForeignKey(
        Guardrail, models.CASCADE, related_name="breaches", verbose_name=_("guardrail")
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    worst_status = models.CharField(_("worst status"), max_length=8, choices=Status.choices)
    worst_value = value_field(_("worst value"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardrail breach")
        verbose_name_plural = _("guardrail breaches")
        ordering: ClassVar = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.guardrail} {self.started_at:%Y-%m-%d}"
