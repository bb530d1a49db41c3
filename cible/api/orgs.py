"""Organisations, their members, teams and cycles."""

from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from ninja import Query, Router
from ninja.responses import Status

from cible.api.common import PageQuery, check_form, form_data, page_of, paginate
from cible.api.errors import ERROR_RESPONSES as ERRORS
from cible.api.schemas import (
    CycleIn,
    CycleOut,
    CyclePage,
    CyclePatch,
    Id,
    MemberOut,
    MemberPage,
    MemberPatch,
    OrganizationOut,
    Slug,
    TeamIn,
    TeamOut,
    TeamPage,
    TeamPatch,
)
from cible.checkins import scoring
from cible.lib.http import AuthenticatedHttpRequest as Request
from cible.okrs import services as okr_services
from cible.okrs.forms import CycleForm
from cible.okrs.models import Cycle
from cible.orgs import services as org_services
from cible.orgs.access import get_membership, get_team_for_user, require_admin, require_team_manager
from cible.orgs.forms import TeamForm
from cible.orgs.models import Membership, Team, TeamMember

router = Router()
ORG = "/orgs/{slug}"


def org_out(membership: Membership) -> dict[str, Any]:
    org = membership.organization
    return {
        "slug": org.slug,
        "name": org.name,
        "language": org.language,
        "time_zone": org.time_zone,
        "score_display": org.score_display,
        "role": membership.role,
    }


@router.get("/orgs", response={200: list[OrganizationOut], **ERRORS}, tags=["organisations"])
def list_organizations(request: Request) -> Any:
    """The organisations the caller belongs to."""
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )
    return [org_out(m) for m in memberships]


@router.get(ORG, response={200: OrganizationOut, **ERRORS}, tags=["organisations"])
def get_organization(request: Request, slug: Slug) -> Any:
    return org_out(get_membership(request, slug))


# Members.


def member_out(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "user": m.user_id,
        "name": m.user.display_name,
        "email": m.user.email,
        "role": m.role,
        "joined_at": m.joined_at,
    }


@router.get(ORG + "/members", response={200: MemberPage, **ERRORS}, tags=["members"])
def list_members(request: Request, slug: Slug, page: Query[PageQuery]) -> Any:
    membership = get_membership(request, slug)
    qs = (
        Membership.objects.filter(organization=membership.organization)
        .select_related("user")
        .order_by("user__name", "user__email", "id")
    )
    count, members = paginate(qs, page)
    return page_of(count, [member_out(m) for m in members])


@router.patch(ORG + "/members/{id}", response={200: MemberOut, **ERRORS}, tags=["members"])
def update_member(request: Request, slug: Slug, id: Id, data: MemberPatch) -> Any:
    """Change a member's role (admins; the owner role by owners only)."""
    membership = get_membership(request, slug)
    target = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=membership.organization, pk=id)
        .first()
    )
    if target is None:
        raise Http404
    require_admin(membership)
    org_services.change_role(membership, target, data.role)
    return member_out(target)


# Teams.


def _teams() -> Any:
    return Team.objects.prefetch_related(
        Prefetch("memberships", queryset=TeamMember.objects.order_by("user_id"))
    )


def team_out(team: Team) -> dict[str, Any]:
    return {
        "id": team.pk,
        "name": team.name,
        "parent": team.parent_id,
        "lead": team.lead_id,
        "members": [m.user_id for m in team.memberships.all()],
    }


@router.get(ORG + "/teams", response={200: TeamPage, **ERRORS}, tags=["teams"])
def list_teams(request: Request, slug: Slug, page: Query[PageQuery]) -> Any:
    membership = get_membership(request, slug)
    qs = _teams().filter(organization=membership.organization).order_by("name", "id")
    count, teams = paginate(qs, page)
    return page_of(count, [team_out(t) for t in teams])


@router.get(ORG + "/teams/{id}", response={200: TeamOut, **ERRORS}, tags=["teams"])
def get_team(request: Request, slug: Slug, id: Id) -> Any:
    team, _membership = get_team_for_user(request, slug, id)
    return team_out(_teams().get(pk=team.pk))


def _save_team(request: Request, team: Team, fields: dict[str, Any]) -> Team:
    """Through the web's team form: the same rules (a unique name, a parent and a lead
    from the organisation); the fields left out keep their values."""
    form = TeamForm(form_data(fields), instance=team, organization=team.organization)
    check_form(form)
    return org_services.save_team(form.instance, request.user)


@router.post(ORG + "/teams", response={201: TeamOut, **ERRORS}, tags=["teams"])
def create_team(request: Request, slug: Slug, data: TeamIn) -> Any:
    membership = get_membership(request, slug)
    require_admin(membership)
    team = _save_team(request, Team(organization=membership.organization), data.model_dump())
    return Status(201, team_out(_teams().get(pk=team.pk)))


@router.patch(ORG + "/teams/{id}", response={200: TeamOut, **ERRORS}, tags=["teams"])
def update_team(request: Request, slug: Slug, id: Id, data: TeamPatch) -> Any:
    team, membership = get_team_for_user(request, slug, id)
    require_team_manager(membership, team)
    fields = {"name": team.name, "parent": team.parent_id, "lead": team.lead_id}
    fields.update(data.model_dump(exclude_unset=True))
    _save_team(request, team, fields)
    return team_out(_teams().get(pk=team.pk))


# Cycles.


def cycle_out(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "kind": cycle.kind,
        "start": cycle.start,
        "end": cycle.end,
        "parent": cycle.parent_id,
        "state": cycle.state,
    }


def _cycle(membership: Membership, pk: int) -> Cycle:
    cycle = Cycle.objects.filter(organization=membership.organization, pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


@router.get(ORG + "/cycles", response={200: CyclePage, **ERRORS}, tags=["cycles"])
def list_cycles(request: Request, slug: Slug, page: Query[PageQuery]) -> Any:
    membership = get_membership(request, slug)
    qs = Cycle.objects.filter(organization=membership.organization).order_by("-start", "end", "id")
    count, cycles = paginate(qs, page)
    return page_of(count, [cycle_out(c) for c in cycles])


@router.get(ORG + "/cycles/{id}", response={200: CycleOut, **ERRORS}, tags=["cycles"])
def get_cycle(request: Request, slug: Slug, id: Id) -> Any:
    return cycle_out(_cycle(get_membership(request, slug), id))


@router.post(ORG + "/cycles", response={201: CycleOut, **ERRORS}, tags=["cycles"])
def create_cycle(request: Request, slug: Slug, data: CycleIn) -> Any:
    """Create a cycle (admins)."""
    membership = get_membership(request, slug)
    require_admin(membership)
    org = membership.organization
    form = check_form(CycleForm(form_data(data.model_dump()), org=org))
    fields = {name: form[name] for name in CycleForm.Meta.fields}
    cycle = okr_services.create_cycle(org, request.user, **fields)
    return Status(201, cycle_out(cycle))


@router.patch(ORG + "/cycles/{id}", response={200: CycleOut, **ERRORS}, tags=["cycles"])
def update_cycle(request: Request, slug: Slug, id: Id, data: CyclePatch) -> Any:
    """Move a cycle one step along planning, active, review, closed (admins). Closing it
    scores what is left unscored and closes its objectives, as the web's button does."""
    membership = get_membership(request, slug)
    cycle = _cycle(membership, id)
    require_admin(membership)
    scoring.change_cycle_state(cycle, request.user, data.state)
    return cycle_out(cycle)
