"""Answering a dependency: the team asked (its lead, the editors of its objective) accepts
or declines, either team says it is done, the team that asked asks again after a decline.
Each move is checked, recorded in the history and the audit trail, and announced."""

import pytest
from django.core.exceptions import ValidationError

from cible.accounts.models import User
from cible.audit.models import AuditEntry
from cible.okrs import rules, signals
from cible.okrs.access import Powers
from cible.okrs.models import Change, Dependency, DependencyState
from cible.okrs.services import change_dependency_state
from cible.orgs.models import Membership, Role

pytestmark = pytest.mark.django_db

REQUESTER, PROVIDER = rules.REQUESTER, rules.PROVIDER


def powers(world, user: User) -> Powers:  # type: ignore[no-untyped-def]
    return Powers(Membership.objects.get(organization=world.org, user=user))


# --- The rule -----------------------------------------------------------------------------


def test_the_provider_may_accept_or_decline_a_request() -> None:
    assert rules.dependency_moves("proposed", [PROVIDER]) == ["accepted", "declined"]
    assert rules.dependency_moves("proposed", [REQUESTER]) == []


def test_either_side_marks_an_accepted_dependency_done() -> None:
    assert "done" in rules.dependency_moves("accepted", [PROVIDER])
    assert rules.dependency_moves("accepted", [REQUESTER]) == ["done"]
    assert rules.dependency_moves("done", [REQUESTER]) == ["accepted"]


def test_only_the_requester_asks_again_after_a_decline() -> None:
    assert rules.dependency_moves("declined", [REQUESTER]) == ["proposed"]
    assert rules.dependency_moves("declined", [PROVIDER]) == []


@pytest.mark.parametrize(
    ("current", "wanted", "sides", "comment", "field", "code"),
    [
        ("proposed", "done", [PROVIDER], "", "state", "dependency_move"),
        ("done", "declined", [PROVIDER], "no", "state", "dependency_move"),
        ("proposed", "accepted", [REQUESTER], "", "state", "dependency_side"),
        ("declined", "proposed", [PROVIDER], "", "state", "dependency_side"),
        ("proposed", "declined", [PROVIDER], "  ", "comment", "comment_needed"),
        ("proposed", "accepted", [PROVIDER], "x" * 2001, "comment", "comment_too_long"),
        ("proposed", "nonsense", [PROVIDER], "", "state", "dependency_move"),
    ],
)
def test_a_move_not_allowed_is_refused_by_field(  # type: ignore[no-untyped-def]
    current, wanted, sides, comment, field, code
) -> None:
    with pytest.raises(ValidationError) as caught:
        rules.check_dependency_move(current, wanted, sides, comment)
    assert [e.code for e in caught.value.error_dict[field]] == [code]


# --- Who is on which side -----------------------------------------------------------------


def test_the_providers_lead_is_the_provider(world, sam, dependency) -> None:
    assert powers(world, sam).dependency_sides(dependency) == {PROVIDER}
    assert powers(world, sam).dependency_moves(dependency) == ["accepted", "declined"]


def test_the_requesting_lead_is_the_requester(world, dependency) -> None:
    assert powers(world, world.bob).dependency_sides(dependency) == {REQUESTER}
    assert powers(world, world.bob).dependency_moves(dependency) == []


def test_an_admin_answers_for_both_sides(world, dependency) -> None:
    assert powers(world, world.adam).dependency_sides(dependency) == {REQUESTER, PROVIDER}


def test_a_viewer_and_an_unrelated_member_answer_for_nobody(world, dependency) -> None:
    kim = User.objects.create_user(email="kim@acme.test", password="x" * 12, name="Kim")
    Membership.objects.create(organization=world.org, user=kim, role=Role.MEMBER)

    assert powers(world, world.vera).dependency_moves(dependency) == []
    assert powers(world, kim).dependency_sides(dependency) == frozenset()


# --- The service --------------------------------------------------------------------------


def test_accepting_stores_the_answer(world, sam, dependency) -> None:
    change_dependency_state(dependency, sam, "accepted", {PROVIDER}, " Week 6 ")

    dependency.refresh_from_db()
    assert dependency.state == DependencyState.ACCEPTED
    assert dependency.state_comment == "Week 6"
    assert dependency.state_changed_by == sam
    assert dependency.state_changed_at is not None


def test_a_move_is_in_the_history_and_the_audit_trail(world, sam, dependency) -> None:
    change_dependency_state(dependency, sam, "declined", {PROVIDER}, "No one free this quarter")

    change = Change.objects.filter(objective=world.team_objective, action="dependency").first()
    assert change is not None
    assert change.actor == sam
    assert change.before == {"dependency_state": "proposed"}
    assert change.after == {"dependency_state": "declined"}
    assert change.reason == "No one free this quarter"
    entry = AuditEntry.objects.filter(actor=sam, action="dependency").get()
    assert entry.objective_id == world.team_objective.pk
    assert entry.after == {"dependency_state": "declined"}


def test_a_move_sends_the_signal_with_its_arguments(world, sam, dependency) -> None:
    heard: list[dict[str, object]] = []

    def listener(sender: object, **kwargs: object) -> None:
        heard.append(kwargs)

    signals.dependency_state_changed.connect(listener)
    try:
        change_dependency_state(dependency, sam, "accepted", {PROVIDER}, "Yes")
    finally:
        signals.dependency_state_changed.disconnect(listener)

    [call] = heard
    assert call["dependency"] == dependency
    assert (call["before"], call["by"], call["comment"]) == ("proposed", sam, "Yes")


def test_a_refused_move_changes_nothing(world, dependency) -> None:
    with pytest.raises(ValidationError):
        change_dependency_state(dependency, world.bob, "accepted", {REQUESTER})

    dependency.refresh_from_db()
    assert dependency.state == DependencyState.PROPOSED
    assert not Change.objects.filter(action="dependency", before__has_key="dependency_state")


def test_the_move_is_checked_against_the_stored_state(world, sam, dependency) -> None:
    Dependency.objects.filter(pk=dependency.pk).update(state=DependencyState.DONE)

    # The caller's copy still says proposed, from which a decline is allowed: the stored
    # state wins.
    with pytest.raises(ValidationError):
        change_dependency_state(dependency, sam, "declined", {PROVIDER}, "late")


def test_a_full_round_trip(world, sam, dependency) -> None:
    change_dependency_state(dependency, sam, "declined", {PROVIDER}, "Not now")
    change_dependency_state(dependency, world.bob, "proposed", {REQUESTER}, "Smaller ask")
    change_dependency_state(dependency, sam, "accepted", {PROVIDER})
    change_dependency_state(dependency, world.bob, "done", {REQUESTER}, "Received")

    dependency.refresh_from_db()
    assert dependency.state == DependencyState.DONE
    assert Change.objects.filter(action="dependency").count() == 5  # the request and 4 moves
