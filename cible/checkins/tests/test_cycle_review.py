"""The end of a cycle: proposed scores confirmed or adjusted with a reason, weighted
objective scores, retrospectives, carrying unfinished objectives over, and closing."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cible.checkins import reviews, scoring
from cible.checkins.models import CheckIn, Review, ReviewKind
from cible.checkins.services import record_check_in
from cible.okrs.models import (
    Change,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveState,
)
from cible.okrs.services import create_key_result

pytestmark = pytest.mark.django_db


def review_url(cycle: Cycle) -> str:
    return f"/o/acme/cycles/{cycle.pk}/review/"


def close_url(cycle: Cycle) -> str:
    return f"/o/acme/cycles/{cycle.pk}/close/"


def score_url(kr: KeyResult) -> str:
    return f"/o/acme/key-results/{kr.pk}/score/"


def carry_url(objective: Objective) -> str:
    return f"/o/acme/objectives/{objective.pk}/carry-over/"


def fresh(kr: KeyResult) -> KeyResult:
    return KeyResult.objects.select_related("objective__cycle").get(pk=kr.pk)


def scored() -> list[Change]:
    return list(Change.objects.filter(action=Change.Action.SCORED))


@pytest.fixture
def later(world) -> Cycle:  # type: ignore[no-untyped-def]
    return Cycle.objects.create(
        organization=world.org,
        name="Next",
        kind="custom",
        state=CycleState.PLANNING,
        start=world.cycle.end + timedelta(days=1),
        end=world.cycle.end + timedelta(days=91),
    )


@pytest.fixture
def heavy(world) -> KeyResult:  # type: ignore[no-untyped-def]
    """A KR three times as heavy as world.kr, at 20 %."""
    return create_key_result(
        world.team_objective,
        owner=world.bob,
        title="Publish ten articles",
        kind="increase",
        start=Decimal(0),
        target=Decimal(10),
        current=Decimal(2),
        weight=Decimal(3),
    )


def test_the_proposed_score_is_the_progress_rounded_to_two_places(world) -> None:
    assert scoring.proposed(world.kr) == Decimal("0.67")

    response = world.client_for(world.bob).get(review_url(world.cycle))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'id="score-{world.kr.pk}"[^>]*value="0.67"', html)
    [row] = [r for r in response.context["rows"] if r.objective == world.team_objective]
    assert row.key_results[0].proposed == Decimal("0.67")


def test_a_viewer_reads_the_review_without_score_forms(world) -> None:
    response = world.client_for(world.vera).get(review_url(world.cycle))

    assert response.status_code == 200
    assert score_url(world.kr) not in response.content.decode()


def test_the_outsider_gets_404_on_the_review(world) -> None:
    assert world.client_for(world.oscar).get(review_url(world.cycle)).status_code == 404


def test_confirming_the_proposed_score_needs_no_note(world) -> None:
    response = world.client_for(world.bob).post(score_url(world.kr), {"score": "0.67"})

    assert response.status_code == 302
    assert response.url == review_url(world.cycle) + f"#kr-{world.kr.pk}"
    kr = fresh(world.kr)
    assert (kr.score, kr.score_note) == (Decimal("0.67"), "")
    [change] = scored()
    assert change.after == {"score": "0.67"}
    assert Objective.objects.get(pk=world.team_objective.pk).score == Decimal("0.67")


def test_a_different_score_without_a_note_is_refused(world) -> None:
    response = world.client_for(world.bob).post(
        score_url(world.kr), {"score": "0.9", "score_note": "  "}, follow=True
    )

    assert "differs from the progress" in response.content.decode()
    assert fresh(world.kr).score is None
    assert scored() == []
    assert Objective.objects.get(pk=world.team_objective.pk).score is None


def test_a_different_score_with_a_note_is_accepted(world) -> None:
    world.client_for(world.bob).post(
        score_url(world.kr), {"score": "0.9", "score_note": "The last week brought it home"}
    )

    kr = fresh(world.kr)
    assert (kr.score, kr.score_note) == (Decimal("0.90"), "The last week brought it home")
    [change] = scored()
    assert change.reason == "The last week brought it home"


def test_a_score_within_half_a_point_of_the_proposal_counts_as_confirming(world) -> None:
    world.client_for(world.bob).post(score_url(world.kr), {"score": "0.66"})

    assert fresh(world.kr).score is None

    world.client_for(world.bob).post(score_url(world.kr), {"score": "0.67"})
    assert fresh(world.kr).score == Decimal("0.67")


@pytest.mark.parametrize("score", ["1.5", "-0.1", "abc", "NaN", "Infinity", "", "0.675"])
def test_an_impossible_score_is_refused(world, score: str) -> None:
    response = world.client_for(world.bob).post(
        score_url(world.kr), {"score": score, "score_note": "Because"}, follow=True
    )

    # Malformed input: a 422 page that names the score field.
    assert response.status_code == 422
    assert 'class="message message-error">Score (0 to 1):' in response.content.decode()
    assert fresh(world.kr).score is None
    assert scored() == []


@pytest.mark.parametrize("score", ["1.5", "-0.1", "NaN", "Infinity", "-Infinity"])
def test_the_service_refuses_a_score_outside_0_to_1(world, score: str) -> None:
    with pytest.raises(ValidationError):
        scoring.score_key_result(world.kr, world.bob, Decimal(score), note="Because")

    assert fresh(world.kr).score is None
    assert scored() == []


def test_the_objective_score_is_the_weighted_mean_of_its_key_result_scores(world, heavy) -> None:
    client = world.client_for(world.bob)
    client.post(score_url(world.kr), {"score": "0.67"})
    client.post(score_url(heavy), {"score": "0.2"})

    # (1 × 0.67 + 3 × 0.20) / 4 = 0.3175
    assert Objective.objects.get(pk=world.team_objective.pk).score == Decimal("0.32")


def test_a_score_changed_later_updates_the_objective_score(world, heavy) -> None:
    client = world.client_for(world.bob)
    client.post(score_url(world.kr), {"score": "0.67"})
    client.post(score_url(heavy), {"score": "0.2"})

    client.post(score_url(heavy), {"score": "1", "score_note": "Counted the drafts"})

    # (0.67 + 3) / 4 = 0.9175
    assert Objective.objects.get(pk=world.team_objective.pk).score == Decimal("0.92")


def test_the_objective_retrospective_saves_its_four_fields(world) -> None:
    response = world.client_for(world.bob).post(
        f"/o/acme/objectives/{world.team_objective.pk}/retrospective/",
        {
            "retro_worked": "The rota",
            "retro_did_not_work": "Weekend coverage",
            "retro_learned": "Measure daily",
            "retro_celebrate": "Two hours saved",
        },
    )

    assert response.status_code == 302
    objective = Objective.objects.get(pk=world.team_objective.pk)
    assert (
        objective.retro_worked,
        objective.retro_did_not_work,
        objective.retro_learned,
        objective.retro_celebrate,
    ) == ("The rota", "Weekend coverage", "Measure daily", "Two hours saved")
    assert (
        "Two hours saved"
        in world.client_for(world.bob).get(review_url(world.cycle)).content.decode()
    )


def test_the_team_retrospective_creates_a_quarterly_review(world) -> None:
    response = world.client_for(world.bob).post(
        f"/o/acme/teams/{world.team.pk}/retrospective/{world.cycle.pk}/",
        {
            "worked": "Pairing",
            "did_not_work": "Handovers",
            "learned": "Write it down",
            "celebrate": "The launch",
        },
    )

    assert response.status_code == 302
    assert response.url == review_url(world.cycle)
    review = Review.objects.get()
    assert (review.kind, review.team, review.cycle, review.created_by) == (
        ReviewKind.QUARTERLY,
        world.team,
        world.cycle,
        world.bob,
    )
    assert (review.worked, review.did_not_work, review.learned, review.celebrate) == (
        "Pairing",
        "Handovers",
        "Write it down",
        "The launch",
    )
    assert (
        "Write it down"
        in world.client_for(world.vera).get(review_url(world.cycle)).content.decode()
    )


def test_carrying_over_creates_a_linked_copy_starting_from_the_current_values(world, later) -> None:
    unfinished = create_key_result(
        world.team_objective,
        owner=world.alice,
        title="Publish ten articles",
        kind="increase",
        start=Decimal(0),
        target=Decimal(10),
        current=Decimal(4),
    )

    response = world.client_for(world.bob).post(
        carry_url(world.team_objective), {"cycle": later.pk}
    )

    copy = Objective.objects.get(carried_from=world.team_objective)
    assert response.status_code == 302
    assert response.url == copy.get_absolute_url()
    assert (copy.cycle, copy.title, copy.team, copy.owner, copy.state) == (
        later,
        world.team_objective.title,
        world.team,
        world.bob,
        ObjectiveState.ACTIVE,
    )
    copies = {kr.title: kr for kr in copy.key_results.all()}
    assert set(copies) == {world.kr.title, unfinished.title}
    first, second = copies[world.kr.title], copies[unfinished.title]
    assert (first.start, first.current, first.target, first.owner) == (
        Decimal(2),
        Decimal(2),
        Decimal(1),
        world.bob,
    )
    assert (second.start, second.current, second.target, second.owner) == (
        Decimal(4),
        Decimal(4),
        Decimal(10),
        world.alice,
    )
    assert Change.objects.filter(objective=copy, action=Change.Action.CARRIED).exists()
    # The original stays where it was.
    assert fresh(world.kr).objective_id == world.team_objective.pk


def test_a_second_carry_over_into_the_same_cycle_is_refused(world, later) -> None:
    client = world.client_for(world.bob)
    client.post(carry_url(world.team_objective), {"cycle": later.pk})

    response = client.post(carry_url(world.team_objective), {"cycle": later.pk}, follow=True)

    assert "already carried over" in response.content.decode()
    assert Objective.objects.filter(carried_from=world.team_objective).count() == 1


@pytest.mark.parametrize("target", ["same", "earlier", "closed", "junk", "foreign"])
def test_carrying_over_into_a_cycle_that_is_not_a_later_open_one_is_refused(
    world, later, target: str
) -> None:
    earlier = Cycle.objects.create(
        organization=world.org,
        name="Before",
        kind="custom",
        start=world.cycle.start - timedelta(days=100),
        end=world.cycle.start - timedelta(days=1),
    )
    Cycle.objects.filter(pk=later.pk).update(
        state=CycleState.CLOSED if target == "closed" else CycleState.PLANNING
    )
    foreign = world.foreign_objective.cycle
    cycle = {
        "same": world.cycle.pk,
        "earlier": earlier.pk,
        "closed": later.pk,
        "junk": "abc",
        "foreign": foreign.pk,
    }[target]
    before = Objective.objects.count()

    response = world.client_for(world.bob).post(carry_url(world.team_objective), {"cycle": cycle})

    assert response.status_code == 302
    assert response.url == review_url(world.cycle)
    assert Objective.objects.count() == before


def test_closing_scores_what_is_left_and_closes_objectives_and_cycle(world, heavy) -> None:
    world.client_for(world.bob).post(
        score_url(heavy), {"score": "0.5", "score_note": "Two more half-written"}
    )

    response = world.client_for(world.adam).post(close_url(world.cycle))

    assert response.status_code == 302
    assert response.url == review_url(world.cycle)
    assert Cycle.objects.get(pk=world.cycle.pk).state == CycleState.CLOSED
    assert fresh(world.kr).score == Decimal("0.67")
    assert fresh(heavy).score == Decimal("0.50")
    states = set(Objective.objects.filter(cycle=world.cycle).values_list("state", flat=True))
    assert states == {ObjectiveState.CLOSED}
    # (0.67 + 3 × 0.5) / 4 = 0.5425
    assert Objective.objects.get(pk=world.team_objective.pk).score == Decimal("0.54")
    assert (
        "This cycle is closed"
        in world.client_for(world.bob).get(review_url(world.cycle)).content.decode()
    )


def test_closing_twice_changes_nothing_more(world) -> None:
    client = world.client_for(world.adam)
    client.post(close_url(world.cycle))
    before = list(KeyResult.objects.values("score", "updated_at"))

    response = client.post(close_url(world.cycle), follow=True)

    assert "already closed" in response.content.decode()
    assert list(KeyResult.objects.values("score", "updated_at")) == before


def test_a_plain_member_may_not_close_the_cycle(world) -> None:
    response = world.client_for(world.bob).post(close_url(world.cycle))

    assert response.status_code == 403
    assert Cycle.objects.get(pk=world.cycle.pk).state == CycleState.ACTIVE
    assert fresh(world.kr).score is None


@pytest.fixture
def closed(world) -> Cycle:  # type: ignore[no-untyped-def]
    world.client_for(world.adam).post(close_url(world.cycle))
    cycle = Cycle.objects.get(pk=world.cycle.pk)
    assert cycle.is_closed
    return cycle


def test_after_closing_a_check_in_is_refused(world, closed) -> None:
    with pytest.raises(ValidationError):
        record_check_in(fresh(world.kr), world.bob, Decimal("1.5"))
    response = world.client_for(world.bob).post(
        f"/o/acme/key-results/{world.kr.pk}/check-in/",
        {f"kr-{world.kr.pk}-value": "1.5"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code in (403, 422)
    assert not CheckIn.objects.exists()
    assert fresh(world.kr).current == Decimal(2)
    page = world.client_for(world.bob).get("/o/acme/check-in/").content.decode()
    assert f'id="checkin-{world.kr.pk}"' not in page


def test_after_closing_the_owner_may_not_score_any_more(world, closed) -> None:
    changes = Change.objects.count()

    response = world.client_for(world.bob).post(
        score_url(world.kr), {"score": "0.9", "score_note": "Late thought"}
    )

    assert response.status_code in (302, 403)
    assert fresh(world.kr).score == Decimal("0.67")
    assert Change.objects.count() == changes


def test_the_score_service_refuses_a_closed_cycle(world, closed) -> None:
    with pytest.raises(ValidationError):
        scoring.score_key_result(fresh(world.kr), world.bob, Decimal("0.67"))

    assert fresh(world.kr).score == Decimal("0.67")


@pytest.mark.parametrize(
    "data",
    [{"target": "1.5", "reason": "Too late"}, {"cancel": "on", "reason": "Too late"}],
    ids=["target", "cancel"],
)
def test_after_closing_the_owner_may_not_adjust_any_more(world, closed, data) -> None:
    changes = Change.objects.count()

    response = world.client_for(world.bob).post(f"/o/acme/key-results/{world.kr.pk}/adjust/", data)

    assert response.status_code in (302, 403)
    kr = fresh(world.kr)
    assert (kr.target, kr.cancelled_at) == (Decimal(1), None)
    assert Change.objects.count() == changes


def test_the_adjust_service_refuses_a_closed_cycle(world, closed) -> None:
    with pytest.raises(ValidationError):
        reviews.adjust_key_result(fresh(world.kr), world.bob, "Too late", target=Decimal(3))

    assert fresh(world.kr).target == Decimal(1)


def test_after_closing_a_member_may_not_rewrite_an_objectives_retrospective(world, closed) -> None:
    changes = Change.objects.count()

    response = world.client_for(world.bob).post(
        f"/o/acme/objectives/{world.team_objective.pk}/retrospective/",
        {"retro_worked": "Rewritten after the fact"},
    )

    assert response.status_code in (302, 403)
    assert Objective.objects.get(pk=world.team_objective.pk).retro_worked == ""
    assert Change.objects.count() == changes


def test_an_admin_carries_a_closed_cycles_unfinished_objective_over(world, closed, later) -> None:
    world.client_for(world.adam).post(carry_url(world.team_objective), {"cycle": later.pk})

    copy = Objective.objects.get(carried_from=world.team_objective)
    assert copy.cycle == later
    assert [kr.start for kr in copy.key_results.all()] == [Decimal(2)]
