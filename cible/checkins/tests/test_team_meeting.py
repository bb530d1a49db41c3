"""The weekly team meeting: an agenda ordered by risk, quick check-ins, notes saved."""

from decimal import Decimal

import pytest
from django.utils import timezone

from cible.checkins.models import CheckIn, Review, ReviewKind
from cible.checkins.services import record_check_in
from cible.okrs.models import KeyResult
from cible.okrs.services import create_key_result
from cible.orgs.models import Membership, Role, TeamMember
from conftest import make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def meeting_url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/o/acme/teams/{world.team.pk}/meeting/"


def check_in_url(kr: KeyResult) -> str:
    return f"/o/acme/key-results/{kr.pk}/check-in/"


def member(world, email: str, name: str, in_team: bool):  # type: ignore[no-untyped-def]
    user = make_user(email, name)
    Membership.objects.create(organization=world.org, user=user, role=Role.MEMBER)
    if in_team:
        TeamMember.objects.create(team=world.team, user=user)
    return user


@pytest.fixture
def tess(world):  # type: ignore[no-untyped-def]
    """A member of Product who does not lead it."""
    return member(world, "tess@acme.test", "Tess Member", in_team=True)


@pytest.fixture
def mia(world):  # type: ignore[no-untyped-def]
    """A member of Acme outside Product."""
    return member(world, "mia@acme.test", "Mia Elsewhere", in_team=False)


def agenda_order(html: str, *krs: KeyResult) -> list[KeyResult]:
    return sorted(krs, key=lambda kr: html.index(f'id="agenda-{kr.pk}"'))


def test_the_agenda_lists_the_teams_key_results_most_at_risk_first(world) -> None:
    # Halfway through the cycle: world.kr is at 67 %, on track; this one is checked in at 0 %.
    stalled = create_key_result(
        world.team_objective,
        owner=world.bob,
        title="Answer every ticket in a day",
        kind="increase",
        start=Decimal(0),
        target=Decimal(100),
        current=Decimal(0),
    )
    record_check_in(stalled, world.bob, Decimal(0))

    response = world.client_for(world.bob).get(meeting_url(world))

    assert response.status_code == 200
    html = response.content.decode()
    assert agenda_order(html, world.kr, stalled) == [stalled, world.kr]
    statuses = {row.kr.pk: row.status for row, _form, _can in response.context["agenda"]}
    assert statuses == {stalled.pk: "off_track", world.kr.pk: "on_track"}
    assert "Off track" in html
    assert "On track" in html


def test_a_low_confidence_puts_a_key_result_ahead_of_one_on_pace(world) -> None:
    doubtful = create_key_result(
        world.team_objective,
        owner=world.bob,
        title="Hire two agents",
        kind="increase",
        start=Decimal(0),
        target=Decimal(2),
        current=Decimal(1),
        confidence=2,
    )
    ahead = create_key_result(
        world.team_objective,
        owner=world.bob,
        title="Publish ten articles",
        kind="increase",
        start=Decimal(0),
        target=Decimal(10),
        current=Decimal(9),
    )

    html = world.client_for(world.bob).get(meeting_url(world)).content.decode()

    assert agenda_order(html, ahead, world.kr, doubtful)[0] == doubtful


def test_cancelled_key_results_are_not_on_the_agenda(world) -> None:
    KeyResult.objects.filter(pk=world.kr.pk).update(cancelled_at=timezone.now())

    html = world.client_for(world.bob).get(meeting_url(world)).content.decode()

    assert f'id="agenda-{world.kr.pk}"' not in html


def test_the_page_shows_a_timer(world) -> None:
    html = world.client_for(world.bob).get(meeting_url(world)).content.decode()

    assert 'role="timer"' in html


def test_a_viewer_may_follow_the_meeting_without_check_in_forms(world) -> None:
    response = world.client_for(world.vera).get(meeting_url(world))

    assert response.status_code == 200
    assert f'id="agenda-{world.kr.pk}"' in response.content.decode()
    assert check_in_url(world.kr) not in response.content.decode()


