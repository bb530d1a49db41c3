from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext

from cible.checkins.forms import CheckInRowForm
from cible.checkins.models import CheckIn
from cible.checkins.services import key_results_to_check_in, record_check_in
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.contexts import kr_row
from cible.okrs.models import KeyResult
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
    if data is not None and all(form.is_valid() for form in forms):
        touched = [form for form in forms if form.touched]
        with transaction.atomic():
            for form in touched:
                record_check_in(form.key_result, request.user, **form.reading())
        count = len(touched)
        messages.success(
            request,
            ngettext("%(count)d check-in recorded.", "%(count)d check-ins recorded.", count)
            % {"count": count},
        )
        return redirect("my_check_in", slug)
    today = timezone.localdate()
    org = membership.organization
    last = _last_check_ins(krs)
    rows = [
        (form, kr_row(form.key_result, org, today, {}), last.get(form.key_result.pk))
        for form in forms
    ]
    context = {"org": org, "membership": membership, "rows": rows}
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
