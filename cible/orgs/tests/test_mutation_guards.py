"""Every organisation-scoped POST endpoint: the outsider gets 404, the viewer gets 403, and
nothing changes in the database. Foreign objects reached through Acme's URLs are 404s too."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from cible.orgs.models import Invitation, Membership, Organization, Role, Team, TeamMember

pytestmark = pytest.mark.django_db


def fingerprint() -> dict[str, list[dict[str, Any]]]:
    """Everything the organisation endpoints may write, row by row."""
    return {
        model.__name__: [dict(row) for row in model.objects.order_by("pk").values()]
        for model in (Organization, Membership, Team, TeamMember, Invitation)
    }


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: Callable[[Any], str]
    data: Callable[[Any], dict[str, Any]]

    def __str__(self) -> str:
        return self.name


def _membership_pk(world, user) -> int:  # type: ignore[no-untyped-def]
    return Membership.objects.get(organization=world.org, user=user).pk


def _settings_data(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "name": "Hijacked",
        "language": "fr",
        "time_zone": "UTC",
        "checkin_weekday": 2,
        "score_display": "percent",
        "at_risk_gap": "0.10",
        "off_track_gap": "0.20",
        "at_risk_confidence": 5,
        "off_track_confidence": 3,
    }


ENDPOINTS = [
    Endpoint(
        "member_role",
        lambda w: f"/o/acme/members/{_membership_pk(w, w.bob)}/role/",
        lambda w: {"role": Role.OWNER},
    ),
    Endpoint("invitation_create", lambda w: "/o/acme/invitations/", lambda w: {"role": Role.OWNER}),
    Endpoint(
        "team_list",
        lambda w: "/o/acme/teams/",
        lambda w: {"name": "Rogue", "parent": w.team.pk, "lead": w.vera.pk},
    ),
    Endpoint(
        "team_edit",
        lambda w: f"/o/acme/teams/{w.team.pk}/edit/",
        lambda w: {"name": "Rogue", "lead": w.vera.pk},
    ),
    Endpoint(
        "team_member_add",
        lambda w: f"/o/acme/teams/{w.team.pk}/members/",
        lambda w: {"user": w.vera.pk},
    ),
    Endpoint(
        "team_member_remove",
        lambda w: f"/o/acme/teams/{w.team.pk}/members/{w.bob.pk}/remove/",
        lambda w: {},
    ),
    Endpoint("org_settings", lambda w: "/o/acme/settings/", _settings_data),
]

ADMIN_ONLY = {"member_role", "invitation_create", "team_list", "org_settings"}

ORG_LEAVE = Endpoint("org_leave", lambda w: "/o/acme/leave/", lambda w: {})


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, ORG_LEAVE], ids=str)
def test_the_outsider_gets_404_and_nothing_changes(world, endpoint: Endpoint) -> None:
    before = fingerprint()

    response = world.client_for(world.oscar).post(endpoint.url(world), endpoint.data(world))

    assert response.status_code == 404
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_the_viewer_gets_403_and_nothing_changes(world, endpoint: Endpoint) -> None:
    before = fingerprint()

    response = world.client_for(world.vera).post(endpoint.url(world), endpoint.data(world))

    assert response.status_code == 403
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.name in ADMIN_ONLY], ids=str)
def test_a_plain_member_gets_403_on_admin_endpoints_and_nothing_changes(
    world, endpoint: Endpoint
) -> None:
    before = fingerprint()

    response = world.client_for(world.bob).post(endpoint.url(world), endpoint.data(world))

    assert response.status_code == 403
    assert fingerprint() == before


def test_the_viewer_may_leave(world) -> None:
    response = world.client_for(world.vera).post(ORG_LEAVE.url(world))

    assert response.status_code == 302
    assert not Membership.objects.filter(organization=world.org, user=world.vera).exists()
    assert Membership.objects.filter(organization=world.org).count() == 3


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, ORG_LEAVE], ids=str)
def test_an_anonymous_post_is_sent_to_sign_in_and_nothing_changes(
    client, world, endpoint: Endpoint
) -> None:
    before = fingerprint()

    response = client.post(endpoint.url(world), endpoint.data(world))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, ORG_LEAVE], ids=str)
def test_the_outsider_gets_404_through_an_unknown_organisation(world, endpoint: Endpoint) -> None:
    before = fingerprint()
    url = endpoint.url(world).replace("/o/acme/", "/o/no-such-org/")

    response = world.client_for(world.alice).post(url, endpoint.data(world))

    assert response.status_code == 404
    assert fingerprint() == before


@pytest.fixture
def globex_team(world) -> Team:  # type: ignore[no-untyped-def]
    team = Team.objects.create(organization=world.other_org, name="Globex Ops", lead=world.oscar)
    TeamMember.objects.create(team=team, user=world.oscar)
    return team


FOREIGN_OBJECTS = [
    pytest.param(
        lambda w, t: f"/o/acme/members/{Membership.objects.get(user=w.oscar).pk}/role/",
        {"role": Role.VIEWER},
        id="member_role-on-a-globex-membership",
    ),
    pytest.param(
        lambda w, t: f"/o/acme/teams/{t.pk}/edit/",
        {"name": "Rogue"},
        id="team_edit-on-a-globex-team",
    ),
    pytest.param(
        lambda w, t: f"/o/acme/teams/{t.pk}/members/",
        {"user": "{bob}"},
        id="team_member_add-on-a-globex-team",
    ),
    pytest.param(
        lambda w, t: f"/o/acme/teams/{t.pk}/members/{w.oscar.pk}/remove/",
        {},
        id="team_member_remove-on-a-globex-team",
    ),
    pytest.param(
        lambda w, t: f"/o/acme/teams/{w.team.pk}/members/{w.oscar.pk}/remove/",
        {},
        id="team_member_remove-of-a-globex-person",
    ),
]

# The viewer is refused on Acme's own objects first (403, see above); on a Globex object the
# lookup fails before any permission check.
FOREIGN_OBJECTS_FOR_THE_VIEWER = FOREIGN_OBJECTS[:4]


@pytest.mark.parametrize(("url", "data"), FOREIGN_OBJECTS)
@pytest.mark.parametrize("name", ["alice", "adam"])
def test_a_foreign_object_through_acme_gets_404_and_nothing_changes(
    world, globex_team, url, data: dict[str, Any], name: str
) -> None:
    payload = {key: value.format(bob=world.bob.pk) for key, value in data.items()}
    before = fingerprint()

    response = world.client_for(getattr(world, name)).post(url(world, globex_team), payload)

    assert response.status_code == 404
    assert fingerprint() == before


@pytest.mark.parametrize(("url", "data"), FOREIGN_OBJECTS_FOR_THE_VIEWER)
def test_a_foreign_object_gets_404_for_the_viewer_too(
    world, globex_team, url, data: dict[str, Any]
) -> None:
    payload = {key: value.format(bob=world.bob.pk) for key, value in data.items()}
    before = fingerprint()

    response = world.client_for(world.vera).post(url(world, globex_team), payload)

    assert response.status_code == 404
    assert fingerprint() == before
