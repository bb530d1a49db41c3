"""The personal inbox: stored events (mentions, replies, reactions, alignments, approvals),
live states (check-ins due, meetings to hold, dependency requests), read and unread, the
header's badge, and the batched mails."""

from datetime import timedelta
from decimal import Decimal

from django.core import mail as outbox
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cible.accounts.models import User
from cible.checkins.services import record_check_in
from cible.collab import mail
from cible.collab.models import InboxItem, InboxKind, MailPreference, Reaction
from cible.collab.services import create_comment, toggle_reaction
from cible.okrs import signals
from cible.okrs.access import approver_ids
from cible.okrs.models import Objective, Visibility
from cible.okrs.services import (
    create_dependency,
    create_objective,
    decide_approval,
    submit_for_approval,
)
from conftest import World


def _inbox(world: World, user) -> str:  # type: ignore[no-untyped-def]
    response = world.client_for(user).get(reverse("inbox", args=["acme"]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_objective_aligned_to_mine_lands_in_my_inbox(world: World) -> None:
    # The world aligns bob's team objective to alice's company objective.
    item = InboxItem.objects.get(kind=InboxKind.ALIGNED)
    assert (item.recipient, item.actor, item.objective) == (
        world.alice,
        world.bob,
        world.team_objective,
    )
    assert "Bob Durand aligned “Answer faster” to your objective" in _inbox(world, world.alice)


def test_a_mention_shows_unread_with_a_badge_then_opens_read(world: World) -> None:
    create_comment(world.company_objective, world.bob, "@vera have a look")
    html = _inbox(world, world.vera)
    assert "Bob Durand mentioned you on “Delight our customers”" in html
    assert '<span class="badge" aria-hidden="true">1</span>' in html
    item = InboxItem.objects.get(recipient=world.vera)
    response = world.client_for(world.vera).get(reverse("inbox_open", args=["acme", item.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{item.comment_id}")
    item.refresh_from_db()
    assert item.read_at is not None
    assert 'class="badge"' not in _inbox(world, world.vera)
    # Someone else's item is a 404, and stays unread.
    other = InboxItem.objects.get(recipient=world.alice)
    assert (
        world.client_for(world.vera).get(reverse("inbox_open", args=["acme", other.pk])).status_code
        == 404
    )
    assert InboxItem.objects.get(pk=other.pk).read_at is None


def test_mark_read_unread_and_all_read(world: World) -> None:
    create_comment(world.company_objective, world.bob, "@alice one")
    create_comment(world.company_objective, world.bob, "@alice two")
    client = world.client_for(world.alice)
    url = reverse("inbox_read", args=["acme"])
    first = InboxItem.objects.filter(recipient=world.alice).first()
    assert first is not None
    client.post(url, {"item": first.pk})
    assert InboxItem.objects.filter(recipient=world.alice).unread().count() == 2
    client.post(url, {"item": first.pk, "unread": "1"})
    assert InboxItem.objects.filter(recipient=world.alice).unread().count() == 3
    assert client.post(url, {"item": "x"}).status_code == 422
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not InboxItem.objects.filter(recipient=world.alice).unread().exists()
    # Another person's mark-all touches only their own.
    create_comment(world.company_objective, world.bob, "@alice three")
    world.client_for(world.vera).post(url)
    assert InboxItem.objects.filter(recipient=world.alice).unread().count() == 1


def test_an_item_about_an_objective_made_private_is_hidden(world: World) -> None:
    create_comment(world.team_objective, world.bob, "@vera see this")
    assert "Answer faster" in _inbox(world, world.vera)
    Objective.objects.filter(pk=world.team_objective.pk).update(visibility=Visibility.PRIVATE)
    html = _inbox(world, world.vera)
    assert "Answer faster" not in html and 'class="badge"' not in html


def test_a_reaction_on_my_check_in_notifies_me_and_toggles(world: World) -> None:
    check_in = record_check_in(world.kr, world.bob, Decimal(3))
    url = reverse("check_in_react", args=["acme", check_in.pk])
    client = world.client_for(world.alice)
    response = client.post(url, {"emoji": "thumbs_up"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'aria-pressed="true"' in response.content
    item = InboxItem.objects.get(kind=InboxKind.REACTION)
    assert (item.recipient, item.actor, item.check_in) == (world.bob, world.alice, check_in)
    assert "Alice Martin reacted" in _inbox(world, world.bob)
    client.post(url, {"emoji": "thumbs_up"})
    assert (
        not Reaction.objects.exists()
        and not InboxItem.objects.filter(kind=InboxKind.REACTION).exists()
    )
    assert client.post(url, {"emoji": "poop"}).status_code == 422
    assert world.client_for(world.vera).post(url, {"emoji": "eyes"}).status_code == 403
    assert world.client_for(world.oscar).post(url, {"emoji": "eyes"}).status_code == 404
    assert not Reaction.objects.exists()


def test_reacting_to_my_own_check_in_notifies_nobody(world: World) -> None:
    check_in = record_check_in(world.kr, world.bob, Decimal(3))
    toggle_reaction(check_in, world.bob, "tada")
    assert not InboxItem.objects.filter(kind=InboxKind.REACTION).exists()


def test_the_key_result_page_shows_reactions_in_constant_queries(world: World) -> None:
    client = world.client_for(world.alice)
    first = record_check_in(world.kr, world.bob, Decimal(3))
    toggle_reaction(first, world.alice, "heart")
    client.get(world.kr.get_absolute_url())
    with CaptureQueriesContext(connection) as one:
        html = client.get(world.kr.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in html
    for n in range(10):
        check_in = record_check_in(world.kr, world.bob, Decimal(3) - Decimal(n) / 10)
        toggle_reaction(check_in, world.adam, "eyes")
        create_comment(check_in, world.adam, "Nice")
    with CaptureQueriesContext(connection) as many:
        client.get(world.kr.get_absolute_url())
    assert len(many) == len(one)


def test_approvals_arrive_and_are_settled(world: World) -> None:
    draft = create_objective(
        world.org, world.bob, cycle=world.cycle, title="A draft", level="person", state="draft"
    )
    signals.approval_requested.send(Objective, objective=draft, approver_ids=[world.alice.pk])
    request = InboxItem.objects.get(kind=InboxKind.APPROVAL_REQUESTED)
    assert (request.recipient, request.actor) == (world.alice, world.bob)
    assert "Bob Durand asks for your approval of the draft “A draft”" in _inbox(world, world.alice)
    signals.approval_decided.send(
        Objective, objective=draft, approved=False, comment="Too vague", by=world.alice
    )
    request.refresh_from_db()
    assert request.read_at is not None
    decision = InboxItem.objects.get(kind=InboxKind.APPROVAL_DECIDED)
    assert (decision.recipient, decision.approved, decision.note) == (world.bob, False, "Too vague")
    html = _inbox(world, world.bob)
    assert "Alice Martin sent your draft “A draft” back" in html and "Too vague" in html


def test_what_is_waiting_is_read_live(world: World) -> None:
    html = _inbox(world, world.bob)
    assert "Check-in due" in html and "Cut first response time" in html
    assert "Weekly meeting to hold" in html
    platform = world.team.__class__.objects.create(
        organization=world.org, name="Platform", lead=world.bob
    )
    theirs = create_objective(
        world.org, world.alice, cycle=world.cycle, title="Their API", level="team", team=platform
    )
    create_dependency(
        world.alice,
        organization=world.org,
        from_objective=world.company_objective,
        to_objective=theirs,
    )
    assert "Dependency request" in _inbox(world, world.bob)
    record_check_in(world.kr, world.bob, Decimal(3))
    assert "Check-in due" not in _inbox(world, world.bob)


def test_inbox_home_goes_to_the_organisation(world: World) -> None:
    response = world.client_for(world.vera).get(reverse("inbox_home"))
    assert response["Location"] == reverse("inbox", args=["acme"])


# Mails -------------------------------------------------------------------------------------


def test_mentions_are_mailed_in_one_batch_per_15_minutes(world: World) -> None:
    create_comment(world.company_objective, world.bob, "@vera first")
    create_comment(world.company_objective, world.bob, "@vera second")
    now = timezone.now()
    assert mail.send_due(now) == 1
    [message] = outbox.outbox
    assert message.to == ["vera@acme.test"]
    assert "first" in message.body and "second" in message.body
    assert "2 new items" in message.subject
    # Within 15 minutes, a new mention waits; after them, it goes.
    create_comment(world.company_objective, world.bob, "@vera third")
    assert mail.send_due(now + timedelta(minutes=5)) == 0
    assert mail.send_due(now + timedelta(minutes=16)) == 1
    assert "third" in outbox.outbox[1].body and "first" not in outbox.outbox[1].body
    assert mail.send_due(now + timedelta(minutes=40)) == 0


def test_a_kind_switched_off_is_not_mailed(world: World) -> None:
    url = reverse("inbox_mail", args=["acme"])
    client = world.client_for(world.vera)
    assert client.get(url).status_code == 200
    assert client.post(url, {"approvals": "on"}).status_code == 302
    assert MailPreference.objects.get(user=world.vera).mentions is False
    create_comment(world.company_objective, world.bob, "@vera quiet")
    assert mail.send_due() == 0 and not outbox.outbox
    assert InboxItem.objects.get(recipient=world.vera).mailed_at is not None


def test_reactions_and_alignments_are_never_mailed(world: World) -> None:
    check_in = record_check_in(world.kr, world.bob, Decimal(3))
    toggle_reaction(check_in, world.alice, "tada")
    assert mail.send_due() == 0 and not outbox.outbox


def test_a_mail_says_nothing_of_what_became_private(world: World) -> None:
    create_comment(world.team_objective, world.bob, "@vera secret words")
    Objective.objects.filter(pk=world.team_objective.pk).update(visibility=Visibility.PRIVATE)
    assert mail.send_due() == 0 and not outbox.outbox


def test_a_failed_mail_is_tried_again(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    create_comment(world.company_objective, world.bob, "@vera retry")

    def broken(message):  # type: ignore[no-untyped-def]
        raise OSError("SMTP down")

    monkeypatch.setattr(mail, "send_message", broken)
    assert mail.send_due() == 0
    monkeypatch.undo()
    assert mail.send_due() == 1 and len(outbox.outbox) == 1


def test_the_mail_is_in_the_organisation_language(world: World) -> None:
    world.org.language = "fr"
    world.org.save()
    create_comment(world.company_objective, world.bob, "@vera bonjour")
    mail.send_due()
    assert "vous a mentionné" in outbox.outbox[0].body


def test_hostile_text_stays_text_in_the_inbox_and_the_mail(world: World) -> None:
    hostile = '@vera <script>alert("x")</script><img src=x onerror=alert(1)> ' + "y" * 3000
    create_comment(world.company_objective, world.bob, hostile)
    html = _inbox(world, world.vera)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert mail.send_due() == 1
    [message] = outbox.outbox
    [(mail_html, _type)] = message.alternatives  # type: ignore[union-attr,misc]
    assert "<script>alert" not in str(mail_html) and "&lt;script&gt;" in str(mail_html)


def test_a_draft_submitted_through_the_service_reaches_its_approvers_and_back(
    world: World,
) -> None:
    world.org.approval_required = True
    world.org.save()
    draft = create_objective(
        world.org, world.bob, cycle=world.cycle, title="A draft", level="person", state="draft"
    )

    submit_for_approval(draft, world.bob)

    approvers = set(
        InboxItem.objects.filter(kind=InboxKind.APPROVAL_REQUESTED, objective=draft).values_list(
            "recipient_id", flat=True
        )
    )
    assert approvers == set(approver_ids(draft)) and approvers
    approver = User.objects.get(pk=sorted(approvers)[0])
    assert "asks for your approval of the draft “A draft”" in _inbox(world, approver)

    decide_approval(draft, approver, approved=True)

    decision = InboxItem.objects.get(kind=InboxKind.APPROVAL_DECIDED, objective=draft)
    assert (decision.recipient, decision.approved) == (world.bob, True)
    assert not InboxItem.objects.filter(
        kind=InboxKind.APPROVAL_REQUESTED, objective=draft, read_at__isnull=True
    ).exists()
