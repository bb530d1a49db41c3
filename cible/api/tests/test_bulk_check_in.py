"""Many key results' check-ins in one request: each line checked like the single
check-in endpoint, all recorded or none, once per Idempotency-Key, at most 500 lines."""

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from cible.api.bulk import MAX_LINES
from cible.api.models import IdempotencyKey
from cible.api.tests.conftest import Api, ApiFor, fields_of
from cible.api.tokens import create_token
from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn
from cible.okrs.models import Cycle, KeyResult, Level
from cible.okrs.services import create_key_result, create_objective
from cible.webhooks import services as webhooks
from cible.webhooks.models import Event, WebhookDelivery, all_events
from conftest import World, build_world

URL = "/orgs/acme/check-ins/bulk"


@pytest.fixture
def krs(world: World) -> list[KeyResult]:
    """Bob's three key results: the world's, and two of a personal objective of his."""
    mine = create_objective(
        world.org, world.bob, cycle=world.cycle, title="Write more", level=Level.PERSON
    )
    return [
        world.kr,
        create_key_result(mine, title="Posts", start=Decimal(0), target=Decimal(10)),
        create_key_result(mine, title="Talks", start=Decimal(0), target=Decimal(4)),
    ]


def lines(krs: list[KeyResult], *values: Any) -> dict[str, Any]:
    return {
        "check_ins": [{"key_result": kr.pk, "value": v} for kr, v in zip(krs, values, strict=True)]
    }


def test_many_readings_in_one_request(
    world: World,
    krs: list[KeyResult],
    api_for: ApiFor,
    django_capture_on_commit_callbacks: Any,
) -> None:
    webhooks.create_endpoint(world.org, world.alice, "https://hooks.example.test/", all_events())
    body = lines(krs, 3, 4, 1)
    body["check_ins"][1].update(confidence=8, comment="Two drafts", blockers="Review")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(world.bob).post(URL, body)

    assert response.status_code == 201, response.content
    made = response.json()["check_ins"]
    assert [c["key_result"] for c in made] == [kr.pk for kr in krs]
    assert [c["value"] for c in made] == [3.0, 4.0, 1.0]
    assert made[1]["confidence"] == 8 and made[1]["comment"] == "Two drafts"
    assert {c["author"] for c in made} == {world.bob.pk}
    currents = [KeyResult.objects.get(pk=kr.pk).current for kr in krs]
    assert currents == [Decimal(3), Decimal(4), Decimal(1)]
    assert AuditEntry.objects.filter(target_type="check_in").count() == 3
    assert WebhookDelivery.objects.filter(event=Event.CHECK_IN_RECORDED).count() == 3


def test_one_bad_line_records_nothing_and_is_named(
    world: World, krs: list[KeyResult], api_for: ApiFor
) -> None:
    KeyResult.objects.filter(pk=krs[2].pk).update(cancelled_at=krs[2].created_at)
    body = lines(krs, 3, 4, 1)
    body["check_ins"][0]["confidence"] = 12
    response = api_for(world.bob).post(URL, body)
    assert response.status_code == 422
    assert fields_of(response) == ["check_ins[0].confidence"]
    # Past the schema, the service's refusals: each line at fault is named.
    body["check_ins"][0]["confidence"] = 5
    response = api_for(world.bob).post(URL, body)
    assert response.status_code == 422
    assert fields_of(response) == ["check_ins[2].value"]
    assert not CheckIn.objects.exists()
    assert KeyResult.objects.get(pk=krs[0].pk).current == Decimal(2)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"value": "1e3"}, "check_ins[1].value"),
        ({"value": 1e20}, "check_ins[1].value"),
        ({"value": 1, "comment": "x" * 2001}, "check_ins[1].comment"),
        ({"value": 1, "unknown": 1}, "check_ins[1].unknown"),
        ({}, "check_ins[1].value"),
    ],
)
def test_schema_faults_name_their_line(
    world: World, krs: list[KeyResult], api_for: ApiFor, line: dict[str, Any], field: str
) -> None:
    body = lines(krs[:2], 3, 4)
    body["check_ins"][1] = {"key_result": krs[1].pk, **line}
    response = api_for(world.bob).post(URL, body)
    assert response.status_code == 422
    assert fields_of(response) == [field]
    assert not CheckIn.objects.exists()


def test_a_key_result_the_caller_may_not_see_is_a_404_naming_its_line(
    world: World, krs: list[KeyResult], api_for: ApiFor
) -> None:
    foreign = create_key_result(world.foreign_objective, title="Globex", target=Decimal(3))
    for unknown in (foreign.pk, 999_999):
        body = lines(krs, 3, 4, 1)
        body["check_ins"][2]["key_result"] = unknown
        response = api_for(world.bob).post(URL, body)
        assert response.status_code == 404
        assert response.json()["errors"] == [
            {"field": "check_ins[2].key_result", "message": "Not found."}
        ]
        assert b"Globex" not in response.content
    assert not CheckIn.objects.exists()


