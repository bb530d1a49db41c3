"""Every change to an organisation, its people, teams, cycles, OKRs, check-ins and reviews
leaves exactly one entry in the audit trail, with who, what, and the changed fields."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from cible.audit.models import AuditEntry
from cible.audit.services import Target, diff, record, snapshot
from cible.checkins import reviews, scoring
from cible.checkins.models import ReviewKind
from cible.checkins.services import record_check_in
from cible.okrs import services as okrs
from cible.okrs.models import Change, Cycle, CycleState, Dependency, Level
from cible.orgs import services as orgs
from cible.orgs.models import Invitation, Membership, Organization, Role, TeamMember
from conftest import World, make_user

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    act: Callable[[World], Any]
    action: str
    target_type: str
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    actor: str = "alice"
    # The target's id, from the world once the change is made.
    target: Callable[[World], int] | None = None


def post(world: World, url: str, data: dict[str, Any], user: str = "alice") -> None:
    response = world.client_for(getattr(world, user)).post(url, data)
    assert response.status_code in (200, 302), response.status_code


SETTINGS = {
    "name": "Acme Corp",
    "language": "en",
    "time_zone": "Europe/Paris",
    "checkin_weekday": 0,
    "checkin_time": "09:00",
    "score_display": "decimal",
    "at_risk_gap": "0.15",
    "off_track_gap": "0.30",
    "at_risk_confidence": 5,
    "off_track_confidence": 3,
}


def accept_invitation(world: World) -> None:
    invitation = Invitation.objects.create(organization=world.org, role=Role.MEMBER)
    newcomer = make_user("nina@acme.test", "Nina New")
    orgs.accept_invitation(invitation, newcomer)


def remove_adam_from_team(world: World) -> None:
    TeamMember.objects.create(team=world.team, user=world.adam)
    post(world, f"/o/acme/teams/{world.team.pk}/members/{world.adam.pk}/remove/", {})


def later_cycle(world: World) -> Cycle:
    return Cycle.objects.create(
        organization=world.org,
        name="Later",
        kind="custom",
        start=world.cycle.end + timedelta(days=1),
        end=world.cycle.end + timedelta(days=90),
    )


def dependency(world: World) -> Dependency:
    return Dependency.objects.create(
        organization=world.org,
        from_objective=world.team_objective,
        to_objective=world.company_objective,
    )


CASES = {
    "settings saved": Case(
        lambda w: post(w, "/o/acme/settings/", SETTINGS),
        "updated",
        "organization",
        {"name": "Acme"},
        {"name": "Acme Corp"},
        target=lambda w: w.org.pk,
    ),
    "invitation created": Case(
        lambda w: post(w, "/o/acme/invitations/", {"role": "viewer", "email": "zoe@acme.test"}),
        "invited",
        "invitation",
        after={"role": "viewer", "email": "zoe@acme.test"},
        target=lambda w: Invitation.objects.get().pk,
    ),
    "invitation accepted": Case(
        accept_invitation,
        "joined",
        "membership",
        after={"person": "Nina New", "role": "member"},
        actor="nina",
    ),
    "role changed": Case(
        lambda w: post(
            w, f"/o/acme/members/{Membership.objects.get(user=w.vera).pk}/role/", {"role": "member"}
        ),
        "role_changed",
        "membership",
        {"role": "viewer"},
        {"role": "member"},
    ),
    "member left": Case(
        lambda w: post(w, "/o/acme/leave/", {}, user="vera"),
        "left",
        "membership",
        before={"person": "Vera Petit", "role": "viewer"},
        actor="vera",
    ),
    "team created": Case(
        lambda w: post(w, "/o/acme/teams/", {"name": "Sales", "chat_format": "slack"}),
        "created",
        "team",
        after={
            "name": "Sales",
            "parent": "",
            "lead": "",
            "chat_webhook_url": "",
            "chat_format": "slack",
        },
    ),
    "team edited": Case(
        lambda w: post(
            w,
            f"/o/acme/teams/{w.team.pk}/edit/",
            {
                "name": "Product",
                "lead": w.bob.pk,
                "chat_webhook_url": "https://chat.example/hook/secret",
                "chat_format": "slack",
            },
        ),
        "updated",
        "team",
        {"chat_webhook_url": ""},
        {"chat_webhook_url": "********"},
        target=lambda w: w.team.pk,
    ),
    "team member added": Case(
        lambda w: post(w, f"/o/acme/teams/{w.team.pk}/members/", {"user": w.vera.pk}),
        "added",
        "team_member",
        after={"member": "Vera Petit"},
        target=lambda w: w.team.pk,
    ),
    "team member removed": Case(
        remove_adam_from_team,
        "removed",
        "team_member",
        before={"member": "Adam Roux"},
        target=lambda w: w.team.pk,
    ),
    "cycle created": Case(
        lambda w: post(
            w,
            "/o/acme/cycles/",
            {"name": "H2", "kind": "custom", "start": "2030-07-01", "end": "2030-12-31"},
        ),
        "created",
        "cycle",
        after={
            "name": "H2",
            "kind": "custom",
            "start": "2030-07-01",
            "end": "2030-12-31",
            "parent": "",
        },
    ),
    "cycle state changed": Case(
        lambda w: post(w, f"/o/acme/cycles/{w.cycle.pk}/state/", {"state": "review"}),
        "state_changed",
        "cycle",
        {"state": "active"},
        {"state": "review"},
        target=lambda w: w.cycle.pk,
    ),
    "objective created": Case(
        lambda w: okrs.create_objective(
            w.org, w.alice, cycle=w.cycle, title="Grow", level=Level.COMPANY
        ),
        "created",
        "objective",
        after={"title": "Grow"},
    ),
    "objective updated": Case(
        lambda w: okrs.update_objective(w.company_objective, w.alice, title="Delight users"),
        "updated",
        "objective",
        {"title": "Delight our customers"},
        {"title": "Delight users"},
        target=lambda w: w.company_objective.pk,
    ),
    "objective archived": Case(
        lambda w: okrs.archive_objective(w.company_objective, w.alice),
        "archived",
        "objective",
        target=lambda w: w.company_objective.pk,
    ),
    "objective restored": Case(
        lambda w: okrs.archive_objective(w.company_objective, w.alice, archived=False),
        "restored",
        "objective",
    ),
    "objective aligned": Case(
        lambda w: okrs.set_parents(w.team_objective, [], w.alice),
        "aligned",
        "objective",
        {"parents": "Delight our customers"},
        {"parents": ""},
    ),
    "key result created": Case(
        lambda w: okrs.create_key_result(
            w.company_objective, actor=w.alice, title="NPS", start=Decimal(10), target=Decimal(40)
        ),
        "created",
        "key_result",
        after={"title": "NPS"},
    ),
    "key result updated": Case(
        lambda w: okrs.update_key_result(w.kr, w.alice, target=Decimal("1.5")),
        "updated",
        "key_result",
        {"target": "1"},
        {"target": "1.5"},
        target=lambda w: w.kr.pk,
    ),
    "key result archived": Case(
        lambda w: okrs.archive_key_result(w.kr, w.alice),
        "archived",
        "key_result",
        target=lambda w: w.kr.pk,
    ),
    "dependency created": Case(
        lambda w: okrs.create_dependency(
            w.alice,
            organization=w.org,
            from_objective=w.team_objective,
            to_objective=w.company_objective,
            note="Needs it",
        ),
        "dependency",
        "objective",
        after={"depends_on": "Delight our customers", "note": "Needs it"},
        target=lambda w: w.team_objective.pk,
    ),
    "dependency deleted": Case(
        lambda w: okrs.delete_dependency(dependency(w), w.alice),
        "dependency",
        "objective",
        {"depends_on": "Delight our customers"},
        {"depends_on": ""},
    ),
    "check-in recorded": Case(
        lambda w: record_check_in(w.kr, w.bob, Decimal("1.5"), confidence=7),
        "created",
        "check_in",
        after={"value": "1.5", "confidence": "7"},
        actor="bob",
    ),
    "review created": Case(
        lambda w: post(
            w, f"/o/acme/teams/{w.team.pk}/meeting/", {"notes": "Fine", "decisions": ""}, "bob"
        ),
        "created",
        "review",
        after={"kind": "weekly", "held_on": date.today().isoformat(), "team": "Product"},
        actor="bob",
    ),
    "key result adjusted": Case(
        lambda w: reviews.adjust_key_result(w.kr, w.alice, "Too ambitious", target=Decimal("1.5")),
        "adjusted",
        "key_result",
        {"target": "1"},
        {"target": "1.5"},
    ),
    "key result cancelled": Case(
        lambda w: reviews.adjust_key_result(w.kr, w.alice, "No longer useful", cancel=True),
        "cancelled",
        "key_result",
    ),
    "key result scored": Case(
        lambda w: scoring.score_key_result(w.kr, w.alice, Decimal("0.9"), "Worth more"),
        "scored",
        "key_result",
        {"score": ""},
        {"score": "0.90"},
    ),
    "retrospective saved": Case(
        lambda w: reviews.save_retrospective(w.team_objective, w.alice, retro_worked="Pairing"),
        "updated",
        "objective",
        {"retro_worked": ""},
        {"retro_worked": "Pairing"},
    ),
    "objective carried over": Case(
        lambda w: reviews.carry_over(w.team_objective, later_cycle(w), w.alice),
        "carried",
        "objective",
        after={"from": "Now"},
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_change_leaves_one_entry(world: World, case: Case) -> None:
    if case.action == "restored":
        okrs.archive_objective(world.company_objective, world.alice)
    start = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    case.act(world)

    entries = list(AuditEntry.objects.filter(pk__gt=start))
    assert len(entries) == 1, [str(e) for e in entries]
    entry = entries[0]
    assert (entry.action, entry.target_type) == (case.action, case.target_type)
    assert entry.organization_id == world.org.pk
    assert entry.actor is not None
    expected_actor = "Nina New" if case.actor == "nina" else getattr(world, case.actor).name
    assert entry.actor.name == expected_actor
    assert entry.before == case.before
    for name, value in case.after.items():
        assert entry.after[name] == value, name
    if case.target is not None:
        assert entry.target_id == case.target(world)


def test_the_review_entry_names_its_cycle(world: World) -> None:
    reviews.create_review(world.org, world.cycle, None, ReviewKind.MONTHLY, world.alice, notes="")

    entry = AuditEntry.objects.get(target_type="review")
    assert entry.after["cycle"] == "Now"
    assert entry.after["team"] == ""


def test_every_change_of_an_objective_also_lands_in_the_trail(world: World) -> None:
    okrs.update_objective(world.team_objective, world.bob, title="Answer much faster")

    change = Change.objects.filter(action="updated").get()
    entry = AuditEntry.objects.get(action="updated", target_type="objective")
    assert (entry.before, entry.after) == (change.before, change.after)
    assert entry.target_label == change.summary == "Answer much faster"
    assert entry.objective_id == world.team_objective.pk
    assert entry.actor == change.actor == world.bob


def test_a_key_result_entry_knows_its_objective(world: World) -> None:
    okrs.update_key_result(world.kr, world.bob, title="Cut it")

    entry = AuditEntry.objects.get(action="updated", target_type="key_result")
    assert (entry.target_id, entry.objective_id) == (world.kr.pk, world.team_objective.pk)


def test_a_check_in_entry_knows_its_objective(world: World) -> None:
    check_in = record_check_in(world.kr, world.bob, Decimal(3))

    entry = AuditEntry.objects.get(target_type="check_in")
    assert (entry.target_id, entry.objective_id) == (check_in.pk, world.team_objective.pk)
    assert entry.target_label == "Cut first response time"


def test_creating_an_organisation_records_it_its_owner_and_its_first_cycles(world: World) -> None:
    org = orgs.create_organization(world.oscar, "Initech")

    entries = AuditEntry.objects.filter(organization=org)
    assert entries.filter(action="created", target_type="organization").get().after["name"] == (
        "Initech"
    )
    joined = entries.get(action="joined")
    assert joined.after == {"person": "Oscar Stranger", "role": "owner"}
    assert entries.filter(action="created", target_type="cycle").count() == 5
    assert set(entries.values_list("actor", flat=True)) == {world.oscar.pk}


def test_closing_a_cycle_records_the_scores_the_objectives_and_the_cycle(world: World) -> None:
    start = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    post(world, f"/o/acme/cycles/{world.cycle.pk}/close/", {}, user="adam")

    entries = AuditEntry.objects.filter(pk__gt=start)
    closed = entries.get(action="closed")
    assert (closed.target_type, closed.target_id) == ("cycle", world.cycle.pk)
    assert (closed.before, closed.after) == ({"state": "active"}, {"state": "closed"})
    scored = entries.get(action="scored")
    assert (scored.target_id, scored.before, scored.after) == (
        world.kr.pk,
        {"score": ""},
        {"score": "0.67"},
    )
    assert entries.filter(action="updated", target_type="objective").count() == 2
    assert set(entries.values_list("actor", flat=True)) == {world.adam.pk}


def test_removing_a_lead_from_their_team_also_records_the_lead_leaving(world: World) -> None:
    post(world, f"/o/acme/teams/{world.team.pk}/members/{world.bob.pk}/remove/", {})

    removed = AuditEntry.objects.get(action="removed")
    assert removed.before == {"member": "Bob Durand"}
    updated = AuditEntry.objects.get(action="updated", target_type="team")
    assert (updated.before, updated.after) == ({"lead": "Bob Durand"}, {"lead": ""})


def test_a_new_lead_joins_the_team_and_the_trail_says_so(world: World) -> None:
    post(
        world,
        f"/o/acme/teams/{world.team.pk}/edit/",
        {"name": "Product", "lead": world.vera.pk, "chat_format": "slack"},
    )

    updated = AuditEntry.objects.get(action="updated", target_type="team")
    assert (updated.before, updated.after) == ({"lead": "Bob Durand"}, {"lead": "Vera Petit"})
    assert AuditEntry.objects.get(action="added").after == {"member": "Vera Petit"}


def test_leaving_takes_the_person_out_of_their_teams_on_the_record(world: World) -> None:
    post(world, "/o/acme/leave/", {}, user="bob")

    assert AuditEntry.objects.get(action="removed").target_id == world.team.pk
    assert AuditEntry.objects.get(action="left").before == {
        "person": "Bob Durand",
        "role": "member",
    }
    assert AuditEntry.objects.filter(action="updated", target_type="team").count() == 1


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/o/acme/settings/", SETTINGS | {"name": "Acme"}),
        (
            "/o/acme/teams/{team}/edit/",
            {"name": "Product", "lead": "{bob}", "chat_format": "slack"},
        ),
    ],
    ids=["settings", "team"],
)
def test_saving_without_a_change_records_nothing(world: World, url: str, data: dict) -> None:
    start = AuditEntry.objects.count()
    ids = {"team": world.team.pk, "bob": world.bob.pk}
    data = {k: str(v).format(**ids) for k, v in data.items()}

    post(world, url.format(**ids), data)

    assert AuditEntry.objects.count() == start


def test_giving_the_same_role_records_nothing(world: World) -> None:
    target = Membership.objects.get(user=world.bob)
    start = AuditEntry.objects.count()

    orgs.change_role(Membership.objects.get(user=world.alice), target, Role.MEMBER)

    assert AuditEntry.objects.count() == start


def test_a_refused_cycle_state_records_nothing(world: World) -> None:
    start = AuditEntry.objects.count()

    post(world, f"/o/acme/cycles/{world.cycle.pk}/state/", {"state": "closed"})

    assert Cycle.objects.get(pk=world.cycle.pk).state == CycleState.ACTIVE
    assert AuditEntry.objects.count() == start


def test_an_entry_is_rolled_back_with_its_change(world: World) -> None:
    start = AuditEntry.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        okrs.update_objective(world.company_objective, world.alice, title="Never saved")
        raise RuntimeError

    assert AuditEntry.objects.count() == start


def test_a_change_is_rolled_back_when_its_entry_cannot_be_written(
    world: World, monkeypatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError

    monkeypatch.setattr("cible.orgs.services.record", broken)

    with pytest.raises(RuntimeError):
        orgs.create_invitation(world.org, world.alice, Role.MEMBER)

    assert not Invitation.objects.exists()


def test_diff_keeps_the_changed_fields_only() -> None:
    before = {"name": "Acme", "gap": Decimal("0.150"), "lead": None}
    after = {"name": "Acme", "gap": Decimal("0.2"), "lead": "Bob"}

    assert diff(before, after) == ({"gap": "0.15", "lead": ""}, {"gap": "0.2", "lead": "Bob"})


def test_a_snapshot_hides_secrets_but_says_they_are_set(world: World) -> None:
    world.team.chat_webhook_url = "https://chat.example/hook/secret"

    assert snapshot(
        world.team, ["name", "chat_webhook_url", "lead"], secret=["chat_webhook_url"]
    ) == {
        "name": "Product",
        "chat_webhook_url": "********",
        "lead": "Bob Durand",
    }


def test_a_user_level_entry_needs_no_organisation(world: World) -> None:
    entry = record(None, world.alice, Target("user", world.alice.pk), "updated", label="")

    assert entry.organization is None
    assert entry.target_id == world.alice.pk


def test_an_entry_lists_its_changes_with_labels(world: World) -> None:
    entry = record(
        world.org, world.alice, world.org, "updated", {"name": "Acme"}, {"name": "Acme Corp"}
    )

    [change] = entry.changes()
    assert (change.label, change.before, change.after) == ("name", "Acme", "Acme Corp")
    assert Organization.objects.get(pk=world.org.pk).name == "Acme"
