"""Every id given in a body names its field when it is refused: an unknown id, or one of
another organisation, is a 404 or a 422 with `field` set (`objective`, `parents`,
`key_results[0].owner`, `check_ins[0].key_result`), never `field: null`, and nothing is
stored. The cases are checked against the OpenAPI schema: a new id field without a case
fails `test_every_id_in_a_body_has_a_case`."""

from collections.abc import Callable
from typing import Any

import pytest

from cible.api.main import api
from cible.api.schemas import MAX_ID
from cible.api.tests.conftest import ApiFor
from cible.api.tests.test_permission_matrix import build_acme, build_globex
from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn, Review
from cible.collab.models import Comment, InboxItem, Reaction
from cible.kpis.models import KPI, Guardrail
from cible.okrs.models import Cycle, Dependency, KeyResult, Objective
from cible.orgs.models import Team
from conftest import World

# What each id field names, to pick another organisation's object of that kind.
KINDS = {
    "parent": "team",  # a cycle's parent is a cycle: see below
    "lead": "user",
    "owner": "user",
    "co_owners": "user",
    "cycle": "cycle",
    "team": "team",
    "parents": "objective",
    "objective": "objective",
    "from_objective": "objective",
    "to_objective": "objective",
    "driven_by": "objective",
    "from_key_result": "kr",
    "to_key_result": "kr",
    "key_result": "kr",
    "check_in": "check_in",
    "comment": "comment",
    "in_reply_to": "comment",
    "items": "inbox_item",
    "guardrails": "kpi",
}

Request = Callable[[dict[str, Any], Any], tuple[str, str, dict[str, Any]]]


def _kr_line(acme: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"objective": acme["objective"].pk, "title": "Ship", "target": 3, **fields}


def _dependency(acme: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"from_objective": acme["objective"].pk, "to_objective": acme["platform"].pk}
    return {**body, **fields}


def _kpi_body(**fields: Any) -> dict[str, Any]:
    return {"name": "Churn", "direction": "lower", "healthy_high": 2, "critical_high": 3, **fields}


OBJ = "/orgs/acme/objectives"
KPIS = "/orgs/acme/kpis"
KRS = "/orgs/acme/key-results"
INITIATIVES = "/orgs/acme/initiatives"

