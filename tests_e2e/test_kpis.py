"""A KPI in the browser: a team's lead creates it with its thresholds through the form,
enters values until it crosses to critical, and sees critical on the KPI page and on the
team page; the KPI page holds at phone width and passes axe."""

import pytest
from playwright.sync_api import expect

from cible.kpis.models import KPI
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

    panel = page.locator("#kpi-value-panel")
    for value, status in (("99.8", "Healthy"), ("99.2", "Warning"), ("98.7", "Critical")):
        you.fill(panel.get_by_label("Value", exact=True), value)
        you.click(panel.get_by_role("button", name="Record"))
        expect(page.locator(".kpi-latest")).to_contain_text(value)
        expect(page.locator("dl.facts .status")).to_have_text(status)
        panel = page.locator("#kpi-value-panel")
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

    phone = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(phone, world.vera.email, PASSWORD)
    phone.goto(kpi.get_absolute_url())
    expect(phone.locator("dl.facts .status")).to_have_text("Critical")
    assert overflow(phone) <= 0
    assert violations(phone, axe_source) == []
    page.goto(kpi.get_absolute_url())
    assert violations(page, axe_source) == []
