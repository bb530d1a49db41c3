"""Creating an organisation: its creator becomes owner; bad input creates nothing."""

import pytest

from cible.accounts.models import User
from cible.orgs.models import Membership, Organization, Role
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/organisations/new/"


@pytest.fixture
def founder(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user(email="founder@initech.test", password=PASSWORD, name="Fay")


@pytest.fixture
def founder_client(founder):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(founder)
    return client


def data(**overrides: str) -> dict[str, str]:
    values = {"name": "Initech", "language": "en", "time_zone": "Europe/Paris"}
    values.update(overrides)
    return values


def test_the_form_renders(founder_client) -> None:
    response = founder_client.get(URL)

    assert response.status_code == 200
    assert 'name="time_zone"' in response.content.decode()


def test_it_creates_an_organisation(founder_client) -> None:
    response = founder_client.post(URL, data(language="fr", time_zone="America/Montreal"))

    org = Organization.objects.get(name="Initech")
    assert response.status_code == 302
    assert response["Location"] == "/o/initech/start/"
    assert org.slug == "initech"
    assert org.language == "fr"
    assert org.time_zone == "America/Montreal"


def test_the_creator_becomes_owner(founder_client, founder) -> None:
    founder_client.post(URL, data())

    membership = Membership.objects.get(organization__name="Initech")
    assert membership.user == founder
    assert membership.role == Role.OWNER


def test_the_creator_lands_on_the_new_organisation(founder_client) -> None:
    response = founder_client.post(URL, data(), follow=True)

    assert response.status_code == 200
    assert response.context["org"].name == "Initech"


def test_a_taken_name_gets_a_distinct_short_name(world) -> None:
    response = world.client_for(world.oscar).post(URL, data(name="Acme"))

    assert response["Location"] == "/o/acme-2/start/"
    new = Organization.objects.get(slug="acme-2")
    assert new.memberships.get().user == world.oscar
    assert not world.org.memberships.filter(user=world.oscar).exists()


def test_a_member_of_another_organisation_can_create_one(world) -> None:
    world.client_for(world.bob).post(URL, data())

    assert Membership.objects.get(organization__slug="initech").user == world.bob
    assert Membership.objects.get(organization=world.org, user=world.bob).role == Role.MEMBER


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"name": ""}, id="empty-name"),
        pytest.param({"name": "   "}, id="blank-name"),
        pytest.param({"language": "xx"}, id="unknown-language"),
        pytest.param({"language": ""}, id="empty-language"),
        pytest.param({"time_zone": ""}, id="empty-time-zone"),
    ],
)
def test_bad_input_rerenders_with_422_and_creates_nothing(
    founder_client, overrides: dict[str, str]
) -> None:
    before = Organization.objects.count()

    response = founder_client.post(URL, data(**overrides))

    assert response.status_code == 422
    assert response.context["form"].errors
    assert Organization.objects.count() == before
    assert not Membership.objects.exists()


@pytest.mark.parametrize("time_zone", ["Mars/Olympus_Mons", "not a zone"])
def test_a_bogus_time_zone_rerenders_with_422_and_creates_nothing(
    founder_client, time_zone: str
) -> None:
    response = founder_client.post(URL, data(time_zone=time_zone))

    assert response.status_code == 422
    assert "Choose a time zone from the list." in response.content.decode()
    assert not Organization.objects.filter(name="Initech").exists()
    assert not Membership.objects.exists()


def test_an_anonymous_post_creates_nothing(client, db) -> None:
    response = client.post(URL, data())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Organization.objects.exists()


def test_the_new_organisation_gets_the_default_thresholds(founder_client) -> None:
    from decimal import Decimal

    founder_client.post(URL, data())

    org = Organization.objects.get(name="Initech")
    assert org.at_risk_gap == Decimal("0.15")
    assert org.off_track_gap == Decimal("0.30")
