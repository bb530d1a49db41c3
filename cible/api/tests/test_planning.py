"""The target suggestion through the API: the same as the form's, with its sentence in
the caller's language; bad numbers are a 422 naming the field."""

from datetime import timedelta
from decimal import Decimal

import pytest

from cible.api.tests.conftest import ApiFor
from cible.okrs.models import Cycle, CycleState, Level, Objective
from conftest import World

pytestmark = pytest.mark.django_db


def scored_past(world: World, score: str) -> None:
    end = world.cycle.start
    cycle = Cycle.objects.create(
        organization=world.org,
        name="Before",
        kind="custom",
        state=CycleState.CLOSED,
        start=end - timedelta(days=90),
        end=end,
    )
    Objective.objects.create(
        organization=world.org,
        cycle=cycle,
        title="Past",
        level=Level.TEAM,
        team=world.team,
        owner=world.bob,
        score=Decimal(score),
    )


def test_a_team_at_095_gets_a_higher_target(world: World, api_for: ApiFor) -> None:
    scored_past(world, "0.95")
    response = api_for(world.vera).get(
        f"/api/v1/orgs/acme/target-suggestion?team={world.team.pk}&start=0&target=100"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["outcome"] == "suggested"
    assert data["target"] == 146
    assert data["mean_score"] == 0.95
    assert data["sentence"].startswith("Your team reached 0.95 on average")


def test_a_milestone_gets_none_and_says_why(world: World, api_for: ApiFor) -> None:
    response = api_for(world.alice).get("/api/v1/orgs/acme/target-suggestion?kind=milestone")
    assert response.json()["outcome"] == "milestone"
    assert response.json()["target"] is None


@pytest.mark.parametrize("value", ["NaN", "Infinity", "abc", "1" + "0" * 30])
def test_bad_numbers_are_refused_by_name(world: World, api_for: ApiFor, value: str) -> None:
    response = api_for(world.alice).get(f"/api/v1/orgs/acme/target-suggestion?target={value}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "target"


def test_another_organisations_team_is_a_404(world: World, api_for: ApiFor) -> None:
    from cible.orgs.models import Team

    foreign = Team.objects.create(organization=world.other_org, name="Ops")
    response = api_for(world.alice).get(f"/api/v1/orgs/acme/target-suggestion?team={foreign.pk}")
    assert response.status_code == 404
