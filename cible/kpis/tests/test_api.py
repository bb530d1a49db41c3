"""The KPIs in the API: reading them, making and changing them through the web's rules,
and recording values once per Idempotency-Key; bad input is a 422 naming its field and
changes nothing."""

from decimal import Decimal

import pytest

from cible.api.tests.conftest import ApiFor, fields_of
from cible.kpis.models import KPI, KPIValue
from cible.kpis.services import record_value
from conftest import World

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Churn",
    "unit": "%",
    "direction": "lower",
    "healthy_high": 2,
    "critical_high": "3.5",
}


def test_every_member_reads_the_kpis(world: World, kpi: KPI, api_for: ApiFor) -> None:
    record_value(kpi, Decimal("98.2"))
    response = api_for(world.vera, scope="read").get("/orgs/acme/kpis")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["name"] == "Uptime" and item["status"] == "critical"
    assert item["last_value"] == 98.2 and item["healthy_low"] == 99.5
    values = api_for(world.vera, scope="read").get(f"/orgs/acme/kpis/{kpi.pk}/values").json()
    assert values["count"] == 1 and values["items"][0]["origin"] == "hand"
    assert api_for(world.oscar).get(f"/orgs/acme/kpis/{kpi.pk}").status_code == 404


def test_an_admin_creates_an_organisation_kpi(world: World, api_for: ApiFor) -> None:
    response = api_for(world.adam).post("/orgs/acme/kpis", NEW)
    assert response.status_code == 201, response.json()
    kpi = KPI.objects.get()
    assert kpi.team is None and kpi.critical_high == Decimal("3.5")
    assert response.json()["direction"] == "lower"


def test_a_member_may_create_for_their_team_only(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    assert bob.post("/orgs/acme/kpis", NEW).status_code == 403
    assert bob.post("/orgs/acme/kpis", {**NEW, "team": world.team.pk}).status_code == 201
    assert (
        api_for(world.vera).post("/orgs/acme/kpis", {**NEW, "team": world.team.pk}).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"healthy_high": 5}, "critical_high"),  # the critical limit below the healthy one
        ({"critical_high": None}, "critical_high"),
        ({"healthy_high": "NaN"}, "healthy_high"),
        ({"healthy_high": "Infinity"}, "healthy_high"),
        ({"healthy_high": "abc"}, "healthy_high"),
        ({"healthy_high": 1e30}, "healthy_high"),
        ({"direction": "sideways"}, "direction"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_thresholds_are_a_422_naming_the_field(
    world: World, api_for: ApiFor, changes: dict[str, object], field: str
) -> None:
    response = api_for(world.adam).post("/orgs/acme/kpis", {**NEW, **changes})
    assert response.status_code == 422
    assert field in fields_of(response)
    assert not KPI.objects.exists()


def test_a_patch_changes_the_thresholds_and_restates_the_status(
    world: World, kpi: KPI, api_for: ApiFor
) -> None:
    record_value(kpi, Decimal("99.2"))
    response = api_for(world.bob).patch(f"/orgs/acme/kpis/{kpi.pk}", {"healthy_low": 99})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "healthy"
    bad = api_for(world.bob).patch(f"/orgs/acme/kpis/{kpi.pk}", {"critical_low": 100})
    assert bad.status_code == 422 and "healthy_low" in fields_of(bad)
    kpi.refresh_from_db()
    assert kpi.critical_low == Decimal(99) and kpi.healthy_low == Decimal(99)


def test_archiving(world: World, kpi: KPI, api_for: ApiFor) -> None:
    assert api_for(world.vera).post(f"/orgs/acme/kpis/{kpi.pk}/archive").status_code == 403
    response = api_for(world.bob).post(f"/orgs/acme/kpis/{kpi.pk}/archive")
    assert response.status_code == 200 and response.json()["archived"] is True


def test_a_value_is_recorded_once_per_idempotency_key(
    world: World, kpi: KPI, api_for: ApiFor
) -> None:
    bob = api_for(world.bob)
    url = f"/orgs/acme/kpis/{kpi.pk}/values"
    headers = {"Idempotency-Key": "run-42"}
    first = bob.post(url, {"value": "98.9", "note": "nightly"}, headers=headers)
    again = bob.post(url, {"value": "98.9", "note": "nightly"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "critical" and first.json()["origin"] == "api"
    other = bob.post(url, {"value": "99"}, headers=headers)
    assert other.status_code == 422
    assert KPIValue.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": "abc"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"value": "1e3"}, "value"),
        ({"value": True}, "value"),
        ({"value": 1e20}, "value"),
        ({"value": 1, "measured_at": "2999-01-01T00:00:00Z"}, "measured_at"),
        ({"value": 1, "colour": "red"}, "colour"),
    ],
)
def test_a_bad_value_is_a_422_and_stores_nothing(
    world: World, kpi: KPI, api_for: ApiFor, body: dict[str, object], field: str
) -> None:
    response = api_for(world.bob).post(f"/orgs/acme/kpis/{kpi.pk}/values", body)
    assert response.status_code == 422
    assert field in fields_of(response)
    assert not KPIValue.objects.exists()
    kpi.refresh_from_db()
    assert kpi.last_value is None


def test_a_viewer_may_not_record_a_value(world: World, kpi: KPI, api_for: ApiFor) -> None:
    assert (
        api_for(world.vera).post(f"/orgs/acme/kpis/{kpi.pk}/values", {"value": 1}).status_code
        == 403
    )
    assert (
        api_for(world.oscar).post(f"/orgs/acme/kpis/{kpi.pk}/values", {"value": 1}).status_code
        == 404
    )
