"""The guided start of a new organisation: objectives from templates or written, published
in the chosen cycle; invitations by a pasted list, each sent; every refusal stores nothing."""

from typing import Any

import pytest
from django.core import mail

from cible.front.forms import MAX_INVITATIONS, split_addresses
from cible.okrs import library
from cible.okrs.models import Cycle, CycleKind, Level, ObjectiveState
from cible.orgs.models import Invitation, Membership, Organization, Role
from cible.orgs.services import create_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(world) -> Organization:  # type: ignore[no-untyped-def]
    """A new organisation of Alice's, Bob a plain member and Vera a viewer of it."""
    org = create_organization(world.alice, name="Fresh", language="en", time_zone="UTC")
    Membership.objects.create(organization=org, user=world.bob, role=Role.MEMBER)
    Membership.objects.create(organization=org, user=world.vera, role=Role.VIEWER)
    return org


def url(org: Organization, step: str = "") -> str:
    return f"/o/{org.slug}/start/{step}"


def current_quarter(org: Organization) -> Cycle:
    cycle = Cycle.objects.current_for(org)
    assert cycle is not None and cycle.kind == CycleKind.QUARTER
    return cycle


def test_the_current_quarter_comes_chosen(world, fresh) -> None:
    response = world.client_for(world.alice).get(url(fresh))

    assert response.status_code == 200
    quarter = current_quarter(fresh)
    assert response.context["form"]["cycle"].value() == quarter.pk
    html = response.content.decode()
    assert f'<option value="{quarter.pk}" selected>' in html
    assert html.count('name="templates"') == len(library.TEMPLATES)


def test_templates_and_a_written_objective_are_published(world, fresh) -> None:
    first, second = library.TEMPLATES[0], library.TEMPLATES[7]
    quarter = current_quarter(fresh)
    response = world.client_for(world.alice).post(
        url(fresh),
        {"cycle": quarter.pk, "templates": [first.key, second.key], "title_2": "Open a shop"},
    )

    assert response.status_code == 302
    assert response["Location"] == url(fresh, "invite/")
    objectives = {o.title: o for o in fresh.objectives.all()}
    assert set(objectives) == {first.title_en, second.title_en, "Open a shop"}
    for objective in objectives.values():
        assert (objective.state, objective.level, objective.cycle) == (
            ObjectiveState.ACTIVE,
            Level.COMPANY,
            quarter,
        )
        assert objective.owner == world.alice
    assert objectives[first.title_en].key_results.count() == len(first.key_results)
    assert objectives["Open a shop"].key_results.count() == 0


def test_french_readers_get_the_french_templates(world, fresh) -> None:
    template = library.TEMPLATES[0]
    world.client_for(world.alice).post(
        url(fresh),
        {"cycle": current_quarter(fresh).pk, "templates": [template.key]},
        headers={"accept-language": "fr"},
    )

    [objective] = fresh.objectives.all()
    assert objective.title == template.title_fr
    assert {kr.title for kr in objective.key_results.all()} == {
        kr.title_fr for kr in template.key_results
    }


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"templates": [t.key for t in library.TEMPLATES[:3]], "title_1": "A fourth"},
        {"templates": ["no-such-template"]},
        {"title_1": "x" * 201},
        {"title_1": "Fine", "cycle": "999999"},
        {"title_1": "Fine", "cycle": "abc"},
    ],
    ids=["nothing", "four", "unknown template", "too long", "unknown cycle", "not an id"],
)
def test_refusals_store_nothing(world, fresh, fields: dict[str, Any]) -> None:
    data = {"cycle": current_quarter(fresh).pk, **fields}
    response = world.client_for(world.alice).post(url(fresh), data)

    assert response.status_code == 422
    assert response.context["form"].errors
    assert not fresh.objectives.exists()


def test_a_closed_cycle_is_not_offered(world, fresh) -> None:
    quarter = current_quarter(fresh)
    Cycle.objects.filter(pk=quarter.pk).update(state="closed")
    response = world.client_for(world.alice).post(url(fresh), {"cycle": quarter.pk, "title_1": "X"})

    assert response.status_code == 422
    assert not fresh.objectives.exists()


@pytest.mark.parametrize("step", ["", "invite/", "check-in/"])
def test_only_admins_take_the_guided_start(world, fresh, step: str) -> None:
    for user in (world.bob, world.vera):
        client = world.client_for(user)
        assert client.get(url(fresh, step)).status_code == 403
        assert client.post(url(fresh, step), {"title_1": "X"}).status_code == 403
    assert world.client_for(world.oscar).get(url(fresh, step)).status_code == 404
    assert not fresh.objectives.exists()


def test_a_pasted_list_invites_and_mails_everyone_once(world, fresh) -> None:
    pasted = "Ann Lee <ann@fresh.test>, joe@fresh.test\nANN@fresh.test; bob@acme.test"
    response = world.client_for(world.alice).post(url(fresh, "invite/"), {"emails": pasted})

    assert response.status_code == 302
    assert response["Location"] == url(fresh, "check-in/")
    invitations = Invitation.objects.filter(organization=fresh).order_by("email")
    # Bob is a member already: nobody invites him again.
    assert [(i.email, i.role) for i in invitations] == [
        ("ann@fresh.test", Role.MEMBER),
        ("joe@fresh.test", Role.MEMBER),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@fresh.test", "joe@fresh.test"]
    for invitation in invitations:
        [message] = [m for m in mail.outbox if m.to == [invitation.email]]
        assert f"/invitations/{invitation.token}/" in message.body
        assert "Fresh" in message.subject


@pytest.mark.parametrize(
    "pasted",
    [
        "",
        "   ",
        "ann@fresh.test, not-an-address",
        "ann@",
        ",".join(f"p{i}@fresh.test" for i in range(MAX_INVITATIONS + 1)),
    ],
    ids=["empty", "blank", "one wrong", "half an address", "too many"],
)
def test_a_wrong_list_invites_nobody(world, fresh, pasted: str) -> None:
    response = world.client_for(world.alice).post(url(fresh, "invite/"), {"emails": pasted})

    assert response.status_code == 422
    assert response.context["form"].errors["emails"]
    assert not Invitation.objects.filter(organization=fresh).exists()
    assert mail.outbox == []


def test_split_addresses() -> None:
    assert split_addresses("A <a@x.io>, b@y.fr; B@y.fr\nc@z.fr d@z.fr") == [
        "a@x.io",
        "b@y.fr",
        "c@z.fr",
        "d@z.fr",
    ]


def test_the_last_step_leads_to_the_first_check_in(world, fresh) -> None:
    client = world.client_for(world.alice)

    def main() -> str:
        html = client.get(url(fresh, "check-in/")).content.decode()
        return html.split("<main")[1].split("</main>")[0]

    assert f'href="/o/{fresh.slug}/check-in/"' not in main()
    client.post(
        url(fresh),
        {"cycle": current_quarter(fresh).pk, "templates": [library.TEMPLATES[0].key]},
    )

    assert f'href="/o/{fresh.slug}/check-in/"' in main()


def test_an_empty_home_offers_the_guided_start_to_admins_only(world, fresh) -> None:
    link = f'href="/o/{fresh.slug}/start/"'
    assert link in world.client_for(world.alice).get(f"/o/{fresh.slug}/").content.decode()
    assert link not in world.client_for(world.bob).get(f"/o/{fresh.slug}/").content.decode()
    world.client_for(world.alice).post(
        url(fresh), {"cycle": current_quarter(fresh).pk, "title_1": "Open a shop"}
    )
    assert link not in world.client_for(world.alice).get(f"/o/{fresh.slug}/").content.decode()
