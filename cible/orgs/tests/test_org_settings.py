"""The organisation's settings: admins change them, everyone else reads them."""

from decimal import Decimal

import pytest

from cible.orgs.models import Organization

pytestmark = pytest.mark.django_db

URL = "/o/acme/settings/"


def data(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Acme Corp",
        "language": "fr",
        "time_zone": "America/New_York",
        "checkin_weekday": 4,
        "score_display": "percent",
        "at_risk_gap": "0.10",
        "off_track_gap": "0.40",
        "at_risk_confidence": 6,
        "off_track_confidence": 2,
    }
    values.update(overrides)
    return values


def org(world) -> Organization:  # type: ignore[no-untyped-def]
    return Organization.objects.get(pk=world.org.pk)


def snapshot(world) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return dict(Organization.objects.filter(pk=world.org.pk).values().get())


@pytest.mark.parametrize("name", ["alice", "adam"])
def test_admins_get_the_form(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(URL)

    assert response.status_code == 200
    assert '<form method="post" novalidate>' in response.content.decode()


@pytest.mark.parametrize("name", ["alice", "adam"])
def test_admins_save(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).post(URL, data())

    assert response.status_code == 302
    assert response["Location"] == URL
    saved = org(world)
    assert saved.name == "Acme Corp"
    assert saved.slug == "acme"
    assert saved.language == "fr"
    assert saved.time_zone == "America/New_York"
    assert saved.checkin_weekday == 4
    assert saved.score_display == "percent"
    assert saved.at_risk_gap == Decimal("0.10")
    assert saved.off_track_gap == Decimal("0.40")
    assert saved.at_risk_confidence == 6
    assert saved.off_track_confidence == 2


def test_saving_confirms(world) -> None:
    response = world.client_for(world.adam).post(URL, data(language="en"), follow=True)

    assert "Settings saved." in [str(m) for m in response.context["messages"]]


def test_invalid_thresholds_rerender_with_422_and_a_message(world) -> None:
    before = snapshot(world)

    response = world.client_for(world.adam).post(URL, data(at_risk_gap="0.5", off_track_gap="0.2"))

    assert response.status_code == 422
    assert "Must lie between the at-risk gap and 1." in response.content.decode()
    assert snapshot(world) == before


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"off_track_gap": "1.5"}, id="gap-above-one"),
        pytest.param({"at_risk_gap": "-0.1"}, id="negative-gap"),
        pytest.param({"at_risk_gap": "0.123"}, id="too-many-decimals"),
        pytest.param({"at_risk_gap": "abc"}, id="not-a-number"),
        pytest.param({"at_risk_confidence": 3, "off_track_confidence": 5}, id="confidence-order"),
        pytest.param({"at_risk_confidence": 11}, id="confidence-above-ten"),
        pytest.param({"checkin_weekday": 7}, id="unknown-weekday"),
        pytest.param({"score_display": "stars"}, id="unknown-score-display"),
        pytest.param({"language": "xx"}, id="unknown-language"),
        pytest.param({"name": ""}, id="empty-name"),
    ],
)
def test_other_invalid_input_rerenders_with_422(world, overrides: dict[str, object]) -> None:
    before = snapshot(world)

    response = world.client_for(world.adam).post(URL, data(**overrides))

    assert response.status_code == 422
    assert response.context["form"].errors
    assert snapshot(world) == before


@pytest.mark.parametrize("time_zone", ["Mars/Olympus_Mons", "", "UTC+2"])
def test_a_time_zone_not_in_the_list_rerenders_with_422(world, time_zone: str) -> None:
    before = snapshot(world)

    response = world.client_for(world.adam).post(URL, data(time_zone=time_zone))

    assert response.status_code == 422
    assert "time_zone" in response.context["form"].errors
    assert snapshot(world) == before


def test_a_time_zone_not_in_the_list_gets_a_message(world) -> None:
    response = world.client_for(world.adam).post(URL, data(time_zone="Mars/Olympus_Mons"))

    assert "Choose a time zone from the list." in response.content.decode()


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_members_and_viewers_see_it_read_only(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Only owners and admins can change these settings." in html
    assert '<form method="post" novalidate>' not in html
    assert "Europe/Paris" in html


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_members_and_viewers_get_403_on_post(world, name: str) -> None:
    before = snapshot(world)

    response = world.client_for(getattr(world, name)).post(URL, data())

    assert response.status_code == 403
    assert snapshot(world) == before


def test_the_outsider_gets_404(world) -> None:
    assert world.client_for(world.oscar).get(URL).status_code == 404


def test_the_outsider_gets_404_on_post(world) -> None:
    before = snapshot(world)

    response = world.client_for(world.oscar).post(URL, data())

    assert response.status_code == 404
    assert snapshot(world) == before
