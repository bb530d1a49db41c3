"""Writing key results through the web: every kind, what is refused (and stored nowhere),
editing by the KR's owner, archiving and ordering."""

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cible.accounts.models import User
from cible.okrs.models import Change, Cycle, KeyResult, KRKind, Objective
from cible.orgs.models import Membership, Role

pytestmark = pytest.mark.django_db


def create_url(objective: Objective) -> str:
    return f"/o/acme/objectives/{objective.pk}/key-results/new/"


def edit_url(kr: KeyResult) -> str:
    return f"/o/acme/key-results/{kr.pk}/edit/"


def archive_url(kr: KeyResult) -> str:
    return f"/o/acme/key-results/{kr.pk}/archive/"


def move_url(kr: KeyResult) -> str:
    return f"/o/acme/key-results/{kr.pk}/move/"


def kr_data(owner: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Raise the satisfaction score",
        "kind": KRKind.INCREASE,
        "start": "70",
        "target": "90",
        "target_max": "",
        "unit": "%",
        "weight": "1",
        "owner": owner.pk,
        "due_date": "",
        "driven_by": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def snapshot() -> list[Any]:
    return list(KeyResult.objects.order_by("pk").values())


def form_errors(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def post_new(world, **overrides: Any):  # type: ignore[no-untyped-def]
    data = kr_data(world.bob)
    data.update(overrides)
    return world.client_for(world.bob).post(create_url(world.team_objective), data)


def stored(title: str = "Raise the satisfaction score") -> KeyResult:
    return KeyResult.objects.get(title=title)


# --- Create every kind ------------------------------------------------------------------


def test_the_create_page_opens_for_the_owner_of_the_objective(world) -> None:
    response = world.client_for(world.bob).get(create_url(world.team_objective))

    assert response.status_code == 200
    assert "New key result" in response.content.decode()


def test_an_increase_kr_is_stored_with_its_values(world) -> None:
    response = post_new(world)

    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/objectives/{world.team_objective.pk}/"
    kr = stored()
    assert (kr.kind, kr.start, kr.target, kr.target_max) == ("increase", 70, 90, None)
    assert kr.current == Decimal(70)
    assert kr.unit == "%"
    assert kr.objective == world.team_objective


def test_a_decrease_kr_is_stored_with_its_values(world) -> None:
    response = post_new(world, kind=KRKind.DECREASE, start="12", target="4.5")

    assert response.status_code == 302
    kr = stored()
    assert (kr.kind, kr.start, kr.target, kr.current) == ("decrease", 12, Decimal("4.5"), 12)


def test_a_stay_above_kr_is_stored_with_its_values(world) -> None:
    response = post_new(world, kind=KRKind.STAY_ABOVE, start="95", target="95")

    assert response.status_code == 302
    kr = stored()
    assert (kr.kind, kr.start, kr.target, kr.target_max) == ("stay_above", 95, 95, None)


def test_a_stay_below_kr_is_stored_with_its_values(world) -> None:
    response = post_new(world, kind=KRKind.STAY_BELOW, start="2", target="3")

    assert response.status_code == 302
    kr = stored()
    assert (kr.kind, kr.start, kr.target, kr.target_max) == ("stay_below", 2, 3, None)


def test_a_stay_between_kr_is_stored_with_its_upper_bound(world) -> None:
    response = post_new(world, kind=KRKind.STAY_BETWEEN, start="50", target="40", target_max="60")

    assert response.status_code == 302
    kr = stored()
    assert (kr.kind, kr.start, kr.target, kr.target_max) == ("stay_between", 50, 40, 60)


def test_a_milestone_needs_no_start_or_target(world) -> None:
    response = post_new(world, kind=KRKind.MILESTONE, start="", target="", unit="")

    assert response.status_code == 302
    kr = stored()
    assert (kr.kind, kr.start, kr.target, kr.current) == ("milestone", 0, 1, 0)


def test_a_milestone_ignores_a_typed_start_and_target(world) -> None:
    response = post_new(world, kind=KRKind.MILESTONE, start="5", target="80")

    assert response.status_code == 302
    kr = stored()
    assert (kr.start, kr.target) == (0, 1)


def test_an_upper_bound_is_dropped_for_a_kind_other_than_stay_between(world) -> None:
    response = post_new(world, target_max="500")

    assert response.status_code == 302
    assert stored().target_max is None


def test_a_new_kr_goes_last(world) -> None:
    post_new(world)

    assert stored().position == 1


def test_creating_a_kr_records_a_change(world) -> None:
    post_new(world)

    change = Change.objects.get(key_result=stored())
    assert change.action == Change.Action.CREATED
    assert change.actor == world.bob


def test_four_decimals_are_accepted(world) -> None:
    response = post_new(world, start="0.1234", target="1.5")

    assert response.status_code == 302
    assert stored().start == Decimal("0.1234")


# --- Create: bad input --------------------------------------------------------------


def test_an_increase_with_start_equal_to_target_is_refused_with_its_message(world) -> None:
    before = snapshot()

    response = post_new(world, start="5", target="5")

    assert response.status_code == 422
    assert form_errors(response)["target"] == ["The target must differ from the start value."]
    assert "The target must differ from the start value." in response.content.decode()
    assert snapshot() == before


def test_an_increase_with_a_target_below_the_start_is_refused(world) -> None:
    before = snapshot()

    response = post_new(world, start="10", target="5")

    assert response.status_code == 422
    assert "target" in form_errors(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "abc"),
        ("start", "NaN"),
        ("start", "Infinity"),
        ("start", "-Infinity"),
        ("start", "1e308"),
        ("start", "1.123456"),
        ("target", "abc"),
        ("target", "NaN"),
        ("target", "Infinity"),
        ("target", "1e308"),
        ("target", "1.123456"),
        ("weight", "-1"),
        ("weight", "0"),
        ("weight", "abc"),
        ("weight", "NaN"),
    ],
)
def test_a_bad_number_is_refused_naming_its_field_and_nothing_is_stored(
    world, field: str, value: str
) -> None:
    before = snapshot()

    response = post_new(world, **{field: value})

    assert response.status_code == 422
    assert field in form_errors(response)
    assert snapshot() == before


