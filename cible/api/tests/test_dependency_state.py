"""Answering a dependency through the API: the same moves, sides and comment rules as the
pages; the state it already has is a safe retry; a bad answer is a 422 naming its field
and changes nothing."""

from decimal import Decimal

import pytest

from cible.accounts.models import User
from cible.checkins.services import record_check_in
from cible.okrs.models import Change, Dependency, DependencyState, Level
from cible.okrs.services import create_dependency, create_key_result, create_objective
from cible.orgs.models import Membership, Role, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(world) -> User:  # type: ignore[no-untyped-def]
    sam = User.objects.create_user(email="sam@acme.test", password="x" * 12, name="Sam Leroy")
    Membership.objects.create(organization=world.org, user=sam, role=Role.MEMBER)
    return sam


@pytest.fixture
def dependency(world, sam) -> Dependency:  # type: ignore[no-untyped-def]
    sales = Team.objects.create(organization=world.org, name="Sales", lead=sam)
    theirs = create_objective(
        world.org, world.alice, cycle=world.cycle, title="Open", level=Level.TEAM, team=sales
    )
    return create_dependency(
        world.bob, organization=world.org, from_objective=world.team_objective, to_objective=theirs
    )


def put(api, dependency, **body):  # type: ignore[no-untyped-def]
    return api.call("PUT", f"/orgs/acme/dependencies/{dependency.pk}/state", body)


def test_the_team_asked_accepts(world, sam, dependency, api_for) -> None:
    response = put(api_for(sam), dependency, state="accepted", comment="Week 6")

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["comment"], body["changed_by"]) == ("accepted", "Week 6", sam.pk)
    assert body["at_risk"] is False
    assert Dependency.objects.get().state == DependencyState.ACCEPTED


def test_the_same_state_again_is_a_safe_retry(world, sam, dependency, api_for) -> None:
    api = api_for(sam)
    with_answer = put(api, dependency, state="accepted", comment="Week 6").json()

    again = put(api, dependency, state="accepted", comment="Week 6")

    assert again.status_code == 200
    assert again.json() == with_answer
    assert Change.objects.filter(action="dependency").count() == 2  # the request, one answer


def test_a_decline_without_a_comment_names_the_field(world, sam, dependency, api_for) -> None:
    response = put(api_for(sam), dependency, state="declined")

    assert response.status_code == 422
    assert "comment" in response.content.decode()
    assert Dependency.objects.get().state == DependencyState.PROPOSED


def test_the_requester_may_not_accept(world, dependency, api_for) -> None:
    response = put(api_for(world.bob), dependency, state="accepted")

    assert response.status_code == 422
    assert "state" in response.content.decode()


def test_an_unknown_state_names_the_field(world, sam, dependency, api_for) -> None:
    response = put(api_for(sam), dependency, state="maybe")

    assert response.status_code == 422
    assert "state" in response.content.decode()


def test_a_viewer_gets_403_and_an_outsider_404(world, dependency, api_for) -> None:
    assert put(api_for(world.vera), dependency, state="accepted").status_code == 403
    assert put(api_for(world.oscar), dependency, state="accepted").status_code == 404
    assert Dependency.objects.get().state == DependencyState.PROPOSED


def test_the_list_says_a_dependency_is_at_risk_when_its_provider_is_off_track(
    world, sam, dependency, api_for
) -> None:
    kr = create_key_result(
        dependency.to_objective, title="Pricing page", start=Decimal(0), target=Decimal(10)
    )
    Dependency.objects.filter(pk=dependency.pk).update(to_key_result=kr)
    # Halfway through the cycle, still at the start, with a low confidence: off track.
    record_check_in(kr, sam, Decimal(0), 2)

    [row] = api_for(world.vera).get("/orgs/acme/dependencies").json()["items"]

    assert row["at_risk"] is True