# (operation, field as the error names it) -> the request with that field set to `bad`.
CASES: dict[tuple[str, str], Request] = {
    ("create_team", "parent"): lambda a, bad: (
        "POST",
        "/orgs/acme/teams",
        {"name": "T", "parent": bad},
    ),
    ("create_team", "lead"): lambda a, bad: (
        "POST",
        "/orgs/acme/teams",
        {"name": "T", "lead": bad},
    ),
    ("update_team", "parent"): lambda a, bad: (
        "PATCH",
        f"/orgs/acme/teams/{a['team'].pk}",
        {"parent": bad},
    ),
    ("update_team", "lead"): lambda a, bad: (
        "PATCH",
        f"/orgs/acme/teams/{a['team'].pk}",
        {"lead": bad},
    ),
    ("create_cycle", "parent"): lambda a, bad: (
        "POST",
        "/orgs/acme/cycles",
        {
            "name": "Q9",
            "kind": "quarter",
            "start": "2031-01-01",
            "end": "2031-03-31",
            "parent": bad,
        },
    ),
    ("create_objective", "cycle"): lambda a, bad: (
        "POST",
        OBJ,
        {"title": "O", "level": "person", "cycle": bad},
    ),
    ("create_objective", "team"): lambda a, bad: (
        "POST",
        OBJ,
        {"title": "O", "level": "team", "team": bad},
    ),
    ("create_objective", "owner"): lambda a, bad: (
        "POST",
        OBJ,
        {"title": "O", "level": "person", "owner": bad},
    ),
    ("create_objective", "parents"): lambda a, bad: (
        "POST",
        OBJ,
        {"title": "O", "level": "person", "parents": [bad]},
    ),
    ("create_objective", "key_results[0].owner"): lambda a, bad: (
        "POST",
        OBJ,
        {"title": "O", "level": "person", "key_results": [{"title": "K", "owner": bad}]},
    ),
    ("update_objective", "team"): lambda a, bad: (
        "PATCH",
        f"{OBJ}/{a['objective'].pk}",
        {"team": bad},
    ),
    ("update_objective", "owner"): lambda a, bad: (
        "PATCH",
        f"{OBJ}/{a['objective'].pk}",
        {"owner": bad},
    ),
    ("update_objective", "parents"): lambda a, bad: (
        "PATCH",
        f"{OBJ}/{a['objective'].pk}",
        {"parents": [bad]},
    ),
    ("create_key_result", "objective"): lambda a, bad: ("POST", KRS, _kr_line(a, objective=bad)),
    ("create_key_result", "owner"): lambda a, bad: ("POST", KRS, _kr_line(a, owner=bad)),
    ("create_key_result", "driven_by"): lambda a, bad: ("POST", KRS, _kr_line(a, driven_by=bad)),
    ("update_key_result", "owner"): lambda a, bad: ("PATCH", f"{KRS}/{a['kr'].pk}", {"owner": bad}),
    ("update_key_result", "driven_by"): lambda a, bad: (
        "PATCH",
        f"{KRS}/{a['kr'].pk}",
        {"driven_by": bad},
    ),
    ("create_dependency", "from_objective"): lambda a, bad: (
        "POST",
        "/orgs/acme/dependencies",
        _dependency(a, from_objective=bad),
    ),
    ("create_dependency", "to_objective"): lambda a, bad: (
        "POST",
        "/orgs/acme/dependencies",
        _dependency(a, to_objective=bad),
    ),
    ("create_dependency", "from_key_result"): lambda a, bad: (
        "POST",
        "/orgs/acme/dependencies",
        _dependency(a, from_key_result=bad),
    ),
    ("create_dependency", "to_key_result"): lambda a, bad: (
        "POST",
        "/orgs/acme/dependencies",
        _dependency(a, to_key_result=bad),
    ),
    ("create_review", "cycle"): lambda a, bad: (
        "POST",
        "/orgs/acme/reviews",
        {"kind": "monthly", "cycle": bad},
    ),
    ("create_review", "team"): lambda a, bad: (
        "POST",
        "/orgs/acme/reviews",
        {"kind": "weekly", "team": bad},
    ),
    ("create_key_result", "co_owners"): lambda a, bad: ("POST", KRS, _kr_line(a, co_owners=[bad])),
    ("update_key_result", "co_owners"): lambda a, bad: (
        "PATCH",
        f"{KRS}/{a['kr'].pk}",
        {"co_owners": [bad]},
    ),
    ("create_objective", "key_results[0].co_owners"): lambda a, bad: (
        "POST",
        OBJ,
        {"title": "O", "level": "person", "key_results": [{"title": "K", "co_owners": [bad]}]},
    ),
    ("create_initiative", "objective"): lambda a, bad: (
        "POST",
        INITIATIVES,
        {"objective": bad, "title": "I"},
    ),
    ("create_initiative", "key_result"): lambda a, bad: (
        "POST",
        INITIATIVES,
        {"objective": a["objective"].pk, "key_result": bad, "title": "I"},
    ),
    ("create_initiative", "owner"): lambda a, bad: (
        "POST",
        INITIATIVES,
        {"objective": a["objective"].pk, "owner": bad, "title": "I"},
    ),
    ("update_initiative", "key_result"): lambda a, bad: (
        "PATCH",
        f"{INITIATIVES}/{a['initiative'].pk}",
        {"key_result": bad},
    ),
    ("update_initiative", "owner"): lambda a, bad: (
        "PATCH",
        f"{INITIATIVES}/{a['initiative'].pk}",
        {"owner": bad},
    ),
    ("bulk_check_in", "check_ins[0].key_result"): lambda a, bad: (
        "POST",
        "/orgs/acme/check-ins/bulk",
        {"check_ins": [{"key_result": bad, "value": 1}]},
    ),
    ("create_comment", "objective"): lambda a, bad: (
        "POST",
        "/orgs/acme/comments",
        {"objective": bad, "body": "Hi"},
    ),
    ("create_comment", "key_result"): lambda a, bad: (
        "POST",
        "/orgs/acme/comments",
        {"key_result": bad, "body": "Hi"},
    ),
    ("create_comment", "check_in"): lambda a, bad: (
        "POST",
        "/orgs/acme/comments",
        {"check_in": bad, "body": "Hi"},
    ),
    ("create_comment", "in_reply_to"): lambda a, bad: (
        "POST",
        "/orgs/acme/comments",
        {"objective": a["objective"].pk, "body": "Hi", "in_reply_to": bad},
    ),
    ("add_reaction", "check_in"): lambda a, bad: (
        "POST",
        "/orgs/acme/reactions",
        {"check_in": bad, "emoji": "heart"},
    ),
    ("add_reaction", "comment"): lambda a, bad: (
        "POST",
        "/orgs/acme/reactions",
        {"comment": bad, "emoji": "heart"},
    ),
    ("remove_reaction", "check_in"): lambda a, bad: (
        "DELETE",
        "/orgs/acme/reactions",
        {"check_in": bad, "emoji": "heart"},
    ),
    ("remove_reaction", "comment"): lambda a, bad: (
        "DELETE",
        "/orgs/acme/reactions",
        {"comment": bad, "emoji": "heart"},
    ),
    ("mark_inbox_read", "items"): lambda a, bad: (
        "POST",
        "/orgs/acme/inbox/read",
        {"items": [bad]},
    ),
    ("create_kpi", "team"): lambda a, bad: ("POST", KPIS, _kpi_body(team=bad)),
    ("create_kpi", "owner"): lambda a, bad: (
        "POST",
        KPIS,
        _kpi_body(team=a["team"].pk, owner=bad),
    ),
    ("update_kpi", "owner"): lambda a, bad: ("PATCH", f"{KPIS}/{a['kpi'].pk}", {"owner": bad}),
    ("update_kpi", "team"): lambda a, bad: ("PATCH", f"{KPIS}/{a['kpi'].pk}", {"team": bad}),
    ("create_key_result", "guardrails"): lambda a, bad: (
        "POST",
        KRS,
        _kr_line(a, guardrails=[bad]),
    ),
    ("update_key_result", "guardrails"): lambda a, bad: (
        "PATCH",
        f"{KRS}/{a['kr'].pk}",
        {"guardrails": [bad]},
    ),
}


