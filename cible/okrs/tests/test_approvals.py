"""Approval of drafts, where the organisation asks for it (off by default): a draft goes to
the lead of its team's parent team (company objectives: an admin), who approves it (it is
published) or sends it back with a comment. Off, nothing changes for anyone."""

import pytest

from cible.audit.models import AuditEntry
from cible.okrs import signals
from cible.okrs.access import approver_ids
from cible.okrs.models import Approval, Change, Level, Objective, ObjectiveState
from cible.okrs.services import create_objective
from cible.orgs.models import Membership, Role, Team, TeamMember
from cible.webhooks.models import Event, WebhookDelivery
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(world):  # type: ignore[no-untyped-def]
    """Support, a team inside Product (which bob leads), led by sam."""
    sam = make_user("sam@acme.test", "Sam Leroy")
    Membership.objects.create(organization=world.org, user=sam, role=Role.MEMBER)
    team = Team.objects.create(organization=world.org, name="Support", parent=world.team, lead=sam)
    TeamMember.objects.create(team=team, user=sam)
    return team


@pytest.fixture
def draft(world, support) -> Objective:  # type: ignore[no-untyped-def]
    world.org.approval_required = True
    world.org.save()
    return create_objective(
        world.org,
        support.lead,
        cycle=world.cycle,
        title="Answer every ticket within a day",
        level=Level.TEAM,
        team=support,
        state=ObjectiveState.DRAFT,
    )


def submit(world, objective, user):  # type: ignore[no-untyped-def]
    return world.client_for(user).post(f"/o/acme/objectives/{objective.pk}/approval/submit/")


def decide(world, objective, user, **data):  # type: ignore[no-untyped-def]
    url = f"/o/acme/objectives/{objective.pk}/approval/decide/"
    return world.client_for(user).post(url, data)


def test_the_approver_is_the_lead_of_the_parent_team(world, draft) -> None:
    assert approver_ids(draft) == [world.bob.pk]
    assert approver_ids(world.company_objective) == sorted([world.alice.pk, world.adam.pk])


def test_submitting_then_approving_publishes_the_draft(world, draft, support) -> None:
    requested: list[dict] = []  # type: ignore[type-arg]
    decided: list[dict] = []  # type: ignore[type-arg]

    def on_request(**kwargs: object) -> None:
        requested.append(kwargs)

    def on_decision(**kwargs: object) -> None:
        decided.append(kwargs)

    signals.approval_requested.connect(on_request)
    signals.approval_decided.connect(on_decision)
    try:
        assert submit(world, draft, support.lead).status_code == 302
        draft.refresh_from_db()
        assert draft.approval == Approval.PENDING
        page = world.client_for(world.bob).get(draft.get_absolute_url()).content.decode()
        assert "Approve and publish" in page

        response = decide(world, draft, world.bob, decision="approve")
    finally:
        signals.approval_requested.disconnect(on_request)
        signals.approval_decided.disconnect(on_decision)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.approval) == (ObjectiveState.ACTIVE, Approval.NONE)
    assert requested[-1]["approver_ids"] == [world.bob.pk]
    assert decided[-1]["approved"] is True
    assert decided[-1]["by"] == world.bob
    actions = set(Change.objects.filter(objective=draft).values_list("action", flat=True))
    assert {"submitted", "approved"} <= actions
    assert AuditEntry.objects.filter(target_id=draft.pk, action="approved").exists()


def test_sending_back_needs_a_comment_and_keeps_the_draft(world, draft, support) -> None:
    submit(world, draft, support.lead)

    refused = decide(world, draft, world.bob, decision="send_back", comment="  ")
    assert refused.status_code == 422
    draft.refresh_from_db()
    assert draft.approval == Approval.PENDING

    response = decide(world, draft, world.bob, decision="send_back", comment="Make it measurable")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.approval) == (ObjectiveState.DRAFT, Approval.SENT_BACK)
    page = world.client_for(support.lead).get(draft.get_absolute_url()).content.decode()
    assert "Make it measurable" in page
    # Sent back, it may be submitted again.
    assert submit(world, draft, support.lead).status_code == 302


