"""Many key results' check-ins in one request (a script pushing a week's readings): each
line goes through the check-in service and is checked like the single check-in endpoint;
all are recorded, or none."""

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema
from ninja.responses import Status

from cible.api.checkins import check_in_out
from cible.api.errors import ERROR_RESPONSES as ERRORS
from cible.api.errors import FieldDenied, FieldNotFound, within
from cible.api.idempotency import HEADER, once, request_fingerprint
from cible.api.schemas import CheckInOut, Confidence, Input, Ref, ShortText, Slug
from cible.api.types import CleanLine, Value
from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.lib.http import AuthenticatedHttpRequest as Request
from cible.okrs.access import Powers
from cible.okrs.models import KeyResult, Objective
from cible.orgs.access import get_membership, require_writer
from cible.orgs.models import Membership

router = Router()
ORG = "/orgs/{slug}"
MAX_LINES = 500


class BulkCheckInLine(Input):
    key_result: Ref
    value: Value
    confidence: Confidence | None = None
    comment: ShortText = ""
    blockers: ShortText = ""


class BulkCheckInIn(Input):
    check_ins: Annotated[list[BulkCheckInLine], Field(min_length=1, max_length=MAX_LINES)] = Field(
        description=f"One line per key result, at most {MAX_LINES}."
    )


class BulkCheckInOut(Schema):
    check_ins: list[CheckInOut]


def line_name(index: int) -> str:
    return f"check_ins[{index}]"


def key_results_of(membership: Membership, lines: list[dict[str, Any]]) -> list[KeyResult]:
    """Each line's key result, as the single endpoint finds and checks it: one the caller
    cannot see is a 404, one they may not check in a 403, each naming its line."""
    first_line: dict[int, int] = {}
    for index, line in enumerate(lines):
        seen = first_line.setdefault(line["key_result"], index)
        if seen != index:
            raise ValidationError(
                {
                    f"{line_name(index)}.key_result": _(
                        "This key result is already in check_ins[%(line)s]: one reading each."
                    )
                    % {"line": seen}
                }
            )
    found = KeyResult.objects.select_related("objective__cycle").filter(
        pk__in=first_line, objective__in=Objective.objects.visible_to(membership)
    )
    by_id = {kr.pk: kr for kr in found}
    powers = Powers(membership)
    krs = []
    for index, line in enumerate(lines):
        kr = by_id.get(line["key_result"])
        if kr is None:
            raise FieldNotFound(f"{line_name(index)}.key_result")
        kr.objective.organization = membership.organization  # the same, already read
        if not powers.can_edit_key_result(kr):
            raise FieldDenied(f"{line_name(index)}.key_result")
        krs.append(kr)
    return krs


@transaction.atomic
def record_all(krs: list[KeyResult], author: Any, lines: list[dict[str, Any]]) -> list[CheckIn]:
    """Every line is tried, so that one answer names all the lines at fault; any fault
    undoes the lines recorded before it."""
    if connection.features.has_select_for_update:
        # The check-in service locks each key result's row in turn: taken here first, in
        # one order, two requests naming the same key results in other orders cannot each
        # hold a row the other waits for (a deadlock).
        rows = KeyResult.objects.filter(pk__in=[kr.pk for kr in krs]).order_by("pk")
        list(rows.select_for_update().values_list("pk"))
    check_ins, problems = [], {}
    for index, (kr, line) in enumerate(zip(krs, lines, strict=True)):
        fields = {name: value for name, value in line.items() if name != "key_result"}
        try:
            check_ins.append(record_check_in(kr, author, **fields))
        except ValidationError as error:
            problems.update(within(line_name(index), error).error_dict)
    if problems:
        raise ValidationError(problems)
    return check_ins


@router.post(
    ORG + "/check-ins/bulk",
    response={200: BulkCheckInOut, 201: BulkCheckInOut, **ERRORS},
    tags=["check-ins"],
)
def bulk_check_in(
    request: Request,
    slug: Slug,
    data: BulkCheckInIn,
    idempotency_key: Annotated[
        CleanLine | None,
        Header(
            alias=HEADER,
            min_length=1,
            max_length=200,
            description="Retrying with the same key and body records the check-ins only "
            "once: the answer is then a 200 with those first recorded.",
        ),
    ] = None,
) -> Any:
    """Record readings of several key results at once: 201 with the new check-ins, in the
    order of the lines, or 200 with those already recorded for this Idempotency-Key. One
    line at fault (a 404, 403 or 422 naming it, e.g. `check_ins[3].value`) records
    nothing."""
    membership = get_membership(request, slug)
    require_writer(membership)
    lines = [line.model_dump() for line in data.check_ins]
    krs = key_results_of(membership, lines)
    if idempotency_key is None:
        check_ins = record_all(krs, request.user, lines)
        return Status(201, {"check_ins": [check_in_out(c) for c in check_ins]})
    request_print = request_fingerprint(
        "bulk_check_in", membership.organization_id, {"check_ins": lines}
    )

    def make(claim: Any) -> None:
        claim.check_ins = [c.pk for c in record_all(krs, request.user, lines)]

    claim, created = once(request.user, idempotency_key, request_print, make)
    recorded = CheckIn.objects.in_bulk(claim.check_ins)
    check_ins = [recorded[pk] for pk in claim.check_ins if pk in recorded]
    return Status(201 if created else 200, {"check_ins": [check_in_out(c) for c in check_ins]})
