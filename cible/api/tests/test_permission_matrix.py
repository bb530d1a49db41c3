"""The API's permissions matrix: every operation of the generated OpenAPI schema, for every
kind of caller. An operation without a row in ROWS fails `test_every_operation_has_a_row`.

- anonymous: no credentials at all                      -> 401 everywhere
- outsider: oscar, owner of Globex, with a write token  -> 404 on anything of Acme
- viewer: vera, with a write token (the role decides)   -> 403 on every write, reads allowed
- foreign ids: Acme's admin naming Globex's objects     -> 404
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cible.api.main import api
from cible.api.tests.conftest import Api, ApiFor
from cible.checkins.models import Review
from cible.checkins.services import record_check_in
from cible.collab.services import create_comment
from cible.kpis.services import create_kpi
from cible.okrs.models import Cycle, KeyResult, Level
from cible.okrs.services import (
    create_dependency,
    create_initiative,
    create_key_result,
    create_objective,
    submit_for_approval,
)
from cible.orgs.models import Membership, Team
from conftest import World

WRITES = {"POST", "PATCH", "PUT", "DELETE"}


def operations() -> list[tuple[str, str, str]]:
    """(operation id, method, path template) of every operation the schema documents."""
    schema = api.get_openapi_schema()
    return sorted(
        (operation["operationId"], method.upper(), path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    )


@dataclass
class Side:
    """One organisation's objects, as the path's {id} takes them."""

    slug: str
    objects: dict[str, Any]


Body = Callable[[World, dict[str, Any]], Any]


@dataclass(frozen=True)
class Row:
    id: str | None = None  # which object the path's {id} names
    body: Body | None = None
    # One's own, made from the app's session only: every signed-in person may, whatever
    # their roles, and a token never (401).
    personal: bool = False


def body(**data: Any) -> Body:
    return lambda world, acme: data


ROWS: dict[str, Row] = {
    "list_organizations": Row(),
    "get_organization": Row(),
    "list_members": Row(),
    "update_member": Row("membership", body(role="member")),
    "list_teams": Row(),
    "get_team": Row("team"),
    "create_team": Row(body=body(name="Design")),
    "update_team": Row("team", body(name="Product and design")),
    "list_cycles": Row(),
    "get_cycle": Row("cycle"),
    "create_cycle": Row(
        body=body(name="Later", kind="custom", start="2031-01-01", end="2031-06-30")
    ),
    "update_cycle": Row("cycle", body(state="review")),
    "list_objectives": Row(),
    "get_objective": Row("objective"),
    "get_objective_forecast": Row("objective"),
    "get_target_suggestion": Row(),
    "create_objective": Row(
        body=body(
            title="Learn the domain",
            level="person",
            key_results=[{"title": "Read the design docs", "target": 5, "current": 1}],
        )
    ),
    "update_objective": Row("objective", body(title="Answer much faster")),
    "archive_objective": Row("objective"),
    "submit_objective": Row("draft"),
    "decide_objective": Row("pending", body(approved=True)),
    "unarchive_objective": Row("objective"),
    "list_key_results": Row(),
    "get_key_result": Row("kr"),
    "create_key_result": Row(
        body=lambda world, acme: {
            "objective": acme["objective"].pk,
            "title": "Ship the app",
            "start": 0,
            "target": 10,
        }
    ),
    "update_key_result": Row("kr", body(title="Cut the first response time")),
    "archive_key_result": Row("kr"),
    "unarchive_key_result": Row("kr"),
    "list_dependencies": Row(),
    "create_dependency": Row(
        body=lambda world, acme: {
            "from_objective": acme["objective"].pk,
            "to_objective": acme["platform_objective"].pk,
            "note": "Needs the API",
        }
    ),
    "delete_dependency": Row("dependency"),
    "list_initiatives": Row(),
    "get_initiative": Row("initiative"),
    "create_initiative": Row(
        body=lambda world, acme: {
            "objective": acme["objective"].pk,
            "key_result": acme["kr"].pk,
            "title": "Hire a second agent",
        }
    ),
    "update_initiative": Row("initiative", body(state="done")),
    # KPIs: every member reads them; a team's are changed by its members, lead and admins.
    "list_kpis": Row(),
    "get_kpi": Row("kpi"),
    "create_kpi": Row(
        body=lambda world, acme: {
            "name": "Churn",
            "team": acme["team"].pk,
            "direction": "lower",
            "healthy_high": 2,
            "critical_high": 3,
        }
    ),
    "update_kpi": Row("kpi", body(name="Uptime of the API")),
    "archive_kpi": Row("kpi"),
    "list_kpi_values": Row("kpi"),
    "record_kpi_value": Row("kpi", body(value=99.7)),
    # Bob asked for Product; adam leads Platform, the team asked; the owner is on both sides.
    "set_dependency_state": Row("dependency", body(state="accepted", comment="Yes")),
    "list_check_ins": Row(),
    "create_check_in": Row("kr", body(value=3, confidence=7)),
    "bulk_check_in": Row(
        body=lambda world, acme: {"check_ins": [{"key_result": acme["kr"].pk, "value": 3}]}
    ),
    "list_reviews": Row(),
    "get_review": Row("review"),
    "create_review": Row(body=lambda world, acme: {"kind": "monthly", "team": acme["team"].pk}),
    "plan_okr_file": Row(body=body(content="organization: {name: Acme}\n")),
    "apply_okr_file": Row(body=body(content="organization: {name: Acme}\n")),
    "get_score": Row("kr"),
    "set_score": Row("kr", body(score=0.5, note="Half way")),
    "create_personal_token": Row(body=body(name="CI", scope="read"), personal=True),
    # Comments (alice's on Acme's objective: only their author edits or deletes one) and
    # reactions, and the caller's own inbox.
    "list_comments": Row(),
    "create_comment": Row(
        body=lambda world, acme: {"objective": acme["objective"].pk, "body": "Hello @bob"}
    ),
    "update_comment": Row("comment", body(body="Edited")),
    "delete_comment": Row("comment"),
    "add_reaction": Row(
        body=lambda world, acme: {"check_in": acme["check_in"].pk, "emoji": "thumbs_up"}
    ),
    "remove_reaction": Row(
        body=lambda world, acme: {"check_in": acme["check_in"].pk, "emoji": "thumbs_up"}
    ),
    "list_inbox": Row(),
    "mark_inbox_read": Row(body=body()),
}


def _drafts(org: Any, owner: Any, cycle: Any, actor: Any) -> dict[str, Any]:
    """A draft, and one waiting for approval: the organisation asks for it."""
    org.approval_required = True
    org.save()
    drafts = {
        name: create_objective(
            org, owner, cycle=cycle, title=f"{org.name} {name}", level=Level.PERSON, state="draft"
        )
        for name in ("draft", "pending")
    }
    submit_for_approval(drafts["pending"], actor)
    return drafts


def _kpi(org: Any, author: Any, team: Team, name: str) -> Any:
    return create_kpi(
        org,
        author,
        name=name,
        team=team,
        direction="higher",
        healthy_low=Decimal("99.5"),
        critical_low=Decimal(99),
    )


def build_acme(world: World) -> dict[str, Any]:
    platform = Team.objects.create(organization=world.org, name="Platform", lead=world.adam)
    platform_objective = create_objective(
        world.org,
        world.adam,
        cycle=world.cycle,
        title="Open an API",
        level=Level.TEAM,
        team=platform,
    )
    dependency = create_dependency(
        world.adam,
        organization=world.org,
        from_objective=world.team_objective,
        to_objective=platform_objective,
    )
    review = Review.objects.create(
        organization=world.org, cycle=world.cycle, team=world.team, kind="weekly"
    )
    check_in = record_check_in(world.kr, world.bob, Decimal(3))
    return {
        "check_in": check_in,
        "comment": create_comment(world.team_objective, world.alice, "A comment of alice's"),
        "membership": Membership.objects.get(organization=world.org, user=world.bob),
        "team": world.team,
        "cycle": world.cycle,
        "objective": world.team_objective,
        "kr": world.kr,
        "dependency": dependency,
        "review": review,
        "platform_objective": platform_objective,
        "initiative": create_initiative(
            world.team_objective, world.bob, key_result=world.kr, title="Write the FAQ"
        ),
        "kpi": _kpi(world.org, world.alice, world.team, "Uptime"),
        **_drafts(world.org, world.adam, world.cycle, world.adam),
    }


def build_globex(world: World) -> dict[str, Any]:
    org, oscar = world.other_org, world.oscar
    team = Team.objects.create(organization=org, name="Ops", lead=oscar)
    cycle = world.foreign_objective.cycle
    objective = create_objective(
        org, oscar, cycle=cycle, title="Globex ops secret", level=Level.TEAM, team=team
    )
    other_team = Team.objects.create(organization=org, name="Sales", lead=oscar)
    other = create_objective(
        org, oscar, cycle=cycle, title="Globex sales", level=Level.TEAM, team=other_team
    )
    kr = create_key_result(objective, title="Globex KR", start=Decimal(0), target=Decimal(5))
    return {
        "check_in": record_check_in(kr, oscar, Decimal(1)),
        "comment": create_comment(objective, oscar, "A comment of oscar's"),
        "membership": Membership.objects.get(organization=org, user=oscar),
        "team": team,
        "cycle": cycle,
        "objective": objective,
        "kr": kr,
        "dependency": create_dependency(
            oscar, organization=org, from_objective=objective, to_objective=other
        ),
        "review": Review.objects.create(organization=org, cycle=cycle, team=team, kind="weekly"),
        "initiative": create_initiative(objective, oscar, key_result=kr, title="Globex plan"),
        "kpi": _kpi(org, oscar, team, "Globex uptime"),
        **_drafts(org, oscar, cycle, oscar),
    }


def url(path: str, slug: str, row: Row, objects: dict[str, Any]) -> str:
    result = path.replace("{slug}", slug)
    if row.id is not None:
        result = result.replace("{id}", str(objects[row.id].pk))
    assert "{" not in result, f"{path}: a path parameter without a value"
    return result


def call(client: Api, method: str, path: str, payload: Any) -> Any:
    return client.call(method, path, payload if method in WRITES else None)


CASES = operations()
IDS = [case[0] for case in CASES]


def row_problems(cases: list[tuple[str, str, str]], rows: dict[str, Row]) -> list[str]:
    documented = {operation_id for operation_id, _method, _path in cases}
    problems = []
    if len(documented) != len(cases):
        problems.append("two operations share an id")
    if missing := sorted(documented - rows.keys()):
        problems.append(f"operations without a row in the API permission matrix: {missing}")
    if stale := sorted(rows.keys() - documented):
        problems.append(f"rows naming operations that no longer exist: {stale}")
    return problems


def test_every_operation_has_a_row() -> None:
    problems = row_problems(CASES, ROWS)
    assert not problems, "\n".join(problems)


def test_an_operation_without_a_row_is_caught() -> None:
    fewer = {name: row for name, row in ROWS.items() if name != "create_check_in"}
    twice = [*CASES, ("list_teams", "GET", "/api/v1/orgs/{slug}/teams-again")]

    assert row_problems(CASES, ROWS) == []
    assert row_problems(CASES, fewer) == [
        "operations without a row in the API permission matrix: ['create_check_in']"
    ]
    assert row_problems(twice, ROWS) == ["two operations share an id"]
    assert row_problems(CASES, {**ROWS, "gone": Row()}) == [
        "rows naming operations that no longer exist: ['gone']"
    ]


# The API's URLs that are not operations: the schema, its page and the API's root.
NOT_OPERATIONS = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def test_every_url_of_the_api_is_a_documented_operation() -> None:
    """An operation left out of the schema (include_in_schema=False) would escape the
    matrix: every URL under /api/v1/ is one the schema documents."""
    from cible.tests.test_url_matrix import SKIPPED

    assert "api" in SKIPPED  # the site's matrix leaves the API to this one
    served = {name for route, name in _api_urls() if name not in NOT_OPERATIONS}
    documented = {f"api:{operation_id}" for operation_id, _method, _path in CASES}
    assert served == documented


def _api_urls() -> list[tuple[str, str]]:
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns: Any, prefix: str, inside: bool) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                here = inside or pattern.namespace == "api"
                walk(pattern.url_patterns, prefix + str(pattern.pattern), here)
            elif inside and isinstance(pattern, URLPattern):
                found.append((prefix + str(pattern.pattern), f"api:{pattern.name}"))

    walk(get_resolver().url_patterns, "", False)
    return found


@pytest.fixture
def acme(world: World) -> dict[str, Any]:
    return build_acme(world)


@pytest.mark.parametrize(("operation_id", "method", "path"), CASES, ids=IDS)
def test_anonymous_gets_401(
    world: World, acme: dict[str, Any], api_for: ApiFor, operation_id: str, method: str, path: str
) -> None:
    row = ROWS[operation_id]
    payload = row.body(world, acme) if row.body else None
    response = call(api_for(None), method, url(path, "acme", row, acme), payload)
    assert response.status_code == 401, response.content
    assert response.json()["errors"][0]["field"] is None


@pytest.mark.parametrize(("operation_id", "method", "path"), CASES, ids=IDS)
def test_outsider_gets_404(
    world: World, acme: dict[str, Any], api_for: ApiFor, operation_id: str, method: str, path: str
) -> None:
    row = ROWS[operation_id]
    payload = row.body(world, acme) if row.body else None
    response = call(api_for(world.oscar), method, url(path, "acme", row, acme), payload)
    if row.personal:
        assert response.status_code == 401, response.content
    elif "{slug}" not in path:
        # The caller's own organisations: Globex only.
        assert response.status_code == 200
        assert [org["slug"] for org in response.json()] == ["globex"]
    else:
        assert response.status_code == 404, response.content
    assert b"acme" not in response.content.lower() or "{slug}" not in path


@pytest.mark.parametrize(("operation_id", "method", "path"), CASES, ids=IDS)
def test_viewer_reads_but_never_writes(
    world: World, acme: dict[str, Any], api_for: ApiFor, operation_id: str, method: str, path: str
) -> None:
    row = ROWS[operation_id]
    payload = row.body(world, acme) if row.body else None
    response = call(api_for(world.vera), method, url(path, "acme", row, acme), payload)
    expected = 401 if row.personal else 403 if method in WRITES else 200
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(("operation_id", "method", "path"), CASES, ids=IDS)
def test_read_only_token_never_writes(
    world: World, acme: dict[str, Any], api_for: ApiFor, operation_id: str, method: str, path: str
) -> None:
    row = ROWS[operation_id]
    payload = row.body(world, acme) if row.body else None
    response = call(api_for(world.alice, "read"), method, url(path, "acme", row, acme), payload)
    expected = 401 if row.personal else 403 if method in WRITES else 200
    assert response.status_code == expected, response.content


WITH_ID = [case for case in CASES if ROWS[case[0]].id is not None]


@pytest.mark.parametrize(
    ("operation_id", "method", "path"), WITH_ID, ids=[case[0] for case in WITH_ID]
)
def test_foreign_ids_are_404(
    world: World, acme: dict[str, Any], api_for: ApiFor, operation_id: str, method: str, path: str
) -> None:
    """Acme's owner naming Globex's objects under Acme's slug."""
    globex = build_globex(world)
    row = ROWS[operation_id]
    payload = row.body(world, acme) if row.body else None
    response = call(api_for(world.alice), method, url(path, "acme", row, globex), payload)
    assert response.status_code == 404, response.content
    assert b"Globex" not in response.content


