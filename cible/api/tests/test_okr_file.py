"""POST /orgs/{slug}/okr-file/plan and /okr-file/apply: OKRs as code from CI, for admins."""

from decimal import Decimal
from typing import Any

import pytest

from cible.api.main import api
from cible.api.tests.conftest import ApiFor, fields_of
from cible.okrfiles.export import build, to_yaml
from cible.okrs.models import KeyResult
from cible.okrs.services import update_key_result
from cible.orgs.models import Organization
from conftest import World

PLAN = "/orgs/acme/okr-file/plan"
APPLY = "/orgs/acme/okr-file/apply"


def new_target(world: World, target: Decimal = Decimal("0.5")) -> str:
    document = build(Organization.objects.get(pk=world.org.pk), secrets=True)
    for objective in document["objectives"]:
        for kr in objective.get("key_results", []):
            if kr["title"] == "Cut first response time":
                kr["target"] = target
    return to_yaml(document)


def test_an_admin_plans_and_nothing_changes(world: World, api_for: ApiFor) -> None:
    response = api_for(world.adam).post(PLAN, {"content": new_target(world)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] is True
    assert body["changes"] == [
        {
            "action": "change",
            "kind": "key_result",
            "name": "answer-faster.1",
            "fields": [{"name": "target", "before": "1", "after": "0.5"}],
        }
    ]
    assert body["text"][-1] == "Plan: 0 to create, 1 to change, 0 to archive, 0 to restore."
    assert KeyResult.objects.get(pk=world.kr.pk).target == Decimal(1)


def test_an_admin_applies_the_plan_made(world: World, api_for: ApiFor) -> None:
    client = api_for(world.adam)
    content = new_target(world)
    fingerprint = client.post(PLAN, {"content": content}).json()["fingerprint"]
    response = client.post(APPLY, {"content": content, "fingerprint": fingerprint})
    assert response.status_code == 200, response.content
    assert response.json()["changed"] is True
    assert KeyResult.objects.get(pk=world.kr.pk).target == Decimal("0.5")
    again = client.post(APPLY, {"content": content})
    assert again.json()["changed"] is False


def test_a_stale_plan_is_refused_with_409(world: World, api_for: ApiFor) -> None:
    client = api_for(world.adam)
    content = new_target(world)
    fingerprint = client.post(PLAN, {"content": content}).json()["fingerprint"]
    update_key_result(world.kr, world.bob, title="Cut the first response time")
    response = client.post(APPLY, {"content": content, "fingerprint": fingerprint})
    assert response.status_code == 409, response.content
    assert "changed since the plan was made" in response.json()["errors"][0]["message"]
    assert response.json()["errors"][0]["field"] == "fingerprint"
    assert KeyResult.objects.get(pk=world.kr.pk).target == Decimal(1)


@pytest.mark.parametrize("path", [PLAN, APPLY])
def test_a_broken_file_is_a_422_naming_the_content_and_its_lines(
    world: World, api_for: ApiFor, path: str
) -> None:
    content = "version: 1\norganization: {name: Acme}\nobjectives: 12\n"
    response = api_for(world.adam).post(path, {"content": content})
    assert response.status_code == 422, response.content
    assert set(fields_of(response)) == {"content"}
    assert response.json()["errors"][0]["message"].startswith("line 3: ")


@pytest.mark.parametrize("path", [PLAN, APPLY])
@pytest.mark.parametrize("who", ["bob", "vera"])
def test_a_member_or_a_viewer_gets_403(world: World, api_for: ApiFor, path: str, who: str) -> None:
    response = api_for(getattr(world, who)).post(path, {"content": new_target(world)})
    assert response.status_code == 403, response.content
    assert KeyResult.objects.get(pk=world.kr.pk).target == Decimal(1)


@pytest.mark.parametrize("path", [PLAN, APPLY])
def test_an_outsider_gets_404(world: World, api_for: ApiFor, path: str) -> None:
    response = api_for(world.oscar).post(path, {"content": new_target(world)})
    assert response.status_code == 404, response.content
    assert KeyResult.objects.get(pk=world.kr.pk).target == Decimal(1)


def test_the_endpoints_are_documented(world: World) -> None:
    paths: dict[str, Any] = api.get_openapi_schema()["paths"]
    assert "post" in paths["/api/v1/orgs/{slug}/okr-file/plan"]
    assert 409 in paths["/api/v1/orgs/{slug}/okr-file/apply"]["post"]["responses"]


def test_a_file_too_large_for_a_request_is_refused_without_a_500(
    world: World, api_for: ApiFor
) -> None:
    content = "organization: {name: Acme}\n" + "# padding\n" * 400_000
    response = api_for(world.adam).post(PLAN, {"content": content})
    # Above Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): refused before it is read.
    assert response.status_code == 400
    assert KeyResult.objects.get(pk=world.kr.pk).target == Decimal(1)


@pytest.mark.parametrize(
    "content",
    [
        'a: &a ["lol","lol"]\nb: &b [*a,*a]\nc: [*b,*b]\n',
        "organization: !!python/object/apply:os.system [ls]\n",
    ],
    ids=["billion laughs", "an object-constructing tag"],
)
def test_a_hostile_file_is_a_422_with_its_line(world: World, api_for: ApiFor, content: str) -> None:
    response = api_for(world.adam).post(APPLY, {"content": content})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["message"].startswith(("line 1: ", "line 2: "))
    assert KeyResult.objects.get(pk=world.kr.pk).target == Decimal(1)
