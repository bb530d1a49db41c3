"""The webhooks of comments and reactions: sent once the change commits, not at all for a
private objective unless the endpoint takes private objectives."""

from decimal import Decimal

import pytest

from cible.checkins.services import record_check_in
from cible.collab.services import add_reaction, create_comment, delete_comment, edit_comment
from cible.okrs.models import Visibility
from cible.okrs.services import create_objective
from cible.webhooks.models import Event, WebhookDelivery
from cible.webhooks.services import create_endpoint
from conftest import World


@pytest.fixture
def endpoint(world: World):  # type: ignore[no-untyped-def]
    return create_endpoint(
        world.org,
        world.alice,
        "https://hooks.example.com/c",
        [
            Event.COMMENT_CREATED,
            Event.COMMENT_UPDATED,
            Event.COMMENT_DELETED,
            Event.REACTION_ADDED,
        ],
    )


def test_comments_and_reactions_are_sent(
    world: World,
    endpoint,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    check_in = record_check_in(world.kr, world.bob, Decimal(3))
    with django_capture_on_commit_callbacks(execute=True):
        comment = create_comment(check_in, world.alice, "<b>Nice</b> @bob")
        comment_id = comment.pk
        edit_comment(comment, world.alice, "Nice @bob")
        add_reaction(check_in, world.alice, "tada")
        delete_comment(comment, world.alice)
    rows = list(WebhookDelivery.objects.order_by("pk"))
    assert [r.event for r in rows] == [
        "comment.created",
        "comment.updated",
        "reaction.added",
        "comment.deleted",
    ]
    data = rows[0].payload["data"]["comment"]
    assert data["body"] == "<b>Nice</b> @bob"
    assert data["target"] == {"type": "check_in", "id": check_in.pk}
    assert data["objective"]["id"] == world.team_objective.pk
    assert data["url"].endswith(f"/o/acme/check-ins/{check_in.pk}/#comment-{comment_id}")
    assert rows[2].payload["data"]["reaction"]["emoji"] == "tada"


def test_a_private_objective_s_comments_stay_private(
    world: World,
    endpoint,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    secret = create_objective(
        world.org,
        world.bob,
        cycle=world.cycle,
        title="Secret",
        level="person",
        visibility=Visibility.PRIVATE,
    )
    with django_capture_on_commit_callbacks(execute=True):
        create_comment(secret, world.bob, "Hidden words")
    assert not WebhookDelivery.objects.exists()
    endpoint.include_private = True
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        create_comment(secret, world.bob, "Hidden words")
    assert (
        WebhookDelivery.objects.get().payload["data"]["comment"]["objective"]["visibility"]
        == "private"
    )