@pytest.mark.parametrize(("operation_id", "method", "path"), CASES, ids=IDS)
def test_owner_may_do_everything(
    world: World, acme: dict[str, Any], api_for: ApiFor, operation_id: str, method: str, path: str
) -> None:
    """The same requests succeed for Acme's owner: the denials above are the roles' doing,
    not a broken request."""
    row = ROWS[operation_id]
    payload = row.body(world, acme) if row.body else None
    caller = session_of(world.alice) if row.personal else api_for(world.alice)
    response = call(caller, method, url(path, "acme", row, acme), payload)
    assert response.status_code in {200, 201, 204}, response.content


def session_of(user: Any) -> Api:
    client = Client()
    client.force_login(user)
    return Api(client=client)


PERSONAL = [case for case in CASES if ROWS[case[0]].personal]


@pytest.mark.parametrize(("operation_id", "method", "path"), PERSONAL, ids=[c[0] for c in PERSONAL])
def test_personal_operations_serve_every_signed_in_person(
    world: World, acme: dict[str, Any], operation_id: str, method: str, path: str
) -> None:
    """Through their session, a viewer and a stranger to Acme make their own, as the owner."""
    row = ROWS[operation_id]
    payload = row.body(world, acme) if row.body else None
    for person in (world.vera, world.oscar):
        response = call(session_of(person), method, url(path, "acme", row, acme), payload)
        assert response.status_code in {200, 201}, response.content


