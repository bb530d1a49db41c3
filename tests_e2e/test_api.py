"""API tokens in a browser: create one, see its secret once, call the API with it, revoke
it. And the API's interactive docs: served offline, under the site's strict CSP."""

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from conftest import PASSWORD, World
from tests_e2e.conftest import NewPage, open_person_menu, sign_in
from tests_e2e.test_a11y import axe_source, violations

pytestmark = pytest.mark.browser
__all__ = ["axe_source"]  # the fixture, shared with the accessibility tests

LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/")
CSP_LISTENER = """() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
  });
}"""


def call_api(base: str, path: str, secret: str) -> tuple[int, Any]:
    request = urllib.request.Request(
        base + path, headers={"Authorization": f"Bearer {secret}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_token_is_shown_once_works_and_is_revoked(
    world: World, live_server: Any, new_page: NewPage
) -> None:
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    open_person_menu(page)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1, name="API tokens")).to_be_visible()
    expect(page.get_by_text("No token yet.")).to_be_visible()

    page.get_by_label("Name").fill("Nightly sync")
    page.get_by_label("Access").select_option(label="Read and write")
    page.get_by_role("button", name="Create the token").click()

    expect(page.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("cible_")

    status, body = call_api(live_server.url, "/api/v1/orgs/acme/objectives", secret)
    assert status == 200
    assert [o["title"] for o in body["items"]] == ["Delight our customers", "Answer faster"]

    page.reload()  # a new GET: the secret is gone for good
    expect(page.get_by_text("Copy it now")).to_have_count(0)
    assert secret not in page.content()
    row = page.get_by_role("row").filter(has_text="Nightly sync")
    expect(row).to_contain_text(secret[:12])
    expect(row).to_contain_text("Read and write")

    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    expect(page.get_by_role("row").filter(has_text="Nightly sync")).to_contain_text("Revoked")
    status, body = call_api(live_server.url, "/api/v1/orgs/acme/objectives", secret)
    assert status == 401
    assert body["errors"][0]["field"] is None


def _watch(page: Page) -> tuple[list[str], list[str]]:
    """Requests that would leave the machine (aborted) and CSP violations of the page."""
    outside: list[str] = []
    problems: list[str] = []

    def on_request(request: Request) -> None:
        if not LOCAL.match(request.url) and not request.url.startswith("data:"):
            outside.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"), lambda r: r.abort())
    page.add_init_script(f"({CSP_LISTENER})()")
    return outside, problems


def test_the_docs_render_offline_under_the_csp(world: World, new_page: NewPage) -> None:
    page = new_page()
    outside, problems = _watch(page)
    sign_in(page, world.bob.email, PASSWORD)
    response = page.goto("/api/v1/docs")
    assert response is not None and response.ok
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Cible API")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 30
    # Open one operation: its parameters and responses render too.
    page.locator(".opblock-summary").filter(has_text="/orgs/{slug}/objectives").first.click()
    expect(page.locator(".opblock.is-open .parameters").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    problems.extend(page.evaluate("window.__cspViolations || []"))
    assert outside == []
    assert problems == []


def test_the_tokens_page_is_accessible(world: World, new_page: NewPage, axe_source: str) -> None:
    page = new_page(bypass_csp=True)  # to inject axe-core; the app's CSP is unchanged
    sign_in(page, world.bob.email, PASSWORD)
    page.goto("/account/tokens/")
    page.get_by_label("Name").fill("Report builder")
    page.get_by_role("button", name="Create the token").click()
    expect(page.get_by_label("Token", exact=True)).to_be_visible()
    assert violations(page, axe_source) == []
