"""Dependencies between teams: declared on an objective, shown on both teams' pages,
refused within one team, removed by whoever may edit the objective."""

from decimal import Decimal

import pytest

from cible.accounts.models import User
from cible.okrs.models import Change, Dependency, KeyResult, Level, Objective
from cible.okrs.services import create_dependency, create_objective
from cible.orgs.models import Membership, Role, Team

pytestmark = pytest.mark.django_db

NOTE = "We need the pricing page before the launch"


@pytest.fixture
def sales(world) -> Team:  # type: ignore[no-untyped-def]
    return Team.objects.create(organization=world.org, name="Sales")


@pytest.fixture
def sales_objective(world, sales) -> Objective:  # type: ignore[no-untyped-def]
    return create_objective(
        world.org,
        world.alice,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Open the new market",
        level=Level.TEAM,
        team=sales,
    )


def create_url(objective: Objective) -> str:
    return f"/o/acme/objectives/{objective.pk}/dependencies/"


def delete_url(dependency: Dependency) -> str:
    return f"/o/acme/dependencies/{dependency.pk}/delete/"


def declare(world, to: Objective, **extra: object):  # type: ignore[no-untyped-def]
    data = {"to_objective": to.pk, "note": NOTE, **extra}
    return world.client_for(world.bob).post(create_url(world.team_objective), data)


def team_page(world, team: Team) -> str:  # type: ignore[no-untyped-def]
    response = world.client_for(world.vera).get(f"/o/acme/teams/{team.pk}/")
    assert response.status_code == 200
    return response.content.decode()


# --- Declaring --------------------------------------------------------------------------


def test_the_lead_declares_a_dependency_on_another_teams_objective(world, sales_objective) -> None:
    response = declare(world, sales_objective)

    assert response.status_code == 302
    assert response["Location"].endswith("#dependencies")
    dependency = Dependency.objects.get()
    assert dependency.from_objective == world.team_objective
    assert dependency.to_objective == sales_objective
    assert dependency.note == NOTE
    assert dependency.created_by == world.bob
    assert dependency.organization == world.org


def test_declaring_a_dependency_records_a_change(world, sales_objective) -> None:
    declare(world, sales_objective)

    change = Change.objects.get(objective=world.team_objective, action="dependency")
    assert change.after == {"depends_on": "Open the new market", "note": NOTE}


def test_a_dependency_on_a_key_result_of_the_other_team_is_kept(world, sales_objective) -> None:
    their_kr = KeyResult.objects.create(
        objective=sales_objective,
        title="Publish the pricing page",
        kind="milestone",
        owner=world.alice,
        start=Decimal(0),
        target=Decimal(1),
    )

    response = declare(world, sales_objective, to_key_result=their_kr.pk)

    assert response.status_code == 302
    assert Dependency.objects.get().to_key_result == their_kr


def test_the_dependency_shows_on_the_page_of_the_team_that_depends(world, sales_objective) -> None:
    declare(world, sales_objective)

    html = team_page(world, world.team)

    section = html[html.index("This team depends on") : html.index("Teams depending on this one")]
    assert "Open the new market" in section
    assert NOTE in section


def test_the_dependency_shows_on_the_page_of_the_team_depended_on(
    world, sales, sales_objective
) -> None:
    declare(world, sales_objective)

    html = team_page(world, sales)

    section = html[html.index("Teams depending on this one") :]
    assert "Product" in section
    assert "Answer faster" in section
    assert NOTE in section


def test_the_dependency_shows_on_both_objective_pages(world, sales_objective) -> None:
    declare(world, sales_objective)
    vera = world.client_for(world.vera)

    assert NOTE in vera.get(world.team_objective.get_absolute_url()).content.decode()
    assert NOTE in vera.get(sales_objective.get_absolute_url()).content.decode()


# --- Refusals -------------------------------------------------------------------------


def test_a_dependency_on_an_objective_of_the_same_team_is_refused(world) -> None:
    same_team = create_objective(
        world.org,
        world.bob,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Document every answer",
        level=Level.TEAM,
        team=world.team,
    )

    response = declare(world, same_team)

    assert response.status_code == 422
    assert "to_objective" in response.context["dependency_form"].errors
    assert not Dependency.objects.exists()


