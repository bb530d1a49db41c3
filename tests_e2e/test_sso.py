"""Single sign-on through a real OpenID Connect provider on the loopback interface.

The provider is panva's `oidc-provider` (npm, pinned in package-lock.json), run by node from
tests_e2e/oidc/provider.mjs with its development sign-in and consent pages. Without node or
the package (`npm ci`), these tests are skipped.
"""

import json
import re
import select
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from cible.accounts.models import User
from cible.accounts.sso_config import PROVIDER_ID, oidc_providers, provider_origins
from cible.audit.models import Action, AuditEntry
from cible.orgs.models import Membership, Role
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, open_person_menu
from tests_e2e.test_a11y import AXE, violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests_e2e" / "oidc" / "provider.mjs"
PACKAGE = ROOT / "node_modules" / "oidc-provider" / "package.json"
CLIENT_ID, CLIENT_SECRET = "cible-tests", "not-a-real-secret"
START_SECONDS = 15

# The provider's people: the login typed on its sign-in page is the account id.
ACCOUNTS = {
    "dana": {"email": "dana@acme.test", "email_verified": True, "name": "Dana Moreau"},
    "adam": {"email": "adam@acme.test", "email_verified": True, "name": "Adam R."},
    "mallory": {"email": "bob@acme.test", "email_verified": False, "name": "Mallory"},
}


@pytest.fixture
def issuer(live_server, tmp_path: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The provider's issuer URL, with Cible's live server as its one client."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found: the single sign-on tests need it to run the provider")
    if not PACKAGE.exists():
        pytest.skip(f"oidc-provider not installed ({PACKAGE} missing): run `npm ci`")
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/",
        "accounts": ACCOUNTS,
    }
    log = tmp_path / "provider.log"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [node, str(SCRIPT), json.dumps(config)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
        line = process.stdout.readline() if ready else ""
        if not line:
            pytest.fail(f"the OIDC provider did not start:\n{log.read_text()}")
        yield json.loads(line)["issuer"]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, issuer: str, world):  # type: ignore[no-untyped-def]
    """Cible pointed at the provider, people of acme.test joining Acme. allauth reads these
    settings at each request, so the live server sees them."""
    providers = oidc_providers(issuer, CLIENT_ID, CLIENT_SECRET, "Acme ID")
    settings.SOCIALACCOUNT_PROVIDERS = providers
    settings.SSO_JOIN_DOMAINS = {"acme.test": "acme"}
    form_action = [*settings.SECURE_CSP["form-action"], *provider_origins(providers)]
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": form_action}
    return world


def loopback_only(page: Page) -> Page:
    """The provider's development pages load a web font: nothing leaves the machine."""
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"), lambda r: r.abort())
    return page


def sign_in_with_sso(page: Page, login: str) -> None:
    """From Cible's sign-in page: the button, the provider's sign-in, its consent page."""
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Acme ID").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def sign_out(page: Page) -> None:
    open_person_menu(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_a_newcomer_signs_in_by_sso_and_joins_the_organisation(
    sso, live_server, new_page: NewPage
) -> None:
    page = loopback_only(new_page())

    sign_in_with_sso(page, "dana")

    expect(page).to_have_url(f"{live_server.url}/o/acme/")
    expect(page.get_by_role("heading", level=1, name="Acme")).to_be_visible()
    expect(page.locator(".who")).to_have_text("Dana Moreau")
    dana = User.objects.get(email="dana@acme.test")
    assert Membership.objects.get(organization=sso.org, user=dana).role == Role.MEMBER
    assert AuditEntry.objects.filter(
        organization=sso.org, actor=dana, action=Action.JOINED
    ).exists()
    assert not dana.has_usable_password()

    # A second sign-in (the provider remembers the person and the consent) reuses the account.
    sign_out(page)
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Acme ID").click()

    expect(page).to_have_url(f"{live_server.url}/o/acme/")
    expect(page.locator(".who")).to_have_text("Dana Moreau")
    assert User.objects.filter(email="dana@acme.test").count() == 1
    assert SocialAccount.objects.filter(user=dana).count() == 1
    assert Membership.objects.filter(user=dana).count() == 1


def test_a_verified_address_signs_into_the_existing_account(
    sso, live_server, new_page: NewPage
) -> None:
    page = loopback_only(new_page())

    sign_in_with_sso(page, "adam")

    expect(page).to_have_url(f"{live_server.url}/o/acme/")
    expect(page.locator(".who")).to_have_text("Adam Roux")
    assert SocialAccount.objects.get(provider=PROVIDER_ID, uid="adam").user == sso.adam
    assert Membership.objects.get(organization=sso.org, user=sso.adam).role == Role.ADMIN
    # adam never confirmed his address in Cible: whoever registered it may know the password,
    # so allauth removes it and adam signs in through the provider from now on.
    sso.adam.refresh_from_db()
    assert not sso.adam.has_usable_password()


def test_an_unverified_address_does_not_take_over_an_account(
    sso, live_server, new_page: NewPage
) -> None:
    page = loopback_only(new_page())

    sign_in_with_sso(page, "mallory")

    # allauth neither signs in as bob nor says that bob's address has an account.
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/o/acme/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/o/acme/"))
    assert not SocialAccount.objects.filter(user=sso.bob).exists()
    assert not User.objects.filter(name="Mallory").exists()
    sso.bob.refresh_from_db()
    assert sso.bob.check_password(PASSWORD)


def test_the_sign_in_page_with_its_button_is_accessible(db, settings, new_page: NewPage) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core not installed ({AXE} missing): run `npm ci`")
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers("https://id.example.com", "c", "s", "Acme ID")
    page = new_page(bypass_csp=True)  # only to inject axe

    page.goto("/accounts/login/")

    expect(page.get_by_role("button", name="Sign in with Acme ID")).to_be_visible()
    assert violations(page, AXE.read_text(encoding="utf-8")) == []
