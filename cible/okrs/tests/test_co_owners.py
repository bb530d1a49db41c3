"""Co-owners of a key result: several people check it in; the check-in page, the
permission to check in and the reminders treat each co-owner as an owner."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cible.checkins.models import CheckIn
from cible.checkins.services import key_results_to_check_in
from cible.notifications.services import key_results_to_remind, reminder_recipients
from cible.okrs.models import Change, KeyResult
from cible.okrs.services import set_co_owners
from cible.orgs.models import Membership, Role
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def mia(world):  # type: ignore[no-untyped-def]
    """A plain member, outside Product, owning nothing."""
    mia = make_user("mia@acme.test", "Mia Lopez")
    Membership.objects.create(organization=world.org, user=mia, role=Role.MEMBER)
    return mia


def edit_body(world, **extra: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    kr = world.kr
    return {
        "title": kr.title,
        "kind": kr.kind,
        "start": "4",
        "target": "1",
        "unit": kr.unit,
        "weight": "1",
        "owner": kr.owner_id,
        "due_date": "",
        **extra,
    }


def test_the_key_results_form_sets_its_co_owners(world, mia) -> None:
    response = world.client_for(world.bob).post(
        f"/o/acme/key-results/{world.kr.pk}/edit/", edit_body(world, co_owners=[mia.pk])
    )

    assert response.status_code == 302
    assert list(world.kr.co_owners.all()) == [mia]
    change = Change.objects.filter(key_result=world.kr).order_by("-id").first()
    assert change is not None
    assert change.after == {"co_owners": "Mia Lopez"}
    page = world.client_for(world.vera).get(world.team_objective.get_absolute_url())
    assert "+ Mia Lopez" in page.content.decode()


def test_an_outsider_cannot_be_a_co_owner(world) -> None:
    response = world.client_for(world.bob).post(
        f"/o/acme/key-results/{world.kr.pk}/edit/", edit_body(world, co_owners=[world.oscar.pk])
    )

    assert response.status_code == 422
    assert not world.kr.co_owners.exists()


def test_a_co_owner_gets_it_on_the_check_in_page_and_checks_it_in(world, mia) -> None:
    membership = Membership.objects.get(organization=world.org, user=mia)
    assert world.kr not in key_results_to_check_in(membership)
    set_co_owners(world.kr, world.bob, [mia])

    assert list(key_results_to_check_in(membership)) == [world.kr]
    response = world.client_for(mia).post(
        "/o/acme/check-in/", {f"kr-{world.kr.pk}-value": "1.5", f"kr-{world.kr.pk}-confidence": "7"}
    )

    assert response.status_code == 302
    check_in = CheckIn.objects.get(key_result=world.kr)
    assert check_in.author == mia
    assert KeyResult.objects.get(pk=world.kr.pk).current == Decimal("1.5")


def test_only_a_co_owner_may_check_in_from_the_key_result(world, mia) -> None:
    url = f"/o/acme/key-results/{world.kr.pk}/check-in/"
    body = {f"kr-{world.kr.pk}-value": "3"}

    assert world.client_for(mia).post(url, body).status_code == 403
    set_co_owners(world.kr, world.bob, [mia])
    assert world.client_for(mia).post(url, body).status_code == 302
    assert CheckIn.objects.filter(key_result=world.kr, author=mia).exists()


def test_a_viewer_co_owner_still_checks_nothing_in(world) -> None:
    set_co_owners(world.kr, world.bob, [world.vera])
    url = f"/o/acme/key-results/{world.kr.pk}/check-in/"

    assert (
        world.client_for(world.vera).post(url, {f"kr-{world.kr.pk}-value": "3"}).status_code == 403
    )


def test_co_owners_are_reminded_as_owners(world, mia) -> None:
    since = timezone.now() - timedelta(days=7)
    assert mia.pk not in reminder_recipients(world.org, since)
    set_co_owners(world.kr, world.bob, [mia])

    assert mia.pk in reminder_recipients(world.org, since)
    membership = Membership.objects.get(organization=world.org, user=mia)
    assert list(key_results_to_remind(membership, since)) == [world.kr]
