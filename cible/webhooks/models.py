"""Outgoing webhooks: the addresses an organisation's admins register, and each event sent
to each of them (its delivery), kept with its payload, attempts and outcome."""

import secrets
import uuid
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cible.orgs.models import Organization, webhook_url_validator


class Event(models.TextChoices):
    CHECK_IN_RECORDED = "check_in.recorded", _("A check-in is recorded")
    KEY_RESULT_STATUS_CHANGED = (
        "key_result.status_changed",
        _("A key result changes status (on track, at risk, off track)"),
    )
    OBJECTIVE_CREATED = "objective.created", _("An objective is created")
    OBJECTIVE_CLOSED = "objective.closed", _("An objective is closed (with its score)")
    CYCLE_CLOSED = "cycle.closed", _("A cycle is closed")
    COMMENT_CREATED = "comment.created", _("A comment is written")
    COMMENT_UPDATED = "comment.updated", _("A comment is edited")
    COMMENT_DELETED = "comment.deleted", _("A comment is deleted")
    REACTION_ADDED = "reaction.added", _("A reaction is given to a check-in or a comment")
    OBJECTIVE_APPROVAL_REQUESTED = (
        "objective.approval_requested",
        _("A draft objective is submitted for approval"),
    )
    OBJECTIVE_APPROVAL_DECIDED = (
        "objective.approval_decided",
        _("A draft objective is approved (published) or sent back"),
    )
    INITIATIVE_CREATED = "initiative.created", _("An initiative is added to a key result")
    INITIATIVE_STATE_CHANGED = (
        "initiative.state_changed",
        _("An initiative changes state (planned, in progress, done, dropped)"),
    )
    DEPENDENCY_STATE_CHANGED = (
        "dependency.state_changed",
        _("A dependency between teams is accepted, declined, done or asked again"),
    )
    KPI_THRESHOLD_CROSSED = (
        "kpi.threshold_crossed",
        _("A KPI crosses a threshold (healthy, warning, critical)"),
    )
    GUARDRAIL_BREACHED = (
        "guardrail.breached",
        _("A key result's guardrail is breached (its KPI out of range while it progresses)"),
    )
    # Sent on request from the endpoint's page, whatever the endpoint subscribes to.
    PING = "ping", _("Test event (ping)")


# What an endpoint may subscribe to: every event but the test one.
SUBSCRIBABLE = [event for event in Event if event != Event.PING]


def all_events() -> list[str]:
    return [event.value for event in SUBSCRIBABLE]


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """An address that receives the organisation's events, signed with its own secret."""

    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="webhooks", verbose_name=_("organisation")
    )
    url = models.URLField(
        _("address"),
        max_length=500,
        validators=[webhook_url_validator],
        help_text=_("Where Cible posts the events, as JSON: an https:// address preferably."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(_("signing secret"), max_length=128, default=new_secret)
    events = models.JSONField(_("events"), default=all_events)
    include_private = models.BooleanField(
        _("include private objectives"),
        default=False,
        help_text=_(
            "Off: events about private objectives are not sent to this address. On: they are, "
            "and whoever reads what it receives sees them."
        ),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("A paused address receives nothing.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.description or self.short_url

    def get_absolute_url(self) -> str:
        return reverse("webhook_detail", args=[self.organization.slug, self.pk])

    @property
    def short_url(self) -> str:
        """The address without its path and query, which often hold a token."""
        parts = urlsplit(self.url)
        return (
            f"{parts.scheme}://{parts.netloc}/…"
            if parts.path.strip("/") or parts.query
            else self.url
        )

    def clean(self) -> None:
        known = set(all_events())
        if not isinstance(self.events, list) or not set(self.events) <= known:
            raise ValidationError({"events": _("Choose events from the list.")})

    def wants(self, event: str, private: bool) -> bool:
        if private and not self.include_private:
            return False
        return event == Event.PING or event in (self.events or [])

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [str(labels[e]) for e in self.events or [] if e in labels]


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event to one endpoint. The payload is fixed when the event happens; the body is
    signed at each attempt (with the endpoint's secret of that moment). The row is claimed
    before each attempt, so a delivery goes out from one worker at a time, and once."""

    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    # What the receiver sees in X-Cible-Delivery and the payload's "id": stable across retries.
    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(_("payload"))
    state = models.CharField(
        _("state"), max_length=9, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While set and in the future, a queued task or a worker owns the row.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in DeliveryState]),
                name="webhook_delivery_state_valid",
            ),
        ]
        indexes: ClassVar = [
            # The scheduler: pending rows whose attempt is due.
            models.Index(fields=["state", "next_attempt_at"], name="webhook_due"),
            # The log, whole or filtered by endpoint or state, newest first.
            models.Index(fields=["organization", "-created_at"], name="webhook_log"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_log_endpoint"),
            models.Index(fields=["organization", "state", "-created_at"], name="webhook_log_state"),
            # Forgetting old deliveries, at each scheduler pass.
            models.Index(fields=["created_at"], name="webhook_age"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.uuid}"


def new_delivery(
    endpoint: WebhookEndpoint,
    event: str,
    data: dict[str, Any],
    created_at: datetime,
    slug: str,
) -> WebhookDelivery:
    """An unsaved delivery, its payload carrying its own id."""
    delivery = WebhookDelivery(
        organization_id=endpoint.organization_id,
        endpoint=endpoint,
        event=event,
        created_at=created_at,
        next_attempt_at=created_at,
    )
    delivery.payload = {
        "id": str(delivery.uuid),
        "event": event,
        "created_at": created_at.isoformat(),
        "organization": slug,
        "data": data,
    }
    return delivery
