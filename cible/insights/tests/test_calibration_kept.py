"""The calibration from stored tallies is the calibration computed from every final score,
after random corrections of closed cycles by an admin (Hypothesis): new objectives and key
results, scores given again, objectives archived, made private or moved to another team."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cible.checkins import scoring
from cible.insights.calibration import calibration_for, computed_calibration, draw
from cible.okrs.models import Cycle, CycleState, KeyResult, Level, Objective, Visibility
from cible.okrs.services import (
    archive_objective,
    create_key_result,
    create_objective,
    update_objective,
)
from cible.orgs.models import Membership, Team
from conftest import build_world

pytestmark = pytest.mark.django_db

ACTION = st.tuples(
    st.sampled_from(["objective", "objective", "rescore", "archive", "private", "team"]),
    st.integers(0, 50),
    st.integers(0, 100),
)


def figures(calibration):  # type: ignore[no-untyped-def]
    for group in calibration.groups:
        draw(group)
    return [
        (g.name, g.stats, g.trend, g.bins, g.objective_chart, g.kr_chart, g.trend_chart)
        for g in calibration.groups
    ] + [[c.pk for c in calibration.cycles]]


def apply(world, cycles, teams, action: str, pick: int, number: int) -> None:  # type: ignore[no-untyped-def]
    objectives = list(Objective.objects.filter(cycle__in=cycles).order_by("pk"))
    score = Decimal(number) / 100
    try:
        if action == "objective" or not objectives:
            team = teams[pick % (len(teams) + 1)] if pick % (len(teams) + 1) < len(teams) else None
            objective = create_objective(
                world.org,
                world.bob,
                cycle=cycles[pick % len(cycles)],
                title=f"Objective {pick}",
                level=Level.TEAM if team else Level.COMPANY,
                team=team,
                visibility=Visibility.PRIVATE if number % 5 == 0 else Visibility.ORGANIZATION,
                actor=world.alice,
                correction=True,
            )
            kr = create_key_result(
                objective, owner=world.bob, title="KR", target=Decimal(10), correction=True
            )
            scoring.record_given_score(kr, world.alice, score, "")
            scoring.update_objective_score(objective)
            return
        objective = objectives[pick % len(objectives)]
        if action == "rescore":
            scored = KeyResult.objects.filter(objective=objective).first()
            if scored is not None:
                scoring.record_given_score(scored, world.alice, score, "")
                scoring.update_objective_score(objective)
        elif action == "archive":
            archive_objective(objective, world.alice, archived=objective.archived_at is None)
        elif action == "private":
            visibility = (
                Visibility.ORGANIZATION
                if objective.visibility == Visibility.PRIVATE
                else Visibility.PRIVATE
            )
            update_objective(objective, world.alice, correction=True, visibility=visibility)
        elif action == "team" and objective.level == Level.TEAM:
            update_objective(objective, world.alice, correction=True, team=teams[number % 2])
    except ValidationError:  # a change the rules refuse
        pass


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(steps=st.lists(st.lists(ACTION, min_size=1, max_size=5), min_size=1, max_size=4))
def test_the_stored_calibration_is_the_computed_one_after_random_corrections(
    steps: list[list[tuple[str, int, int]]],
) -> None:
    with transaction.atomic():
        world = build_world()
        teams = [world.team, Team.objects.create(organization=world.org, name="Sales")]
        cycles = [
            Cycle.objects.create(
                organization=world.org,
                name=f"Q{n}",
                kind="quarter",
                state=CycleState.CLOSED,
                start=date(2025, 1, 1) + timedelta(days=91 * n),
                end=date(2025, 1, 1) + timedelta(days=91 * n + 89),
            )
            for n in range(2)
        ]
        readers = [
            Membership.objects.select_related("organization").get(organization=world.org, user=u)
            for u in (world.alice, world.bob, world.vera)
        ]
        for batch in steps:
            for action, pick, number in batch:
                apply(world, cycles, teams, action, pick, number)
            for reader in readers:
                assert figures(calibration_for(reader)) == figures(computed_calibration(reader))
        transaction.set_rollback(True)
