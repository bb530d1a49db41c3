"""Erasing a person (GDPR): an owner's or admin's explicit action, confirmed by typing the
person's e-mail address. Their membership goes; their account is anonymised when they
belong to no other organisation; their OKRs stay; the erasure itself is recorded."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate

from cible.accounts.models import User
from cible.audit.models import AuditEntry
from cible.checkins.services import record_check_in
from cible.collab.models import Comment, InboxItem
from cible.collab.services import create_comment
from cible.okrs import services as okrs
from cible.okrs.models import Change, KeyResult, Objective
from cible.orgs import services as orgs
from cible.orgs.models import Invitation, Membership, Role, Team, TeamMember
from conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def membership(world: World, user: User) -> Membership:
    return Membership.objects.get(organization=world.org, user=user)


def url(target: Membership) -> str:
    return f"/o/acme/members/{target.pk}/erase/"


def erase(world: World, actor: User, person: User, confirmation: str | None = None):  # type: ignore[no-untyped-def]
    target = membership(world, person)
    data = {"confirmation": person.email if confirmation is None else confirmation}
    return world.client_for(actor).post(url(target), data)


@pytest.fixture
def bob_history(world: World) -> None:
    """Bob owns things, checked in, was named in the trail and in the objectives' history."""
    okrs.update_objective(world.company_objective, world.alice, owner=world.bob)
    record_check_in(world.kr, world.bob, Decimal("1.5"), comment="Going well")
    orgs.create_invitation(world.org, world.alice, Role.MEMBER, email="bob@acme.test")
    EmailAddress.objects.create(user=world.bob, email=world.bob.email, verified=True)


@pytest.mark.parametrize("name", ["alice", "adam"])
def test_an_owner_or_admin_erases_a_person(world: World, bob_history: None, name: str) -> None:
    response = erase(world, getattr(world, name), world.bob)

    assert response.status_code == 302
    assert response["Location"] == "/o/acme/members/"
    assert not Membership.objects.filter(user=world.bob).exists()
    bob = User.objects.get(pk=world.bob.pk)
    assert bob.name == "Erased person"
    assert bob.email == f"erased-{bob.pk}@invalid"
    assert not bob.has_usable_password()
    assert not bob.is_active
    assert authenticate(email="bob@acme.test", password=PASSWORD) is None
    assert not EmailAddress.objects.filter(user=bob).exists()


def test_the_okr_data_stays_with_the_anonymised_account(world: World, bob_history: None) -> None:
    erase(world, world.alice, world.bob)

    assert Objective.objects.get(pk=world.team_objective.pk).owner_id == world.bob.pk
    assert Objective.objects.get(pk=world.company_objective.pk).owner_id == world.bob.pk
    assert KeyResult.objects.get(pk=world.kr.pk).owner_id == world.bob.pk
    assert world.kr.check_ins.get().author_id == world.bob.pk


def test_the_person_leaves_their_teams(world: World) -> None:
    erase(world, world.alice, world.bob)

    assert not TeamMember.objects.filter(user=world.bob).exists()
    assert Team.objects.get(pk=world.team.pk).lead is None


def test_it_records_the_erasure_without_personal_data(world: World, bob_history: None) -> None:
    erase(world, world.adam, world.bob)

    entry = AuditEntry.objects.get(action="erased")
    assert (entry.organization, entry.actor) == (world.org, world.adam)
    assert (entry.target_type, entry.target_id, entry.target_label) == ("user", world.bob.pk, "")
    assert entry.before == {}
    assert entry.after == {"anonymised": "yes"}


def test_the_name_and_address_leave_the_histories(world: World, bob_history: None) -> None:
    assert Change.objects.filter(after__owner="Bob Durand").exists()
    assert AuditEntry.objects.filter(target_label="bob@acme.test").exists()

    erase(world, world.alice, world.bob)

    assert AuditEntry.objects.filter(before__member="Erased person").exists()

    for model in (AuditEntry, Change):
        for row in model.objects.all():
            text = f"{getattr(row, 'target_label', '')} {row.before} {row.after}"
            assert "Bob Durand" not in text and "bob@acme.test" not in text, text
    assert Invitation.objects.get().email == ""


def test_personal_data_are_gone_from_the_members_page(world: World, bob_history: None) -> None:
    erase(world, world.alice, world.bob)

    page = world.client_for(world.alice).get("/o/acme/members/").content.decode()

    assert "Bob Durand" not in page
    assert "bob@acme.test" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/o/acme/objectives/{objective}/",
        "/o/acme/key-results/{kr}/",
        "/o/acme/teams/{team}/",
        "/o/acme/",
        "/o/acme/audit/",
        "/o/acme/people/{bob}/",
    ],
)
def test_the_okr_pages_still_render(world: World, bob_history: None, path: str) -> None:
    erase(world, world.alice, world.bob)
    ids = {
        "objective": world.team_objective.pk,
        "kr": world.kr.pk,
        "team": world.team.pk,
        "bob": world.bob.pk,
    }

    response = world.client_for(world.alice).get(path.format(**ids))

    assert response.status_code in (200, 404)
    page = response.content.decode()
    assert "Bob Durand" not in page and "bob@acme.test" not in page
    if "people" not in path:
        assert response.status_code == 200


