"""The person menu (and the organisation switcher, for people in several) links to the form
that creates another organisation, in both languages, and the link leads to that form."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from cible.orgs.models import Membership, Role

TEXTS = {"en": ("New organisation",), "fr": ("Nouvelle organisation",)}


def _menu(html: str, css_class: str) -> str:
    start = html.index(f'<details class="menu {css_class}">')
    return html[start : html.index("</details>", start)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_person_menu_links_to_a_new_organisation(world, language: str) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.bob)
    html = client.get(reverse("org_home", args=[world.org.slug])).content.decode()
    menu = _menu(html, "person-menu")
    link = re.search(r'<a href="([^"]+)">([^<]+)</a>', menu.split("API")[1])
    assert link is not None
    href, text = link.groups()
    assert href == reverse("org_create")
    assert text == TEXTS[language][0]
    form = client.get(href)
    assert form.status_code == 200
    assert 'name="name"' in form.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_organisation_switcher_links_to_a_new_organisation(world, language: str) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.create(organization=world.other_org, user=world.bob, role=Role.MEMBER)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.bob)
    html = client.get(reverse("org_home", args=[world.org.slug])).content.decode()
    menu = _menu(html, "org-menu")
    expected = f'<a class="menu-item" href="{reverse("org_create")}">{TEXTS[language][0]}</a>'
    assert expected in menu


def test_someone_without_an_organisation_is_offered_one_too(db: None) -> None:
    from conftest import make_user

    client = Client()
    client.force_login(make_user("solo@example.test", "Solo"))
    html = client.get(reverse("org_create")).content.decode()
    assert f'<a href="{reverse("org_create")}">New organisation</a>' in _menu(html, "person-menu")