def test_a_missing_start_is_refused_for_a_numeric_kind(world) -> None:
    before = snapshot()

    response = post_new(world, start="")

    assert response.status_code == 422
    assert "start" in form_errors(response)
    assert snapshot() == before


def test_a_stay_between_with_an_upper_bound_below_the_target_is_refused(world) -> None:
    before = snapshot()

    response = post_new(world, kind=KRKind.STAY_BETWEEN, start="50", target="60", target_max="40")

    assert response.status_code == 422
    assert "target_max" in form_errors(response)
    assert snapshot() == before


def test_a_stay_between_without_an_upper_bound_is_refused(world) -> None:
    before = snapshot()

    response = post_new(world, kind=KRKind.STAY_BETWEEN, start="50", target="40", target_max="")

    assert response.status_code == 422
    assert "target_max" in form_errors(response)
    assert snapshot() == before


def test_an_unknown_kind_is_refused(world) -> None:
    before = snapshot()

    response = post_new(world, kind="sideways")

    assert response.status_code == 422
    assert "kind" in form_errors(response)
    assert snapshot() == before


def test_an_empty_title_is_refused(world) -> None:
    before = snapshot()

    response = post_new(world, title="  ")

    assert response.status_code == 422
    assert "title" in form_errors(response)
    assert snapshot() == before


def test_an_owner_from_another_organisation_is_refused(world) -> None:
    before = snapshot()

    response = post_new(world, owner=world.oscar.pk)

    assert response.status_code == 422
    assert "owner" in form_errors(response)
    assert snapshot() == before


def test_driven_by_an_objective_not_aligned_to_this_one_is_refused(world) -> None:
    before = snapshot()

    response = post_new(world, driven_by=world.company_objective.pk)

    assert response.status_code == 422
    assert "driven_by" in form_errors(response)
    assert snapshot() == before


def test_a_member_adding_a_kr_in_a_closed_cycle_is_refused(world) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
    before = snapshot()

    response = post_new(world)

    assert response.status_code in (403, 422)
    assert snapshot() == before


