"""At the end of its cycle, a reached "stay above / below / between" key result becomes a
KPI in one action, its check-ins as the KPI's history; once; for who may edit it and
manage its team's KPIs."""

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cible.audit.models import AuditEntry
from cible.checkins import kpi_from_kr
from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.kpis import rules
from cible.kpis.models import KPI
from cible.okrs.models import KeyResult
from cible.okrs.services import create_key_result
from cible.orgs.models import Membership, Role
from conftest import make_user

pytestmark = pytest.mark.django_db
D = Decimal


def _kr(world: Any, values: tuple[str, ...] = ("85", "92", "95"), **fields: Any) -> KeyResult:
    options: dict[str, Any] = {
        "title": "Keep CSAT above 90",
        "kind": "stay_above",
        "start": D(80),
        "target": D(90),
        "unit": "%",
    }
    options.update(fields)
    kr = create_key_result(world.team_objective, owner=world.bob, **options)
    base = timezone.now() - timedelta(days=30)
    for day, value in enumerate(values):
        record_check_in(kr, world.bob, D(value), at=base + timedelta(days=day))
    return kr


def _end_cycle(world: Any, state: str = "review") -> None:
    world.cycle.state = state
    world.cycle.save()


def _post(world: Any, user: Any, kr: KeyResult) -> Any:
    url = reverse("key_result_to_kpi", args=["acme", kr.pk])
    return world.client_for(user).post(url, follow=True)


def test_a_reached_key_result_becomes_a_kpi_with_its_history(world: Any) -> None:
    kr = _kr(world)
    _end_cycle(world)
    response = _post(world, world.bob, kr)
    assert response.status_code == 200
    assert "“Keep CSAT above 90” is now a KPI, with its 3 check-ins as history." in (
        response.content.decode()
    )
    kpi = KPI.objects.get()
    assert (kpi.from_key_result, kpi.team, kpi.unit, kpi.owner) == (kr, world.team, "%", world.bob)
    assert (kpi.direction, kpi.healthy_low, kpi.critical_low) == (rules.HIGHER, D(90), D(90))
    assert (kpi.healthy_high, kpi.critical_high) == (None, None)
    values = list(kpi.values.order_by("measured_at"))
    check_ins = list(CheckIn.objects.filter(key_result=kr).order_by("created_at"))
    assert [(v.value, v.measured_at, v.origin) for v in values] == [
        (c.value, c.created_at, "key_result") for c in check_ins
    ]
    assert [v.status for v in values] == ["critical", "healthy", "healthy"]
    assert (kpi.last_value, kpi.status) == (D(95), "healthy")
    assert kpi.status_since == check_ins[1].created_at
    entry = AuditEntry.objects.get(target_type="kpi", target_id=kpi.pk)
    assert entry.after == {"from_key_result": "Keep CSAT above 90", "values": "3"}


def test_a_second_time_says_it_exists(world: Any) -> None:
    kr = _kr(world)
    _end_cycle(world, "closed")
    _post(world, world.bob, kr)
    again = _post(world, world.adam, kr)
    assert "This key result is already the KPI “Keep CSAT above 90”." in again.content.decode()
    assert KPI.objects.count() == 1


def test_stay_between_and_stay_below_take_their_bounds(world: Any) -> None:
    between = _kr(
        world,
        ("5", "6"),
        title="Stock",
        kind="stay_between",
        start=D(0),
        target=D(4),
        target_max=D(8),
        unit="days",
    )
    below = _kr(world, ("3",), title="Errors", kind="stay_below", start=D(9), target=D(5))
    _end_cycle(world)
    kpi = kpi_from_kr.turn_into_kpi(between, world.bob)
    assert (kpi.direction, kpi.critical_low, kpi.healthy_low) == (rules.BAND, D(4), D(4))
    assert (kpi.healthy_high, kpi.critical_high) == (D(8), D(8))
    kpi = kpi_from_kr.turn_into_kpi(below, world.bob)
    assert (kpi.direction, kpi.healthy_high, kpi.critical_high) == (rules.LOWER, D(5), D(5))


@pytest.mark.parametrize("case", ["active cycle", "not reached", "increase kind"])
def test_only_a_reached_bounded_key_result_of_an_ended_cycle(world: Any, case: str) -> None:
    if case == "not reached":
        kr = _kr(world, ("85",))
    elif case == "increase kind":
        kr = _kr(world, ("95",), kind="increase", start=D(80), target=D(90))
    else:
        kr = _kr(world)
    if case != "active cycle":
        _end_cycle(world)
    response = _post(world, world.bob, kr)
    assert "Only a reached key result" in response.content.decode()
    assert not KPI.objects.exists()


def test_who_may_turn_it(world: Any) -> None:
    kr = _kr(world)
    _end_cycle(world)
    url = reverse("key_result_to_kpi", args=["acme", kr.pk])
    mia = make_user("mia@acme.test", "Mia Lopez")
    Membership.objects.create(organization=world.org, user=mia, role=Role.MEMBER)
    KeyResult.objects.filter(pk=kr.pk).update(owner=mia)  # owns it, not in the team
    assert world.client_for(world.oscar).post(url).status_code == 404
    assert world.client_for(world.vera).post(url).status_code == 403
    assert world.client_for(mia).post(url).status_code == 403
    assert not KPI.objects.exists()
    assert world.client_for(world.adam).post(url).status_code == 302
    assert KPI.objects.count() == 1


def test_the_button_shows_on_the_key_result_and_review_pages(world: Any) -> None:
    kr = _kr(world)
    client = world.client_for(world.bob)
    kr_page = reverse("key_result_detail", args=["acme", kr.pk])
    review = reverse("cycle_review", args=["acme", world.cycle.pk])
    action = reverse("key_result_to_kpi", args=["acme", kr.pk])
    assert action not in client.get(kr_page).content.decode()  # the cycle runs
    _end_cycle(world)
    assert action in client.get(kr_page).content.decode()
    assert action in client.get(review).content.decode()
    assert action not in world.client_for(world.vera).get(review).content.decode()
    kpi_from_kr.turn_into_kpi(kr, world.bob)
    text = client.get(review).content.decode()
    assert action not in text
    assert "Followed since as the KPI Keep CSAT above 90." in re.sub(r"</?a\b[^>]*>", "", text)
    kpi = KPI.objects.get(from_key_result=kr)
    assert f'<a href="{kpi.get_absolute_url()}">' in text


def test_the_review_pages_queries_do_not_grow_with_the_key_results_to_turn(world: Any) -> None:
    _kr(world, ("95",))
    _end_cycle(world)
    client = world.client_for(world.bob)
    review = reverse("cycle_review", args=["acme", world.cycle.pk])
    client.get(review)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(review).status_code == 200
        return len(queries)

    before = count()
    for n in range(3):
        _kr(world, ("95",), title=f"Keep uptime {n}")
    assert count() == before
