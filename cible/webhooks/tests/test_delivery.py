"""Sending, against a real HTTP receiver on 127.0.0.1: the body arrives signed with the
endpoint's secret; an answer other than 2xx (or none: a timeout, a refused connection) is
recorded and retried after a growing wait, then the delivery fails; an attempt goes out
once, whoever claims it. Whatever the receiver does, the worker gets no exception."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cible.webhooks import sending, services, tasks, transport
from cible.webhooks.events import new_delivery
from cible.webhooks.models import DeliveryState, Event, WebhookDelivery, WebhookEndpoint

from .conftest import free_port

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def pending(endpoint: WebhookEndpoint, at: datetime = NOW) -> WebhookDelivery:
    """A check-in event waiting for its first attempt."""
    data = {"check_in": {"id": 1, "value": "3.5", "comment": "Été — ça avance"}}
    delivery = new_delivery(endpoint, Event.CHECK_IN_RECORDED, data, at, "acme")
    delivery.save()
    return delivery


def fresh(delivery: WebhookDelivery) -> WebhookDelivery:
    return WebhookDelivery.objects.get(pk=delivery.pk)


def later(**delta: float) -> datetime:
    return NOW + timedelta(**delta)


def test_the_body_arrives_signed_with_the_endpoint_secret(endpoint, receiver) -> None:
    delivery = pending(endpoint)

    assert sending.deliver(delivery.pk, 0, NOW) == "delivered"

    [got] = receiver.received
    assert got.path == "/hooks/t0k3n"
    assert got.headers["X-Cible-Event"] == "check_in.recorded"
    assert got.headers["X-Cible-Delivery"] == str(delivery.uuid)
    assert got.headers["X-Cible-Timestamp"] == str(int(NOW.timestamp()))
    assert got.headers["Content-Type"] == "application/json; charset=utf-8"
    signed = got.headers["X-Cible-Timestamp"].encode() + b"." + got.body
    expected = hmac.new(endpoint.secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(got.headers["X-Cible-Signature"], f"sha256={expected}")
    body = got.json()
    assert body["id"] == str(delivery.uuid)
    assert body["event"] == "check_in.recorded"
    assert body["organization"] == "acme"
    assert body["data"]["check_in"]["comment"] == "Été — ça avance"
    delivery = fresh(delivery)
    assert delivery.state == DeliveryState.DELIVERED
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (1, 200, "")
    assert delivery.delivered_at == NOW
    assert delivery.leased_until is None


def test_a_signature_made_with_another_secret_does_not_match(endpoint, receiver) -> None:
    sending.deliver(pending(endpoint).pk, 0, NOW)

    [got] = receiver.received
    timestamp = int(got.headers["X-Cible-Timestamp"])
    assert (
        transport.signature(endpoint.secret, timestamp, got.body)
        == (got.headers["X-Cible-Signature"])
    )
    assert (
        transport.signature("another secret", timestamp, got.body)
        != (got.headers["X-Cible-Signature"])
    )
    assert (
        transport.signature(endpoint.secret, timestamp + 1, got.body)
        != (got.headers["X-Cible-Signature"])
    )


def test_a_500_then_a_200_is_retried_after_a_minute_and_delivered_once(endpoint, receiver) -> None:
    receiver.script(500)
    delivery = pending(endpoint)

    assert sending.deliver(delivery.pk, 0, NOW) == "retry"
    delivery = fresh(delivery)
    assert delivery.state == DeliveryState.PENDING
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    assert delivery.last_error == "HTTP 500: ok"
    assert delivery.next_attempt_at == later(minutes=1)

    # Not due yet: the scheduler leaves it; a minute later it queues it, once.
    assert tasks.dispatch(later(seconds=59)) == 0
    assert tasks.dispatch(later(minutes=1)) == 1
    assert tasks.dispatch(later(minutes=1, seconds=1)) == 0
    queued = default_task_backend.results  # type: ignore[attr-defined]
    assert [r.args for r in queued] == [[delivery.pk, 1]]

    assert sending.deliver(delivery.pk, 1, later(minutes=1)) == "delivered"
    # A duplicate of that task, or a late one, finds the attempt taken.
    assert sending.deliver(delivery.pk, 1, later(minutes=2)) == "taken"
    assert sending.deliver(delivery.pk, 0, later(minutes=2)) == "taken"

    assert [r.headers["X-Cible-Delivery"] for r in receiver.received] == [str(delivery.uuid)] * 2
    delivery = fresh(delivery)
    assert delivery.state == DeliveryState.DELIVERED
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (2, 200, "")


def test_a_refused_connection_backs_off_then_fails(endpoint) -> None:
    endpoint.url = f"http://127.0.0.1:{free_port()}/hook"
    endpoint.save()
    delivery = pending(endpoint)
    waits = []
    at = NOW
    for attempt in range(sending.MAX_ATTEMPTS - 1):
        assert sending.deliver(delivery.pk, attempt, at) == "retry"
        delivery = fresh(delivery)
        waits.append(delivery.next_attempt_at - at)
        assert delivery.last_status_code is None
        assert "refused the connection" in delivery.last_error
        at = delivery.next_attempt_at

    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]
    assert sending.deliver(delivery.pk, sending.MAX_ATTEMPTS - 1, at) == "failed"
    delivery = fresh(delivery)
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == sending.MAX_ATTEMPTS
    assert delivery.last_error
    # A failed delivery is never queued again by itself.
    assert tasks.dispatch(at + timedelta(days=1)) == 0


def test_a_receiver_that_hangs_is_a_recorded_failure(endpoint, receiver, monkeypatch) -> None:
    monkeypatch.setattr(transport, "TIMEOUT", 0.3)
    receiver.script("hang")
    delivery = pending(endpoint)

    assert sending.deliver(delivery.pk, 0, NOW) == "retry"

    delivery = fresh(delivery)
    assert "did not answer within 0.3 seconds" in delivery.last_error
    assert delivery.last_status_code is None
    assert delivery.next_attempt_at == later(minutes=1)


@pytest.mark.parametrize(
    ("answer", "status", "error"),
    [
        ((302, {"Location": "http://127.0.0.1:1/elsewhere"}, b""), 302, "HTTP 302"),
        ((500, {}, b"\xff\xfe\x00 not utf-8 \xc3"), 500, "HTTP 500: \ufffd\ufffd"),
        ((503, {}, b"x" * 2_000_000), 503, "HTTP 503: " + "x" * transport.ANSWER_LIMIT),
    ],
    ids=["redirect", "not-utf8", "huge"],
)
def test_odd_answers_are_recorded_failures(endpoint, receiver, answer, status, error) -> None:
    receiver.script(answer)
    delivery = pending(endpoint)

    assert sending.deliver(delivery.pk, 0, NOW) == "retry"

    delivery = fresh(delivery)
    assert delivery.last_status_code == status
    assert delivery.last_error.startswith(error)
    assert len(delivery.last_error) <= 300
    assert len(receiver.received) == 1  # The redirect was not followed.


def test_a_huge_2xx_answer_is_delivered(endpoint, receiver) -> None:
    receiver.script((200, {}, b"y" * 2_000_000))

    assert sending.deliver(pending(endpoint).pk, 0, NOW) == "delivered"


def test_the_error_never_shows_the_address_token(endpoint) -> None:
    endpoint.url = f"http://127.0.0.1:{free_port()}/hooks/s3cr3t-t0k3n?key=abc123"
    endpoint.save()
    delivery = pending(endpoint)

    sending.deliver(delivery.pk, 0, NOW)

    error = fresh(delivery).last_error
    assert error
    assert "s3cr3t" not in error and "abc123" not in error


def test_a_retry_is_signed_with_the_secret_of_its_time(world, endpoint, receiver) -> None:
    receiver.script(500)
    delivery = pending(endpoint)
    sending.deliver(delivery.pk, 0, NOW)
    secret = services.rotate_secret(endpoint, world.alice)

    sending.deliver(delivery.pk, 1, later(minutes=1))

    first, second = receiver.received
    assert first.body == second.body
    timestamp = int(second.headers["X-Cible-Timestamp"])
    assert second.headers["X-Cible-Signature"] == transport.signature(
        secret, timestamp, second.body
    )
    assert first.headers["X-Cible-Signature"] != second.headers["X-Cible-Signature"]


def test_claiming_an_attempt_twice_gives_it_once(endpoint) -> None:
    delivery = pending(endpoint)

    assert sending.claim(delivery.pk, 0, NOW) is not None
    assert sending.claim(delivery.pk, 0, NOW) is None
    assert fresh(delivery).attempts == 1


def test_a_queued_delivery_is_not_queued_again_until_its_lease_ends(endpoint) -> None:
    delivery = pending(endpoint)

    assert tasks.dispatch(NOW) == 1
    assert tasks.dispatch(later(minutes=59)) == 0
    # Its task was lost (a worker died): an hour later the scheduler queues it again.
    assert tasks.dispatch(later(hours=1, minutes=1)) == 1
    queued = default_task_backend.results  # type: ignore[attr-defined]
    assert [r.args for r in queued] == [[delivery.pk, 0], [delivery.pk, 0]]


def test_a_paused_endpoint_fails_its_pending_deliveries_but_takes_a_ping(
    world, endpoint, receiver
) -> None:
    delivery = pending(endpoint)
    services.update_endpoint(endpoint, world.alice, active=False)
    ping = services.send_ping(endpoint, world.alice, NOW)

    assert sending.deliver(delivery.pk, 0, NOW) == "failed"
    assert sending.deliver(ping.pk, 0, NOW) == "delivered"

    assert fresh(delivery).last_error == "The webhook is paused."
    assert [r.headers["X-Cible-Event"] for r in receiver.received] == ["ping"]


def test_a_failed_delivery_can_be_sent_again_with_the_same_id(world, endpoint, receiver) -> None:
    receiver.script(500)
    delivery = pending(endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.FAILED, attempts=sending.MAX_ATTEMPTS, last_status_code=500
    )

    assert services.redeliver(fresh(delivery), world.adam, NOW)
    assert not services.redeliver(fresh(delivery), world.adam, NOW)  # Already pending.

    delivery = fresh(delivery)
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
    assert sending.deliver(delivery.pk, 0, NOW) == "retry"
    assert sending.deliver(delivery.pk, 1, later(minutes=1)) == "delivered"
    assert {r.json()["id"] for r in receiver.received} == {str(delivery.uuid)}


def test_old_finished_deliveries_leave_the_log(endpoint) -> None:
    old = pending(endpoint, at=NOW - timedelta(days=31))
    WebhookDelivery.objects.filter(pk=old.pk).update(state=DeliveryState.DELIVERED)
    old_pending = pending(endpoint, at=NOW - timedelta(days=31))
    recent = pending(endpoint, at=NOW - timedelta(days=29))
    WebhookDelivery.objects.filter(pk=recent.pk).update(state=DeliveryState.FAILED)

    tasks.dispatch(NOW)

    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {old_pending.pk, recent.pk}


def test_the_worker_pass_queues_due_deliveries(endpoint) -> None:
    delivery = pending(endpoint, at=timezone.now() - timedelta(minutes=1))

    call_command("worker", "--once")

    assert fresh(delivery).leased_until is not None
    queued = default_task_backend.results  # type: ignore[attr-defined]
    assert [r.args for r in queued if r.task.name == "send_webhook"] == [[delivery.pk, 0]]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_new_event_through_the_database_queue(world, receiver, settings) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    endpoint = services.create_endpoint(world.org, world.alice, receiver.url, [Event.CYCLE_CLOSED])
    ping = services.send_ping(endpoint, world.alice)  # Queued at once (autocommit).

    call_command("worker", "--once")

    assert fresh(ping).state == DeliveryState.DELIVERED
    assert [json.loads(r.body)["event"] for r in receiver.received] == ["ping"]
    results = DBTaskResult.objects.filter(task_path="cible.webhooks.tasks.send_webhook")
    assert list(results.values_list("status", flat=True)) == ["SUCCESSFUL"]
    assert connection.vendor in ("sqlite", "postgresql")


def _documented_verify():  # type: ignore[no-untyped-def]
    """The `verify` function of docs/webhooks.md, as a receiver would copy it."""
    text = (Path(settings.BASE_DIR).parent / "docs" / "webhooks.md").read_text()
    section = text[text.index("## Verifying a request") :]
    code = section[section.index("```python\n") + len("```python\n") :]
    namespace: dict[str, object] = {}
    exec(code[: code.index("```")], namespace)
    return namespace["verify"]


def test_the_documented_verification_accepts_a_real_request_and_refuses_the_rest(
    endpoint, receiver
) -> None:
    verify = _documented_verify()
    sending.deliver(pending(endpoint).pk, 0, NOW)
    [got] = receiver.received
    stamp, signature = got.headers["X-Cible-Timestamp"], got.headers["X-Cible-Signature"]
    now = NOW.timestamp()

    assert verify(endpoint.secret, stamp, signature, got.body, now=now + 10)
    assert not verify("wrong secret", stamp, signature, got.body, now=now)
    assert not verify(endpoint.secret, stamp, signature, got.body + b" ", now=now)
    assert not verify(endpoint.secret, stamp, signature, got.body, now=now + 301)
    assert not verify(endpoint.secret, str(int(stamp) + 1), signature, got.body, now=now)
    assert not verify(endpoint.secret, "", signature, got.body, now=now)


def test_an_address_the_guard_refuses_fails_at_once_with_the_reason(
    endpoint, receiver, settings
) -> None:
    settings.OUTBOUND_ALLOW = []
    delivery = pending(endpoint)

    assert sending.deliver(delivery.pk, 0, NOW) == "failed"

    delivery = fresh(delivery)
    assert receiver.received == []
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 1
    assert "is on a private or internal network" in delivery.last_error
    assert "CIBLE_OUTBOUND_ALLOW" in delivery.last_error
    assert "t0k3n" not in delivery.last_error
    assert tasks.dispatch(NOW + timedelta(days=1)) == 0


def test_the_refusal_shows_on_the_webhooks_page(world, endpoint, receiver, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OUTBOUND_ALLOW = []
    sending.deliver(pending(endpoint).pk, 0, NOW)

    page = world.client_for(world.alice).get(
        reverse("webhook_detail", args=[world.org.slug, endpoint.pk])
    )

    assert "is on a private or internal network" in page.content.decode()
