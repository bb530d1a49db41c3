from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cible.accounts.models import User
from cible.lib.http import AuthenticatedHttpRequest
from cible.lib.text import sort_key
from cible.lib.widgets import SUGGESTIONS, picker_query, suggestions
from cible.orgs import services
from cible.orgs.access import (
    get_membership,
    get_team_for_user,
    require_admin,
    require_team_manager,
)
from cible.orgs.forms import (
    InvitationForm,
    OrganizationCreateForm,
    OrganizationSettingsForm,
    RoleForm,
    TeamForm,
    TeamMemberForm,
)
from cible.orgs.models import Invitation, Membership, Team


@login_required
def org_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganizationCreateForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        org = services.create_organization(request.user, **form.cleaned_data)  # type: ignore[arg-type]
        # The guided start of a new organisation (every step of it skippable).
        return redirect("start_objectives", org.slug)
    return render(
        request, "orgs/org_create.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
def org_settings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    if request.method == "POST":
        require_admin(membership)
    form = OrganizationSettingsForm(request.POST or None, instance=membership.organization)
    if request.method == "POST" and form.is_valid():
        services.save_organization(form.instance, request.user)
        messages.success(request, _("Settings saved."))
        return redirect("org_settings", slug)
    context = {"org": membership.organization, "membership": membership, "form": form}
    return render(request, "orgs/org_settings.html", context, status=422 if form.errors else 200)


@login_required
def member_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    org = membership.organization
    members = sorted(
        org.memberships.select_related("user"),
        key=lambda m: (sort_key(m.user.display_name), m.user.email),
    )
    invitations = [i for i in org.invitations.all() if i.is_usable] if membership.is_admin else []
    context = {
        "org": org,
        "membership": membership,
        "members": members,
        "invitations": invitations,
        "invitation_form": InvitationForm(membership=membership),
        "roles": RoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
    }
    return render(request, "orgs/member_list.html", context)


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    target = get_object_or_404(Membership, organization=membership.organization, pk=pk)
    require_admin(membership)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a valid role."))
        services.change_role(membership, target, form.cleaned_data["role"])
        messages.success(request, _("Role changed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("member_list", slug)


@login_required
@require_POST
def invitation_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_admin(membership)
    form = InvitationForm(request.POST, membership=membership)
    if form.is_valid():
        invitation = services.create_invitation(
            membership.organization,
            request.user,  # type: ignore[arg-type]
            **form.cleaned_data,
        )
        link = request.build_absolute_uri(invitation.get_absolute_url())
        messages.success(
            request, _("Invitation link, valid for 14 days: %(link)s") % {"link": link}
        )
    else:
        messages.error(request, _("Choose a valid role and e-mail address."))
    return redirect("member_list", slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.select_related("organization").filter(token=token).first()
    if invitation is None:
        raise Http404
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.accept_invitation(invitation, request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect(invitation.organization.get_absolute_url())
    return render(request, "orgs/invitation_accept.html", {"invitation": invitation})


@login_required
@require_POST
def org_leave(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    try:
        services.leave_organization(membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("member_list", slug)
    messages.success(request, _("You left %(name)s.") % {"name": membership.organization.name})
    return redirect("home")


@login_required
def team_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    org = membership.organization
    form = TeamForm(request.POST or None, organization=org, may_set_chat=membership.is_admin)
    if request.method == "POST":
        require_admin(membership)
        if form.is_valid():
            services.save_team(form.instance, request.user)
            return redirect(form.instance.get_absolute_url())
    teams = sorted(org.teams.select_related("lead"), key=lambda t: sort_key(t.name))
    context = {"org": org, "membership": membership, "form": form, "tree": _team_tree(teams)}
    return render(request, "orgs/team_list.html", context, status=422 if form.errors else 200)


def _team_tree(teams: list[Team]) -> list[tuple[Team, int]]:
    """Teams in hierarchy order with their depth, for an indented list."""
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)
    ordered: list[tuple[Team, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for team in children.get(parent_id, []):
            ordered.append((team, depth))
            walk(team.pk, depth + 1)

    walk(None, 0)
    return ordered


@login_required
@require_POST
def team_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    team, membership = get_team_for_user(request, slug, pk)
    require_team_manager(membership, team)
    form = TeamForm(
        request.POST,
        instance=team,
        organization=membership.organization,
        may_set_chat=membership.is_admin,
    )
    if not membership.is_admin and form.changes_chat(request.POST):
        raise PermissionDenied  # The chat webhook is the admins' to set.
    if form.is_valid():
        services.save_team(form.instance, request.user)
        messages.success(request, _("Team saved."))
        return redirect(team.get_absolute_url())
    context = {"org": membership.organization, "membership": membership, "team": team, "form": form}
    return render(request, "orgs/team_edit.html", context, status=422)


@login_required
@require_POST
def team_member_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    team, membership = get_team_for_user(request, slug, pk)
    require_team_manager(membership, team)
    form = TeamMemberForm(request.POST, organization=membership.organization)
    if form.is_valid():
        services.add_team_member(team, form.cleaned_data["user"], request.user)
        messages.success(request, _("Member added."))
    else:
        messages.error(request, _("Choose a person from the organisation."))
    return redirect(team.get_absolute_url())


@login_required
@require_POST
def team_member_remove(
    request: AuthenticatedHttpRequest, slug: str, pk: int, user_id: int
) -> HttpResponse:
    team, membership = get_team_for_user(request, slug, pk)
    person = get_object_or_404(User, pk=user_id, teams=team)
    require_team_manager(membership, team)
    services.remove_team_member(team, person, request.user)
    messages.success(request, _("Member removed."))
    return redirect(team.get_absolute_url())


@login_required
def people_suggest(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The people of the organisation whose name or e-mail holds what a picker's input
    says, a few at a time."""
    membership = get_membership(request, slug)
    query = picker_query(request)
    people: list[User] = []
    if query:
        people = list(
            User.objects.filter(memberships__organization=membership.organization)
            .filter(Q(name__icontains=query) | Q(email__icontains=query))
            .order_by("name", "email")
            .only("id", "name", "email")[: SUGGESTIONS + 1]
        )
    people.sort(key=lambda p: (sort_key(p.display_name), p.email))
    rows = [(p.pk, p.display_name, p.email) for p in people]
    return render(request, "orgs/_suggestions.html", suggestions(query, rows))


@login_required
def team_suggest(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The teams of the organisation whose name holds what a picker's input says, a few at
    a time, each with the team it sits in: names alone say little in a deep hierarchy."""
    membership = get_membership(request, slug)
    query = picker_query(request)
    teams: list[Team] = []
    if query:
        teams = list(
            Team.objects.filter(organization=membership.organization, name__icontains=query)
            .select_related("parent")
            .only("id", "name", "parent__name")
            .order_by("name", "pk")[: SUGGESTIONS + 1]
        )
    teams.sort(key=lambda t: sort_key(t.name))
    rows = [(t.pk, t.name, t.parent.name if t.parent else "") for t in teams]
    return render(request, "orgs/_suggestions.html", suggestions(query, rows))
