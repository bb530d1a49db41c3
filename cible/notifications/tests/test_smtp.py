"""Against a real SMTP server on loopback: the mail arrives; a failing server gets the
delivery retried with back-off, then recorded as failed with its error, never lost."""

import logging
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cible.notifications import services, tasks
from cible.notifications.models import Delivery, DeliveryStatus, Kind

from .conftest import free_port, later, smtp_mailers

pytestmark = pytest.mark.django_db


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = smtp_mailers(port)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def dead_server(settings) -> int:  # type: ignore[no-untyped-def]
    """A loopback port with nothing listening: every connection is refused."""
    port = free_port()
    settings.MAILERS = smtp_mailers(port)
    return port


def reminder(world) -> Delivery:  # type: ignore[no-untyped-def]
    return Delivery.objects.get(organization=world.org, user=world.bob, kind=Kind.REMINDER)


def test_the_reminder_arrives_at_the_smtp_server(world, slot, smtp_server) -> None:
    tasks.dispatch(later(slot, minutes=1))

    reminders = [m for m in smtp_server.messages if m["X-Cible-Notification"] == "reminder"]
    [message] = reminders
    assert message["To"] == "bob@acme.test"
    assert message["Subject"] == "Acme: 1 key result to check in"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and "Cut first response time" in text.get_content()
    assert html is not None and "/o/acme/check-in/" in html.get_content()
    assert reminder(world).status == DeliveryStatus.SENT


def test_a_failed_send_is_retried_with_back_off_then_recorded_as_failed(
    world, slot, dead_server, caplog
) -> None:
    now = later(slot, minutes=1)
    services.due_reminders(now)
    delivery = reminder(world)

    for attempt in range(services.MAX_ATTEMPTS):
        assert services.deliver(delivery.pk, attempt, now) in ("retry", "failed")
        delivery.refresh_from_db()
        assert delivery.attempts == attempt + 1
        assert "ConnectionRefusedError" in delivery.last_error
        if attempt + 1 < services.MAX_ATTEMPTS:
            assert delivery.status == DeliveryStatus.PENDING
            assert delivery.next_attempt_at == now + services.BACKOFF[attempt]
            now = delivery.next_attempt_at

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.sent_at is None
    assert services.deliver(delivery.pk, services.MAX_ATTEMPTS, now) == "taken"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(warnings) == services.MAX_ATTEMPTS - 1
    assert "bob@acme.test" in errors[0].getMessage()
    assert "after 5 attempts" in errors[0].getMessage()


def test_the_scheduler_waits_out_the_back_off_before_retrying(
    world, slot, dead_server, settings
) -> None:
    now = later(slot, minutes=1)
    services.due_reminders(now)
    delivery = reminder(world)
    services.deliver(delivery.pk, 0, now)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

    assert tasks.enqueue_pending(later(now, seconds=59)) == 0
    assert tasks.enqueue_pending(later(now, minutes=1)) == 1


def test_the_mail_goes_out_once_the_server_is_back(world, slot, dead_server, settings) -> None:
    now = later(slot, minutes=1)
    services.due_reminders(now)
    delivery = reminder(world)
    assert services.deliver(delivery.pk, 0, now) == "retry"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=dead_server)
    controller.start()
    try:
        tasks.dispatch(later(now, minutes=1))
    finally:
        controller.stop()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    assert [m["To"] for m in inbox.messages if m["X-Cible-Notification"] == "reminder"] == [
        "bob@acme.test"
    ]
