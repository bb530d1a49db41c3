"""The weekly digest to team leads: progress, what is at risk, missing check-ins."""

from datetime import timedelta
from decimal import Decimal

import pytest

from cible.checkins.services import record_check_in
from cible.notifications import tasks
from cible.notifications.models import Delivery, DeliveryStatus, Kind
from cible.okrs.services import create_objective
from cible.orgs.models import Team

from .conftest import add_key_result, add_member, later, of_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(world, slot):  # type: ignore[no-untyped-def]
    """Bob leads Product: world.kr is on track but never checked in; NPS is far behind
    pace; the help centre is on pace but its owner has little confidence and checked in
    this week."""
    carol = add_member(world.org, "carol")
    add_key_result(world, carol, "Raise the NPS", current=Decimal(1))
    help_centre = add_key_result(world, carol, "Ship the help centre articles", current=Decimal(6))
    record_check_in(help_centre, carol, Decimal(6), confidence=5, at=later(slot, days=-1))
    return world


def digest_for(outbox, email: str):  # type: ignore[no-untyped-def]
    [message] = [m for m in of_kind(outbox, "digest") if m.to == [email]]
    return message


def test_the_lead_gets_the_teams_progress_risks_and_missing_check_ins(
    product, slot, mailoutbox
) -> None:
    tasks.dispatch(later(slot, minutes=1))

    message = digest_for(mailoutbox, "bob@acme.test")
    assert message.subject == "Acme: your teams' weekly OKR digest"
    body = message.body
    assert "== Product ==" in body
    assert "- Answer faster: " in body
    risks = body.split("At risk or off track")[1].split("Missing check-ins")[0]
    assert "- Raise the NPS (Carol): Off track" in risks
    assert "- Ship the help centre articles (Carol): At risk" in risks
    assert risks.index("Raise the NPS") < risks.index("Ship the help centre")
    assert "Cut first response time" not in risks
    missing = body.split("Missing check-ins")[1]
    assert "- Cut first response time (Bob Durand)" in missing
    assert "- Raise the NPS (Carol)" in missing
    assert "Ship the help centre" not in missing
    assert "/o/acme/teams/" in body
    html = message.alternatives[0][0]
    assert "<strong>Off track</strong>" in html


def test_only_team_leads_get_a_digest(product, slot, mailoutbox) -> None:
    tasks.dispatch(later(slot, minutes=1))

    assert [m.to for m in of_kind(mailoutbox, "digest")] == [["bob@acme.test"]]


def test_a_lead_of_two_teams_gets_one_digest_with_both(product, slot, mailoutbox) -> None:
    support = Team.objects.create(organization=product.org, name="Support", lead=product.bob)
    create_objective(
        product.org,
        product.bob,
        parents=[product.company_objective],
        cycle=product.cycle,
        title="Solve on first contact",
        level="team",
        team=support,
    )

    tasks.dispatch(later(slot, minutes=1))

    body = digest_for(mailoutbox, "bob@acme.test").body
    assert "== Product ==" in body
    assert "== Support ==" in body
    assert "Solve on first contact" in body


def test_a_team_without_live_objectives_sends_no_digest(world, slot, mailoutbox) -> None:
    Team.objects.create(organization=world.org, name="Idle", lead=world.adam)

    tasks.dispatch(later(slot, minutes=1))

    assert [m.to for m in of_kind(mailoutbox, "digest")] == [["bob@acme.test"]]


def test_the_digest_goes_out_once_a_week(product, slot, mailoutbox) -> None:
    for hours in (0, 1, 30, 24 * 7):
        tasks.dispatch(later(slot, minutes=1, hours=hours))

    assert len(of_kind(mailoutbox, "digest")) == 2
    periods = Delivery.objects.filter(kind=Kind.DIGEST, status=DeliveryStatus.SENT)
    assert sorted(d.period for d in periods) == [
        slot.date().isoformat(),
        (slot.date() + timedelta(days=7)).isoformat(),
    ]


def test_a_french_lead_reads_a_french_digest(product, slot, mailoutbox) -> None:
    product.org.language = "fr"
    product.org.save()

    tasks.dispatch(later(slot, minutes=1))

    message = digest_for(mailoutbox, "bob@acme.test")
    assert message.subject == "Acme\u00a0: le point hebdomadaire de vos équipes"
    assert "En retard" in message.body
    assert "Points manquants" in message.body