def test_a_dependency_on_the_objective_itself_is_refused(world) -> None:
    response = declare(world, world.team_objective)

    assert response.status_code == 422
    assert not Dependency.objects.exists()


def test_a_dependency_on_a_company_objective_is_refused(world) -> None:
    response = declare(world, world.company_objective)

    assert response.status_code == 422
    assert not Dependency.objects.exists()


def test_a_dependency_on_an_objective_of_another_organisation_is_refused(world) -> None:
    response = declare(world, world.foreign_objective)

    assert response.status_code == 422
    assert not Dependency.objects.exists()


def test_a_key_result_of_another_objective_is_refused(world, sales_objective) -> None:
    response = declare(world, sales_objective, from_key_result=999999)

    assert response.status_code == 422
    assert not Dependency.objects.exists()


def test_a_member_who_may_not_edit_the_objective_may_not_declare_one(
    world, sales_objective
) -> None:
    data = {"to_objective": world.team_objective.pk, "note": NOTE}

    response = world.client_for(world.bob).post(create_url(sales_objective), data)

    assert response.status_code == 403
    assert not Dependency.objects.exists()


def test_declaring_needs_a_post(world, sales_objective) -> None:
    response = world.client_for(world.bob).get(create_url(world.team_objective))

    assert response.status_code == 405


# --- Removing ---------------------------------------------------------------------------


@pytest.fixture
def dependency(world, sales_objective) -> Dependency:  # type: ignore[no-untyped-def]
    return create_dependency(
        world.bob,
        organization=world.org,
        from_objective=world.team_objective,
        to_objective=sales_objective,
        note=NOTE,
    )


def test_removing_a_dependency_deletes_it(world, dependency) -> None:
    response = world.client_for(world.bob).post(delete_url(dependency))

    assert response.status_code == 302
    assert not Dependency.objects.exists()


def test_removing_a_dependency_records_a_change(world, dependency) -> None:
    world.client_for(world.bob).post(delete_url(dependency))

    change = Change.objects.filter(objective=world.team_objective, action="dependency").first()
    assert change is not None
    assert change.actor == world.bob
    assert change.before == {"depends_on": "Open the new market"}
    assert change.after == {"depends_on": ""}


def test_a_removed_dependency_leaves_both_team_pages(world, sales, dependency) -> None:
    world.client_for(world.bob).post(delete_url(dependency))

    assert NOTE not in team_page(world, world.team)
    assert NOTE not in team_page(world, sales)


def test_a_member_who_may_not_edit_the_objective_may_not_remove_it(world, dependency) -> None:
    kim = User.objects.create_user(email="kim@acme.test", password="x" * 12, name="Kim")
    Membership.objects.create(organization=world.org, user=kim, role=Role.MEMBER)

    response = world.client_for(kim).post(delete_url(dependency))

    assert response.status_code == 403
    assert Dependency.objects.filter(pk=dependency.pk).exists()


def test_removing_needs_a_post(world, dependency) -> None:
    response = world.client_for(world.bob).get(delete_url(dependency))

    assert response.status_code == 405
    assert Dependency.objects.filter(pk=dependency.pk).exists()


def test_a_globex_dependency_id_under_acme_gets_404(world) -> None:
    globex_team_a = Team.objects.create(organization=world.other_org, name="A")
    globex_team_b = Team.objects.create(organization=world.other_org, name="B")
    mine, theirs = (
        create_objective(
            world.other_org,
            world.oscar,
            cycle=world.foreign_objective.cycle,
            title=title,
            level=Level.TEAM,
            team=team,
        )
        for title, team in (("Mine", globex_team_a), ("Theirs", globex_team_b))
    )
    foreign = create_dependency(
        world.oscar, organization=world.other_org, from_objective=mine, to_objective=theirs
    )

    response = world.client_for(world.alice).post(delete_url(foreign))

    assert response.status_code == 404
    assert Dependency.objects.filter(pk=foreign.pk).exists()
