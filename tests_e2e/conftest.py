"""Browser tests: a real Chromium, driven by Playwright, against pytest-django's live server.

Every test module here sets ``pytestmark = pytest.mark.browser``: run them alone with
``pytest tests_e2e``, or leave them out with ``-m "not browser"``. Chromium is Debian's
(/usr/bin/chromium): Playwright never downloads a browser, and the tests are skipped when
that binary is missing.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache

# Playwright's sync API runs an asyncio event loop in this thread; without this, Django
# refuses the ORM calls that fixtures and tests make while a browser is open.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from cible.accounts.models import User
from cible.orgs.models import Membership, Organization, Role, Team, TeamMember
from conftest import PASSWORD, make_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 5_000


class SerialWSGIServer(WSGIServer):
    """The live server handling one request at a time, each connection closed after its
    answer. On SQLite the test database lives in memory, and every thread of the live
    server shares the test's one connection: two requests at once (a page and a picker's
    suggestions) would use it together, which SQLite refuses ("API misuse")."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # the server's own thread holds the connections


if connection.vendor == "sqlite":
    LiveServerThread.server_class = SerialWSGIServer

NewPage = Callable[..., Page]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: browser tests skipped")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _loopback_allowed(settings) -> None:  # type: ignore[no-untyped-def]
    """The test receivers and data sources listen on 127.0.0.1, which the outbound guard
    refuses by default."""
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """allauth counts sign-ins per IP in the cache (30 a minute by default): every test signs
    in from 127.0.0.1, so the whole suite would soon get 429s. Each test starts afresh."""
    cache.clear()


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[NewPage]:  # type: ignore[no-untyped-def]
    """A factory of pages, each in its own browser context (own cookies, own language).

    ``new_page(locale="fr-FR")`` sets both the browser's locale and its Accept-Language
    header; other keyword arguments go to Playwright's ``new_context`` (e.g.
    ``bypass_csp=True``). Contexts are closed at the end of the test.
    """
    contexts: list[BrowserContext] = []

    def make(locale: str = "en-GB", **options: Any) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            extra_http_headers={"Accept-Language": locale},
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    expect.set_options(timeout=TIMEOUT_MS)
    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form; the fields are found by name, whatever the language."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    # Let deferred scripts (cible.js's enhancements) run before the test interacts.
    page.wait_for_load_state("load")


def sign_up(page: Page, email: str, name: str, password: str = PASSWORD) -> None:
    """Create an account through allauth's sign-up form (the page must already show it)."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_role("button", name="Sign Up").click()
    # The address is confirmed first: the mail's link signs in and goes on where sign-up
    # was heading.
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    [body] = [m.body for m in mail.outbox if email in m.to][-1:]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body)
    assert link, body
    page.goto(link.group(0))
    page.get_by_role("main").get_by_role("button", name="Confirm").click()


def add_member(
    org: Organization, email: str, name: str, role: str = Role.MEMBER, team: Team | None = None
) -> User:
    """A new person of ``org`` with ``role`` (a plain member by default), in ``team`` if given."""
    user = make_user(email, name)
    Membership.objects.create(organization=org, user=user, role=role)
    if team is not None:
        TeamMember.objects.create(team=team, user=user)
    return user


def open_person_menu(page: Page) -> None:
    """Unfold the header's person menu (language, theme, API tokens, sign out)."""
    menu = page.locator("details.person-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    expect(menu.locator(".menu-panel")).to_be_visible()
