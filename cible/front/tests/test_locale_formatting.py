"""Pages write dates, numbers, plurals and lists by the reader's language: one date format
per language, numbers without trailing zeros and grouped as the language groups them,
units of time singular or plural, names in alphabetical order (Élise before Zoé)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cible.okrs.models import Cycle
from cible.okrs.services import create_key_result
from cible.orgs.models import Membership, Role, Team, TeamMember
from conftest import make_user

NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")


def _get(client: Client, name: str, *args: object, language: str = "en") -> str:
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def revenue(world):  # type: ignore[no-untyped-def]
    return create_key_result(
        world.team_objective,
        owner=world.bob,
        title="Revenue this quarter",
        kind="increase",
        start=Decimal(0),
        target=Decimal(2_000_000),
        current=Decimal(1),
        unit="days",
    )


@pytest.mark.parametrize(
    ("language", "dates"),
    [("en", ("Oct. 1, 2026", "Dec. 31, 2026")), ("fr", ("1 octobre 2026", "31 décembre 2026"))],
)
def test_one_date_format_per_language(world, language: str, dates: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    Cycle.objects.create(
        organization=world.org,
        name="Q4",
        kind="quarter",
        start=date(2026, 10, 1),
        end=date(2026, 12, 31),
    )
    client = world.client_for(world.alice)
    cycles = _get(client, "cycle_list", world.org.slug, language=language)
    assert all(day in cycles for day in dates)
    members = _get(client, "member_list", world.org.slug, language=language)
    tokens = _get(client, "api_tokens", language=language)
    for html in (cycles, members, tokens):
        assert NUMERIC_DATE.search(html) is None, NUMERIC_DATE.search(html)


@pytest.mark.parametrize(
    ("language", "target", "current"),
    [
        ("en", "2,000,000\u00a0days", "1\u00a0day"),
        ("fr", "2\u00a0000\u00a0000\u00a0jours", "1\u00a0jour"),
    ],
)
def test_values_are_grouped_and_units_agree(
    world, revenue, language: str, target: str, current: str
) -> None:  # type: ignore[no-untyped-def]
    html = _get(
        world.client_for(world.alice),
        "key_result_detail",
        world.org.slug,
        revenue.pk,
        language=language,
    )
    assert target in html
    assert current in html
    assert "2000000.0000" not in html and "0.0000" not in html
    assert "1\u00a0days" not in html


def test_edit_forms_show_numbers_as_typed(world, revenue) -> None:  # type: ignore[no-untyped-def]
    html = _get(world.client_for(world.alice), "key_result_edit", world.org.slug, revenue.pk)
    target = re.search(r'<input[^>]*name="target"[^>]*>', html)
    start = re.search(r'<input[^>]*name="start"[^>]*>', html)
    assert target is not None and start is not None
    assert 'value="2000000"' in target.group(0)
    assert 'value="0"' in start.group(0)
    assert ".0000" not in html


def test_settings_show_the_gaps_without_trailing_zeros(world) -> None:  # type: ignore[no-untyped-def]
    html = _get(world.client_for(world.alice), "org_settings", world.org.slug)
    gap = re.search(r'<input[^>]*name="at_risk_gap"[^>]*>', html)
    assert gap is not None
    assert re.search(r'value="0\.\d*[1-9]"', gap.group(0)), gap.group(0)


def test_members_and_teams_are_in_alphabetical_order(world) -> None:  # type: ignore[no-untyped-def]
    for email, name in (("zoe@acme.test", "Zoé Zeller"), ("elise@acme.test", "Élise Aubert")):
        user = make_user(email, name)
        Membership.objects.create(organization=world.org, user=user, role=Role.MEMBER)
        TeamMember.objects.create(team=world.team, user=user)
    Team.objects.create(organization=world.org, name="Zèbre")
    Team.objects.create(organization=world.org, name="Éditions")
    client = world.client_for(world.alice)
    members = _get(client, "member_list", world.org.slug)
    assert members.index("Élise Aubert") < members.index("Vera Petit") < members.index("Zoé Zeller")
    team = _get(client, "team_detail", world.org.slug, world.team.pk)
    assert team.index("Élise Aubert") < team.index("Zoé Zeller")
    teams = _get(client, "team_list", world.org.slug)
    body = teams.split("<main", 1)[1]
    assert body.index("Éditions") < body.index("Product") < body.index("Zèbre")
    people = client.get(reverse("people_suggest", args=[world.org.slug]) + "?user_search=e")
    text = people.content.decode()
    assert text.index("Élise Aubert") < text.index("Zoé Zeller")


@pytest.mark.parametrize(("language", "yes", "no"), [("en", "yes", "no"), ("fr", "oui", "non")])
def test_the_audit_trail_says_yes_and_no_in_words(world, language: str, yes: str, no: str) -> None:  # type: ignore[no-untyped-def]
    from cible.audit.services import record

    membership = Membership.objects.get(organization=world.org, user=world.bob)
    record(
        world.org,
        world.alice,
        membership,
        "updated",
        {"reminders_muted": False},
        {"reminders_muted": True},
    )
    html = _get(world.client_for(world.alice), "audit_log", world.org.slug, language=language)
    assert f"<del>{no}</del> → <ins>{yes}</ins>" in html
    assert "True" not in html and "False" not in html
