"""When reminders are due: this week's check-in day and time, in the organisation's zone."""

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest

from cible.checkins.services import record_check_in
from cible.notifications import services, tasks
from cible.orgs.models import Organization, Weekday

from .conftest import later, of_kind


def org(zone: str, weekday: int, at: time) -> Organization:
    return Organization(time_zone=zone, checkin_weekday=weekday, checkin_time=at)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


NEW_YORK_FRIDAY = org("America/New_York", Weekday.FRIDAY, time(16, 0))


def test_nothing_is_due_before_the_slot() -> None:
    # Friday 27 November 2026, 15:59 in New York (UTC-5).
    assert services.due_slot(NEW_YORK_FRIDAY, utc(2026, 11, 27, 20, 59)) is None


def test_the_slot_is_due_once_passed() -> None:
    slot = services.due_slot(NEW_YORK_FRIDAY, utc(2026, 11, 27, 21, 0))

    assert slot == utc(2026, 11, 27, 21, 0)
    assert slot is not None and slot.date().isoformat() == "2026-11-27"


def test_it_stays_due_for_the_rest_of_the_week() -> None:
    # Sunday 29 November, 23:59 in New York, is still in Friday's week.
    slot = services.due_slot(NEW_YORK_FRIDAY, utc(2026, 11, 30, 4, 59))

    assert slot == utc(2026, 11, 27, 21, 0)


def test_a_new_week_starts_on_monday_in_the_organisations_time_zone() -> None:
    # Monday 30 November 00:00 in New York: next Friday's slot is ahead, nothing is due.
    assert services.due_slot(NEW_YORK_FRIDAY, utc(2026, 11, 30, 5, 0)) is None


def test_the_same_instant_is_a_different_day_in_another_zone() -> None:
    tokyo = org("Asia/Tokyo", Weekday.SATURDAY, time(8, 0))
    # Friday 27 November 23:30 UTC is Saturday 08:30 in Tokyo.
    assert services.due_slot(tokyo, utc(2026, 11, 27, 23, 30)) == utc(2026, 11, 27, 23, 0)
    assert services.due_slot(tokyo, utc(2026, 11, 27, 22, 59)) is None


def test_the_local_time_holds_across_a_daylight_saving_change() -> None:
    paris = org("Europe/Paris", Weekday.MONDAY, time(9, 0))
    winter = services.week_slot(paris, utc(2027, 3, 22, 12, 0))
    summer = services.week_slot(paris, utc(2027, 3, 29, 12, 0))

    assert (winter, summer) == (utc(2027, 3, 22, 8, 0), utc(2027, 3, 29, 7, 0))
    assert services.previous_slot(paris, "2027-03-29") == utc(2027, 3, 22, 8, 0)


def test_the_next_slot_is_this_weeks_or_next_weeks() -> None:
    assert services.next_slot(NEW_YORK_FRIDAY, utc(2026, 11, 27, 20, 0)) == utc(2026, 11, 27, 21)
    assert services.next_slot(NEW_YORK_FRIDAY, utc(2026, 11, 27, 21, 0)) == utc(2026, 12, 4, 21)


def test_an_unknown_time_zone_falls_back_to_the_sites() -> None:
    broken = org("Mars/Olympus_Mons", Weekday.MONDAY, time(9, 0))

    assert services.week_slot(broken, utc(2026, 11, 24)).tzinfo is not None


@pytest.mark.django_db
def test_before_the_slot_nothing_after_it_sent_a_week_later_sent_again(world, mailoutbox) -> None:
    world.org.time_zone = "America/New_York"
    world.org.checkin_weekday = Weekday.WEDNESDAY
    world.org.checkin_time = time(17, 30)
    world.org.save()
    slot = services.week_slot(world.org, datetime.now(UTC))

    tasks.dispatch(later(slot, minutes=-1))
    assert of_kind(mailoutbox) == []

    tasks.dispatch(slot)
    assert [m.to for m in of_kind(mailoutbox)] == [["bob@acme.test"]]

    tasks.dispatch(later(slot, days=3))
    assert len(of_kind(mailoutbox)) == 1

    tasks.dispatch(later(slot, days=7))
    assert [m.to for m in of_kind(mailoutbox)] == [["bob@acme.test"]] * 2


@pytest.mark.django_db
def test_a_check_in_during_the_week_spares_next_weeks_reminder(world, mailoutbox) -> None:
    slot = services.week_slot(world.org, datetime.now(UTC))
    tasks.dispatch(slot)
    record_check_in(world.kr, world.bob, Decimal(2), at=later(slot, days=2))

    tasks.dispatch(later(slot, days=7))

    assert len(of_kind(mailoutbox)) == 1


@pytest.mark.django_db
def test_the_slot_follows_the_organisations_time_zone(world, mailoutbox) -> None:
    world.org.time_zone = "Pacific/Auckland"
    world.org.save()
    slot = services.week_slot(world.org, datetime.now(UTC))

    assert slot.utcoffset() is not None
    assert slot.astimezone(UTC).hour in (20, 21)  # 09:00 in Auckland, UTC+12 or +13

    tasks.dispatch(later(slot, seconds=-1))
    assert of_kind(mailoutbox) == []
    tasks.dispatch(slot)
    assert len(of_kind(mailoutbox)) == 1
