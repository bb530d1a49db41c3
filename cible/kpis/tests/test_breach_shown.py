"""A breached guardrail shows beside the key result's status on every page that shows the
status, in queries that do not grow with the key results; the meeting puts it first."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cible.checkins.services import record_check_in
from cible.kpis import guardrails, rules
from cible.kpis.models import KPI
from cible.kpis.services import record_value
from cible.okrs.models import KeyResult
from cible.okrs.services import create_key_result

D = Decimal
SHOWN = "Guardrail breached: Support satisfaction is critical (75\u00a0%)"


def _kpi(world: Any, name: str = "Support satisfaction") -> KPI:
    return KPI.objects.create(
        organization=world.org,
        team=world.team,
        name=name,
        unit="%",
        direction=rules.HIGHER,
        healthy_low=D(90),
        critical_low=D(80),
    )


def _breach(world: Any, kr: KeyResult, kpi: KPI) -> None:
    guardrails.set_guardrails(kr, [kpi])
    record_value(kpi, D(95))
    record_check_in(kr, world.bob, kr.current - D("0.1"))
    record_value(kpi, D(75))


@pytest.fixture
def breached(world: Any) -> KPI:
    kpi = _kpi(world)
    _breach(world, world.kr, kpi)
    return kpi


def _pages(world: Any) -> dict[str, str]:
    slug = world.org.slug
    return {
        "key result": reverse("key_result_detail", args=[slug, world.kr.pk]),
        "objective": reverse("objective_detail", args=[slug, world.team_objective.pk]),
        "team": reverse("team_detail", args=[slug, world.team.pk]),
        "check-in": reverse("my_check_in", args=[slug]),
        "meeting": reverse("team_meeting", args=[slug, world.team.pk]),
    }


def without_links(html: str) -> str:
    return re.sub(r"</?a\b[^>]*>", "", html)


def test_every_page_with_the_status_shows_the_breach(world: Any, breached: KPI) -> None:
    client = world.client_for(world.bob)
    for name, url in _pages(world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert SHOWN in without_links(html), name
        assert f'<a href="{breached.get_absolute_url()}">Support satisfaction</a>' in html, name


def test_in_french(world: Any, breached: KPI) -> None:
    client = world.client_for(world.bob)
    response = client.get(_pages(world)["key result"], headers={"accept-language": "fr"})
    text = without_links(response.content.decode())
    assert "Garde-fou franchi : Support satisfaction est critique (75\u00a0%)" in text


def test_a_healthy_guardrail_shows_nothing(world: Any) -> None:
    kpi = _kpi(world)
    guardrails.set_guardrails(world.kr, [kpi])
    record_value(kpi, D(95))
    client = world.client_for(world.bob)
    for url in _pages(world).values():
        assert "Guardrail breached" not in client.get(url).content.decode()


def test_the_meeting_puts_the_breached_key_result_first(world: Any, breached: KPI) -> None:
    create_key_result(
        world.team_objective,
        owner=world.bob,
        title="Far behind",
        kind="increase",
        start=D(0),
        target=D(100),
        current=D(0),
        confidence=1,
    )
    text = world.client_for(world.bob).get(_pages(world)["meeting"]).content.decode()
    assert text.index("Cut first response time") < text.index("Far behind")
    assert "agenda-guardrail" in text


def test_the_pages_queries_do_not_grow_with_breaches(world: Any, breached: KPI) -> None:
    client = world.client_for(world.bob)
    pages = _pages(world)
    for url in pages.values():
        client.get(url)  # warm caches (the organisation's settings)

    def counts() -> dict[str, int]:
        found = {}
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            found[name] = len(queries)
        return found

    before = counts()
    for n in range(3):
        kr = create_key_result(
            world.team_objective,
            owner=world.bob,
            title=f"More sign-ups {n}",
            kind="increase",
            start=D(0),
            target=D(100),
            current=D(10),
        )
        _breach(world, kr, _kpi(world, f"Quality {n}"))
    after = counts()
    for name in pages:
        # The check-in page shows one form per key result of its owner: its check-in rows
        # read their last check-ins in one query either way.
        assert after[name] == before[name], name


def test_an_inline_check_in_that_starts_a_breach_shows_it_at_once(world: Any) -> None:
    kpi = _kpi(world)
    guardrails.set_guardrails(world.kr, [kpi])
    record_value(kpi, D(95))
    record_value(kpi, D(75))  # critical, the key result flat: no breach yet
    url = f"/o/acme/key-results/{world.kr.pk}/check-in/inline/"
    response = world.client_for(world.bob).post(
        url,
        {f"kr-{world.kr.pk}-value": "1.5", f"kr-{world.kr.pk}-confidence": "6"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert SHOWN in without_links(response.content.decode())