def test_someone_in_another_organisation_keeps_their_account(world: World) -> None:
    Membership.objects.create(organization=world.other_org, user=world.bob, role=Role.MEMBER)

    response = erase(world, world.alice, world.bob)

    assert response.status_code == 302
    assert not Membership.objects.filter(organization=world.org, user=world.bob).exists()
    bob = User.objects.get(pk=world.bob.pk)
    assert (bob.name, bob.email, bob.is_active) == ("Bob Durand", "bob@acme.test", True)
    assert AuditEntry.objects.get(action="erased").after == {"anonymised": "no"}


@pytest.mark.parametrize("typed", ["", "bob@acme", "alice@acme.test"])
def test_a_wrong_confirmation_is_a_422_and_changes_nothing(world: World, typed: str) -> None:
    entries = AuditEntry.objects.count()

    response = erase(world, world.alice, world.bob, confirmation=typed)

    assert response.status_code == 422
    assert membership(world, world.bob).user.name == "Bob Durand"
    assert TeamMember.objects.filter(user=world.bob).exists()
    assert AuditEntry.objects.count() == entries


def test_the_confirmation_ignores_case_and_spaces(world: World) -> None:
    response = erase(world, world.alice, world.bob, confirmation="  BOB@acme.test ")

    assert response.status_code == 302


def test_the_last_owner_cannot_be_erased(world: World) -> None:
    response = erase(world, world.adam, world.alice)

    assert response.status_code == 422
    assert "An organisation keeps at least one owner." in response.content.decode()
    assert membership(world, world.alice).role == Role.OWNER


def test_an_owner_cannot_erase_themselves(world: World) -> None:
    Membership.objects.filter(user=world.adam).update(role=Role.OWNER)

    response = erase(world, world.alice, world.alice)

    assert response.status_code == 422
    assert "You cannot erase yourself" in response.content.decode()
    assert User.objects.get(pk=world.alice.pk).is_active


def test_an_admin_cannot_erase_an_owner(world: World) -> None:
    Membership.objects.filter(user=world.bob).update(role=Role.OWNER)

    response = erase(world, world.adam, world.bob)

    assert response.status_code == 422
    assert "Only an owner can erase an owner." in response.content.decode()


def test_an_owner_erases_another_owner(world: World) -> None:
    Membership.objects.filter(user=world.adam).update(role=Role.OWNER)

    assert erase(world, world.alice, world.adam).status_code == 302
    assert not Membership.objects.filter(user=world.adam).exists()


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_members_and_viewers_get_403(world: World, name: str) -> None:
    response = erase(world, getattr(world, name), world.adam)

    assert response.status_code == 403
    assert membership(world, world.adam).user.is_active


def test_outsider_gets_404(world: World) -> None:
    response = erase(world, world.oscar, world.bob)

    assert response.status_code == 404
    assert membership(world, world.bob).user.name == "Bob Durand"


def test_another_organisations_membership_is_a_404(world: World) -> None:
    foreign = Membership.objects.get(user=world.oscar)

    response = world.client_for(world.alice).post(
        f"/o/acme/members/{foreign.pk}/erase/", {"confirmation": "oscar@globex.test"}
    )

    assert response.status_code == 404
    assert User.objects.get(pk=world.oscar.pk).is_active


def test_anonymous_goes_to_the_login_page(world: World) -> None:
    response = world.client_for(None).post(url(membership(world, world.bob)), {})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_confirmation_page_names_the_person(world: World) -> None:
    response = world.client_for(world.alice).get(url(membership(world, world.bob)))

    assert response.status_code == 200
    assert "bob@acme.test" in response.content.decode()


def test_the_members_page_links_to_erasure_for_admins_only(world: World) -> None:
    target = url(membership(world, world.bob))

    assert target in world.client_for(world.adam).get("/o/acme/members/").content.decode()
    assert target not in world.client_for(world.bob).get("/o/acme/members/").content.decode()


def test_an_erased_person_can_no_longer_use_their_session(world: World) -> None:
    client = world.client_for(world.bob)
    erase(world, world.alice, world.bob)

    response = client.get("/o/acme/")

    assert response.status_code in (302, 404)


def test_the_person_s_inbox_and_mentions_go_their_comments_stay(world: World) -> None:
    create_comment(world.company_objective, world.alice, "@bob look")
    mine = create_comment(world.company_objective, world.bob, "My view")
    assert erase(world, world.alice, world.bob).status_code == 302
    assert not InboxItem.objects.filter(recipient=world.bob).exists()
    assert not Comment.mentions.through.objects.filter(user=world.bob).exists()
    assert Comment.objects.get(pk=mine.pk).author_id == world.bob.pk
