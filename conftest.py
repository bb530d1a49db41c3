"""Shared fixtures: one organisation with named people, and an outsider from another.

- alice: owner of Acme        - bob: member of Acme (lead of Product)
- adam: admin of Acme         - vera: viewer of Acme
- oscar: owner of Globex, a stranger to Acme
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from cible.accounts.models import User
from cible.okrs.models import Cycle, KeyResult, Level, Objective
from cible.okrs.services import create_key_result, create_objective
from cible.orgs.models import Membership, Organization, Role, Team, TeamMember

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a request through the test client leaves
    its language active in the test's thread, which would leak into the next test."""
    translation.deactivate()
    yield
    translation.deactivate()


@dataclass
class World:
    org: Organization
    other_org: Organization
    alice: User
    adam: User
    bob: User
    vera: User
    oscar: User
    team: Team
    cycle: Cycle
    company_objective: Objective
    team_objective: Objective
    kr: KeyResult
    foreign_objective: Objective

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def make_user(email: str, name: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, name=name)


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


def build_world() -> World:
    """The world, outside a fixture: for a module that builds it once (and rolls it back)."""
    alice = make_user("alice@acme.test", "Alice Martin")
    adam = make_user("adam@acme.test", "Adam Roux")
    bob = make_user("bob@acme.test", "Bob Durand")
    vera = make_user("vera@acme.test", "Vera Petit")
    oscar = make_user("oscar@globex.test", "Oscar Stranger")
    org = Organization.objects.create(name="Acme", slug="acme")
    other = Organization.objects.create(name="Globex", slug="globex")
    for user, role in (
        (alice, Role.OWNER),
        (adam, Role.ADMIN),
        (bob, Role.MEMBER),
        (vera, Role.VIEWER),
    ):
        Membership.objects.create(organization=org, user=user, role=role)
    Membership.objects.create(organization=other, user=oscar, role=Role.OWNER)
    team = Team.objects.create(organization=org, name="Product", lead=bob)
    TeamMember.objects.create(team=team, user=bob)
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        organization=org,
        name="Now",
        kind="custom",
        state="active",
        start=today - timedelta(days=45),
        end=today + timedelta(days=45),
    )
    company = create_objective(
        org, alice, cycle=cycle, title="Delight our customers", level=Level.COMPANY
    )
    team_objective = create_objective(
        org, bob, parents=[company], cycle=cycle, title="Answer faster", level=Level.TEAM, team=team
    )
    kr = create_key_result(
        team_objective,
        owner=bob,
        title="Cut first response time",
        kind="decrease",
        start=Decimal(4),
        target=Decimal(1),
        current=Decimal(2),
        unit="h",
    )
    other_cycle = Cycle.objects.create(
        organization=other,
        name="Q",
        kind="quarter",
        start=date(2026, 10, 1),
        end=date(2026, 12, 31),
    )
    foreign = create_objective(
        other, oscar, cycle=other_cycle, title="Globex secret", level=Level.COMPANY
    )
    return World(
        org, other, alice, adam, bob, vera, oscar, team, cycle, company, team_objective, kr, foreign
    )