# --- Edit -----------------------------------------------------------------------------


def test_the_owner_of_the_objective_edits_a_kr(world) -> None:
    data = kr_data(world.bob, title="Cut first response time", kind="decrease", start="4")
    data.update(target="0.5", unit="h")

    response = world.client_for(world.bob).post(edit_url(world.kr), data)

    assert response.status_code == 302
    world.kr.refresh_from_db()
    assert world.kr.target == Decimal("0.5")


def test_editing_keeps_the_current_value(world) -> None:
    data = kr_data(world.bob, title="Cut first response time", kind="decrease", start="4")
    data.update(target="0.5", unit="h")

    world.client_for(world.bob).post(edit_url(world.kr), data)

    world.kr.refresh_from_db()
    assert world.kr.current == Decimal(2)


def test_the_owner_of_a_kr_edits_it_without_owning_the_objective(world) -> None:
    kim = User.objects.create_user(email="kim@acme.test", password="x" * 12, name="Kim")
    Membership.objects.create(organization=world.org, user=kim, role=Role.MEMBER)
    kr = KeyResult.objects.create(
        objective=world.company_objective,
        title="Grow the NPS",
        owner=kim,
        start=Decimal(20),
        target=Decimal(40),
        current=Decimal(20),
    )
    data = kr_data(kim, title="Grow the NPS a lot", start="20", target="50", unit="")

    response = world.client_for(kim).post(edit_url(kr), data)

    assert response.status_code == 302
    kr.refresh_from_db()
    assert (kr.title, kr.target) == ("Grow the NPS a lot", 50)


def test_a_member_who_owns_neither_the_kr_nor_the_objective_may_not_edit_it(world) -> None:
    kim = User.objects.create_user(email="kim@acme.test", password="x" * 12, name="Kim")
    Membership.objects.create(organization=world.org, user=kim, role=Role.MEMBER)
    before = snapshot()
    data = kr_data(kim, title="Hijacked", kind="decrease", start="4", target="1")

    response = world.client_for(kim).post(edit_url(world.kr), data)

    assert response.status_code == 403
    assert snapshot() == before


def test_a_refused_edit_stores_nothing(world) -> None:
    before = snapshot()
    data = kr_data(world.bob, title="Cut first response time", kind="decrease", start="4")
    data.update(target="4")

    response = world.client_for(world.bob).post(edit_url(world.kr), data)

    assert response.status_code == 422
    assert snapshot() == before


def edit_target(world, target: str):  # type: ignore[no-untyped-def]
    """Bob saves the world's KR as the form shows it, with a new target only."""
    data = kr_data(world.bob, title="Cut first response time", kind="decrease", start="4")
    data.update(target=target, unit="h")
    return world.client_for(world.bob).post(edit_url(world.kr), data)


def test_editing_records_a_change_with_before_and_after(world) -> None:
    edit_target(world, "0.5")

    change = Change.objects.get(key_result=world.kr, action=Change.Action.UPDATED)
    assert change.actor == world.bob
    assert Decimal(change.before["target"]) == Decimal(1)
    assert Decimal(change.after["target"]) == Decimal("0.5")


def test_editing_records_only_the_fields_that_changed(world) -> None:
    edit_target(world, "0.5")

    change = Change.objects.get(key_result=world.kr, action=Change.Action.UPDATED)
    assert set(change.before) == {"target"}
    assert set(change.after) == {"target"}


def test_a_globex_kr_id_under_acme_gets_404(world) -> None:
    foreign = KeyResult.objects.create(
        objective=world.foreign_objective,
        title="Globex KR",
        owner=world.oscar,
        start=Decimal(0),
        target=Decimal(1),
    )

    response = world.client_for(world.alice).post(edit_url(foreign), kr_data(world.alice))

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Globex KR"


def test_a_member_editing_a_kr_in_a_closed_cycle_is_refused(world) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
    before = snapshot()

    response = edit_target(world, "0.5")

    assert response.status_code in (403, 422)
    assert snapshot() == before


# --- Archive and restore --------------------------------------------------------------