# Private objectives: invisible to whoever may not see them, in every read.


@pytest.fixture
def private(world: World) -> dict[str, Any]:
    objective = create_objective(
        world.org,
        world.adam,
        cycle=world.cycle,
        title="Secret plan",
        level=Level.PERSON,
        visibility="private",
    )
    kr = create_key_result(objective, title="Secret KR", start=Decimal(0), target=Decimal(3))
    check_in = record_check_in(kr, world.adam, Decimal(1), comment="secret reading")
    create_comment(check_in, world.adam, "A secret remark")
    return {"objective": objective, "kr": kr, "check_in": check_in}


READS_OF_PRIVATE = [
    ("/orgs/acme/objectives", "list"),
    ("/orgs/acme/key-results", "list"),
    ("/orgs/acme/check-ins", "list"),
    ("/orgs/acme/comments", "list"),
    ("/orgs/acme/objectives/{objective}", "one"),
    ("/orgs/acme/key-results/{kr}", "one"),
]


@pytest.mark.parametrize(("path", "kind"), READS_OF_PRIVATE)
def test_private_objectives_stay_hidden(
    world: World, private: dict[str, Any], api_for: ApiFor, path: str, kind: str
) -> None:
    path = path.format(**{name: obj.pk for name, obj in private.items()})
    for user in (world.vera, world.bob):
        response = api_for(user).get(path)
        if kind == "one":
            assert response.status_code == 404
        else:
            assert response.status_code == 200
        assert b"Secret" not in response.content and b"secret" not in response.content
    # Its owner and the admins see it.
    for user in (world.adam, world.alice):
        response = api_for(user).get(path)
        assert response.status_code == 200
        assert b"Secret" in response.content or b"secret" in response.content


