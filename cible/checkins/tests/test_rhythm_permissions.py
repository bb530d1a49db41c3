"""Every route of the OKR rhythm that writes: the outsider gets 404, the viewer gets 403,
a plain member gets 403 where the rule says so, and nothing changes in the database."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from cible.checkins.models import CheckIn, Review
from cible.okrs.models import Change, Cycle, CycleState, KeyResult, Objective
from cible.okrs.services import create_key_result
from cible.orgs.models import Membership, Role, Team
from conftest import make_user

pytestmark = pytest.mark.django_db


def fingerprint() -> dict[str, list[dict[str, Any]]]:
    """Every row the rhythm may write: check-ins, reviews, changes, objectives (retro,
    score, state, copies), key results (target, score, cancelling) and cycles."""
    return {
        model.__name__: [dict(row) for row in model.objects.order_by("pk").values()]
        for model in (CheckIn, Review, Change, Objective, KeyResult, Cycle)
    }


@dataclass
class Scene:
    world: Any
    later: Cycle
    mia: Any


@pytest.fixture
def scene(world) -> Scene:  # type: ignore[no-untyped-def]
    later = Cycle.objects.create(
        organization=world.org,
        name="Next",
        kind="custom",
        state=CycleState.PLANNING,
        start=world.cycle.end + timedelta(days=1),
        end=world.cycle.end + timedelta(days=91),
    )
    mia = make_user("mia@acme.test", "Mia Elsewhere")
    Membership.objects.create(organization=world.org, user=mia, role=Role.MEMBER)
    return Scene(world, later, mia)


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: Callable[[Scene], str]
    data: Callable[[Scene], dict[str, Any]]
    allowed: str  # someone whose identical request does change the database

    def __str__(self) -> str:
        return self.name


def _kr(s: Scene) -> int:
    return s.world.kr.pk


ENDPOINTS = [
    Endpoint(
        "my_check_in",
        lambda s: "/o/acme/check-in/",
        lambda s: {f"kr-{_kr(s)}-value": "1.5", f"kr-{_kr(s)}-confidence": "7"},
        "bob",
    ),
    Endpoint(
        "team_meeting",
        lambda s: f"/o/acme/teams/{s.world.team.pk}/meeting/",
        lambda s: {"notes": "Hijacked", "duration_seconds": "60"},
        "bob",
    ),
    Endpoint(
        "key_result_check_in",
        lambda s: f"/o/acme/key-results/{_kr(s)}/check-in/",
        lambda s: {f"kr-{_kr(s)}-value": "1.5"},
        "bob",
    ),
    Endpoint(
        "team_monthly_review",
        lambda s: f"/o/acme/teams/{s.world.team.pk}/monthly-review/",
        lambda s: {"notes": "Hijacked", "decisions": "None"},
        "bob",
    ),
    Endpoint(
        "monthly_review",
        lambda s: "/o/acme/monthly-review/",
        lambda s: {"notes": "Hijacked", "decisions": "None"},
        "alice",
    ),
    Endpoint(
        "key_result_adjust",
        lambda s: f"/o/acme/key-results/{_kr(s)}/adjust/",
        lambda s: {"target": "0.5", "reason": "Hijacked"},
        "bob",
    ),
    Endpoint(
        "key_result_score",
        lambda s: f"/o/acme/key-results/{_kr(s)}/score/",
        lambda s: {"score": "0.67"},
        "bob",
    ),
    Endpoint(
        "objective_retrospective",
        lambda s: f"/o/acme/objectives/{s.world.team_objective.pk}/retrospective/",
        lambda s: {
            "retro_worked": "Hijacked",
            "retro_did_not_work": "Hijacked",
            "retro_learned": "Hijacked",
            "retro_celebrate": "Hijacked",
        },
        "bob",
    ),
    Endpoint(
        "team_retrospective",
        lambda s: f"/o/acme/teams/{s.world.team.pk}/retrospective/{s.world.cycle.pk}/",
        lambda s: {"worked": "Hijacked", "learned": "Hijacked"},
        "bob",
    ),
    Endpoint(
        "objective_carry_over",
        lambda s: f"/o/acme/objectives/{s.world.team_objective.pk}/carry-over/",
        lambda s: {"cycle": s.later.pk},
        "bob",
    ),
    Endpoint(
        "cycle_close",
        lambda s: f"/o/acme/cycles/{s.world.cycle.pk}/close/",
        lambda s: {},
        "adam",
    ),
]

# What a member of Acme who owns no KR, leads no team and belongs to none may not do.
# (Their own check-in page accepts them: it simply lists nothing.)
NOT_FOR_A_PLAIN_MEMBER = [e for e in ENDPOINTS if e.name != "my_check_in"]


def post(scene: Scene, user: Any, endpoint: Endpoint, **extra: Any) -> Any:
    client = scene.world.client_for(user)
    return client.post(endpoint.url(scene), endpoint.data(scene), **extra)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_the_same_request_by_someone_allowed_does_change_the_database(
    scene: Scene, endpoint: Endpoint
) -> None:
    """The control: the payloads below are real changes, refused only for who sends them."""
    before = fingerprint()

    response = post(scene, getattr(scene.world, endpoint.allowed), endpoint)

    assert response.status_code == 302
    assert fingerprint() != before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_the_outsider_gets_404_and_nothing_changes(scene: Scene, endpoint: Endpoint) -> None:
    before = fingerprint()

    response = post(scene, scene.world.oscar, endpoint)

    assert response.status_code == 404
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_the_outsider_gets_404_through_htmx_too(scene: Scene, endpoint: Endpoint) -> None:
    before = fingerprint()

    response = post(scene, scene.world.oscar, endpoint, HTTP_HX_REQUEST="true")

    assert response.status_code == 404
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_the_viewer_gets_403_and_nothing_changes(scene: Scene, endpoint: Endpoint) -> None:
    before = fingerprint()

    response = post(scene, scene.world.vera, endpoint)

    assert response.status_code == 403
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_anonymous_visitor_changes_nothing(scene: Scene, endpoint: Endpoint) -> None:
    before = fingerprint()

    response = post(scene, None, endpoint)

    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "/accounts/login/" in response.url
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", NOT_FOR_A_PLAIN_MEMBER, ids=str)
def test_a_plain_member_who_neither_owns_nor_leads_gets_403_and_nothing_changes(
    scene: Scene, endpoint: Endpoint
) -> None:
    before = fingerprint()

    response = post(scene, scene.mia, endpoint)

    assert response.status_code == 403
    assert fingerprint() == before


def test_a_plain_members_own_check_in_page_records_nothing_of_someone_elses(
    scene: Scene,
) -> None:
    before = fingerprint()

    response = post(scene, scene.mia, ENDPOINTS[0])

    assert response.status_code == 302
    assert fingerprint() == before


@pytest.mark.parametrize("name", ["key_result_adjust", "key_result_score", "key_result_check_in"])
def test_a_lead_may_not_act_on_someone_elses_key_result_outside_their_team(
    scene: Scene, name: str
) -> None:
    """Bob leads Product; Alice's company KR is out of his reach."""
    world = scene.world
    foreign_kr = create_key_result(
        world.company_objective,
        owner=world.alice,
        title="Keep churn low",
        kind="increase",
        start=Decimal(0),
        target=Decimal(10),
        current=Decimal(5),
    )
    endpoint = next(e for e in ENDPOINTS if e.name == name)
    url = endpoint.url(scene).replace(f"/{world.kr.pk}/", f"/{foreign_kr.pk}/")
    data = {
        key.replace(f"kr-{world.kr.pk}-", f"kr-{foreign_kr.pk}-"): value
        for key, value in endpoint.data(scene).items()
    }
    if name == "key_result_score":
        data = {"score": "0.5"}
    before = fingerprint()

    response = world.client_for(world.bob).post(url, data)

    assert response.status_code == 403
    assert fingerprint() == before


