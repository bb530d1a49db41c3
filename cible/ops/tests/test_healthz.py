"""/healthz: the database, the cache and the task queue, for load balancers and monitors."""

import json
from typing import Any

import pytest
from django.db import OperationalError, connections
from django.test import Client

from cible.notifications.tasks import send_delivery
from cible.samples.cluster import free_port

pytestmark = pytest.mark.django_db

# A cache that cannot be reached: Redis on a loopback port where nothing listens.
UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:{port}/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def health(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_it_is_200_when_every_check_passes_without_signing_in(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        status, body = health(client)

    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())


def test_it_reports_the_queue_backlog_without_failing_on_it(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    send_delivery.enqueue(1, 0)
    send_delivery.enqueue(2, 0)

    status, body = health(client)

    assert status == 200
    tasks = body["checks"]["tasks"]
    assert tasks["ready"] == 2
    assert tasks["oldest_ready_seconds"] >= 0


def test_a_cache_that_is_down_makes_it_503(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    caches = json.loads(json.dumps(UNREACHABLE_CACHE).replace("{port}", str(free_port())))
    settings.CACHES = caches

    status, body = health(client)

    assert status == 503
    assert body["status"] == "failing"
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["database"]["ok"] is True


def test_a_database_that_is_down_makes_it_503_without_telling_its_secrets(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise OperationalError('connection to "db.internal" failed for user "cible_admin"')

    monkeypatch.setattr(connections["default"], "cursor", refused)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["tasks"]["ok"] is False
    assert body["checks"]["cache"]["ok"] is True
    assert b"db.internal" not in response.content
    assert b"cible_admin" not in response.content


def test_it_answers_head_and_refuses_post(client: Client) -> None:
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
