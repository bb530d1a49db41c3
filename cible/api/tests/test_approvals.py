"""Approval of drafts through the API: submitted, then approved or sent back."""

import pytest

from cible.api.tests.conftest import ApiFor, fields_of
from cible.okrs.models import Level
from cible.okrs.services import create_objective
from conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world: World):  # type: ignore[no-untyped-def]
    world.org.approval_required = True
    world.org.save()
    return create_objective(
        world.org, world.bob, cycle=world.cycle, title="Learn", level=Level.PERSON, state="draft"
    )


def test_submit_then_approve(world: World, draft, api_for: ApiFor) -> None:
    url = f"/orgs/acme/objectives/{draft.pk}"

    submitted = api_for(world.bob).post(f"{url}/submit-for-approval")
    assert submitted.status_code == 200
    assert submitted.json()["approval"] == "pending"
    assert api_for(world.bob).post(f"{url}/approval", {"approved": True}).status_code == 403
    approved = api_for(world.adam).post(f"{url}/approval", {"approved": True})
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["approval"]) == ("active", "")


def test_sending_back_without_a_comment_is_a_422_naming_it(
    world: World, draft, api_for: ApiFor
) -> None:
    url = f"/orgs/acme/objectives/{draft.pk}"
    api_for(world.bob).post(f"{url}/submit-for-approval")

    refused = api_for(world.adam).post(f"{url}/approval", {"approved": False})
    assert refused.status_code == 422
    assert fields_of(refused) == ["comment"]
    sent_back = api_for(world.adam).post(f"{url}/approval", {"approved": False, "comment": "Why?"})
    assert sent_back.json()["approval"] == "sent_back"
    assert sent_back.json()["approval_comment"] == "Why?"


def test_submitting_twice_or_with_approval_off_is_refused(
    world: World, draft, api_for: ApiFor
) -> None:
    url = f"/orgs/acme/objectives/{draft.pk}/submit-for-approval"
    assert api_for(world.bob).post(url).status_code == 200
    assert api_for(world.bob).post(url).status_code == 422
    world.org.approval_required = False
    world.org.save()
    other = create_objective(
        world.org, world.bob, cycle=world.cycle, title="Other", level=Level.PERSON, state="draft"
    )
    response = api_for(world.bob).post(f"/orgs/acme/objectives/{other.pk}/submit-for-approval")
    assert response.status_code == 422
