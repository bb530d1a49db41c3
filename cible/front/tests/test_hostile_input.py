"""Hostile and broken input over HTTP: an oversized body gets a clear 400 page (never a
500), an oversized field or an impossible number a 422 that names the field, and nothing is
stored. The friendly error pages are in the site's layout and show no stack trace."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

from cible.accounts.models import User
from cible.checkins.models import CheckIn, Review
from cible.lib.limits import LONG_TEXT, SHORT_TEXT
from cible.okrs.models import Change, Cycle, Dependency, KeyResult, Level, Objective
from cible.okrs.services import create_objective
from cible.orgs.models import Invitation, Organization, Team, TeamMember
from conftest import World

pytestmark = pytest.mark.django_db

FIVE_MEGABYTES = 5 * 1024 * 1024


# --- The forms under test ---------------------------------------------------------------


@dataclass
class Scene:
    world: World
    ops: Team  # a second team, for a dependency between teams
    ops_objective: Objective


@pytest.fixture
def scene(world: World) -> Scene:
    ops = Team.objects.create(organization=world.org, name="Ops", lead=world.adam)
    TeamMember.objects.create(team=ops, user=world.adam)
    ops_objective = create_objective(
        world.org,
        world.adam,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Keep the lights on",
        level=Level.TEAM,
        team=ops,
    )
    return Scene(world, ops, ops_objective)


@dataclass(frozen=True)
class Form:
    """A form as a browser posts it: who sends it, where, and its valid data. ``prefix``
    is prepended to the field names (the check-in rows' ``kr-<id>-``); ``labels`` are the
    labels that a refusal page (a form posted from another page) names."""

    name: str
    who: str
    url: Callable[[Scene], str]
    data: Callable[[Scene], dict[str, Any]]
    prefix: Callable[[Scene], str] = lambda s: ""
    htmx: bool = False
    labels: dict[str, str] = field(default_factory=dict)

    def post(self, scene: Scene, **overrides: str) -> Any:
        data = self.data(scene)
        prefix = self.prefix(scene)
        data.update({prefix + name: value for name, value in overrides.items()})
        client = scene.world.client_for(getattr(scene.world, self.who))
        if self.htmx:
            return client.post(self.url(scene), data, headers={"HX-Request": "true"})
        return client.post(self.url(scene), data)

    def __str__(self) -> str:
        return self.name


def objective_data(owner: User, objective: Objective | None = None) -> dict[str, Any]:
    return {
        "title": objective.title if objective else "Become the team people recommend",
        "description": objective.description if objective else "",
        "level": objective.level if objective else Level.PERSON,
        "team": (objective.team_id or "") if objective else "",
        "owner": owner.pk,
        "parents": [p.pk for p in objective.parents.all()] if objective else [],
        "visibility": "organization",
        "state": "active",
        "origin": "",
    }


def kr_data(owner: User, kr: KeyResult | None = None) -> dict[str, Any]:
    if kr is not None:
        return {
            "title": kr.title,
            "kind": kr.kind,
            "start": str(kr.start),
            "target": str(kr.target),
            "target_max": "",
            "unit": kr.unit,
            "weight": str(kr.weight),
            "owner": kr.owner_id,
            "due_date": "",
            "driven_by": "",
        }
    return {
        "title": "Raise the satisfaction score",
        "kind": "stay_between",
        "start": "0",
        "target": "70",
        "target_max": "90",
        "unit": "%",
        "weight": "1",
        "owner": owner.pk,
        "due_date": "",
        "driven_by": "",
    }


def org_data(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "language": org.language,
        "time_zone": org.time_zone,
        "checkin_weekday": org.checkin_weekday,
        "checkin_time": "09:00",
        "score_display": org.score_display,
        "at_risk_gap": "0.20",
        "off_track_gap": "0.30",
        "at_risk_confidence": "5",
        "off_track_confidence": "3",
    }


RETRO_LABELS = {
    "worked": "What worked",
    "did_not_work": "What did not work",
    "learned": "What we learn",
    "celebrate": "What we celebrate",
}

FORMS = {
    form.name: form
    for form in [
        Form(
            "objective_create",
            "bob",
            lambda s: "/o/acme/objectives/new/",
            lambda s: objective_data(s.world.bob),
        ),
        Form(
            "objective_edit",
            "bob",
            lambda s: f"/o/acme/objectives/{s.world.team_objective.pk}/edit/",
            lambda s: objective_data(s.world.bob, s.world.team_objective),
        ),
        Form(
            "key_result_create",
            "bob",
            lambda s: f"/o/acme/objectives/{s.world.team_objective.pk}/key-results/new/",
            lambda s: kr_data(s.world.bob),
        ),
        Form(
            "key_result_edit",
            "bob",
            lambda s: f"/o/acme/key-results/{s.world.kr.pk}/edit/",
            lambda s: kr_data(s.world.bob, s.world.kr),
        ),
        Form(
            "my_check_in",
            "bob",
            lambda s: "/o/acme/check-in/",
            lambda s: {f"kr-{s.world.kr.pk}-value": "1.5"},
            prefix=lambda s: f"kr-{s.world.kr.pk}-",
        ),
        Form(
            "inline_check_in",
            "bob",
            lambda s: f"/o/acme/key-results/{s.world.kr.pk}/check-in/",
            lambda s: {f"kr-{s.world.kr.pk}-value": "1.5"},
            prefix=lambda s: f"kr-{s.world.kr.pk}-",
            htmx=True,
        ),
        Form(
            "dependency",
            "bob",
            lambda s: f"/o/acme/objectives/{s.world.team_objective.pk}/dependencies/",
            lambda s: {"to_objective": s.ops_objective.pk, "note": "The servers"},
        ),
        Form(
            "team_meeting",
            "bob",
            lambda s: f"/o/acme/teams/{s.world.team.pk}/meeting/",
            lambda s: {"notes": "Fine", "decisions": "None"},
        ),
        Form(
            "monthly_review",
            "bob",
            lambda s: f"/o/acme/teams/{s.world.team.pk}/monthly-review/",
            lambda s: {"notes": "Fine", "decisions": "None"},
        ),
        Form(
            "adjust",
            "bob",
            lambda s: f"/o/acme/key-results/{s.world.kr.pk}/adjust/",
            lambda s: {"target": "1.5", "reason": "One hour was out of reach"},
            labels={"target": "New target", "reason": "Reason"},
        ),
        Form(
            "score",
            "bob",
            lambda s: f"/o/acme/key-results/{s.world.kr.pk}/score/",
            lambda s: {"score": "0.67", "score_note": ""},
            labels={"score": "Score (0 to 1)", "score_note": "Why this score"},
        ),
        Form(
            "objective_retrospective",
            "bob",
            lambda s: f"/o/acme/objectives/{s.world.team_objective.pk}/retrospective/",
            lambda s: {f"retro_{name}": "Something" for name in RETRO_LABELS},
            labels={f"retro_{name}": label for name, label in RETRO_LABELS.items()},
        ),
        Form(
            "team_retrospective",
            "bob",
            lambda s: f"/o/acme/teams/{s.world.team.pk}/retrospective/{s.world.cycle.pk}/",
            lambda s: dict.fromkeys(RETRO_LABELS, "Something"),
            labels=RETRO_LABELS,
        ),
        Form(
            "org_settings",
            "alice",
            lambda s: "/o/acme/settings/",
            lambda s: org_data(s.world.org),
        ),
        Form(
            "org_create",
            "alice",
            lambda s: "/organisations/new/",
            lambda s: {"name": "Initech", "language": "en", "time_zone": "Europe/Paris"},
        ),
        Form("team_create", "alice", lambda s: "/o/acme/teams/", lambda s: {"name": "Sales"}),
        Form(
            "cycle_create",
            "alice",
            lambda s: "/o/acme/cycles/",
            lambda s: {
                "name": "Later",
                "kind": "custom",
                "start": "2031-01-01",
                "end": "2031-03-31",
            },
        ),
    ]
}


def control_changes(form: Form, scene: Scene) -> bool:
    """The control of every refusal below: the same form, untouched, is accepted."""
    before = fingerprint()
    response = form.post(scene)
    assert response.status_code in (200, 302), (form.name, response.status_code)
    return fingerprint() != before


def fingerprint() -> list[Any]:
    """Everything a refused form could have written."""
    return [
        list(Organization.objects.order_by("pk").values()),
        list(Team.objects.order_by("pk").values()),
        list(Cycle.objects.order_by("pk").values()),
        list(Objective.objects.order_by("pk").values()),
        list(KeyResult.objects.order_by("pk").values()),
        list(CheckIn.objects.order_by("pk").values()),
        list(Review.objects.order_by("pk").values()),
        list(Dependency.objects.order_by("pk").values()),
        list(Invitation.objects.order_by("pk").values()),
        Change.objects.count(),
    ]


def marked_invalid(html: str) -> set[str]:
    """The names of the fields that the page marks invalid for assistive technologies."""
    names = set()
    for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", html):
        name = re.search(r'\bname="([^"]*)"', tag)
        if name and 'aria-invalid="true"' in tag:
            names.add(name.group(1))
    return names


def assert_refused_naming(form: Form, scene: Scene, name: str, response: Any) -> None:
    """422, and the field is named: marked invalid next to its error on a form page, or
    by its label on the refusal page of a form posted from another page."""
    assert response.status_code == 422, (form.name, name, response.status_code)
    html = response.content.decode()
    assert "Traceback" not in html
    if name in form.labels:
        assert f'<li class="message message-error">{form.labels[name]}:' in html, html
    else:
        assert form.prefix(scene) + name in marked_invalid(html), (form.name, name)
        assert 'class="errorlist' in html


def check_refused(form: Form, scene: Scene, name: str, value: str) -> None:
    before = fingerprint()

    response = form.post(scene, **{name: value})

    assert_refused_naming(form, scene, name, response)
    assert fingerprint() == before, f"{form.name} stored something with {name}={value[:20]!r}"


# --- Oversized bodies -------------------------------------------------------------------


BODY_TARGETS = ["objective_create", "key_result_create", "my_check_in", "team_meeting", "score"]


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
@pytest.mark.parametrize("name", BODY_TARGETS)
def test_a_five_megabyte_body_gets_a_clear_400_and_changes_nothing(
    scene: Scene, name: str, encoding: str
) -> None:
    form = FORMS[name]
    data = {**form.data(scene), "title": "x" * FIVE_MEGABYTES}
    client = scene.world.client_for(getattr(scene.world, form.who))
    before = fingerprint()

    if encoding == "urlencoded":
        response = client.post(
            form.url(scene),
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post(form.url(scene), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Bad request" in html
    assert 'class="site-header"' in html  # the site's own page, not a bare one
    assert "Traceback" not in html and "RequestDataTooBig" not in html
    assert fingerprint() == before


def test_too_many_fields_get_a_clear_400(scene: Scene) -> None:
    client = scene.world.client_for(scene.world.bob)
    body = urlencode([(f"field{i}", "x") for i in range(5000)])

    response = client.post(
        "/o/acme/objectives/new/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


# --- The error pages --------------------------------------------------------------------


def test_the_404_page_is_the_sites_own(world: World) -> None:
    response = world.client_for(world.bob).get("/o/acme/objectives/999999/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html and "Bob Durand" in html  # signed in, in the layout


def test_the_403_page_is_the_sites_own(world: World) -> None:
    response = world.client_for(world.vera).post("/o/acme/objectives/new/", {"title": "No"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "Permission denied" in html and 'class="site-header"' in html


def test_the_500_page_needs_nothing_and_shows_no_details() -> None:
    """Rendered without a request context, as Django does when something broke."""
    response = defaults.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Server error" in html and 'class="site-header"' in html
    assert "Traceback" not in html


def test_the_400_page_renders_without_a_signed_in_person() -> None:
    response = Client().get("/", HTTP_HOST="evil.example")  # DisallowedHost: a 400

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


# --- Oversized fields -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "field_name"),
    [
        ("objective_create", "title"),
        ("objective_edit", "title"),
        ("key_result_create", "title"),
        ("key_result_edit", "title"),
        ("key_result_create", "unit"),
        ("org_settings", "name"),
        ("org_create", "name"),
        ("team_create", "name"),
        ("cycle_create", "name"),
    ],
)
def test_a_ten_thousand_character_title_or_name_is_refused(
    scene: Scene, name: str, field_name: str
) -> None:
    check_refused(FORMS[name], scene, field_name, "T" * 10_000)


LONG_TEXT_FIELDS = [
    ("objective_create", "description"),
    ("objective_edit", "description"),
    ("team_meeting", "notes"),
    ("team_meeting", "decisions"),
    ("monthly_review", "notes"),
    ("monthly_review", "decisions"),
    *[("objective_retrospective", f"retro_{name}") for name in RETRO_LABELS],
    *[("team_retrospective", name) for name in RETRO_LABELS],
]
SHORT_TEXT_FIELDS = [
    ("my_check_in", "comment"),
    ("my_check_in", "blockers"),
    ("inline_check_in", "comment"),
    ("dependency", "note"),
    ("adjust", "reason"),
    ("score", "score_note"),
]


@pytest.mark.parametrize(("name", "field_name"), LONG_TEXT_FIELDS + SHORT_TEXT_FIELDS)
def test_a_twenty_thousand_character_text_is_refused_with_its_field_named(
    scene: Scene, name: str, field_name: str
) -> None:
    check_refused(FORMS[name], scene, field_name, "Blah " * 4_000)


@pytest.mark.parametrize(("name", "field_name"), LONG_TEXT_FIELDS + SHORT_TEXT_FIELDS)
def test_a_text_at_the_limit_is_accepted(scene: Scene, name: str, field_name: str) -> None:
    """The limits are generous: a text of exactly the limit is saved."""
    limit = LONG_TEXT if (name, field_name) in LONG_TEXT_FIELDS else SHORT_TEXT
    form = FORMS[name]
    before = fingerprint()

    response = form.post(scene, **{field_name: "a" * limit})

    assert response.status_code in (200, 302), response.content.decode()[:2000]
    assert fingerprint() != before


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://chat.example.com/hook",
        "https://" + "h" * 10_000 + ".example.com/",
    ],
)
def test_a_chat_webhook_that_is_not_an_http_address_is_refused(scene: Scene, url: str) -> None:
    """The only address a person types: it is never a link in a page, and only http(s)."""
    check_refused(FORMS["team_create"], scene, "chat_webhook_url", url)


@pytest.mark.parametrize("name", ["objective_create", "key_result_create", "team_meeting"])
def test_a_null_character_is_refused(scene: Scene, name: str) -> None:
    """PostgreSQL cannot store one: the form refuses it rather than the database failing."""
    field_name = "notes" if name == "team_meeting" else "title"
    check_refused(FORMS[name], scene, field_name, "Nul\x00l")


def test_the_forms_tell_the_browser_their_limits(world: World) -> None:
    """A textarea with a maxlength: the browser stops typing at the limit."""
    client = world.client_for(world.bob)
    new = client.get("/o/acme/objectives/new/").content.decode()
    meeting = client.get(f"/o/acme/teams/{world.team.pk}/meeting/").content.decode()
    review = client.get(f"/o/acme/cycles/{world.cycle.pk}/review/").content.decode()

    assert re.search(rf'<textarea name="description"[^>]*maxlength="{LONG_TEXT}"', new)
    assert re.search(rf'<textarea name="notes"[^>]*maxlength="{LONG_TEXT}"', meeting)
    for name in ("retro_worked", "retro_celebrate", "worked", "celebrate"):
        assert re.search(rf'name="{name}"[^>]*maxlength="{LONG_TEXT}"', review), name


# --- Numbers ----------------------------------------------------------------------------


NOT_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e308", "1.123456"]

NUMBER_CASES = [
    *[
        ("key_result_create", name, v)
        for name in ("start", "target", "target_max")
        for v in NOT_NUMBERS
    ],
    *[("key_result_create", "weight", v) for v in [*NOT_NUMBERS, "0", "-1", "-0.5"]],
    *[("key_result_edit", name, v) for name in ("start", "target") for v in NOT_NUMBERS],
    *[("key_result_edit", "weight", v) for v in [*NOT_NUMBERS, "0", "-1"]],
    *[("my_check_in", "value", v) for v in NOT_NUMBERS],
    *[("my_check_in", "confidence", v) for v in [*NOT_NUMBERS, "11", "-1"]],
    *[("inline_check_in", "value", v) for v in NOT_NUMBERS],
    *[("inline_check_in", "confidence", v) for v in [*NOT_NUMBERS, "11", "-1"]],
    *[("score", "score", v) for v in [*NOT_NUMBERS, "1.5", "-0.1"]],
    *[("adjust", "target", v) for v in NOT_NUMBERS],
    *[
        ("org_settings", name, v)
        for name in ("at_risk_gap", "off_track_gap")
        for v in [*NOT_NUMBERS, "-0.1", "1.5"]
    ],
    *[
        ("org_settings", name, v)
        for name in ("at_risk_confidence", "off_track_confidence")
        for v in [*NOT_NUMBERS, "11", "-1"]
    ],
]


@pytest.mark.parametrize(("name", "field_name", "value"), NUMBER_CASES)
def test_an_impossible_number_is_refused_with_its_field_named(
    scene: Scene, name: str, field_name: str, value: str
) -> None:
    check_refused(FORMS[name], scene, field_name, value)


@pytest.mark.parametrize(
    "name",
    [
        "objective_create",
        "objective_edit",
        "key_result_create",
        "key_result_edit",
        "my_check_in",
        "inline_check_in",
        "dependency",
        "team_meeting",
        "monthly_review",
        "adjust",
        "score",
        "objective_retrospective",
        "team_retrospective",
        "org_settings",
        "org_create",
        "team_create",
        "cycle_create",
    ],
)
def test_each_form_accepts_its_valid_data(scene: Scene, name: str) -> None:
    """The control: the refusals above come from the hostile value, not from the rest."""
    assert control_changes(FORMS[name], scene)


@pytest.mark.parametrize("owner", ["99999999999999999999999", "-1", "1e3", "NaN"])
def test_an_impossible_id_is_refused_not_a_500(scene: Scene, owner: str) -> None:
    check_refused(FORMS["key_result_create"], scene, "owner", owner)


# --- Characters no text may hold ----------------------------------------------------------


TITLE_FIELDS = [
    ("objective_create", "title"),
    ("objective_edit", "title"),
    ("key_result_create", "title"),
    ("key_result_edit", "title"),
    ("key_result_create", "unit"),
    ("org_settings", "name"),
    ("org_create", "name"),
    ("team_create", "name"),
    ("cycle_create", "name"),
]
BIDI_AND_CONTROLS = [
    "Gro\u202ew",
    "\u2066Grow\u2069",
    "Gro\u202aw",
    "Bell\x07",
    "Esc\x1b[2J",
    "C1\x85x",
]


@pytest.mark.parametrize(
    ("name", "field_name"), TITLE_FIELDS + LONG_TEXT_FIELDS + SHORT_TEXT_FIELDS
)
def test_a_null_character_is_refused_in_every_text_field(
    scene: Scene, name: str, field_name: str
) -> None:
    check_refused(FORMS[name], scene, field_name, "Nul\x00l")


@pytest.mark.parametrize("value", [*BIDI_AND_CONTROLS, "Two\nlines", "Tab\tbed"])
@pytest.mark.parametrize(("name", "field_name"), TITLE_FIELDS)
def test_a_title_or_name_with_a_control_or_bidi_character_is_refused(
    scene: Scene, name: str, field_name: str, value: str
) -> None:
    check_refused(FORMS[name], scene, field_name, value)


@pytest.mark.parametrize("value", ["Gro\u202ew", "\u2067Grow", "Esc\x1b[2J"])
@pytest.mark.parametrize(("name", "field_name"), LONG_TEXT_FIELDS + SHORT_TEXT_FIELDS)
def test_a_long_text_with_a_bidi_override_or_a_control_character_is_refused(
    scene: Scene, name: str, field_name: str, value: str
) -> None:
    check_refused(FORMS[name], scene, field_name, value)


@pytest.mark.parametrize(("name", "field_name"), LONG_TEXT_FIELDS + SHORT_TEXT_FIELDS)
def test_a_long_text_keeps_its_newlines_and_tabs(scene: Scene, name: str, field_name: str) -> None:
    before = fingerprint()
    response = FORMS[name].post(scene, **{field_name: "First:\r\n\t- one\n\t- two"})
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    assert fingerprint() != before


@pytest.mark.parametrize(
    "url",
    [
        "/o/acme/search/?q=%00",
        "/o/acme/people/suggest/?q=%00",
        "/o/acme/people/suggest/?owner_search=a%00",
        "/o/acme/teams/suggest/?q=%00",
        "/o/acme/objectives/parents/suggest/?q=%00",
    ],
)
def test_a_search_with_a_null_character_finds_nothing_and_fails_not(world: World, url: str) -> None:
    response = world.client_for(world.bob).get(url)
    assert response.status_code == 200
    found = [response.context.get(name) for name in ("objectives", "key_results", "suggestions")]
    assert [rows for rows in found if rows is not None] in ([[], []], [[]])


NUL_QUERY = (
    "q=%00&cycle=%00&team=%00&owner=%00&status=%00&level=%00&kind=%00&template=%00"
    "&parent=%00&objective=%00&field=%00&page=%00&type=%00&actor=%00&since=%00&until=%00"
    "&orphans=%00&state=%00&event=%00&endpoint=%00&owner_search=%00&team_search=%00"
)


@pytest.mark.parametrize(
    "path",
    [
        "/o/acme/",
        "/o/acme/search/",
        "/o/acme/tree/",
        "/o/acme/tree/orphans/",
        "/o/acme/cycles/",
        "/o/acme/check-in/",
        "/o/acme/monthly-review/",
        "/o/acme/objectives/new/",
        "/o/acme/objectives/parents/suggest/",
        "/o/acme/people/suggest/",
        "/o/acme/teams/suggest/",
        "/o/acme/dashboard/",
        "/o/acme/calibration/",
        "/o/acme/audit/",
        "/o/acme/audit.csv",
        "/o/acme/webhooks/deliveries/",
        "/o/acme/notifications/",
    ],
)
def test_a_null_character_in_any_query_parameter_is_no_server_error(
    world: World, path: str
) -> None:
    """PostgreSQL refuses a NUL in any text it is sent: no page may pass one on."""
    response = world.client_for(world.alice).get(f"{path}?{NUL_QUERY}")
    assert response.status_code < 500, (path, response.status_code)
