"""The KPI pages: who sees and changes what, the form's refusals, entering a value."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cible.audit.models import AuditEntry, TargetType
from cible.kpis.models import KPI, KPIValue
from cible.kpis.services import record_value
from cible.kpis.tests.conftest import make_kpi
from conftest import World

pytestmark = pytest.mark.django_db


def form_body(**changes: str) -> dict[str, str]:
    body = {
        "name": "Support satisfaction",
        "team": "",
        "unit": "/5",
        "direction": "higher",
        "healthy_low": "4.2",
        "critical_low": "3.8",
        "healthy_high": "",
        "critical_high": "",
        "rhythm": "weekly",
        "owner": "",
        "description": "",
    }
    body.update(changes)
    return body


def test_everyone_in_the_organisation_sees_a_kpi(world: World, kpi: KPI) -> None:
    record_value(kpi, Decimal("99.7"), author=world.bob)
    url = reverse("kpi_detail", args=["acme", kpi.pk])
    for user in (world.alice, world.adam, world.bob, world.vera):
        response = world.client_for(user).get(url)
        assert response.status_code == 200
        assert "Uptime" in response.text
        assert "99.7" in response.text
    assert world.client_for(world.oscar).get(url).status_code == 404
    listing = world.client_for(world.vera).get(reverse("kpi_list", args=["acme"]))
    assert "Uptime" in listing.text


def test_the_kpi_page_draws_the_chart_with_bands_and_a_table(world: World, kpi: KPI) -> None:
    record_value(kpi, Decimal("98.5"), author=world.bob)
    text = world.client_for(world.vera).get(reverse("kpi_detail", args=["acme", kpi.pk])).text
    assert 'class="kpi-chart"' in text
    assert "kpi-band-critical" in text and "kpi-band-healthy" in text
    assert 'id="kpi-values"' in text
    assert "Critical" in text
    # The viewer reads only: no form to enter a value.
    assert 'name="value"' not in text


def test_an_admin_creates_an_organisation_kpi(world: World) -> None:
    client = world.client_for(world.adam)
    response = client.post(reverse("kpi_create", args=["acme"]), form_body())
    assert response.status_code == 302
    kpi = KPI.objects.get(name="Support satisfaction")
    assert kpi.team is None and kpi.healthy_low == Decimal("4.2")
    entry = AuditEntry.objects.get(target_type=TargetType.KPI, target_id=kpi.pk)
    assert entry.action == "created" and entry.actor == world.adam


def test_a_team_member_creates_a_team_kpi_but_not_an_organisation_one(world: World) -> None:
    client = world.client_for(world.bob)
    assert client.post(reverse("kpi_create", args=["acme"]), form_body()).status_code == 422
    response = client.post(reverse("kpi_create", args=["acme"]), form_body(team=str(world.team.pk)))
    assert response.status_code == 302
    assert KPI.objects.get().team == world.team


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"healthy_low": "abc"}, "healthy_low"),
        ({"healthy_low": "NaN"}, "healthy_low"),
        ({"critical_low": "Infinity"}, "critical_low"),
        ({"critical_low": "1" * 30}, "critical_low"),
        ({"critical_low": "5", "healthy_low": "4"}, "healthy_low"),
        ({"healthy_low": ""}, "healthy_low"),
        (
            {"direction": "band", "healthy_high": "3", "critical_high": "5"},
            "healthy_high",
        ),
    ],
)
def test_bad_thresholds_are_refused_on_their_field(
    world: World, changes: dict[str, str], field: str
) -> None:
    response = world.client_for(world.adam).post(
        reverse("kpi_create", args=["acme"]), form_body(**changes)
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not KPI.objects.exists()


def test_unused_thresholds_are_left_empty(world: World) -> None:
    body = form_body(healthy_high="10", critical_high="20")
    world.client_for(world.adam).post(reverse("kpi_create", args=["acme"]), body)
    assert KPI.objects.get().healthy_high is None


def test_editing_restates_the_status_and_is_audited(world: World, kpi: KPI) -> None:
    record_value(kpi, Decimal("99.2"), author=world.bob)  # a warning
    body = form_body(
        name="Uptime", team=str(world.team.pk), unit="%", healthy_low="99", critical_low="98"
    )
    response = world.client_for(world.bob).post(reverse("kpi_edit", args=["acme", kpi.pk]), body)
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.status == "healthy"
    entry = AuditEntry.objects.filter(target_id=kpi.pk, action="updated").get()
    assert entry.after["healthy_low"] == "99"


def test_archiving_takes_the_kpi_off_the_lists(world: World, kpi: KPI) -> None:
    client = world.client_for(world.bob)
    assert client.post(reverse("kpi_archive", args=["acme", kpi.pk])).status_code == 302
    kpi.refresh_from_db()
    assert kpi.archived
    assert "Uptime" not in client.get(reverse("kpi_list", args=["acme"])).text
    assert AuditEntry.objects.filter(target_id=kpi.pk, action="archived").exists()
    client.post(reverse("kpi_archive", args=["acme", kpi.pk]), {"restore": "1"})
    kpi.refresh_from_db()
    assert not kpi.archived


MUTATING = [
    ("kpi_edit", {"name": "x"}),
    ("kpi_archive", {}),
    ("kpi_value", {"value": "1"}),
    ("kpi_import", {}),
]


@pytest.mark.parametrize(("name", "body"), MUTATING)
def test_a_viewer_gets_403_and_an_outsider_404(
    world: World, kpi: KPI, name: str, body: dict[str, str]
) -> None:
    url = reverse(name, args=["acme", kpi.pk])
    assert world.client_for(world.vera).post(url, body).status_code == 403
    assert world.client_for(world.oscar).post(url, body).status_code == 404
    kpi.refresh_from_db()
    assert kpi.name == "Uptime" and not kpi.archived and not KPIValue.objects.exists()


def test_an_organisation_kpi_is_managed_by_admins_only(world: World) -> None:
    kpi = make_kpi(world, team=None)
    url = reverse("kpi_value", args=["acme", kpi.pk])
    assert world.client_for(world.bob).post(url, {"value": "99"}).status_code == 403
    assert world.client_for(world.adam).post(url, {"value": "99"}).status_code == 302


def test_creating_is_refused_to_viewers_and_outsiders(world: World) -> None:
    url = reverse("kpi_create", args=["acme"])
    assert world.client_for(world.vera).get(url).status_code == 403
    assert world.client_for(world.oscar).get(url).status_code == 404


def test_a_value_entered_with_htmx_refreshes_the_page(world: World, kpi: KPI) -> None:
    url = reverse("kpi_value", args=["acme", kpi.pk])
    response = world.client_for(world.bob).post(url, {"value": "98.5"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    kpi.refresh_from_db()
    assert kpi.status == "critical" and kpi.last_value == Decimal("98.5")
    assert KPIValue.objects.get().author == world.bob


@pytest.mark.parametrize("bad", ["abc", "NaN", "-Infinity", "1e400", "1" * 25, ""])
def test_a_bad_value_is_refused_and_nothing_stored(world: World, kpi: KPI, bad: str) -> None:
    url = reverse("kpi_value", args=["acme", kpi.pk])
    response = world.client_for(world.bob).post(url, {"value": bad}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert not KPIValue.objects.exists()
    kpi.refresh_from_db()
    assert kpi.last_value is None


def test_a_value_may_be_dated_in_the_past_but_not_the_future(world: World, kpi: KPI) -> None:
    url = reverse("kpi_value", args=["acme", kpi.pk])
    client = world.client_for(world.bob)
    assert client.post(url, {"value": "99.9", "measured_on": "2099-01-01"}).status_code == 422
    assert client.post(url, {"value": "99.9", "measured_on": "2024-03-04"}).status_code == 302
    assert KPIValue.objects.get().measured_at.date().isoformat() == "2024-03-04"


def test_french_decimal_comma_is_accepted(world: World, kpi: KPI) -> None:
    client = world.client_for(world.bob)
    client.cookies["django_language"] = "fr"
    url = reverse("kpi_value", args=["acme", kpi.pk])
    assert client.post(url, {"value": "99,6"}, HTTP_ACCEPT_LANGUAGE="fr").status_code == 302
    assert KPIValue.objects.get().value == Decimal("99.6")
    page = client.get(reverse("kpi_detail", args=["acme", kpi.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "99,6\u00a0%" in page.text


def test_the_history_shows_who_changed_the_kpi(world: World, kpi: KPI) -> None:
    text = world.client_for(world.vera).get(reverse("kpi_detail", args=["acme", kpi.pk])).text
    assert "Alice Martin" in text


def test_a_refused_edit_changes_nothing_stored(world: World, kpi: KPI) -> None:
    body = form_body(name="Renamed", team=str(world.team.pk), healthy_low="98", critical_low="99")
    response = world.client_for(world.bob).post(reverse("kpi_edit", args=["acme", kpi.pk]), body)
    assert response.status_code == 422
    assert "healthy_low" in response.context["form"].errors
    kpi.refresh_from_db()
    assert kpi.name == "Uptime" and kpi.healthy_low == Decimal("99.5")
    assert not AuditEntry.objects.filter(target_id=kpi.pk, action="updated").exists()