def test_an_inline_check_in_through_htmx_returns_the_row_and_records_it(world) -> None:
    response = world.client_for(world.bob).post(
        check_in_url(world.kr),
        {f"kr-{world.kr.pk}-value": "1.5", f"kr-{world.kr.pk}-confidence": "7"},
        **HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<li class="agenda-item" id="agenda-{world.kr.pk}"')
    assert "<html" not in html
    assert "confidence 7/10" in html
    check_in = CheckIn.objects.get()
    assert (check_in.value, check_in.confidence, check_in.author) == (
        Decimal("1.5"),
        7,
        world.bob,
    )
    assert KeyResult.objects.get(pk=world.kr.pk).current == Decimal("1.5")


@pytest.mark.parametrize(
    ("field", "typed"),
    [("value", "abc"), ("value", "NaN"), ("value", "1e30"), ("confidence", "11")],
)
def test_an_inline_check_in_with_bad_input_returns_422_and_records_nothing(
    world, field: str, typed: str
) -> None:
    response = world.client_for(world.bob).post(
        check_in_url(world.kr), {f"kr-{world.kr.pk}-{field}": typed}, **HTMX
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="agenda-{world.kr.pk}"' in html
    assert 'class="errorlist' in html
    assert f'value="{typed}"' in html
    assert not CheckIn.objects.exists()
    assert KeyResult.objects.get(pk=world.kr.pk).current == Decimal(2)


def test_an_inline_check_in_on_a_cancelled_key_result_returns_422_and_records_nothing(
    world,
) -> None:
    KeyResult.objects.filter(pk=world.kr.pk).update(cancelled_at=timezone.now())

    response = world.client_for(world.bob).post(
        check_in_url(world.kr), {f"kr-{world.kr.pk}-value": "1.5"}, **HTMX
    )

    assert response.status_code == 422
    assert "cancelled" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_an_inline_check_in_without_htmx_redirects_to_the_key_result(world) -> None:
    response = world.client_for(world.bob).post(
        check_in_url(world.kr), {f"kr-{world.kr.pk}-value": "1.5"}
    )

    assert response.status_code == 302
    assert response.url == f"/o/acme/key-results/{world.kr.pk}/"
    assert CheckIn.objects.count() == 1


def test_a_bad_inline_check_in_without_htmx_redirects_and_records_nothing(world) -> None:
    response = world.client_for(world.bob).post(
        check_in_url(world.kr), {f"kr-{world.kr.pk}-value": "abc"}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"/o/acme/key-results/{world.kr.pk}/"
    assert "The check-in was not recorded" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_an_inline_check_in_by_get_is_not_allowed(world) -> None:
    response = world.client_for(world.bob).get(check_in_url(world.kr))

    assert response.status_code == 405


def test_the_lead_saves_the_meeting_notes_as_a_weekly_review(world) -> None:
    response = world.client_for(world.bob).post(
        meeting_url(world),
        {
            "notes": "Tickets pile up on Mondays",
            "decisions": "Add a rota",
            "duration_seconds": 1260,
        },
    )

    assert response.status_code == 302
    assert response.url == meeting_url(world)
    review = Review.objects.get()
    assert review.kind == ReviewKind.WEEKLY
    assert (review.team, review.cycle, review.organization) == (world.team, world.cycle, world.org)
    assert (review.notes, review.decisions) == ("Tickets pile up on Mondays", "Add a rota")
    assert review.duration_seconds == 1260
    assert review.created_by == world.bob
    html = world.client_for(world.bob).get(meeting_url(world)).content.decode()
    assert "Tickets pile up on Mondays" in html


def test_a_team_member_who_does_not_lead_may_save_the_notes(world, tess) -> None:
    response = world.client_for(tess).post(
        meeting_url(world), {"notes": "Tess took the notes", "duration_seconds": 900}
    )

    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.created_by, review.kind, review.duration_seconds) == (
        tess,
        ReviewKind.WEEKLY,
        900,
    )


def test_a_negative_duration_is_refused_and_nothing_is_saved(world) -> None:
    response = world.client_for(world.bob).post(
        meeting_url(world), {"notes": "Oops", "duration_seconds": "-5"}
    )

    assert response.status_code == 422
    assert not Review.objects.exists()


def test_a_member_outside_the_team_may_not_save_notes(world, mia) -> None:
    response = world.client_for(mia).post(meeting_url(world), {"notes": "Intrusion"})

    assert response.status_code == 403
    assert not Review.objects.exists()


def test_a_member_outside_the_team_may_not_check_in_someone_elses_key_result(world, mia) -> None:
    response = world.client_for(mia).post(
        check_in_url(world.kr), {f"kr-{world.kr.pk}-value": "1.5"}, **HTMX
    )

    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_a_viewer_may_not_save_notes(world) -> None:
    response = world.client_for(world.vera).post(meeting_url(world), {"notes": "Intrusion"})

    assert response.status_code == 403
    assert not Review.objects.exists()


def test_a_viewer_may_not_check_in(world) -> None:
    response = world.client_for(world.vera).post(
        check_in_url(world.kr), {f"kr-{world.kr.pk}-value": "1.5"}, **HTMX
    )

    assert response.status_code == 403
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_gets_404(world, method: str) -> None:
    response = getattr(world.client_for(world.oscar), method)(
        meeting_url(world), {"notes": "Intrusion"}
    )

    assert response.status_code == 404
    assert not Review.objects.exists()


def test_an_empty_inline_check_in_records_nothing(world) -> None:
    response = world.client_for(world.bob).post(
        check_in_url(world.kr), {f"kr-{world.kr.pk}-value": ""}, **HTMX
    )

    assert response.status_code == 200
    assert not CheckIn.objects.exists()


def test_an_empty_inline_check_in_without_htmx_does_not_claim_it_was_recorded(world) -> None:
    response = world.client_for(world.bob).post(
        check_in_url(world.kr), {f"kr-{world.kr.pk}-value": ""}, follow=True
    )

    assert not CheckIn.objects.exists()
    assert "Check-in recorded." not in response.content.decode()
