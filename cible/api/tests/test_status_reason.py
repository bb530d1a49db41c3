"""The API's key results carry their status and its reason (docs/status.md)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cible.api.tests.conftest import ApiFor
from cible.checkins.services import record_check_in
from cible.okrs.services import create_key_result
from conftest import World


def test_the_api_gives_the_status_and_its_reason(world: World, api_for: ApiFor) -> None:
    kr = create_key_result(
        world.team_objective,
        title="Tickets",
        kind="increase",
        start=Decimal(0),
        target=Decimal(100),
    )
    assert api_for(world.bob).get(f"/orgs/acme/key-results/{kr.pk}").json()["status"] == (
        "not_started"
    )
    record_check_in(kr, world.bob, Decimal(20), confidence=4)

    data = api_for(world.bob).get(f"/orgs/acme/key-results/{kr.pk}").json()

    # Halfway through the world's cycle.
    assert data["status"] == "off_track"
    assert data["status_reason"] == ("20\u00a0% done, 50\u00a0% expected by today, confidence 4/10")
    assert timezone.localdate() - world.cycle.start == timedelta(days=45)
