"""Objectives, key results and dependencies. Writes go through the web's forms (the same
rules: who may set an objective where, alignment, KR kinds and bounds) and the services
(which record the history and the audit trail)."""

from collections.abc import Iterable
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from ninja import Field, Header, Query, Router
from ninja.responses import Status

from cible.api.common import PageQuery, check_form, cycle_in, form_data, page_of, paginate
from cible.api.errors import ERROR_RESPONSES as ERRORS
from cible.api.errors import FieldDenied, FieldNotFound, within
from cible.api.idempotency import HEADER, key_taken, once, request_fingerprint
from cible.api.schemas import (
    ApprovalIn,
    DependencyIn,
    DependencyOut,
    DependencyPage,
    DependencyStateIn,
    Id,
    KeyResultIn,
    KeyResultOut,
    KeyResultPage,
    KeyResultPatch,
    Level,
    ObjectiveDetailOut,
    ObjectiveForecastOut,
    ObjectiveIn,
    ObjectivePage,
    ObjectivePatch,
    ObjectiveState,
    SearchText,
    Slug,
)
from cible.api.types import CleanLine
from cible.checkins.services import record_check_in
from cible.insights.forecasts import explain, objective_forecasts
from cible.kpis.guardrail_forms import GuardedKeyResultForm
from cible.lib.http import AuthenticatedHttpRequest as Request
from cible.okrs import rules, services
from cible.okrs.access import Powers, get_key_result_for_user, get_objective_for_user
from cible.okrs.contexts import kr_row, provider_status
from cible.okrs.forms import DependencyForm, KeyResultForm, ObjectiveForm
from cible.okrs.models import Dependency, KeyResult, Objective, thresholds_for
from cible.okrs.queries import visible_dependencies, visible_objectives, with_key_results
from cible.okrs.templatetags.okrs import status_reason
from cible.orgs.access import get_membership, require_writer
from cible.orgs.models import Membership, Organization

router = Router()
ORG = "/orgs/{slug}"

IdempotencyKeyHeader = Annotated[
    CleanLine | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=200,
        description="Retrying with the same key and body makes it only once: the answer is "
        "then a 200 with what the first request made.",
    ),
]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# Objectives.


class ObjectiveFilters(PageQuery):
    cycle: Id | None = None
    team: Id | None = None
    owner: Id | None = None
    level: Level | None = None
    state: ObjectiveState | None = None
    archived: bool = Field(False, description="Archived objectives instead of live ones.")
    q: SearchText | None = Field(None, description="In the title.")


def _with_parents(qs: Any, membership: Membership) -> Any:
    """Each objective's parents, only those the caller may see."""
    visible = Objective.objects.visible_to(membership).only("id")
    return qs.prefetch_related(Prefetch("parents", queryset=visible))


def objective_out(objective: Objective, progress: dict[int, Any]) -> dict[str, Any]:
    return {
        "id": objective.pk,
        "cycle": objective.cycle_id,
        "title": objective.title,
        "description": objective.description,
        "level": objective.level,
        "team": objective.team_id,
        "owner": objective.owner_id,
        "parents": sorted(p.pk for p in objective.parents.all()),
        "origin": objective.origin,
        "visibility": objective.visibility,
        "state": objective.state,
        "approval": objective.approval,
        "approval_comment": objective.approval_comment,
        "progress": float(progress.get(objective.pk, 0)),
        "score": _float(objective.score),
        "archived": objective.archived_at is not None,
        "created_at": objective.created_at,
        "updated_at": objective.updated_at,
    }


def key_results_out(krs: Iterable[KeyResult], org: Organization) -> list[dict[str, Any]]:
    """KRs whose objective and cycle are loaded, with their progress and status."""
    krs = list(krs)
    today = timezone.localdate()
    driven_ids = {kr.driven_by_id for kr in krs if kr.driven_by_id}
    driven = (
        services.objective_progress(Objective.objects.filter(pk__in=driven_ids))
        if driven_ids
        else {}
    )
    return [_key_result_out(kr, kr_row(kr, org, today, driven)) for kr in krs]


