"""A KPI in the browser: a team's lead creates it with its thresholds through the form,
makes it a guardrail of the team's key result, enters values until it crosses to critical
while the key result progresses, and sees critical on the KPI page and on the team page,
and the breach on the key result and first on the weekly meeting's agenda; the KPI page
holds at phone width and passes axe."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cible.checkins.services import record_check_in
from cible.kpis import guardrails
from cible.kpis.models import KPI
from cible.okrs.services import create_key_result
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in
from tests_e2e.counting import Counter
from tests_e2e.test_a11y import AXE, violations
from tests_e2e.test_design import overflow

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"axe-core not installed ({AXE} missing): run `npm ci` to check it")
    return AXE.read_text(encoding="utf-8")


def test_a_kpi_crosses_to_critical(world, new_page: NewPage, axe_source: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(bypass_csp=True)  # axe is injected at the end
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(world.team.get_absolute_url())
    you = Counter(page)

    you.click(page.locator("#kpis-heading").locator("..").get_by_role("link", name="New KPI"))
    you.fill(page.get_by_label("Name"), "API uptime")
    you.fill(page.get_by_label("Unit"), "%")
    page.get_by_label("Direction").select_option("higher")
    you.fill(page.get_by_label("Healthy from"), "99.5")
    you.fill(page.get_by_label("Critical below"), "99.9")  # wrong order first
    you.click(page.get_by_role("button", name="Save the KPI"))
    expect(page.get_by_role("alert")).to_contain_text("wrong order")
    you.fill(page.get_by_label("Critical below"), "99")
    you.click(page.get_by_role("button", name="Save the KPI"))
    expect(page.get_by_role("heading", level=1, name="API uptime")).to_be_visible()
    kpi = KPI.objects.get(name="API uptime")
    assert kpi.team == world.team

    # The team's key result names the KPI as its guardrail (its form's own test is in
    # cible/kpis/tests), and a second key result of the team stays unguarded.
    guardrails.set_guardrails(world.kr, [kpi], world.bob)
    other = create_key_result(world.team_objective, owner=world.bob, title="Write the FAQ")

    panel = page.locator("#kpi-value-panel")
    for value, status in (("99.8", "Healthy"), ("99.2", "Warning"), ("98.7", "Critical")):
        you.fill(panel.get_by_label("Value", exact=True), value)
        you.click(panel.get_by_role("button", name="Record"))
        expect(page.locator(".kpi-latest")).to_contain_text(value)
        expect(page.locator("dl.facts .status")).to_have_text(status)
        panel = page.locator("#kpi-value-panel")
        if status == "Healthy":
            # The key result progresses while the KPI is healthy: each value out of its
            # healthy range from now on is bought at its expense.
            record_check_in(world.kr, world.bob, Decimal("1.5"))
    you.fill(panel.get_by_label("Value", exact=True), "NaN")
    you.click(panel.get_by_role("button", name="Record"))
    expect(page.locator("#kpi-value-panel [role=alert]")).to_be_visible()

    expect(page.locator("#kpi-values tbody tr")).to_have_count(3)
    expect(page.locator("svg.kpi-chart .kpi-band-critical")).to_have_count(1)
    assert you.interactions <= 16, you.log

    page.goto(world.team.get_absolute_url())
    row = page.locator(".kpi-section .kpi-row", has_text="API uptime")
    expect(row.locator(".status")).to_have_text("Critical")
    expect(row).to_contain_text("98.7\u00a0%")
    expect(row.locator("svg.sparkline")).to_be_visible()

    page.goto(world.kr.get_absolute_url())
    breach = page.locator(".guardrail-breach")
    expect(breach).to_contain_text("Guardrail breached")
    expect(breach).to_contain_text("is critical (98.7 %)")
    expect(breach.get_by_role("link", name="API uptime")).to_have_attribute(
        "href", kpi.get_absolute_url()
    )
    page.goto(reverse("team_meeting", args=[world.org.slug, world.team.pk]))
    items = page.locator("li.agenda-item")
    expect(items.first).to_contain_text(world.kr.title)
    expect(items.first.locator(".guardrail-breach")).to_contain_text("API uptime")
    unguarded = items.filter(has_text=other.title)
    expect(unguarded).to_have_count(1)
    expect(unguarded.locator(".guardrail-breach")).to_have_count(0)

    phone = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(phone, world.vera.email, PASSWORD)
    phone.goto(kpi.get_absolute_url())
    expect(phone.locator("dl.facts .status")).to_have_text("Critical")
    assert overflow(phone) <= 0
    assert violations(phone, axe_source) == []
    page.goto(kpi.get_absolute_url())
    assert violations(page, axe_source) == []
