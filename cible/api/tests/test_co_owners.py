"""A key result's co-owners through the API: read with it, replaced by a PATCH that names
them, kept by one that does not, refused when one is no member."""

import pytest

from cible.api.tests.conftest import ApiFor
from cible.orgs.models import Membership, Role
from conftest import World, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def mia(world: World):  # type: ignore[no-untyped-def]
    mia = make_user("mia@acme.test", "Mia Lopez")
    Membership.objects.create(organization=world.org, user=mia, role=Role.MEMBER)
    return mia


def test_the_api_reads_and_replaces_the_co_owners(world: World, mia, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    url = f"/orgs/acme/key-results/{world.kr.pk}"

    assert bob.get(url).json()["co_owners"] == []
    response = bob.patch(url, {"co_owners": [mia.pk, world.alice.pk]})
    assert response.status_code == 200
    assert response.json()["co_owners"] == sorted([mia.pk, world.alice.pk])
    # Left out, they stay.
    assert bob.patch(url, {"title": "Answer in an hour"}).json()["co_owners"] == sorted(
        [mia.pk, world.alice.pk]
    )
    refused = bob.patch(url, {"co_owners": [world.oscar.pk]})
    assert refused.status_code == 422
    assert world.kr.co_owners.count() == 2
