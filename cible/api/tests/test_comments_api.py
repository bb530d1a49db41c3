"""The comments, reactions and inbox of the API: idempotent creates, bad input named by
field, private objectives kept private, mentions that notify only who may see."""

from decimal import Decimal

import pytest

from cible.api.tests.conftest import ApiFor
from cible.checkins.services import record_check_in
from cible.collab.models import Comment, InboxItem, InboxKind, Reaction
from cible.okrs.services import create_objective
from conftest import World


def test_it_comments_once_per_idempotency_key(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    body = {"objective": world.company_objective.pk, "body": "Ping @alice"}
    headers = {"Idempotency-Key": "c-1"}
    first = bob.post("/orgs/acme/comments", body, headers=headers)
    again = bob.post("/orgs/acme/comments", body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["mentions"] == [world.alice.pk]
    assert first.json()["target"] == {"type": "objective", "id": world.company_objective.pk}
    assert Comment.objects.count() == 1
    other = bob.post("/orgs/acme/comments", {**body, "body": "Else"}, headers=headers)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "No target"}, "objective"),
        ({"objective": 1, "key_result": 1, "body": "Two targets"}, "objective"),
        ({"objective": "{objective}", "body": ""}, "body"),
        ({"objective": "{objective}", "body": "nul \x00 byte"}, "body"),
        ({"objective": "{objective}", "body": "x" * 5001}, "body"),
        ({"objective": "{objective}", "body": "Hi", "extra": 1}, "extra"),
        ({"check_in": 999999, "body": "Unknown"}, "check_in"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    world: World, api_for: ApiFor, body: dict[str, object], field: str
) -> None:
    body = {k: world.company_objective.pk if v == "{objective}" else v for k, v in body.items()}
    response = api_for(world.bob).post("/orgs/acme/comments", body)
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Comment.objects.exists()


def test_a_private_objective_is_no_target_for_who_cannot_see_it(
    world: World, api_for: ApiFor
) -> None:
    secret = create_objective(
        world.org,
        world.adam,
        cycle=world.cycle,
        title="Secret",
        level="person",
        visibility="private",
    )
    response = api_for(world.bob).post("/orgs/acme/comments", {"objective": secret.pk, "body": "?"})
    assert response.status_code == 422 and b"Secret" not in response.content
    # Its owner comments and mentions bob, who may not see it: nobody is notified.
    mine = api_for(world.adam).post(
        "/orgs/acme/comments", {"objective": secret.pk, "body": "@bob look"}
    )
    assert mine.status_code == 201 and mine.json()["mentions"] == []
    assert not InboxItem.objects.filter(kind=InboxKind.MENTION).exists()
    assert api_for(world.bob).get("/orgs/acme/comments").json()["count"] == 0


def test_the_author_edits_and_deletes(world: World, api_for: ApiFor) -> None:
    comment = (
        api_for(world.bob)
        .post("/orgs/acme/comments", {"key_result": world.kr.pk, "body": "Mine"})
        .json()
    )
    path = f"/orgs/acme/comments/{comment['id']}"
    assert api_for(world.alice).patch(path, {"body": "Not mine"}).status_code == 403
    edited = api_for(world.bob).patch(path, {"body": "Mine, edited"})
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None
    assert api_for(world.alice).delete(path).status_code == 403
    assert api_for(world.bob).delete(path).status_code == 204
    assert not Comment.objects.exists()


def test_reactions_are_given_once_and_taken_back(world: World, api_for: ApiFor) -> None:
    check_in = record_check_in(world.kr, world.bob, Decimal(3))
    alice = api_for(world.alice)
    body = {"check_in": check_in.pk, "emoji": "tada"}
    assert alice.post("/orgs/acme/reactions", body).status_code == 201
    assert alice.post("/orgs/acme/reactions", body).status_code == 200
    assert Reaction.objects.count() == 1
    bad = alice.post("/orgs/acme/reactions", {"check_in": check_in.pk, "emoji": "poop"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "emoji"
    inbox = api_for(world.bob).get("/orgs/acme/inbox", unread="true").json()
    assert [item["kind"] for item in inbox["items"]] == ["reaction"]
    assert alice.call("DELETE", "/orgs/acme/reactions", body).status_code == 204
    assert not Reaction.objects.exists()


def test_the_inbox_is_marked_read(world: World, api_for: ApiFor) -> None:
    alice = api_for(world.alice)
    assert alice.get("/orgs/acme/inbox").json()["count"] == 1  # bob's objective aligned
    assert alice.post("/orgs/acme/inbox/read", {}).json() == {"marked": 1}
    assert alice.get("/orgs/acme/inbox", unread="true").json()["count"] == 0
    bad = alice.post("/orgs/acme/inbox/read", {"items": ["x"]})
    assert bad.status_code == 422
