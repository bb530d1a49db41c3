from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cible.checkins.forms import CheckInRowForm
from cible.checkins.models import CheckIn
from cible.checkins.services import key_results_to_check_in, record_check_in
from cible.kpis.queries import attach_breaches
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.contexts import kr_row
from cible.okrs.models import Initiative, InitiativeState, KeyResult
from cible.okrs.queries import initiatives_by_key_result
from cible.okrs.services import set_initiative_state
from cible.orgs.access import get_membership, require_writer


@login_required
def my_check_in(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    if request.method == "POST":
        require_writer(membership)
    krs = list(key_results_to_check_in(membership))
    data = request.POST if request.method == "POST" else None
    forms = [CheckInRowForm(data, key_result=kr, keep_confidence=True) for kr in krs]
    _focus_first(forms)
    # "What did you do": the open initiatives of each key result, moved along in the same
    # submission as the check-ins.
    initiatives = {
        kr_id: [i for i in found if i.is_open]
        for kr_id, found in initiatives_by_key_result(kr.pk for kr in krs).items()
    }
    moves, refused = _initiative_moves(data, initiatives)
    if data is not None and all(form.is_valid() for form in forms) and not refused:
        touched = [form for form in forms if form.touched]
        with transaction.atomic():
            for form in touched:
                record_check_in(form.key_result, request.user, **form.reading())
            for initiative, state in moves:
                set_initiative_state(initiative, request.user, state)
        count = len(touched)
        messages.success(
            request,
            ngettext("%(count)d check-in recorded.", "%(count)d check-ins recorded.", count)
            % {"count": count},
        )
        if moves:
            messages.success(
                request,
                ngettext(
                    "%(count)d initiative moved along.",
                    "%(count)d initiatives moved along.",
                    len(moves),
                )
                % {"count": len(moves)},
            )
        return redirect("my_check_in", slug)
    today = timezone.localdate()
    org = membership.organization
    last = _last_check_ins(krs)
    attach_breaches(krs)
    rows = [
        (
            form,
            kr_row(form.key_result, org, today, {}),
            last.get(form.key_result.pk),
            initiatives.get(form.key_result.pk, []),
        )
        for form in forms
    ]
    context = {
        "org": org,
        "membership": membership,
        "rows": rows,
        "states": InitiativeState.choices,
        "refused": refused,
    }
    status = 422 if data is not None else 200
    return render(request, "checkins/my_check_in.html", context, status=status)


def _focus_first(forms: list[CheckInRowForm]) -> None:
    """The page opens with the cursor in the first line with an error, else the first line:
    type a value, Tab to the next one, Enter records them all."""
    if not forms:
        return
    first = next((form for form in forms if form.is_bound and form.errors), forms[0])
    first.fields["done" if first.is_milestone else "value"].widget.attrs["autofocus"] = True


def _last_check_ins(krs: list[KeyResult]) -> dict[int, CheckIn]:
    """The newest check-in of each KR, in one query."""
    newest = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-created_at", "-id")
    ids = KeyResult.objects.filter(pk__in=[kr.pk for kr in krs]).values(
        last=Subquery(newest.values("id")[:1])
    )
    return {c.key_result_id: c for c in CheckIn.objects.filter(pk__in=ids).select_related("author")}


def _initiative_moves(
    data: Any, initiatives: dict[int, list[Initiative]]
) -> tuple[list[tuple[Initiative, str]], dict[int, str]]:
    """The initiatives whose state the submission changes, and those it names a state that
    is none (by id, with the error)."""
    moves: list[tuple[Initiative, str]] = []
    refused: dict[int, str] = {}
    if data is None:
        return moves, refused
    for found in initiatives.values():
        for initiative in found:
            state = data.get(f"initiative-{initiative.pk}", "")
            if not state or state == initiative.state:
                continue
            if state not in InitiativeState.values:
                refused[initiative.pk] = _("Choose one of the states.")
            else:
                moves.append((initiative, state))
    return moves, refused
