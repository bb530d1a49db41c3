"""Two teams and a dependency between them: Product (bob leads it) asks Sales (sam leads
it) for something."""

import pytest

from cible.accounts.models import User
from cible.okrs.models import Dependency, Level, Objective
from cible.okrs.services import create_dependency, create_objective
from cible.orgs.models import Membership, Role, Team, TeamMember


@pytest.fixture
def sam(world) -> User:  # type: ignore[no-untyped-def]
    sam = User.objects.create_user(email="sam@acme.test", password="x" * 12, name="Sam Leroy")
    Membership.objects.create(organization=world.org, user=sam, role=Role.MEMBER)
    return sam


@pytest.fixture
def sales(world, sam) -> Team:  # type: ignore[no-untyped-def]
    team = Team.objects.create(organization=world.org, name="Sales", lead=sam)
    TeamMember.objects.create(team=team, user=sam)
    return team


@pytest.fixture
def sales_objective(world, sales) -> Objective:  # type: ignore[no-untyped-def]
    return create_objective(
        world.org,
        world.alice,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Open the new market",
        level=Level.TEAM,
        team=sales,
    )


@pytest.fixture
def dependency(world, sales_objective) -> Dependency:  # type: ignore[no-untyped-def]
    return create_dependency(
        world.bob,
        organization=world.org,
        from_objective=world.team_objective,
        to_objective=sales_objective,
        note="The pricing page",
    )
