"""Initiatives beyond the objective's page: on their owner's page, in the weekly meeting's
agenda, on the check-in page ("what did you do", moved along with the check-in) and in the
cycle report."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cible.insights.cycle_report import build_report
from cible.insights.report_markdown import render_markdown
from cible.okrs.models import Initiative
from cible.okrs.services import create_initiative
from cible.orgs.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def chatbot(world) -> Initiative:  # type: ignore[no-untyped-def]
    return create_initiative(
        world.team_objective,
        world.bob,
        key_result=world.kr,
        title="Add a <b>chatbot</b>",
        state="in_progress",
    )


def html(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.content.decode()


def test_the_owners_page_lists_their_initiatives(world, chatbot) -> None:
    page = html(world.client_for(world.vera).get(f"/o/acme/people/{world.bob.pk}/"))

    assert "Add a &lt;b&gt;chatbot&lt;/b&gt;" in page
    assert f"#initiative-{chatbot.pk}" in page


def test_the_owners_page_hides_the_initiatives_of_private_objectives(world) -> None:
    from cible.okrs.services import create_objective

    secret = create_objective(
        world.org,
        world.adam,
        cycle=world.cycle,
        title="Secret",
        level="person",
        visibility="private",
    )
    create_initiative(secret, world.adam, title="Secret initiative")

    page = html(world.client_for(world.vera).get(f"/o/acme/people/{world.adam.pk}/"))

    assert "Secret initiative" not in page


def test_the_weekly_meeting_shows_each_key_results_initiatives(world, chatbot) -> None:
    page = html(world.client_for(world.vera).get(f"/o/acme/teams/{world.team.pk}/meeting/"))

    agenda = page[page.index(f'id="agenda-{world.kr.pk}"') :]
    assert "Add a &lt;b&gt;chatbot&lt;/b&gt;" in agenda
    assert "In progress" in agenda


def test_the_meeting_costs_the_same_with_more_initiatives(world, chatbot) -> None:
    client = world.client_for(world.bob)
    url = f"/o/acme/teams/{world.team.pk}/meeting/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(10):
        create_initiative(world.team_objective, world.bob, key_result=world.kr, title=f"I{number}")
    with CaptureQueriesContext(connection) as eleven:
        client.get(url)
    assert len(eleven) == len(one)


def test_the_check_in_page_asks_what_was_done(world, chatbot) -> None:
    page = html(world.client_for(world.bob).get("/o/acme/check-in/"))

    assert "What did you do for" in page
    assert f'name="initiative-{chatbot.pk}"' in page


def test_the_check_in_moves_initiatives_along(world, chatbot) -> None:
    data = {f"initiative-{chatbot.pk}": "done"}

    response = world.client_for(world.bob).post("/o/acme/check-in/", data)

    assert response.status_code == 302
    chatbot.refresh_from_db()
    assert chatbot.state == "done"


def test_an_unknown_state_on_the_check_in_page_records_nothing(world, chatbot) -> None:
    data = {f"kr-{world.kr.pk}-value": "1.5", f"initiative-{chatbot.pk}": "finished"}

    response = world.client_for(world.bob).post("/o/acme/check-in/", data)

    assert response.status_code == 422
    assert "Choose one of the states." in response.content.decode()
    chatbot.refresh_from_db()
    assert chatbot.state == "in_progress"
    world.kr.refresh_from_db()
    assert str(world.kr.current) != "1.5000"


def test_the_cycle_report_tells_the_initiatives_apart_from_the_scores(world, chatbot) -> None:
    create_initiative(world.team_objective, world.bob, title="Train the team", state="done")
    membership = Membership.objects.get(organization=world.org, user=world.alice)

    report = build_report(membership, world.cycle)

    assert report.initiative_count == 2
    assert dict(report.initiative_states) == {
        "Planned": 0,
        "In progress": 1,
        "Done": 1,
        "Dropped": 0,
    }
    page = html(world.client_for(world.alice).get(f"/o/acme/cycles/{world.cycle.pk}/report/"))
    assert "not counted in any progress or score" in page
    assert "Train the team" in page
    assert "Train the team" in render_markdown(report)


def test_the_key_results_page_lists_its_initiatives(world, chatbot) -> None:
    page = html(world.client_for(world.vera).get(world.kr.get_absolute_url()))

    assert "Add a &lt;b&gt;chatbot&lt;/b&gt;" in page
    assert "Add an initiative" not in page
    owner_page = html(world.client_for(world.bob).get(world.kr.get_absolute_url()))
    assert f"initiatives/new/?kr={world.kr.pk}" in owner_page
