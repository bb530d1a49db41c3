"""Idempotent check-ins: a retry with the same Idempotency-Key records nothing more."""

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from cible.api.models import IdempotencyKey
from cible.api.tests.conftest import Api, ApiFor
from cible.api.tokens import create_token
from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn
from conftest import World, build_world


def url(world: World) -> str:
    return f"/orgs/acme/key-results/{world.kr.pk}/check-ins"


def test_a_retry_returns_the_same_check_in_and_records_nothing(
    world: World, api_for: ApiFor
) -> None:
    bob = api_for(world.bob)
    body = {"value": 1.5, "confidence": 6, "comment": "Better", "blockers": ""}
    first = bob.post(url(world), body, headers={"Idempotency-Key": "run-42"})
    assert first.status_code == 201
    audit_count = AuditEntry.objects.count()
    again = bob.post(url(world), {**body, "value": 1.50}, headers={"Idempotency-Key": "run-42"})
    assert again.status_code == 200
    assert again.json() == first.json()
    assert CheckIn.objects.count() == 1
    assert AuditEntry.objects.count() == audit_count
    world.kr.refresh_from_db()
    assert world.kr.current == Decimal("1.5") and world.kr.confidence == 6


def test_the_same_key_with_another_body_is_refused(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    bob.post(url(world), {"value": 1.5}, headers={"Idempotency-Key": "k"})
    for other in ({"value": 2}, {"value": 1.5, "comment": "x"}, {"value": 1.5, "confidence": 1}):
        response = bob.post(url(world), other, headers={"Idempotency-Key": "k"})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
    assert CheckIn.objects.count() == 1


def test_the_same_key_on_another_key_result_is_refused(world: World, api_for: ApiFor) -> None:
    from cible.okrs.services import create_key_result

    other = create_key_result(world.team_objective, title="Other", target=Decimal(9))
    bob = api_for(world.bob)
    bob.post(url(world), {"value": 1}, headers={"Idempotency-Key": "k"})
    response = bob.post(
        f"/orgs/acme/key-results/{other.pk}/check-ins",
        {"value": 1},
        headers={"Idempotency-Key": "k"},
    )
    assert response.status_code == 422
    assert not other.check_ins.exists()


def test_keys_belong_to_their_user(world: World, api_for: ApiFor) -> None:
    """Another person's same key is another key: Alice's check-in is recorded too."""
    api_for(world.bob).post(url(world), {"value": 1}, headers={"Idempotency-Key": "k"})
    response = api_for(world.alice).post(url(world), {"value": 1}, headers={"Idempotency-Key": "k"})
    assert response.status_code == 201
    assert CheckIn.objects.count() == 2


def test_without_a_key_every_request_records(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    assert bob.post(url(world), {"value": 1}).status_code == 201
    assert bob.post(url(world), {"value": 1}).status_code == 201
    assert CheckIn.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_refused_check_in_does_not_spend_the_key(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    world.kr.cancelled_at = world.kr.created_at
    world.kr.save()
    response = bob.post(url(world), {"value": 1}, headers={"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 201])
def test_a_bad_key_is_refused(world: World, api_for: ApiFor, key: str) -> None:
    response = api_for(world.bob).post(url(world), {"value": 1}, headers={"Idempotency-Key": key})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
    assert not CheckIn.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_retries_record_once() -> None:
    world = build_world()
    _token, secret = create_token(world.bob, "script", "write")
    barrier = threading.Barrier(4)
    results: list[Any] = []

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            response = Api(secret).post(
                url(world), {"value": 2.5}, headers={"Idempotency-Key": "same"}
            )
            results.append((response.status_code, response.json()["id"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(status for status, _id in results)
    assert statuses == [200, 200, 200, 201]
    assert len({check_in for _status, check_in in results}) == 1
    assert CheckIn.objects.count() == 1


def test_keys_older_than_the_setting_are_forgotten_and_their_check_ins_kept(
    world: World, api_for: ApiFor, settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from cible.api import idempotency

    settings.API_IDEMPOTENCY_DAYS = 7
    bob = api_for(world.bob)
    for key in ("old", "recent"):
        assert (
            bob.post(url(world), {"value": 1}, headers={"Idempotency-Key": key}).status_code == 201
        )
    eight_days_ago = timezone.now() - timedelta(days=8)
    IdempotencyKey.objects.filter(key="old").update(created_at=eight_days_ago)

    assert idempotency.prune() == 1

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]
    assert CheckIn.objects.count() == 2
    # Forgotten, the key records again; the one remembered still does not.
    assert bob.post(url(world), {"value": 1}, headers={"Idempotency-Key": "old"}).status_code == 201
    assert (
        bob.post(url(world), {"value": 1}, headers={"Idempotency-Key": "recent"}).status_code == 200
    )
    assert idempotency.prune() == 0


def test_pruning_goes_in_bounded_batches(world: World, monkeypatch: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from cible.api import idempotency

    monkeypatch.setattr(idempotency, "PRUNE_BATCH", 2)
    monkeypatch.setattr(idempotency, "PRUNE_BATCHES", 2)
    old = timezone.now() - timedelta(days=30)
    IdempotencyKey.objects.bulk_create(
        IdempotencyKey(user=world.bob, key=f"k{n}", fingerprint="x", created_at=old)
        for n in range(5)
    )

    assert idempotency.prune() == 4  # two batches of two this pass
    assert idempotency.prune() == 1  # the rest the next one
    assert not IdempotencyKey.objects.exists()
