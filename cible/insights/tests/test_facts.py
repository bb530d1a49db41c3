"""The stored dashboard kept from what changed (`cible.insights.facts`) is the dashboard
computed over the whole cycle, figure for figure: on Acme's organisation, after each kind
of change, and after random sequences of changes (Hypothesis); and a refresh after a few
check-ins computes the figures of those objectives only."""

from datetime import timedelta
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cible.checkins.reviews import adjust_key_result
from cible.checkins.services import record_check_in
from cible.insights import cycle_report, facts
from cible.insights.cycle_report import CycleReport, build_report
from cible.insights.dashboard import Dashboard, build
from cible.insights.models import ObjectiveFact
from cible.insights.tests.test_dashboard import acme  # noqa: F401 - a fixture
from cible.okrs.models import KeyResult, Level, Objective, Origin, Visibility
from cible.okrs.services import (
    archive_key_result,
    archive_objective,
    create_key_result,
    create_objective,
    set_parents,
    update_key_result,
    update_objective,
)
from cible.orgs.models import Membership, Team, TeamMember
from conftest import build_world

pytestmark = pytest.mark.django_db

D = Decimal


def exact(value: Decimal | None) -> str | None:
    """Decimals far beyond what the page shows: the chart's sums are kept as the figures
    change, in another order than a whole computation adds them (28 digits either way)."""
    return None if value is None else str(value.quantize(D("1e-12")))


def summary(board: Dashboard) -> dict[str, Any]:
    """Everything the stored dashboard's page reads, by value."""
    discipline = board.discipline
    focus = board.focus
    return {
        "count": board.objective_count,
        "average": exact(board.average_progress),
        "statuses": [(s.status, s.share) for s in board.statuses],
        "listed": [
            (r.objective.pk, r.objective.title, exact(r.progress), r.status, r.status.reason)
            for r in board.listed
        ],
        "discipline": None
        if discipline is None
        else (
            discipline.week_start,
            discipline.overall,
            [(g.label, g.team and g.team.pk, g.share) for g in discipline.groups_shown],
            discipline.groups_more,
            [
                (b.person.pk, b.person.display_name, [kr.pk for kr in b.pending_shown], b.total)
                for b in discipline.behind_shown
            ],
            [b.pending_count for b in discipline.behind_shown],
            discipline.behind_more,
        ),
        "alignment": (
            board.alignment.share,
            [o.pk for o in board.alignment.orphans_shown],
            board.alignment.orphans_more,
        ),
        "balance": [
            (b.label, b.team and b.team.pk, b.top_down, b.bottom_up) for b in board.balance
        ],
        "balance_more": board.balance_more,
        "overall_balance": (board.overall_balance.top_down, board.overall_balance.bottom_up),
        "focus": (
            focus.teams_share,
            focus.people_share,
            focus.objectives_share,
            exact(focus.krs_per_objective),
            {
                key: [
                    (c.label, c.count, c.team and c.team.pk, c.person and c.person.pk)
                    + ((c.objective.pk, c.objective.owner.pk) if c.objective else ())
                    for c in counts
                ]
                for key, counts in focus.outside_shown.items()
            },
            focus.outside_more,
        ),
        "attention": [
            (a.kr.pk, a.kr.owner.pk, a.kr.objective.pk, exact(a.forecast.shortfall))
            for a in board.attention_shown
        ],
        "attention_count": board.attention_count,
        "forecasts": {
            pk: tuple(exact(number) for number in numbers)
            for pk, numbers in board.forecasts.items()
        },
        "candidates": (board.candidates, board.forecastable),
        "history": [(p.day, exact(p.progress), p.expected) for p in board.history],
    }


def report_figures(report: CycleReport) -> tuple[Any, ...]:
    return (
        report.objective_count,
        report.kr_count,
        report.mean_score,
        report.histogram,
        report.statuses,
        report.initiative_states,
    )


def whole(org: Any, cycle: Any) -> dict[str, Any]:
    # The cycle report as computed over every objective, read by a viewer who sees what the
    # whole organisation sees and nothing private.
    viewer = Membership.objects.get(organization=org, user__email="vera@acme.test")
    report = build_report(viewer, cycle)
    assert not report.stored
    return summary(build(Membership(organization=org), cycle, public=True).compact()) | {
        "report": report_figures(report)
    }


