"""Prepared queries, and the plain INSERT and UPDATE of one row: the same rows and the same
stored values as the ORM's, the SQL built once per connection."""

import threading
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cible.checkins.models import CheckIn
from cible.lib.db import Prepared, insert_row, update_row
from cible.okrs.models import KeyResult
from cible.orgs.models import Membership

pytestmark = pytest.mark.django_db(transaction=False)

MEMBERSHIP = Prepared(
    lambda user_id, slug: (
        Membership.objects.select_related("organization")
        .filter(user_id=user_id, organization__slug=slug)
        .order_by()[:1]
    ),
    -1_000_001,
    "sample-slug",
)
VALUES = Prepared(
    lambda kr_id: KeyResult.objects.filter(pk=kr_id, archived_at__isnull=True).values_list(
        "current", "confidence", "start"
    ),
    -1_000_002,
)


def test_it_gives_what_the_orm_gives(world) -> None:  # type: ignore[no-untyped-def]
    found = MEMBERSHIP.one_or_none(world.bob.pk, "acme")
    expected = Membership.objects.select_related("organization").get(
        user=world.bob, organization=world.org
    )
    assert found == expected
    assert found.role == expected.role and found.joined_at == expected.joined_at
    with CaptureQueriesContext(connection) as queries:
        assert found.organization.name == "Acme"  # read with it: no query
    assert len(queries) == 0
    assert MEMBERSHIP.one_or_none(world.bob.pk, "globex") is None
    assert MEMBERSHIP.one_or_none(world.oscar.pk, "globex").organization == world.other_org
    assert list(VALUES.queryset(world.kr.pk)) == list(
        KeyResult.objects.filter(pk=world.kr.pk).values_list("current", "confidence", "start")
    )
    current, _confidence, start = next(iter(VALUES.queryset(world.kr.pk)))
    assert isinstance(current, Decimal) and current == Decimal(2) and start == Decimal(4)


def test_its_sql_is_built_once_per_connection(world, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    prepared = Prepared(lambda pk: KeyResult.objects.filter(pk=pk).order_by()[:1], -1_000_003)
    built: list[int] = []
    original = prepared._compile

    def counting(using: str) -> Any:
        built.append(1)
        return original(using)

    monkeypatch.setattr(prepared, "_compile", counting)
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert prepared.one_or_none(world.kr.pk) == world.kr
        assert len(queries) == 1 and str(world.kr.pk) in queries[0]["sql"]
    assert built == [1]


def test_samples_must_be_told_apart() -> None:
    same = Prepared(lambda a, b: KeyResult.objects.filter(pk=a, objective_id=b), -5, -5)
    with pytest.raises(ValueError, match="samples"):
        same.one_or_none(1, 2)


def test_another_thread_builds_its_own(world) -> None:  # type: ignore[no-untyped-def]
    prepared = Prepared(lambda pk: KeyResult.objects.filter(pk=pk).values_list("pk"), -1_000_004)
    assert list(prepared.queryset(world.kr.pk)) == [(world.kr.pk,)]
    seen: list[Any] = []

    def other() -> None:
        try:
            from django.db import connections

            seen.append("cible_prepared" in connections["default"].__dict__)
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [False]
    from django.db import connections

    assert prepared in connections["default"].__dict__["cible_prepared"]


def test_insert_and_update_store_what_the_orm_stores(world) -> None:  # type: ignore[no-untyped-def]
    moment = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
    pk = insert_row(
        CheckIn,
        {
            "key_result_id": world.kr.pk,
            "author_id": world.bob.pk,
            "value": Decimal("2.5"),
            "confidence": 7,
            "comment": "Café ✓",
            "blockers": "",
            "created_at": moment,
        },
    )
    stored = CheckIn.objects.get(pk=pk)
    assert (stored.value, stored.confidence, stored.comment, stored.created_at) == (
        Decimal("2.5"),
        7,
        "Café ✓",
        moment,
    )
    update_row(KeyResult, world.kr.pk, {"current": Decimal("3.25"), "confidence": None})
    world.kr.refresh_from_db()
    assert world.kr.current == Decimal("3.25") and world.kr.confidence is None
