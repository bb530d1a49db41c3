"""Answering a dependency from the pages: the team asked accepts it from its lead's view
of either team's page, the objective's page or the weekly meeting; htmx swaps the row,
without JavaScript the form posts and comes back. Bad answers are form errors that change
nothing; viewers get 403, other organisations 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cible.accounts.models import User
from cible.okrs.models import Dependency, DependencyState, Level
from cible.okrs.services import create_dependency, create_objective
from cible.orgs.models import Membership, Role, Team

pytestmark = pytest.mark.django_db


def answer_url(dependency: Dependency) -> str:
    return f"/o/acme/dependencies/{dependency.pk}/state/"


def answer(world, user, dependency, headers=None, **data):  # type: ignore[no-untyped-def]
    return world.client_for(user).post(answer_url(dependency), data, headers=headers or {})


def state_of(dependency: Dependency) -> str:
    return Dependency.objects.get(pk=dependency.pk).state


def test_the_providers_lead_accepts_and_comes_back(world, sam, dependency) -> None:
    back = f"/o/acme/teams/{dependency.to_objective.team_id}/#dependency-{dependency.pk}"
    response = answer(world, sam, dependency, state="accepted", comment="Week 6", next=back)

    assert response.status_code == 302
    assert response["Location"] == back
    assert state_of(dependency) == DependencyState.ACCEPTED


def test_an_unsafe_next_goes_to_the_provider_objective(world, sam, dependency) -> None:
    response = answer(world, sam, dependency, state="accepted", next="https://evil.test/")

    assert response["Location"] == dependency.to_objective.get_absolute_url() + "#dependencies"


def test_htmx_gets_the_row_back_with_the_next_moves(world, sam, dependency) -> None:
    response = answer(world, sam, dependency, {"HX-Request": "true"}, state="accepted", side="in")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<li id="dependency-{dependency.pk}"')
    assert 'value="done"' in html and 'value="declined"' in html
    assert 'value="accepted"' not in html


def test_a_decline_without_a_reason_is_a_form_error(world, sam, dependency) -> None:
    response = answer(world, sam, dependency, state="declined", comment=" ")

    assert response.status_code == 422
    assert "Say why the dependency is declined." in response.content.decode()
    assert state_of(dependency) == DependencyState.PROPOSED


def test_an_unknown_state_is_a_form_error(world, sam, dependency) -> None:
    response = answer(world, sam, dependency, {"HX-Request": "true"}, state="exploded")

    assert response.status_code == 422
    assert state_of(dependency) == DependencyState.PROPOSED


def test_the_requester_may_not_accept_its_own_request(world, dependency) -> None:
    response = answer(world, world.bob, dependency, state="accepted")

    assert response.status_code == 422
    assert "Only the team this dependency asks may do that." in response.content.decode()
    assert state_of(dependency) == DependencyState.PROPOSED


def test_the_requester_marks_an_accepted_dependency_done(world, dependency) -> None:
    Dependency.objects.filter(pk=dependency.pk).update(state=DependencyState.ACCEPTED)

    response = answer(world, world.bob, dependency, state="done", comment="Received")

    assert response.status_code == 302
    assert state_of(dependency) == DependencyState.DONE


def test_a_member_on_neither_side_gets_403(world, dependency) -> None:
    kim = User.objects.create_user(email="kim@acme.test", password="x" * 12, name="Kim")
    Membership.objects.create(organization=world.org, user=kim, role=Role.MEMBER)

    assert answer(world, kim, dependency, state="accepted").status_code == 403
    assert state_of(dependency) == DependencyState.PROPOSED


def test_a_viewer_gets_403(world, dependency) -> None:
    assert answer(world, world.vera, dependency, state="accepted").status_code == 403
    assert state_of(dependency) == DependencyState.PROPOSED


def test_an_outsider_gets_404(world, dependency) -> None:
    assert answer(world, world.oscar, dependency, state="accepted").status_code == 404
    assert state_of(dependency) == DependencyState.PROPOSED


def test_answering_needs_a_post(world, sam, dependency) -> None:
    assert world.client_for(sam).get(answer_url(dependency)).status_code == 405


# --- Where it shows -------------------------------------------------------------------------


def page(world, user, path: str) -> str:  # type: ignore[no-untyped-def]
    response = world.client_for(user).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_both_team_pages_show_the_state_and_only_the_provider_gets_the_buttons(
    world, sam, sales, dependency
) -> None:
    product, sales_page = f"/o/acme/teams/{world.team.pk}/", f"/o/acme/teams/{sales.pk}/"

    for path in (product, sales_page):
        assert "Proposed" in page(world, world.vera, path)
    assert 'value="accepted"' in page(world, sam, sales_page)
    assert 'value="accepted"' in page(world, sam, product)
    assert 'value="accepted"' not in page(world, world.bob, product)
    assert 'value="accepted"' not in page(world, world.vera, sales_page)


def test_the_answer_and_its_comment_show_on_both_objective_pages(world, sam, dependency) -> None:
    answer(world, sam, dependency, state="declined", comment="No one free this quarter")

    for objective in (dependency.from_objective, dependency.to_objective):
        html = page(world, world.vera, objective.get_absolute_url())
        assert "Declined" in html
        assert "No one free this quarter" in html
        assert "Sam Leroy" in html


def test_the_weekly_meeting_lists_the_teams_dependencies(world, sam, sales, dependency) -> None:
    html = page(world, sam, f"/o/acme/teams/{sales.pk}/meeting/")

    assert f'id="dependency-{dependency.pk}"' in html
    assert 'value="accepted"' in html


def test_the_french_page_says_it_in_french(world, sam, sales, dependency) -> None:
    client = world.client_for(sam)
    client.cookies["django_language"] = "fr"
    html = client.get(f"/o/acme/teams/{sales.pk}/", headers={"Accept-Language": "fr"})

    text = html.content.decode()
    assert "Accepter" in text
    assert "Proposée" in text or "Proposé" in text


# --- Cost -------------------------------------------------------------------------------


def _more_dependencies(world, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        team = Team.objects.create(organization=world.org, name=f"Team {n}", lead=world.bob)
        theirs = create_objective(
            world.org, world.alice, cycle=world.cycle, title=f"T{n}", level=Level.TEAM, team=team
        )
        create_dependency(
            world.alice,
            organization=world.org,
            from_objective=world.team_objective,
            to_objective=theirs,
        )


def _queries(world, user, path: str) -> int:  # type: ignore[no-untyped-def]
    client = world.client_for(user)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["bob", "sam"])
def test_the_objective_and_team_pages_cost_the_same_with_more_dependencies(
    world, sam, dependency, who
) -> None:
    user = sam if who == "sam" else world.bob
    paths = [world.team_objective.get_absolute_url(), f"/o/acme/teams/{world.team.pk}/"]
    before = [_queries(world, user, path) for path in paths]
    _more_dependencies(world, 4)

    assert [_queries(world, user, path) for path in paths] == before
