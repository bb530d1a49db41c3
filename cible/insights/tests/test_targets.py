"""Target suggestions from what the team's past says: its scores in closed cycles, a key
result carried over or similar, a KPI; in a constant number of queries."""

from datetime import datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from cible.insights.targets import CARRIED, KPI_SOURCE, SIMILAR, Draft, history_for, plan
from cible.kpis.models import KPI, KPIValue
from cible.okrs.models import Cycle, CycleState, KeyResult, Level, Objective
from cible.orgs.models import Membership, Team
from conftest import World

pytestmark = pytest.mark.django_db


def past_cycle(world: World, name: str, weeks_ago: int) -> Cycle:
    end = world.cycle.start - timedelta(weeks=weeks_ago)
    return Cycle.objects.create(
        organization=world.org,
        name=name,
        kind=world.cycle.kind,
        state=CycleState.CLOSED,
        start=end - timedelta(days=90),
        end=end,
    )


def scored(world: World, cycle: Cycle, score: str, team: Team | None = None, **kr) -> Objective:  # type: ignore[no-untyped-def]
    objective = Objective.objects.create(
        organization=world.org,
        cycle=cycle,
        title=f"Past objective {score}",
        level=Level.TEAM,
        team=team or world.team,
        owner=world.bob,
        score=D(score),
    )
    if kr:
        KeyResult.objects.create(objective=objective, owner=world.bob, **kr)
    return objective


def membership(world: World) -> Membership:
    return Membership.objects.get(organization=world.org, user=world.alice)


def test_a_team_at_095_is_told_to_aim_higher(world: World) -> None:
    cycle = past_cycle(world, "Before", 1)
    scored(world, cycle, "0.9")
    scored(world, cycle, "1.0")
    history = history_for(membership(world), world.team, world.cycle)
    assert history.mean_score == D("0.95")
    planned = plan(history, Draft("increase", D(0), D(100)))
    assert planned.target == D(146)
    with override("en"):
        assert planned.sentence == (
            "Your team reached 0.95 on average: the suggested target is 146, 46\u00a0% higher "
            "than yours, to land near 0.65."
        )
    with override("fr"):
        assert planned.sentence.startswith("Votre équipe a atteint 0,95 en moyenne")


def test_a_team_at_03_is_told_to_aim_lower(world: World) -> None:
    scored(world, past_cycle(world, "Before", 1), "0.3")
    planned = plan(
        history_for(membership(world), world.team, world.cycle), Draft("increase", D(0), D(100))
    )
    assert planned.target == D(46)
    with override("en"):
        assert "54\u00a0% lower than yours" in planned.sentence


def test_no_history_says_why(world: World) -> None:
    planned = plan(
        history_for(membership(world), world.team, world.cycle), Draft("increase", D(0), D(100))
    )
    assert not planned.suggested
    with override("en"):
        assert planned.sentence.startswith("No suggestion yet: the team has no scored closed cycle")


def test_stays_and_milestones_get_none(world: World) -> None:
    scored(world, past_cycle(world, "Before", 1), "0.9")
    history = history_for(membership(world), world.team, world.cycle)
    for kind in ("stay_above", "stay_below", "stay_between", "milestone"):
        assert plan(history, Draft(kind, D(0), D(100))).target is None


def test_a_carried_over_key_result_gives_the_pace(world: World) -> None:
    before = past_cycle(world, "Before", 0)
    # moved from 100 to 140 over 90 days; this cycle lasts 90 days too: a pace of 40
    origin = scored(
        world,
        before,
        "0.8",
        title="Grow signups",
        kind="increase",
        start=D(100),
        target=D(150),
        current=D(140),
        unit="signups",
    )
    history = history_for(membership(world), world.team, world.cycle, carried_from_id=origin.pk)
    planned = plan(history, Draft("increase", D(140), D(190), "signups", "Grow signups"))
    assert planned.metric is not None and planned.metric.source == CARRIED
    # (0.8 × 50 + 40) / 2 = 40; 40 / 0.65 = 61.5…; 140 + 61.5 = 201.5… → 202
    assert planned.target == D(202)
    with override("en"):
        assert "carries over moved by 40 last cycle" in planned.sentence


def test_a_similar_key_result_of_the_team(world: World) -> None:
    before = past_cycle(world, "Before", 0)
    scored(
        world,
        before,
        "0.5",
        title="Increase the monthly active users",
        kind="increase",
        start=D(1000),
        target=D(2000),
        current=D(1500),
        unit="users",
    )
    history = history_for(membership(world), world.team, world.cycle)
    planned = plan(
        history, Draft("increase", D(1500), None, "users", "Increase monthly active users")
    )
    assert planned.metric is not None and planned.metric.source == SIMILAR
    # the pace alone (no target typed): 500 / 0.65 = 769.2…, step 10 → 1500 + 770 = 2270
    assert planned.target == D(2270)


def test_a_kpi_of_the_team_with_the_same_unit(world: World) -> None:
    before = past_cycle(world, "Before", 0)
    kpi = KPI.objects.create(organization=world.org, team=world.team, name="Tickets", unit="h")
    for day, value in ((5, "6"), (80, "4.7")):
        moment = timezone.make_aware(datetime.combine(before.start + timedelta(days=day), time(12)))
        KPIValue.objects.create(kpi=kpi, value=D(value), measured_at=moment)
    history = history_for(membership(world), world.team, world.cycle)
    planned = plan(history, Draft("decrease", D(4), None, "h", "Answer sooner"))
    assert planned.metric is not None and planned.metric.source == KPI_SOURCE
    # fell by 1.3 h: 1.3 / 0.65 = 2; 4 - 2 = 2
    assert planned.target == D(2)
    with override("en"):
        assert planned.sentence.startswith("The KPI “Tickets” moved by 1.3 last cycle")


def test_the_queries_do_not_grow_with_the_history(world: World) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            history = history_for(membership(world), world.team, world.cycle)
            for draft in [Draft("increase", D(0), D(10), "users", "Grow users")] * 5:
                plan(history, draft)
        return len(queries)

    before = past_cycle(world, "Before", 0)
    scored(world, before, "0.5", title="Grow users", kind="increase", start=D(0), target=D(9))
    KPI.objects.create(organization=world.org, team=world.team, name="Users", unit="users")
    first = count()
    for n in range(5):
        cycle = past_cycle(world, f"Older {n}", n + 2)
        scored(world, cycle, "0.7", title="Grow users", kind="increase", start=D(0), target=D(9))
        KPI.objects.create(organization=world.org, team=world.team, name=f"K{n}", unit="users")
    assert count() == first
