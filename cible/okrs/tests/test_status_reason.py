"""Every status says why, in English and in French (docs/status.md), for each case people
found contradictory: new objectives from templates, 99 %, a milestone at 0 %, objectives
at 67 % and 58 %, a decrease past its target."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cible.checkins.services import record_check_in
from cible.okrs import library
from cible.okrs.contexts import objective_rows
from cible.okrs.models import Cycle, KeyResult, Level, Objective
from cible.okrs.services import add_template_key_results, create_key_result, create_objective
from cible.okrs.templatetags.okrs import status_label, status_reason
from conftest import World

NBSP = "\u00a0"


@pytest.fixture
def cycle(world: World) -> Cycle:
    """68 days gone out of 100: 68 % expected by today."""
    today = timezone.localdate()
    return Cycle.objects.create(
        organization=world.org,
        name="Pace",
        kind="custom",
        state="active",
        start=today - timedelta(days=68),
        end=today + timedelta(days=32),
    )


def objective(world: World, cycle: Cycle, title: str = "Grow") -> Objective:
    return create_objective(world.org, world.alice, cycle=cycle, title=title, level=Level.COMPANY)


def increase(goal: Objective, value: int | None, confidence: int | None = None) -> KeyResult:
    kr = create_key_result(goal, title=f"KR {value}", kind="increase", start=D(0), target=D(100))
    if value is not None:
        record_check_in(kr, goal.owner, D(value), confidence=confidence)
    return kr


def said(status: object) -> tuple[str, str, str, str]:
    """The status's words and reason, in English then in French."""
    english = (status_label(str(status)), status_reason(status))
    with translation.override("fr"):
        french = (status_label(str(status)), status_reason(status))
    return (*english, *french)


def test_the_pace_reason_in_both_languages(world: World, cycle: Cycle) -> None:
    kr = increase(objective(world, cycle), 48, confidence=4)

    assert said(kr.status()) == (
        "At risk",
        f"48{NBSP}% done, 68{NBSP}% expected by today, confidence 4/10",
        "À risque",
        f"48{NBSP}% fait, 68{NBSP}% attendu à ce jour, confiance 4/10",
    )


def test_an_objective_from_a_template_is_not_started_rather_than_red(
    world: World, cycle: Cycle
) -> None:
    template = library.TEMPLATES[0]
    goal = objective(world, cycle, template.title_en)
    add_template_key_results(goal, template, world.alice, "en")
    goal = Objective.objects.prefetch_related("key_results").get(pk=goal.pk)

    [row] = objective_rows([goal], world.org)

    assert {str(kr_row.status) for kr_row in row.key_results} == {"not_started"}
    assert said(row.key_results[0].status) == (
        "Not started",
        "No check-in yet: the status comes with the first one.",
        "Pas commencé",
        "Pas encore de point d'avancement : le statut viendra avec le premier.",
    )
    assert said(row.status) == (
        "Not started",
        "None of its key results has a check-in yet.",
        "Pas commencé",
        "Aucun de ses résultats clés n'a encore de point d'avancement.",
    )


def test_a_new_start_before_the_first_check_in_keeps_it_not_started(
    world: World, cycle: Cycle
) -> None:
    from cible.okrs.services import update_key_result

    kr = increase(objective(world, cycle), None)
    update_key_result(kr, world.alice, start=D(10))

    kr.refresh_from_db()
    assert kr.current == D(10) and kr.status() == "not_started"


def test_99_percent_done_is_on_track_even_with_a_doubt(world: World, cycle: Cycle) -> None:
    kr = increase(objective(world, cycle), 99, confidence=4)

    assert said(kr.status()) == (
        "On track",
        f"99{NBSP}% done, 68{NBSP}% expected by today, confidence 4/10",
        "En bonne voie",
        f"99{NBSP}% fait, 68{NBSP}% attendu à ce jour, confiance 4/10",
    )


def test_a_milestone_at_zero(world: World, cycle: Cycle) -> None:
    goal = objective(world, cycle)
    due = timezone.localdate() + timedelta(days=20)
    kr = create_key_result(goal, title="Launch", kind="milestone", due_date=due)

    assert str(kr.status()) == "not_started"  # no check-in: no "On track" for nothing done
    record_check_in(kr, world.alice, D(0), confidence=7)
    english, _e, _f, french = said(kr.status())
    with translation.override("fr"):
        due_fr = status_reason(kr.status()).split("le ")[1].split(",")[0]
    assert english == "On track"
    assert status_reason(kr.status()).startswith("Not done yet, due ")
    assert status_reason(kr.status()).endswith(", confidence 7/10")
    assert french == f"Pas encore fait, échéance le {due_fr}, confiance 7/10"
    assert str(due.year) in due_fr
    KeyResult.objects.filter(pk=kr.pk).update(due_date=timezone.localdate())
    kr.refresh_from_db()
    assert kr.status() == "off_track"
    assert status_reason(kr.status()).startswith("Not done, it was due ")


