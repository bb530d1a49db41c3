"""A cycle changes state one way, from the cycles page and the API alike: closing it scores
what is left unscored and closes its objectives, as the review page's button does."""

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cible.api.tokens import create_token
from cible.checkins import scoring
from cible.checkins.services import record_check_in
from cible.okrs.models import Change, Cycle, CycleState, KeyResult, Level, Objective
from cible.okrs.services import create_key_result, create_objective
from cible.orgs.models import Membership, Organization, Role
from conftest import World, make_user


def organisation(slug: str) -> tuple[Organization, Any, Cycle]:
    """The same small organisation under another name: a cycle in review, an objective
    with three key results, one of them already scored by its owner."""
    owner = make_user(f"owner@{slug}.test", "Owner")
    org = Organization.objects.create(name=slug.title(), slug=slug)
    Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        organization=org,
        name="Q",
        kind="custom",
        state=CycleState.REVIEW,
        start=today - timedelta(days=80),
        end=today - timedelta(days=1),
    )
    objective = create_objective(org, owner, cycle=cycle, title="Grow", level=Level.COMPANY)
    for title, value in (("Sign-ups", "60"), ("Revenue", "35"), ("Churn", "90")):
        kr = create_key_result(objective, title=title, start=Decimal(0), target=Decimal(100))
        record_check_in(kr, owner, Decimal(value), confidence=6)
    churn = KeyResult.objects.get(objective=objective, title="Churn")
    scoring.score_key_result(churn, owner, Decimal("0.8"), note="Counted twice")
    return org, owner, cycle


def outcome(org: Organization) -> dict[str, Any]:
    krs = KeyResult.objects.filter(objective__organization=org).order_by("title")
    objectives = Objective.objects.filter(organization=org).order_by("title")
    changes = Change.objects.filter(organization=org).order_by("action").values_list("action")
    return {
        "cycle": list(Cycle.objects.filter(organization=org).values_list("state", flat=True)),
        "key_results": [(kr.title, kr.score, kr.score_note) for kr in krs],
        "objectives": [(o.title, o.score, o.state) for o in objectives],
        "changes": sorted(action for (action,) in changes),
    }


def test_closing_by_the_page_and_by_the_api_gives_the_same_scores_and_states(db: None) -> None:
    web_org, web_owner, web_cycle = organisation("web")
    api_org, api_owner, api_cycle = organisation("api")

    client = Client()
    client.force_login(web_owner)
    page = client.post(
        reverse("cycle_state", args=[web_org.slug, web_cycle.pk]), {"state": "closed"}
    )
    _token, secret = create_token(api_owner, "ci", "write")
    answer = Client().patch(
        f"/api/v1/orgs/{api_org.slug}/cycles/{api_cycle.pk}",
        json.dumps({"state": "closed"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert page.status_code == 302
    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "closed"
    web, api = outcome(web_org), outcome(api_org)
    assert web == api
    assert web["cycle"] == ["closed"]
    assert web["key_results"] == [
        ("Churn", Decimal("0.80"), "Counted twice"),
        ("Revenue", Decimal("0.35"), ""),
        ("Sign-ups", Decimal("0.60"), ""),
    ]
    assert web["objectives"] == [("Grow", Decimal("0.58"), "closed")]


def test_the_step_to_closed_comes_from_review_only(world: World) -> None:
    cycle = world.cycle  # active
    with pytest.raises(Exception, match="one step at a time"):
        scoring.change_cycle_state(cycle, world.alice, CycleState.CLOSED)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE
    assert KeyResult.objects.filter(score__isnull=False).count() == 0


def test_other_steps_only_change_the_state(world: World) -> None:
    scoring.change_cycle_state(world.cycle, world.alice, CycleState.REVIEW)
    world.cycle.refresh_from_db()
    assert world.cycle.state == CycleState.REVIEW
    assert not KeyResult.objects.filter(score__isnull=False).exists()
    assert Objective.objects.get(pk=world.team_objective.pk).state == "active"
