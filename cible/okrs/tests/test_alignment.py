"""Each objective's stored `aligned` flag follows its links and its parents' archiving."""

from decimal import Decimal

import pytest
from django.test import Client

from cible.accounts.models import User
from cible.okrs import alignment
from cible.okrs.models import Level, Objective
from cible.okrs.services import (
    archive_objective,
    create_key_result,
    create_objective,
    set_parents,
)
from cible.samples.benchdata import generate
from conftest import World


def aligned(objective: Objective) -> bool:
    return Objective.objects.values_list("aligned", flat=True).get(pk=objective.pk)


def child(world: World, title: str = "Child", parents: tuple[Objective, ...] = ()) -> Objective:
    return create_objective(
        world.org,
        world.bob,
        parents=list(parents),
        cycle=world.cycle,
        title=title,
        level=Level.TEAM,
        team=world.team,
    )


def company(world: World, title: str) -> Objective:
    return create_objective(
        world.org, world.alice, cycle=world.cycle, title=title, level=Level.COMPANY
    )


def test_an_objective_made_with_a_parent_is_aligned_and_one_without_is_not(world) -> None:
    assert aligned(world.team_objective)
    assert not aligned(world.company_objective)
    assert not aligned(child(world, "Alone"))


def test_the_flag_follows_the_parents_set_and_cleared(world) -> None:
    objective = child(world)

    set_parents(objective, [world.company_objective], world.bob)
    assert aligned(objective)

    set_parents(objective, [], world.bob)
    assert not aligned(objective)

    objective.parents.add(world.company_objective)
    assert aligned(objective)

    objective.parents.clear()
    assert not aligned(objective)


def test_the_flag_follows_links_made_from_the_parents_side(world) -> None:
    first, second = child(world, "First"), child(world, "Second")

    world.company_objective.children.add(first, second)
    assert aligned(first) and aligned(second)

    world.company_objective.children.remove(first)
    assert not aligned(first) and aligned(second)

    world.company_objective.children.clear()
    assert not aligned(second)
    assert not aligned(world.team_objective)


def test_archiving_the_only_parent_unaligns_and_restoring_it_aligns_again(world) -> None:
    archive_objective(world.company_objective, world.alice)
    assert not aligned(world.team_objective)

    archive_objective(world.company_objective, world.alice, archived=False)
    assert aligned(world.team_objective)


def test_a_second_live_parent_keeps_an_objective_aligned(world) -> None:
    other = company(world, "Grow profitably")
    set_parents(world.team_objective, [world.company_objective, other], world.bob)

    archive_objective(world.company_objective, world.alice)

    assert aligned(world.team_objective)


def test_an_archived_objective_keeps_its_own_flag(world) -> None:
    archive_objective(world.team_objective, world.bob)

    assert aligned(world.team_objective)


def test_refresh_mends_links_written_without_signals(world) -> None:
    objective = child(world)
    Objective.parents.through.objects.bulk_create(
        [Objective.parents.through(from_objective=objective, to_objective=world.company_objective)]
    )
    assert not aligned(objective)

    assert alignment.refresh([objective.pk]) == 1
    assert aligned(objective)
    assert alignment.refresh([]) == 0


def test_a_check_in_or_a_key_result_leaves_the_flag_alone(world) -> None:
    create_key_result(world.team_objective, title="More", start=Decimal(0), target=Decimal(1))

    assert aligned(world.team_objective)


def test_a_generated_organisation_stores_the_flag_of_every_objective(db) -> None:
    org = generate(30, seed=3, slug="flags").organization
    objectives = Objective.objects.filter(organization=org).annotate(live=alignment.live_parent())
    rows = list(objectives.values_list("aligned", "live"))

    assert {flag for flag, _live in rows} == {True, False}
    assert all(flag == live for flag, live in rows)


@pytest.fixture
def superuser(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_superuser(email="root@acme.test", password="pw-root-123456")


def test_deleting_a_parent_in_the_admin_unaligns_its_children(world, superuser) -> None:
    client = Client()
    client.force_login(superuser)
    lone = company(world, "Lone")
    other_child = child(world, "Other", parents=(lone,))

    response = client.post(
        f"/admin/okrs/objective/{world.company_objective.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not aligned(world.team_objective)

    response = client.post(
        "/admin/okrs/objective/",
        {"action": "delete_selected", "_selected_action": [lone.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Objective.objects.filter(pk=lone.pk).exists()
    assert not aligned(other_child)


def test_archiving_a_parent_in_the_admin_unaligns_its_children(world, superuser) -> None:
    from django.contrib.admin.sites import site
    from django.test import RequestFactory
    from django.utils import timezone

    model_admin = site._registry[Objective]
    request = RequestFactory().post("/admin/")
    request.user = superuser
    parent = world.company_objective
    parent.archived_at = timezone.now()

    class Form:
        changed_data = ["archived_at"]

    model_admin.save_model(request, parent, Form(), change=True)

    assert not aligned(world.team_objective)


def test_repair_mends_the_flags_that_differ_from_the_links(world, monkeypatch) -> None:
    monkeypatch.setattr(alignment, "_last_repair", None)
    Objective.objects.filter(pk=world.team_objective.pk).update(aligned=False)
    Objective.objects.filter(pk=world.company_objective.pk).update(aligned=True)

    assert alignment.repair() == 2

    assert aligned(world.team_objective)
    assert not aligned(world.company_objective)
    assert alignment.repair(force=True) == 0


def test_repair_runs_once_a_day_unless_forced(world, monkeypatch) -> None:
    monkeypatch.setattr(alignment, "_last_repair", None)
    alignment.repair()
    Objective.objects.filter(pk=world.team_objective.pk).update(aligned=False)

    assert alignment.repair() == 0
    assert not aligned(world.team_objective)

    last = alignment._last_repair
    assert last is not None
    monkeypatch.setattr(alignment, "_last_repair", last - alignment.REPAIR_SECONDS)
    assert alignment.repair() == 1
    assert aligned(world.team_objective)
