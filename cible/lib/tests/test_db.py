"""one_or_none: the row of a unique lookup, without the ORDER BY that `first()` adds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cible.lib.db import one_or_none
from cible.okrs.models import KeyResult

pytestmark = pytest.mark.django_db


def test_it_reads_the_one_row_without_ordering(world) -> None:
    with CaptureQueriesContext(connection) as queries:
        found = one_or_none(KeyResult.objects.filter(pk=world.kr.pk))  # ordered by position

    assert found == world.kr
    assert len(queries) == 1
    assert "ORDER BY" not in queries[0]["sql"]


def test_it_is_none_when_nothing_matches(world) -> None:
    assert one_or_none(KeyResult.objects.filter(pk=world.kr.pk + 1000)) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side binding: PostgreSQL")
def test_a_statement_with_more_parameters_than_postgresql_binds_still_runs(world) -> None:
    """Bound on the server, a statement carries at most 65,535 parameters; the backend
    sends a longer one with its values written in (a whole cycle at 100,000 people)."""
    ids = [world.kr.pk, *range(10**9, 10**9 + 70_000)]
    with connection.cursor() as cursor:
        bound = type(cursor.cursor)

    assert KeyResult.objects.filter(pk__in=ids).count() == 1
    assert [kr.pk for kr in KeyResult.objects.filter(pk__in=ids).iterator(chunk_size=10)] == [
        world.kr.pk
    ]
    assert KeyResult.objects.filter(pk__in=ids[:100]).count() == 1  # bound again next time
    with connection.cursor() as cursor:
        assert type(cursor.cursor) is bound
