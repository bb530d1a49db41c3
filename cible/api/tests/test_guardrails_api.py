"""A key result's guardrails through the API: read with it, replaced by a PATCH that names
them, kept by one that does not, a KPI of another organisation refused naming the field."""

from decimal import Decimal
from typing import Any

import pytest

from cible.api.tests.conftest import ApiFor, fields_of
from cible.kpis.models import KPI, Guardrail
from cible.kpis.tests.helpers import make_kpi

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpis(world: Any) -> dict[str, KPI]:
    return {
        "ours": make_kpi(world, "Support satisfaction"),
        "company": make_kpi(world, "Cash", team=None),
        "foreign": KPI.objects.create(organization=world.other_org, name="Globex churn"),
    }


def test_the_api_reads_sets_keeps_and_refuses_guardrails(
    world: Any, kpis: dict[str, KPI], api_for: ApiFor
) -> None:
    bob = api_for(world.bob)
    url = f"/orgs/acme/key-results/{world.kr.pk}"
    assert bob.get(url).json()["guardrails"] == []
    response = bob.patch(url, {"guardrails": [kpis["ours"].pk]})
    assert response.status_code == 200
    assert response.json()["guardrails"] == [kpis["ours"].pk]
    kept = bob.patch(url, {"title": "Answer in an hour"})
    assert kept.json()["guardrails"] == [kpis["ours"].pk]
    refused = bob.patch(url, {"guardrails": [kpis["foreign"].pk], "target": "0.5"})
    assert refused.status_code == 422
    assert fields_of(refused) == ["guardrails"]
    assert [g.kpi_id for g in Guardrail.objects.all()] == [kpis["ours"].pk]
    world.kr.refresh_from_db()
    assert world.kr.target == Decimal(1)
    created = bob.post(
        "/orgs/acme/key-results",
        {
            "objective": world.team_objective.pk,
            "title": "More sign-ups",
            "target": "100",
            "guardrails": [kpis["company"].pk],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["guardrails"] == [kpis["company"].pk]
    assert bob.get("/orgs/acme/key-results").json()["items"][0]["guardrails"] is not None
