"""Admins set the reminder time next to the check-in day."""

from datetime import time

import pytest

from cible.orgs.models import Organization

pytestmark = pytest.mark.django_db

URL = "/o/acme/settings/"

DATA = {
    "name": "Acme",
    "language": "en",
    "time_zone": "Europe/Paris",
    "checkin_weekday": 2,
    "score_display": "decimal",
    "at_risk_gap": "0.15",
    "off_track_gap": "0.30",
    "at_risk_confidence": 5,
    "off_track_confidence": 3,
}


def test_an_admin_sets_the_reminder_time(world) -> None:
    response = world.client_for(world.adam).post(URL, DATA | {"checkin_time": "16:30"})

    assert response.status_code == 302
    org = Organization.objects.get(pk=world.org.pk)
    assert (org.checkin_weekday, org.checkin_time) == (2, time(16, 30))


def test_the_form_shows_a_time_field(world) -> None:
    html = world.client_for(world.alice).get(URL).content.decode()

    assert 'type="time" name="checkin_time" value="09:00"' in html


def test_left_out_the_time_stays_as_it_was(world) -> None:
    world.org.checkin_time = time(7, 45)
    world.org.save()

    world.client_for(world.adam).post(URL, DATA)

    assert Organization.objects.get(pk=world.org.pk).checkin_time == time(7, 45)


@pytest.mark.parametrize("value", ["25:00", "noon", "9h"])
def test_a_bad_time_rerenders_with_422(world, value: str) -> None:
    response = world.client_for(world.adam).post(URL, DATA | {"checkin_time": value})

    assert response.status_code == 422
    assert "checkin_time" in response.context["form"].errors
    assert Organization.objects.get(pk=world.org.pk).checkin_time == time(9, 0)


def test_the_settings_page_links_to_ones_own_reminders(world) -> None:
    html = world.client_for(world.bob).get(URL).content.decode()

    assert 'href="/o/acme/notifications/"' in html
