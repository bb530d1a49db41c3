"""Check-in reminders go to exactly the owners who have not checked in, exactly once."""

from datetime import timedelta
from decimal import Decimal

import pytest

from cible.checkins.services import record_check_in
from cible.notifications import services, tasks
from cible.notifications.models import Delivery, DeliveryStatus, Kind, Round
from cible.notifications.tasks import send_delivery
from cible.okrs.services import archive_key_result
from cible.orgs.models import Role

from .conftest import add_key_result, add_member, later, of_kind

pytestmark = pytest.mark.django_db


def reminded(outbox) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(address for message in of_kind(outbox) for address in message.to)


@pytest.fixture
def crowd(world, slot):  # type: ignore[no-untyped-def]
    """Around bob (member, owner of world.kr, never checked in):

    carol owns a KR but muted her reminders; dan owns nothing; erin checked in her KR after
    last week's slot; frank checked in his only before it; vera is a viewer who owns a KR;
    alice's only KR is archived."""
    previous = slot - timedelta(days=7)
    carol = add_member(world.org, "carol", reminders_muted=True)
    add_key_result(world, carol, "Carol's KR")
    add_member(world.org, "dan")
    erin = add_member(world.org, "erin")
    erins = add_key_result(world, erin, "Erin's KR")
    record_check_in(erins, erin, Decimal(3), at=later(previous, hours=2))
    frank = add_member(world.org, "frank")
    franks = add_key_result(world, frank, "Frank's KR")
    record_check_in(franks, frank, Decimal(3), at=later(previous, minutes=-1))
    add_key_result(world, world.vera, "Vera's KR")
    archive_key_result(add_key_result(world, world.alice, "Alice's KR"), world.alice)
    return world


def test_only_owners_who_have_not_checked_in_are_reminded(crowd, slot, mailoutbox) -> None:
    tasks.dispatch(later(slot, minutes=1))

    assert reminded(mailoutbox) == ["bob@acme.test", "frank@acme.test"]


def test_each_reminder_is_recorded_as_sent(crowd, slot, mailoutbox) -> None:
    now = later(slot, minutes=1)

    tasks.dispatch(now)

    rows = Delivery.objects.filter(kind=Kind.REMINDER).order_by("user__email")
    assert [(d.recipient, d.status, d.attempts) for d in rows] == [
        ("bob@acme.test", DeliveryStatus.SENT, 1),
        ("frank@acme.test", DeliveryStatus.SENT, 1),
    ]
    assert {d.period for d in rows} == {slot.date().isoformat()}
    assert all(d.sent_at is not None and d.last_error == "" for d in rows)


def test_running_the_scheduler_twice_sends_each_reminder_once(crowd, slot, mailoutbox) -> None:
    tasks.dispatch(later(slot, minutes=1))
    tasks.dispatch(later(slot, minutes=2))
    tasks.dispatch(later(slot, hours=5))

    assert reminded(mailoutbox) == ["bob@acme.test", "frank@acme.test"]
    assert Round.objects.filter(organization=crowd.org, kind=Kind.REMINDER).count() == 1


def test_two_schedulers_planning_the_same_week_plan_it_once(world, slot) -> None:
    now = later(slot, minutes=1)

    first = services.due_reminders(now)
    second = services.due_reminders(now)

    assert (first, second) == (1, 0)
    assert Delivery.objects.count() == 1


def test_two_workers_claiming_the_same_delivery_get_it_once(world, slot) -> None:
    now = later(slot, minutes=1)
    services.due_reminders(now)
    delivery = Delivery.objects.get()

    first = services.claim(delivery.pk, 0, now)
    second = services.claim(delivery.pk, 0, now)

    assert first is not None
    assert second is None


def test_the_sending_task_run_twice_sends_once(world, slot, mailoutbox) -> None:
    services.due_reminders(later(slot, minutes=1))
    delivery = Delivery.objects.get()

    results = [send_delivery.call(delivery.pk, 0), send_delivery.call(delivery.pk, 0)]

    assert results == ["sent", "taken"]
    assert len(of_kind(mailoutbox)) == 1


