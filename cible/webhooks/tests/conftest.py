"""Webhook fixtures: tasks queued but not run (each test sends what it means to, with the
time it chooses), an endpoint of Acme, and a real HTTP receiver on 127.0.0.1."""

import socket
from collections.abc import Iterator

import pytest

from cible.webhooks import services
from cible.webhooks.models import WebhookEndpoint, all_events

from .receiver import Receiver

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _queued_tasks(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = DUMMY
    # The receiver listens on 127.0.0.1, which the outbound guard refuses by default.
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def endpoint(world, receiver: Receiver) -> WebhookEndpoint:  # type: ignore[no-untyped-def]
    return services.create_endpoint(world.org, world.alice, receiver.url, all_events())


def free_port() -> int:
    """A loopback port nobody listens on (the OS just handed it out and took it back)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
