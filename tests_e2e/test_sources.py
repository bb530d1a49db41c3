"""A key result fed by a data source, in the browser: configure a JSON source against a
loopback server, run it, see the value; then a failing source shows its error."""

from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cible.okrs.models import KeyResult
from cible.sources.models import DataSource
from cible.sources.tests.conftest import Server
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in
from tests_e2e.test_a11y import AXE, violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"axe-core not installed ({AXE} missing): run `npm ci` to check it")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    running.thread.start()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()
    running.thread.join(timeout=5)


def test_a_json_source_feeds_the_key_result(world, new_page: NewPage, server: Server) -> None:  # type: ignore[no-untyped-def]
    url = server.set("/support.json", '{"data": {"items": [{"hours": 1.25}]}}')
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(world.kr.get_absolute_url())

    page.get_by_role("link", name="Feed this key result from a data source").click()
    expect(page.get_by_role("heading", level=1, name="Data source")).to_be_visible()
    page.get_by_label("Kind of source").select_option("json")
    page.get_by_label("Address (URL)").fill(url)
    page.get_by_label("Path to the number in the document").fill("data.items[0].hours[")
    page.get_by_role("button", name="Save the data source").click()
    expect(page.get_by_role("alert")).to_contain_text("Write the path as keys separated by dots")

    page.get_by_label("Path to the number in the document").fill("data.items[0].hours")
    page.get_by_role("button", name="Save the data source").click()
    section = page.locator("#data-source")
    expect(section).to_contain_text("JSON from a URL")
    expect(section).to_contain_text("Never")

    section.get_by_role("button", name="Run now").click()
    expect(page.locator("ul.messages")).to_contain_text("its value was checked in")
    expect(page.locator("dl.facts").first).to_contain_text("1.25")
    expect(page.locator("#check-ins")).to_contain_text("data source")
    assert KeyResult.objects.get(pk=world.kr.pk).current == Decimal("1.25")

    server.set("/support.json", '{"data": {"items": []}}')
    page.locator("#data-source").get_by_role("button", name="Run now").click()
    expect(page.locator("ul.messages")).to_contain_text("nothing was checked in")
    failing = page.locator("#data-source .source-failing")
    expect(failing).to_contain_text("Data source failing since")
    expect(failing).to_contain_text("Nothing at data.items[0] in the JSON document.")
    expect(page.locator("dl.facts").first).to_contain_text("1.25")

    viewer = new_page()
    sign_in(viewer, world.vera.email, PASSWORD)
    viewer.goto(world.kr.get_absolute_url())
    expect(viewer.locator("#data-source .source-failing")).to_contain_text("failing since")
    expect(viewer.locator("#data-source .source-failing")).not_to_contain_text("Nothing at")
    expect(viewer.locator("#data-source")).not_to_contain_text(url)
    expect(viewer.get_by_role("button", name="Run now")).to_have_count(0)


def test_the_data_source_pages_are_accessible(world, new_page: NewPage, axe_source: str) -> None:  # type: ignore[no-untyped-def]
    DataSource.objects.create(
        key_result=world.kr,
        kind="json",
        url="http://127.0.0.1:9/kpi.json",
        last_error="http_status",
        last_error_params={"status": "500"},
        failing_since=world.kr.created_at,
    )
    page = new_page(bypass_csp=True)
    sign_in(page, world.bob.email, PASSWORD)
    for path in (world.kr.get_absolute_url(), world.kr.get_absolute_url() + "source/"):
        page.goto(path)
        assert violations(page, axe_source) == [], path
    page.get_by_label("Address (URL)").fill("")
    page.get_by_role("button", name="Save the data source").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert violations(page, axe_source) == []
