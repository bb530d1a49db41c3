import logging
import secrets
from datetime import time, timedelta
from decimal import Decimal
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ScoreDisplay(models.TextChoices):
    DECIMAL = "decimal", _("0.0 to 1.0")
    PERCENT = "percent", _("0 % to 100 %")


class Organization(models.Model):
    """The tenant: everything else belongs to exactly one organisation."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    checkin_weekday = models.PositiveSmallIntegerField(
        _("check-in day"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    score_display = models.CharField(
        _("score display"), max_length=8, choices=ScoreDisplay.choices, default=ScoreDisplay.DECIMAL
    )
    # Status thresholds: how far behind the expected pace, in points of progress.
    at_risk_gap = models.DecimalField(
        _("at risk when behind pace by"), max_digits=4, decimal_places=2, default=Decimal("0.15")
    )
    off_track_gap = models.DecimalField(
        _("off track when behind pace by"), max_digits=4, decimal_places=2, default=Decimal("0.30")
    )
    at_risk_confidence = models.PositiveSmallIntegerField(
        _("at risk at or below confidence"), default=5
    )
    off_track_confidence = models.PositiveSmallIntegerField(
        _("off track at or below confidence"), default=3
    )
    checkin_time = models.TimeField(_("reminder time"), default=time(9, 0))
    # Off by default: drafts are then published by whoever may edit them, as before.
    approval_required = models.BooleanField(
        _("drafts need approval"),
        default=False,
        help_text=_(
            "A draft objective is submitted for approval to the lead of its team's parent "
            "team (company objectives: an admin), who approves it or sends it back."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(at_risk_gap__gte=0)
                & Q(off_track_gap__gte=models.F("at_risk_gap"))
                & Q(off_track_gap__lte=1),
                name="org_gaps_ordered",
            ),
            models.CheckConstraint(
                condition=Q(at_risk_confidence__lte=10)
                & Q(off_track_confidence__lte=models.F("at_risk_confidence")),
                name="org_confidence_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org_home", args=[self.slug])

    def clean(self) -> None:
        gaps = (self.at_risk_gap, self.off_track_gap)
        if None not in gaps and not 0 <= gaps[0] <= gaps[1] <= 1:
            raise ValidationError({"off_track_gap": _("Must lie between the at-risk gap and 1.")})
        levels = (self.off_track_confidence, self.at_risk_confidence)
        if None not in levels and not levels[0] <= levels[1] <= 10:
            raise ValidationError(
                {"off_track_confidence": _("Must not exceed the at-risk confidence.")}
            )


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    reminders_muted = models.BooleanField(_("mute check-in reminders"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="one_membership_per_user"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.OWNER, Role.ADMIN)

    @property
    def can_write(self) -> bool:
        return self.role != Role.VIEWER


class ChatFormat(models.TextChoices):
    SLACK = "slack", _("Slack")
    MATTERMOST = "mattermost", _("Mattermost")
    TEAMS = "teams", _("Microsoft Teams")


# A chat webhook is posted to by the server: web addresses only, never ftp: or javascript:.
webhook_url_validator = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address starting with https:// or http://.")
)


class Team(models.Model):
    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="teams", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent team"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
        verbose_name=_("lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TeamMember",
        related_name="teams",
        verbose_name=_("members"),
    )
    # A secret (whoever holds it can post to the channel): shown to the team's managers only.
    chat_webhook_url = models.URLField(
        _("chat webhook URL"),
        max_length=500,
        blank=True,
        validators=[webhook_url_validator],
        help_text=_(
            "An incoming webhook of your chat: the team's weekly reminder and digest are "
            "posted there. Leave empty for none."
        ),
    )
    chat_format = models.CharField(
        _("chat format"), max_length=10, choices=ChatFormat.choices, default=ChatFormat.SLACK
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organization", "name"], name="team_name_unique"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="team_not_own_parent"),
            models.CheckConstraint(
                condition=Q(chat_format__in=[f.value for f in ChatFormat]),
                name="team_chat_format_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("team_detail", args=[self.organization.slug, self.pk])

    def ancestors(self) -> list["Team"]:
        chain: list[Team] = []
        node = self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent is not None and self.parent.organization_id != self.organization_id:
            raise ValidationError({"parent": _("The parent team belongs to another organisation.")})
        if (
            self.pk
            and self.parent
            and (self.parent_id == self.pk or self in self.parent.ancestors())
        ):
            raise ValidationError({"parent": _("A team cannot sit inside itself.")})


class TeamMember(models.Model):
    team = models.ForeignKey(Team, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["team", "user"], name="one_team_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(24)


def _invitation_expiry():  # type: ignore[no-untyped-def]
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """A link that lets whoever opens it join the organisation with a role."""

    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    email = models.EmailField(_("e-mail address"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return reverse("invitation_accept", args=[self.token])

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


def org_zone(org: Organization) -> ZoneInfo:
    """The organisation's time zone (the server's when its name is unknown)."""
    try:
        return ZoneInfo(org.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("Organisation %s has an unknown time zone %r", org.slug, org.time_zone)
        return ZoneInfo(settings.TIME_ZONE)
