"""Writing objectives through the web: who may create what, with which origin, what is
refused, what editing and archiving record, and who may do none of it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cible.accounts.models import User
from cible.okrs import library
from cible.okrs.models import (
    Change,
    Cycle,
    Dependency,
    KeyResult,
    Level,
    Objective,
    Origin,
)
from cible.okrs.services import create_dependency, create_objective
from cible.orgs.models import Membership, Role, Team, TeamMember

pytestmark = pytest.mark.django_db

TEMPLATE = library.TEMPLATES[0]


# --- Helpers -------------------------------------------------------------------------


def new_url(world, **params: Any) -> str:  # type: ignore[no-untyped-def]
    query = "&".join(f"{k}={v}" for k, v in {"cycle": world.cycle.pk, **params}.items())
    return f"/o/acme/objectives/new/?{query}"


def edit_url(objective: Objective, slug: str = "acme") -> str:
    return f"/o/{slug}/objectives/{objective.pk}/edit/"


def archive_url(objective: Objective) -> str:
    return f"/o/acme/objectives/{objective.pk}/archive/"


def objective_data(owner: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Become the team people recommend",
        "description": "",
        "level": Level.PERSON,
        "team": "",
        "owner": owner.pk,
        "visibility": "organization",
        "state": "active",
        "origin": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_data(objective: Objective, **overrides: Any) -> dict[str, Any]:
    """The edit form as the page fills it in for `objective`, with `overrides`."""
    data: dict[str, Any] = {
        "title": objective.title,
        "description": objective.description,
        "level": objective.level,
        "team": objective.team_id or "",
        "owner": objective.owner_id,
        "parents": list(objective.parents.values_list("pk", flat=True)),
        "visibility": objective.visibility,
        "state": objective.state,
        "origin": objective.origin,
    }
    data.update(overrides)
    return data


def add_member(  # type: ignore[no-untyped-def]
    world, email: str, name: str, team: Team | None = None
) -> User:
    user = User.objects.create_user(email=email, password="x" * 12, name=name)
    Membership.objects.create(organization=world.org, user=user, role=Role.MEMBER)
    if team is not None:
        TeamMember.objects.create(team=team, user=user)
    return user


@pytest.fixture
def mia(world) -> User:  # type: ignore[no-untyped-def]
    """A plain member of Product who leads nothing."""
    return add_member(world, "mia@acme.test", "Mia Lenoir", world.team)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Objective, KeyResult, Dependency, Cycle, Change)
    }


def form_errors(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# --- Create: who, at which level, with which origin -------------------------------------


def test_the_create_page_opens_for_a_member(world) -> None:
    response = world.client_for(world.bob).get(new_url(world))

    assert response.status_code == 200
    assert "New objective for Now" in response.content.decode()


def test_an_admin_creates_a_company_objective_top_down(world) -> None:
    data = objective_data(world.adam, title="Win the mid-market", level=Level.COMPANY)

    response = world.client_for(world.adam).post(new_url(world), data)

    assert response.status_code == 302
    objective = Objective.objects.get(title="Win the mid-market")
    assert response["Location"] == f"/o/acme/objectives/{objective.pk}/"
    assert objective.level == Level.COMPANY
    assert objective.team is None
    assert objective.cycle == world.cycle
    assert objective.origin == Origin.TOP_DOWN


def test_creating_an_objective_records_a_created_change(world) -> None:
    data = objective_data(world.adam, title="Win the mid-market", level=Level.COMPANY)

    world.client_for(world.adam).post(new_url(world), data)

    objective = Objective.objects.get(title="Win the mid-market")
    change = Change.objects.get(objective=objective)
    assert change.action == Change.Action.CREATED
    assert change.actor == world.adam
    assert change.after == {"title": "Win the mid-market"}


def test_the_team_lead_creates_a_team_objective_top_down(world) -> None:
    data = objective_data(
        world.bob,
        title="Make support effortless",
        level=Level.TEAM,
        team=world.team.pk,
        parents=[world.company_objective.pk],
    )

    response = world.client_for(world.bob).post(new_url(world), data)

    assert response.status_code == 302
    objective = Objective.objects.get(title="Make support effortless")
    assert objective.team == world.team
    assert objective.origin == Origin.TOP_DOWN
    assert list(objective.parents.all()) == [world.company_objective]


def test_a_plain_team_member_proposes_a_team_objective_bottom_up(world, mia) -> None:
    data = objective_data(mia, title="Ship calmer releases", level=Level.TEAM, team=world.team.pk)

    response = world.client_for(mia).post(new_url(world), data)

    assert response.status_code == 302
    objective = Objective.objects.get(title="Ship calmer releases")
    assert objective.owner == mia
    assert objective.origin == Origin.BOTTOM_UP


def test_a_member_creates_a_personal_objective_bottom_up(world, mia) -> None:
    data = objective_data(mia, title="Grow as a writer")

    response = world.client_for(mia).post(new_url(world), data)

    assert response.status_code == 302
    objective = Objective.objects.get(title="Grow as a writer")
    assert objective.level == Level.PERSON
    assert objective.owner == mia
    assert objective.origin == Origin.BOTTOM_UP


def test_a_member_may_not_create_a_company_objective(world, mia) -> None:
    before = counts()
    data = objective_data(mia, title="Rule the market", level=Level.COMPANY)

    response = world.client_for(mia).post(new_url(world), data)

    assert response.status_code == 422
    assert "level" in form_errors(response)
    assert counts() == before


def test_a_member_may_not_create_a_team_objective_for_a_team_they_are_not_in(world) -> None:
    outsider = add_member(world, "nina@acme.test", "Nina Dubois")
    before = counts()
    data = objective_data(outsider, title="Take over Product", level=Level.TEAM, team=world.team.pk)

    response = world.client_for(outsider).post(new_url(world), data)

    assert response.status_code == 422
    assert "level" in form_errors(response)
    assert counts() == before


# --- Templates ---------------------------------------------------------------------------


def test_choosing_a_template_prefills_the_title(world) -> None:
    response = world.client_for(world.bob).get(new_url(world, template=TEMPLATE.key))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{TEMPLATE.title_en}"' in html
    assert f'name="template" value="{TEMPLATE.key}"' in html


def test_choosing_a_template_lists_its_key_results_before_saving(world) -> None:
    html = world.client_for(world.bob).get(new_url(world, template=TEMPLATE.key)).content.decode()

    for kr in TEMPLATE.key_results:
        assert kr.title_en in html


def test_saving_with_a_template_adds_its_key_results(world) -> None:
    data = objective_data(world.bob, title=TEMPLATE.title_en, template=TEMPLATE.key)
    data["template_confirm"] = "1"  # its example numbers, kept on purpose
    for index, kr in enumerate(TEMPLATE.key_results):
        data |= {f"tkr-{index}-keep": "on", f"tkr-{index}-title": kr.title_en}
        data |= {f"tkr-{index}-start": kr.start, f"tkr-{index}-target": kr.target}

    response = world.client_for(world.bob).post(new_url(world), data)

    assert response.status_code == 302
    objective = Objective.objects.get(title=TEMPLATE.title_en)
    krs = list(objective.key_results.order_by("position"))
    assert 3 <= len(krs) <= 5
    assert [kr.title for kr in krs] == [kr.title_en for kr in TEMPLATE.key_results]
    assert [(kr.kind, kr.start, kr.target) for kr in krs] == [
        (kr.kind, kr.start, kr.target) for kr in TEMPLATE.key_results
    ]
    assert all(kr.owner == world.bob for kr in krs)


def test_an_unknown_template_adds_no_key_result(world) -> None:
    data = objective_data(world.bob, title="Plain objective", template="no-such-template")

    response = world.client_for(world.bob).post(new_url(world), data)

    assert response.status_code == 302
    assert not Objective.objects.get(title="Plain objective").key_results.exists()


# --- Create: bad input ----------------------------------------------------------------


def test_an_empty_title_is_refused_and_nothing_is_created(world) -> None:
    before = counts()

    response = world.client_for(world.bob).post(new_url(world), objective_data(world.bob, title=""))

    assert response.status_code == 422
    assert "title" in form_errors(response)
    assert counts() == before


def test_a_blank_title_is_refused_and_nothing_is_created(world) -> None:
    before = counts()

    response = world.client_for(world.bob).post(
        new_url(world), objective_data(world.bob, title="   ")
    )

    assert response.status_code == 422
    assert "title" in form_errors(response)
    assert counts() == before


def test_a_title_longer_than_200_characters_is_refused(world) -> None:
    before = counts()

    response = world.client_for(world.bob).post(
        new_url(world), objective_data(world.bob, title="x" * 201)
    )

    assert response.status_code == 422
    assert "title" in form_errors(response)
    assert counts() == before


def test_a_title_of_exactly_200_characters_is_accepted(world) -> None:
    response = world.client_for(world.bob).post(
        new_url(world), objective_data(world.bob, title="x" * 200)
    )

    assert response.status_code == 302
    assert Objective.objects.filter(title="x" * 200).exists()


def test_a_parent_from_another_cycle_is_refused(world) -> None:
    today = timezone.localdate()
    other_cycle = Cycle.objects.create(
        organization=world.org,
        name="Later",
        kind="custom",
        start=today + timedelta(days=100),
        end=today + timedelta(days=190),
    )
    elsewhere = create_objective(
        world.org, world.alice, cycle=other_cycle, title="Later goal", level=Level.COMPANY
    )
    before = counts()
    data = objective_data(world.bob, parents=[elsewhere.pk])

    response = world.client_for(world.bob).post(new_url(world), data)

    assert response.status_code == 422
    assert "parents" in form_errors(response)
    assert counts() == before


def test_a_parent_from_another_organisation_is_not_a_valid_choice(world) -> None:
    before = counts()
    data = objective_data(world.adam, level=Level.COMPANY, parents=[world.foreign_objective.pk])

    response = world.client_for(world.adam).post(new_url(world), data)

    assert response.status_code == 422
    assert "Select a valid choice" in " ".join(form_errors(response)["parents"])
    assert counts() == before


def test_a_parent_at_a_lower_level_is_refused(world) -> None:
    before = counts()
    data = objective_data(world.adam, level=Level.COMPANY, parents=[world.team_objective.pk])

    response = world.client_for(world.adam).post(new_url(world), data)

    assert response.status_code == 422
    assert "parents" in form_errors(response)
    assert counts() == before


def test_a_team_objective_without_a_team_is_refused_and_nothing_is_created(world) -> None:
    before = counts()
    data = objective_data(world.adam, level=Level.TEAM, team="")

    response = world.client_for(world.adam).post(new_url(world), data)

    assert response.status_code == 422
    assert "team" in form_errors(response)
    assert counts() == before


def test_a_team_of_another_organisation_is_not_a_valid_choice(world) -> None:
    globex_team = Team.objects.create(organization=world.other_org, name="Globex ops")
    before = counts()
    data = objective_data(world.adam, level=Level.TEAM, team=globex_team.pk)

    response = world.client_for(world.adam).post(new_url(world), data)

    assert response.status_code == 422
    assert "team" in form_errors(response)
    assert counts() == before


def test_an_owner_from_another_organisation_is_not_a_valid_choice(world) -> None:
    before = counts()
    data = objective_data(world.oscar, level=Level.COMPANY)

    response = world.client_for(world.adam).post(new_url(world), data)

    assert response.status_code == 422
    assert "owner" in form_errors(response)
    assert counts() == before


def test_a_cycle_of_another_organisation_falls_back_to_the_current_cycle(world) -> None:
    foreign_cycle = world.foreign_objective.cycle
    data = objective_data(world.bob, title="Mine, here")

    response = world.client_for(world.bob).post(
        f"/o/acme/objectives/new/?cycle={foreign_cycle.pk}", data
    )

    assert response.status_code == 302
    assert Objective.objects.get(title="Mine, here").cycle == world.cycle


def test_a_cycle_parameter_of_non_ascii_digits_is_not_a_server_error(world) -> None:
    response = world.client_for(world.bob).get("/o/acme/objectives/new/?cycle=%C2%B2")

    assert response.status_code in (200, 404)


def test_a_parent_parameter_of_non_ascii_digits_is_ignored(world) -> None:
    response = world.client_for(world.bob).get(new_url(world, parent="%C2%B2"))

    assert response.status_code == 200


def test_a_team_of_non_ascii_digits_is_a_form_error(world) -> None:
    before = counts()
    data = objective_data(world.adam, level=Level.TEAM, team="²")

    response = world.client_for(world.adam).post(new_url(world), data)

    assert response.status_code == 422
    assert counts() == before


@pytest.fixture
def closed_cycle(world) -> Cycle:  # type: ignore[no-untyped-def]
    return Cycle.objects.create(
        organization=world.org,
        name="Last year",
        kind="custom",
        state="closed",
        start=timezone.localdate() - timedelta(days=400),
        end=timezone.localdate() - timedelta(days=300),
    )


def test_creating_an_objective_in_a_closed_cycle_is_refused_without_a_server_error(
    world, closed_cycle
) -> None:
    before = counts()

    response = world.client_for(world.bob).post(
        f"/o/acme/objectives/new/?cycle={closed_cycle.pk}", objective_data(world.bob)
    )

    assert response.status_code in (403, 422)
    assert counts() == before


# --- Create: live validation -----------------------------------------------------------


def test_live_validation_returns_the_coach_advice(world) -> None:
    data = objective_data(world.adam, title="Reach 2 M€ of revenue", level=Level.COMPANY)
    data["_validate"] = "1"

    response = world.client_for(world.adam).post(
        new_url(world), data, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This objective contains a figure or a metric." in html
    assert "<html" not in html


def test_live_validation_saves_nothing(world) -> None:
    before = counts()
    data = objective_data(world.adam, title="Reach 2 M€ of revenue", level=Level.COMPANY)
    data["_validate"] = "1"

    world.client_for(world.adam).post(new_url(world), data, headers={"HX-Request": "true"})

    assert counts() == before
    assert not Objective.objects.filter(title="Reach 2 M€ of revenue").exists()


def test_live_validation_of_invalid_input_still_answers_200_with_the_errors(world) -> None:
    data = objective_data(world.adam, title="", level=Level.COMPANY)
    data["_validate"] = "1"

    response = world.client_for(world.adam).post(
        new_url(world), data, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "To correct:" in response.content.decode()


# --- Edit ------------------------------------------------------------------------------


def test_the_owner_edits_their_objective(world) -> None:
    data = edit_data(world.team_objective, title="Answer much faster")

    response = world.client_for(world.bob).post(edit_url(world.team_objective), data)

    assert response.status_code == 302
    world.team_objective.refresh_from_db()
    assert world.team_objective.title == "Answer much faster"


def test_an_admin_edits_someone_elses_objective(world) -> None:
    data = edit_data(world.team_objective, description="Reply within the hour")

    response = world.client_for(world.adam).post(edit_url(world.team_objective), data)

    assert response.status_code == 302
    world.team_objective.refresh_from_db()
    assert world.team_objective.description == "Reply within the hour"


def test_the_lead_edits_a_personal_objective_of_a_member_of_their_team(world, mia) -> None:
    personal = create_objective(
        world.org, mia, cycle=world.cycle, title="Learn SQL", level=Level.PERSON
    )
    data = edit_data(personal, title="Learn SQL well")

    response = world.client_for(world.bob).post(edit_url(personal), data)

    assert response.status_code == 302
    personal.refresh_from_db()
    assert personal.title == "Learn SQL well"


def test_a_plain_member_may_not_edit_someone_elses_objective(world, mia) -> None:
    before = counts()
    data = edit_data(world.company_objective, title="Hijacked")

    response = world.client_for(mia).post(edit_url(world.company_objective), data)

    assert response.status_code == 403
    world.company_objective.refresh_from_db()
    assert world.company_objective.title == "Delight our customers"
    assert counts() == before


def test_a_plain_member_who_owns_a_kr_may_edit_the_objective(world, mia) -> None:
    KeyResult.objects.create(
        objective=world.company_objective,
        title="Mia's KR",
        owner=mia,
        start=Decimal(0),
        target=Decimal(10),
    )
    data = edit_data(world.company_objective, description="Shared")

    response = world.client_for(mia).post(edit_url(world.company_objective), data)

    assert response.status_code == 302


def test_a_member_may_not_promote_their_objective_to_company_level(world) -> None:
    data = edit_data(world.team_objective, level=Level.COMPANY, team="", parents=[])

    response = world.client_for(world.bob).post(edit_url(world.team_objective), data)

    assert response.status_code == 422
    world.team_objective.refresh_from_db()
    assert world.team_objective.level == Level.TEAM


def test_a_member_may_not_move_their_objective_to_a_team_they_are_not_in(world) -> None:
    sales = Team.objects.create(organization=world.org, name="Sales")
    data = edit_data(world.team_objective, team=sales.pk)

    response = world.client_for(world.bob).post(edit_url(world.team_objective), data)

    assert response.status_code == 422
    world.team_objective.refresh_from_db()
    assert world.team_objective.team == world.team


def test_a_member_editing_an_objective_of_a_closed_cycle_is_refused(world) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
    data = edit_data(world.team_objective, title="Too late")

    response = world.client_for(world.bob).post(edit_url(world.team_objective), data)

    assert response.status_code in (403, 422)
    world.team_objective.refresh_from_db()
    assert world.team_objective.title == "Answer faster"


def test_editing_records_a_change_with_before_and_after(world) -> None:
    data = edit_data(world.team_objective, title="Answer much faster")

    world.client_for(world.bob).post(edit_url(world.team_objective), data)

    change = Change.objects.filter(
        objective=world.team_objective, action=Change.Action.UPDATED
    ).get()
    assert change.actor == world.bob
    assert change.before == {"title": "Answer faster"}
    assert change.after == {"title": "Answer much faster"}


def test_editing_the_parents_records_an_alignment_change(world) -> None:
    data = edit_data(world.team_objective, parents=[])

    response = world.client_for(world.bob).post(edit_url(world.team_objective), data)

    assert response.status_code == 302
    assert not world.team_objective.parents.exists()
    change = Change.objects.get(objective=world.team_objective, action=Change.Action.ALIGNED)
    assert change.before == {"parents": "Delight our customers"}
    assert change.after == {"parents": ""}


def test_making_the_company_objective_a_child_of_its_team_objective_is_refused(world) -> None:
    data = edit_data(world.company_objective, parents=[world.team_objective.pk])

    response = world.client_for(world.alice).post(edit_url(world.company_objective), data)

    assert response.status_code == 422
    assert not world.company_objective.parents.exists()
    assert list(world.team_objective.parents.all()) == [world.company_objective]


def test_an_alignment_loop_between_team_objectives_is_refused(world) -> None:
    sales = Team.objects.create(organization=world.org, name="Sales")
    child = create_objective(
        world.org,
        world.bob,
        parents=[world.team_objective],
        cycle=world.cycle,
        title="Close faster",
        level=Level.TEAM,
        team=sales,
    )
    before = counts()
    data = edit_data(world.team_objective, parents=[child.pk])

    response = world.client_for(world.alice).post(edit_url(world.team_objective), data)

    assert response.status_code == 422
    assert "its own ancestor" in response.content.decode()
    assert list(world.team_objective.parents.all()) == [world.company_objective]
    assert counts() == before


def test_a_refused_edit_leaves_the_stored_fields_unchanged(world) -> None:
    data = edit_data(world.company_objective, title="Renamed", parents=[world.team_objective.pk])

    world.client_for(world.alice).post(edit_url(world.company_objective), data)

    world.company_objective.refresh_from_db()
    assert world.company_objective.title == "Delight our customers"


def test_a_globex_objective_id_under_acme_gets_404(world) -> None:
    data = edit_data(world.foreign_objective, title="Hijacked")

    response = world.client_for(world.alice).post(edit_url(world.foreign_objective), data)

    assert response.status_code == 404
    world.foreign_objective.refresh_from_db()
    assert world.foreign_objective.title == "Globex secret"


def test_a_globex_objective_id_under_acme_gets_404_on_the_edit_page(world) -> None:
    response = world.client_for(world.alice).get(edit_url(world.foreign_objective))

    assert response.status_code == 404


# --- Archive and restore ------------------------------------------------------------


def archive(world, objective: Objective, restore: bool = False):  # type: ignore[no-untyped-def]
    data = {"restore": "1"} if restore else {}
    return world.client_for(world.alice).post(archive_url(objective), data)


def test_archiving_sets_the_archive_date_and_records_it(world) -> None:
    response = archive(world, world.company_objective)

    assert response.status_code == 302
    world.company_objective.refresh_from_db()
    assert world.company_objective.archived_at is not None
    assert Change.objects.filter(
        objective=world.company_objective, action=Change.Action.ARCHIVED
    ).exists()


def test_an_archived_objective_leaves_the_home_page(world) -> None:
    archive(world, world.company_objective)

    html = world.client_for(world.vera).get("/o/acme/").content.decode()

    assert "Delight our customers" not in html


def test_an_archived_objective_leaves_the_tree(world) -> None:
    archive(world, world.company_objective)

    html = world.client_for(world.vera).get("/o/acme/tree/").content.decode()

    assert "Delight our customers" not in html


def test_an_archived_objective_leaves_the_search(world) -> None:
    archive(world, world.company_objective)

    html = world.client_for(world.vera).get("/o/acme/search/?q=delight").content.decode()

    assert "Delight our customers" not in html


def test_restoring_clears_the_archive_date_and_records_it(world) -> None:
    archive(world, world.company_objective)

    response = archive(world, world.company_objective, restore=True)

    assert response.status_code == 302
    world.company_objective.refresh_from_db()
    assert world.company_objective.archived_at is None
    assert Change.objects.filter(
        objective=world.company_objective, action=Change.Action.RESTORED
    ).exists()


def test_a_restored_objective_is_back_on_the_home_page_the_tree_and_the_search(world) -> None:
    archive(world, world.company_objective)
    archive(world, world.company_objective, restore=True)
    vera = world.client_for(world.vera)

    for url in ("/o/acme/", "/o/acme/tree/", "/o/acme/search/?q=delight"):
        assert "Delight our customers" in vera.get(url).content.decode(), url


def test_archiving_needs_a_post(world) -> None:
    response = world.client_for(world.alice).get(archive_url(world.company_objective))

    assert response.status_code == 405
    world.company_objective.refresh_from_db()
    assert world.company_objective.archived_at is None


# --- Permissions on every mutating OKR view ---------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: Callable[[Any], str]
    data: Callable[[Any], dict[str, Any]]

    def __str__(self) -> str:
        return self.name


@pytest.fixture
def scene(world):  # type: ignore[no-untyped-def]
    """The world, plus a second KR, another team's objective, a dependency and a cycle in
    planning, so that every endpoint has something to act on."""
    sales = Team.objects.create(organization=world.org, name="Sales")
    sales_objective = create_objective(
        world.org,
        world.alice,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Sell more",
        level=Level.TEAM,
        team=sales,
    )
    second_kr = KeyResult.objects.create(
        objective=world.team_objective,
        title="Raise satisfaction",
        owner=world.bob,
        start=Decimal(70),
        target=Decimal(90),
        current=Decimal(70),
        position=1,
    )
    dependency = create_dependency(
        world.bob,
        organization=world.org,
        from_objective=world.team_objective,
        to_objective=sales_objective,
        note="Needs the sales playbook",
    )
    planning = Cycle.objects.create(
        organization=world.org,
        name="Next",
        kind="custom",
        start=world.cycle.end + timedelta(days=1),
        end=world.cycle.end + timedelta(days=90),
    )
    world.sales_objective = sales_objective
    world.second_kr = second_kr
    world.dependency = dependency
    world.planning = planning
    return world


def fingerprint() -> dict[str, Any]:
    """Row counts of everything OKR authoring writes, and every row's fields."""
    tables: dict[str, Any] = counts()
    for model in (Objective, KeyResult, Dependency, Cycle):
        tables[f"{model.__name__} rows"] = list(model.objects.order_by("pk").values())
    tables["parents"] = sorted(
        Objective.parents.through.objects.values_list("from_objective_id", "to_objective_id")
    )
    return tables


