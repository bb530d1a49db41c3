"""Every text a person can type is rendered as text, never as markup, on every page that
shows it (issue 7, "Hostile and broken input").

Script, attribute (both quotes), URL, SVG and template payloads are stored in each free-text field
through the app's own forms and services; then a real Chromium opens every page where
those texts appear, with every <details> opened and the alignment tree expanded, and finds
no dialog, no ``window.__xss``, no element or attribute the payloads would have created,
and each text shown literally. These pages are opened with the Content Security Policy
bypassed: escaping must hold on its own, the policy being the second line of defence. A
last test checks that policy on the same pages, untouched: present on every page, and no
violation reported by the browser (which would mean an inline script or style slipped in).
"""

import contextlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django.core.validators import validate_email
from django.forms.models import model_to_dict
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import ConsoleMessage, Dialog, Page, Response, expect

from cible.accounts.forms import ProfileForm
from cible.checkins import reviews, scoring
from cible.checkins.models import ReviewKind
from cible.checkins.services import record_check_in
from cible.checkins.views.reviews import NotesForm, RetrospectiveForm
from cible.okrs.access import Powers
from cible.okrs.forms import CycleForm, DependencyForm
from cible.okrs.models import KeyResult, Level, Objective
from cible.okrs.services import create_dependency, create_key_result, create_objective
from cible.orgs import services as org_services
from cible.orgs.forms import InvitationForm, OrganizationSettingsForm, TeamForm
from cible.orgs.models import Invitation, Membership, Team
from conftest import PASSWORD, World
from tests_e2e.conftest import NewPage, sign_in, sign_up

pytestmark = pytest.mark.browser

PAYLOADS = {
    "script": "<script>window.__xss=1</script>",
    "attribute": '"><img src=x onerror="window.__xss=1">',
    "single-quote": "'><img src=x onerror='window.__xss=1'>",
    "url": "javascript:window.__xss=1",
    "svg": "<svg onload=window.__xss=1>",
    "template": "{{7*7}}",
}
# The same attacks within 20 characters, for the key result's unit.
SHORT_PAYLOADS = {
    "script": "<script>__xss=1//",
    "attribute": '"><img src=x>',
    "single-quote": "'><img src=x>",
    "url": "javascript:__xss=1",
    "svg": "<svg/onload=__xss=1>",
    "template": "{{7*7}}",
}
FALLBACK_EMAIL = '"<svg/onload=__xss=1>"@acme.test'

# Each free-text field, by a short code that prefixes its text: "[tt] <payload>".
FIELDS = {
    "org": "organisation name",
    "team": "team name",
    "team2": "name of a sub-team",
    "cycle": "cycle name",
    "user": "person's name",
    "ct": "company objective title",
    "cd": "company objective description",
    "tt": "team objective title",
    "td": "team objective description",
    "ot": "other team's objective title",
    "kr": "key result title",
    "kra": "adjusted key result title",
    "krc": "cancelled key result title",
    "comment": "check-in comment",
    "blockers": "check-in blockers",
    "dep": "dependency note",
    "mn": "meeting notes",
    "md": "meeting decisions",
    "rn": "monthly review notes",
    "rd": "monthly review decisions",
    "cn": "company monthly review notes",
    "adj": "adjustment reason",
    "cancel": "cancellation reason",
    "score": "score note",
    "rw": "objective retrospective: what worked",
    "rx": "objective retrospective: what did not work",
    "rl": "objective retrospective: what we learn",
    "rc": "objective retrospective: what we celebrate",
    "tw": "team retrospective: what worked",
    "tx": "team retrospective: what did not work",
    "tl": "team retrospective: what we learn",
    "tc": "team retrospective: what we celebrate",
}

