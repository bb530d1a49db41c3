from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        now = timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True
        )


class ApiToken(models.Model):
    """A personal key to the API. Only a digest of the secret is stored: whoever reads the
    database (or a backup) cannot use the tokens it holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("access"), max_length=5, choices=Scope.choices, default=Scope.READ)
    # The first characters of the token, to tell tokens apart in the list.
    prefix = models.CharField(_("begins with"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(scope__in=["read", "write"]), name="api_token_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class IdempotencyKey(models.Model):
    """A client's key for one create (a check-in, several in one request, an objective
    with its key results, a key result): a retry with the same key returns what was made
    instead of making it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # What the request asked for: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    check_in = models.ForeignKey(
        "checkins.CheckIn", models.CASCADE, null=True, blank=True, related_name="+"
    )
    objective = models.ForeignKey(
        "okrs.Objective", models.CASCADE, null=True, blank=True, related_name="+"
    )
    key_result = models.ForeignKey(
        "okrs.KeyResult", models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "collab.Comment", models.CASCADE, null=True, blank=True, related_name="+"
    )
    initiative = models.ForeignKey(
        "okrs.Initiative", models.CASCADE, null=True, blank=True, related_name="+"
    )
    kpi_value = models.ForeignKey(
        "kpis.KPIValue", models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The check-ins of a bulk check-in, in the request's order.
    check_ins = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "key"], name="one_idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return self.key