def test_archiving_a_kr_sets_its_archive_date(world) -> None:
    response = world.client_for(world.bob).post(archive_url(world.kr))

    assert response.status_code == 302
    world.kr.refresh_from_db()
    assert world.kr.archived_at is not None


def test_an_archived_kr_leaves_the_objective_page_list(world) -> None:
    world.client_for(world.bob).post(archive_url(world.kr))

    html = world.client_for(world.bob).get(world.team_objective.get_absolute_url()).content
    assert f'id="kr-{world.kr.pk}"' not in html.decode()


def test_an_archived_kr_is_listed_on_the_objective_page_to_be_restored(world) -> None:
    world.client_for(world.bob).post(archive_url(world.kr))

    html = world.client_for(world.bob).get(world.team_objective.get_absolute_url()).content
    html_text = html.decode()
    assert "Archived key results" in html_text
    assert f'action="/o/acme/key-results/{world.kr.pk}/archive/"' in html_text


def test_restoring_a_kr_clears_its_archive_date(world) -> None:
    client = world.client_for(world.bob)
    client.post(archive_url(world.kr))

    response = client.post(archive_url(world.kr), {"restore": "1"})

    assert response.status_code == 302
    world.kr.refresh_from_db()
    assert world.kr.archived_at is None
    actions = list(Change.objects.filter(key_result=world.kr).values_list("action", flat=True))
    assert Change.Action.ARCHIVED in actions
    assert Change.Action.RESTORED in actions


# --- Order ------------------------------------------------------------------------------


@pytest.fixture
def three_krs(world) -> list[KeyResult]:  # type: ignore[no-untyped-def]
    """The team objective's KRs in order: the world's KR, then two more."""
    extra = [
        KeyResult.objects.create(
            objective=world.team_objective,
            title=title,
            owner=world.bob,
            start=Decimal(0),
            target=Decimal(10),
            position=position,
        )
        for position, title in ((1, "Second"), (2, "Third"))
    ]
    return [world.kr, *extra]


def order(objective: Objective) -> list[str]:
    return list(
        objective.key_results.filter(archived_at__isnull=True)
        .order_by("position", "id")
        .values_list("title", flat=True)
    )


def test_moving_a_kr_up_swaps_it_with_the_one_before(world, three_krs) -> None:
    response = world.client_for(world.bob).post(move_url(three_krs[2]), {"direction": "up"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#kr-{three_krs[2].pk}")
    assert order(world.team_objective) == ["Cut first response time", "Third", "Second"]


def test_moving_a_kr_down_swaps_it_with_the_one_after(world, three_krs) -> None:
    response = world.client_for(world.bob).post(move_url(three_krs[0]), {"direction": "down"})

    assert response.status_code == 302
    assert order(world.team_objective) == ["Second", "Cut first response time", "Third"]


def test_moving_the_first_kr_up_changes_nothing(world, three_krs) -> None:
    response = world.client_for(world.bob).post(move_url(three_krs[0]), {"direction": "up"})

    assert response.status_code == 302
    assert order(world.team_objective) == ["Cut first response time", "Second", "Third"]


def test_moving_records_a_reordered_change(world, three_krs) -> None:
    world.client_for(world.bob).post(move_url(three_krs[1]), {"direction": "up"})

    assert Change.objects.filter(key_result=three_krs[1], action=Change.Action.REORDERED).exists()


@pytest.mark.parametrize("direction", ["", "left", "UP", "-1"])
def test_an_invalid_direction_is_refused_with_422(world, three_krs, direction: str) -> None:
    before = snapshot()

    response = world.client_for(world.bob).post(move_url(three_krs[1]), {"direction": direction})

    assert response.status_code == 422
    assert snapshot() == before


def test_moving_an_archived_kr_is_not_a_server_error(world, three_krs) -> None:
    KeyResult.objects.filter(pk=three_krs[1].pk).update(archived_at=timezone.now())
    before = snapshot()

    response = world.client_for(world.bob).post(move_url(three_krs[1]), {"direction": "up"})

    assert response.status_code in (302, 422)
    assert snapshot() == before