def kept(org: Any, cycle: Any) -> dict[str, Any]:
    board = facts.refresh(org, cycle)
    now = timezone.now()
    report = CycleReport(
        org, cycle, None, [], [], now, summary=cycle_report._summary(org, cycle, now)
    )
    return summary(board) | {"report": report_figures(report)}


def test_the_kept_dashboard_is_the_whole_one_after_each_kind_of_change(world, acme) -> None:  # noqa: F811
    org, cycle, now = world.org, world.cycle, timezone.now()
    assert kept(org, cycle) == whole(org, cycle)

    record_check_in(acme.krs["t2a"], world.bob, D(7), 4)
    assert kept(org, cycle) == whole(org, cycle)

    update_key_result(acme.krs["s1"], world.adam, target=D(60))
    assert kept(org, cycle) == whole(org, cycle)

    adjust_key_result(acme.krs["c1b"], world.alice, "Not this quarter", cancel=True)
    assert kept(org, cycle) == whole(org, cycle)

    archive_objective(acme.t2, world.bob)
    assert kept(org, cycle) == whole(org, cycle)

    update_objective(acme.p2, world.bob, visibility=Visibility.ORGANIZATION)
    assert kept(org, cycle) == whole(org, cycle)

    set_parents(acme.p2, [acme.t1], world.bob)
    assert kept(org, cycle) == whole(org, cycle)

    fresh = create_objective(
        org, world.bob, cycle=cycle, title="A new one", level=Level.PERSON, origin=Origin.BOTTOM_UP
    )
    create_key_result(fresh, owner=world.bob, title="Read", start=D(0), target=D(4))
    assert kept(org, cycle) == whole(org, cycle)

    # Drives: T3's KR follows P1 (aligned to T3) from now on; a check-in on P1 moves T3.
    update_key_result(acme.krs["s1"], world.adam, driven_by=acme.p1)
    assert kept(org, cycle) == whole(org, cycle)
    record_check_in(acme.krs["p1"], world.alice, D(4), at=now)
    assert kept(org, cycle) == whole(org, cycle)

    # Read as they are: a new team member, a parent archived.
    TeamMember.objects.create(team=acme.sales, user=world.bob)
    archive_objective(acme.c1, world.alice)
    assert kept(org, cycle) == whole(org, cycle)


def test_a_refresh_computes_the_figures_of_what_changed_only(world, acme, monkeypatch) -> None:  # noqa: F811
    # Everything here was made a moment ago: without the margin for late commits, only
    # what came after the last refresh counts.
    monkeypatch.setattr(facts, "LAG", timedelta(0))
    org, cycle = world.org, world.cycle
    everything, count = facts.update(org, cycle)
    assert everything and count == ObjectiveFact.objects.filter(cycle=cycle).count() == 5

    record_check_in(acme.krs["t2a"], world.bob, D(2))
    everything, count = facts.update(org, cycle)
    assert (everything, count) == (False, 1)

    # T3 drives nothing; C1 is driven by nobody: a KR of C1 driven by T3 carries the change up.
    update_key_result(acme.krs["c1a"], world.alice, driven_by=acme.t3)
    assert facts.update(org, cycle) == (False, 1)
    record_check_in(acme.krs["s1"], world.adam, D(70))
    assert facts.update(org, cycle) == (False, 2)

    assert facts.update(org, cycle) == (False, 0)


def test_a_new_day_or_a_new_rule_computes_everything_again(world, acme, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(facts, "LAG", timedelta(0))
    org, cycle = world.org, world.cycle
    facts.update(org, cycle)
    assert facts.update(org, cycle) == (False, 0)

    org.at_risk_gap = D("0.3")
    org.save()
    assert facts.update(org, cycle)[0]

    tomorrow = timezone.now() + timedelta(days=1)
    assert facts.update(org, cycle, tomorrow)[0]


# Random changes --------------------------------------------------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "check_in",
                "check_in",
                "check_in",
                "target",
                "archive_kr",
                "cancel_kr",
                "archive",
                "restore",
                "visibility",
                "parent",
                "new_objective",
                "new_kr",
                "drive",
                "member",
                "team",
            ]
        ),
        st.integers(min_value=0, max_value=50),
        st.integers(min_value=-20, max_value=120),
    ),
    min_size=1,
    max_size=8,
)


