"""When a guardrail is breached, computed by hand: the KPI out of its healthy range while the
key result progresses since the KPI was last healthy."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cible.checkins.services import record_check_in
from cible.kpis import guardrails, rules, signals
from cible.kpis.models import KPI, Guardrail, GuardrailBreach
from cible.kpis.services import record_value

D = Decimal


def test_the_rule_needs_the_kpi_out_of_range_and_the_key_result_progressing() -> None:
    assert rules.guardrail_breached(rules.CRITICAL, D("0.5"), D("0.6"))
    assert rules.guardrail_breached(rules.WARNING, D("0.5"), D("0.6"))
    assert not rules.guardrail_breached(rules.CRITICAL, D("0.5"), D("0.5"))
    assert not rules.guardrail_breached(rules.CRITICAL, D("0.5"), D("0.4"))
    assert not rules.guardrail_breached(rules.HEALTHY, D("0.5"), D("0.9"))
    assert not rules.guardrail_breached(rules.UNKNOWN, D("0.5"), D("0.9"))


@pytest.fixture
def kpi(world: Any) -> KPI:
    # Higher is better: healthy from 90, critical below 80.
    return KPI.objects.create(
        organization=world.org,
        team=world.team,
        name="Support satisfaction",
        unit="%",
        direction=rules.HIGHER,
        healthy_low=D(90),
        critical_low=D(80),
    )


@pytest.fixture
def guardrail(world: Any, kpi: KPI) -> Guardrail:
    # world.kr: decrease from 4 h to 1 h, now at 2 h (progress 2/3).
    guardrails.set_guardrails(world.kr, [kpi], world.bob)
    return Guardrail.objects.get(key_result=world.kr, kpi=kpi)


BASE = timezone.now().replace(microsecond=0) - timedelta(days=10)


def _at(days: int) -> Any:
    return BASE + timedelta(days=days)


def test_a_kpi_going_critical_while_the_key_result_rises_is_a_breach(
    world: Any, kpi: KPI, guardrail: Guardrail
) -> None:
    record_value(kpi, D(95), _at(0))
    guardrail.refresh_from_db()
    assert guardrail.baseline == D(2)
    record_check_in(world.kr, world.bob, D("1.5"))  # progress 2/3 -> 5/6
    guardrail.refresh_from_db()
    assert guardrail.breached_since is None  # the KPI is still healthy
    record_value(kpi, D(75), _at(1))
    guardrail.refresh_from_db()
    assert guardrail.breached_since == _at(1)
    breach = GuardrailBreach.objects.get(guardrail=guardrail)
    assert (breach.started_at, breach.ended_at) == (_at(1), None)
    assert (breach.worst_status, breach.worst_value) == (rules.CRITICAL, D(75))


def test_a_kpi_going_critical_while_the_key_result_stays_flat_is_none(
    world: Any, kpi: KPI, guardrail: Guardrail
) -> None:
    record_value(kpi, D(95), _at(0))
    record_value(kpi, D(75), _at(1))
    record_check_in(world.kr, world.bob, D(2))  # flat
    guardrail.refresh_from_db()
    assert guardrail.breached_since is None
    assert not GuardrailBreach.objects.exists()


def test_a_key_result_falling_back_while_the_kpi_is_critical_is_none(
    world: Any, kpi: KPI, guardrail: Guardrail
) -> None:
    record_value(kpi, D(95), _at(0))
    record_check_in(world.kr, world.bob, D(3))  # a decrease going up: progress 1/3
    record_value(kpi, D(70), _at(1))
    assert not GuardrailBreach.objects.exists()


def test_a_check_in_that_progresses_while_the_kpi_is_out_of_range_starts_the_breach(
    world: Any, kpi: KPI, guardrail: Guardrail
) -> None:
    record_value(kpi, D(95), _at(0))
    record_value(kpi, D(85), _at(1))  # warning, the key result flat
    assert not GuardrailBreach.objects.exists()
    check_in = record_check_in(world.kr, world.bob, D("1.8"))
    guardrail.refresh_from_db()
    assert guardrail.breached_since == check_in.created_at
    breach = GuardrailBreach.objects.get()
    assert (breach.worst_status, breach.worst_value) == (rules.WARNING, D(85))


def test_the_breach_keeps_its_worst_and_ends_when_the_kpi_is_healthy_again(
    world: Any, kpi: KPI, guardrail: Guardrail
) -> None:
    ended: list[Any] = []

    def receiver(sender: Any, breach: GuardrailBreach, **kwargs: Any) -> None:
        ended.append(breach.pk)

    signals.guardrail_breach_ended.connect(receiver)
    try:
        record_value(kpi, D(95), _at(0))
        record_check_in(world.kr, world.bob, D("1.5"))
        record_value(kpi, D(88), _at(1))  # warning: the breach starts
        record_value(kpi, D(70), _at(2))  # critical, the worst
        record_value(kpi, D(78), _at(3))  # critical, less far
        breach = GuardrailBreach.objects.get()
        assert (breach.worst_status, breach.worst_value) == (rules.CRITICAL, D(70))
        assert breach.ended_at is None
        record_value(kpi, D(91), _at(4))  # healthy again
    finally:
        signals.guardrail_breach_ended.disconnect(receiver)
    breach.refresh_from_db()
    guardrail.refresh_from_db()
    assert breach.ended_at == _at(4)
    assert guardrail.breached_since is None
    assert guardrail.baseline == D("1.5")
    assert ended == [breach.pk]
    # A new fall, the key result flat since it was last healthy: no new breach.
    record_value(kpi, D(60), _at(5))
    assert GuardrailBreach.objects.count() == 1


def test_a_breach_is_announced_once(world: Any, kpi: KPI, guardrail: Guardrail) -> None:
    started: list[tuple[int, int]] = []

    def receiver(sender: Any, guardrail: Guardrail, key_result: Any, **kwargs: Any) -> None:
        started.append((guardrail.pk, key_result.pk))

    signals.guardrail_breached.connect(receiver)
    try:
        record_value(kpi, D(95), _at(0))
        record_check_in(world.kr, world.bob, D("1.5"))
        record_value(kpi, D(75), _at(1))
        record_check_in(world.kr, world.bob, D("1.2"))
        record_value(kpi, D(72), _at(2))
    finally:
        signals.guardrail_breached.disconnect(receiver)
    assert started == [(guardrail.pk, world.kr.pk)]


def test_a_closed_cycle_starts_no_breach(world: Any, kpi: KPI, guardrail: Guardrail) -> None:
    record_value(kpi, D(95), _at(0))
    record_check_in(world.kr, world.bob, D("1.5"))
    world.cycle.state = "closed"
    world.cycle.save()
    record_value(kpi, D(75), _at(1))
    assert not GuardrailBreach.objects.exists()


def test_a_guardrail_set_on_a_kpi_already_out_of_range_counts_from_that_moment(
    world: Any, kpi: KPI
) -> None:
    record_value(kpi, D(75), _at(0))
    guardrails.set_guardrails(world.kr, [kpi])
    guardrail = Guardrail.objects.get()
    assert (guardrail.baseline, guardrail.breached_since) == (D(2), None)
    record_check_in(world.kr, world.bob, D("1.9"))
    guardrail.refresh_from_db()
    assert guardrail.breached_since is not None


def test_a_check_in_of_a_key_result_without_guardrails_costs_no_more_queries(
    world: Any, kpi: KPI
) -> None:
    record_check_in(world.kr, world.bob, D("1.9"))
    with CaptureQueriesContext(connection) as plain:
        record_check_in(world.kr, world.bob, D("1.8"))
    guardrails.set_guardrails(world.kr, [kpi])
    with CaptureQueriesContext(connection) as guarded:
        record_check_in(world.kr, world.bob, D("1.7"))
    assert not any("kpis_guardrail" in q["sql"] and "EXISTS" not in q["sql"] for q in plain)
    assert len(guarded) > len(plain)
