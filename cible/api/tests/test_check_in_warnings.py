"""The API records a value that looks like a typing mistake and says why
(`rules.check_in_warnings`; the pages ask to confirm it instead)."""

from decimal import Decimal as D

from cible.api.tests.conftest import ApiFor
from cible.checkins.models import CheckIn
from cible.okrs.services import create_key_result
from conftest import World


def test_the_api_records_it_and_warns(world: World, api_for: ApiFor) -> None:
    hires = create_key_result(
        world.team_objective, title="Hire", kind="increase", start=D(0), target=D(11)
    )
    response = api_for(world.bob).post(
        f"/orgs/acme/key-results/{hires.pk}/check-ins", {"value": 55}
    )

    assert response.status_code == 201
    assert response.json()["warnings"] == [
        {
            "field": "value",
            "code": "far_outside_range",
            "message": "55 is far outside this key result's range, from 0 to 11: check the value.",
        }
    ]
    assert CheckIn.objects.get(key_result=hires).value == 55
    # Back from 55 to 10: a correction toward the target, no warning.
    response = api_for(world.bob).post(
        f"/orgs/acme/key-results/{hires.pk}/check-ins", {"value": 10}
    )
    assert response.status_code == 201 and response.json()["warnings"] == []
