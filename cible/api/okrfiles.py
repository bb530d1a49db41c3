"""OKRs as code through the API, for CI: plan an OKR file against the organisation, then
apply it. Admins only (their tokens need the write scope); the same reading, checks and
services as `cible plan` and `cible apply` (docs/okrs-as-code.md)."""

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from cible.api.errors import ERROR_RESPONSES, ErrorsOut, FieldHttpError
from cible.api.types import LINE
from cible.lib.http import AuthenticatedHttpRequest as Request
from cible.okrfiles.apply import apply_document
from cible.okrfiles.plan import Plan, PlanRefused, StalePlan, describe, make_plan, read_file
from cible.okrfiles.source import MAX_SIZE
from cible.orgs.access import get_membership, require_admin

router = Router(tags=["okrs as code"])
ORG = "/orgs/{slug}"
ERRORS = {**ERROR_RESPONSES, 409: ErrorsOut}


class OkrFileIn(Schema):
    content: str = Field(
        max_length=MAX_SIZE,
        description="The OKR file's text (YAML or JSON), as `cible lint` reads it.",
    )


class ApplyIn(OkrFileIn):
    fingerprint: Annotated[str, Field(max_length=64), LINE] | None = Field(
        None,
        description="The plan's fingerprint: apply only if the organisation did not change since.",
    )


class FieldChangeOut(Schema):
    name: str
    before: str
    after: str


class ChangeOut(Schema):
    action: str = Field(description="create, change, archive or restore.")
    kind: str = Field(description="organization, person, team, cycle, objective or key_result.")
    name: str = Field(description="Its name in the file: ref, e-mail or name.")
    fields: list[FieldChangeOut]


class NoteOut(Schema):
    kind: str
    name: str
    field: str
    line: int


class PlanOut(Schema):
    organization: str
    fingerprint: str = Field(description="Send it back to apply exactly this plan.")
    changed: bool = Field(description="Whether applying changes (or changed) anything.")
    changes: list[ChangeOut]
    notes: list[NoteOut] = Field(description="Differences apply leaves as they are.")
    text: list[str] = Field(description="The plan as `cible plan` prints it.")


def _out(plan: Plan) -> dict[str, Any]:
    data = plan.as_dict()
    return {**data, "changed": bool(plan.changes), "text": describe(plan)}


def _refused(error: PlanRefused) -> ValidationError:
    if error.problems:
        return ValidationError(
            {
                "content": [
                    _("line %(line)d: %(message)s") % {"line": p.line, "message": p.message}
                    for p in error.problems
                ]
            }
        )
    return ValidationError({"content": str(error)})


@router.post(ORG + "/okr-file/plan", response={200: PlanOut, **ERRORS})
def plan_okr_file(request: Request, slug: str, data: OkrFileIn) -> Any:
    """What applying the file would change, changing nothing (admins)."""
    membership = get_membership(request, slug)
    require_admin(membership)
    try:
        plan = make_plan(membership.organization, read_file(data.content))
    except PlanRefused as error:
        raise _refused(error) from error
    return _out(plan)


@router.post(ORG + "/okr-file/apply", response={200: PlanOut, **ERRORS})
def apply_okr_file(request: Request, slug: str, data: ApplyIn) -> Any:
    """Apply the file in one transaction (admins). With `fingerprint`, refused with 409
    when the organisation changed since that plan."""
    membership = get_membership(request, slug)
    require_admin(membership)
    org = membership.organization
    try:
        plan = apply_document(org, read_file(data.content), request.user, data.fingerprint)
    except StalePlan as error:
        raise FieldHttpError(409, str(error), "fingerprint") from error
    except PlanRefused as error:
        raise _refused(error) from error
    return _out(plan)
