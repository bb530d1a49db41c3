"""Editing a team: admins and the team's lead (or a lead above it) may; others may not."""

import pytest

from cible.orgs.models import Membership, Role, Team, TeamMember

pytestmark = pytest.mark.django_db


def url(team) -> str:  # type: ignore[no-untyped-def]
    return f"/o/acme/teams/{team.pk}/edit/"


def data(team, **overrides) -> dict[str, object]:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "name": team.name,
        "parent": team.parent_id or "",
        "lead": team.lead_id or "",
    }
    values.update(overrides)
    return values


@pytest.fixture
def child(world) -> Team:  # type: ignore[no-untyped-def]
    return Team.objects.create(organization=world.org, name="Support", parent=world.team)


@pytest.fixture
def grandchild(world, child) -> Team:  # type: ignore[no-untyped-def]
    return Team.objects.create(organization=world.org, name="Tier one", parent=child)


def test_an_admin_renames_a_team(world) -> None:
    response = world.client_for(world.adam).post(
        url(world.team), data(world.team, name="Product & Design")
    )

    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/teams/{world.team.pk}/"
    assert Team.objects.get(pk=world.team.pk).name == "Product & Design"


def test_an_admin_sets_the_lead(world) -> None:
    world.client_for(world.alice).post(url(world.team), data(world.team, lead=world.adam.pk))

    team = Team.objects.get(pk=world.team.pk)
    assert team.lead == world.adam
    assert TeamMember.objects.filter(team=team, user=world.adam).exists()


def test_an_admin_clears_the_lead(world) -> None:
    world.client_for(world.alice).post(url(world.team), data(world.team, lead=""))

    assert Team.objects.get(pk=world.team.pk).lead is None


def test_an_admin_moves_a_team_under_another(world, child) -> None:
    platform = Team.objects.create(organization=world.org, name="Platform")

    world.client_for(world.adam).post(url(child), data(child, parent=platform.pk))

    assert Team.objects.get(pk=child.pk).parent == platform


def test_the_lead_of_the_team_may_edit_it(world) -> None:
    response = world.client_for(world.bob).post(url(world.team), data(world.team, name="Produit"))

    assert response.status_code == 302
    assert Team.objects.get(pk=world.team.pk).name == "Produit"


def test_the_lead_of_a_parent_team_may_edit_a_sub_team(world, grandchild) -> None:
    response = world.client_for(world.bob).post(url(grandchild), data(grandchild, name="Tier 1"))

    assert response.status_code == 302
    assert Team.objects.get(pk=grandchild.pk).name == "Tier 1"


def test_a_plain_member_who_does_not_lead_gets_403(world) -> None:
    sales = Team.objects.create(organization=world.org, name="Sales", lead=world.adam)
    TeamMember.objects.create(team=sales, user=world.bob)

    response = world.client_for(world.bob).post(url(sales), data(sales, name="Bob's team"))

    assert response.status_code == 403
    assert Team.objects.get(pk=sales.pk).name == "Sales"


def test_a_member_of_the_team_who_does_not_lead_it_gets_403(world, db) -> None:
    from cible.accounts.models import User
    from conftest import PASSWORD

    mia = User.objects.create_user(email="mia@acme.test", password=PASSWORD, name="Mia")
    Membership.objects.create(organization=world.org, user=mia, role=Role.MEMBER)
    TeamMember.objects.create(team=world.team, user=mia)

    response = world.client_for(mia).post(url(world.team), data(world.team, lead=mia.pk))

    assert response.status_code == 403
    assert Team.objects.get(pk=world.team.pk).lead == world.bob


def test_a_viewer_who_leads_the_team_still_gets_403(world) -> None:
    world.team.lead = world.vera
    world.team.save()

    response = world.client_for(world.vera).post(url(world.team), data(world.team, name="Mine"))

    assert response.status_code == 403
    assert Team.objects.get(pk=world.team.pk).name == "Product"


def test_a_team_cannot_become_its_own_ancestor(world, child) -> None:
    response = world.client_for(world.adam).post(url(world.team), data(world.team, parent=child.pk))

    assert response.status_code == 422
    assert "parent" in response.context["form"].errors
    assert "A team cannot sit inside itself." in response.content.decode()
    assert Team.objects.get(pk=world.team.pk).parent is None


def test_a_team_cannot_sit_under_its_grandchild(world, grandchild) -> None:
    response = world.client_for(world.adam).post(
        url(world.team), data(world.team, parent=grandchild.pk)
    )

    assert response.status_code == 422
    assert Team.objects.get(pk=world.team.pk).parent is None


def test_a_team_cannot_be_its_own_parent(world) -> None:
    response = world.client_for(world.adam).post(
        url(world.team), data(world.team, parent=world.team.pk)
    )

    assert response.status_code == 422
    assert Team.objects.get(pk=world.team.pk).parent is None


def test_a_parent_from_another_organisation_is_rejected(world) -> None:
    foreign = Team.objects.create(organization=world.other_org, name="Globex Ops")

    response = world.client_for(world.adam).post(
        url(world.team), data(world.team, parent=foreign.pk)
    )

    assert response.status_code == 422
    assert "parent" in response.context["form"].errors
    assert Team.objects.get(pk=world.team.pk).parent is None


def test_a_lead_from_another_organisation_is_rejected(world) -> None:
    response = world.client_for(world.adam).post(
        url(world.team), data(world.team, lead=world.oscar.pk)
    )

    assert response.status_code == 422
    assert Team.objects.get(pk=world.team.pk).lead == world.bob


def test_an_empty_name_is_rejected(world) -> None:
    response = world.client_for(world.adam).post(url(world.team), data(world.team, name=""))

    assert response.status_code == 422
    assert Team.objects.get(pk=world.team.pk).name == "Product"


def test_a_name_taken_in_the_organisation_is_rejected_with_422(world, child) -> None:
    response = world.client_for(world.adam).post(url(child), data(child, name="Product"))

    assert response.status_code == 422
    assert Team.objects.get(pk=child.pk).name == "Support"


def test_the_outsider_gets_404(world) -> None:
    response = world.client_for(world.oscar).post(url(world.team), data(world.team, name="Pwned"))

    assert response.status_code == 404
    assert Team.objects.get(pk=world.team.pk).name == "Product"


def test_a_team_of_another_organisation_gets_404(world) -> None:
    foreign = Team.objects.create(organization=world.other_org, name="Globex Ops")

    response = world.client_for(world.alice).post(
        f"/o/acme/teams/{foreign.pk}/edit/", {"name": "Pwned"}
    )

    assert response.status_code == 404
    assert Team.objects.get(pk=foreign.pk).name == "Globex Ops"


def test_a_get_is_not_allowed(world) -> None:
    assert world.client_for(world.adam).get(url(world.team)).status_code == 405
