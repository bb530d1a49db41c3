"""The coach on the pages: the objective's checklist and the advice while typing, in the
reader's language."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from cible.kpis.models import KPI, Guardrail
from cible.lib import coach
from cible.okrs.models import KeyResult, Level, Objective
from cible.okrs.services import create_objective

pytestmark = pytest.mark.django_db


def too_few(language: str, count: int) -> str:
    return coach.MESSAGES[language][coach.TOO_FEW_KRS].format(count=count)


def has_metric(language: str) -> str:
    return coach.MESSAGES[language][coach.OBJECTIVE_HAS_METRIC]


def checklist(html: str) -> str:
    """The coach's checklist section of an objective page."""
    start = html.index("<h2>", html.index('class="card"'))
    return html[start : html.index("</section>", start)]


def page(client: Client, objective: Objective) -> str:
    response = client.get(objective.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def french_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(user)
    return client


def add_krs(objective: Objective, owner, count: int) -> None:  # type: ignore[no-untyped-def]
    for index in range(count):
        KeyResult.objects.create(
            objective=objective,
            title=f"Measure number {index}",
            owner=owner,
            start=Decimal(0),
            target=Decimal(100),
            position=10 + index,
        )


# --- The objective's checklist ------------------------------------------------------------


def test_an_objective_with_one_kr_gets_the_too_few_advice_in_its_checklist(world) -> None:
    html = page(world.client_for(world.vera), world.team_objective)

    assert "Coach's checklist" in checklist(html)
    assert escape(too_few("en", 1)) in checklist(html)


def test_the_too_few_advice_is_in_french_for_a_french_reader(world) -> None:
    html = page(french_client(world.vera), world.team_objective)

    assert escape(too_few("fr", 1)) in checklist(html)
    assert escape(too_few("en", 1)) not in html


def test_an_objective_with_three_krs_gets_no_too_few_advice(world) -> None:
    add_krs(world.team_objective, world.bob, 2)

    html = page(world.client_for(world.vera), world.team_objective)

    assert "Aim for 3 to 5 key results" not in html


def test_an_archived_kr_does_not_count_towards_the_three(world) -> None:
    add_krs(world.team_objective, world.bob, 2)
    KeyResult.objects.filter(title="Measure number 1").update(archived_at=timezone.now())

    html = page(world.client_for(world.vera), world.team_objective)

    assert escape(too_few("en", 2)) in html


def test_an_objective_with_six_krs_gets_the_too_many_advice(world) -> None:
    add_krs(world.team_objective, world.bob, 5)

    html = page(world.client_for(world.vera), world.team_objective)

    assert escape(coach.MESSAGES["en"][coach.TOO_MANY_KRS].format(count=6)) in html


def test_a_figure_in_the_title_gets_the_metric_advice(world) -> None:
    Objective.objects.filter(pk=world.company_objective.pk).update(title="Reach 2 M€ in sales")

    html = page(world.client_for(world.vera), world.company_objective)

    assert escape(has_metric("en")) in html


def test_an_orphan_team_objective_gets_the_alignment_advice(world) -> None:
    world.team_objective.parents.clear()

    html = page(world.client_for(world.vera), world.team_objective)

    assert escape(coach.MESSAGES["en"][coach.ORPHAN_NOT_BOTTOM_UP]) in html


def guard(world) -> None:  # type: ignore[no-untyped-def]
    """The world's key result cuts a time: the coach wants it guarded."""
    kpi = KPI.objects.create(organization=world.org, name="Answer quality")
    Guardrail.objects.create(key_result=world.kr, kpi=kpi)


def test_an_objective_that_follows_the_method_gets_the_all_clear(world) -> None:
    add_krs(world.team_objective, world.bob, 2)
    guard(world)

    html = page(world.client_for(world.vera), world.team_objective)

    assert "Nothing to improve: this OKR follows the method." in html


def test_the_all_clear_is_in_french_for_a_french_reader(world) -> None:
    add_krs(world.team_objective, world.bob, 2)
    guard(world)

    with translation.override("fr"):
        all_clear = gettext("Nothing to improve: this OKR follows the method.")

    html = page(french_client(world.vera), world.team_objective)

    assert all_clear.startswith("Rien")
    assert escape(all_clear) in checklist(html)


def test_a_sixth_company_objective_gets_the_too_many_objectives_advice(world) -> None:
    for index in range(5):
        create_objective(
            world.org, world.alice, cycle=world.cycle, title=f"Goal {index}", level=Level.COMPANY
        )

    html = page(world.client_for(world.vera), world.company_objective)

    message = coach.MESSAGES["en"][coach.TOO_MANY_OBJECTIVES + ":company"].format(count=6)
    assert escape(message) in html


# --- Advice while typing ------------------------------------------------------------------


def validate(client: Client, world, **data: object):  # type: ignore[no-untyped-def]
    form = {
        "title": "Delight our partners",
        "description": "",
        "level": Level.COMPANY,
        "team": "",
        "owner": world.adam.pk,
        "visibility": "organization",
        "state": "active",
        "origin": "",
        "_validate": "1",
        **data,
    }
    return client.post(
        f"/o/acme/objectives/new/?cycle={world.cycle.pk}", form, headers={"HX-Request": "true"}
    )


def test_typing_a_figure_in_a_new_title_gets_the_metric_advice(world) -> None:
    response = validate(world.client_for(world.adam), world, title="Grow revenue by 20 %")

    assert response.status_code == 200
    assert escape(has_metric("en")) in response.content.decode()


def test_typing_a_figure_gets_the_advice_in_french_for_a_french_writer(world) -> None:
    response = validate(french_client(world.adam), world, title="Atteindre 2 M€")

    assert escape(has_metric("fr")) in response.content.decode()


def test_a_new_objective_is_not_told_it_has_too_few_key_results(world) -> None:
    response = validate(world.client_for(world.adam), world)

    assert "Aim for 3 to 5 key results" not in response.content.decode()


def test_a_qualitative_title_gets_no_metric_advice(world) -> None:
    response = validate(world.client_for(world.adam), world)

    assert escape(has_metric("en")) not in response.content.decode()


def test_editing_an_objective_shows_the_too_few_advice(world) -> None:
    response = world.client_for(world.bob).get(
        f"/o/acme/objectives/{world.team_objective.pk}/edit/"
    )

    assert response.status_code == 200
    assert escape(too_few("en", 1)) in response.content.decode()
