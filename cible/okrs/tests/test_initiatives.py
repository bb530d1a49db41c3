"""Initiatives: work planned to move a key result, added under it on the objective's page,
moved along by its owner, recorded in the history and the audit trail, never counted in
progress."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cible.audit.models import AuditEntry, TargetType
from cible.okrs.models import Change, Initiative, InitiativeState
from cible.okrs.services import create_initiative, create_key_result, objective_progress
from cible.orgs.models import Membership, Role
from conftest import make_user

pytestmark = pytest.mark.django_db


def create_url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/o/acme/objectives/{world.team_objective.pk}/initiatives/new/"


def state_url(initiative: Initiative) -> str:
    return f"/o/acme/initiatives/{initiative.pk}/state/"


def edit_url(initiative: Initiative) -> str:
    return f"/o/acme/initiatives/{initiative.pk}/edit/"


def page(world, user=None) -> str:  # type: ignore[no-untyped-def]
    response = world.client_for(user or world.vera).get(world.team_objective.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def data(world, **extra: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "title": "Add a chatbot for the common questions",
        "key_result": world.kr.pk,
        "owner": world.bob.pk,
        "state": "planned",
        "due_date": "",
        "link": "https://tickets.example.com/OPS-12",
        **extra,
    }


def member(world):  # type: ignore[no-untyped-def]
    """mia, a plain member who owns nothing yet."""
    mia = make_user("mia@acme.test", "Mia Lopez")
    Membership.objects.create(organization=world.org, user=mia, role=Role.MEMBER)
    return mia


@pytest.fixture
def initiative(world) -> Initiative:  # type: ignore[no-untyped-def]
    return create_initiative(
        world.team_objective, world.bob, key_result=world.kr, title="Hire a second agent"
    )


# --- Adding -----------------------------------------------------------------------------


def test_the_lead_adds_an_initiative_under_a_key_result(world) -> None:
    response = world.client_for(world.bob).post(create_url(world), data(world))

    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#initiative-{initiative.pk}")
    assert initiative.key_result == world.kr
    assert initiative.objective == world.team_objective
    assert initiative.organization == world.org
    assert initiative.state == InitiativeState.PLANNED
    assert initiative.link == "https://tickets.example.com/OPS-12"


def test_the_form_opens_on_the_key_result_chosen(world) -> None:
    response = world.client_for(world.bob).get(create_url(world) + f"?kr={world.kr.pk}")

    assert response.status_code == 200
    assert f'<option value="{world.kr.pk}" selected>' in response.content.decode()


def test_an_initiative_for_the_objective_as_a_whole(world) -> None:
    world.client_for(world.bob).post(create_url(world), data(world, key_result=""))

    initiative = Initiative.objects.get()
    assert initiative.key_result is None
    assert "For the objective as a whole" in page(world)


def test_adding_records_the_history_and_the_audit_trail(world) -> None:
    world.client_for(world.bob).post(create_url(world), data(world))

    initiative = Initiative.objects.get()
    change = Change.objects.get(action=Change.Action.INITIATIVE)
    assert change.objective == world.team_objective
    assert change.key_result == world.kr
    assert change.after["title"] == "Add a chatbot for the common questions"
    entry = AuditEntry.objects.get(target_type=TargetType.INITIATIVE)
    assert entry.action == "created"
    assert entry.target_id == initiative.pk
    assert entry.objective_id == world.team_objective.pk
    assert entry.actor == world.bob


def test_the_key_results_owner_may_add_one(world) -> None:
    mia = member(world)
    world.kr.owner = mia
    world.kr.save()

    response = world.client_for(mia).post(create_url(world), data(world, owner=mia.pk))

    assert response.status_code == 302
    assert Initiative.objects.get().owner == mia


def test_a_viewer_gets_403(world) -> None:
    client = world.client_for(world.vera)

    assert client.get(create_url(world)).status_code == 403
    assert client.post(create_url(world), data(world)).status_code == 403
    assert not Initiative.objects.exists()


def test_an_outsider_gets_404(world, initiative) -> None:
    client = world.client_for(world.oscar)

    assert client.post(create_url(world), data(world)).status_code == 404
    assert client.post(state_url(initiative), {"state": "done"}).status_code == 404
    assert client.post(edit_url(initiative), data(world)).status_code == 404
    initiative.refresh_from_db()
    assert initiative.state == InitiativeState.PLANNED


def test_another_organisations_key_result_is_refused(world) -> None:
    theirs = create_key_result(world.foreign_objective, title="Theirs", target=Decimal(5))

    response = world.client_for(world.bob).post(
        create_url(world), data(world, key_result=theirs.pk)
    )

    assert response.status_code == 422
    assert not Initiative.objects.exists()


# --- Bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "Null\x00byte"),
        ("title", "x" * 201),
        ("link", "not an address"),
        ("link", "javascript:alert(1)"),
        ("state", "finished"),
        ("due_date", "tomorrow"),
        ("owner", "999999"),
    ],
)
def test_bad_input_is_a_form_error_naming_the_field(world, field, value) -> None:
    response = world.client_for(world.bob).post(create_url(world), data(world, **{field: value}))

    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert not Initiative.objects.exists()


def test_an_outsider_cannot_own_an_initiative(world) -> None:
    response = world.client_for(world.bob).post(
        create_url(world), data(world, owner=world.oscar.pk)
    )

    assert response.status_code == 422
    assert not Initiative.objects.exists()


def test_hostile_titles_are_shown_as_text(world) -> None:
    hostile = '<script>alert("x")</script><b>bold</b>' + "é" * 150
    create_initiative(world.team_objective, world.bob, key_result=world.kr, title=hostile)

    html = page(world)

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html


# --- Moving along -----------------------------------------------------------------------


def test_the_owner_moves_it_to_done(world, initiative) -> None:
    response = world.client_for(world.bob).post(state_url(initiative), {"state": "done"})

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.state == InitiativeState.DONE
    entry = AuditEntry.objects.get(target_type=TargetType.INITIATIVE, action="state_changed")
    assert entry.before == {"state": "planned"}
    assert entry.after == {"state": "done"}


def test_an_initiatives_owner_may_move_it_without_editing_the_objective(world) -> None:
    mia = member(world)
    initiative = create_initiative(
        world.team_objective, world.bob, owner=mia, key_result=world.kr, title="Call back"
    )

    response = world.client_for(mia).post(state_url(initiative), {"state": "in_progress"})

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.state == InitiativeState.IN_PROGRESS


def test_with_htmx_the_row_comes_back(world, initiative) -> None:
    response = world.client_for(world.bob).post(
        state_url(initiative), {"state": "in_progress"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith("<li")
    assert 'value="in_progress" selected' in html


def test_an_unknown_state_changes_nothing(world, initiative) -> None:
    response = world.client_for(world.bob).post(
        state_url(initiative), {"state": "finished"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 422
    initiative.refresh_from_db()
    assert initiative.state == InitiativeState.PLANNED


def test_a_viewer_cannot_move_it(world, initiative) -> None:
    assert (
        world.client_for(world.vera).post(state_url(initiative), {"state": "done"}).status_code
        == 403
    )
    assert world.client_for(world.vera).get(edit_url(initiative)).status_code == 403


def test_editing_keeps_the_stored_initiative_when_refused(world, initiative) -> None:
    response = world.client_for(world.bob).post(edit_url(initiative), data(world, link="nope"))

    assert response.status_code == 422
    initiative.refresh_from_db()
    assert initiative.title == "Hire a second agent"


def test_editing_saves(world, initiative) -> None:
    response = world.client_for(world.bob).post(
        edit_url(initiative), data(world, title="Hire two agents", due_date="2031-01-31")
    )

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Hire two agents"
    assert str(initiative.due_date) == "2031-01-31"


def test_a_closed_cycle_takes_no_new_initiative(world) -> None:
    world.cycle.state = "closed"
    world.cycle.save()

    response = world.client_for(world.bob).post(create_url(world), data(world))

    assert response.status_code == 403
    assert not Initiative.objects.exists()


# --- Shown, never counted ---------------------------------------------------------------


def test_the_objective_page_shows_it_under_its_key_result_and_says_it_is_not_progress(
    world, initiative
) -> None:
    html = page(world)

    kr_at = html.index(f'id="kr-{world.kr.pk}"')
    assert html.index("Hire a second agent") > kr_at
    assert "never count in progress" in html


def test_initiatives_never_count_in_progress(world, initiative) -> None:
    before = objective_progress([world.team_objective])
    for state in InitiativeState:
        initiative.state = state
        initiative.save()

        assert objective_progress([world.team_objective]) == before


def test_the_objective_page_costs_the_same_with_20_initiatives_as_with_1(world) -> None:
    create_initiative(world.team_objective, world.bob, key_result=world.kr, title="One")
    client = world.client_for(world.bob)
    url = world.team_objective.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for number in range(19):
        create_initiative(
            world.team_objective,
            world.bob,
            key_result=world.kr if number % 2 else None,
            title=f"Initiative {number}",
        )
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url)
    assert response.content.decode().count('class="initiative initiative-') == 20
    assert len(twenty) == len(one)


def test_the_audit_trail_shows_the_initiatives_changes(world, initiative) -> None:
    world.client_for(world.bob).post(state_url(initiative), {"state": "done"})

    response = world.client_for(world.adam).get("/o/acme/audit/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hire a second agent" in html
    assert "initiative" in html
