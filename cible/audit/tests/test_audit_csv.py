"""The audit trail as CSV: the filtered entries, with spreadsheet formulas neutralised."""

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase

from cible.audit.services import record
from cible.okrs import services as okrs
from conftest import World

pytestmark = pytest.mark.django_db

URL = "/o/acme/audit.csv"


def rows(response: HttpResponseBase) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("name", ["alice", "adam"])
def test_owners_and_admins_export(world: World, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-acme.csv"'


@pytest.mark.parametrize(("name", "status"), [("bob", 403), ("vera", 403), ("oscar", 404)])
def test_everyone_else_is_refused(world: World, name: str, status: int) -> None:
    assert world.client_for(getattr(world, name)).get(URL).status_code == status


def test_anonymous_goes_to_the_login_page(world: World) -> None:
    response = world.client_for(None).get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_holds_one_row_per_entry_with_before_and_after(world: World) -> None:
    okrs.update_objective(world.company_objective, world.adam, title="Delight users")

    table = rows(world.client_for(world.alice).get(URL))

    assert table[0] == [
        "Date",
        "By",
        "By (id)",
        "Action",
        "Type",
        "Id",
        "About",
        "Objective (id)",
        "Before",
        "After",
    ]
    newest = table[1]
    assert newest[1:8] == [
        "Adam Roux",
        str(world.adam.pk),
        "updated",
        "objective",
        str(world.company_objective.pk),
        "Delight users",
        str(world.company_objective.pk),
    ]
    assert json.loads(newest[8]) == {"title": "Delight our customers"}
    assert json.loads(newest[9]) == {"title": "Delight users"}


def test_it_follows_the_filters(world: World) -> None:
    record(world.org, world.alice, world.cycle, "state_changed", label="Cycle change")
    record(world.org, world.alice, world.team, "updated", label="Team change")

    table = rows(world.client_for(world.alice).get(URL, {"type": "cycle"}))

    assert [row[6] for row in table[1:]] == ["Cycle change"]


def test_an_invalid_filter_is_a_422(world: World) -> None:
    response = world.client_for(world.alice).get(URL, {"start": "2030-03-12", "end": "2030-03-10"})

    assert response.status_code == 422


def test_another_organisations_entries_stay_out(world: World) -> None:
    okrs.update_objective(world.foreign_objective, world.oscar, title="Globex plan")

    table = rows(world.client_for(world.alice).get(URL))

    assert not any("Globex" in cell for row in table for cell in row)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formulas_are_neutralised(world: World, start: str) -> None:
    payload = f'{start}HYPERLINK("http://evil.example")'
    okrs.update_objective(world.company_objective, world.alice, title=payload)

    table = rows(world.client_for(world.alice).get(URL))

    assert table[1][6] == "'" + payload


def test_an_actor_named_like_a_formula_is_neutralised(world: World) -> None:
    world.adam.name = "=1+1"
    world.adam.save()
    record(world.org, world.adam, world.team, "updated", label="Team")

    table = rows(world.client_for(world.alice).get(URL))

    assert table[1][1] == "'=1+1"
