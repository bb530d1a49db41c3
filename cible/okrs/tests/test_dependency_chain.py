"""At risk from a dependency, and the chain across teams: Product waits for Sales, Sales
waits for Platform, and Platform's key result is off track. Sales' key results are at
risk from that dependency (their own numbers look fine); Product's chain shows the path
down to Platform."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cible.checkins.services import record_check_in
from cible.okrs import rules
from cible.okrs.models import Dependency, DependencyState, KeyResult, Level, Objective
from cible.okrs.services import create_dependency, create_key_result, create_objective
from cible.orgs.models import Team

pytestmark = pytest.mark.django_db


def test_the_rule_counts_awaited_dependencies_of_off_track_providers() -> None:
    assert rules.at_risk_from_dependency("proposed", "off_track")
    assert rules.at_risk_from_dependency("accepted", "off_track")
    assert not rules.at_risk_from_dependency("done", "off_track")
    assert not rules.at_risk_from_dependency("declined", "off_track")
    assert not rules.at_risk_from_dependency("accepted", "at_risk")
    assert not rules.at_risk_from_dependency("accepted", None)


@pytest.fixture
def platform(world) -> Objective:  # type: ignore[no-untyped-def]
    team = Team.objects.create(organization=world.org, name="Platform")
    return create_objective(
        world.org, world.alice, cycle=world.cycle, title="A stable API", level=Level.TEAM, team=team
    )


@pytest.fixture
def platform_kr(world, platform) -> KeyResult:  # type: ignore[no-untyped-def]
    kr = create_key_result(
        platform, owner=world.alice, title="Uptime work", start=Decimal(0), target=Decimal(10)
    )
    # Halfway through the cycle, still at the start, little confidence: off track.
    record_check_in(kr, world.alice, Decimal(0), 2)
    return kr


@pytest.fixture
def sales_kr(world, sales_objective) -> KeyResult:  # type: ignore[no-untyped-def]
    kr = create_key_result(
        sales_objective,
        owner=world.alice,
        title="Sign ten clients",
        start=Decimal(0),
        target=Decimal(10),
    )
    record_check_in(kr, world.alice, Decimal(6), 8)  # ahead of pace: on track
    return kr


@pytest.fixture
def chain(world, dependency, sales_objective, sales_kr, platform, platform_kr) -> Dependency:  # type: ignore[no-untyped-def]
    return create_dependency(
        world.alice,
        organization=world.org,
        from_objective=sales_objective,
        from_key_result=sales_kr,
        to_objective=platform,
        to_key_result=platform_kr,
        note="The API before the clients",
    )


def html(world, path: str) -> str:  # type: ignore[no-untyped-def]
    response = world.client_for(world.vera).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_depending_key_result_is_at_risk_from_the_dependency(
    world, chain, sales_objective, sales_kr
) -> None:
    page = html(world, sales_objective.get_absolute_url())

    kr_line = page[page.index(f'id="kr-{sales_kr.pk}"') :]
    kr_line = kr_line[: kr_line.index("</li>")]
    assert "At risk from a dependency" in kr_line
    assert "waits for Platform (A stable API), which is off track" in kr_line


def test_a_done_dependency_puts_nothing_at_risk(world, chain, sales_objective) -> None:
    Dependency.objects.filter(pk=chain.pk).update(state=DependencyState.DONE)

    assert "At risk from a dependency" not in html(world, sales_objective.get_absolute_url())


def test_the_team_page_and_the_meeting_show_it_too(world, chain, sales, sam) -> None:
    assert "At risk from a dependency" in html(world, f"/o/acme/teams/{sales.pk}/")
    meeting = world.client_for(sam).get(f"/o/acme/teams/{sales.pk}/meeting/").content.decode()
    assert "waits for Platform (A stable API), which is off track" in meeting


def test_the_chain_goes_down_to_the_off_track_team(world, chain, platform) -> None:
    page = html(world, f"/o/acme/objectives/{world.team_objective.pk}/dependencies/chain/")

    start = page.index('class="critical-path"')
    path = page[start : page.index("</ol>", start)]
    assert path.index("Answer faster") < path.index("Open the new market")
    assert path.index("Open the new market") < path.index("A stable API")
    assert "for 2 dependencies on 2 team(s)" in page
    assert "1 of them is off track" in page
    assert "step 2" in page


def test_the_chain_shows_who_waits_upstream(world, chain, platform) -> None:
    page = html(world, f"/o/acme/objectives/{platform.pk}/dependencies/chain/")

    upstream = page[page.index('id="upstream"') :]
    assert "Open the new market" in upstream and "Answer faster" in upstream
    assert "This objective waits for no other team." in page


def test_a_declined_link_cuts_the_chain(world, chain, dependency) -> None:
    Dependency.objects.filter(pk=dependency.pk).update(state=DependencyState.DECLINED)

    page = html(world, f"/o/acme/objectives/{world.team_objective.pk}/dependencies/chain/")

    assert "This objective waits for no other team." in page


def test_the_chain_says_it_in_french(world, chain) -> None:
    client = world.client_for(world.vera)
    response = client.get(
        f"/o/acme/objectives/{world.team_objective.pk}/dependencies/chain/",
        headers={"Accept-Language": "fr"},
    )
    page = response.content.decode()
    assert "Chemin critique" in page
    assert "en retard" in page


def _queries(world, path: str) -> int:  # type: ignore[no-untyped-def]
    client = world.client_for(world.vera)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_chain_costs_the_same_however_long(world, chain, platform) -> None:
    path = f"/o/acme/objectives/{world.team_objective.pk}/dependencies/chain/"
    before = _queries(world, path)
    previous = platform
    for n in range(3):
        team = Team.objects.create(organization=world.org, name=f"Team {n}")
        nxt = create_objective(
            world.org,
            world.alice,
            cycle=world.cycle,
            title=f"Link {n}",
            level=Level.TEAM,
            team=team,
        )
        create_dependency(
            world.alice, organization=world.org, from_objective=previous, to_objective=nxt
        )
        previous = nxt

    assert _queries(world, path) == before
    assert "Link 2" in html(world, path)
