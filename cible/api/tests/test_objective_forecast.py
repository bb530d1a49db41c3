"""GET .../objectives/{id}/forecast: the weighted forecast, its range, each key result's
share and the sum in words. By hand: a milestone done (weight 1) and one open (weight 3):
(1 x 1 + 0 x 3) / 4 = 0.25, from 0.25 to (1 + 3) / 4 = 1."""

from decimal import Decimal

import pytest

from cible.okrs.services import create_key_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(world):  # type: ignore[no-untyped-def]
    objective = world.team_objective
    objective.key_results.all().delete()
    create_key_result(objective, title="Open", kind="milestone", current=Decimal(1))
    create_key_result(objective, title="Sign", kind="milestone", weight=Decimal(3))
    return objective


def test_the_forecast_by_hand(world, objective, api_for) -> None:
    response = api_for(world.vera).get(f"/orgs/acme/objectives/{objective.pk}/forecast")

    assert response.status_code == 200
    body = response.json()
    assert (body["progress"], body["low"], body["high"]) == (0.25, 0.25, 1.0)
    assert body["end"] == world.cycle.end.isoformat()
    assert [(k["how"], k["weight"]) for k in body["key_results"]] == [
        ("milestone_done", 1.0),
        ("milestone_open", 3.0),
    ]
    assert "(100\u00a0% × 1 + 0\u00a0% × 3) ÷ 4 = 25\u00a0%" in body["explanation"]


def test_the_explanation_is_in_the_callers_language(world, objective, api_for) -> None:
    api = api_for(world.vera)
    response = api.call(
        "GET",
        f"/orgs/acme/objectives/{objective.pk}/forecast",
        headers={"Accept-Language": "fr"},
    )

    assert "La moyenne des prévisions" in response.json()["explanation"]


def test_an_outsider_gets_404(world, objective, api_for) -> None:
    response = api_for(world.oscar).get(f"/orgs/acme/objectives/{objective.pk}/forecast")

    assert response.status_code == 404
