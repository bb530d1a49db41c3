from decimal import Decimal

import pytest

from cible.kpis.models import KPI
from cible.kpis.services import create_kpi
from conftest import World


def make_kpi(world: World, team: object = "product", **fields: object) -> KPI:
    values: dict[str, object] = {
        "name": "Uptime",
        "unit": "%",
        "direction": "higher",
        "healthy_low": Decimal("99.5"),
        "critical_low": Decimal(99),
        "team": world.team if team == "product" else team,
    }
    values.update(fields)
    return create_kpi(world.org, world.alice, **values)


@pytest.fixture
def kpi(world: World) -> KPI:
    return make_kpi(world)
