"""A private objective: its owner, the lead of the owner's team, the owner of an objective it
contributes to and the admins see it; everyone else finds no trace of it anywhere."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from cible.accounts.models import User
from cible.okrs.models import KeyResult, Level, Objective, Visibility
from cible.okrs.services import create_dependency, create_objective, set_parents
from cible.orgs.models import Membership, Role, Team, TeamMember

pytestmark = pytest.mark.django_db

SECRET = "Secret side project"
SECRET_KR = "Secret prototype metric"


@dataclass
class Scene:
    world: object
    secret: Objective
    secret_kr: KeyResult
    lena: User  # member, lead of Support, where Bob is a member
    tom: User  # member, owns "Tom's plan", which the secret objective contributes to
    mia: User  # member, no team, no link to the secret
    toms_objective: Objective
    sales: Team

    def get(self, user: User, url: str):  # type: ignore[no-untyped-def]
        return self.world.client_for(user).get(url)  # type: ignore[attr-defined]

    def html(self, user: User, url: str) -> str:
        response = self.get(user, url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content.decode()


def member(world, email: str, name: str) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(email=email, password="x" * 12, name=name)
    Membership.objects.create(organization=world.org, user=user, role=Role.MEMBER)
    return user


@pytest.fixture
def scene(world) -> Scene:  # type: ignore[no-untyped-def]
    lena = member(world, "lena@acme.test", "Lena Morel")
    tom = member(world, "tom@acme.test", "Tom Girard")
    mia = member(world, "mia@acme.test", "Mia Lenoir")
    support = Team.objects.create(organization=world.org, name="Support", lead=lena)
    TeamMember.objects.create(team=support, user=world.bob)
    sales = Team.objects.create(organization=world.org, name="Sales")
    toms_objective = create_objective(
        world.org,
        tom,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Tom's plan",
        level=Level.TEAM,
        team=sales,
    )
    secret = create_objective(
        world.org,
        world.bob,
        parents=[world.company_objective, toms_objective],
        cycle=world.cycle,
        title=SECRET,
        level=Level.PERSON,
        visibility=Visibility.PRIVATE,
    )
    secret_kr = KeyResult.objects.create(
        objective=secret,
        title=SECRET_KR,
        owner=tom,
        start=Decimal(0),
        target=Decimal(10),
    )
    return Scene(world, secret, secret_kr, lena, tom, mia, toms_objective, sales)


HIDDEN_FROM = ["vera", "mia"]
VISIBLE_TO = ["bob", "tom", "adam", "alice"]


def user(scene: Scene, name: str) -> User:
    return getattr(scene, name, None) or getattr(scene.world, name)


def objective_url(objective: Objective) -> str:
    return f"/o/acme/objectives/{objective.pk}/"


def children_url(objective: Objective) -> str:
    return f"/o/acme/tree/{objective.pk}/children/"


# --- Hidden ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_its_page_is_404_for_someone_not_allowed(scene, name: str) -> None:
    response = scene.get(user(scene, name), objective_url(scene.secret))

    assert response.status_code == 404


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_its_key_result_page_is_404_for_someone_not_allowed(scene, name: str) -> None:
    response = scene.get(user(scene, name), f"/o/acme/key-results/{scene.secret_kr.pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_its_own_tree_children_endpoint_is_404_for_someone_not_allowed(scene, name) -> None:
    response = scene.get(user(scene, name), children_url(scene.secret))

    assert response.status_code == 404


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_tree_roots_do_not_count_it_for_someone_not_allowed(scene, name: str) -> None:
    html = scene.html(user(scene, name), "/o/acme/tree/")

    assert "2 aligned objectives" in html
    assert "3 aligned objectives" not in html
    assert SECRET not in html


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_tree_children_of_its_parents_leave_it_out(scene, name: str) -> None:
    for parent in (scene.world.company_objective, scene.toms_objective):
        html = scene.html(user(scene, name), children_url(parent))

        assert SECRET not in html, parent


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_tree_orphans_leave_it_out(scene, name: str) -> None:
    scene.secret.parents.clear()

    html = scene.html(user(scene, name), "/o/acme/tree/")

    assert SECRET not in html


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_tree_filters_leave_it_out(scene, name: str) -> None:
    html = scene.html(user(scene, name), f"/o/acme/tree/?owner={scene.world.bob.pk}")

    assert SECRET not in html


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_search_does_not_find_it(scene, name: str) -> None:
    html = scene.html(user(scene, name), "/o/acme/search/?q=secret")

    assert SECRET not in html
    assert SECRET_KR not in html


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_owners_person_page_leaves_it_out(scene, name: str) -> None:
    html = scene.html(user(scene, name), f"/o/acme/people/{scene.world.bob.pk}/")

    assert SECRET not in html


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_key_result_owners_page_leaves_it_out(scene, name: str) -> None:
    html = scene.html(user(scene, name), f"/o/acme/people/{scene.tom.pk}/")

    assert SECRET_KR not in html
    assert SECRET not in html


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_team_page_leaves_it_out(scene, name: str) -> None:
    Objective.objects.filter(pk=scene.secret.pk).update(team=scene.world.team)

    html = scene.html(user(scene, name), f"/o/acme/teams/{scene.world.team.pk}/")

    assert SECRET not in html


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_team_page_leaves_out_a_dependency_on_it(scene, name: str) -> None:
    Objective.objects.filter(pk=scene.secret.pk).update(team=scene.world.team)
    scene.secret.refresh_from_db()
    create_dependency(
        scene.tom,
        organization=scene.world.org,
        from_objective=scene.toms_objective,
        to_objective=scene.secret,
        note="Waiting on it",
    )

    html = scene.html(user(scene, name), f"/o/acme/teams/{scene.sales.pk}/")

    assert SECRET not in html
    assert "Waiting on it" not in html


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_parents_page_leaves_it_out(scene, name: str) -> None:
    html = scene.html(user(scene, name), objective_url(scene.world.company_objective))

    assert SECRET not in html


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_history_of_an_objective_depending_on_it_leaves_out_its_title(scene, name: str) -> None:
    Objective.objects.filter(pk=scene.secret.pk).update(team=scene.world.team)
    scene.secret.refresh_from_db()
    create_dependency(
        scene.tom,
        organization=scene.world.org,
        from_objective=scene.toms_objective,
        to_objective=scene.secret,
    )

    html = scene.html(user(scene, name), objective_url(scene.toms_objective))

    assert SECRET not in html


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_the_history_of_an_objective_aligned_to_it_leaves_out_its_title(scene, name: str) -> None:
    public = create_objective(
        scene.world.org,
        scene.world.bob,
        cycle=scene.world.cycle,
        title="Bob's public goal",
        level=Level.PERSON,
    )
    set_parents(public, [scene.secret], scene.world.bob)

    html = scene.html(user(scene, name), objective_url(public))

    assert SECRET not in html


def test_the_key_result_form_of_a_parent_does_not_offer_it(scene) -> None:
    KeyResult.objects.create(
        objective=scene.world.company_objective,
        title="Mia's share",
        owner=scene.mia,
        start=Decimal(0),
        target=Decimal(5),
    )

    html = scene.html(
        scene.mia, f"/o/acme/objectives/{scene.world.company_objective.pk}/key-results/new/"
    )

    assert SECRET not in html


# --- Visible -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", VISIBLE_TO)
def test_its_page_opens_for_someone_allowed(scene, name: str) -> None:
    html = scene.html(user(scene, name), objective_url(scene.secret))

    assert SECRET in html


@pytest.mark.parametrize("name", VISIBLE_TO)
def test_its_key_result_page_opens_for_someone_allowed(scene, name: str) -> None:
    html = scene.html(user(scene, name), f"/o/acme/key-results/{scene.secret_kr.pk}/")

    assert SECRET_KR in html


@pytest.mark.parametrize("name", VISIBLE_TO)
def test_the_search_finds_it_for_someone_allowed(scene, name: str) -> None:
    html = scene.html(user(scene, name), "/o/acme/search/?q=secret")

    assert SECRET in html


@pytest.mark.parametrize("name", VISIBLE_TO)
def test_the_tree_children_show_it_to_someone_allowed(scene, name: str) -> None:
    html = scene.html(user(scene, name), children_url(scene.toms_objective))

    assert SECRET in html


@pytest.mark.parametrize("name", ["adam", "alice"])
def test_the_tree_orphans_show_it_to_an_admin(scene, name: str) -> None:
    scene.secret.parents.clear()

    html = scene.html(user(scene, name), "/o/acme/tree/?orphans=1")

    assert SECRET in html[html.index("Objectives aligned to nothing") :]


@pytest.mark.parametrize("name", ["adam", "alice"])
def test_the_owners_person_page_shows_it_to_an_admin(scene, name: str) -> None:
    html = scene.html(user(scene, name), f"/o/acme/people/{scene.world.bob.pk}/")

    assert SECRET in html


@pytest.mark.parametrize("name", ["adam", "alice"])
def test_the_team_page_shows_it_to_an_admin(scene, name: str) -> None:
    Objective.objects.filter(pk=scene.secret.pk).update(team=scene.world.team)

    html = scene.html(user(scene, name), f"/o/acme/teams/{scene.world.team.pk}/")

    assert SECRET in html


def test_it_is_marked_private_for_those_who_see_it(scene) -> None:
    html = scene.html(scene.world.bob, objective_url(scene.secret))

    assert "Private" in html


def test_its_page_opens_for_the_lead_of_the_owners_team(scene) -> None:
    html = scene.html(scene.lena, objective_url(scene.secret))

    assert SECRET in html


def test_the_search_finds_it_for_the_lead_of_the_owners_team(scene) -> None:
    html = scene.html(scene.lena, "/o/acme/search/?q=secret")

    assert SECRET in html


def test_its_page_opens_for_the_lead_of_the_team_it_is_filed_under(scene) -> None:
    support = Team.objects.get(name="Support")
    Objective.objects.filter(pk=scene.secret.pk).update(team=support)

    html = scene.html(scene.lena, objective_url(scene.secret))

    assert SECRET in html
