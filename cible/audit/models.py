from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from cible.orgs.models import Membership, Team


class Action(models.TextChoices):
    # The first ones share their values with okrs.Change.Action: every Change lands here.
    CREATED = "created", pgettext_lazy("audit", "created")
    UPDATED = "updated", pgettext_lazy("audit", "updated")
    DELETED = "deleted", pgettext_lazy("audit", "deleted")
    ARCHIVED = "archived", pgettext_lazy("audit", "archived")
    RESTORED = "restored", pgettext_lazy("audit", "restored")
    ALIGNED = "aligned", pgettext_lazy("audit", "alignment changed")
    REORDERED = "reordered", pgettext_lazy("audit", "reordered")
    DEPENDENCY = "dependency", pgettext_lazy("audit", "dependency changed")
    ADJUSTED = "adjusted", pgettext_lazy("audit", "adjusted in a review")
    CANCELLED = "cancelled", pgettext_lazy("audit", "cancelled")
    SCORED = "scored", pgettext_lazy("audit", "scored")
    CARRIED = "carried", pgettext_lazy("audit", "carried over")
    SUBMITTED = "submitted", pgettext_lazy("audit", "submitted for approval")
    APPROVED = "approved", pgettext_lazy("audit", "approved")
    SENT_BACK = "sent_back", pgettext_lazy("audit", "sent back")
    ROLE_CHANGED = "role_changed", pgettext_lazy("audit", "role changed")
    JOINED = "joined", pgettext_lazy("audit", "joined")
    LEFT = "left", pgettext_lazy("audit", "left")
    INVITED = "invited", pgettext_lazy("audit", "invited")
    ADDED = "added", pgettext_lazy("audit", "member added")
    REMOVED = "removed", pgettext_lazy("audit", "member removed")
    STATE_CHANGED = "state_changed", pgettext_lazy("audit", "state changed")
    CLOSED = "closed", pgettext_lazy("audit", "closed")
    ERASED = "erased", pgettext_lazy("audit", "personal data erased")
    MEASURED = "measured", pgettext_lazy("audit", "value recorded")


class TargetType(models.TextChoices):
    ORGANIZATION = "organization", _("organisation")
    MEMBERSHIP = "membership", _("membership")
    INVITATION = "invitation", _("invitation")
    TEAM = "team", _("team")
    # The target id of a team_member entry is the team's: the person is in before/after.
    TEAM_MEMBER = "team_member", _("team members")
    CYCLE = "cycle", _("cycle")
    OBJECTIVE = "objective", _("objective")
    KEY_RESULT = "key_result", _("key result")
    CHECK_IN = "check_in", _("check-in")
    INITIATIVE = "initiative", _("initiative")
    REVIEW = "review", _("review")
    USER = "user", _("person")
    WEBHOOK = "webhook", _("webhook")
    CHAT = "chat", _("chat")
    COMMENT = "comment", _("comment")
    KPI = "kpi", _("KPI")


MODEL_OF_TARGET: dict[str, str] = {
    TargetType.ORGANIZATION: "orgs.Organization",
    TargetType.MEMBERSHIP: "orgs.Membership",
    TargetType.INVITATION: "orgs.Invitation",
    TargetType.TEAM: "orgs.Team",
    TargetType.TEAM_MEMBER: "orgs.TeamMember",
    TargetType.CYCLE: "okrs.Cycle",
    TargetType.OBJECTIVE: "okrs.Objective",
    TargetType.KEY_RESULT: "okrs.KeyResult",
    TargetType.CHECK_IN: "checkins.CheckIn",
    TargetType.INITIATIVE: "okrs.Initiative",
    TargetType.REVIEW: "checkins.Review",
    TargetType.USER: "accounts.User",
    TargetType.WEBHOOK: "webhooks.WebhookEndpoint",
    TargetType.CHAT: "inbound.ChatIntegration",
    TargetType.COMMENT: "collab.Comment",
    TargetType.KPI: "kpis.KPI",
}

# Names in before/after that are no field of the target's model.
EXTRA_LABELS = {
    "person": _("person"),
    "member": _("member"),
    "parents": _("contributes to"),
    "depends_on": _("depends on"),
    "from": _("carried over from"),
    "anonymised": _("personal data anonymised"),
    "okr_file": _("changes from an OKR file"),
    "redelivered": _("sent again"),
    "secret": _("signing secret"),
}


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str


def _shown(value: Any, field: Any) -> Any:
    """A recorded value as the reader reads it: a yes or no of a true-or-false field in
    words, in their language (the trail stores "True" and "False")."""
    if isinstance(field, models.BooleanField) and str(value) in {"True", "False"}:
        return _("yes") if str(value) == "True" else _("no")
    return value


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_team(self, team: "Team") -> "AuditEntryQuerySet":
        """The team's own changes and those of its members list."""
        return self.filter(
            organization_id=team.organization_id,
            target_type__in=[TargetType.TEAM, TargetType.TEAM_MEMBER],
            target_id=team.pk,
        )

    def visible_to(self, membership: "Membership") -> "AuditEntryQuerySet":
        """The organisation's entries, without those about an objective this member may not
        see (admins see everything)."""
        qs = self.filter(organization_id=membership.organization_id)
        if membership.is_admin:
            return qs
        # By name, as the foreign keys below: the trail sits below the apps it records.
        Objective = apps.get_model("okrs", "Objective")
        visible = Objective.objects.visible_to(membership).values("pk")
        return qs.filter(Q(objective_id__isnull=True) | Q(objective_id__in=visible))

    def between(self, start: date | None, end: date | None) -> "AuditEntryQuerySet":
        """Entries from the first day to the last one included, in the current time zone."""
        qs = self
        if start is not None:
            qs = qs.filter(at__gte=_start_of(start))
        if end is not None:
            qs = qs.filter(at__lt=_start_of(end + timedelta(days=1)))
        return qs


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditEntry(models.Model):
    """Who changed what, when, from which values to which: the organisation's audit trail.

    Plain ids rather than foreign keys for the target, so that an entry outlives what it
    is about, and the label keeps the target's name as it was.
    """

    organization = models.ForeignKey(
        "orgs.Organization",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    target_type = models.CharField(_("type"), max_length=12, choices=TargetType.choices)
    target_id = models.BigIntegerField(_("id"))
    target_label = models.CharField(_("about"), max_length=250, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    # The objective an objective, KR or check-in entry belongs to: private ones stay hidden
    # from whoever may not see them.
    objective_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["organization", "-at"]),
            models.Index(fields=["organization", "target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.get_target_type_display()} {self.target_label}"

    def changes(self) -> list[FieldChange]:
        """The changed fields in order, each with its translated label."""
        before, after = self.before or {}, self.after or {}
        names = list(after) + [name for name in before if name not in after]
        return [
            FieldChange(
                name,
                self._label(name),
                _shown(before.get(name, ""), self._field(name)),
                _shown(after.get(name, ""), self._field(name)),
            )
            for name in names
        ]

    def _field(self, name: str) -> Any:
        """The target model's field of that name, or None."""
        label = MODEL_OF_TARGET.get(self.target_type)
        if label is None:
            return None
        try:
            return apps.get_model(label)._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def _label(self, name: str) -> str:
        if name in EXTRA_LABELS:
            return str(EXTRA_LABELS[name])
        field = self._field(name)
        if field is None:
            return name
        return str(getattr(field, "verbose_name", name))
