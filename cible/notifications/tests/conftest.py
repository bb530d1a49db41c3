"""Notification fixtures: tasks run at once, and this week's check-in slot of Acme
(Monday 09:00, Europe/Paris, the defaults)."""

import socket
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cible.accounts.models import User
from cible.notifications.services import week_slot
from cible.okrs.models import KeyResult
from cible.okrs.services import create_key_result
from cible.orgs.models import Membership, Organization, Role

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = IMMEDIATE
    # The test chat servers listen on 127.0.0.1, which the outbound guard refuses by default.
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]


@pytest.fixture
def slot(world) -> datetime:  # type: ignore[no-untyped-def]
    """This week's check-in slot of Acme, already passed or not."""
    return week_slot(world.org, timezone.now())


def add_member(org: Organization, name: str, role: str = Role.MEMBER, **fields: object) -> User:
    user = User.objects.create_user(email=f"{name}@acme.test", password="x", name=name.title())
    Membership.objects.create(organization=org, user=user, role=role, **fields)
    return user


def add_key_result(world, owner: User, title: str, **fields: object) -> KeyResult:  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {"kind": "increase", "start": Decimal(0), "target": Decimal(10)}
    values.update(fields)
    return create_key_result(world.team_objective, owner=owner, title=title, **values)


def free_port() -> int:
    """A loopback port nobody listens on (the OS just handed it out and took it back)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def smtp_mailers(port: int) -> dict[str, object]:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }


def of_kind(outbox: list, kind: str = "reminder") -> list:  # type: ignore[type-arg]
    return [m for m in outbox if m.extra_headers.get("X-Cible-Notification") == kind]


def later(moment: datetime, **delta: float) -> datetime:
    return moment + timedelta(**delta)
