"""The monthly review: change a KR's target or due date, or cancel it, always with a
reason that stays in the history; notes saved as a monthly review."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from cible.checkins.models import Review, ReviewKind
from cible.okrs.models import Change, KeyResult
from cible.okrs.services import create_key_result, objective_progress
from cible.orgs.models import Membership, Role, TeamMember
from conftest import make_user

pytestmark = pytest.mark.django_db


def adjust_url(kr: KeyResult) -> str:
    return f"/o/acme/key-results/{kr.pk}/adjust/"


def team_review_url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/o/acme/teams/{world.team.pk}/monthly-review/"


COMPANY_REVIEW_URL = "/o/acme/monthly-review/"


def fresh(kr: KeyResult) -> KeyResult:
    return KeyResult.objects.get(pk=kr.pk)


def adjustments() -> list[Change]:
    return list(Change.objects.filter(action__in=["adjusted", "cancelled"]))


@pytest.fixture
def tess(world):  # type: ignore[no-untyped-def]
    """A member of Product who does not lead it and owns no KR."""
    user = make_user("tess@acme.test", "Tess Member")
    Membership.objects.create(organization=world.org, user=user, role=Role.MEMBER)
    TeamMember.objects.create(team=world.team, user=user)
    return user


@pytest.mark.parametrize(
    ("url", "who"), [("team", "bob"), ("team", "adam"), ("company", "alice"), ("company", "bob")]
)
def test_the_review_pages_list_the_objectives_for_everyone(world, url: str, who: str) -> None:
    path = team_review_url(world) if url == "team" else COMPANY_REVIEW_URL

    response = world.client_for(getattr(world, who)).get(path)

    assert response.status_code == 200
    title = world.team_objective.title if url == "team" else world.company_objective.title
    assert title in response.content.decode()


def test_the_lead_sees_the_adjust_forms_and_a_viewer_does_not(world) -> None:
    assert (
        adjust_url(world.kr)
        in world.client_for(world.bob).get(team_review_url(world)).content.decode()
    )
    assert (
        adjust_url(world.kr)
        not in world.client_for(world.vera).get(team_review_url(world)).content.decode()
    )


def test_a_new_target_with_a_reason_changes_the_target_and_is_recorded(world) -> None:
    response = world.client_for(world.bob).post(
        adjust_url(world.kr),
        {"target": "1.5", "reason": "One hour was out of reach", "next": team_review_url(world)},
    )

    assert response.status_code == 302
    assert response.url == team_review_url(world)
    assert fresh(world.kr).target == Decimal("1.5")
    [change] = adjustments()
    assert change.action == Change.Action.ADJUSTED
    assert change.reason == "One hour was out of reach"
    assert (change.key_result, change.objective, change.actor) == (
        world.kr,
        world.team_objective,
        world.bob,
    )
    assert Decimal(change.before["target"]) == Decimal(1)
    assert Decimal(change.after["target"]) == Decimal("1.5")


def test_a_new_due_date_with_a_reason_is_recorded(world) -> None:
    due = world.cycle.end - timedelta(days=10)

    world.client_for(world.bob).post(
        adjust_url(world.kr), {"due_date": due.isoformat(), "reason": "The launch moved"}
    )

    assert fresh(world.kr).due_date == due
    [change] = adjustments()
    assert change.before == {"due_date": ""}
    assert change.after == {"due_date": due.isoformat()}
    assert change.reason == "The launch moved"


def test_cancelling_with_a_reason_takes_the_key_result_out_of_check_ins_and_progress(
    world,
) -> None:
    other = create_key_result(
        world.team_objective,
        owner=world.bob,
        title="Publish ten articles",
        kind="increase",
        start=Decimal(0),
        target=Decimal(10),
        current=Decimal(5),
    )
    before = objective_progress([world.team_objective])[world.team_objective.pk]

    response = world.client_for(world.bob).post(
        adjust_url(world.kr), {"cancel": "on", "reason": "The chat replaces e-mail support"}
    )

    assert response.status_code == 302
    kr = fresh(world.kr)
    assert kr.cancelled_at is not None
    assert kr.cancel_reason == "The chat replaces e-mail support"
    [change] = adjustments()
    assert (change.action, change.reason) == ("cancelled", "The chat replaces e-mail support")
    after = objective_progress([world.team_objective])[world.team_objective.pk]
    assert before != after
    assert after == other.progress() == Decimal("0.5")
    page = world.client_for(world.bob).get("/o/acme/check-in/").content.decode()
    assert f'id="checkin-{world.kr.pk}"' not in page
    assert f'id="checkin-{other.pk}"' in page


def test_a_cancelled_key_result_cannot_be_cancelled_or_adjusted_again(world) -> None:
    client = world.client_for(world.bob)
    client.post(adjust_url(world.kr), {"cancel": "on", "reason": "Dropped"})
    cancelled_at = fresh(world.kr).cancelled_at

    client.post(adjust_url(world.kr), {"target": "3", "reason": "Changed my mind"})

    kr = fresh(world.kr)
    assert (kr.cancelled_at, kr.target) == (cancelled_at, Decimal(1))
    assert len(adjustments()) == 1


@pytest.mark.parametrize(
    "data",
    [
        {"target": "1.5"},
        {"target": "1.5", "reason": "   "},
        {"due_date": "2030-01-01"},
        {"cancel": "on"},
        {"cancel": "on", "reason": ""},
    ],
    ids=["target", "blank-reason", "due-date", "cancel", "cancel-empty-reason"],
)
def test_without_a_reason_nothing_changes(world, data: dict[str, str]) -> None:
    response = world.client_for(world.bob).post(adjust_url(world.kr), data, follow=True)

    assert response.status_code == 422  # the reason is a required field of the form
    assert 'class="message message-error"' in response.content.decode()
    kr = fresh(world.kr)
    assert (kr.target, kr.due_date, kr.cancelled_at) == (Decimal(1), None, None)
    assert adjustments() == []


def test_the_refusal_of_a_change_without_a_reason_says_a_reason_is_needed(world) -> None:
    response = world.client_for(world.bob).post(
        adjust_url(world.kr), {"target": "1.5"}, follow=True
    )

    errors = re.findall(r'class="message message-error">(.*?)</li>', response.content.decode())
    assert errors
    assert "reason" in " ".join(errors).lower()


@pytest.mark.parametrize("target", ["abc", "NaN", "1e30", "1.23456", "5"])
def test_an_impossible_target_changes_nothing(world, target: str) -> None:
    # "5" is a number, but above the start of a decrease from 4 h.
    world.client_for(world.bob).post(adjust_url(world.kr), {"target": target, "reason": "Why not"})

    assert fresh(world.kr).target == Decimal(1)
    assert adjustments() == []


def test_a_reason_with_nothing_to_change_changes_nothing(world) -> None:
    world.client_for(world.bob).post(adjust_url(world.kr), {"reason": "Just talking"})

    assert adjustments() == []


def test_a_foreign_next_address_is_not_followed(world) -> None:
    response = world.client_for(world.bob).post(
        adjust_url(world.kr), {"target": "1.5", "reason": "Ok", "next": "https://evil.test/"}
    )

    assert response.url == f"/o/acme/key-results/{world.kr.pk}/"


def test_the_cancel_reason_shows_on_the_objective_page(world) -> None:
    world.client_for(world.bob).post(
        adjust_url(world.kr), {"cancel": "on", "reason": "The chat replaces e-mail support"}
    )

    html = world.client_for(world.vera).get(world.team_objective.get_absolute_url()).content
    assert "The chat replaces e-mail support" in html.decode()


def test_the_objective_history_shows_the_old_and_the_new_target(world) -> None:
    world.client_for(world.bob).post(
        adjust_url(world.kr), {"target": "1.5", "reason": "One hour was out of reach"}
    )

    html = world.client_for(world.vera).get(world.team_objective.get_absolute_url()).content
    assert "<del>1.0000</del> → <ins>1.5</ins>" in html.decode()


def test_the_reason_of_a_target_change_is_visible_in_the_history(world) -> None:
    world.client_for(world.bob).post(
        adjust_url(world.kr), {"target": "1.5", "reason": "One hour was out of reach"}
    )

    client = world.client_for(world.vera)
    objective_page = client.get(world.team_objective.get_absolute_url()).content.decode()
    kr_page = client.get(f"/o/acme/key-results/{world.kr.pk}/").content.decode()
    assert "One hour was out of reach" in objective_page + kr_page


def test_the_lead_saves_the_teams_monthly_review(world) -> None:
    response = world.client_for(world.bob).post(
        team_review_url(world), {"notes": "Support load doubled", "decisions": "Hire one agent"}
    )

    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.kind, review.team, review.cycle) == (ReviewKind.MONTHLY, world.team, world.cycle)
    assert (review.notes, review.decisions, review.created_by) == (
        "Support load doubled",
        "Hire one agent",
        world.bob,
    )
    assert (
        "Support load doubled"
        in world.client_for(world.bob).get(team_review_url(world)).content.decode()
    )


def test_an_admin_saves_the_companys_monthly_review(world) -> None:
    response = world.client_for(world.alice).post(
        COMPANY_REVIEW_URL, {"notes": "Good month", "decisions": "Keep going"}
    )

    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.kind, review.team, review.organization) == (
        ReviewKind.MONTHLY,
        None,
        world.org,
    )
    assert "Good month" in world.client_for(world.adam).get(COMPANY_REVIEW_URL).content.decode()


def test_the_company_review_does_not_list_the_team_reviews(world) -> None:
    world.client_for(world.bob).post(team_review_url(world), {"notes": "Team only notes"})

    html = world.client_for(world.alice).get(COMPANY_REVIEW_URL).content.decode()

    assert "Team only notes" not in html


def test_a_plain_member_may_not_save_the_companys_review(world) -> None:
    response = world.client_for(world.bob).post(COMPANY_REVIEW_URL, {"notes": "Not my call"})

    assert response.status_code == 403
    assert not Review.objects.exists()


def test_a_team_member_who_does_not_lead_may_not_save_the_teams_review(world, tess) -> None:
    response = world.client_for(tess).post(team_review_url(world), {"notes": "Not my call"})

    assert response.status_code == 403
    assert not Review.objects.exists()


def test_a_team_member_who_does_not_lead_may_not_adjust_the_leads_key_result(world, tess) -> None:
    response = world.client_for(tess).post(
        adjust_url(world.kr), {"target": "1.5", "reason": "Mine now"}
    )

    assert response.status_code == 403
    assert fresh(world.kr).target == Decimal(1)
    assert adjustments() == []


def test_an_admin_may_adjust_any_key_result(world) -> None:
    world.client_for(world.adam).post(adjust_url(world.kr), {"target": "2", "reason": "Reset"})

    assert fresh(world.kr).target == Decimal(2)


def test_adjusting_by_get_is_not_allowed(world) -> None:
    assert world.client_for(world.bob).get(adjust_url(world.kr)).status_code == 405
