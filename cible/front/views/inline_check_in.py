"""A key result checked in where it is listed (the home page, my OKRs, the objective page):
its line turns into a small editor, and the objective comes back with the new progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cible.checkins.forms import CheckInRowForm
from cible.checkins.services import record_check_in
from cible.kpis.queries import attach_breaches
from cible.lib.htmx import is_htmx
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.access import Powers, get_key_result_for_user
from cible.okrs.contexts import objective_rows
from cible.okrs.models import KeyResult
from cible.okrs.queries import visible_objectives
from cible.orgs.models import Membership


@login_required
def inline_check_in(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the editor of the line; GET with `cancel`: the objective as it was; POST: the
    check-in, through the check-in form and service, then the objective again (or the
    editor and its errors, nothing recorded). Without htmx, the key result's page."""
    kr, membership, powers = get_key_result_for_user(request, slug, pk)
    if not powers.can_edit_key_result(kr):
        raise PermissionDenied
    tools = request.GET.get("tools") == "1" or request.POST.get("tools") == "1"
    if request.method == "GET" and "cancel" not in request.GET:
        form = CheckInRowForm(key_result=kr, keep_confidence=True)
        return _editor(request, kr, form, tools)
    if request.method == "GET":
        return _objective(request, kr, membership, powers, tools)
    form = CheckInRowForm(request.POST, key_result=kr, keep_confidence=True)
    recorded = False
    if form.is_valid() and form.touched:
        try:
            record_check_in(kr, request.user, **form.reading())
            recorded = True
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        if not is_htmx(request):
            messages.error(
                request, _("The check-in was not recorded: check the value and the confidence.")
            )
            return redirect(kr.get_absolute_url())
        response = _editor(request, kr, form, tools, status=422)
        # The editor again, in place of itself (the form's target is the objective).
        response["HX-Retarget"] = f"#kr-{kr.pk}"
        response["HX-Reswap"] = "outerHTML"
        return response
    if not is_htmx(request):
        if recorded:
            messages.success(request, _("Check-in recorded."))
        return redirect(kr.get_absolute_url())
    return _objective(request, kr, membership, powers, tools)


def _editor(
    request: AuthenticatedHttpRequest,
    kr: KeyResult,
    form: CheckInRowForm,
    tools: bool,
    status: int = 200,
) -> HttpResponse:
    form.fields["done" if form.is_milestone else "value"].widget.attrs["autofocus"] = True
    context = {"org": kr.objective.organization, "kr": kr, "form": form, "tools": tools}
    return render(request, "front/_inline_check_in.html", context, status=status)


def _objective(
    request: AuthenticatedHttpRequest,
    kr: KeyResult,
    membership: Membership,
    powers: Powers,
    tools: bool,
) -> HttpResponse:
    """The objective of `kr` as the lists show it, the focus going back to `kr`'s line."""
    objective = visible_objectives(membership).get(pk=kr.objective_id)
    [row] = objective_rows([objective], membership.organization)
    # A check-in may just have started a breach: the line shows it at once.
    attach_breaches(kr_row.kr for kr_row in row.key_results)
    context = {
        "org": membership.organization,
        "membership": membership,
        "row": row,
        "editable": tools and powers.can_edit(objective),
        "focus_kr": kr.pk,
    }
    return render(request, "okrs/_objective.html", context)
