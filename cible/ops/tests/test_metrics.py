"""/metrics: absent unless CIBLE_METRICS is on, behind CIBLE_METRICS_TOKEN when set."""

from decimal import Decimal

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from cible.checkins.services import record_check_in
from cible.notifications.tasks import send_delivery

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def metrics_on(settings):  # type: ignore[no-untyped-def]
    settings.METRICS = True
    settings.METRICS_TOKEN = ""
    return settings


def test_it_is_not_found_when_metrics_are_off(client: Client) -> None:
    assert client.get("/metrics").status_code == 404


def test_it_counts_requests_by_view_and_status(metrics_on) -> None:  # type: ignore[no-untyped-def]
    client = Client()  # its middleware is loaded now, with metrics on
    labels = {"view": "healthz", "method": "GET", "status": "200"}
    before = sample("cible_http_requests_total", **labels)
    timed = sample("cible_http_request_duration_seconds_count", view="healthz")

    client.get("/healthz")
    client.get("/healthz")
    client.get("/no/such/page/")
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert sample("cible_http_requests_total", **labels) == before + 2
    assert sample("cible_http_request_duration_seconds_count", view="healthz") == timed + 2
    unmatched = {"view": "<unmatched>", "method": "GET", "status": "404"}
    assert sample("cible_http_requests_total", **unmatched) >= 1
    text = response.content.decode()
    assert 'cible_http_requests_total{method="GET",status="200",view="healthz"}' in text


def test_it_counts_check_ins(metrics_on, world) -> None:  # type: ignore[no-untyped-def]
    before = sample("cible_check_ins_total")

    record_check_in(world.kr, world.bob, Decimal("1.5"), confidence=7)

    assert sample("cible_check_ins_total") == before + 1


def test_check_ins_are_not_counted_while_metrics_are_off(world) -> None:  # type: ignore[no-untyped-def]
    before = sample("cible_check_ins_total")

    record_check_in(world.kr, world.bob, Decimal("1.5"), confidence=7)

    assert sample("cible_check_ins_total") == before


def test_it_shows_the_tasks_waiting_in_the_queue(metrics_on) -> None:  # type: ignore[no-untyped-def]
    metrics_on.TASKS = DATABASE_TASKS
    for delivery in (1, 2, 3):
        send_delivery.enqueue(delivery, 0)

    text = Client().get("/metrics").content.decode()

    assert 'cible_tasks_ready{queue="default"} 3.0' in text


def test_with_a_token_only_its_bearer_gets_them(metrics_on) -> None:  # type: ignore[no-untyped-def]
    metrics_on.METRICS_TOKEN = "s3cret-scrape-token"
    client = Client()

    missing = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    basic = client.get("/metrics", headers={"Authorization": "Basic s3cret-scrape-token"})
    right = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})

    assert [missing.status_code, wrong.status_code, basic.status_code] == [401, 401, 401]
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert b"cible_" not in missing.content
    assert right.status_code == 200
    assert b"cible_http_requests_total" in right.content
