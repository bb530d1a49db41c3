"""Changing someone's role: admins manage roles, only owners touch the owner role, and an
organisation always keeps an owner."""

import pytest

from cible.orgs.models import Membership, Role

pytestmark = pytest.mark.django_db


def membership(world, user) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(organization=world.org, user=user)


def url(target: Membership) -> str:
    return f"/o/acme/members/{target.pk}/role/"


def change(world, actor, target_user, role: str):  # type: ignore[no-untyped-def]
    target = membership(world, target_user)
    return world.client_for(actor).post(url(target), {"role": role}, follow=True)


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_an_owner_changes_a_role(world) -> None:
    target = membership(world, world.bob)

    response = world.client_for(world.alice).post(url(target), {"role": Role.ADMIN})

    assert response.status_code == 302
    assert response["Location"] == "/o/acme/members/"
    target.refresh_from_db()
    assert target.role == Role.ADMIN


def test_it_confirms_the_change(world) -> None:
    response = change(world, world.alice, world.bob, Role.VIEWER)

    assert "Role changed." in messages_of(response)


def test_an_admin_changes_a_members_role(world) -> None:
    change(world, world.adam, world.vera, Role.MEMBER)

    assert membership(world, world.vera).role == Role.MEMBER


def test_an_admin_cannot_grant_owner(world) -> None:
    response = change(world, world.adam, world.bob, Role.OWNER)

    assert membership(world, world.bob).role == Role.MEMBER
    assert "Only an owner can grant or remove the owner role." in messages_of(response)


def test_an_admin_cannot_make_themselves_owner(world) -> None:
    change(world, world.adam, world.adam, Role.OWNER)

    assert membership(world, world.adam).role == Role.ADMIN


def test_an_admin_cannot_demote_an_owner(world) -> None:
    change(world, world.adam, world.alice, Role.MEMBER)

    assert membership(world, world.alice).role == Role.OWNER


def test_an_owner_can_grant_owner(world) -> None:
    change(world, world.alice, world.adam, Role.OWNER)

    assert membership(world, world.adam).role == Role.OWNER


def test_the_last_owner_cannot_be_demoted(world) -> None:
    response = change(world, world.alice, world.alice, Role.ADMIN)

    assert membership(world, world.alice).role == Role.OWNER
    assert "An organisation keeps at least one owner." in messages_of(response)


def test_an_owner_can_step_down_when_another_owner_remains(world) -> None:
    Membership.objects.filter(organization=world.org, user=world.adam).update(role=Role.OWNER)

    change(world, world.alice, world.alice, Role.ADMIN)

    assert membership(world, world.alice).role == Role.ADMIN
    assert membership(world, world.adam).role == Role.OWNER


@pytest.mark.parametrize("role", ["god", "", "OWNER"])
def test_an_unknown_role_changes_nothing(world, role: str) -> None:
    response = change(world, world.alice, world.bob, role)

    assert membership(world, world.bob).role == Role.MEMBER
    assert "Choose a valid role." in messages_of(response)


def test_a_missing_role_changes_nothing(world) -> None:
    target = membership(world, world.bob)

    response = world.client_for(world.alice).post(url(target), {})

    assert response.status_code == 302
    assert membership(world, world.bob).role == Role.MEMBER


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_members_and_viewers_get_403(world, name: str) -> None:
    target = membership(world, world.alice)

    response = world.client_for(getattr(world, name)).post(url(target), {"role": Role.VIEWER})

    assert response.status_code == 403
    assert membership(world, world.alice).role == Role.OWNER


def test_the_outsider_gets_404(world) -> None:
    target = membership(world, world.bob)

    response = world.client_for(world.oscar).post(url(target), {"role": Role.OWNER})

    assert response.status_code == 404
    assert membership(world, world.bob).role == Role.MEMBER


def test_a_membership_of_another_organisation_gets_404(world) -> None:
    foreign = Membership.objects.get(organization=world.other_org, user=world.oscar)

    response = world.client_for(world.alice).post(
        f"/o/acme/members/{foreign.pk}/role/", {"role": Role.VIEWER}
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.OWNER


def test_a_get_is_not_allowed(world) -> None:
    response = world.client_for(world.alice).get(url(membership(world, world.bob)))

    assert response.status_code == 405
