"""The team rhythm: the weekly meeting, the monthly review with its decisions to take, the
end-of-cycle review."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cible.checkins import decisions, kpi_from_kr, reviews, scoring
from cible.checkins.access import may_hold
from cible.checkins.forms import CheckInRowForm, DecisionForm
from cible.checkins.models import DecisionChoice, DecisionPrompt, Review, ReviewKind
from cible.checkins.services import record_check_in
from cible.kpis.queries import attach_breaches
from cible.lib import okrmath
from cible.lib.htmx import is_htmx
from cible.lib.http import AuthenticatedHttpRequest, parse_id
from cible.lib.limits import LONG_TEXT, SHORT_TEXT, limit_length
from cible.lib.refusal import add_refusal, named_errors, refuse
from cible.lib.text import TextRulesMixin
from cible.okrs import contexts, rules
from cible.okrs.access import Powers, get_key_result_for_user, get_objective_for_user
from cible.okrs.contexts import mark_dependency_risks, objective_rows, team_dependencies
from cible.okrs.forms import NumberField
from cible.okrs.models import Cycle, Objective
from cible.okrs.queries import (
    OBJECTIVE_RELATED,
    chosen_cycle,
    initiatives_by_key_result,
    visible_objectives,
)
from cible.orgs.access import can_manage_team, get_membership, get_team_for_user, require_admin
from cible.orgs.models import Membership, Team


def _risk_first(status: okrmath.Status, blocked: bool = False) -> int:
    """A key result at risk from a dependency comes up with the ones at risk at least."""
    severity = okrmath.SEVERITY[okrmath.Status(status)]
    if blocked:
        severity = max(severity, okrmath.SEVERITY[okrmath.Status.AT_RISK])
    return -severity


class NotesForm(TextRulesMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Review
        fields = ["notes", "decisions", "duration_seconds"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 5}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
            "duration_seconds": forms.HiddenInput,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("notes", "decisions"):
            limit_length(self.fields[name], LONG_TEXT)


class RetrospectiveForm(TextRulesMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Review
        fields = ["worked", "did_not_work", "learned", "celebrate"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            limit_length(self.fields[name], LONG_TEXT)


class ObjectiveRetrospectiveForm(TextRulesMixin, forms.Form):
    """The four questions of an objective's retrospective, each optional."""

    retro_worked = forms.CharField(label=gettext_lazy("What worked"), required=False)
    retro_did_not_work = forms.CharField(label=gettext_lazy("What did not work"), required=False)
    retro_learned = forms.CharField(label=gettext_lazy("What we learn"), required=False)
    retro_celebrate = forms.CharField(label=gettext_lazy("What we celebrate"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit_length(field, LONG_TEXT)


class AdjustForm(TextRulesMixin, forms.Form):
    target = NumberField(
        label=gettext_lazy("New target"),
        required=False,
        max_digits=rules.VALUE_MAX_DIGITS,
        decimal_places=rules.VALUE_DECIMAL_PLACES,
    )
    due_date = forms.DateField(
        label=gettext_lazy("New due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    cancel = forms.BooleanField(label=gettext_lazy("Cancel this key result"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        error_messages={"required": gettext_lazy("Say why: the reason stays in the history.")},
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScoreForm(TextRulesMixin, forms.Form):
    score = forms.DecimalField(
        label=gettext_lazy("Score (0 to 1)"),
        min_value=rules.SCORE_MIN,
        max_value=rules.SCORE_MAX,
        max_digits=rules.SCORE_MAX_DIGITS,
        decimal_places=rules.SCORE_DECIMAL_PLACES,
    )
    score_note = forms.CharField(
        label=gettext_lazy("Why this score"), required=False, max_length=SHORT_TEXT
    )


def _cycle(request: AuthenticatedHttpRequest, membership: Membership) -> Cycle | None:
    return chosen_cycle(membership.organization, request.GET.get("cycle"))


def _team_rows(membership: Membership, team: Team | None, cycle: Cycle) -> list[Any]:
    objectives = visible_objectives(membership, cycle, team=team)
    return objective_rows(list(objectives), membership.organization)


@login_required
def team_meeting(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    team, membership = get_team_for_user(request, slug, pk)
    cycle = _cycle(request, membership)
    if request.method == "POST" and not may_hold(membership, team, ReviewKind.WEEKLY):
        raise PermissionDenied
    form = NotesForm(request.POST or None)
    if request.method == "POST" and cycle is not None and form.is_valid():
        reviews.create_review(
            membership.organization,
            cycle,
            team,
            ReviewKind.WEEKLY,
            request.user,
            **form.cleaned_data,
        )
        messages.success(request, _("Meeting notes saved."))
        return redirect("team_meeting", slug, pk)
    agenda = []
    dependencies: dict[str, Any] = {}
    if cycle is not None:
        rows = _team_rows(membership, team, cycle)
        dependencies = team_dependencies(membership, team, cycle)
        mark_dependency_risks(rows, dependencies["depends_on"])
        attach_breaches(kr_row.kr for row in rows for kr_row in row.key_results)
        powers = Powers(membership)
        # A key result bought at a guardrail's expense comes first, then the riskiest.
        agenda = sorted(
            (
                (
                    kr_row,
                    CheckInRowForm(key_result=kr_row.kr),
                    powers.can_edit_key_result(kr_row.kr),
                )
                for row in rows
                for kr_row in row.key_results
            ),
            key=lambda item: (
                not item[0].kr.breached_guardrails,  # type: ignore[attr-defined]
                _risk_first(item[0].status, bool(item[0].blocked_by)),
                item[0].progress - item[0].expected,
            ),
        )
    context = {
        "org": membership.organization,
        "membership": membership,
        "team": team,
        "cycle": cycle,
        "agenda": agenda,
        # What each key result's people do to move it: the meeting asks how it goes.
        "initiatives": initiatives_by_key_result(item[0].kr.pk for item in agenda),
        **dependencies,
        "form": form,
        "past": Review.objects.filter(team=team, kind=ReviewKind.WEEKLY).select_related(
            "created_by"
        )[:10],
    }
    return render(
        request, "checkins/team_meeting.html", context, status=422 if form.errors else 200
    )


@login_required
@require_POST
def key_result_check_in(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A quick check-in of one KR, from the weekly meeting's agenda."""
    kr, membership, powers = get_key_result_for_user(request, slug, pk)
    if not powers.can_edit_key_result(kr):
        raise PermissionDenied
    form = CheckInRowForm(request.POST, key_result=kr)
    recorded = False
    if form.is_valid() and form.touched:
        try:
            record_check_in(kr, request.user, **form.reading())
            recorded = True
        except ValidationError as error:
            form.add_error(None, error)
    status = 422 if form.errors else 200
    if not is_htmx(request) and form.warnings:
        # From the key result's page: the same form again, filled in, with its notice and
        # its "save anyway" box, rather than a redirect that would lose what was typed.
        context = {"org": membership.organization, "kr": kr, "form": form}
        return render(request, "checkins/confirm_check_in.html", context, status=422)
    if not is_htmx(request):
        if recorded:
            messages.success(request, _("Check-in recorded."))
        elif form.errors:
            messages.error(
                request, _("The check-in was not recorded: check the value and the confidence.")
            )
            for sentence in named_errors(form):
                messages.error(request, sentence)
        else:
            messages.info(
                request, _("Nothing to record: enter a value, a confidence or a comment.")
            )
        return redirect(kr.get_absolute_url())
    if recorded:
        form = CheckInRowForm(key_result=kr)
    row = contexts.kr_row(kr, membership.organization, timezone.localdate(), {})
    attach_breaches([kr])
    # The focus comes back to the line (shortcuts.js reads data-focus-kr).
    context = {
        "org": membership.organization,
        "item": (row, form, True),
        "focus_kr": not form.errors,
        "initiatives": initiatives_by_key_result([kr.pk]),
    }
    return render(request, "checkins/_agenda_row.html", context, status=status)


@login_required
def monthly_review(
    request: AuthenticatedHttpRequest, slug: str, pk: int | None = None
) -> HttpResponse:
    """A team's monthly review (or the company's, without a team)."""
    membership = get_membership(request, slug)
    team = None
    if pk is not None:
        team, membership = get_team_for_user(request, slug, pk)
    allowed = may_hold(membership, team, ReviewKind.MONTHLY)
    if request.method == "POST" and not allowed:
        raise PermissionDenied
    cycle = _cycle(request, membership)
    form = NotesForm(request.POST or None)
    if request.method == "POST" and cycle is not None and form.is_valid():
        reviews.create_review(
            membership.organization,
            cycle,
            team,
            ReviewKind.MONTHLY,
            request.user,
            **form.cleaned_data,
        )
        messages.success(request, _("Review saved."))
        return redirect(request.get_full_path())
    rows = _team_rows(membership, team, cycle) if cycle else []
    context = {
        "org": membership.organization,
        "membership": membership,
        "team": team,
        "cycle": cycle,
        "rows": rows,
        "prompts": _open_prompts(membership, rows),
        "form": form,
        "can_adjust": allowed,
        "adjust_form": AdjustForm(auto_id=False),
        "past": Review.objects.filter(
            organization=membership.organization, team=team, kind=ReviewKind.MONTHLY
        )[:10],
    }
    return render(
        request, "checkins/monthly_review.html", context, status=422 if form.errors else 200
    )


def _open_prompts(membership: Membership, rows: list[Any]) -> list[DecisionPrompt]:
    """The decisions waiting on the page's key results, each marked with whether the
    reader may take it (who may edit the key result)."""
    prompts = list(
        DecisionPrompt.objects.filter(
            organization_id=membership.organization_id,
            decided_at__isnull=True,
            key_result__objective_id__in=[row.objective.pk for row in rows] or [0],
            key_result__cancelled_at__isnull=True,
            key_result__archived_at__isnull=True,
        ).select_related(*PROMPT_RELATED)
    )
    powers = Powers(membership)
    for prompt in prompts:
        prompt.can_decide = powers.can_edit_key_result(prompt.key_result)  # type: ignore[attr-defined]
        prompt.form = DecisionForm(auto_id=f"prompt-{prompt.pk}-%s")  # type: ignore[attr-defined]
    return prompts


PROMPT_RELATED = (
    "key_result__objective__cycle",
    "key_result__objective__organization",
    "key_result__objective__team",
    "key_result__owner",
)


@login_required
def decision_prompt(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A key result whose plan no longer holds: why, and the decision (keep and explain,
    adjust the target, drop or replace), for whoever may edit it."""
    membership = get_membership(request, slug)
    prompt = (
        DecisionPrompt.objects.filter(
            organization_id=membership.organization_id,
            key_result__objective__in=Objective.objects.visible_to(membership),
            pk=pk,
        )
        .select_related(*PROMPT_RELATED)
        .first()
    )
    if prompt is None:
        raise Http404
    kr = prompt.key_result
    if not Powers(membership).can_edit_key_result(kr):
        raise PermissionDenied
    prompt.can_decide = prompt.decided_at is None  # type: ignore[attr-defined]
    form = DecisionForm(request.POST or None, auto_id=f"prompt-{prompt.pk}-%s")
    if request.method == "POST" and prompt.decided_at is not None:
        form.add_error(None, _("This decision was already taken."))
    elif request.method == "POST" and form.is_valid():
        try:
            decisions.decide(kr, request.user, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Decision recorded; it shows in the cycle report."))
            if form.cleaned_data["choice"] == DecisionChoice.REPLACE:
                return redirect("key_result_create", slug, kr.objective_id)
            return redirect(_back(request, kr.get_absolute_url()))
    context = {
        "org": membership.organization,
        "membership": membership,
        "prompt": prompt,
        "form": form,
        "past": prompt.decisions.select_related("decided_by"),
    }
    status = 422 if form.errors else 200
    return render(request, "checkins/decision_prompt.html", context, status=status)


@login_required
@require_POST
def key_result_adjust(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, membership, powers = get_key_result_for_user(request, slug, pk)
    if not powers.can_edit(kr.objective):
        raise PermissionDenied
    form = AdjustForm(request.POST)
    back = _back(request, kr.get_absolute_url())
    if not form.is_valid():
        return refuse(request, form, subject=kr.title, back=back, org=membership.organization)
    try:
        reviews.adjust_key_result(kr, request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(
        request, _("Key result adjusted; the change and its reason are in its history.")
    )
    return redirect(back)


def _back(request: AuthenticatedHttpRequest, default: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def cycle_review(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The end-of-cycle review: proposed scores to confirm, retrospectives, carry-over."""
    membership = get_membership(request, slug)
    cycle = get_object_or_404(Cycle, organization=membership.organization, pk=pk)
    related = (*OBJECTIVE_RELATED, "carried_from")
    objectives = list(
        visible_objectives(membership, cycle, related=related).order_by(
            "level", "team__name", "position", "id"
        )
    )
    rows = objective_rows(objectives, membership.organization)
    powers = Powers(membership)
    member_of = kpi_from_kr.member_team_ids(membership)
    became = kpi_from_kr.kpis_of([kr_row.kr for row in rows for kr_row in row.key_results])
    for row in rows:
        row.can_edit = powers.can_edit(row.objective)  # type: ignore[attr-defined]
        for kr_row in row.key_results:
            kr_row.proposed = scoring.proposed_for(kr_row)  # type: ignore[attr-defined]
            kr_row.can_score = powers.can_edit_key_result(kr_row.kr)  # type: ignore[attr-defined]
            turns = kpi_from_kr.eligible(kr_row.kr) and kpi_from_kr.may_turn(
                membership, kr_row.kr, member_of, powers
            )
            # The "keep watching as a KPI" button, or the KPI it became.
            kr_row.to_kpi = {"kpi": became.get(kr_row.kr.pk)} if turns else None  # type: ignore[attr-defined]
    teams = Team.objects.filter(
        organization=membership.organization, objectives__cycle=cycle
    ).distinct()
    context = {
        "org": membership.organization,
        "membership": membership,
        "cycle": cycle,
        "rows": rows,
        "next_cycles": reviews.next_cycles(cycle),
        "team_retros": Review.objects.filter(cycle=cycle, kind=ReviewKind.QUARTERLY).select_related(
            "team"
        ),
        "teams": [t for t in teams if can_manage_team(membership, t)],
        "retro_form": RetrospectiveForm(),
    }
    return render(request, "checkins/cycle_review.html", context)


@login_required
@require_POST
def key_result_score(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, membership, powers = get_key_result_for_user(request, slug, pk)
    if not powers.can_edit_key_result(kr):
        raise PermissionDenied
    form = ScoreForm(request.POST)
    back = _review_url(slug, kr.objective) + f"#kr-{kr.pk}"
    if not form.is_valid():
        return refuse(request, form, subject=kr.title, back=back, org=membership.organization)
    try:
        scoring.score_key_result(
            kr, request.user, form.cleaned_data["score"], form.cleaned_data["score_note"]
        )
    except ValidationError as error:
        messages.error(request, f"{kr.title}: {' '.join(error.messages)}")
    else:
        messages.success(request, _("Score saved."))
    return redirect(back)


def _review_url(slug: str, objective: Objective) -> str:
    return reverse("cycle_review", args=[slug, objective.cycle_id])


@login_required
@require_POST
def objective_retrospective(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_edit(objective):
        raise PermissionDenied
    form = ObjectiveRetrospectiveForm(request.POST)
    back = _review_url(slug, objective) + f"#objective-{objective.pk}"
    if not form.is_valid():
        return refuse(
            request, form, subject=objective.title, back=back, org=membership.organization
        )
    reviews.save_retrospective(objective, request.user, **form.cleaned_data)
    messages.success(request, _("Retrospective saved."))
    return redirect(back)


@login_required
@require_POST
def team_retrospective(
    request: AuthenticatedHttpRequest, slug: str, pk: int, cycle_pk: int
) -> HttpResponse:
    team, membership = get_team_for_user(request, slug, pk)
    cycle = get_object_or_404(Cycle, organization=membership.organization, pk=cycle_pk)
    if not may_hold(membership, team, ReviewKind.QUARTERLY):
        raise PermissionDenied
    form = RetrospectiveForm(request.POST)
    if not form.is_valid():
        back = reverse("cycle_review", args=[slug, cycle.pk])
        return refuse(request, form, subject=team.name, back=back, org=membership.organization)
    reviews.create_review(
        membership.organization,
        cycle,
        team,
        ReviewKind.QUARTERLY,
        request.user,
        **form.cleaned_data,
    )
    messages.success(request, _("Team retrospective saved."))
    return redirect("cycle_review", slug, cycle.pk)


@login_required
@require_POST
def objective_carry_over(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    objective, _membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_edit(objective):
        raise PermissionDenied
    raw = request.POST.get("cycle", "")
    into = (
        reviews.next_cycles(objective.cycle).filter(pk=parse_id(raw)).first()
        if parse_id(raw)
        else None
    )
    if into is None:
        messages.error(request, _("Choose a later cycle of the organisation."))
        return redirect(_review_url(slug, objective))
    try:
        copy = reviews.carry_over(objective, into, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_review_url(slug, objective))
    messages.success(request, _("Objective carried over into %(cycle)s.") % {"cycle": into.name})
    return redirect(copy.get_absolute_url())


@login_required
@require_POST
def cycle_close(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    cycle = get_object_or_404(Cycle, organization=membership.organization, pk=pk)
    require_admin(membership)
    if not rules.cycle_takes_changes(cycle):
        messages.error(request, _("This cycle is already closed."))
    else:
        scoring.close_cycle(cycle, request.user)
        messages.success(
            request, _("%(cycle)s is closed: its scores are final.") % {"cycle": cycle.name}
        )
    return redirect("cycle_review", slug, cycle.pk)


@login_required
@require_POST
def cycle_state(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Move a cycle one step along planning -> active -> review -> closed, or one back;
    closing it scores it, as the review page's button does."""
    membership = get_membership(request, slug)
    cycle = get_object_or_404(Cycle, organization=membership.organization, pk=pk)
    require_admin(membership)
    try:
        scoring.change_cycle_state(cycle, request.user, request.POST.get("state", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cycle_list", slug)
    messages.success(
        request,
        _("%(cycle)s is now: %(state)s.")
        % {"cycle": cycle.name, "state": cycle.get_state_display()},
    )
    return redirect("cycle_list", slug)