def test_only_its_approvers_and_admins_decide(world, draft, support) -> None:
    submit(world, draft, support.lead)

    assert decide(world, draft, support.lead, decision="approve").status_code == 403
    assert decide(world, draft, world.vera, decision="approve").status_code == 403
    assert decide(world, draft, world.oscar, decision="approve").status_code == 404
    assert decide(world, draft, world.adam, decision="approve").status_code == 302


def test_a_viewer_and_an_outsider_cannot_submit(world, draft) -> None:
    assert submit(world, draft, world.vera).status_code == 403
    assert submit(world, draft, world.oscar).status_code == 404
    draft.refresh_from_db()
    assert draft.approval == Approval.NONE


def test_an_unknown_decision_is_refused(world, draft, support) -> None:
    submit(world, draft, support.lead)

    assert decide(world, draft, world.bob, decision="maybe").status_code == 422
    draft.refresh_from_db()
    assert draft.approval == Approval.PENDING


def test_with_approval_on_a_non_approver_cannot_publish_by_editing(world, draft, support) -> None:
    body = {
        "title": draft.title,
        "description": "",
        "level": "team",
        "team": support.pk,
        "owner": support.lead.pk,
        "visibility": "organization",
        "state": "active",
    }

    response = world.client_for(support.lead).post(f"/o/acme/objectives/{draft.pk}/edit/", body)

    assert response.status_code == 422
    assert "submit it for approval" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == ObjectiveState.DRAFT


def test_with_approval_off_nothing_is_asked(world, support) -> None:
    objective = create_objective(
        world.org,
        support.lead,
        cycle=world.cycle,
        title="Draft",
        level=Level.TEAM,
        team=support,
        state=ObjectiveState.DRAFT,
    )
    page = world.client_for(support.lead).get(objective.get_absolute_url()).content.decode()
    assert "Submit for approval" not in page
    assert submit(world, objective, support.lead).status_code == 422
    body = {
        "title": "Draft",
        "description": "",
        "level": "team",
        "team": support.pk,
        "owner": support.lead.pk,
        "visibility": "organization",
        "state": "active",
    }
    response = world.client_for(support.lead).post(f"/o/acme/objectives/{objective.pk}/edit/", body)
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.state == ObjectiveState.ACTIVE


def test_the_webhooks_hear_of_it(world, draft, support, django_capture_on_commit_callbacks) -> None:
    from cible.webhooks.models import all_events
    from cible.webhooks.services import create_endpoint

    create_endpoint(world.org, world.alice, "https://hooks.example.com/in", all_events())
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, draft, support.lead)
        decide(world, draft, world.bob, decision="send_back", comment="Too vague")

    requested = WebhookDelivery.objects.get(event=Event.OBJECTIVE_APPROVAL_REQUESTED)
    assert requested.payload["data"]["approvers"] == [world.bob.pk]
    decided = WebhookDelivery.objects.get(event=Event.OBJECTIVE_APPROVAL_DECIDED)
    assert decided.payload["data"]["approved"] is False
    assert decided.payload["data"]["comment"] == "Too vague"
    assert decided.payload["data"]["by"]["id"] == world.bob.pk


def test_with_approval_on_a_new_objective_starts_as_a_draft(world, draft) -> None:
    response = world.client_for(world.bob).get(f"/o/acme/objectives/new/?cycle={world.cycle.pk}")

    assert response.status_code == 200
    assert response.context["form"]["state"].value() == ObjectiveState.DRAFT


def test_a_draft_published_by_its_approvers_edit_waits_no_more(world, draft, support) -> None:
    from cible.okrs.services import submit_for_approval, update_objective

    submit_for_approval(draft, support.lead)

    update_objective(draft, world.bob, state=ObjectiveState.ACTIVE)

    draft.refresh_from_db()
    assert (draft.state, draft.approval) == (ObjectiveState.ACTIVE, Approval.NONE)


def test_the_approvers_own_page_lists_the_drafts_waiting_for_them(world, draft, support) -> None:
    from cible.okrs.services import submit_for_approval

    submit_for_approval(draft, support.lead)

    bobs = world.client_for(world.bob).get(f"/o/acme/people/{world.bob.pk}/").content.decode()
    sams = world.client_for(support.lead).get(f"/o/acme/people/{support.lead.pk}/")
    assert "Drafts waiting for your approval" in bobs
    assert draft.title in bobs
    assert "Drafts waiting for your approval" not in sams.content.decode()
