"""Turning a key result into a KPI at the end of its cycle (`cible.checkins.kpi_from_kr`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cible.checkins import kpi_from_kr
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.access import get_key_result_for_user


@login_required
@require_POST
def key_result_to_kpi(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, membership, _powers = get_key_result_for_user(request, slug, pk)
    if not kpi_from_kr.may_turn(membership, kr, kpi_from_kr.member_team_ids(membership)):
        raise PermissionDenied
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = kr.get_absolute_url()
    try:
        kpi = kpi_from_kr.turn_into_kpi(kr, request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    count = kpi.values.count()
    messages.success(
        request,
        ngettext(
            "“%(name)s” is now a KPI, with its %(count)d check-in as history.",
            "“%(name)s” is now a KPI, with its %(count)d check-ins as history.",
            count,
        )
        % {"name": kpi.name, "count": count},
    )
    return redirect(kpi.get_absolute_url())
