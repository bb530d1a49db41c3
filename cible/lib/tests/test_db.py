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
