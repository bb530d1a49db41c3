"""The audit page: owners and admins read the organisation's trail, newest first, filtered
and paginated; everyone else is refused."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cible.audit.models import AuditEntry
from cible.audit.services import Target, record
from cible.okrs import services as okrs
from cible.okrs.models import Level, Visibility
from cible.orgs.models import Membership
from conftest import World

pytestmark = pytest.mark.django_db

URL = "/o/acme/audit/"


def entry(world: World, label: str, at: datetime | None = None, **fields: object) -> AuditEntry:
    fields.setdefault("actor", world.alice)
    made = record(world.org, fields.pop("actor"), world.team, "updated", label=label, **fields)  # type: ignore[arg-type]
    if at is not None:
        AuditEntry.objects.filter(pk=made.pk).update(at=at)
    return made


@pytest.mark.parametrize("name", ["alice", "adam"])
def test_owners_and_admins_read_the_trail(world: World, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(URL)

    assert response.status_code == 200
    assert "Audit trail" in response.content.decode()


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_members_and_viewers_get_403(world: World, name: str) -> None:
    assert world.client_for(getattr(world, name)).get(URL).status_code == 403


def test_outsider_gets_404(world: World) -> None:
    assert world.client_for(world.oscar).get(URL).status_code == 404


def test_anonymous_goes_to_the_login_page(world: World) -> None:
    response = world.client_for(None).get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_who_did_what_with_before_and_after(world: World) -> None:
    okrs.update_objective(world.company_objective, world.adam, title="Delight users")

    page = world.client_for(world.alice).get(URL).content.decode()

    assert "Adam Roux" in page
    assert "<del>Delight our customers</del> → <ins>Delight users</ins>" in page
    assert f'href="/o/acme/objectives/{world.company_objective.pk}/"' in page


def test_newest_first(world: World) -> None:
    now = timezone.now()
    entry(world, "The older one", at=now - timedelta(days=2))
    entry(world, "The newer one", at=now - timedelta(days=1))

    page = world.client_for(world.alice).get(URL).content.decode()

    assert page.index("The newer one") < page.index("The older one")


def test_another_organisations_entries_stay_out(world: World) -> None:
    okrs.update_objective(world.foreign_objective, world.oscar, title="Globex plan")

    page = world.client_for(world.alice).get(URL).content.decode()

    assert "Globex" not in page


def test_admins_see_private_objectives_entries(world: World) -> None:
    private = okrs.create_objective(
        world.org,
        world.bob,
        cycle=world.cycle,
        title="Secret plan",
        level=Level.PERSON,
        visibility=Visibility.PRIVATE,
    )

    page = world.client_for(world.adam).get(URL).content.decode()

    assert "Secret plan" in page
    assert private.pk in AuditEntry.objects.values_list("objective_id", flat=True)


def test_filter_by_type(world: World) -> None:
    record(world.org, world.alice, world.cycle, "state_changed", label="Cycle change")
    entry(world, "Team change")

    page = world.client_for(world.alice).get(URL, {"type": "cycle"}).content.decode()

    assert "Cycle change" in page
    assert "Team change" not in page


def test_filter_by_actor(world: World) -> None:
    entry(world, "By Alice")
    entry(world, "By Adam", actor=world.adam)

    page = world.client_for(world.alice).get(URL, {"actor": world.adam.pk}).content.decode()

    assert "By Adam" in page
    assert "By Alice" not in page


def test_filter_by_someone_who_left(world: World) -> None:
    entry(world, "By Oscar", actor=world.oscar)

    response = world.client_for(world.alice).get(URL, {"actor": world.oscar.pk})

    assert response.status_code == 200
    assert "By Oscar" in response.content.decode()


def test_filter_by_date_range(world: World) -> None:
    day = timezone.make_aware(datetime(2030, 3, 10, 12))
    entry(world, "Before the range", at=day - timedelta(days=5))
    entry(world, "First day", at=day.replace(hour=0, minute=1))
    entry(world, "Last day", at=day.replace(hour=23, minute=59) + timedelta(days=2))
    entry(world, "After the range", at=day + timedelta(days=3))

    page = (
        world.client_for(world.alice)
        .get(URL, {"start": "2030-03-10", "end": "2030-03-12"})
        .content.decode()
    )

    assert "First day" in page and "Last day" in page
    assert "Before the range" not in page and "After the range" not in page


def test_an_inverted_range_is_a_422_with_a_message(world: World) -> None:
    response = world.client_for(world.alice).get(URL, {"start": "2030-03-12", "end": "2030-03-10"})

    assert response.status_code == 422
    assert "The end date comes before the start date." in response.content.decode()


def test_an_unknown_type_is_a_422(world: World) -> None:
    assert world.client_for(world.alice).get(URL, {"type": "nonsense"}).status_code == 422


def test_fifty_entries_a_page(world: World) -> None:
    AuditEntry.objects.all().delete()
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            organization=world.org,
            actor=world.alice,
            action="updated",
            target_type="team",
            target_id=world.team.pk,
            target_label=f"Entry {n:03}",
            at=now - timedelta(minutes=n),
        )
        for n in range(120)
    )
    client = world.client_for(world.alice)

    first = client.get(URL)
    third = client.get(URL, {"page": 3})

    assert len(first.context["page"].object_list) == 50
    assert "Entry 000" in first.content.decode() and "Entry 050" not in first.content.decode()
    assert "Page 1 of 3" in first.content.decode()
    assert third.context["page"].object_list[0].target_label == "Entry 100"
    assert len(third.context["page"].object_list) == 20


def test_page_links_keep_the_filters(world: World) -> None:
    for n in range(60):
        entry(world, f"Entry {n}")

    page = world.client_for(world.alice).get(URL, {"type": "team"}).content.decode()

    assert "?type=team&amp;page=2" in page


def test_a_page_out_of_range_shows_the_last_one(world: World) -> None:
    assert world.client_for(world.alice).get(URL, {"page": "999"}).status_code == 200


def test_the_export_link_carries_the_filters(world: World) -> None:
    page = world.client_for(world.alice).get(URL, {"type": "team", "page": "1"}).content.decode()

    assert 'href="/o/acme/audit.csv?type=team"' in page


def test_the_queries_do_not_grow_with_the_entries(world: World) -> None:
    client = world.client_for(world.alice)
    entry(world, "One")
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(30):
        entry(world, f"More {n}", actor=world.adam if n % 2 else world.bob)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)

    assert len(many) == len(few)


def test_the_settings_page_links_to_the_trail_for_admins(world: World) -> None:
    admin_page = world.client_for(world.adam).get("/o/acme/settings/").content.decode()
    member_page = world.client_for(world.bob).get("/o/acme/settings/").content.decode()

    assert 'href="/o/acme/audit/"' in admin_page
    assert 'href="/o/acme/audit/"' not in member_page


def test_the_team_page_shows_its_history(world: World) -> None:
    world.client_for(world.alice).post(
        f"/o/acme/teams/{world.team.pk}/members/", {"user": world.vera.pk}
    )
    record(world.org, world.alice, Target("team_member", world.team.pk + 1000), "added")

    response = world.client_for(world.vera).get(f"/o/acme/teams/{world.team.pk}/")

    history = list(response.context["history"])
    assert [e.action for e in history] == ["added"]
    assert "member added" in response.content.decode()
    assert "<ins>Vera Petit</ins>" in response.content.decode()


def test_the_team_history_keeps_the_last_twenty(world: World) -> None:
    for n in range(25):
        entry(world, f"Change {n}")

    response = world.client_for(world.bob).get(f"/o/acme/teams/{world.team.pk}/")

    assert len(response.context["history"]) == 20


def test_entries_about_a_private_objective_stay_hidden_from_who_may_not_see_it(
    world: World,
) -> None:
    private = okrs.create_objective(
        world.org,
        world.adam,
        cycle=world.cycle,
        title="Adam's secret",
        level=Level.PERSON,
        visibility=Visibility.PRIVATE,
    )
    bob = Membership.objects.get(organization=world.org, user=world.bob)
    adam = Membership.objects.get(organization=world.org, user=world.adam)

    seen_by_bob = AuditEntry.objects.visible_to(bob).values_list("objective_id", flat=True)
    seen_by_adam = AuditEntry.objects.visible_to(adam).values_list("objective_id", flat=True)

    assert private.pk not in seen_by_bob
    assert world.team_objective.pk in seen_by_bob
    assert private.pk in seen_by_adam
