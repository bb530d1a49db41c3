"""The design system: no inline style in any template, the theme switch, the components."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from cible.front.context import THEME_COOKIE
from cible.front.templatetags.ui import initials

ROOT = Path(__file__).resolve().parents[2]  # the cible package
# Any HTML attribute named style, quoted or not. SVG charts draw with presentation
# attributes (x, width, stroke...) and classes, never style, so no exception is needed.
INLINE_STYLE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)


def templates() -> list[Path]:
    return sorted(p for p in ROOT.rglob("templates/**/*.html") if "node_modules" not in p.parts)


def test_there_are_templates_to_check() -> None:
    names = {p.name for p in templates()}
    assert {"base.html", "objective_detail.html", "progress.html"} <= names


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_an_inline_style_attribute(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [line for line in text.splitlines() if INLINE_STYLE.search(line)]
    assert found == [], f"{path.relative_to(ROOT)}: style in a class of cible.css, not inline"


def test_the_inline_style_check_catches_one() -> None:
    assert INLINE_STYLE.search('<p style="color: red">')
    assert INLINE_STYLE.search("<p STYLE = 'color: red'>")
    assert not INLINE_STYLE.search('<p class="lifestyle">')


def test_the_stylesheet_defines_both_themes_and_follows_the_system() -> None:
    css = (ROOT / "front/static/cible/cible.css").read_text(encoding="utf-8")
    assert "color-scheme: light dark" in css
    assert ":root[data-theme=light] { color-scheme: light; }" in css
    assert ":root[data-theme=dark] { color-scheme: dark; }" in css
    assert "@import" not in css and "http" not in css  # nothing from elsewhere


# The theme switch


def test_choosing_dark_keeps_it_in_a_cookie_and_goes_back(client: Client) -> None:
    response = client.post("/theme/", {"theme": "dark", "next": "/o/acme/"})

    assert response.status_code == 302 and response["Location"] == "/o/acme/"
    cookie = response.cookies[THEME_COOKIE]
    assert cookie.value == "dark" and cookie["samesite"] == "Lax" and cookie["max-age"]


def test_choosing_system_forgets_the_choice(client: Client) -> None:
    client.cookies[THEME_COOKIE] = "dark"
    response = client.post("/theme/", {"theme": "system", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[THEME_COOKIE].value == ""  # deleted


def test_an_unknown_theme_is_refused_with_the_field_named(client: Client) -> None:
    response = client.post("/theme/", {"theme": "purple", "next": "/"})

    assert response.status_code == 422
    assert "theme" in response.content.decode()
    assert THEME_COOKIE not in response.cookies


def test_theme_switch_does_not_send_people_to_another_site(client: Client) -> None:
    response = client.post("/theme/", {"theme": "light", "next": "https://evil.example/"})

    assert response.status_code == 302 and response["Location"] == "/"


def test_theme_switch_takes_posts_only(client: Client) -> None:
    assert client.get("/theme/?theme=dark").status_code == 405


def test_theme_switch_needs_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/theme/", {"theme": "dark"}).status_code == 403


def test_pages_are_drawn_in_the_chosen_theme_from_the_first_byte(world, client: Client) -> None:
    client.force_login(world.bob)
    assert '<html lang="en">' in client.get("/o/acme/").content.decode()

    client.cookies[THEME_COOKIE] = "dark"
    html = client.get("/o/acme/").content.decode()
    assert '<html lang="en" data-theme="dark">' in html

    client.cookies[THEME_COOKIE] = "<script>"
    html = client.get("/o/acme/").content.decode()
    assert "data-theme" not in html.split("<head>")[0]


def test_sign_in_page_has_the_theme_and_languages_without_a_change_button(
    db, client: Client
) -> None:
    client.cookies[THEME_COOKIE] = "light"
    html = client.get("/accounts/login/").content.decode()

    assert 'data-theme="light"' in html
    assert 'name="language" value="fr"' in html and ">Change<" not in html


# The header


def test_header_holds_sections_search_and_person_menu(world, client: Client) -> None:
    client.force_login(world.bob)
    html = client.get("/o/acme/check-in/").content.decode()
    header = html.split('<header class="site-header">')[1].split("</header>")[0]

    assert 'aria-label="Main"' in header and 'role="search"' in header
    assert '<details class="menu person-menu">' in header
    for text in ("API tokens", "New organisation", "Sign out", "Theme", "Language"):
        assert text in header, text
    assert 'href="/o/acme/check-in/" aria-current="page"' in header
    assert 'aria-controls="nav-panel"' in header


# Components


def render(source: str, **context: object) -> str:
    return Template("{% load i18n %}" + source).render(Context(context))


def test_status_pill_says_the_status_in_words() -> None:
    html = render('{% include "components/status_pill.html" with status="at_risk" %}')
    assert html == '<span class="status status-at_risk">At risk</span>\n'


def test_progress_bar_draws_the_pace_marker_at_the_expected_progress() -> None:
    from decimal import Decimal

    html = render(
        '{% include "components/progress.html" with progress=p status="on_track" expected=e %}',
        p=Decimal("0.4"),
        e=Decimal("0.55"),
    )
    assert 'value="40"' in html and 'x1="55" x2="55"' in html
    assert "expected 55\u00a0%" in html  # said to screen readers too


def test_progress_bar_without_expected_progress_has_no_marker() -> None:
    from decimal import Decimal

    html = render(
        '{% include "components/progress.html" with progress=p status="off_track" %}',
        p=Decimal("0.1"),
    )
    assert "bar-pace" not in html and "Off track" in html


def test_tabs_mark_the_current_page() -> None:
    request = RequestFactory().get("/o/acme/dashboard/rhythm/")
    html = render_to_string(
        "components/tabs.html",
        {
            "label": "Dashboard",
            "tabs": [("/o/acme/dashboard/", "Progress"), ("/o/acme/dashboard/rhythm/", "Rhythm")],
        },
        request=request,
    )
    assert '<a href="/o/acme/dashboard/">Progress</a>' in html
    assert '<a href="/o/acme/dashboard/rhythm/" aria-current="page">Rhythm</a>' in html


def test_empty_state_offers_its_action() -> None:
    html = render(
        '{% include "components/empty_state.html" with title="No cycle yet." '
        'action_url="/c/" action_text="Create one" %}'
    )
    assert "No cycle yet." in html and '<a class="button primary" href="/c/">Create one</a>' in html


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Alice Martin", "AM"), ("jean-paul sartre", "JS"), ("Zoë", "ZO"), ("", "?"), ("  ", "?")],
)
def test_avatar_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_a_viewer_may_choose_a_theme_it_changes_only_their_browser(world, client: Client) -> None:
    # The theme is a browser preference like the language, not a write to the
    # organisation: read-only people and outsiders choose theirs too.
    for person in (world.vera, world.oscar):
        client.force_login(person)
        response = client.post("/theme/", {"theme": "dark", "next": "/o/acme/"})
        assert response.status_code == 302
        assert response.cookies[THEME_COOKIE].value == "dark"


def test_dialog_is_a_native_dialog_opened_by_a_command_button() -> None:
    html = render_to_string(
        "components/dialog.html",
        {"dialog_id": "new-kr", "title": "New key result", "body": "components/empty_state.html"},
    )
    assert '<dialog class="modal" id="new-kr" aria-labelledby="new-kr-title">' in html
    assert '<h2 id="new-kr-title">New key result</h2>' in html
    assert 'commandfor="new-kr" command="close"' in html


def test_toasts_say_an_error_in_words(rf: RequestFactory) -> None:
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message

    html = render_to_string(
        "components/toasts.html",
        {
            "messages": [
                Message(constants.ERROR, "Nothing saved."),
                Message(constants.SUCCESS, "Ok"),
            ]
        },
    )
    assert 'class="message message-error"' in html and "Error:" in html
    assert "Nothing saved." in html and html.count("message-kind") == 1


CONTAINERS = ("div", "section", "table", "nav", "ul", "ol", "details", "form", "span", "dialog")


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_closes_every_container_it_opens(path: Path) -> None:
    text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"))
    for tag in CONTAINERS:
        opened = len(re.findall(rf"<{tag}\b", text))
        closed = len(re.findall(rf"</{tag}>", text))
        assert opened == closed, f"{tag}: {opened} opened, {closed} closed"
