"""Check-ins and reviews: the rhythm's records."""

from datetime import UTC, datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router
from ninja.responses import Status

from cible.api.common import PageQuery, cycle_in, page_of, paginate, team_in
from cible.api.errors import ERROR_RESPONSES as ERRORS
from cible.api.idempotency import HEADER, check_in_once
from cible.api.schemas import (
    CheckInCreated,
    CheckInIn,
    CheckInPage,
    Id,
    ReviewIn,
    ReviewKind,
    ReviewOut,
    ReviewPage,
    Slug,
)
from cible.api.types import CleanLine, Moment
from cible.checkins import reviews
from cible.checkins.access import may_hold
from cible.checkins.models import CheckIn, Review
from cible.checkins.services import record_check_in
from cible.lib.http import AuthenticatedHttpRequest as Request
from cible.okrs import rules
from cible.okrs.access import get_key_result_for_user
from cible.okrs.models import Objective
from cible.orgs.access import get_membership, require_writer

router = Router()
ORG = "/orgs/{slug}"


def check_in_out(c: CheckIn) -> dict[str, Any]:
    return {
        "id": c.pk,
        "key_result": c.key_result_id,
        "author": c.author_id,
        "value": float(c.value),
        "confidence": c.confidence,
        "comment": c.comment,
        "blockers": c.blockers,
        "created_at": c.created_at,
    }


class CheckInFilters(PageQuery):
    key_result: Id | None = None
    since: Moment | None = Field(None, description="Check-ins at or after this moment.")


@router.get(ORG + "/check-ins", response={200: CheckInPage, **ERRORS}, tags=["check-ins"])
def list_check_ins(request: Request, slug: Slug, filters: Query[CheckInFilters]) -> Any:
    """Newest first, on the key results of the objectives the caller may see."""
    membership = get_membership(request, slug)
    qs = CheckIn.objects.filter(key_result__objective__in=Objective.objects.visible_to(membership))
    if filters.key_result is not None:
        qs = qs.filter(key_result_id=filters.key_result)
    if filters.since is not None:
        qs = qs.filter(created_at__gte=_aware(filters.since))
    count, check_ins = paginate(qs.order_by("-created_at", "-id"), filters)
    return page_of(count, [check_in_out(c) for c in check_ins])


def _aware(moment: datetime) -> datetime:
    """The moment in UTC; a naive one is in the server's time zone. A moment that has no
    UTC equivalent (in year 1, before midnight UTC) is refused."""
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise ValidationError({"since": _("Enter a date and time (ISO 8601).")}) from error


@router.post(
    ORG + "/key-results/{id}/check-ins",
    response={200: CheckInCreated, 201: CheckInCreated, **ERRORS},
    tags=["check-ins"],
)
def create_check_in(
    request: Request,
    slug: Slug,
    id: Id,
    data: CheckInIn,
    idempotency_key: Annotated[
        CleanLine | None,
        Header(
            alias=HEADER,
            min_length=1,
            max_length=200,
            description="Retrying with the same key records the check-in only once.",
        ),
    ] = None,
) -> Any:
    """Record a reading of the key result: 201 with the new check-in, or 200 with the one
    already recorded for this Idempotency-Key. A value that looks like a typing mistake
    (far outside the key result's range, or a jump away from its target by more than the
    whole range) is recorded, and `warnings` says why it looks wrong."""
    # The check-in reads the objective and its cycle (rights, closed cycle), nothing more.
    kr, _membership, powers = get_key_result_for_user(
        request, slug, id, related=("objective__cycle",)
    )
    if not powers.can_edit_key_result(kr):
        raise PermissionDenied
    fields = data.model_dump()
    warnings = [vars(w) for w in rules.check_in_warnings(kr, data.value)]
    if idempotency_key is None:
        check_in = record_check_in(kr, request.user, **fields)
        return Status(201, {**check_in_out(check_in), "warnings": warnings})
    check_in, created = check_in_once(kr, request.user, idempotency_key, **fields)
    return Status(201 if created else 200, {**check_in_out(check_in), "warnings": warnings})


# Reviews.


def review_out(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "cycle": r.cycle_id,
        "team": r.team_id,
        "held_on": r.held_on,
        "notes": r.notes,
        "decisions": r.decisions,
        "worked": r.worked,
        "did_not_work": r.did_not_work,
        "learned": r.learned,
        "celebrate": r.celebrate,
        "duration_seconds": r.duration_seconds,
        "created_by": r.created_by_id,
        "created_at": r.created_at,
    }


class ReviewFilters(PageQuery):
    kind: ReviewKind | None = None
    cycle: Id | None = None
    team: Id | None = None


@router.get(ORG + "/reviews", response={200: ReviewPage, **ERRORS}, tags=["reviews"])
def list_reviews(request: Request, slug: Slug, filters: Query[ReviewFilters]) -> Any:
    membership = get_membership(request, slug)
    qs = Review.objects.filter(organization=membership.organization)
    for name in ("kind", "cycle", "team"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name if name == "kind" else f"{name}_id": value})
    count, items = paginate(qs.order_by("-held_on", "-id"), filters)
    return page_of(count, [review_out(r) for r in items])


@router.get(ORG + "/reviews/{id}", response={200: ReviewOut, **ERRORS}, tags=["reviews"])
def get_review(request: Request, slug: Slug, id: Id) -> Any:
    membership = get_membership(request, slug)
    review = Review.objects.filter(organization=membership.organization, pk=id).first()
    if review is None:
        raise Http404
    return review_out(review)


@router.post(ORG + "/reviews", response={201: ReviewOut, **ERRORS}, tags=["reviews"])
def create_review(request: Request, slug: Slug, data: ReviewIn) -> Any:
    """Record a weekly meeting's notes, a monthly review or a team's retrospective."""
    membership = get_membership(request, slug)
    require_writer(membership)
    org = membership.organization
    team = team_in(org, data.team, "team") if data.team is not None else None
    if team is None and data.kind != "monthly":
        raise ValidationError({"team": _("Choose the team whose meeting this is.")})
    if not may_hold(membership, team, data.kind):
        raise PermissionDenied
    cycle = cycle_in(org, data.cycle)
    fields = data.model_dump(exclude={"kind", "cycle", "team", "held_on"})
    if data.held_on is not None:
        fields["held_on"] = data.held_on
    review = reviews.create_review(org, cycle, team, data.kind, request.user, **fields)
    return Status(201, review_out(review))
