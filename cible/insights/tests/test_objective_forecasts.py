"""An objective's forecast, computed by hand.

The cycle runs from 1 January (day 0) to 20 February (day 50); today is 21 January
(day 20). "Reach 10 users" (from 0, weight 1) read 1, 2 and 4 on days 0, 10 and 20: the
least-squares pace is 0.15 a day (intercept 5/6), so the line reads 5/6 + 0.15 x 50 =
8 1/3 on day 50, a progress of 5/6. The paces between readings were 0.1 and 0.2 a day:
from 30 days left, the range runs from 8 1/3 - 0.05 x 30 = 6 5/6 to 8 1/3 + 0.05 x 30 =
9 5/6, progress 41/60 to 59/60. "Launch" (a milestone, weight 2) is not done: 0, up to 1.

The objective: (5/6 x 1 + 0 x 2) / 3 = 5/18; low (41/60) / 3 = 41/180; high
(59/60 + 2) / 3 = 179/180.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from cible.insights.forecasts import (
    DRIVEN,
    MILESTONE_OPEN,
    TREND,
    objective_forecasts,
)
from cible.lib import forecast as method
from cible.okrs.models import Cycle, Level, Objective
from cible.okrs.queries import visible_objectives
from cible.okrs.services import create_key_result, create_objective
from cible.orgs.models import Membership

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 21)


def at(day: int) -> datetime:
    return timezone.make_aware(datetime(2026, 1, 1, 12) + timedelta(days=day))


def close(value: Decimal, fraction: Fraction) -> bool:
    return abs(Fraction(value) - fraction) < Fraction(1, 10**20)


def test_combine_is_the_weighted_mean_of_progress_and_of_each_end() -> None:
    shares = [
        method.Share(Decimal(1), Decimal("0.8"), Decimal("0.6"), Decimal("0.9")),
        method.Share(Decimal(3), Decimal("0.4"), Decimal("0.2"), Decimal("1")),
    ]
    combined = method.combine(shares)
    # (0.8 + 3 x 0.4) / 4 = 0.5; (0.6 + 0.6) / 4 = 0.3; (0.9 + 3) / 4 = 0.975
    assert combined == method.Combined(Decimal("0.5"), Decimal("0.3"), Decimal("0.975"))


def test_combine_without_weight_is_zero() -> None:
    assert method.combine([]) == method.Combined(Decimal(0), Decimal(0), Decimal(0))


@pytest.fixture
def cycle(world) -> Cycle:  # type: ignore[no-untyped-def]
    return Cycle.objects.create(
        organization=world.org,
        name="Winter",
        kind="custom",
        state="active",
        start=date(2026, 1, 1),
        end=date(2026, 2, 20),
    )


@pytest.fixture
def objective(world, cycle) -> Objective:  # type: ignore[no-untyped-def]
    objective = create_objective(
        world.org, world.bob, cycle=cycle, title="Grow", level=Level.TEAM, team=world.team
    )
    users = create_key_result(
        objective, title="Reach 10 users", start=Decimal(0), target=Decimal(10)
    )
    create_key_result(objective, title="Launch", kind="milestone", weight=Decimal(2))
    objective.history = {  # type: ignore[attr-defined]
        users.pk: [(at(0), Decimal(1)), (at(10), Decimal(2)), (at(20), Decimal(4))]
    }
    return objective


def load(world, *objectives: Objective) -> list[Objective]:  # type: ignore[no-untyped-def]
    reader = Membership.objects.get(organization=world.org, user=world.alice)
    ids = [o.pk for o in objectives]
    return list(visible_objectives(reader).filter(pk__in=ids).order_by("pk"))


def test_the_objective_forecast_by_hand(world, objective) -> None:
    [loaded] = load(world, objective)

    result = objective_forecasts([loaded], TODAY, objective.history)[objective.pk]  # type: ignore[attr-defined]

    assert close(result.progress, Fraction(5, 18))
    assert close(result.low, Fraction(41, 180))
    assert close(result.high, Fraction(179, 180))
    users, launch = result.shares
    assert (users.how, users.n_points, users.share.weight) == (TREND, 3, Decimal(1))
    assert close(users.share.progress, Fraction(5, 6))
    assert close(users.share.low, Fraction(41, 60))
    assert close(users.share.high, Fraction(59, 60))
    assert (launch.how, launch.share.low, launch.share.high) == (MILESTONE_OPEN, 0, 1)
    assert result.total_weight == 3


def test_the_forecast_rolls_up_the_alignment(world, cycle, objective) -> None:
    """A company objective with a key result driven by Grow (weight 1) and a milestone
    done (weight 1): (5/18 + 1) / 2 = 23/36; low (41/180 + 1) / 2 = 221/360; high
    (179/180 + 1) / 2 = 359/360."""
    company = create_objective(world.org, world.alice, cycle=cycle, title="Win", level="company")
    objective.parents.add(company)
    create_key_result(company, title="Grow well", driven_by=objective)
    create_key_result(company, title="Open", kind="milestone", current=Decimal(1))
    [loaded] = load(world, company)

    result = objective_forecasts([loaded], TODAY, objective.history)[company.pk]  # type: ignore[attr-defined]

    assert close(result.progress, Fraction(23, 36))
    assert close(result.low, Fraction(221, 360))
    assert close(result.high, Fraction(359, 360))
    assert result.shares[0].how == DRIVEN
    assert result.shares[0].driven_by == objective


def test_an_objective_without_key_results_forecasts_zero(world, cycle) -> None:
    empty = create_objective(world.org, world.alice, cycle=cycle, title="Empty", level="company")
    [loaded] = load(world, empty)

    result = objective_forecasts([loaded], TODAY, {})[empty.pk]

    assert (result.progress, result.low, result.high, result.shares) == (0, 0, 0, [])


# --- On the objective page ----------------------------------------------------------------


@pytest.fixture
def running(cycle) -> None:  # type: ignore[no-untyped-def]
    """The cycle around today, as the pages compute at today's date."""
    today = timezone.localdate()
    Cycle.objects.filter(pk=cycle.pk).update(
        start=today - timedelta(days=20), end=today + timedelta(days=30)
    )


