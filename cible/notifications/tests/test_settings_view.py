"""Each person mutes or resumes their own reminders; outsider 404, viewer 403."""

import pytest

from cible.orgs.models import Membership

pytestmark = pytest.mark.django_db

URL = "/o/acme/notifications/"


def muted(world, user) -> bool:  # type: ignore[no-untyped-def]
    return Membership.objects.get(organization=world.org, user=user).reminders_muted


@pytest.mark.parametrize("name", ["alice", "adam", "bob", "vera"])
def test_members_see_the_page(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(URL)

    assert response.status_code == 200
    assert "Next one: Monday" in response.content.decode()


def test_a_member_mutes_and_resumes_their_reminders(world) -> None:
    client = world.client_for(world.bob)

    response = client.post(URL, {"muted": "1"}, follow=True)

    assert muted(world, world.bob)
    assert "Reminders muted." in [str(m) for m in response.context["messages"]]
    assert "Turn my reminders back on" in response.content.decode()
    assert not muted(world, world.alice)

    client.post(URL, {"muted": "0"})

    assert not muted(world, world.bob)


def test_muting_twice_keeps_them_muted(world) -> None:
    client = world.client_for(world.bob)

    client.post(URL, {"muted": "1"})
    response = client.post(URL, {"muted": "1"})

    assert response.status_code == 302
    assert muted(world, world.bob)


def test_the_lead_is_told_about_the_digest(world) -> None:
    response = world.client_for(world.bob).get(URL)

    assert "As the lead of Product, you also get a weekly digest" in response.content.decode()


@pytest.mark.parametrize("value", ["", "maybe", "2"])
def test_bad_input_rerenders_with_422_and_changes_nothing(world, value: str) -> None:
    response = world.client_for(world.bob).post(URL, {"muted": value})

    assert response.status_code == 422
    assert "Choose to mute your reminders or to turn them back on." in response.content.decode()
    assert not muted(world, world.bob)


def test_the_viewer_gets_403_on_post(world) -> None:
    response = world.client_for(world.vera).post(URL, {"muted": "1"})

    assert response.status_code == 403
    assert not muted(world, world.vera)


def test_the_outsider_gets_404(world) -> None:
    client = world.client_for(world.oscar)

    assert client.get(URL).status_code == 404
    assert client.post(URL, {"muted": "1"}).status_code == 404
    assert not Membership.objects.filter(reminders_muted=True).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(world) -> None:
    response = world.client_for(None).post(URL, {"muted": "1"})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
