"""Scores at the end of a cycle: the score proposed for a key result, and its owner's
confirmation or override (with a reason when it departs from the progress), as on the
cycle review page."""

from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema
from pydantic import BeforeValidator, WithJsonSchema

from cible.api.errors import ERROR_RESPONSES as ERRORS
from cible.api.schemas import Id, Input, ShortText, Slug
from cible.api.types import plain_number
from cible.checkins import scoring
from cible.lib.http import AuthenticatedHttpRequest as Request
from cible.okrs import rules
from cible.okrs.access import get_key_result_for_user
from cible.okrs.models import KeyResult

router = Router()
ORG = "/orgs/{slug}"

Score = Annotated[
    Decimal,
    BeforeValidator(plain_number),
    Field(
        ge=rules.SCORE_MIN,
        le=rules.SCORE_MAX,
        max_digits=rules.SCORE_MAX_DIGITS,
        decimal_places=rules.SCORE_DECIMAL_PLACES,
        allow_inf_nan=False,
    ),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": r"^(0(\.[0-9]{1,2})?|1(\.0{1,2})?)$"},
            ]
        }
    ),
]


class ScoreOut(Schema):
    key_result: int
    proposed: float = Field(description="From the progress, or the driving objective's.")
    score: float | None = Field(description="The score given, null before it is.")
    note: str
    objective_score: float | None


class ScoreIn(Input):
    score: Score | None = Field(None, description="Omitted or null: confirm the proposed one.")
    note: ShortText = Field("", description="Why, when the score departs from the progress.")


def score_out(kr: KeyResult) -> dict[str, Any]:
    return {
        "key_result": kr.pk,
        "proposed": float(scoring.proposed_now(kr)),
        "score": None if kr.score is None else float(kr.score),
        "note": kr.score_note,
        "objective_score": None if kr.objective.score is None else float(kr.objective.score),
    }


RELATED = ("objective__cycle", "objective__organization", "driven_by")


@router.get(ORG + "/key-results/{id}/score", response={200: ScoreOut, **ERRORS}, tags=["scores"])
def get_score(request: Request, slug: Slug, id: Id) -> Any:
    """The score proposed for the key result, and the one given if any."""
    kr, _membership, _powers = get_key_result_for_user(request, slug, id, related=RELATED)
    return score_out(kr)


@router.post(ORG + "/key-results/{id}/score", response={200: ScoreOut, **ERRORS}, tags=["scores"])
def set_score(request: Request, slug: Slug, id: Id, data: ScoreIn) -> Any:
    """Confirm the proposed score (no `score`) or give another one, with a `note` when it
    departs from the progress; the objective's score follows. Refused once the cycle is
    closed."""
    kr, _membership, powers = get_key_result_for_user(request, slug, id, related=RELATED)
    if not powers.can_edit_key_result(kr):
        raise PermissionDenied
    score = scoring.proposed_now(kr) if data.score is None else data.score
    scoring.score_key_result(kr, request.user, score, data.note)
    return score_out(kr)
