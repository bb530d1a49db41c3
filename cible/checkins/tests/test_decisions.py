"""Deciding on a key result whose plan no longer holds: keep and explain, adjust the
target (checked by the rules), drop, or replace; each decision recorded with who, when,
the reason and the values before and after, in the audit trail and the cycle report."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from cible.audit.models import AuditEntry
from cible.checkins import decisions
from cible.checkins.models import Decision, DecisionPrompt, PromptReason
from cible.okrs.models import KeyResult
from conftest import World

pytestmark = pytest.mark.django_db

FACTS = {"low": "1.5", "high": "2", "target": "1", "end": "2026-12-31"}


@pytest.fixture
def prompt(world: World) -> DecisionPrompt:
    return DecisionPrompt.objects.create(
        organization=world.org, key_result=world.kr, reason=PromptReason.FORECAST, facts=FACTS
    )


def url(prompt: DecisionPrompt) -> str:
    return f"/o/acme/decisions/{prompt.pk}/"


def test_the_page_explains_the_prompt(world: World, prompt: DecisionPrompt) -> None:
    response = world.client_for(world.bob).get(url(prompt))
    assert response.status_code == 200
    assert "forecast at 1.5 to 2 on Dec. 31, 2026: the target 1 is out of that range" in (
        response.content.decode()
    )


def test_keep_needs_a_reason_and_records_it(world: World, prompt: DecisionPrompt) -> None:
    client = world.client_for(world.bob)
    refused = client.post(url(prompt), {"choice": "keep", "reason": "  "})
    assert refused.status_code == 422
    assert not Decision.objects.exists()
    response = client.post(url(prompt), {"choice": "keep", "reason": "The launch is next week"})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.choice, decision.reason, decision.decided_by) == (
        "keep",
        "The launch is next week",
        world.bob,
    )
    assert decision.before == decision.after == {"target": "1", "state": "live"}
    prompt.refresh_from_db()
    assert prompt.decided_at is not None
    entry = AuditEntry.objects.filter(target_type="key_result", target_id=world.kr.pk).latest("at")
    assert entry.after["decision"] == "keep"
    # Decided: a second answer is refused.
    again = client.post(url(prompt), {"choice": "keep", "reason": "Twice"})
    assert again.status_code == 422


def test_adjust_checks_the_new_target_by_the_rules(world: World, prompt: DecisionPrompt) -> None:
    client = world.client_for(world.bob)
    # A decrease from 4 may not aim at 4: the rules refuse, nothing changes.
    refused = client.post(url(prompt), {"choice": "adjust", "target": "4", "reason": "x"})
    assert refused.status_code == 422
    assert not Decision.objects.exists()
    for bad in ("NaN", "Infinity", "abc", "1" + "0" * 30, ""):
        response = client.post(url(prompt), {"choice": "adjust", "target": bad, "reason": "x"})
        assert response.status_code == 422
    response = client.post(url(prompt), {"choice": "adjust", "target": "1.5", "reason": "Hiring"})
    assert response.status_code == 302
    world.kr.refresh_from_db()
    assert world.kr.target == D("1.5")
    decision = Decision.objects.get()
    assert (decision.before["target"], decision.after["target"]) == ("1", "1.5")


def test_drop_cancels_and_replace_leads_to_a_new_key_result(
    world: World, prompt: DecisionPrompt
) -> None:
    client = world.client_for(world.bob)
    response = client.post(url(prompt), {"choice": "replace", "reason": "Wrong metric"})
    assert response["Location"] == f"/o/acme/objectives/{world.team_objective.pk}/key-results/new/"
    kr = KeyResult.objects.get(pk=world.kr.pk)
    assert kr.cancelled_at is not None and kr.cancel_reason == "Wrong metric"
    assert Decision.objects.get().after == {"target": "1", "state": "cancelled"}


def test_who_may_not_edit_the_key_result(world: World, prompt: DecisionPrompt) -> None:
    body = {"choice": "keep", "reason": "No"}
    assert world.client_for(world.vera).post(url(prompt), body).status_code == 403
    assert world.client_for(world.vera).get(url(prompt)).status_code == 403
    assert world.client_for(world.oscar).post(url(prompt), body).status_code == 404
    assert not Decision.objects.exists()


def test_the_decision_shows_in_the_cycle_report(world: World, prompt: DecisionPrompt) -> None:
    client = world.client_for(world.bob)
    client.post(url(prompt), {"choice": "adjust", "target": "1.5", "reason": "Two left"})
    response = client.get(f"/o/acme/cycles/{world.cycle.pk}/report/")
    text = response.content.decode()
    assert "Decisions" in text and "Adjust the target" in text
    assert "target 1 → 1.5" in text and "Two left" in text


def test_the_inbox_item_opens_the_prompt(world: World, prompt: DecisionPrompt) -> None:
    from cible.collab.services import decisions_prompted

    decisions_prompted([prompt])
    decisions_prompted([prompt])  # told once
    client = world.client_for(world.bob)
    text = client.get("/o/acme/inbox/").content.decode()
    assert text.count("A decision is waiting on your key result") == 1


def test_a_refusal_on_a_field_the_form_has_not_is_said_not_a_500(
    world: World,
    prompt: DecisionPrompt,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """The rules may refuse a key result's other field (its upper bound, say): the page says
    it (422), never a 500, and nothing is recorded."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValidationError({"target_max": ["The upper bound must be above the target."]})

    monkeypatch.setattr(decisions, "decide", refuse)
    client = world.client_for(world.bob)
    response = client.post(url(prompt), {"choice": "adjust", "target": "1.5", "reason": "x"})
    assert response.status_code == 422
    assert "The upper bound must be above the target." in response.content.decode()
    assert not Decision.objects.exists()