def apply(world: Any, action: str, pick: int, number: int) -> None:
    """One change, through the services as the pages make it; a change the rules refuse
    (a loop of drivers, a parent in another level) is skipped."""
    org, cycle = world.org, world.cycle
    objectives = list(Objective.objects.filter(organization=org, cycle=cycle).order_by("pk"))
    krs = list(KeyResult.objects.filter(objective__cycle=cycle).order_by("pk"))
    teams = list(Team.objects.filter(organization=org).order_by("pk"))
    people = [world.alice, world.adam, world.bob]
    objective = objectives[pick % len(objectives)]
    kr = krs[pick % len(krs)]
    person = people[pick % len(people)]
    try:
        with transaction.atomic():
            if action == "check_in":
                if kr.cancelled_at is None:
                    record_check_in(kr, person, D(number), pick % 11)
            elif action == "target":
                update_key_result(kr, person, target=kr.start + D(abs(number) + 1))
            elif action == "archive_kr":
                archive_key_result(kr, person, archived=kr.archived_at is None)
            elif action == "cancel_kr":
                if kr.cancelled_at is None:
                    adjust_key_result(kr, person, "Changed plans", cancel=True)
            elif action in ("archive", "restore"):
                archive_objective(objective, person, archived=action == "archive")
            elif action == "visibility":
                private = objective.visibility == Visibility.ORGANIZATION
                update_objective(
                    objective,
                    person,
                    visibility=Visibility.PRIVATE if private else Visibility.ORGANIZATION,
                )
            elif action == "parent":
                parent = objectives[number % len(objectives)]
                set_parents(objective, [parent] if parent.pk != objective.pk else [], person)
            elif action == "new_objective":
                level = [Level.COMPANY, Level.TEAM, Level.PERSON][pick % 3]
                create_objective(
                    org,
                    person,
                    cycle=cycle,
                    title=f"Objective {number}",
                    level=level,
                    team=teams[number % len(teams)] if level == Level.TEAM else None,
                    origin=[Origin.TOP_DOWN, Origin.BOTTOM_UP][number % 2],
                )
            elif action == "new_kr":
                kind = ["increase", "decrease", "milestone"][number % 3]
                create_key_result(
                    objective,
                    owner=person,
                    title=f"KR {number}",
                    kind=kind,
                    start=D(0) if kind != "decrease" else D(100),
                    target=D(abs(number) + 1) if kind != "decrease" else D(10),
                )
            elif action == "drive":  # aligned first: only a child may drive
                driver = objectives[number % len(objectives)]
                if driver.pk != kr.objective_id:
                    set_parents(driver, [kr.objective], person)
                    update_key_result(kr, person, driven_by=driver)
            elif action == "member":
                TeamMember.objects.get_or_create(team=teams[number % len(teams)], user=person)
            elif action == "team" and objective.level == Level.TEAM:
                update_objective(objective, person, team=teams[number % len(teams)])
    except ValidationError:  # a change the rules refuse
        pass


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(steps=st.lists(ACTIONS, min_size=1, max_size=4))
def test_the_kept_dashboard_is_the_whole_one_after_random_changes(
    steps: list[list[tuple[str, int, int]]],
) -> None:
    # Without the margin for late commits: only what changed since the last refresh is
    # computed again, as a refresh ten minutes after the last one does.
    with patch.object(facts, "LAG", timedelta(0)), transaction.atomic():
        world = build_world()
        Team.objects.create(organization=world.org, name="Sales", lead=world.adam)
        org, cycle = world.org, world.cycle
        # A chain of drivers to start from: Bob's own objective drives the team's KR, the
        # team's objective a KR of the company's.
        own = create_objective(
            org, world.bob, [world.team_objective], cycle=cycle, title="Mine", level=Level.PERSON
        )
        create_key_result(own, owner=world.bob, title="Calls", start=D(0), target=D(20))
        update_key_result(world.kr, world.bob, driven_by=own)
        create_key_result(world.company_objective, title="Faster", driven_by=world.team_objective)
        assert kept(org, cycle) == whole(org, cycle)
        for batch in steps:
            for action, pick, number in batch:
                apply(world, action, pick, number)
            assert kept(org, cycle) == whole(org, cycle)
        transaction.set_rollback(True)
