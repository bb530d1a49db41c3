"""Comments on objectives, key results and check-ins: written, edited and deleted by their
author, with @mentions, recorded in the audit trail, private where the objective is."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cible.audit.models import Action, AuditEntry, TargetType
from cible.checkins.services import record_check_in
from cible.collab.models import Comment, InboxItem, InboxKind
from cible.collab.services import create_comment, delete_comment, edit_comment, toggle_reaction
from cible.okrs.models import Visibility
from cible.okrs.services import create_objective
from conftest import World


def _post(world: World, user, url: str, body: str, **extra):  # type: ignore[no-untyped-def]
    return world.client_for(user).post(url, {"body": body, **extra})


def test_it_comments_on_an_objective(world: World) -> None:
    url = reverse("objective_comment", args=["acme", world.company_objective.pk])
    response = _post(world, world.bob, url, "Looks good, @alice")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert comment.objective == world.company_objective and comment.key_result is None
    assert list(comment.mentions.all()) == [world.alice]
    page = world.client_for(world.vera).get(world.company_objective.get_absolute_url())
    html = page.content.decode()
    assert "Looks good, " in html
    assert f'href="{reverse("person_detail", args=["acme", world.alice.pk])}">@Alice Martin' in html


def test_it_comments_on_a_key_result_and_a_check_in(world: World) -> None:
    check_in = record_check_in(world.kr, world.bob, Decimal(3))
    _post(world, world.alice, reverse("key_result_comment", args=["acme", world.kr.pk]), "On KR")
    _post(world, world.alice, reverse("check_in_comment", args=["acme", check_in.pk]), "On CI")
    on_kr, on_ci = Comment.objects.order_by("pk")
    assert (on_kr.key_result, on_kr.check_in) == (world.kr, None)
    assert (on_ci.key_result, on_ci.check_in) == (world.kr, check_in)
    kr_page = world.client_for(world.bob).get(world.kr.get_absolute_url()).content.decode()
    assert "On KR" in kr_page and "1 comment" in kr_page
    ci_page = world.client_for(world.bob).get(
        reverse("check_in_detail", args=["acme", check_in.pk])
    )
    assert "On CI" in ci_page.content.decode() and "On KR" not in ci_page.content.decode()


def test_the_objective_page_shows_only_its_own_comments(world: World) -> None:
    create_comment(world.kr, world.bob, "About the key result")
    html = world.client_for(world.bob).get(world.team_objective.get_absolute_url()).content
    assert b"About the key result" not in html


def test_viewer_gets_403_and_outsider_404(world: World) -> None:
    url = reverse("objective_comment", args=["acme", world.company_objective.pk])
    assert _post(world, world.vera, url, "Hi").status_code == 403
    assert _post(world, world.oscar, url, "Hi").status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001, "null \x00 byte"])
def test_bad_text_is_refused_and_nothing_is_stored(world: World, body: str) -> None:
    url = reverse("objective_comment", args=["acme", world.company_objective.pk])
    response = _post(world, world.bob, url, body)
    assert response.status_code == 422
    assert not Comment.objects.exists()
    htmx = world.client_for(world.bob).post(url, {"body": body}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 422 and b"errorlist" in htmx.content


def test_hostile_text_is_shown_as_text(world: World) -> None:
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"> & @<b>bob</b> ' + "w" * 4000
    create_comment(world.company_objective, world.bob, hostile)
    html = world.client_for(world.alice).get(world.company_objective.get_absolute_url())
    text = html.content.decode()
    assert html.status_code == 200
    assert "<script>alert(1)" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_author_edits_and_deletes_with_history(world: World) -> None:
    comment = create_comment(world.company_objective, world.bob, "First")
    edit = reverse("comment_edit", args=["acme", comment.pk])
    assert world.client_for(world.alice).post(edit, {"body": "Hijack"}).status_code == 403
    assert world.client_for(world.bob).get(edit).status_code == 200
    assert world.client_for(world.bob).post(edit, {"body": ""}).status_code == 422
    assert world.client_for(world.bob).post(edit, {"body": "Second"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Second" and comment.edited_at is not None
    delete = reverse("comment_delete", args=["acme", comment.pk])
    assert world.client_for(world.alice).post(delete).status_code == 403
    assert world.client_for(world.oscar).post(delete).status_code == 404
    assert world.client_for(world.bob).post(delete).status_code == 302
    assert not Comment.objects.exists()
    entries = AuditEntry.objects.filter(target_type=TargetType.COMMENT).order_by("pk")
    assert [(e.action, e.before, e.after) for e in entries] == [
        (Action.CREATED, {}, {"body": "First"}),
        (Action.UPDATED, {"body": "First"}, {"body": "Second"}),
        (Action.DELETED, {"body": "Second"}, {}),
    ]
    assert {e.objective_id for e in entries} == {world.company_objective.pk}


def test_a_mention_notifies_the_person_once(world: World) -> None:
    comment = create_comment(
        world.company_objective, world.bob, "@alice and @alice@acme.test, @vera."
    )
    items = InboxItem.objects.filter(kind=InboxKind.MENTION)
    assert sorted(i.recipient.email for i in items) == ["alice@acme.test", "vera@acme.test"]
    edit_comment(comment, world.bob, "@alice, @vera and now @adam")
    assert items.filter(recipient=world.adam).count() == 1
    assert InboxItem.objects.filter(kind=InboxKind.MENTION).count() == 3


def test_a_mention_of_someone_who_cannot_see_notifies_nobody_and_reveals_nothing(
    world: World,
) -> None:
    secret = create_objective(
        world.org,
        world.bob,
        cycle=world.cycle,
        title="Secret plan",
        level="person",
        visibility=Visibility.PRIVATE,
    )
    comment = create_comment(secret, world.bob, "Hey @vera, @oscar@globex.test, @nobody")
    assert not comment.mentions.exists()
    assert not InboxItem.objects.filter(kind=InboxKind.MENTION).exists()
    assert world.client_for(world.vera).get(secret.get_absolute_url()).status_code == 404
    inbox = world.client_for(world.vera).get(reverse("inbox", args=["acme"])).content
    assert b"Secret plan" not in inbox
    # The outsider's inbox has nothing either, and the text links nobody.
    assert not InboxItem.objects.filter(recipient=world.oscar).exists()
    html = world.client_for(world.bob).get(secret.get_absolute_url()).content.decode()
    assert 'class="mention"' not in html


def test_a_reply_notifies_the_author_of_the_comment(world: World) -> None:
    first = create_comment(world.company_objective, world.alice, "Question?")
    url = reverse("objective_comment", args=["acme", world.company_objective.pk])
    _post(world, world.bob, url, "Answer.", reply_to=first.pk)
    reply = Comment.objects.latest("pk")
    assert reply.reply_to == first
    item = InboxItem.objects.get(kind=InboxKind.REPLY)
    assert (item.recipient, item.actor, item.comment) == (world.alice, world.bob, reply)


def test_htmx_posts_return_the_comments_part(world: World) -> None:
    url = reverse("objective_comment", args=["acme", world.company_objective.pk])
    response = world.client_for(world.bob).post(url, {"body": "Quick"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="comments"' in response.content and b"<html" not in response.content


def test_mention_suggestions_only_name_who_may_see(world: World) -> None:
    secret = create_objective(
        world.org,
        world.bob,
        cycle=world.cycle,
        title="Secret plan",
        level="person",
        visibility=Visibility.PRIVATE,
    )
    public = reverse("mention_suggest", args=["acme", world.company_objective.pk])
    private = reverse("mention_suggest", args=["acme", secret.pk])
    client = world.client_for(world.bob)
    assert [r["handle"] for r in client.get(public, {"q": "ve"}).json()["results"]] == [
        "vera@acme.test"
    ]
    assert client.get(private, {"q": "ve"}).json()["results"] == []
    assert [r["handle"] for r in client.get(private, {"q": "ad"}).json()["results"]] == [
        "adam@acme.test"
    ]
    assert world.client_for(world.oscar).get(public, {"q": "a"}).status_code == 404


def _page_queries(world: World) -> int:
    client = world.client_for(world.alice)
    url = world.company_objective.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_an_objective_page_costs_the_same_with_50_comments_as_with_1(world: World) -> None:
    create_comment(world.company_objective, world.bob, "One @alice")
    one = _page_queries(world)
    for n in range(49):
        comment = create_comment(world.company_objective, world.bob, f"Comment {n} @alice @adam")
        if n % 2:
            toggle_reaction(comment, world.alice, "heart")
    assert Comment.objects.count() == 50
    assert _page_queries(world) == one


def test_deleting_a_comment_takes_its_inbox_items(world: World) -> None:
    comment = create_comment(world.company_objective, world.bob, "@alice look")
    delete_comment(comment, world.bob)
    assert not InboxItem.objects.filter(kind=InboxKind.MENTION).exists()
