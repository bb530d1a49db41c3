"""Impossible data is refused with a ValidationError naming the field, nothing stored
changes, and the database constraints hold even when the model layer is bypassed."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

import cible
from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrs import services
from cible.okrs.models import Cycle, CycleState, KeyResult, Level, Objective
from cible.orgs.models import Membership, Role, Team
from cible.orgs.services import save_team

FRENCH_MO = Path(cible.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.mo"


def error_fields(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    assert hasattr(excinfo.value, "error_dict"), excinfo.value
    return set(excinfo.value.error_dict)


def snapshot() -> dict[str, object]:
    """Everything the tests below could damage, in comparable form."""
    return {
        "cycles": sorted(Cycle.objects.values_list("pk", "name", "start", "end", "state")),
        "objectives": sorted(
            Objective.objects.values_list("pk", "title", "cycle_id", "level", "team_id")
        ),
        "parents": sorted(
            Objective.parents.through.objects.values_list("from_objective_id", "to_objective_id")
        ),
        "key_results": sorted(
            KeyResult.objects.values_list(
                "pk", "kind", "start", "target", "target_max", "current", "weight", "confidence"
            )
        ),
        "teams": sorted(Team.objects.values_list("pk", "name", "parent_id")),
        "memberships": sorted(Membership.objects.values_list("organization_id", "user_id", "role")),
        "check_ins": CheckIn.objects.count(),
    }


def closed_cycle(world) -> Cycle:
    return Cycle.objects.create(
        organization=world.org,
        name="Last year",
        kind="custom",
        state=CycleState.CLOSED,
        start=date(2020, 1, 1),
        end=date(2020, 12, 31),
    )


def close(cycle: Cycle) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.CLOSED)


# --- Key results ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["increase", "decrease"])
def test_new_kr_with_start_equal_to_target_is_refused(world, kind):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.create_key_result(
            world.team_objective, title="Flat", kind=kind, start=Decimal(5), target=Decimal(5)
        )
    assert "target" in error_fields(excinfo)
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["increase", "decrease"])
def test_editing_a_kr_to_start_equal_to_target_is_refused(world, kind):
    before = snapshot()
    kr = KeyResult.objects.get(pk=world.kr.pk)
    kr.kind, kr.start, kr.target = kind, Decimal(3), Decimal(3)
    with pytest.raises(ValidationError) as excinfo:
        kr.full_clean()
    assert "target" in error_fields(excinfo)
    world.kr.refresh_from_db()
    assert (world.kr.kind, world.kr.start, world.kr.target) == ("decrease", 4, 1)
    assert snapshot() == before


@pytest.mark.parametrize(("kind", "start", "target"), [("increase", 10, 5), ("decrease", 5, 10)])
def test_target_on_the_wrong_side_is_refused(world, kind, start, target):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.create_key_result(
            world.team_objective,
            title="Backwards",
            kind=kind,
            start=Decimal(start),
            target=Decimal(target),
        )
    assert "target" in error_fields(excinfo)
    assert snapshot() == before


@pytest.mark.parametrize("weight", [Decimal(0), Decimal("-1"), Decimal("-0.01")])
def test_non_positive_weight_is_refused(world, weight):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.create_key_result(world.team_objective, title="Weightless", weight=weight)
    assert "weight" in error_fields(excinfo)
    kr = KeyResult.objects.get(pk=world.kr.pk)
    kr.weight = weight
    with pytest.raises(ValidationError) as excinfo:
        kr.full_clean()
    assert "weight" in error_fields(excinfo)
    assert snapshot() == before


def test_confidence_above_10_is_refused(world):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.create_key_result(world.team_objective, title="Sure", confidence=11)
    assert "confidence" in error_fields(excinfo)
    kr = KeyResult.objects.get(pk=world.kr.pk)
    kr.confidence = 11
    with pytest.raises(ValidationError) as excinfo:
        kr.full_clean()
    assert "confidence" in error_fields(excinfo)
    assert snapshot() == before


def test_check_in_confidence_above_10_is_refused(world):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        record_check_in(world.kr, world.bob, Decimal(3), confidence=11)
    assert "confidence" in error_fields(excinfo)
    assert snapshot() == before


@pytest.mark.parametrize("target_max", [None, Decimal(5)])
def test_stay_between_needs_an_ordered_range(world, target_max):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.create_key_result(
            world.team_objective,
            title="Range",
            kind="stay_between",
            target=Decimal(10),
            target_max=target_max,
        )
    assert "target_max" in error_fields(excinfo)
    assert snapshot() == before


def test_kr_added_to_an_objective_in_a_closed_cycle_is_refused(world):
    close(world.cycle)
    objective = Objective.objects.get(pk=world.team_objective.pk)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.create_key_result(objective, title="Too late")
    assert "objective" in error_fields(excinfo)
    assert snapshot() == before


def test_kr_in_a_closed_cycle_cannot_be_edited(world):
    close(world.cycle)
    before = snapshot()
    kr = KeyResult.objects.get(pk=world.kr.pk)
    kr.target = Decimal("0.5")
    with pytest.raises(ValidationError) as excinfo:
        kr.full_clean()
    assert "objective" in error_fields(excinfo)
    assert snapshot() == before


def test_kr_driven_by_an_unaligned_objective_is_refused(world):
    before = snapshot()
    # The company objective is the team objective's parent, not its child.
    with pytest.raises(ValidationError) as excinfo:
        services.create_key_result(
            world.team_objective, title="Upside down", driven_by=world.company_objective
        )
    assert "driven_by" in error_fields(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.create_key_result(
            world.company_objective, title="Foreign", driven_by=world.foreign_objective
        )
    assert "driven_by" in error_fields(excinfo)
    assert snapshot() == before


def test_missing_target_is_a_validation_error(world):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.create_key_result(world.team_objective, title="No target", target=None)
    assert "target" in error_fields(excinfo)
    assert snapshot() == before


def test_check_in_value_too_large_is_a_validation_error(world):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        record_check_in(world.kr, world.bob, Decimal("1e25"))
    assert "value" in error_fields(excinfo)
    assert snapshot() == before


# --- Cycles and objectives -----------------------------------------------------------


@pytest.mark.parametrize("days", [-1, 0])
def test_cycle_ending_before_it_starts_is_refused(world, days):
    before = snapshot()
    start = date(2030, 1, 1)
    with pytest.raises(ValidationError) as excinfo:
        services.create_cycle(
            world.org, name="Backwards", kind="custom", start=start, end=start + timedelta(days)
        )
    assert "end" in error_fields(excinfo)
    assert snapshot() == before


def test_objective_in_a_closed_cycle_is_refused(world):
    cycle = closed_cycle(world)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.create_objective(
            world.org, world.alice, cycle=cycle, title="Hindsight", level=Level.COMPANY
        )
    assert "cycle" in error_fields(excinfo)
    assert snapshot() == before


def test_objective_in_a_cycle_closed_since_cannot_be_edited(world):
    close(world.cycle)
    before = snapshot()
    objective = Objective.objects.get(pk=world.company_objective.pk)
    objective.title = "Rewritten history"
    with pytest.raises(ValidationError) as excinfo:
        objective.full_clean()
    assert "cycle" in error_fields(excinfo)
    assert snapshot() == before


def test_objective_in_another_organisations_cycle_is_refused(world):
    before = snapshot()
    foreign_cycle = world.foreign_objective.cycle
    with pytest.raises(ValidationError) as excinfo:
        services.create_objective(
            world.org, world.alice, cycle=foreign_cycle, title="Trespass", level=Level.COMPANY
        )
    assert "cycle" in error_fields(excinfo)
    assert snapshot() == before


def test_alignment_in_a_closed_cycle_is_refused(world):
    close(world.cycle)
    before = snapshot()
    objective = Objective.objects.get(pk=world.team_objective.pk)
    with pytest.raises(ValidationError) as excinfo:
        services.set_parents(objective, [])
    assert {"cycle", "parents"} & error_fields(excinfo)
    assert snapshot() == before


# --- Alignment -----------------------------------------------------------------------


def test_alignment_loop_is_refused(world):
    before = snapshot()
    # Make the company objective a child of the team objective that contributes to it.
    with pytest.raises(ValidationError) as excinfo:
        services.set_parents(world.company_objective, [world.team_objective])
    assert "parents" in error_fields(excinfo)
    assert snapshot() == before
    assert list(world.team_objective.parents.all()) == [world.company_objective]
    assert not world.company_objective.parents.exists()


def test_alignment_loop_between_peers_is_refused(world):
    # Two team objectives may align to one another, but not in a loop.
    sub = services.create_objective(
        world.org,
        world.bob,
        parents=[world.team_objective],
        cycle=world.cycle,
        title="Answer faster on chat",
        level=Level.TEAM,
        team=world.team,
    )
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.set_parents(world.team_objective, [world.company_objective, sub])
    assert "parents" in error_fields(excinfo)
    assert snapshot() == before


def test_objective_cannot_contribute_to_itself(world):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.set_parents(world.team_objective, [world.team_objective])
    assert "parents" in error_fields(excinfo)
    assert snapshot() == before


def test_parent_from_another_organisation_is_refused(world):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.set_parents(
            world.team_objective, [world.company_objective, world.foreign_objective]
        )
    assert "parents" in error_fields(excinfo)
    assert snapshot() == before
    with pytest.raises(ValidationError) as excinfo:
        services.create_objective(
            world.org,
            world.alice,
            parents=[world.foreign_objective],
            cycle=world.cycle,
            title="Spy",
            level=Level.COMPANY,
        )
    assert "parents" in error_fields(excinfo)
    assert snapshot() == before


# --- Teams ---------------------------------------------------------------------------


def test_team_parent_loop_is_refused(world):
    support = save_team(Team(organization=world.org, name="Support", parent=world.team))
    desk = save_team(Team(organization=world.org, name="Desk", parent=support))
    before = snapshot()
    for parent in (desk, support):
        team = Team.objects.get(pk=world.team.pk)
        team.parent = parent
        with pytest.raises(ValidationError) as excinfo:
            team.full_clean()
        assert "parent" in error_fields(excinfo)
        with pytest.raises(ValidationError) as excinfo:
            save_team(team)
        assert "parent" in error_fields(excinfo)
    team = Team.objects.get(pk=world.team.pk)
    team.parent = team
    with pytest.raises(ValidationError) as excinfo:
        save_team(team)
    assert "parent" in error_fields(excinfo)
    assert snapshot() == before
    world.team.refresh_from_db()
    assert world.team.parent_id is None


def test_team_parent_from_another_organisation_is_refused(world):
    foreign = Team.objects.create(organization=world.other_org, name="Globex ops")
    before = snapshot()
    team = Team.objects.get(pk=world.team.pk)
    team.parent = foreign
    with pytest.raises(ValidationError) as excinfo:
        save_team(team)
    assert "parent" in error_fields(excinfo)
    assert snapshot() == before


# --- The database holds on its own ---------------------------------------------------


def assert_refused_by_the_database(queryset, **values) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)
    assert snapshot() == before


def test_database_refuses_zero_weight(world):
    assert_refused_by_the_database(KeyResult.objects.filter(pk=world.kr.pk), weight=0)
    world.kr.refresh_from_db()
    assert world.kr.weight == 1


def test_database_refuses_negative_weight(world):
    assert_refused_by_the_database(KeyResult.objects.filter(pk=world.kr.pk), weight=-1)


def test_database_refuses_confidence_11(world):
    assert_refused_by_the_database(KeyResult.objects.filter(pk=world.kr.pk), confidence=11)
    world.kr.refresh_from_db()
    assert world.kr.confidence is None


def test_database_refuses_start_equal_to_target(world):
    assert_refused_by_the_database(KeyResult.objects.filter(pk=world.kr.pk), target=4)


def test_database_refuses_a_range_without_upper_bound(world):
    assert_refused_by_the_database(
        KeyResult.objects.filter(pk=world.kr.pk), kind="stay_between", target_max=None
    )


def test_database_refuses_cycle_ending_before_it_starts(world):
    start = world.cycle.start
    assert_refused_by_the_database(
        Cycle.objects.filter(pk=world.cycle.pk), end=start - timedelta(days=1)
    )
    assert_refused_by_the_database(Cycle.objects.filter(pk=world.cycle.pk), end=start)
    world.cycle.refresh_from_db()
    assert world.cycle.end > world.cycle.start


def test_database_refuses_a_duplicate_membership(world):
    before = snapshot()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(organization=world.org, user=world.alice, role=Role.VIEWER)
    assert snapshot() == before
    assert Membership.objects.get(organization=world.org, user=world.alice).role == Role.OWNER


# --- Messages are translated ---------------------------------------------------------


def target_message(world, language: str) -> str:
    with translation.override(language):
        with pytest.raises(ValidationError) as excinfo:
            services.create_key_result(
                world.team_objective, title="Flat", start=Decimal(2), target=Decimal(2)
            )
        return excinfo.value.message_dict["target"][0]


def test_english_message(world):
    assert target_message(world, "en") == "The target must differ from the start value."


@pytest.mark.skipif(not FRENCH_MO.exists(), reason="French catalogue not compiled yet")
def test_french_message(world):
    english = target_message(world, "en")
    french = target_message(world, "fr")
    assert french
    assert french != english
