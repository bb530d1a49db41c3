"""Decision prompts: a key result whose forecast stops containing its target, with a
breached guardrail, or at risk from a dependency lands on the next monthly review's agenda
and in its owner's inbox, once. Forecasts worked out by hand from the check-ins below."""

from datetime import datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cible.checkins.models import CheckIn, DecisionPrompt, PromptReason
from cible.collab.models import InboxItem, InboxKind
from cible.insights import prompts
from cible.kpis.models import KPI, Guardrail
from cible.okrs.models import KeyResult
from cible.okrs.services import create_dependency, create_key_result
from conftest import World

pytestmark = pytest.mark.django_db


def reading(kr: KeyResult, days_ago: int, value: str) -> None:
    day = timezone.localdate() - timedelta(days=days_ago)
    moment = timezone.make_aware(datetime.combine(day, time(10)))
    CheckIn.objects.create(key_result=kr, value=D(value), created_at=moment)


def signups(world: World) -> KeyResult:
    return create_key_result(
        world.team_objective, owner=world.bob, title="Signups", start=D(0), target=D(100)
    )


def test_a_forecast_that_stops_containing_its_target_lands_on_the_agenda(world: World) -> None:
    kr = signups(world)
    # 10 then 40 five days later: 6 a day, 40 + 6 × 45 days left = 310, past the target.
    reading(kr, 10, "10")
    reading(kr, 5, "40")
    assert prompts.scan(world.org) == []
    # Then 1 a day for five days: the window (the 6 latest days) is 40, 41 … 45, a pace of
    # 1 with no spread: 45 + 1 × 45 = 90, a range of 90 to 90, short of 100.
    for days_ago, value in ((4, "41"), (3, "42"), (2, "43"), (1, "44"), (0, "45")):
        reading(kr, days_ago, value)
    opened = prompts.scan(world.org)
    assert [(p.key_result, p.reason) for p in opened] == [(kr, PromptReason.FORECAST)]
    assert opened[0].facts["low"] == "90" and opened[0].facts["high"] == "90"
    assert opened[0].explanation.startswith("At its pace, it is forecast at 90 to 90 on ")
    # Its owner is told once; scanning again opens nothing.
    assert prompts.scan(world.org) == []
    items = InboxItem.objects.filter(kind=InboxKind.DECISION_PROMPT)
    assert [(i.recipient, i.prompt) for i in items] == [(world.bob, opened[0])]
    # On the team's monthly review, with the three choices.
    response = world.client_for(world.bob).get(f"/o/acme/teams/{world.team.pk}/monthly-review/")
    text = response.content.decode()
    assert "Decisions to take" in text and "Signups" in text
    for choice in ("Keep it and explain why", "Adjust the target", "Drop it", "Replace it"):
        assert choice in text


def test_the_world_kr_on_a_good_pace_gets_no_prompt(world: World) -> None:
    # 4 → 1 h: 3 then 2.5 five days later, 0.1 h a day: 2.5 - 4.5 = below 1 by the end.
    reading(world.kr, 5, "3")
    reading(world.kr, 0, "2.5")
    assert prompts.scan(world.org) == []


def test_a_breached_guardrail_and_a_dependency_at_risk(world: World) -> None:
    kr = signups(world)
    kpi = KPI.objects.create(organization=world.org, team=world.team, name="Churn", unit="%")
    Guardrail.objects.create(key_result=kr, kpi=kpi, breached_since=timezone.now())
    provider = create_key_result(
        world.company_objective,
        owner=world.alice,
        title="Budget",
        start=D(0),
        target=D(10),
        confidence=1,
    )
    create_dependency(
        world.bob,
        organization=world.org,
        from_objective=world.team_objective,
        from_key_result=kr,
        to_objective=world.company_objective,
        to_key_result=provider,
    )
    reasons = {(p.key_result_id, p.reason) for p in prompts.scan(world.org)}
    assert reasons == {(kr.pk, PromptReason.GUARDRAIL), (kr.pk, PromptReason.DEPENDENCY)}
    explained = {p.reason: p.explanation for p in DecisionPrompt.objects.all()}
    assert explained[PromptReason.GUARDRAIL].startswith("The KPI “Churn” it must not be")
    assert explained[PromptReason.DEPENDENCY] == "It depends on “Budget”, which is off track."


def test_the_scan_queries_do_not_grow_with_the_key_results(world: World) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            prompts.find(list(prompts._running(world.org.pk)))
        return len(queries)

    signups(world)
    first = count()
    for n in range(5):
        kr = create_key_result(
            world.team_objective, owner=world.bob, title=f"K{n}", start=D(0), target=D(9)
        )
        reading(kr, 3, "1")
        reading(kr, 0, "1")
    assert count() == first


def test_the_worker_looks_at_the_key_results_checked_in_since_its_last_pass(
    world: World,
) -> None:  # type: ignore[no-untyped-def]
    from cible.checkins.services import record_check_in

    kr = signups(world)
    reading(kr, 5, "40")
    for days_ago, value in ((4, "41"), (3, "42"), (2, "43"), (1, "44")):
        reading(kr, days_ago, value)
    prompts._seen_check_in.clear()
    assert prompts.scan_checked_in() == 0  # a worker's first pass starts from now
    record_check_in(kr, world.bob, D(45))
    assert not DecisionPrompt.objects.filter(key_result=kr).exists()  # the check-in pays nothing
    assert prompts.scan_checked_in() == 1
    assert DecisionPrompt.objects.filter(key_result=kr, reason="forecast").count() == 1
    assert prompts.scan_checked_in() == 0  # nothing checked in since


def test_the_daily_scan_passes_once_a_day(world: World) -> None:
    kr = signups(world)
    for days_ago, value in ((5, "40"), (4, "41"), (3, "42"), (2, "43"), (1, "44"), (0, "45")):
        reading(kr, days_ago, value)
    today = timezone.localdate()
    prompts._scanned.clear()
    assert prompts.scan_due(today) == 1
    DecisionPrompt.objects.update(decided_at=timezone.now())  # decided meanwhile
    assert prompts.scan_due(today) == 0  # scanned today already
    assert prompts.scan_due(today + timedelta(days=1)) == 0  # decided: quiet for a while
    DecisionPrompt.objects.update(decided_at=timezone.now() - timedelta(days=29))
    assert prompts.scan_due(today + timedelta(days=2)) == 1  # raised again a month later
