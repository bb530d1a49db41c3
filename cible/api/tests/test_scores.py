"""Scores by API, as on the cycle review page: the proposed score, its confirmation, an
override with the reason the web asks for; and personal tokens made by a session or by
`cible token create`."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from cible.api.models import ApiToken
from cible.api.tests.conftest import ApiFor, fields_of
from cible.api.tokens import find_token
from cible.checkins import scoring
from cible.checkins.services import record_check_in
from cible.okrs.models import Change, CycleState, KeyResult, Objective
from conftest import World


def score_url(world: World) -> str:
    return f"/orgs/acme/key-results/{world.kr.pk}/score"


def test_the_proposed_score_follows_the_progress(world: World, api_for: ApiFor) -> None:
    # Decrease from 4 to 1, now at 2: two thirds of the way.
    answer = api_for(world.vera).get(score_url(world))
    assert answer.status_code == 200
    assert answer.json() == {
        "key_result": world.kr.pk,
        "proposed": 0.67,
        "score": None,
        "note": "",
        "objective_score": None,
    }


def test_the_owner_confirms_the_proposed_score(world: World, api_for: ApiFor) -> None:
    answer = api_for(world.bob).post(score_url(world), {})
    assert answer.status_code == 200, answer.content
    assert answer.json()["score"] == 0.67
    assert answer.json()["objective_score"] == 0.67
    kr = KeyResult.objects.get(pk=world.kr.pk)
    assert kr.score == Decimal("0.67")
    assert Objective.objects.get(pk=world.team_objective.pk).score == Decimal("0.67")
    assert Change.objects.filter(key_result=kr, action=Change.Action.SCORED).count() == 1


def test_an_override_needs_its_reason(world: World, api_for: ApiFor) -> None:
    refused = api_for(world.bob).post(score_url(world), {"score": 0.9})
    assert refused.status_code == 422
    assert fields_of(refused) == ["score_note"]
    assert KeyResult.objects.get(pk=world.kr.pk).score is None

    answer = api_for(world.bob).post(score_url(world), {"score": "0.9", "note": "Two launches"})
    assert answer.status_code == 200, answer.content
    kr = KeyResult.objects.get(pk=world.kr.pk)
    assert (kr.score, kr.score_note) == (Decimal("0.90"), "Two launches")
    assert Change.objects.get(key_result=kr, action=Change.Action.SCORED).reason == "Two launches"


@pytest.mark.parametrize("bad", [1.5, -0.1, 0.555, "0,5", "١", True, "NaN", "1e-1"], ids=str)
def test_a_score_out_of_its_bounds_or_type_is_refused(
    world: World, api_for: ApiFor, bad: object
) -> None:
    answer = api_for(world.bob).post(score_url(world), {"score": bad, "note": "x"})
    assert answer.status_code == 422, answer.content
    assert fields_of(answer) == ["score"]
    assert KeyResult.objects.get(pk=world.kr.pk).score is None


def test_a_closed_cycle_takes_no_score(world: World, api_for: ApiFor) -> None:
    record_check_in(world.kr, world.bob, Decimal(1))
    world.cycle.state = CycleState.REVIEW
    world.cycle.save()
    scoring.close_cycle(world.cycle, world.alice)
    owner = api_for(world.bob).post(score_url(world), {"score": 0.2, "note": "Later"})
    assert owner.status_code == 403  # a closed cycle is read-only for all but admins
    admin = api_for(world.alice).post(score_url(world), {"score": 0.2, "note": "Later"})
    assert admin.status_code == 422  # and its scores are final
    assert fields_of(admin) == ["score"]
    assert KeyResult.objects.get(pk=world.kr.pk).score == Decimal(1)


def test_a_member_who_may_not_edit_the_key_result_gets_403(world: World, api_for: ApiFor) -> None:
    company_kr = KeyResult.objects.create(
        objective=world.company_objective, title="Revenue", owner=world.alice, target=10
    )
    answer = api_for(world.bob).post(f"/orgs/acme/key-results/{company_kr.pk}/score", {})
    assert answer.status_code == 403


# Tokens.


def test_a_session_makes_a_personal_token_shown_once(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.vera)
    client.get("/account/tokens/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    answer = client.post(
        "/api/v1/tokens",
        '{"name": "Laptop script", "scope": "read"}',
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert answer.status_code == 201, answer.content
    secret = answer.json()["secret"]
    token = find_token(secret)
    assert token is not None and token.user == world.vera and token.scope == "read"
    assert secret not in ApiToken.objects.get(pk=token.pk).digest


def test_the_session_needs_its_csrf_token_and_a_name(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.vera)
    without_csrf = client.post("/api/v1/tokens", '{"name": "x"}', content_type="application/json")
    assert without_csrf.status_code == 403
    lax = Client()
    lax.force_login(world.vera)
    blank = lax.post("/api/v1/tokens", '{"name": "   "}', content_type="application/json")
    assert blank.status_code == 422
    assert fields_of(blank) == ["name"]
    past = lax.post(
        "/api/v1/tokens",
        '{"name": "x", "expires_at": "2020-01-01T00:00:00Z"}',
        content_type="application/json",
    )
    assert past.status_code == 422
    assert fields_of(past) == ["expires_at"]
    assert not ApiToken.objects.filter(user=world.vera).exists()


def test_a_token_cannot_make_another(world: World, api_for: ApiFor) -> None:
    answer = api_for(world.alice).post("/tokens", {"name": "Copy"})
    assert answer.status_code == 401
    assert ApiToken.objects.filter(user=world.alice).count() == 1


def test_the_command_makes_a_token_for_a_member(world: World) -> None:
    out = StringIO()
    call_command(
        "token", "create", "--user", "BOB@acme.test", "--org", "acme", "--name", "CI",
        "--scope", "write", stdout=out,
    )  # fmt: skip
    secret = out.getvalue().strip()
    token = find_token(secret)
    assert token is not None and token.user == world.bob and token.can_write
    assert token.expires_at is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--user", "nobody@acme.test", "--org", "acme"], "Nobody has"),
        (["--user", "oscar@globex.test", "--org", "acme"], "not a member"),
        (["--user", "bob@acme.test", "--org", "acme", "--expires-on", "2020-01-01"], "after"),
        (["--user", "bob@acme.test", "--org", "acme", "--expires-on", "soon"], "YYYY-MM-DD"),
    ],
)
def test_the_command_refuses_clearly(world: World, arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("token", "create", *arguments, "--name", "CI", stdout=StringIO())
    assert not ApiToken.objects.exists()