def _kr_data(w) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "title": "Rogue KR",
        "kind": "increase",
        "start": "0",
        "target": "10",
        "unit": "",
        "weight": "1",
        "owner": w.vera.pk,
    }


ENDPOINTS = [
    Endpoint(
        "objective_create",
        lambda w: f"/o/acme/objectives/new/?cycle={w.cycle.pk}",
        lambda w: objective_data(w.vera, title="Rogue objective"),
    ),
    Endpoint(
        "objective_edit",
        lambda w: edit_url(w.team_objective),
        lambda w: edit_data(w.team_objective, title="Rogue title", parents=[]),
    ),
    Endpoint(
        "objective_archive",
        lambda w: archive_url(w.team_objective),
        lambda w: {},
    ),
    Endpoint(
        "key_result_create",
        lambda w: f"/o/acme/objectives/{w.team_objective.pk}/key-results/new/",
        _kr_data,
    ),
    Endpoint(
        "key_result_edit",
        lambda w: f"/o/acme/key-results/{w.kr.pk}/edit/",
        _kr_data,
    ),
    Endpoint(
        "key_result_archive",
        lambda w: f"/o/acme/key-results/{w.kr.pk}/archive/",
        lambda w: {},
    ),
    Endpoint(
        "key_result_move",
        lambda w: f"/o/acme/key-results/{w.kr.pk}/move/",
        lambda w: {"direction": "down"},
    ),
    Endpoint(
        "dependency_create",
        lambda w: f"/o/acme/objectives/{w.team_objective.pk}/dependencies/",
        lambda w: {"to_objective": w.sales_objective.pk, "note": "Rogue"},
    ),
    Endpoint(
        "dependency_delete",
        lambda w: f"/o/acme/dependencies/{w.dependency.pk}/delete/",
        lambda w: {},
    ),
    Endpoint(
        "cycle_list",
        lambda w: "/o/acme/cycles/",
        lambda w: {
            "name": "2031",
            "kind": "year",
            "start": "2031-01-01",
            "end": "2031-12-31",
            "generate_quarters": "on",
        },
    ),
    Endpoint(
        "cycle_state",
        lambda w: f"/o/acme/cycles/{w.planning.pk}/state/",
        lambda w: {"state": "active"},
    ),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_the_outsider_gets_404_and_nothing_changes(scene, endpoint: Endpoint) -> None:
    before = fingerprint()

    response = scene.client_for(scene.oscar).post(endpoint.url(scene), endpoint.data(scene))

    assert response.status_code == 404
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_the_viewer_gets_403_and_nothing_changes(scene, endpoint: Endpoint) -> None:
    before = fingerprint()

    response = scene.client_for(scene.vera).post(endpoint.url(scene), endpoint.data(scene))

    assert response.status_code == 403
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_changes(
    scene, endpoint: Endpoint
) -> None:
    before = fingerprint()

    response = scene.client_for(None).post(endpoint.url(scene), endpoint.data(scene))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_the_endpoint_accepts_the_same_request_from_an_admin(scene, endpoint: Endpoint) -> None:
    """The control for the refusals above: the very same request does change something."""
    before = fingerprint()
    data = endpoint.data(scene)
    if endpoint.name in ("objective_create", "key_result_create", "key_result_edit"):
        data["owner"] = scene.adam.pk

    response = scene.client_for(scene.alice).post(endpoint.url(scene), data)

    assert response.status_code == 302
    assert fingerprint() != before