def test_a_lead_who_is_not_an_admin_may_not_close_the_cycle(scene: Scene) -> None:
    before = fingerprint()

    response = post(scene, scene.world.bob, next(e for e in ENDPOINTS if e.name == "cycle_close"))

    assert response.status_code == 403
    assert fingerprint() == before


@pytest.mark.parametrize("path", ["meeting", "monthly-review"])
def test_a_team_of_another_organisation_is_404(scene: Scene, path: str) -> None:
    globex_team = Team.objects.create(organization=scene.world.other_org, name="Globex team")
    before = fingerprint()

    response = scene.world.client_for(scene.world.alice).post(
        f"/o/acme/teams/{globex_team.pk}/{path}/", {"notes": "Hijacked"}
    )

    assert response.status_code == 404
    assert fingerprint() == before


@pytest.mark.parametrize("name", ["key_result_adjust", "key_result_score", "key_result_check_in"])
def test_a_key_result_of_another_organisation_is_404_even_for_an_owner(
    scene: Scene, name: str
) -> None:
    world = scene.world
    globex_kr = create_key_result(
        world.foreign_objective,
        title="Globex KR",
        kind="increase",
        start=Decimal(0),
        target=Decimal(5),
    )
    urls = {
        "key_result_adjust": (f"/o/acme/key-results/{globex_kr.pk}/adjust/", {"target": "4"}),
        "key_result_score": (f"/o/acme/key-results/{globex_kr.pk}/score/", {"score": "0"}),
        "key_result_check_in": (
            f"/o/acme/key-results/{globex_kr.pk}/check-in/",
            {f"kr-{globex_kr.pk}-value": "3"},
        ),
    }
    url, data = urls[name]
    before = fingerprint()

    response = world.client_for(world.alice).post(url, {**data, "reason": "Hijacked"})

    assert response.status_code == 404
    assert fingerprint() == before


@pytest.mark.parametrize("name", ["objective_retrospective", "objective_carry_over"])
def test_an_objective_of_another_organisation_is_404_even_for_an_owner(
    scene: Scene, name: str
) -> None:
    world = scene.world
    action = "retrospective" if name == "objective_retrospective" else "carry-over"
    before = fingerprint()

    response = world.client_for(world.alice).post(
        f"/o/acme/objectives/{world.foreign_objective.pk}/{action}/",
        {"retro_worked": "Hijacked", "cycle": scene.later.pk},
    )

    assert response.status_code == 404
    assert fingerprint() == before


def test_a_cycle_of_another_organisation_is_404_even_for_an_owner(scene: Scene) -> None:
    world = scene.world
    before = fingerprint()

    response = world.client_for(world.alice).post(
        f"/o/acme/cycles/{world.foreign_objective.cycle_id}/close/"
    )

    assert response.status_code == 404
    assert fingerprint() == before
