"""The people pickers (team member, team lead, the tree's owner filter): a select in a small
organisation, a search with a few suggestions past a few hundred people; without
JavaScript an e-mail or an exact name is enough."""

import pytest

from cible.lib import widgets
from cible.orgs.models import Membership, Role, TeamMember
from conftest import make_user

pytestmark = pytest.mark.django_db

SUGGEST = "/o/acme/people/suggest/"


def suggest(world, user, query: str, field: str = "user"):  # type: ignore[no-untyped-def]
    return world.client_for(user).get(SUGGEST, {f"{field}_search": query})


def picks(response) -> int:  # type: ignore[no-untyped-def]
    return response.content.decode().count("data-pick=")


@pytest.fixture
def large(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An organisation past the list limit, as far as the pickers know."""
    monkeypatch.setattr(widgets, "LIST_LIMIT", 2)


def test_a_member_gets_the_people_whose_name_or_email_holds_the_query(world) -> None:
    html = suggest(world, world.bob, "PET").content.decode()

    assert f'data-pick="{world.vera.pk}"' in html
    assert 'data-label="Vera Petit"' in html
    assert "vera@acme.test" in html
    assert "Alice" not in html

    assert f'data-pick="{world.adam.pk}"' in suggest(world, world.bob, "adam@").content.decode()


def test_people_of_another_organisation_are_never_suggested(world) -> None:
    response = suggest(world, world.bob, "Oscar")

    assert picks(response) == 0
    assert "Oscar" not in response.content.decode()


def test_a_viewer_may_search_and_an_outsider_gets_404(world) -> None:
    assert suggest(world, world.vera, "bob").status_code == 200
    assert suggest(world, world.oscar, "bob").status_code == 404
    assert world.client_for(None).get(SUGGEST, {"q": "bob"}).status_code == 302


def test_suggestions_are_bounded_and_say_that_more_match(world) -> None:
    for n in range(widgets.SUGGESTIONS + 3):
        user = make_user(f"zed{n}@acme.test", f"Zed {n}")
        Membership.objects.create(organization=world.org, user=user, role=Role.MEMBER)

    response = suggest(world, world.bob, "zed")

    assert picks(response) == widgets.SUGGESTIONS
    assert "More match" in response.content.decode()


def test_an_empty_query_suggests_nobody(world) -> None:
    assert picks(suggest(world, world.bob, "")) == 0


def test_a_small_organisation_keeps_its_select(world) -> None:
    html = world.client_for(world.bob).get(f"/o/acme/teams/{world.team.pk}/").content.decode()

    assert '<select name="user"' in html
    assert "user_search" not in html


def test_the_team_page_shows_searches_past_the_list_limit(world, large) -> None:
    html = world.client_for(world.bob).get(f"/o/acme/teams/{world.team.pk}/").content.decode()

    assert 'name="user_search"' in html
    assert f'hx-get="{SUGGEST}"' in html
    assert 'name="lead_search" value="Bob Durand"' in html  # the lead as it is
    assert f'name="lead" value="{world.bob.pk}"' in html
    assert "Vera Petit" not in html  # nobody is listed


def add(world, data: dict[str, object]):  # type: ignore[no-untyped-def]
    return world.client_for(world.bob).post(f"/o/acme/teams/{world.team.pk}/members/", data)


def test_a_picked_person_is_added(world, large) -> None:
    add(world, {"user": world.vera.pk, "user_search": "Vera Petit"})

    assert TeamMember.objects.filter(team=world.team, user=world.vera).exists()


@pytest.mark.parametrize("typed", ["vera@acme.test", " VERA PETIT ", str(0)])
def test_without_javascript_an_email_or_exact_name_is_enough(world, large, typed) -> None:
    if typed == "0":
        typed = str(world.vera.pk)

    add(world, {"user": "", "user_search": typed})

    assert TeamMember.objects.filter(team=world.team, user=world.vera).exists()


@pytest.mark.parametrize("typed", ["Vera", "oscar@globex.test", "nobody"])
def test_a_text_naming_no_one_person_of_the_organisation_is_refused(world, large, typed) -> None:
    client = world.client_for(world.bob)
    response = client.post(f"/o/acme/teams/{world.team.pk}/members/", {"user_search": typed})

    assert response.status_code == 302
    assert not TeamMember.objects.filter(team=world.team).exclude(user=world.bob).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Choose a person from the organisation." in page


def test_an_outsiders_id_is_refused_as_before(world, large) -> None:
    add(world, {"user": world.oscar.pk, "user_search": "Oscar"})

    assert not TeamMember.objects.filter(user=world.oscar).exists()


def test_the_lead_is_changed_through_the_search(world, large) -> None:
    response = world.client_for(world.alice).post(
        f"/o/acme/teams/{world.team.pk}/edit/",
        {"name": "Product", "lead": "", "lead_search": "vera@acme.test"},
    )

    assert response.status_code == 302
    world.team.refresh_from_db()
    assert world.team.lead == world.vera


def test_the_tree_filters_on_an_owner_typed_without_javascript(world, large) -> None:
    html = (
        world.client_for(world.bob)
        .get("/o/acme/tree/", {"owner": "", "owner_search": "alice@acme.test"})
        .content.decode()
    )

    assert 'name="owner_search" value="Alice Martin"' in html
    assert "Delight our customers" in html
    assert "Answer faster" not in html


def test_the_objective_and_key_result_forms_search_for_their_owner(world, large) -> None:
    client = world.client_for(world.bob)
    new = client.get("/o/acme/objectives/new/").content.decode()
    kr = client.get(f"/o/acme/objectives/{world.team_objective.pk}/key-results/new/")

    assert 'name="owner_search"' in new
    assert 'name="owner_search" value="Bob Durand"' in kr.content.decode()
