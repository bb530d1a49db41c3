"""Initiatives: the work planned to move a key result. Writes go through the web's form
(the same rules: the objective's own key results, an owner of the organisation, a link
that is an address) and the services (the history, the audit trail, the webhooks)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from ninja import Field, Query, Router
from ninja.responses import Status

from cible.api.common import PageQuery, check_form, form_data, page_of, paginate
from cible.api.errors import ERROR_RESPONSES as ERRORS
from cible.api.errors import FieldDenied
from cible.api.idempotency import key_taken, once, request_fingerprint
from cible.api.okrs import ORG, IdempotencyKeyHeader, _visible_objective
from cible.api.schemas import (
    Id,
    InitiativeIn,
    InitiativeOut,
    InitiativePage,
    InitiativePatch,
    InitiativeState,
    Slug,
)
from cible.lib.http import AuthenticatedHttpRequest as Request
from cible.okrs import services
from cible.okrs.access import Powers, get_initiative_for_user
from cible.okrs.forms import InitiativeForm
from cible.okrs.models import Initiative, Objective
from cible.orgs.access import get_membership, require_writer
from cible.orgs.models import Membership

router = Router(tags=["initiatives"])


def initiative_out(initiative: Initiative) -> dict[str, Any]:
    return {
        "id": initiative.pk,
        "objective": initiative.objective_id,
        "key_result": initiative.key_result_id,
        "title": initiative.title,
        "owner": initiative.owner_id,
        "state": initiative.state,
        "due_date": initiative.due_date,
        "link": initiative.link,
        "created_at": initiative.created_at,
        "updated_at": initiative.updated_at,
    }


class InitiativeFilters(PageQuery):
    objective: Id | None = None
    key_result: Id | None = None
    owner: Id | None = None
    state: InitiativeState | None = None
    open: bool | None = Field(None, description="Only those planned or in progress.")


def _initiatives(membership: Membership) -> Any:
    return Initiative.objects.filter(
        organization_id=membership.organization_id,
        objective__in=Objective.objects.visible_to(membership),
    )


@router.get(ORG + "/initiatives", response={200: InitiativePage, **ERRORS})
def list_initiatives(request: Request, slug: Slug, filters: Query[InitiativeFilters]) -> Any:
    """Initiatives of the objectives the caller may see. They never count in progress."""
    membership = get_membership(request, slug)
    qs = _initiatives(membership)
    for name in ("objective", "key_result", "owner", "state"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id" if name != "state" else name: value})
    if filters.open is not None:
        qs = qs.open() if filters.open else qs.exclude(pk__in=qs.open().values("pk"))
    count, items = paginate(qs.order_by("objective_id", "position", "id"), filters)
    return page_of(count, [initiative_out(i) for i in items])


@router.get(ORG + "/initiatives/{id}", response={200: InitiativeOut, **ERRORS})
def get_initiative(request: Request, slug: Slug, id: Id) -> Any:
    initiative, _membership, _powers = get_initiative_for_user(request, slug, id)
    return initiative_out(initiative)


@router.post(ORG + "/initiatives", response={200: InitiativeOut, 201: InitiativeOut, **ERRORS})
def create_initiative(
    request: Request, slug: Slug, data: InitiativeIn, idempotency_key: IdempotencyKeyHeader = None
) -> Any:
    """An initiative of an objective (or of one of its key results) the caller may change."""
    membership = get_membership(request, slug)
    require_writer(membership)
    objective = _visible_objective(membership, data.objective, "objective")
    powers = Powers(membership)
    fields = data.model_dump(exclude={"objective"})
    fields["owner"] = fields["owner"] or request.user.pk
    form = InitiativeForm(form_data(fields), objective=objective, powers=powers)
    cleaned = check_form(form)
    if not powers.can_add_initiative(objective, cleaned["key_result"]):
        raise FieldDenied("key_result" if cleaned["key_result"] else "objective")

    def make() -> Initiative:
        with transaction.atomic():
            return services.create_initiative(
                objective, request.user, correction=form.correction, **cleaned
            )

    if idempotency_key is None:
        return Status(201, initiative_out(make()))
    request_print = request_fingerprint(
        "create_initiative", membership.organization_id, data.model_dump()
    )

    def claim_it(claim: Any) -> None:
        claim.initiative = make()

    claim, created = once(request.user, idempotency_key, request_print, claim_it)
    if claim.initiative is None:
        raise key_taken()
    return Status(201 if created else 200, initiative_out(claim.initiative))


@router.patch(ORG + "/initiatives/{id}", response={200: InitiativeOut, **ERRORS})
def update_initiative(request: Request, slug: Slug, id: Id, data: InitiativePatch) -> Any:
    """Edit an initiative or move it along (`state`): its owner may, and whoever may add it."""
    initiative, _membership, powers = get_initiative_for_user(request, slug, id)
    if not powers.can_edit_initiative(initiative):
        raise PermissionDenied
    fields: dict[str, Any] = {
        name: getattr(initiative, name) for name in InitiativeForm.Meta.fields
    }
    fields["owner"], fields["key_result"] = initiative.owner_id, initiative.key_result_id
    fields.update(data.model_dump(exclude_unset=True))
    form = InitiativeForm(
        form_data(fields), instance=initiative, objective=initiative.objective, powers=powers
    )
    cleaned = check_form(form)
    services.update_initiative(initiative, request.user, correction=form.correction, **cleaned)
    return initiative_out(initiative)
