"""The organisation's home: the OKRs of a cycle, grouped by level, with progress."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cible.checkins.services import record_check_in
from cible.okrs.models import Cycle, Level, ObjectiveState, Visibility
from cible.okrs.services import create_key_result, create_objective

pytestmark = pytest.mark.django_db

URL = "/o/acme/"


def page(world, user, query: str = "") -> str:  # type: ignore[no-untyped-def]
    response = world.client_for(user).get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def make_private(objective) -> None:  # type: ignore[no-untyped-def]
    objective.visibility = Visibility.PRIVATE
    objective.save()


@pytest.fixture
def company_kr(world):  # type: ignore[no-untyped-def]
    """A KR on the company objective: decrease from 4 to 1, now at 2, two thirds of the way,
    ahead of a cycle half elapsed."""
    return create_key_result(
        world.company_objective,
        owner=world.adam,
        title="Halve the waiting time",
        kind="decrease",
        start=Decimal(4),
        target=Decimal(1),
        current=Decimal(2),
        unit="h",
    )


def test_it_renders_the_objectives_of_the_current_cycle(world) -> None:
    html = page(world, world.bob)

    assert "Delight our customers" in html
    assert "Company objectives" in html
    assert f'href="/o/acme/objectives/{world.company_objective.pk}/"' in html


def test_it_renders_the_key_results_with_values_and_owner(world, company_kr) -> None:
    html = page(world, world.vera)

    assert "Halve the waiting time" in html
    assert f'href="/o/acme/key-results/{company_kr.pk}/"' in html
    assert "2\u00a0h" in html
    assert "1\u00a0h" in html
    assert "Adam Roux" in html


def test_it_shows_progress_and_status_text(world, company_kr) -> None:
    html = page(world, world.bob)

    assert "67\u00a0%" in html
    assert 'value="67"' in html
    assert "On track" in html
    assert "status-on_track" in html


def test_a_key_result_behind_pace_is_shown_off_track(world) -> None:
    kr = create_key_result(
        world.company_objective,
        title="Ship the new inbox",
        kind="increase",
        start=Decimal(0),
        target=Decimal(10),
        current=Decimal(0),
    )
    record_check_in(kr, world.alice, Decimal(0))

    html = page(world, world.bob)

    assert "Ship the new inbox" in html
    assert "0\u00a0%" in html
    assert "Off track" in html


def test_a_key_result_with_low_confidence_is_shown_at_risk(world) -> None:
    create_key_result(
        world.company_objective,
        title="Keep the NPS up",
        kind="stay_above",
        start=Decimal(0),
        target=Decimal(40),
        current=Decimal(45),
        confidence=4,
    )

    html = page(world, world.bob)

    assert "Keep the NPS up" in html
    assert "At risk" in html


def test_an_objective_without_key_results_says_so(world) -> None:
    html = page(world, world.bob)

    assert "No key results yet." in html


def test_it_shows_my_teams(world) -> None:
    html = page(world, world.bob)

    assert "My teams:" in html
    assert f'href="/o/acme/teams/{world.team.pk}/"' in html


def test_cancelled_objectives_are_hidden(world) -> None:
    world.company_objective.state = ObjectiveState.CANCELLED
    world.company_objective.save()

    html = page(world, world.alice)

    assert "Delight our customers" not in html


@pytest.fixture
def later_cycle(world) -> Cycle:  # type: ignore[no-untyped-def]
    cycle = Cycle.objects.create(
        organization=world.org,
        name="Later",
        kind="custom",
        state="planning",
        start=world.cycle.end + timedelta(days=1),
        end=world.cycle.end + timedelta(days=90),
    )
    create_objective(world.org, world.alice, cycle=cycle, title="Future plan", level=Level.COMPANY)
    return cycle


def test_the_cycle_parameter_switches_cycle(world, later_cycle) -> None:
    html = page(world, world.bob, f"?cycle={later_cycle.pk}")

    assert "Future plan" in html
    assert "Delight our customers" not in html


def test_without_a_parameter_the_running_cycle_is_shown(world, later_cycle) -> None:
    html = page(world, world.bob)

    assert "Delight our customers" in html
    assert "Future plan" not in html


def test_the_cycle_switcher_lists_the_cycles_of_the_organisation_only(world, later_cycle) -> None:
    html = page(world, world.bob)

    assert f'value="{later_cycle.pk}"' in html
    assert f'value="{world.cycle.pk}"' in html
    assert f'value="{world.foreign_objective.cycle_id}"' not in html


def test_a_cycle_of_another_organisation_is_ignored(world) -> None:
    html = page(world, world.alice, f"?cycle={world.foreign_objective.cycle_id}")

    assert "Globex secret" not in html
    assert "Delight our customers" in html


@pytest.mark.parametrize(
    "value", ["garbage", "", "-1", "0", "99999999", "1.5", "%00", "1;DROP TABLE", "１"]
)
def test_a_garbage_cycle_parameter_is_ignored(world, value: str) -> None:
    html = page(world, world.bob, f"?cycle={value}")

    assert "Delight our customers" in html


def test_an_organisation_without_cycles_says_so(world) -> None:
    world.foreign_objective.delete()
    Cycle.objects.filter(organization=world.other_org).delete()

    response = world.client_for(world.oscar).get("/o/globex/")

    assert response.status_code == 200
    assert "No cycle yet." in response.content.decode()


def test_a_cycle_without_objectives_says_so(world, later_cycle) -> None:
    later_cycle.objectives.all().delete()

    html = page(world, world.bob, f"?cycle={later_cycle.pk}")

    assert "in this cycle yet." in html


def test_the_outsider_gets_404(world) -> None:
    response = world.client_for(world.oscar).get(URL)

    assert response.status_code == 404


def test_an_unknown_organisation_gets_404(world) -> None:
    response = world.client_for(world.alice).get("/o/nowhere/")

    assert response.status_code == 404


def test_the_outsider_never_sees_another_organisations_objectives(world) -> None:
    html = world.client_for(world.alice).get(URL).content.decode()

    assert "Globex secret" not in html


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_a_private_objective_is_hidden_from_members_who_may_not_see_it(world, name: str) -> None:
    make_private(world.company_objective)

    html = page(world, getattr(world, name))

    assert "Delight our customers" not in html
    assert "Private" not in html


@pytest.mark.parametrize("name", ["alice", "adam"])
def test_a_private_objective_is_shown_to_its_owner_and_admins(world, name: str) -> None:
    make_private(world.company_objective)

    html = page(world, getattr(world, name))

    assert "Delight our customers" in html
    assert "Private" in html


def _add_objectives(world, how_many: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(how_many):
        objective = create_objective(
            world.org,
            world.adam if n % 2 else world.vera,
            cycle=world.cycle,
            title=f"Extra objective {n} of {how_many}",
            level=Level.COMPANY,
        )
        for k in range(2):
            create_key_result(
                objective,
                owner=world.alice if k else world.bob,
                title=f"Extra KR {n}.{k}",
                kind="increase",
                start=Decimal(0),
                target=Decimal(10),
                current=Decimal(k + n),
            )


def _count_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_objectives(world) -> None:
    client = world.client_for(world.bob)
    _add_objectives(world, 1)
    client.get(URL)  # warm up
    before = _count_queries(client)

    _add_objectives(world, 6)
    after = _count_queries(client)

    assert "Extra objective 5 of 6" in client.get(URL).content.decode()
    assert after == before
