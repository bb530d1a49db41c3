"""A breached guardrail reaches the inbox of the key result's owner, co-owners and team
lead (once per breach), and their batched mail unless they switched it off."""

from decimal import Decimal

from django.core import mail as outbox
from django.urls import reverse

from cible.collab import mail
from cible.collab.models import InboxItem, InboxKind, MailPreference
from cible.kpis.services import record_value
from cible.kpis.tests.helpers import breach, make_kpi
from conftest import World


def test_owner_co_owners_and_team_lead_are_told_once(world: World) -> None:
    world.kr.co_owners.add(world.alice)
    world.team.lead = world.adam
    world.team.save()
    kpi = make_kpi(world)
    breach(world, world.kr, kpi)
    record_value(kpi, Decimal(70))  # still the same breach
    items = InboxItem.objects.filter(kind=InboxKind.GUARDRAIL)
    assert sorted(i.recipient.email for i in items) == [
        "adam@acme.test",
        "alice@acme.test",
        "bob@acme.test",
    ]
    item = items.get(recipient=world.bob)
    assert item.get_absolute_url() == reverse("key_result_detail", args=["acme", world.kr.pk])
    page = world.client_for(world.bob).get(reverse("inbox", args=["acme"])).content.decode()
    assert "Guardrail breached: Support satisfaction is critical while" in page
    assert "Cut first response time" in page


def test_the_breach_is_mailed_unless_switched_off(world: World) -> None:
    client = world.client_for(world.bob)
    assert client.post(reverse("inbox_mail", args=["acme"]), {"mentions": "on"}).status_code == 302
    assert MailPreference.objects.get(user=world.bob).guardrails is False
    world.kr.co_owners.add(world.alice)
    breach(world, world.kr, make_kpi(world))
    assert mail.send_due() == 1
    [message] = outbox.outbox
    assert message.to == ["alice@acme.test"]
    assert "Guardrail breached: Support satisfaction is critical" in message.body


def test_the_mail_reads_in_french(world: World) -> None:
    world.org.language = "fr"
    world.org.save()
    breach(world, world.kr, make_kpi(world))
    mail.send_due()
    [message] = outbox.outbox
    assert "Garde-fou franchi : Support satisfaction est critique" in message.body