def _key_result_out(kr: KeyResult, row: Any) -> dict[str, Any]:
    return {
        "id": kr.pk,
        "objective": kr.objective_id,
        "title": kr.title,
        "kind": kr.kind,
        "start": float(kr.start),
        "target": float(kr.target),
        "target_max": _float(kr.target_max),
        "current": float(kr.current),
        "unit": kr.unit,
        "weight": float(kr.weight),
        "owner": kr.owner_id,
        "co_owners": sorted(user.pk for user in kr.co_owners.all()),
        "guardrails": sorted(g.kpi_id for g in kr.guardrails.all()),
        "confidence": kr.confidence,
        "due_date": kr.due_date,
        "driven_by": kr.driven_by_id,
        "progress": float(row.progress),
        "expected_progress": float(row.expected),
        "status": str(row.status),
        "status_reason": status_reason(row.status),
        "score": _float(kr.score),
        "archived": kr.archived_at is not None,
        "cancelled": kr.cancelled_at is not None,
        "created_at": kr.created_at,
        "updated_at": kr.updated_at,
    }


def objective_detail(objective: Objective, membership: Membership) -> dict[str, Any]:
    objective = (
        _with_parents(Objective.objects, membership)
        .select_related("cycle", "organization")
        .get(pk=objective.pk)
    )
    krs = list(
        objective.key_results.filter(archived_at__isnull=True)
        .prefetch_related("co_owners", "guardrails")
        .order_by("position", "id")
    )
    for kr in krs:
        kr.objective = objective
    result = objective_out(objective, services.objective_progress([objective]))
    result["key_results"] = key_results_out(krs, objective.organization)
    return result