# Whatever a payload would create if it were rendered as markup, and any script the page
# did not bring itself.
INERT_CHECK = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith("on")) found.push(`${el.tagName} ${name}="${attr.value}"`);
      if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(name)
          && value.replace(/\\s/g, "").startsWith("javascript:")) {
        found.push(`${el.tagName} ${name}="${attr.value}"`);
      }
    }
    if (el.tagName === "SCRIPT" && !el.hasAttribute("src")) found.push("an inline <script>");
    if (el.tagName === "IMG" && el.getAttribute("src") === "x") found.push("<img src=x>");
    if (["IFRAME", "OBJECT", "EMBED", "BASE"].includes(el.tagName)) found.push(el.tagName);
  }
  return {found, xss: typeof window.__xss};
}"""


@dataclass
class Hostile:
    """The shared world with a hostile text in every free-text field."""

    world: World
    payload: str
    texts: dict[str, str]
    unit: str
    email: str
    ops: Team
    company: Objective
    objective: Objective
    ops_objective: Objective
    kr: KeyResult
    adjusted: KeyResult
    cancelled: KeyResult
    invitation: Invitation

    def text(self, code: str) -> str:
        return self.texts[code]


def hostile_email(payload: str) -> str:
    email = f'"{payload}"@acme.test'
    try:
        validate_email(email)
    except Exception:
        return FALLBACK_EMAIL
    return email


def valid(form: Any) -> Any:
    assert form.is_valid(), form.errors
    return form


def build(world: World, payload: str, short: str) -> Hostile:
    """Store the texts the way people do: through the forms, saved by the services."""
    texts = {code: f"[{code}] {payload}" for code in FIELDS}
    org, alice, bob, adam = world.org, world.alice, world.bob, world.adam
    owner = Membership.objects.get(organization=org, user=alice)

    settings_data = {**model_to_dict(org), "name": texts["org"], "checkin_time": "09:00"}
    form = valid(OrganizationSettingsForm(settings_data, instance=org))
    org_services.save_organization(form.instance, alice)

    def team_data(name: str, lead: int, parent: Any = "") -> dict[str, Any]:
        return {"name": name, "lead": lead, "parent": parent, "chat_webhook_url": ""}

    form = valid(TeamForm(team_data(texts["team"], bob.pk), instance=world.team, organization=org))
    org_services.save_team(form.instance, alice)
    form = valid(TeamForm(team_data(texts["team2"], adam.pk, world.team.pk), organization=org))
    ops = org_services.save_team(form.instance, alice)

    cycle = world.cycle
    cycle_data = {"name": texts["cycle"], "kind": cycle.kind, "start": cycle.start}
    valid(CycleForm({**cycle_data, "end": cycle.end}, instance=cycle, org=org)).save()
    valid(ProfileForm({"name": texts["user"]}, instance=bob)).save()

    company = create_objective(
        org,
        alice,
        actor=alice,
        cycle=cycle,
        title=texts["ct"],
        description=texts["cd"],
        level=Level.COMPANY,
    )
    objective = create_objective(
        org,
        bob,
        parents=[company],
        actor=bob,
        cycle=cycle,
        title=texts["tt"],
        description=texts["td"],
        level=Level.TEAM,
        team=world.team,
    )
    ops_objective = create_objective(
        org,
        adam,
        parents=[company],
        actor=adam,
        cycle=cycle,
        title=texts["ot"],
        level=Level.TEAM,
        team=ops,
    )

    def new_kr(code: str, **fields: Any) -> KeyResult:
        return create_key_result(
            objective,
            owner=bob,
            actor=bob,
            title=texts[code],
            kind="increase",
            start=Decimal(0),
            target=Decimal(10),
            **fields,
        )

    kr = new_kr("kr", unit=short)
    adjusted = new_kr("kra")
    cancelled = new_kr("krc")
    record_check_in(kr, bob, Decimal(3), 6, comment="Earlier")
    record_check_in(kr, bob, Decimal(4), 7, comment=texts["comment"], blockers=texts["blockers"])
    reviews.adjust_key_result(adjusted, bob, reason=texts["adj"], target=Decimal(8))
    reviews.adjust_key_result(cancelled, bob, reason=texts["cancel"], cancel=True)
    scoring.score_key_result(kr, bob, Decimal("0.9"), note=texts["score"])
    reviews.save_retrospective(
        objective,
        bob,
        retro_worked=texts["rw"],
        retro_did_not_work=texts["rx"],
        retro_learned=texts["rl"],
        retro_celebrate=texts["rc"],
    )

    lead = Powers(Membership.objects.get(organization=org, user=bob))
    dependency = {"to_objective": ops_objective.pk, "note": texts["dep"]}
    form = valid(DependencyForm(dependency, objective=objective, powers=lead))
    create_dependency(bob, organization=org, from_objective=objective, **form.cleaned_data)

    for kind, team, notes, decisions in [
        (ReviewKind.WEEKLY, world.team, "mn", "md"),
        (ReviewKind.MONTHLY, world.team, "rn", "rd"),
        (ReviewKind.MONTHLY, None, "cn", "cn"),
    ]:
        form = valid(NotesForm({"notes": texts[notes], "decisions": texts[decisions]}))
        reviews.create_review(org, cycle, team, kind, bob, **form.cleaned_data)
    retro = {"worked": "tw", "did_not_work": "tx", "learned": "tl", "celebrate": "tc"}
    form = valid(RetrospectiveForm({name: texts[code] for name, code in retro.items()}))
    reviews.create_review(org, cycle, world.team, ReviewKind.QUARTERLY, bob, **form.cleaned_data)

    email = hostile_email(payload)
    form = valid(InvitationForm({"role": "member", "email": email}, membership=owner))
    invitation = org_services.create_invitation(org, alice, **form.cleaned_data)

    return Hostile(
        world,
        payload,
        texts,
        short,
        email,
        ops,
        company,
        objective,
        ops_objective,
        kr,
        adjusted,
        cancelled,
        invitation,
    )


# --- The pages --------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """A page, who opens it, the texts it must show, and the form fields that must hold a
    text as their value (an edit form)."""

    path: str
    who: str = "alice"
    shows: tuple[str, ...] = ()
    values: dict[str, str] = field(default_factory=dict)


def visits(h: Hostile) -> list[Visit]:
    w = h.world
    slug = w.org.slug
    o = f"/o/{slug}"
    cycle, team, ops = w.cycle.pk, w.team.pk, h.ops.pk
    pages = [
        Visit("/", shows=("org", "cycle", "ct")),
        Visit(f"{o}/", shows=("org", "cycle", "ct")),
        Visit(h.company.get_absolute_url(), shows=("ct", "cd", "tt", "ot", "team", "cycle")),
        Visit(
            h.objective.get_absolute_url(),
            shows=(
                "tt",
                "td",
                "ct",
                "ot",
                "team",
                "user",
                "cycle",
                "kr",
                "kra",
                "krc",
                "cancel",
                "dep",
                "adj",
                "score",
            ),
        ),
        Visit(h.ops_objective.get_absolute_url(), shows=("ot", "team2", "tt", "dep")),
        Visit(h.kr.get_absolute_url(), shows=("kr", "tt", "user", "comment", "blockers")),
        Visit(h.adjusted.get_absolute_url(), shows=("kra", "tt")),
        Visit(h.cancelled.get_absolute_url(), shows=("krc", "cancel")),
        Visit(f"{o}/tree/?cycle={cycle}", shows=("ct", "tt", "ot", "team", "team2")),
        Visit(f"{o}/search/?q={quote(h.texts['tt'])}", shows=("tt",)),
        Visit(f"{o}/search/?q={quote(h.payload)}", shows=("tt", "ct", "ot", "kr", "cycle")),
        Visit(f"{o}/people/{w.bob.pk}/", shows=("user", "tt", "kr", "team")),
        Visit(f"{o}/people/{w.bob.pk}/", who="bob", shows=("tt", "kr", "team", "user")),
        Visit(f"{o}/teams/", shows=("team", "team2", "user")),
        Visit(f"{o}/teams/{team}/", shows=("team", "tt", "kr", "user", "dep", "ot", "team2")),
        Visit(f"{o}/teams/{ops}/", shows=("team2", "team", "ot", "dep", "tt")),
        Visit(f"{o}/teams/{team}/meeting/", who="bob", shows=("team", "kr", "tt", "mn", "md")),
        Visit(f"{o}/teams/{team}/monthly-review/", shows=("team", "tt", "kr", "rn", "rd")),
        Visit(f"{o}/monthly-review/", shows=("ct", "cn")),
        Visit(
            f"{o}/cycles/{cycle}/review/",
            shows=("cycle", "tt", "kr", "score", "team", "tw", "tx", "tl", "tc"),
        ),
        Visit(
            f"{o}/cycles/{cycle}/review/",
            who="vera",
            shows=("cycle", "tt", "kr", "score", "rw", "rx", "rl", "rc", "tw", "tc"),
        ),
        Visit(
            f"{o}/cycles/{cycle}/report/",
            shows=("org", "cycle", "tt", "ct", "kr", "score", "user", "rw", "rc", "tw", "tc"),
        ),
        Visit(f"{o}/cycles/{cycle}/report/?team={team}", shows=("team", "tt", "kr")),
        Visit(f"{o}/dashboard/?cycle={cycle}", shows=("cycle",)),
        Visit(f"{o}/teams/{team}/dashboard/?cycle={cycle}", shows=("team",)),
        Visit(f"{o}/calibration/"),
        Visit(f"{o}/cycles/", shows=("cycle",)),
        Visit(f"{o}/members/", shows=("user", "org")),
        Visit(f"{o}/check-in/", who="bob", shows=("kr", "tt")),
        Visit(f"{o}/notifications/", who="bob"),
        Visit(f"{o}/settings/", values={"name": h.text("org")}),
        Visit(
            f"{o}/objectives/{h.objective.pk}/edit/",
            values={"title": h.text("tt"), "description": h.text("td")},
        ),
        Visit(f"{o}/key-results/{h.kr.pk}/edit/", values={"title": h.text("kr"), "unit": h.unit}),
        Visit(h.invitation.get_absolute_url(), shows=("org",)),
    ]
    with contextlib.suppress(NoReverseMatch):  # the organisation's audit log, if any
        pages.append(Visit(reverse("audit_log", args=[slug])))
    return pages


class Browser:
    """One signed-in page per person, each recording the dialogs it sees."""

    def __init__(self, new_page: NewPage, h: Hostile, **options: Any) -> None:
        self.new_page, self.h, self.options = new_page, h, options
        self.pages: dict[str, Page] = {}
        self.dialogs: list[str] = []

    def page(self, who: str) -> Page:
        if who not in self.pages:
            page = self.new_page(**self.options)
            page.on("dialog", self.record_dialog)
            sign_in(page, getattr(self.h.world, who).email, PASSWORD)
            self.pages[who] = page
        return self.pages[who]

    def record_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def open_everything(page: Page) -> None:
    """Open every <details>, one at a time: a node of the alignment tree loads its
    children when it opens (one request at a time, as the test server shares one SQLite
    connection between its threads)."""
    for _step in range(200):
        closed = page.locator("details:not([open])")
        if closed.count() == 0:
            return
        closed.first.evaluate("d => { d.open = true; }")
        loading = page.locator("details.tree-node[open] > ul > li.meta", has_text="Loading")
        expect(loading).to_have_count(0)
    raise AssertionError(f"{page.url}: <details> keep appearing")


def assert_inert(page: Page, where: str, dialogs: list[str]) -> None:
    result = page.evaluate(INERT_CHECK)
    assert result["found"] == [], f"{where}: {result['found']}"
    assert result["xss"] == "undefined", f"{where}: a payload ran"
    assert dialogs == [], f"{where}: {dialogs}"


def check_page(browser: Browser, visit: Visit, seen: set[str]) -> list[str]:
    """Open the page and check it is inert; add the fields it shows as text to ``seen``;
    return what it should show and does not."""
    h = browser.h
    page = browser.page(visit.who)
    response = page.goto(visit.path)
    assert response is not None and response.status == 200, (visit.path, response)
    page.wait_for_load_state("load")
    open_everything(page)
    where = f"{visit.path} ({visit.who})"
    assert_inert(page, where, browser.dialogs)
    text = page.locator("body").inner_text()
    missing = [f"{where}: {FIELDS[code]}" for code in visit.shows if h.text(code) not in text]
    seen.update(code for code in FIELDS if h.text(code) in text)
    for name, value in visit.values.items():
        expect(page.locator(f"main [name={name}]").first).to_have_value(value)
    if h.unit in text:
        seen.add("unit")
    if h.email in text:
        seen.add("email")
    return missing


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def hostile(request: pytest.FixtureRequest, world: World) -> Hostile:
    return build(world, PAYLOADS[request.param], SHORT_PAYLOADS[request.param])


def test_every_text_is_shown_as_text_on_every_page(hostile: Hostile, new_page: NewPage) -> None:
    browser = Browser(new_page, hostile, bypass_csp=True)
    seen: set[str] = set()

    missing = [line for visit in visits(hostile) for line in check_page(browser, visit, seen)]

    assert missing == []

    # Every field was rendered somewhere (as text), the unit and the invitation's address too.
    assert set(FIELDS) - seen == set(), [FIELDS[c] for c in set(FIELDS) - seen]
    assert {"unit", "email"} <= seen


def test_live_search_and_inline_check_in_swap_in_text_only(
    hostile: Hostile, new_page: NewPage
) -> None:
    """htmx swaps server HTML into the page: the search results as one types, and a
    meeting's agenda row after a check-in whose comment is itself a payload."""
    browser = Browser(new_page, hostile, bypass_csp=True)
    payload = hostile.payload
    page = browser.page("alice")
    page.goto(f"/o/{hostile.world.org.slug}/search/")
    with page.expect_response(
        lambda r: "/search/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.locator("#q").fill(payload)
    expect(page.locator("#results")).to_contain_text(hostile.text("tt"))
    assert_inert(page, "live search", browser.dialogs)
    expect(page.locator("#q")).to_have_value(payload)

    page = browser.page("bob")
    page.goto(f"/o/{hostile.world.org.slug}/teams/{hostile.world.team.pk}/meeting/")
    row = page.locator(f"#agenda-{hostile.kr.pk}")
    row.get_by_label("New value").fill("5")
    row.get_by_label("Comment").fill(f"[inline] {payload}")
    with page.expect_response(lambda r: r.url.endswith(f"/key-results/{hostile.kr.pk}/check-in/")):
        row.get_by_role("button", name="Check in").click()
    expect(row).to_contain_text("5")
    assert_inert(page, "meeting after an inline check-in", browser.dialogs)

    page.goto(hostile.kr.get_absolute_url())
    expect(page.locator("#check-ins")).to_contain_text(f"[inline] {payload}")
    assert_inert(page, "key result after an inline check-in", browser.dialogs)


def test_a_hostile_name_at_sign_up_and_a_hostile_organisation_name(
    db,  # type: ignore[no-untyped-def]
    new_page: NewPage,
) -> None:
    """Through the real sign-up and organisation forms, with every payload at once."""
    dialogs: list[str] = []
    page = new_page(bypass_csp=True)

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    name = " ".join(PAYLOADS.values())[:150]
    org_name = " ".join(PAYLOADS.values())[:120]

    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("mallory@example.org")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD + "typo")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_label("Your name")).to_have_value(name)  # the form again, refilled
    assert_inert(page, "sign-up form with errors", dialogs)

    sign_up(page, "mallory@example.org", name)
    expect(page).to_have_url(reverse("org_create"))
    expect(page.locator(".who")).to_have_text(name)
    assert_inert(page, "organisation form", dialogs)

    page.locator("main [name=name]").fill(org_name)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(org_name)
    assert_inert(page, "new organisation's guided start", dialogs)
    home = page.url.removesuffix("start/")
    page.goto(home)
    assert_inert(page, "new organisation's home", dialogs)
    for path in ("members/", "teams/", "settings/"):
        page.goto(home + path)
        assert_inert(page, path, dialogs)
    expect(page.locator("main [name=name]").first).to_have_value(org_name)


