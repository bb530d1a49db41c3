from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.orgs.models import Invitation, Membership, Organization, Role, Team, TeamMember


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
    Membership.objects.create(organization=org, user=creator, role=Role.OWNER)
    # Start with this year and its quarters so that OKRs can be written at once.
    from cible.okrs.services import start_current_year

    start_current_year(org, timezone.localdate())
    return org


def create_invitation(org: Organization, by: User, role: str, email: str = "") -> Invitation:
    invitation = Invitation(organization=org, created_by=by, role=role, email=email)
    invitation.full_clean()
    invitation.save()
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
    target.role = role
    target.save(update_fields=["role"])


@transaction.atomic
def leave_organization(membership: Membership) -> None:
    if membership.role == Role.OWNER and _owner_count(membership.organization) == 1:
        raise ValidationError(_("You are the last owner: make someone else owner before leaving."))
    TeamMember.objects.filter(
        team__organization=membership.organization, user=membership.user
    ).delete()
    Team.objects.filter(organization=membership.organization, lead=membership.user).update(
        lead=None
    )
    membership.delete()


def save_team(team: Team) -> Team:
    team.full_clean()
    team.save()
    if team.lead_id is not None:
        TeamMember.objects.get_or_create(team=team, user_id=team.lead_id)
    return team


def add_team_member(team: Team, user: User) -> None:
    if not Membership.objects.filter(organization=team.organization, user=user).exists():
        raise ValidationError({"user": _("This person is not a member of the organisation.")})
    TeamMember.objects.get_or_create(team=team, user=user)