@router.get(ORG + "/objectives", response={200: ObjectivePage, **ERRORS}, tags=["objectives"])
def list_objectives(request: Request, slug: Slug, filters: Query[ObjectiveFilters]) -> Any:
    """The objectives the caller may see, live ones by default, in their order."""
    membership = get_membership(request, slug)
    qs = Objective.objects.visible_to(membership).filter(archived_at__isnull=not filters.archived)
    for name in ("cycle", "team", "owner", "level", "state"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id" if name in ("cycle", "team", "owner") else name: value})
    if filters.q:
        qs = qs.filter(title__icontains=filters.q.strip())
    qs = _with_parents(qs, membership).order_by("cycle_id", "position", "id")
    count, objectives = paginate(qs, filters)
    progress = services.objective_progress(objectives)
    return page_of(count, [objective_out(o, progress) for o in objectives])


@router.get(
    ORG + "/objectives/{id}/forecast",
    response={200: ObjectiveForecastOut, **ERRORS},
    tags=["objectives"],
)
def get_objective_forecast(request: Request, slug: Slug, id: Id) -> Any:
    """Where the objective is heading at its cycle's end: the weighted mean of its live key
    results' forecasts, with its range, rolled up the alignment (a key result driven by an
    aligned objective brings that objective's forecast), and how each share was found."""
    objective, membership, _powers = get_objective_for_user(request, slug, id)
    shown = visible_objectives(membership).filter(pk=objective.pk).first() or objective
    forecast = objective_forecasts([shown])[shown.pk]
    return {
        "objective": shown.pk,
        "end": shown.cycle.end,
        "progress": float(forecast.progress),
        "low": float(forecast.low),
        "high": float(forecast.high),
        "explanation": explain(forecast),
        "key_results": [
            {
                "key_result": s.kr.pk,
                "weight": float(s.share.weight),
                "progress": float(s.share.progress),
                "low": float(s.share.low),
                "high": float(s.share.high),
                "how": s.how,
                "days_of_check_ins": s.n_points,
                "driven_by": s.driven_by.pk if s.driven_by else None,
            }
            for s in forecast.shares
        ],
    }


@router.get(
    ORG + "/objectives/{id}", response={200: ObjectiveDetailOut, **ERRORS}, tags=["objectives"]
)
def get_objective(request: Request, slug: Slug, id: Id) -> Any:
    """The objective with its live key results."""
    objective, membership, _powers = get_objective_for_user(request, slug, id)
    return objective_detail(objective, membership)


def _objective_form(fields: dict[str, Any], powers: Powers, cycle: Any) -> ObjectiveForm:
    org = powers.membership.organization
    form = ObjectiveForm(form_data(fields), org=org, cycle=cycle, powers=powers)
    check_form(form)
    return form


@router.post(
    ORG + "/objectives",
    response={200: ObjectiveDetailOut, 201: ObjectiveDetailOut, **ERRORS},
    tags=["objectives"],
)
def create_objective(
    request: Request, slug: Slug, data: ObjectiveIn, idempotency_key: IdempotencyKeyHeader = None
) -> Any:
    """Who may set an objective where follows the web: a member for themselves and their
    teams, a lead for the teams they lead, admins anywhere. Its key results may come with
    it (`key_results`), each with a first reading (`current`): all are made, or none."""
    membership = get_membership(request, slug)
    require_writer(membership)
    fields = data.model_dump()
    if idempotency_key is None:
        objective = _new_objective(request, membership, fields)
        return Status(201, objective_detail(objective, membership))
    request_print = request_fingerprint("create_objective", membership.organization_id, fields)

    def make(claim: Any) -> None:
        claim.objective = _new_objective(request, membership, fields)

    claim, created = once(request.user, idempotency_key, request_print, make)
    if claim.objective is None:
        raise key_taken()
    return Status(201 if created else 200, objective_detail(claim.objective, membership))


@transaction.atomic
def _new_objective(request: Request, membership: Membership, fields: dict[str, Any]) -> Objective:
    fields = dict(fields)
    key_results = fields.pop("key_results")
    if fields["owner"] is None:
        fields["owner"] = request.user.pk
    powers = Powers(membership)
    cycle = cycle_in(membership.organization, fields.pop("cycle", None))
    rules.check_cycle_open(cycle, "cycle", correction=powers.corrects_closed_cycles)
    form = _objective_form(fields, powers, cycle)
    cleaned = form.cleaned_data
    objective = services.create_objective(
        membership.organization,
        cleaned["owner"],
        parents=list(cleaned["parents"]),
        actor=request.user,
        correction=form.correction,
        cycle=form.cycle,
        title=cleaned["title"],
        description=cleaned["description"],
        level=cleaned["level"],
        team=cleaned["team"],
        visibility=cleaned["visibility"],
        state=cleaned["state"],
        origin=form.resolved_origin(),
    )
    # Every key result is tried, so that one answer names all the lines at fault; any
    # fault undoes the objective and the key results made before it.
    problems: dict[str, Any] = {}
    for index, kr_fields in enumerate(key_results):
        line = f"key_results[{index}]"
        try:
            _new_key_result(request, objective, powers, kr_fields)
        except FieldDenied as denied:
            raise FieldDenied(f"{line}.{denied.field}", str(denied)) from denied
        except ValidationError as error:
            problems.update(within(line, error).error_dict)
    if problems:
        raise ValidationError(problems)
    return objective


def _new_key_result(
    request: Request, objective: Objective, powers: Powers, fields: dict[str, Any]
) -> KeyResult:
    """A key result through the web's form and service; its first reading (`current`)
    through the check-in service, as any check-in (history, audit trail, webhooks)."""
    fields = dict(fields)
    current = fields.pop("current", None)
    if fields["owner"] is None:
        fields["owner"] = objective.owner_id
    form = GuardedKeyResultForm(form_data(fields), objective=objective, powers=powers)
    cleaned = check_form(form)
    kr = services.create_key_result(
        objective,
        actor=request.user,
        correction=form.correction,
        co_owners=list(cleaned["co_owners"]),
        **{name: cleaned[name] for name in form.Meta.fields},
    )
    form.save_related(kr, request.user)
    if current is not None:
        if not powers.can_edit_key_result(kr):
            raise FieldDenied("current")
        try:
            record_check_in(kr, request.user, current)
        except ValidationError as error:
            raise ValidationError({"current": error.messages}) from error
    return kr


@router.patch(
    ORG + "/objectives/{id}", response={200: ObjectiveDetailOut, **ERRORS}, tags=["objectives"]
)
def update_objective(request: Request, slug: Slug, id: Id, data: ObjectivePatch) -> Any:
    objective, membership, powers = get_objective_for_user(request, slug, id)
    if not powers.can_edit(objective):
        raise PermissionDenied
    patch = data.model_dump(exclude_unset=True)
    fields = {
        "title": objective.title,
        "description": objective.description,
        "level": objective.level,
        "team": objective.team_id,
        "owner": objective.owner_id,
        "visibility": objective.visibility,
        "state": objective.state,
        "origin": objective.origin,
        **patch,
        "parents": patch.get("parents") or [],
    }
    form = ObjectiveForm(
        form_data(fields),
        instance=objective,
        org=objective.organization,
        cycle=objective.cycle,
        powers=powers,
    )
    check_form(form)
    parents = list(form.cleaned_data["parents"]) if "parents" in patch else None
    services.update_objective(
        objective,
        request.user,
        parents=parents,
        correction=form.correction,
        origin=form.resolved_origin(),
    )
    return objective_detail(objective, membership)


def _archive_objective(request: Request, slug: Slug, id: int, archived: bool) -> Any:
    objective, membership, powers = get_objective_for_user(request, slug, id)
    if not powers.can_edit(objective):
        raise PermissionDenied
    services.archive_objective(objective, request.user, archived=archived)
    return objective_detail(objective, membership)


@router.post(
    ORG + "/objectives/{id}/archive",
    response={200: ObjectiveDetailOut, **ERRORS},
    tags=["objectives"],
)
def archive_objective(request: Request, slug: Slug, id: Id) -> Any:
    return _archive_objective(request, slug, id, archived=True)


@router.post(
    ORG + "/objectives/{id}/unarchive",
    response={200: ObjectiveDetailOut, **ERRORS},
    tags=["objectives"],
)
def unarchive_objective(request: Request, slug: Slug, id: Id) -> Any:
    return _archive_objective(request, slug, id, archived=False)


@router.post(
    ORG + "/objectives/{id}/submit-for-approval",
    response={200: ObjectiveDetailOut, **ERRORS},
    tags=["objectives"],
)
def submit_objective(request: Request, slug: Slug, id: Id) -> Any:
    """Submit a draft to its approvers, where the organisation asks for approval."""
    objective, membership, powers = get_objective_for_user(request, slug, id)
    if not powers.can_edit(objective):
        raise PermissionDenied
    services.submit_for_approval(objective, request.user)
    return objective_detail(objective, membership)


@router.post(
    ORG + "/objectives/{id}/approval",
    response={200: ObjectiveDetailOut, **ERRORS},
    tags=["objectives"],
)
def decide_objective(request: Request, slug: Slug, id: Id, data: ApprovalIn) -> Any:
    """Approve a waiting draft (it is published) or send it back with a comment."""
    objective, membership, powers = get_objective_for_user(request, slug, id)
    if not powers.can_approve(objective):
        raise PermissionDenied
    services.decide_approval(objective, request.user, data.approved, data.comment)
    return objective_detail(objective, membership)


# Key results.


class KeyResultFilters(PageQuery):
    objective: Id | None = None
    owner: Id | None = None
    archived: bool = Field(False, description="Archived key results instead of live ones.")


def _key_results(membership: Membership) -> Any:
    return (
        KeyResult.objects.filter(objective__in=Objective.objects.visible_to(membership))
        .select_related("objective__cycle", "objective__organization")
        .prefetch_related("co_owners", "guardrails")
    )


def _key_result_detail(kr: KeyResult, membership: Membership) -> dict[str, Any]:
    kr = _key_results(membership).get(pk=kr.pk)
    return key_results_out([kr], membership.organization)[0]


@router.get(ORG + "/key-results", response={200: KeyResultPage, **ERRORS}, tags=["key results"])
def list_key_results(request: Request, slug: Slug, filters: Query[KeyResultFilters]) -> Any:
    membership = get_membership(request, slug)
    qs = _key_results(membership).filter(archived_at__isnull=not filters.archived)
    if filters.objective is not None:
        qs = qs.filter(objective_id=filters.objective)
    if filters.owner is not None:
        qs = qs.filter(owner_id=filters.owner)
    count, krs = paginate(qs.order_by("objective_id", "position", "id"), filters)
    return page_of(count, key_results_out(krs, membership.organization))


@router.get(ORG + "/key-results/{id}", response={200: KeyResultOut, **ERRORS}, tags=["key results"])
def get_key_result(request: Request, slug: Slug, id: Id) -> Any:
    kr, membership, _powers = get_key_result_for_user(request, slug, id)
    return _key_result_detail(kr, membership)


def _visible_objective(membership: Membership, pk: int, field: str) -> Objective:
    """An objective named in a body: one the caller cannot see is a 404 naming the field,
    as an unknown id in a URL is a 404."""
    objective = (
        Objective.objects.visible_to(membership)
        .select_related("cycle", "team", "owner", "organization")
        .filter(pk=pk)
        .first()
    )
    if objective is None:
        raise FieldNotFound(field)
    return objective


@router.post(
    ORG + "/key-results",
    response={200: KeyResultOut, 201: KeyResultOut, **ERRORS},
    tags=["key results"],
)
def create_key_result(
    request: Request, slug: Slug, data: KeyResultIn, idempotency_key: IdempotencyKeyHeader = None
) -> Any:
    """A key result of an objective the caller may change; `current`, a first reading, is
    recorded as its first check-in."""
    membership = get_membership(request, slug)
    require_writer(membership)
    objective = _visible_objective(membership, data.objective, "objective")
    powers = Powers(membership)
    if not powers.can_edit(objective):
        raise FieldDenied("objective")
    fields = data.model_dump(exclude={"objective"})

    def make() -> KeyResult:
        with transaction.atomic():
            return _new_key_result(request, objective, powers, fields)

    if idempotency_key is None:
        return Status(201, _key_result_detail(make(), membership))
    request_print = request_fingerprint(
        "create_key_result", membership.organization_id, data.model_dump()
    )

    def claim_it(claim: Any) -> None:
        claim.key_result = make()

    claim, created = once(request.user, idempotency_key, request_print, claim_it)
    if claim.key_result is None:
        raise key_taken()
    return Status(201 if created else 200, _key_result_detail(claim.key_result, membership))


@router.patch(
    ORG + "/key-results/{id}", response={200: KeyResultOut, **ERRORS}, tags=["key results"]
)
def update_key_result(request: Request, slug: Slug, id: Id, data: KeyResultPatch) -> Any:
    kr, membership, powers = get_key_result_for_user(request, slug, id)
    if not powers.can_edit_key_result(kr):
        raise PermissionDenied
    fields: dict[str, Any] = {name: getattr(kr, name) for name in KeyResultForm.Meta.fields}
    fields["owner"], fields["driven_by"] = kr.owner_id, kr.driven_by_id
    changes = data.model_dump(exclude_unset=True)
    if changes.get("guardrails") is None:  # left out: they stay
        changes.pop("guardrails", None)
        fields["guardrails"] = list(kr.guardrails.values_list("kpi_id", flat=True))
    fields.update(changes)
    form = GuardedKeyResultForm(
        form_data(fields), instance=kr, objective=kr.objective, powers=powers
    )
    cleaned = check_form(form)
    with transaction.atomic():
        services.update_key_result(
            kr,
            request.user,
            correction=form.correction,
            co_owners=list(cleaned["co_owners"]) if "co_owners" in changes else None,
            **{name: cleaned[name] for name in form.Meta.fields},
        )
        form.save_related(kr, request.user)
    return _key_result_detail(kr, membership)


def _archive_key_result(request: Request, slug: Slug, id: int, archived: bool) -> Any:
    kr, membership, powers = get_key_result_for_user(request, slug, id)
    if not powers.can_edit(kr.objective):
        raise PermissionDenied
    services.archive_key_result(kr, request.user, archived=archived)
    return _key_result_detail(kr, membership)


@router.post(
    ORG + "/key-results/{id}/archive",
    response={200: KeyResultOut, **ERRORS},
    tags=["key results"],
)
def archive_key_result(request: Request, slug: Slug, id: Id) -> Any:
    return _archive_key_result(request, slug, id, archived=True)


@router.post(
    ORG + "/key-results/{id}/unarchive",
    response={200: KeyResultOut, **ERRORS},
    tags=["key results"],
)
def unarchive_key_result(request: Request, slug: Slug, id: Id) -> Any:
    return _archive_key_result(request, slug, id, archived=False)


# Dependencies.


class DependencyFilters(PageQuery):
    objective: Id | None = Field(None, description="Dependencies from or to this objective.")


def dependency_out(d: Dependency, at_risk: bool = False) -> dict[str, Any]:
    return {
        "id": d.pk,
        "from_objective": d.from_objective_id,
        "from_key_result": d.from_key_result_id,
        "to_objective": d.to_objective_id,
        "to_key_result": d.to_key_result_id,
        "note": d.note,
        "state": d.state,
        "created_at": d.created_at,
        "comment": d.state_comment,
        "changed_by": d.state_changed_by_id,
        "changed_at": d.state_changed_at,
        "at_risk": at_risk,
    }


def dependency_outs(dependencies: list[Dependency], membership: Membership) -> list[Any]:
    """With `visible_dependencies`' relations loaded: no query per dependency."""
    today, thresholds = timezone.localdate(), thresholds_for(membership.organization)
    return [
        dependency_out(
            d, rules.at_risk_from_dependency(d.state, provider_status(d, today, thresholds))
        )
        for d in dependencies
    ]


def _dependencies(membership: Membership) -> Any:
    visible = Objective.objects.visible_to(membership)
    return Dependency.objects.filter(
        organization_id=membership.organization_id,
        from_objective__in=visible,
        to_objective__in=visible,
    )


@router.get(ORG + "/dependencies", response={200: DependencyPage, **ERRORS}, tags=["dependencies"])
def list_dependencies(request: Request, slug: Slug, filters: Query[DependencyFilters]) -> Any:
    membership = get_membership(request, slug)
    qs = visible_dependencies(membership)
    if filters.objective is not None:
        qs = qs.filter(
            Q(from_objective_id=filters.objective) | Q(to_objective_id=filters.objective)
        )
    qs = qs.order_by("id")
    count = qs.count()
    shown = qs[filters.offset : filters.offset + filters.limit]
    return page_of(count, dependency_outs(with_key_results(shown), membership))


@router.put(
    ORG + "/dependencies/{id}/state",
    response={200: DependencyOut, **ERRORS},
    tags=["dependencies"],
)
def set_dependency_state(request: Request, slug: Slug, id: Id, data: DependencyStateIn) -> Any:
    """Answer a dependency, as on its pages: the team asked (the editors of the objective
    depended on, its team's lead among them) accepts or declines it, with a comment a
    decline needs; either team marks it done or reopens it; the team that asked asks again
    after a decline. Sending the state it already has changes nothing and answers 200: a
    retry is safe. A move not allowed from the stored state, or not to this caller, is a
    422 naming `state`; a caller on neither side gets 403."""
    membership = get_membership(request, slug)
    found = with_key_results(visible_dependencies(membership).filter(pk=id))
    if not found:
        raise Http404
    dependency = found[0]
    powers = Powers(membership)
    sides = powers.dependency_sides(dependency)
    if not membership.can_write or not sides:
        raise PermissionDenied
    if dependency.state != data.state:
        services.change_dependency_state(dependency, request.user, data.state, sides, data.comment)
    [out] = dependency_outs([dependency], membership)
    return Status(200, out)


@router.post(ORG + "/dependencies", response={201: DependencyOut, **ERRORS}, tags=["dependencies"])
def create_dependency(request: Request, slug: Slug, data: DependencyIn) -> Any:
    """Record that an objective (or one of its KRs) depends on another team's."""
    membership = get_membership(request, slug)
    require_writer(membership)
    objective = _visible_objective(membership, data.from_objective, "from_objective")
    powers = Powers(membership)
    if not powers.can_edit(objective):
        raise FieldDenied("from_objective")
    form = DependencyForm(
        form_data(data.model_dump(exclude={"from_objective"})), objective=objective, powers=powers
    )
    cleaned = check_form(form)
    dependency = services.create_dependency(
        request.user,
        organization=objective.organization,
        from_objective=objective,
        **cleaned,
    )
    return Status(201, dependency_out(dependency))


@router.delete(ORG + "/dependencies/{id}", response={204: None, **ERRORS}, tags=["dependencies"])
def delete_dependency(request: Request, slug: Slug, id: Id) -> Any:
    membership = get_membership(request, slug)
    dependency = (
        _dependencies(membership)
        .select_related("from_objective__cycle", "to_objective")
        .filter(pk=id)
        .first()
    )
    if dependency is None:
        raise Http404
    if not Powers(membership).can_edit(dependency.from_objective):
        raise PermissionDenied
    services.delete_dependency(dependency, request.user)
    return Status(204, None)