# --- The Content Security Policy on the same pages, untouched ---------------------------


CSP_LISTENER = """() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    const where = `${e.sourceFile}:${e.lineNumber}`;
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
  });
}"""


def test_every_page_has_the_csp_and_breaks_none_of_it(world: World, new_page: NewPage) -> None:
    h = build(world, "Plain words", "km")
    browser = Browser(new_page, h)
    problems: list[str] = []
    checked: list[str] = []

    def watch(page: Page) -> None:
        page.add_init_script(f"({CSP_LISTENER})()")

        def console(message: ConsoleMessage) -> None:
            if message.type == "error" and "Content Security Policy" in message.text:
                problems.append(f"console: {message.text}")

        page.on("console", console)

        def response(r: Response) -> None:
            if r.request.resource_type in ("document", "xhr", "fetch"):
                checked.append(r.url)
                header = r.headers.get("content-security-policy", "")
                if "default-src 'self'" not in header or "unsafe-inline" in header:
                    problems.append(f"{r.url}: Content-Security-Policy {header!r}")

        page.on("response", response)

    for who in ("alice", "bob", "vera"):
        page = browser.new_page()
        watch(page)
        page.on("dialog", browser.record_dialog)
        sign_in(page, getattr(world, who).email, PASSWORD)
        browser.pages[who] = page
    seen: set[str] = set()
    for visit in visits(h):
        assert check_page(browser, visit, seen) == []
        page = browser.page(visit.who)
        violations = page.evaluate("window.__cspViolations || []")
        problems.extend(f"{visit.path}: {v}" for v in violations)
    page = browser.page("alice")
    page.goto(f"/o/{world.org.slug}/search/")
    page.locator("#q").fill("Plain")
    expect(page.locator("#results")).to_contain_text(h.text("tt"))
    problems.extend(page.evaluate("window.__cspViolations || []"))

    assert problems == []
    assert any("/tree/" in url and "/children/" in url for url in checked)  # htmx partials too
    assert len(checked) >= len(visits(h))