def test_the_objective_page_explains_the_forecast_in_words(world, objective, running) -> None:
    response = world.client_for(world.vera).get(objective.get_absolute_url())

    html = response.content.decode()
    assert 'id="forecast"' in html
    assert "At this pace, the objective ends at" in html
    assert "each counted as many times as its weight" in html
    assert "A milestone not done yet" in html
    assert "Reach 10 users" in html


def test_the_objective_page_says_it_in_french(world, objective, running) -> None:
    client = world.client_for(world.vera)
    response = client.get(objective.get_absolute_url(), headers={"Accept-Language": "fr"})

    html = response.content.decode()
    assert "À ce rythme, l'objectif finit à" in html
    assert "Un jalon pas encore atteint" in html


def _queries(world, path: str) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for(world.vera)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_objective_page_with_forecasts_costs_the_same_with_more_key_results_and_check_ins(
    world, cycle, objective, running
) -> None:
    """More key results, more check-ins, a driven key result and its child's key results:
    the same number of queries once the page has one of each kind."""
    child = create_objective(
        world.org, world.bob, parents=[objective], cycle=cycle, title="Child", level="person"
    )
    create_key_result(objective, title="Grow through the child", driven_by=child)
    first = create_key_result(child, title="C1", start=Decimal(0), target=Decimal(5))
    before = _queries(world, objective.get_absolute_url())
    from cible.checkins.services import record_check_in

    for n in range(3):
        kr = create_key_result(objective, title=f"More {n}", start=Decimal(0), target=Decimal(5))
        record_check_in(kr, world.bob, Decimal(n + 1), 7)
        create_key_result(child, title=f"C{n + 2}", start=Decimal(0), target=Decimal(5))
    record_check_in(first, world.bob, Decimal(2), 7)

    assert _queries(world, objective.get_absolute_url()) == before


def test_the_dashboard_lists_each_company_objectives_forecast(world, cycle, running) -> None:
    """Two milestones of weight 1, one done: (100 % + 0 %) / 2 = 50 %, and 50 % to 100 %."""
    company = create_objective(world.org, world.alice, cycle=cycle, title="Win", level="company")
    create_key_result(company, title="Open", kind="milestone", current=Decimal(1))
    create_key_result(company, title="Sign", kind="milestone")

    response = world.client_for(world.alice).get(f"/o/acme/dashboard/?cycle={cycle.pk}")

    html = response.content.decode()
    cell = html[html.index(f'data-cell="forecast-{company.pk}"') :]
    cell = cell[: cell.index("</td>")]
    assert "50\u00a0%" in cell and "100\u00a0%" in cell
    assert "each counted as many times as its weight" in html