def test_a_queued_delivery_is_not_queued_again(world, slot, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    now = later(slot, minutes=1)
    services.due_reminders(now)

    assert tasks.enqueue_pending(now) == 1
    assert tasks.enqueue_pending(later(now, minutes=1)) == 0
    # The queued task was lost (its lease ran out): the row is queued again.
    assert tasks.enqueue_pending(later(now, hours=2)) == 1


def test_someone_who_checks_in_before_the_mail_leaves_is_not_reminded(
    world, slot, mailoutbox
) -> None:
    now = later(slot, minutes=1)
    services.due_reminders(now)
    record_check_in(world.kr, world.bob, Decimal(2), at=now)

    tasks.enqueue_pending(now)

    assert of_kind(mailoutbox) == []
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED


def test_someone_who_mutes_before_the_mail_leaves_is_not_reminded(world, slot, mailoutbox) -> None:
    now = later(slot, minutes=1)
    services.due_reminders(now)
    services.set_reminders_muted(world.bob.memberships.get(), True)

    tasks.enqueue_pending(now)

    assert of_kind(mailoutbox) == []


def test_the_reminder_lists_only_the_key_results_still_to_check_in(world, slot, mailoutbox) -> None:
    other = add_key_result(world, world.bob, "Ship the help centre")
    record_check_in(other, world.bob, Decimal(4), at=later(slot, days=-2))

    tasks.dispatch(later(slot, minutes=1))

    [message] = of_kind(mailoutbox)
    assert "Cut first response time" in message.body
    assert "Ship the help centre" not in message.body


def test_the_reminder_links_to_the_check_in_page(world, slot, mailoutbox, settings) -> None:
    settings.SITE_URL = "https://okr.example.org/"

    tasks.dispatch(later(slot, minutes=1))

    [message] = of_kind(mailoutbox)
    assert message.subject == "Acme: 1 key result to check in"
    assert "https://okr.example.org/o/acme/check-in/" in message.body
    assert "https://okr.example.org/o/acme/notifications/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://okr.example.org/o/acme/check-in/"' in html
    assert "<strong>Cut first response time</strong>" in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_html_reminder_escapes_titles(world, slot, mailoutbox) -> None:
    add_key_result(world, world.bob, "<script>alert(1)</script>")

    tasks.dispatch(later(slot, minutes=1))

    [message] = of_kind(mailoutbox)
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" in message.body


def test_a_french_organisation_gets_french_reminders(world, slot, mailoutbox) -> None:
    world.org.language = "fr"
    world.org.save()

    tasks.dispatch(later(slot, minutes=1))

    [message] = of_kind(mailoutbox)
    assert message.subject == "Acme\u00a0: 1 résultat clé à mettre à jour"
    assert "Bonjour Bob Durand," in message.body
    assert "Faites le point" in message.body
    assert "Bonjour Bob Durand," in message.alternatives[0][0]


def test_the_language_of_the_scheduler_does_not_leak(world, slot, mailoutbox) -> None:
    from django.utils import translation

    world.org.language = "fr"
    world.org.save()

    with translation.override("en"):
        tasks.dispatch(later(slot, minutes=1))
        assert translation.get_language() == "en"


def test_a_member_who_left_is_not_reminded(world, slot, mailoutbox) -> None:
    world.bob.memberships.all().delete()

    tasks.dispatch(later(slot, minutes=1))

    assert of_kind(mailoutbox) == []


def test_a_viewer_is_never_reminded(world, slot, mailoutbox) -> None:
    world.bob.memberships.update(role=Role.VIEWER)

    tasks.dispatch(later(slot, minutes=1))

    assert of_kind(mailoutbox) == []


def test_the_other_organisations_are_left_alone(world, slot, mailoutbox) -> None:
    tasks.dispatch(later(slot, minutes=1))

    assert not Delivery.objects.filter(organization=world.other_org).exists()
    assert [m.to for m in of_kind(mailoutbox)] == [["bob@acme.test"]]
