"""Cycles through the web: an admin creates years (with their quarters) and custom periods,
and moves a cycle one state at a time."""

from datetime import date
from typing import Any

import pytest

from cible.okrs.models import Cycle, CycleKind, CycleState

pytestmark = pytest.mark.django_db

URL = "/o/acme/cycles/"


def year_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "2030",
        "kind": CycleKind.YEAR,
        "start": "2030-01-01",
        "end": "2030-12-31",
        "parent": "",
    }
    data.update(overrides)
    return data


def state_url(cycle: Cycle) -> str:
    return f"/o/acme/cycles/{cycle.pk}/state/"


def rows() -> list[tuple[Any, ...]]:
    return list(Cycle.objects.order_by("pk").values_list("pk", "name", "start", "end", "state"))


@pytest.fixture
def planning(world) -> Cycle:  # type: ignore[no-untyped-def]
    return Cycle.objects.create(
        organization=world.org,
        name="Next",
        kind=CycleKind.CUSTOM,
        start=date(2031, 1, 1),
        end=date(2031, 3, 31),
        state=CycleState.PLANNING,
    )


# --- Listing ----------------------------------------------------------------------------


def test_every_member_sees_the_cycles(world) -> None:
    response = world.client_for(world.vera).get(URL)

    assert response.status_code == 200
    assert "Now" in response.content.decode()


def test_the_cycles_of_another_organisation_are_not_listed(world) -> None:
    html = world.client_for(world.alice).get(URL).content.decode()

    assert f'href="/o/acme/?cycle={world.foreign_objective.cycle_id}"' not in html


def test_only_an_admin_sees_the_new_cycle_form(world) -> None:
    assert "Create the cycle" in world.client_for(world.adam).get(URL).content.decode()
    assert "Create the cycle" not in world.client_for(world.bob).get(URL).content.decode()


# --- Creating ---------------------------------------------------------------------------


def test_an_admin_creates_a_year_with_its_quarters(world) -> None:
    response = world.client_for(world.adam).post(URL, year_data(generate_quarters="on"))

    assert response.status_code == 302
    year = Cycle.objects.get(name="2030")
    quarters = list(Cycle.objects.filter(parent=year).order_by("start"))
    assert Cycle.objects.filter(organization=world.org).count() == 1 + 5
    assert [q.name for q in quarters] == ["Q1 2030", "Q2 2030", "Q3 2030", "Q4 2030"]
    assert [(q.start, q.end) for q in quarters] == [
        (date(2030, 1, 1), date(2030, 3, 31)),
        (date(2030, 4, 1), date(2030, 6, 30)),
        (date(2030, 7, 1), date(2030, 9, 30)),
        (date(2030, 10, 1), date(2030, 12, 31)),
    ]
    assert all(q.kind == CycleKind.QUARTER for q in quarters)


def test_a_year_without_the_quarters_box_is_created_alone(world) -> None:
    response = world.client_for(world.adam).post(URL, year_data())

    assert response.status_code == 302
    assert Cycle.objects.get(name="2030").children.count() == 0


def test_a_new_cycle_starts_in_planning(world) -> None:
    world.client_for(world.adam).post(URL, year_data())

    assert Cycle.objects.get(name="2030").state == CycleState.PLANNING


def test_a_name_already_used_is_refused(world) -> None:
    before = rows()

    response = world.client_for(world.adam).post(URL, year_data(name="Now"))

    assert response.status_code == 422
    assert "name" in response.context["form"].errors
    assert rows() == before


def test_the_same_name_in_another_organisation_is_allowed(world) -> None:
    response = world.client_for(world.adam).post(URL, year_data(name="Q"))

    assert response.status_code == 302
    assert Cycle.objects.filter(name="Q").count() == 2


def test_an_end_before_the_start_is_refused(world) -> None:
    before = rows()

    response = world.client_for(world.adam).post(
        URL, year_data(start="2030-12-31", end="2030-01-01")
    )

    assert response.status_code == 422
    assert "end" in response.context["form"].errors
    assert rows() == before


def test_an_end_on_the_start_day_is_refused(world) -> None:
    before = rows()

    response = world.client_for(world.adam).post(
        URL, year_data(kind=CycleKind.CUSTOM, start="2030-01-01", end="2030-01-01")
    )

    assert response.status_code == 422
    assert rows() == before


def test_quarters_of_something_other_than_a_year_are_refused(world) -> None:
    before = rows()

    response = world.client_for(world.adam).post(
        URL, year_data(kind=CycleKind.CUSTOM, generate_quarters="on")
    )

    assert response.status_code == 422
    assert "generate_quarters" in response.context["form"].errors
    assert rows() == before


def test_a_year_of_another_organisation_is_not_a_valid_parent(world) -> None:
    globex_year = Cycle.objects.create(
        organization=world.other_org,
        name="Globex 2030",
        kind=CycleKind.YEAR,
        start=date(2030, 1, 1),
        end=date(2030, 12, 31),
    )
    before = rows()

    response = world.client_for(world.adam).post(
        URL,
        year_data(name="Sprint", kind=CycleKind.CUSTOM, end="2030-02-01", parent=globex_year.pk),
    )

    assert response.status_code == 422
    assert "parent" in response.context["form"].errors
    assert rows() == before


def test_a_plain_member_may_not_create_a_cycle(world) -> None:
    before = rows()

    response = world.client_for(world.bob).post(URL, year_data(generate_quarters="on"))

    assert response.status_code == 403
    assert rows() == before


# --- States -----------------------------------------------------------------------------


def test_a_cycle_moves_one_step_forward(world, planning) -> None:
    response = world.client_for(world.adam).post(state_url(planning), {"state": "active"})

    assert response.status_code == 302
    planning.refresh_from_db()
    assert planning.state == CycleState.ACTIVE


def test_a_cycle_moves_one_step_back(world, planning) -> None:
    Cycle.objects.filter(pk=planning.pk).update(state=CycleState.REVIEW)

    world.client_for(world.adam).post(state_url(planning), {"state": "active"})

    planning.refresh_from_db()
    assert planning.state == CycleState.ACTIVE


def test_a_jump_from_planning_to_closed_is_refused(world, planning) -> None:
    before = rows()

    response = world.client_for(world.adam).post(
        state_url(planning), {"state": "closed"}, follow=True
    )

    assert "A cycle moves one step at a time." in response.content.decode()
    planning.refresh_from_db()
    assert planning.state == CycleState.PLANNING
    assert rows() == before


@pytest.mark.parametrize("state", ["", "planning", "archived", "ACTIVE"])
def test_a_state_that_is_not_one_step_away_is_refused(world, planning, state: str) -> None:
    before = rows()

    world.client_for(world.adam).post(state_url(planning), {"state": state})

    assert rows() == before


def test_a_plain_member_may_not_move_a_cycle(world, planning) -> None:
    response = world.client_for(world.bob).post(state_url(planning), {"state": "active"})

    assert response.status_code == 403
    planning.refresh_from_db()
    assert planning.state == CycleState.PLANNING


def test_a_globex_cycle_id_under_acme_gets_404(world) -> None:
    globex_cycle = world.foreign_objective.cycle
    before = rows()

    response = world.client_for(world.alice).post(state_url(globex_cycle), {"state": "active"})

    assert response.status_code == 404
    assert rows() == before


def test_moving_a_cycle_needs_a_post(world, planning) -> None:
    response = world.client_for(world.adam).get(state_url(planning))

    assert response.status_code == 405