def test_a_decrease_past_its_target_reads_reached(world: World, cycle: Cycle) -> None:
    goal = objective(world, cycle)
    kr = create_key_result(
        goal, title="Time to hire", kind="decrease", start=D(60), target=D(35), unit="days"
    )
    record_check_in(kr, world.alice, D(30), confidence=5)

    assert said(kr.status()) == (
        "Reached",
        f"120{NBSP}% done: the target, 35{NBSP}days, is reached",
        "Atteint",
        f"120{NBSP}% fait : la cible, 35{NBSP}jours, est atteinte",
    )


def test_a_stay_below_under_its_ceiling_reads_reached(world: World, cycle: Cycle) -> None:
    goal = objective(world, cycle)
    kr = create_key_result(
        goal, title="Churn", kind="stay_below", start=D(3), target=D(2), unit="%"
    )
    record_check_in(kr, world.alice, D("1.5"))

    assert said(kr.status()) == (
        "Reached",
        f"1.5{NBSP}%, at or below the ceiling of 2{NBSP}%",
        "Atteint",
        f"1,5{NBSP}%, au plus le plafond de 2{NBSP}%",
    )


def test_a_stay_above_under_its_floor_is_off_track(world: World, cycle: Cycle) -> None:
    goal = objective(world, cycle)
    kr = create_key_result(goal, title="NPS", kind="stay_above", start=D(50), target=D(45))
    record_check_in(kr, world.alice, D(43), confidence=8)

    assert said(kr.status()) == (
        "Off track",
        "43, below the floor of 45, confidence 8/10",
        "En retard",
        "43, sous le plancher de 45, confiance 8/10",
    )


def test_objectives_at_67_and_58_percent_are_judged_by_their_own_pace(
    world: World, cycle: Cycle
) -> None:
    # Before: the first took its worst key result's "Off track", the second "At risk".
    first = objective(world, cycle, "First")
    increase(first, 100)
    increase(first, 34)
    second = objective(world, cycle, "Second")
    increase(second, 58, confidence=5)
    goals = list(Objective.objects.filter(cycle=cycle).prefetch_related("key_results"))

    rows = {row.objective.title: row for row in objective_rows(goals, world.org)}

    assert said(rows["First"].status) == (
        "On track",
        f"67{NBSP}% done, 68{NBSP}% expected by today, weighted over its 2 key results "
        "(1 reached, 1 off track)",
        "En bonne voie",
        f"67{NBSP}% fait, 68{NBSP}% attendu à ce jour, en moyenne pondérée de ses 2 résultats "
        "clés (1 atteint, 1 en retard)",
    )
    assert said(rows["Second"].status) == (
        "On track",
        f"58{NBSP}% done, 68{NBSP}% expected by today, from its key result",
        "En bonne voie",
        f"58{NBSP}% fait, 68{NBSP}% attendu à ce jour, d'après son résultat clé",
    )
    assert rows["Second"].key_results[0].status == "at_risk"  # its own doubt stays its own


def test_the_pill_says_why_without_a_script(world: World, cycle: Cycle) -> None:
    kr = increase(objective(world, cycle), 48, confidence=4)
    reason = f"48{NBSP}% done, 68{NBSP}% expected by today, confidence 4/10"

    html = render_to_string("components/status_pill.html", {"status": kr.status()})

    assert f'title="{reason}"' in html
    assert f'</span><span class="visually-hidden">: {reason}</span>' in html
    assert 'class="status status-at_risk"' in html
    bare = render_to_string("components/status_pill.html", {"status": "on_track"})
    assert "title=" not in bare and "On track" in bare


def test_the_reasons_cost_no_query(world: World, cycle: Cycle, django_assert_num_queries) -> None:
    goal = objective(world, cycle)
    for value in (10, 50, 90, None):
        increase(goal, value, confidence=6)
    goals = list(
        Objective.objects.filter(cycle=cycle)
        .select_related("cycle", "organization")
        .prefetch_related("key_results__objective__cycle", "key_results__objective__organization")
    )
    rows = objective_rows(goals, world.org)

    with django_assert_num_queries(0):
        texts = [status_reason(r.status) for row in rows for r in row.key_results]
        texts.append(status_reason(rows[0].status))
    assert all(texts)


def test_key_results_checked_in_before_the_field_existed_get_their_newest_time(
    world: World, cycle: Cycle
) -> None:
    from importlib import import_module

    from django.apps import apps

    kr = increase(objective(world, cycle), 40)
    newest = record_check_in(kr, world.alice, D(50)).created_at
    untouched = increase(objective(world, cycle, "Other"), None)
    KeyResult.objects.update(last_check_in_at=None)

    import_module("cible.checkins.migrations.0003_fill_last_check_in_at").fill(apps, None)

    kr.refresh_from_db()
    untouched.refresh_from_db()
    assert kr.last_check_in_at == newest and untouched.last_check_in_at is None
