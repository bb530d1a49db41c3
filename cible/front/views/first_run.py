"""The first run of a new organisation: a guided start in three skippable steps (the
cycle and up to three company objectives, the colleagues to invite, the first check-in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cible.front.forms import StartInviteForm, StartObjectivesForm
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs import library, services
from cible.okrs.models import Cycle, Level, ObjectiveState
from cible.orgs import services as org_services
from cible.orgs.access import get_membership, require_admin
from cible.orgs.models import Membership, Role

STEPS = ("objectives", "invite", "check_in")


def _context(membership: Membership, step: str, **extra: object) -> dict[str, object]:
    return {
        "org": membership.organization,
        "membership": membership,
        "step": step,
        "step_number": STEPS.index(step) + 1,
        "step_count": len(STEPS),
        **extra,
    }


@login_required
def start_objectives(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Step one: pick the cycle (the current quarter first) and up to three company
    objectives, from the template library or written; they are published at once."""
    membership = get_membership(request, slug)
    require_admin(membership)
    org = membership.organization
    form = StartObjectivesForm(
        request.POST or None, org=org, current=Cycle.objects.current_for(org)
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = _create_objectives(request, membership, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext("%(count)d objective published.", "%(count)d objectives published.", count)
                % {"count": count},
            )
            return redirect("start_invite", slug)
    chosen = set(form["templates"].value() or [])
    context = _context(
        membership,
        "objectives",
        form=form,
        library=library.by_function(request.LANGUAGE_CODE),
        chosen=chosen,
        language=request.LANGUAGE_CODE,
    )
    return render(
        request, "front/start_objectives.html", context, status=422 if form.errors else 200
    )


@transaction.atomic
def _create_objectives(
    request: AuthenticatedHttpRequest, membership: Membership, form: StartObjectivesForm
) -> int:
    org, user, language = membership.organization, request.user, request.LANGUAGE_CODE
    cycle = form.cleaned_data["cycle"]
    common = {
        "actor": user,
        "cycle": cycle,
        "level": Level.COMPANY,
        "team": None,
        "state": ObjectiveState.ACTIVE,
    }
    count = 0
    for template in form.chosen_templates():
        objective = services.create_objective(
            org,
            user,  # type: ignore[arg-type]
            title=template.title(language),
            description=template.description(language),
            **common,
        )
        services.add_template_key_results(objective, template, user, language)  # type: ignore[arg-type]
        count += 1
    for title in form.written_titles():
        services.create_objective(org, user, title=title, **common)  # type: ignore[arg-type]
        count += 1
    return count


@login_required
def start_invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Step two: invite colleagues by a pasted list of addresses, each sent its link."""
    membership = get_membership(request, slug)
    require_admin(membership)
    org = membership.organization
    form = StartInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        known = set(
            org.memberships.filter(user__email__in=form.cleaned_data["emails"]).values_list(
                "user__email", flat=True
            )
        )
        fresh = [address for address in form.cleaned_data["emails"] if address not in known]
        with transaction.atomic():
            invitations = [
                org_services.create_invitation(org, request.user, Role.MEMBER, address)  # type: ignore[arg-type]
                for address in fresh
            ]
        for invitation in invitations:
            link = request.build_absolute_uri(invitation.get_absolute_url())
            send_mail(
                _("%(name)s invites you to %(org)s on Cible")
                % {"name": request.user.display_name, "org": org.name},
                _(
                    "%(name)s invites you to set and follow your objectives with %(org)s on "
                    "Cible. Join with this link, valid for 14 days:\n\n%(link)s\n"
                )
                % {"name": request.user.display_name, "org": org.name, "link": link},
                None,
                [invitation.email],
            )
        messages.success(
            request,
            ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", len(invitations))
            % {"count": len(invitations)},
        )
        return redirect("start_check_in", slug)
    context = _context(membership, "invite", form=form)
    return render(request, "front/start_invite.html", context, status=422 if form.errors else 200)


@login_required
def start_check_in(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Step three: the first check-in, on the check-in page, or later."""
    membership = get_membership(request, slug)
    require_admin(membership)
    owns = membership.organization.objectives.filter(
        key_results__owner=request.user, key_results__archived_at=None
    ).exists()
    context = _context(membership, "check_in", owns_key_results=owns)
    return render(request, "front/start_check_in.html", context)
