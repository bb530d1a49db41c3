from decimal import Decimal

import pytest
from django.core.cache import cache

from cible.accounts.models import User
from cible.api.tests.conftest import Api, ApiFor
from cible.api.tokens import create_token
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


@pytest.fixture
def api_for(db: None) -> ApiFor:
    """An API client with a token of the person's (cible/api/tests' own, for these tests)."""
    cache.clear()  # the rate limits count in the cache

    def make(user: User | None, scope: str = "write") -> Api:
        if user is None:
            return Api()
        return Api(create_token(user, "tests", scope)[1])

    return make
