"""The "My check-in" page: every KR I own in an active cycle, one row each, one submit."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrs.models import Cycle, CycleState, KeyResult, Level, Objective
from cible.okrs.services import create_key_result, create_objective

pytestmark = pytest.mark.django_db

URL = "/o/acme/check-in/"


def add_kr(objective: Objective, owner, title: str, **fields) -> KeyResult:  # type: ignore[no-untyped-def]
    values = {"kind": "increase", "start": Decimal(0), "target": Decimal(10), **fields}
    return create_key_result(objective, owner=owner, title=title, **values)


def listed(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<tr id="checkin-(\d+)"', html)}


def row_html(html: str, kr: KeyResult) -> str:
    match = re.search(rf'<tr id="checkin-{kr.pk}">(.*?)</tr>', html, re.DOTALL)
    assert match, f"no row for KR {kr.pk}"
    return match.group(1)


def fresh(kr: KeyResult) -> KeyResult:
    return KeyResult.objects.get(pk=kr.pk)


def other_cycle(world, name: str, state: str, shift: int) -> Objective:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        organization=world.org,
        name=name,
        kind="custom",
        state=CycleState.PLANNING,
        start=today + timedelta(days=shift),
        end=today + timedelta(days=shift + 90),
    )
    objective = create_objective(
        world.org, world.bob, cycle=cycle, title=f"Objective of {name}", level=Level.PERSON
    )
    Cycle.objects.filter(pk=cycle.pk).update(state=state)
    return objective


@pytest.fixture
def second(world) -> KeyResult:  # type: ignore[no-untyped-def]
    return add_kr(world.team_objective, world.bob, "Ship the help centre", current=Decimal(3))


@pytest.fixture
def milestone(world) -> KeyResult:  # type: ignore[no-untyped-def]
    return create_key_result(
        world.team_objective, owner=world.bob, title="Launch the chat", kind="milestone"
    )


def test_the_page_lists_exactly_the_key_results_i_own_in_active_cycles(world, second) -> None:
    archived = add_kr(world.team_objective, world.bob, "Archived one")
    KeyResult.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    cancelled = add_kr(world.team_objective, world.bob, "Cancelled one")
    KeyResult.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    add_kr(world.company_objective, world.bob, "Driven one", driven_by=world.team_objective)
    add_kr(other_cycle(world, "Closed", CycleState.CLOSED, -200), world.bob, "In a closed cycle")
    add_kr(other_cycle(world, "Planning", CycleState.PLANNING, 60), world.bob, "In planning")
    add_kr(world.team_objective, world.alice, "Alice's one")
    hidden = create_objective(
        world.org, world.bob, cycle=world.cycle, title="Old objective", level=Level.PERSON
    )
    add_kr(hidden, world.bob, "In an archived objective")
    Objective.objects.filter(pk=hidden.pk).update(archived_at=timezone.now())

    response = world.client_for(world.bob).get(URL)

    assert response.status_code == 200
    assert listed(response.content.decode()) == {world.kr.pk, second.pk}


def test_someone_who_owns_nothing_sees_an_empty_page(world) -> None:
    response = world.client_for(world.alice).get(URL)

    assert response.status_code == 200
    assert listed(response.content.decode()) == set()
    assert "You own no key result in an active cycle." in response.content.decode()


def test_each_row_shows_the_last_check_in_and_the_pace(world) -> None:
    world.client_for(world.bob).post(URL, {f"kr-{world.kr.pk}-value": "1.5"})

    row = row_html(world.client_for(world.bob).get(URL).content.decode(), world.kr)

    assert "1,5\u00a0h" in row or "1.5\u00a0h" in row
    assert "expected 50\u00a0%" in row


def test_one_submit_records_every_touched_row_and_nothing_for_the_others(world, second) -> None:
    third = add_kr(world.team_objective, world.bob, "Untouched one")

    response = world.client_for(world.bob).post(
        URL,
        {
            f"kr-{world.kr.pk}-value": "1.5",
            f"kr-{world.kr.pk}-confidence": "8",
            f"kr-{world.kr.pk}-comment": "Better",
            f"kr-{second.pk}-value": "6",
            f"kr-{second.pk}-blockers": "Waiting on legal",
            f"kr-{third.pk}-value": "",
            f"kr-{third.pk}-confidence": "",
        },
    )

    assert response.status_code == 302
    assert response.url == URL
    assert CheckIn.objects.count() == 2
    first = CheckIn.objects.get(key_result=world.kr)
    assert (first.value, first.confidence, first.comment, first.author) == (
        Decimal("1.5"),
        8,
        "Better",
        world.bob,
    )
    assert CheckIn.objects.get(key_result=second).blockers == "Waiting on legal"
    assert fresh(world.kr).current == Decimal("1.5")
    assert fresh(second).current == Decimal(6)
    assert not CheckIn.objects.filter(key_result=third).exists()
    assert fresh(third).current == Decimal(0)


def test_an_empty_submit_records_nothing(world, second) -> None:
    response = world.client_for(world.bob).post(URL, {})

    assert response.status_code == 302
    assert not CheckIn.objects.exists()


def test_a_row_with_only_a_confidence_records_the_current_value_with_it(world) -> None:
    response = world.client_for(world.bob).post(URL, {f"kr-{world.kr.pk}-confidence": "3"})

    assert response.status_code == 302
    check_in = CheckIn.objects.get()
    assert (check_in.value, check_in.confidence) == (Decimal(2), 3)
    kr = fresh(world.kr)
    assert (kr.current, kr.confidence) == (Decimal(2), 3)


@pytest.mark.parametrize(("done", "value"), [("1", Decimal(1)), ("0", Decimal(0))])
def test_a_milestone_row_records_done_or_not_done(world, milestone, done, value) -> None:
    response = world.client_for(world.bob).post(URL, {f"kr-{milestone.pk}-done": done})

    assert response.status_code == 302
    assert CheckIn.objects.get(key_result=milestone).value == value
    assert fresh(milestone).current == value


def test_a_milestone_row_left_on_the_dash_records_nothing(world, milestone) -> None:
    world.client_for(world.bob).post(URL, {f"kr-{milestone.pk}-done": ""})

    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("value", "abc", "Enter a number."),
        ("value", "NaN", "Enter a number."),
        ("value", "1e30", "At most 16 digits before the point and 4 after."),
        ("value", "1.23456", "At most 16 digits before the point and 4 after."),
        ("confidence", "11", "Ensure this value is less than or equal to 10."),
        ("confidence", "-1", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_bad_input_in_one_row_refuses_the_whole_submit_with_the_error_next_to_that_row(
    world, second, field: str, typed: str, message: str
) -> None:
    data = {
        f"kr-{world.kr.pk}-value": "1.5",
        f"kr-{world.kr.pk}-comment": "Kept comment",
        f"kr-{second.pk}-{field}": typed,
    }

    response = world.client_for(world.bob).post(URL, data)

    assert response.status_code == 422
    html = response.content.decode()
    bad_row, good_row = row_html(html, second), row_html(html, world.kr)
    assert message in bad_row
    assert message not in good_row
    assert f'value="{typed}"' in bad_row
    assert 'value="1.5"' in good_row
    assert 'value="Kept comment"' in good_row
    assert not CheckIn.objects.exists()
    assert fresh(world.kr).current == Decimal(2)
    assert fresh(second).current == Decimal(3)


def test_the_bad_row_may_come_first_and_still_nothing_is_recorded(world, second) -> None:
    data = {f"kr-{world.kr.pk}-value": "abc", f"kr-{second.pk}-value": "4"}

    response = world.client_for(world.bob).post(URL, data)

    assert response.status_code == 422
    assert "Enter a number." in row_html(response.content.decode(), world.kr)
    assert not CheckIn.objects.exists()


def test_a_viewer_may_look_but_not_submit(world) -> None:
    client = world.client_for(world.vera)

    assert client.get(URL).status_code == 200
    assert client.post(URL, {f"kr-{world.kr.pk}-value": "1.5"}).status_code == 403
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_gets_404(world, method: str) -> None:
    client = world.client_for(world.oscar)

    response = getattr(client, method)(URL, {f"kr-{world.kr.pk}-value": "1.5"})

    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(world) -> None:
    response = world.client_for(None).post(URL, {f"kr-{world.kr.pk}-value": "1.5"})

    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not CheckIn.objects.exists()


def test_a_row_posted_for_someone_elses_key_result_is_ignored(world) -> None:
    alices = add_kr(world.team_objective, world.alice, "Alice's one")

    world.client_for(world.bob).post(URL, {f"kr-{alices.pk}-value": "9"})

    assert not CheckIn.objects.exists()
    assert fresh(alices).current == Decimal(0)


def test_a_cancelled_key_result_leaves_the_page_and_takes_no_check_in(world, second) -> None:
    KeyResult.objects.filter(pk=second.pk).update(cancelled_at=timezone.now())

    client = world.client_for(world.bob)
    assert listed(client.get(URL).content.decode()) == {world.kr.pk}
    client.post(URL, {f"kr-{second.pk}-value": "9"})

    assert not CheckIn.objects.exists()


def page_queries(world) -> int:  # type: ignore[no-untyped-def]
    client = world.client_for(world.bob)
    client.get(URL)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_the_page_query_count_does_not_grow_with_the_number_of_key_results(world) -> None:
    add_kr(world.team_objective, world.bob, "KR 2", current=Decimal(2))
    CheckIn.objects.create(key_result=world.kr, author=world.bob, value=Decimal(2))
    with_two = page_queries(world)
    for number in range(3, 9):
        kr = add_kr(world.team_objective, world.bob, f"KR {number}", current=Decimal(number))
        CheckIn.objects.create(key_result=kr, author=world.bob, value=Decimal(number))
    assert len(listed(world.client_for(world.bob).get(URL).content.decode())) == 8

    with_eight = page_queries(world)

    assert with_eight == with_two


def test_the_last_confidence_is_kept_unless_changed_and_the_first_value_has_the_focus(
    world, second
) -> None:
    record_check_in(world.kr, world.bob, value=Decimal(3), confidence=6)
    record_check_in(second, world.bob, value=Decimal(4), confidence=8)
    client = world.client_for(world.bob)
    html = client.get(URL).content.decode()
    assert f'name="kr-{world.kr.pk}-confidence" value="6"' in row_html(html, world.kr)
    first = min((world.kr, second), key=lambda kr: html.index(f'id="checkin-{kr.pk}"'))
    assert "autofocus" in row_html(html, first).split(f'name="kr-{first.pk}-confidence"')[0]

    # As the page posts it back: a new value on one line, the confidences as shown.
    client.post(
        URL,
        {
            f"kr-{world.kr.pk}-value": "2",
            f"kr-{world.kr.pk}-confidence": "6",
            f"kr-{second.pk}-confidence": "8",
        },
    )

    latest = CheckIn.objects.filter(key_result=world.kr).latest("created_at", "id")
    assert (latest.value, latest.confidence) == (Decimal(2), 6)
    assert CheckIn.objects.filter(key_result=second).count() == 1  # left as it was