def test_private_objective_takes_no_check_in_from_those_who_cannot_see_it(
    world: World, private: dict[str, Any], api_for: ApiFor
) -> None:
    response = api_for(world.bob).post(
        f"/orgs/acme/key-results/{private['kr'].pk}/check-ins", {"value": 2}
    )
    assert response.status_code == 404


def test_closed_cycle_is_read_only_but_for_admins(world: World, api_for: ApiFor) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
    bob = api_for(world.bob)
    assert bob.get(f"/orgs/acme/objectives/{world.team_objective.pk}").status_code == 200
    response = bob.patch(f"/orgs/acme/objectives/{world.team_objective.pk}", {"title": "New"})
    assert response.status_code == 403
    response = bob.post(f"/orgs/acme/key-results/{world.kr.pk}/check-ins", {"value": 2})
    assert response.status_code == 403
    # An admin may correct an objective; a check-in stays refused, as on the web.
    adam = api_for(world.adam)
    response = adam.patch(f"/orgs/acme/objectives/{world.team_objective.pk}", {"title": "Fixed"})
    assert response.status_code == 200
    response = adam.post(f"/orgs/acme/key-results/{world.kr.pk}/check-ins", {"value": 2})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "value"
    assert KeyResult.objects.get(pk=world.kr.pk).current == Decimal(2)
