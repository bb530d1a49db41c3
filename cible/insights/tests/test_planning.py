"""The planning helpers beside the forms: the target suggestion of a key result being
written and the recall of close titles' retrospectives, in French and English; bad input
is a message, never a 500; the queries do not grow with the history."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cible.checkins.models import Review, ReviewKind
from cible.insights.recall import recall
from cible.okrs.models import Cycle, CycleState, KeyResult, Level, Objective
from cible.orgs.models import Membership
from conftest import World

pytestmark = pytest.mark.django_db


def past(world: World, name: str = "Last quarter", weeks_ago: int = 0) -> Cycle:
    end = world.cycle.start - timedelta(weeks=weeks_ago)
    return Cycle.objects.create(
        organization=world.org,
        name=name,
        kind=world.cycle.kind,
        state=CycleState.CLOSED,
        start=end - timedelta(days=90),
        end=end,
    )


def past_objective(world: World, cycle: Cycle, title: str, score: str, **fields) -> Objective:  # type: ignore[no-untyped-def]
    return Objective.objects.create(
        organization=world.org,
        cycle=cycle,
        title=title,
        level=Level.TEAM,
        team=world.team,
        owner=world.bob,
        score=D(score),
        **fields,
    )


def suggestion_url(world: World, query: str) -> str:
    return f"/o/acme/objectives/{world.team_objective.pk}/target-suggestion/?{query}"


def test_the_suggestion_is_shown_with_its_button(world: World) -> None:
    past_objective(world, past(world), "Answer fast", "0.95")
    response = world.client_for(world.bob).get(
        suggestion_url(world, "kind=increase&start=0&target=100&title=Calls&unit=")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your team reached 0.95 on average" in text
    assert 'data-fill-field="id_target" data-fill-value="146"' in text
    assert "Use this target" in text


def test_the_suggestion_in_french(world: World) -> None:
    past_objective(world, past(world), "Answer fast", "0.3")
    client = world.client_for(world.bob)
    response = client.get(
        suggestion_url(world, "kind=increase&start=0&target=100"), HTTP_ACCEPT_LANGUAGE="fr"
    )
    text = response.content.decode()
    assert "Votre équipe a atteint 0,30" in text
    assert "Utiliser cette cible" in text


@pytest.mark.parametrize(
    "query",
    [
        "kind=increase&start=NaN&target=100",
        "kind=increase&start=0&target=Infinity",
        "kind=increase&start=abc",
        "kind=increase&start=1" + "0" * 40,
        "kind=sideways&start=0&target=1",
        "",
    ],
)
def test_bad_numbers_are_a_message(world: World, query: str) -> None:
    response = world.client_for(world.bob).get(suggestion_url(world, query))
    assert response.status_code == 200
    assert "Type numbers for the start and the target" in response.content.decode()


def test_a_milestone_is_told_why_there_is_none(world: World) -> None:
    response = world.client_for(world.bob).get(
        suggestion_url(world, "kind=milestone&start=0&target=1")
    )
    assert "A milestone is done or not" in response.content.decode()
    assert "Use this target" not in response.content.decode()


def test_who_may_not_edit_may_not_ask(world: World) -> None:
    query = "kind=increase&start=0&target=100"
    assert world.client_for(world.vera).get(suggestion_url(world, query)).status_code == 403
    assert world.client_for(world.oscar).get(suggestion_url(world, query)).status_code == 404


def test_the_suggestion_queries_are_constant(world: World) -> None:
    client = world.client_for(world.bob)
    url = suggestion_url(world, "kind=increase&start=0&target=100&title=Grow signups&unit=x")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    cycle = past(world)
    past_objective(world, cycle, "Answer fast", "0.5")
    first = count()
    for n in range(4):
        objective = past_objective(world, past(world, f"Q{n}", n + 1), f"Grow {n}", "0.7")
        KeyResult.objects.create(
            objective=objective,
            owner=world.bob,
            title="Grow signups",
            start=D(0),
            target=D(5),
            current=D(4),
            unit="x",
        )
    assert count() == first


def test_the_key_result_form_asks_for_the_suggestion(world: World) -> None:
    response = world.client_for(world.bob).get(
        f"/o/acme/objectives/{world.team_objective.pk}/key-results/new/"
    )
    text = response.content.decode()
    assert f'hx-get="/o/acme/objectives/{world.team_objective.pk}/target-suggestion/"' in text
    assert f'hx-get="/o/acme/objectives/{world.team_objective.pk}/recall/"' in text


def test_the_objective_page_coach_suggests_a_target(world: World) -> None:
    past_objective(world, past(world), "Answer fast", "0.95")
    KeyResult.objects.create(
        objective=world.team_objective,
        owner=world.bob,
        title="More calls",
        start=D(0),
        target=D(100),
    )
    response = world.client_for(world.bob).get(world.team_objective.get_absolute_url())
    assert "“More calls”: Your team reached 0.95 on average" in response.content.decode()


# Retrospective recall -----------------------------------------------------------------


def member(world: World) -> Membership:
    return Membership.objects.get(organization=world.org, user=world.alice)


def test_a_close_english_title_recalls_its_retrospective(world: World) -> None:
    cycle = past(world)
    past_objective(
        world,
        cycle,
        "Increase the number of monthly active users",
        "0.4",
        retro_learned="Onboarding e-mails moved the needle, ads did not.",
    )
    Review.objects.create(
        organization=world.org,
        cycle=cycle,
        team=world.team,
        kind=ReviewKind.QUARTERLY,
        learned="Ship smaller.",
    )
    found = recall(member(world), "Increase monthly active users", world.team)
    assert [r.objective.title for r in found] == ["Increase the number of monthly active users"]
    assert found[0].score == D("0.4")
    texts = [text for _label, text in found[0].lessons]
    assert texts == ["Onboarding e-mails moved the needle, ads did not.", "Ship smaller."]


def test_a_close_french_title_recalls_and_an_unrelated_one_does_not(world: World) -> None:
    past_objective(
        world,
        past(world),
        "Réduire le taux d'attrition des clients",
        "0.7",
        retro_did_not_work="Les remises n'ont rien changé.",
    )
    assert recall(member(world), "Reduire l'attrition client", world.team)
    assert not recall(member(world), "Ouvrir un bureau à Lyon", world.team)
    assert not recall(member(world), "Reduce customer churn", None)  # another team's past


def test_a_key_result_recalls_one_of_the_same_unit(world: World) -> None:
    objective = past_objective(world, past(world), "Serve customers", "0.5")
    objective.team = None
    objective.level = Level.COMPANY
    objective.save()
    KeyResult.objects.create(
        objective=objective,
        owner=world.bob,
        title="Cut the first response time",
        start=D(5),
        target=D(2),
        kind="decrease",
        unit="h",
        score=D("0.8"),
    )
    found = recall(member(world), "Cut first response time", world.team, "h", key_result=True)
    assert [(r.title, r.score) for r in found] == [("Cut the first response time", D("0.8"))]
    assert not recall(member(world), "Cut first response time", world.team, "€", key_result=True)


def test_the_recall_page_part(world: World) -> None:
    past_objective(world, past(world), "Answer every call fast", "0.5", retro_worked="Rotas.")
    client = world.client_for(world.bob)
    response = client.get(f"/o/acme/recall/?title=Answer calls fast&team={world.team.pk}")
    text = response.content.decode()
    assert "Answer every call fast" in text and "Rotas." in text and "scored 0.50" in text
    assert client.get(f"/o/acme/recall/?team={world.other_org.pk + 999}").status_code == 404
    assert world.client_for(world.vera).get("/o/acme/recall/?title=x").status_code == 403


def test_the_recall_queries_are_constant(world: World) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            recall(member(world), "Answer calls fast", world.team, "h", key_result=True)
        return len(queries)

    objective = past_objective(world, past(world), "Answer calls fast", "0.5")
    KeyResult.objects.create(objective=objective, owner=world.bob, title="Answer calls fast")
    first = count()
    for n in range(4):
        objective = past_objective(world, past(world, f"Q{n}", n + 1), "Answer calls fast", "0.5")
        KeyResult.objects.create(objective=objective, owner=world.bob, title="Answer calls fast")
    assert count() == first


def test_the_coach_suggests_targets_to_those_who_may_change_them_only(world: World) -> None:
    past_objective(world, past(world), "Answer fast", "0.95")
    KeyResult.objects.create(
        objective=world.team_objective,
        owner=world.bob,
        title="More calls",
        start=D(0),
        target=D(100),
    )
    response = world.client_for(world.vera).get(world.team_objective.get_absolute_url())
    assert "Your team reached 0.95" not in response.content.decode()
