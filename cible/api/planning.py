"""Target suggestions for a key result being written, as on its form
(`cible.insights.targets`): from the team's past scores and the metric's pace, a target
expected to land near 0.65, with its reasoning in the caller's language. Reading only:
nothing is ever applied; every member may ask."""

from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from cible.api.common import cycle_in
from cible.api.errors import ERROR_RESPONSES as ERRORS
from cible.api.schemas import Id, KRKind, Slug, Title, Unit
from cible.api.types import Value
from cible.insights import targets
from cible.lib.http import AuthenticatedHttpRequest as Request
from cible.okrs.models import Objective
from cible.orgs.access import get_membership
from cible.orgs.models import Team

router = Router()
ORG = "/orgs/{slug}"


class SuggestionQuery(Schema):
    team: Id | None = Field(None, description="The team's history; none: the organisation's.")
    cycle: Id | None = Field(None, description="The cycle written for; none: the current one.")
    carried_from: Id | None = Field(
        None, description="The objective the key result's objective is carried over from."
    )
    kind: KRKind = "increase"
    start: Value = Decimal(0)
    target: Value | None = Field(None, description="The target typed so far, if any.")
    unit: Unit = ""
    title: Title | None = Field(None, description="Finds a similar past key result or KPI.")


class SuggestionOut(Schema):
    outcome: str = Field(
        description="suggested; not_moving (a stay-above, stay-below or stay-between key "
        "result); milestone; no_history; no_distance (only past scores, and a target equal "
        "to the start)."
    )
    target: float | None = Field(description="The suggested target; null without one.")
    sentence: str = Field(description="The reasoning in one sentence, in the caller's language.")
    mean_score: float | None = Field(description="The team's mean score of its closed cycles.")
    closed_cycles: int
    pace: float | None = Field(
        description="How far the metric moved last cycle, towards the target, when used."
    )
    source: str | None = Field(description="carried, similar or kpi: whence the pace.")
    source_name: str | None
    expected_score: float | None = Field(
        description="The score the typed target is expected to land at."
    )


@router.get(
    ORG + "/target-suggestion",
    response={200: SuggestionOut, **ERRORS},
    tags=["planning"],
)
def get_target_suggestion(request: Request, slug: Slug, query: Query[SuggestionQuery]) -> Any:
    """A suggested target for a key result being written, expected to land near 0.65:
    never applied by itself. The method is in docs/planning.md."""
    membership = get_membership(request, slug)
    org = membership.organization
    team = get_object_or_404(Team, organization=org, pk=query.team) if query.team else None
    cycle = cycle_in(org, query.cycle)
    carried = None
    if query.carried_from is not None:
        carried = get_object_or_404(
            Objective.objects.visible_to(membership), organization=org, pk=query.carried_from
        ).pk
    history = targets.history_for(membership, team, cycle, carried)
    draft = targets.Draft(query.kind, query.start, query.target, query.unit, query.title or "")
    planned = targets.plan(history, draft)
    s = planned.suggestion

    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {
        "outcome": s.outcome.value,
        "target": number(s.target),
        "sentence": planned.sentence,
        "mean_score": number(history.mean_score),
        "closed_cycles": history.cycles,
        "pace": number(s.pace),
        "source": planned.metric.source if planned.metric else None,
        "source_name": planned.metric.name if planned.metric else None,
        "expected_score": number(s.expected_score),
    }