def test_a_key_result_the_caller_may_not_check_in_is_a_403_naming_its_line(
    world: World, krs: list[KeyResult], api_for: ApiFor
) -> None:
    company = create_key_result(world.company_objective, title="NPS", target=Decimal(50))
    body = lines([*krs, company], 3, 4, 1, 20)
    response = api_for(world.bob).post(URL, body)
    assert response.status_code == 403
    assert fields_of(response) == ["check_ins[3].key_result"]
    assert not CheckIn.objects.exists()
    # The company's owner may.
    assert api_for(world.alice).post(URL, body).status_code == 201


def test_a_closed_cycle_takes_no_line(world: World, krs: list[KeyResult], api_for: ApiFor) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
    assert api_for(world.bob).post(URL, lines(krs, 3, 4, 1)).status_code == 403
    response = api_for(world.adam).post(URL, lines(krs, 3, 4, 1))
    assert response.status_code == 422
    assert fields_of(response) == [f"check_ins[{n}].value" for n in range(3)]
    assert not CheckIn.objects.exists()


def test_a_key_result_twice_is_refused(world: World, krs: list[KeyResult], api_for: ApiFor) -> None:
    body = lines([krs[0], krs[1], krs[0]], 3, 4, 1)
    response = api_for(world.bob).post(URL, body)
    assert response.status_code == 422
    assert fields_of(response) == ["check_ins[2].key_result"]
    assert "check_ins[0]" in response.json()["errors"][0]["message"]


def test_the_size_is_bounded(world: World, api_for: ApiFor) -> None:
    too_many = {"check_ins": [{"key_result": n + 1, "value": 1} for n in range(MAX_LINES + 1)]}
    response = api_for(world.bob).post(URL, too_many)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "check_ins", "message": f"At most {MAX_LINES} items."}
    ]
    response = api_for(world.bob).post(URL, {"check_ins": []})
    assert response.status_code == 422 and fields_of(response) == ["check_ins"]
    assert MAX_LINES == 500


def test_a_retry_with_the_same_key_records_nothing_more(
    world: World, krs: list[KeyResult], api_for: ApiFor
) -> None:
    bob = api_for(world.bob)
    headers = {"Idempotency-Key": "week-49"}
    first = bob.post(URL, lines(krs, 3, 4, 1), headers=headers)
    assert first.status_code == 201
    audit = AuditEntry.objects.count()
    again = bob.post(URL, lines(krs, 3.0, "4", 1.00), headers=headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert CheckIn.objects.count() == 3 and AuditEntry.objects.count() == audit
    other = bob.post(URL, lines(krs, 3, 4, 2), headers=headers)
    assert other.status_code == 422 and fields_of(other) == ["Idempotency-Key"]
    assert CheckIn.objects.count() == 3


def test_a_refused_request_does_not_use_up_its_key(
    world: World, krs: list[KeyResult], api_for: ApiFor
) -> None:
    KeyResult.objects.filter(pk=krs[1].pk).update(cancelled_at=krs[1].created_at)
    bob = api_for(world.bob)
    headers = {"Idempotency-Key": "k"}
    assert bob.post(URL, lines(krs, 3, 4, 1), headers=headers).status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert bob.post(URL, lines([krs[0], krs[2]], 3, 1), headers=headers).status_code == 201


def test_queries_per_line_stay_constant(
    world: World, krs: list[KeyResult], api_for: ApiFor
) -> None:
    """A line costs the check-in service's queries, and the lines' key results are read
    at once."""
    bob = api_for(world.bob)
    bob.post(URL, lines(krs[:1], 3))  # the token's first use is counted apart
    with CaptureQueriesContext(connection) as one:
        assert bob.post(URL, lines(krs[:1], 2)).status_code == 201
    with CaptureQueriesContext(connection) as three:
        assert bob.post(URL, lines(krs, 3, 4, 1)).status_code == 201
    per_line = (len(three) - len(one)) / 2
    assert per_line <= 8, [q["sql"] for q in three.captured_queries]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_requests_in_other_orders_all_go_through() -> None:
    """Two scripts pushing the same key results in opposite orders, at once: each request
    is recorded whole, none fails on the other's locks."""
    world = build_world()
    mine = create_objective(
        world.org, world.bob, cycle=world.cycle, title="Write more", level=Level.PERSON
    )
    krs = [world.kr] + [
        create_key_result(mine, title=f"KR {n}", start=Decimal(0), target=Decimal(10))
        for n in range(6)
    ]
    _token, secret = create_token(world.bob, "script", "write")
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def send(order: list[KeyResult]) -> None:
        try:
            barrier.wait(timeout=10)
            for _round in range(3):
                response = Api(secret).post(URL, lines(order, *[1] * len(order)))
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    orders = [krs, krs[::-1], krs[3:] + krs[:3], krs[::-1]]
    threads = [threading.Thread(target=send, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [201] * 12
    assert CheckIn.objects.count() == 12 * len(krs)
