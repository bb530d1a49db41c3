from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.audit.models import Action, TargetType
from cible.audit.services import Target, diff, record, snapshot
from cible.orgs import signals
from cible.orgs.models import Invitation, Membership, Organization, Role, Team, TeamMember

ORGANIZATION_FIELDS = (
    "name",
    "language",
    "time_zone",
    "checkin_weekday",
    "checkin_time",
    "score_display",
    "at_risk_gap",
    "off_track_gap",
    "at_risk_confidence",
    "off_track_confidence",
    "approval_required",
)
TEAM_FIELDS = ("name", "parent", "lead", "chat_webhook_url", "chat_format")


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_organization(
    creator: User, name: str, language: str = "en", **fields: object
) -> Organization:
    org = Organization(name=name, slug=unique_slug(name), language=language, **fields)
    org.full_clean()
    org.save()
    record(org, creator, org, Action.CREATED, after=snapshot(org, ORGANIZATION_FIELDS))
    membership = Membership.objects.create(organization=org, user=creator, role=Role.OWNER)
    record(org, creator, membership, Action.JOINED, after=_member_facts(membership))
    # The OKRs start it with this year and its quarters, so that OKRs can be written at once.
    signals.organization_created.send(Organization, organization=org, creator=creator)
    return org


def _member_facts(membership: Membership) -> dict[str, str]:
    return {"person": membership.user.display_name, "role": membership.role}


@transaction.atomic
def save_organization(org: Organization, actor: User) -> Organization:
    """Save the settings set on `org` (by a form), recording what changed."""
    stored = Organization.objects.select_for_update().get(pk=org.pk)
    org.full_clean()
    org.save()
    before, after = diff(snapshot(stored, ORGANIZATION_FIELDS), snapshot(org, ORGANIZATION_FIELDS))
    if after or before:
        record(org, actor, org, Action.UPDATED, before, after)
    return org


@transaction.atomic
def create_invitation(org: Organization, by: User, role: str, email: str = "") -> Invitation:
    invitation = Invitation(organization=org, created_by=by, role=role, email=email)
    invitation.full_clean()
    invitation.save()
    record(
        org,
        by,
        invitation,
        Action.INVITED,
        after={"role": role, "email": email},
        label=email or invitation.get_role_display(),
    )
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has expired or was already used."))
    membership, created = Membership.objects.get_or_create(
        organization=invitation.organization, user=user, defaults={"role": invitation.role}
    )
    if created:
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_by", "accepted_at"])
        record(
            invitation.organization,
            user,
            membership,
            Action.JOINED,
            after=_member_facts(membership),
        )
    return membership


def _owner_count(org: Organization) -> int:
    return Membership.objects.filter(organization=org, role=Role.OWNER).count()


@transaction.atomic
def change_role(actor: Membership, target: Membership, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    touches_owner = Role.OWNER in (role, target.role)
    if touches_owner and actor.role != Role.OWNER:
        raise ValidationError({"role": _("Only an owner can grant or remove the owner role.")})
    if target.role == Role.OWNER and role != Role.OWNER and _owner_count(target.organization) == 1:
        raise ValidationError({"role": _("An organisation keeps at least one owner.")})
    if role == target.role:
        return
    old = target.role
    target.role = role
    target.save(update_fields=["role"])
    record(
        target.organization, actor.user, target, Action.ROLE_CHANGED, {"role": old}, {"role": role}
    )


def drop_from_teams(membership: Membership, actor: User | None) -> None:
    """Take a person who leaves the organisation out of its teams, and off their leads."""
    org, person = membership.organization, membership.user
    for team in Team.objects.filter(organization=org, memberships__user=person).order_by("pk"):
        record(
            org,
            actor,
            Target(TargetType.TEAM_MEMBER, team.pk, team.name),
            Action.REMOVED,
            before={"member": person.display_name},
        )
    TeamMember.objects.filter(team__organization=org, user=person).delete()
    for team in Team.objects.filter(organization=org, lead=person).order_by("pk"):
        team.lead = None
        team.save(update_fields=["lead"])
        record(org, actor, team, Action.UPDATED, {"lead": person.display_name}, {"lead": ""})


@transaction.atomic
def leave_organization(membership: Membership) -> None:
    if membership.role == Role.OWNER and _owner_count(membership.organization) == 1:
        raise ValidationError(_("You are the last owner: make someone else owner before leaving."))
    drop_from_teams(membership, membership.user)
    record(
        membership.organization,
        membership.user,
        membership,
        Action.LEFT,
        before=_member_facts(membership),
    )
    membership.delete()


@transaction.atomic
def save_team(team: Team, actor: User | None = None) -> Team:
    """Create or edit a team (its lead joins it), recording what changed."""
    stored = Team.objects.filter(pk=team.pk).first() if team.pk else None
    team.full_clean()
    team.save()
    after = snapshot(team, TEAM_FIELDS, secret=["chat_webhook_url"])
    if stored is None:
        record(team.organization, actor, team, Action.CREATED, after=after)
    else:
        before, after = diff(snapshot(stored, TEAM_FIELDS, secret=["chat_webhook_url"]), after)
        if before or after:
            record(team.organization, actor, team, Action.UPDATED, before, after)
    if team.lead is not None:
        _add_member(team, team.lead, actor)
    return team


def _add_member(team: Team, user: User, actor: User | None) -> None:
    _member, created = TeamMember.objects.get_or_create(team=team, user=user)
    if created:
        target = Target(TargetType.TEAM_MEMBER, team.pk, team.name)
        record(team.organization, actor, target, Action.ADDED, after={"member": user.display_name})


@transaction.atomic
def add_team_member(team: Team, user: User, actor: User | None = None) -> None:
    if not Membership.objects.filter(organization=team.organization, user=user).exists():
        raise ValidationError({"user": _("This person is not a member of the organisation.")})
    _add_member(team, user, actor)


@transaction.atomic
def remove_team_member(team: Team, user: User, actor: User | None) -> None:
    """Take someone out of a team; a lead who leaves the team no longer leads it."""
    deleted, _rows = TeamMember.objects.filter(team=team, user=user).delete()
    if deleted:
        target = Target(TargetType.TEAM_MEMBER, team.pk, team.name)
        record(
            team.organization, actor, target, Action.REMOVED, before={"member": user.display_name}
        )
    if team.lead_id == user.pk:
        team.lead = None
        team.save(update_fields=["lead"])
        record(
            team.organization,
            actor,
            team,
            Action.UPDATED,
            {"lead": user.display_name},
            {"lead": ""},
        )
