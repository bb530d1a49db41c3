"""Ids above a thousand must reach attributes and links whole, in every language."""

import pytest
from django.db import connection

from cible.okrs.models import Level
from cible.okrs.services import create_key_result, create_objective


@pytest.fixture
def big_ids(world):  # type: ignore[no-untyped-def]
    objective = create_objective(
        world.org, world.alice, cycle=world.cycle, title="Grow", level=Level.COMPANY, id=1234567
    )
    create_key_result(objective, title="Raise the score", start=0, target=10, id=7654321)
    if connection.vendor == "postgresql":
        # Keep later inserts away from the ids set by hand.
        with connection.cursor() as cursor:
            for table in ("okrs_objective", "okrs_keyresult"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 9000000)")
    return objective


@pytest.mark.parametrize("language", ["en", "fr"])
def test_large_ids_stay_whole_in_the_home_page(world, big_ids, language):  # type: ignore[no-untyped-def]
    client = world.client_for(world.alice)
    html = client.get("/o/acme/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'id="objective-1234567"' in html
    assert 'id="kr-7654321"' in html
    assert "/o/acme/objectives/1234567/" in html