def _is_id(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(o.get("type") == "integer" and o.get("minimum") == 1 for o in options)


def _id_fields(schema: dict[str, Any], components: dict[str, Any], prefix: str = "") -> list[str]:
    """The id fields of a body's schema, as an error names them."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    found = []
    for name, prop in schema.get("properties", {}).items():
        field = f"{prefix}{name}"
        options = prop.get("anyOf", [prop])
        if _is_id(prop):
            found.append(field)
        for option in options:
            items = option.get("items")
            if option.get("type") == "array" and items is not None:
                if _is_id(items):
                    found.append(field)
                elif "$ref" in items:
                    found.extend(_id_fields(items, components, f"{field}[0]."))
    return found


def documented_id_fields() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    fields = set()
    for item in schema["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                for field in _id_fields(body["schema"], components):
                    fields.add((operation["operationId"], field))
    return fields


def test_every_id_in_a_body_has_a_case() -> None:
    documented = documented_id_fields()
    assert ("create_key_result", "objective") in documented
    assert ("create_objective", "key_results[0].owner") in documented
    assert documented == set(CASES)


@pytest.fixture
def sides(world: World) -> tuple[dict[str, Any], dict[str, Any]]:
    acme = build_acme(world)
    acme["platform"] = acme["platform_objective"]
    globex = build_globex(world)
    globex["user"] = world.oscar
    globex["inbox_item"] = InboxItem.objects.create(
        organization=world.other_org,
        recipient=world.oscar,
        kind="mention",
        objective=globex["objective"],
    )
    return acme, globex


def _stored() -> tuple[int, ...]:
    models = (
        Team,
        Cycle,
        Objective,
        KeyResult,
        Dependency,
        Review,
        CheckIn,
        AuditEntry,
        Comment,
        Reaction,
        KPI,
        Guardrail,
    )
    return tuple(model.objects.count() for model in models)


@pytest.mark.parametrize("which", ["unknown", "foreign"])
@pytest.mark.parametrize(
    ("operation", "field"), sorted(CASES), ids=[f"{o}:{f}" for o, f in sorted(CASES)]
)
def test_a_refused_id_names_its_field(
    world: World,
    sides: tuple[dict[str, Any], dict[str, Any]],
    api_for: ApiFor,
    operation: str,
    field: str,
    which: str,
) -> None:
    acme, globex = sides
    kind = KINDS[field.rsplit(".", 1)[-1]]
    if field == "parent":
        kind = "cycle" if operation == "create_cycle" else "team"
    bad = MAX_ID if which == "unknown" else globex[kind].pk
    method, path, body = CASES[operation, field](acme, bad)
    alice = api_for(world.alice)  # the owner: any refusal is the id's
    before = _stored()
    response = alice.call(method, path, body)
    assert response.status_code in (404, 422), response.content
    assert {e["field"] for e in response.json()["errors"]} == {field}, response.content
    assert b"Globex" not in response.content
    assert _stored() == before
