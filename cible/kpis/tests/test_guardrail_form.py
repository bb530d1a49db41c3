"""A key result names its guardrails on its form (create and edit) and through the API:
KPIs of its organisation only, the team's first, recorded in its audit trail."""

from typing import Any

import pytest
from django.urls import reverse

from cible.audit.models import AuditEntry
from cible.kpis.models import KPI, Guardrail
from cible.kpis.tests.helpers import make_kpi
from cible.orgs.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpis(world: Any) -> dict[str, KPI]:
    other_team = Team.objects.create(organization=world.org, name="Sales")
    return {
        "ours": make_kpi(world, "Support satisfaction"),
        "company": make_kpi(world, "Cash", team=None),
        "sales": make_kpi(world, "Active leads", team=other_team),
        "archived": make_kpi(world, "Old", archived=True),
        "foreign": KPI.objects.create(organization=world.other_org, name="Globex churn"),
    }


def _kr_fields(**extra: Any) -> dict[str, Any]:
    return {
        "title": "More sign-ups",
        "kind": "increase",
        "start": "0",
        "target": "100",
        "weight": "1",
        **extra,
    }


def test_the_form_offers_the_organisations_live_kpis_the_teams_first(
    world: Any, kpis: dict[str, KPI]
) -> None:
    url = reverse("key_result_edit", args=["acme", world.kr.pk])
    text = world.client_for(world.bob).get(url).content.decode()
    assert 'name="guardrails"' in text
    assert text.index("Support satisfaction (Product)") < text.index("Active leads (Sales)")
    assert text.index("Support satisfaction") < text.index("Cash")
    assert "Old" not in text.split('name="guardrails"')[1].split("</select>")[0]
    assert "Globex churn" not in text


def test_creating_and_editing_set_the_guardrails_with_an_audit_entry(
    world: Any, kpis: dict[str, KPI]
) -> None:
    client = world.client_for(world.bob)
    create = reverse("key_result_create", args=["acme", world.team_objective.pk])
    data = _kr_fields(owner=world.bob.pk, guardrails=[kpis["ours"].pk, kpis["company"].pk])
    assert client.post(create, data).status_code == 302
    kr = world.team_objective.key_results.get(title="More sign-ups")
    assert sorted(g.kpi.name for g in kr.guardrails.all()) == ["Cash", "Support satisfaction"]
    edit = reverse("key_result_edit", args=["acme", kr.pk])
    assert client.post(edit, {**data, "guardrails": [kpis["sales"].pk]}).status_code == 302
    assert [g.kpi.name for g in kr.guardrails.all()] == ["Active leads"]
    entry = AuditEntry.objects.filter(target_type="key_result", target_id=kr.pk).first()
    assert entry is not None
    assert entry.before == {"guardrails": "Cash, Support satisfaction"}
    assert entry.after == {"guardrails": "Active leads"}


def test_a_foreign_or_archived_kpi_is_refused_on_the_form(world: Any, kpis: dict[str, KPI]) -> None:
    client = world.client_for(world.bob)
    edit = reverse("key_result_edit", args=["acme", world.kr.pk])
    data = _kr_fields(owner=world.bob.pk)
    for bad in ("foreign", "archived", "nonsense"):
        value = kpis[bad].pk if bad in kpis else "x"
        response = client.post(edit, {**data, "guardrails": [value]})
        assert response.status_code == 422
    assert not Guardrail.objects.exists()
    world.kr.refresh_from_db()
    assert world.kr.title == "Cut first response time"


def test_the_objective_page_advises_a_guardrail_until_there_is_one(
    world: Any, kpis: dict[str, KPI]
) -> None:
    # world.kr: "Cut first response time", a decrease in hours, without a guardrail.
    url = reverse("objective_detail", args=["acme", world.team_objective.pk])
    client = world.client_for(world.bob)
    text = client.get(url).content.decode()
    assert "Key result 1 pushes a time down" in text
    french = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert "Le résultat clé 1 pousse un temps à la baisse" in french
    Guardrail.objects.create(key_result=world.kr, kpi=kpis["ours"])
    assert "pushes a time down" not in client.get(url).content.decode()
